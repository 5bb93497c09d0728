"""What every forked worker process does first: the garbage collector set for batch work, and
a watch that ends it when its parent ends.

A worker inherits the checked cookbook (or the validator) from its parent and then makes
masses of short-lived objects: WeasyPrint's boxes, YAML nodes, diagnostics. Python's collector
would rescan the inherited objects again and again (a fifth of a PDF render went to it), so
they are frozen out of its sight, and it runs less often. Whoever makes cycles in bulk collects
them itself at a point of its choosing (PdfRenderer does, every few dozen pages).
"""

from __future__ import annotations

import gc
import os
import threading
import time
from contextlib import contextmanager
from typing import Iterator

WATCH_SECONDS = 0.5
FIRST_GENERATION = 100_000  # objects allocated between collections (Python's default: 700)


def prepare_worker() -> None:
    """What a forked worker does first."""
    tune_collector()
    die_with_parent()


def tune_collector() -> None:
    gc.freeze()
    gc.set_threshold(FIRST_GENERATION, 20, 100)


def die_with_parent() -> None:
    """End this worker when the build that forked it ends, however it ends. A pool's workers
    hold each other's ends of its pipes, so a killed parent's workers would wait for work
    forever, holding the build lock they inherited (cookbook.build_lock)."""
    parent = os.getppid()

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(WATCH_SECONDS)
        os._exit(1)

    threading.Thread(target=watch, name="die-with-parent", daemon=True).start()


_working_depth = 0  # how many working_here() blocks this process is inside


@contextmanager
def working_here() -> Iterator[None]:
    """The collector set as in a worker while this process does the work itself, then as it was.

    Blocks nest (a book joined inside the sequential scheduler's run): only the outermost one
    sets the collector and puts it back, so an inner one cannot unfreeze what the outer froze."""
    global _working_depth
    outermost = _working_depth == 0
    threshold = gc.get_threshold()
    if outermost:
        tune_collector()
    _working_depth += 1
    try:
        yield
    finally:
        _working_depth -= 1
        if outermost:
            gc.set_threshold(*threshold)
            gc.unfreeze()
