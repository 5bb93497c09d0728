"""What every forked worker process does first: the garbage collector set for batch work, and
a watch that ends it when its parent ends; and tasks run apart, in a child that ends with them.

A worker inherits the checked cookbook (or the validator) from its parent and then makes
masses of short-lived objects: WeasyPrint's boxes, YAML nodes, diagnostics. Python's collector
would rescan the inherited objects again and again (a fifth of a PDF render went to it), so
they are frozen out of its sight, and it runs less often. Whoever makes cycles in bulk collects
them itself at a point of its choosing (PdfRenderer does, every few dozen pages), or leaves
them to a child of its own that ends when the task is done (`apart`).
"""

from __future__ import annotations

import ctypes
import gc
import os
import pickle
import signal
import sys
import threading
import time
from concurrent.futures.process import BrokenProcessPool
from contextlib import contextmanager
from typing import Any, Callable, Iterator, TypeVar

T = TypeVar("T")

WATCH_SECONDS = 0.5
PR_SET_PDEATHSIG = 1  # prctl(2): the signal this process gets when its parent ends
FIRST_GENERATION = 100_000  # objects allocated between collections (Python's default: 700)

_role = "build"  # "worker" in a pool's worker (prepare_worker), "child" in a child `apart` forked


def prepare_worker() -> None:
    """What a forked worker does first."""
    global _role
    _role = "worker"
    tune_collector()
    die_with_parent()


def tune_collector() -> None:
    gc.freeze()
    gc.set_threshold(FIRST_GENERATION, 20, 100)


def die_with_parent() -> None:
    """End this worker when the build that forked it ends, however it ends. A pool's workers
    hold each other's ends of its pipes, so a killed parent's workers would wait for work
    forever, holding the build lock they inherited (cookbook.build_lock).

    On Linux the kernel does it (PR_SET_PDEATHSIG), and the worker stays single-threaded, so
    that it may fork children of its own (`apart`); elsewhere a thread watches the parent."""
    parent = os.getppid()
    prctl = getattr(ctypes.CDLL(None), "prctl", None) if sys.platform == "linux" else None
    if prctl is not None and prctl(PR_SET_PDEATHSIG, signal.SIGKILL) == 0:
        if os.getppid() != parent:  # it ended before the kernel was told
            os._exit(1)
        return

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(WATCH_SECONDS)
        os._exit(1)

    threading.Thread(target=watch, name="die-with-parent", daemon=True).start()


def in_a_worker() -> bool:
    """Whether this process is a pool's worker, which may fork children of its own (`apart`)."""
    return _role == "worker"


def in_a_child() -> bool:
    """Whether this process ends with its task, so that its garbage need not be collected."""
    return _role == "child"


def apart(task: Callable[..., T], *args: Any) -> T:
    """`task(*args)` in a child forked from this process, which sends back what the task returns
    (or raises) and ends at once. Its memory goes with it: a laid-out document's millions of
    small objects are never walked by the collector nor freed one by one, a sixth of the time
    of a book's part. The child collects no garbage at all: this is for tasks whose garbage is
    small beside what they hold to the end (a document is laid out whole, then written). It
    starts with this process's caches (fonts, stylesheets, templates). A child that dies
    without an answer (killed, out of memory) is reported as a dead worker."""
    sys.stdout.flush()
    sys.stderr.flush()
    reader, writer = os.pipe()
    try:
        child = os.fork()
    except OSError:  # no memory or processes left for a child: the task runs here
        os.close(reader)
        os.close(writer)
        return task(*args)
    if child == 0:
        try:
            os.close(reader)
            global _role
            _role = "child"
            gc.disable()  # what it leaves goes when it ends (2-8 % less time, 1 % more memory)
            die_with_parent()
            _send(writer, task, args)
        finally:
            os._exit(0)
    os.close(writer)
    with os.fdopen(reader, "rb") as pipe:
        answer = pipe.read()
    _, status = os.waitpid(child, 0)
    if status != 0 or not answer:  # killed, maybe halfway through its answer
        raise BrokenProcessPool("a worker's child process ended without its result")
    succeeded, value = pickle.loads(answer)
    if succeeded:
        return value  # type: ignore[no-any-return]
    raise value


def _send(writer: int, task: Callable[..., Any], args: tuple[Any, ...]) -> None:
    """In the child: the task's outcome, pickled, down the pipe (an error that cannot be pickled
    goes as its type and message)."""
    try:
        outcome: tuple[bool, Any] = (True, task(*args))
    except BaseException as error:  # noqa: BLE001 - carried back to the worker, raised there
        outcome = (False, error)
    try:
        answer = pickle.dumps(outcome, pickle.HIGHEST_PROTOCOL)
    except Exception as error:  # noqa: BLE001
        answer = pickle.dumps((False, RuntimeError(f"{type(outcome[1]).__name__}: {outcome[1]} ({error})")))
    with os.fdopen(writer, "wb") as pipe:
        pipe.write(answer)
    sys.stdout.flush()
    sys.stderr.flush()


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
