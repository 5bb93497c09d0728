"""Where a book is joined: in a process of its own, beside the build's, or in the build's own.

qpdf holds every object of the book it joins (a thousand recipes' Finnish book: 325,000),
and the build's process already holds the checked cookbook, its templates and WeasyPrint. A
process started afresh (spawn: it imports pikepdf and the join, nothing else) holds the book
alone, and joins the slices as they come while the build goes on scheduling the rest. With
one job (`--jobs 1`: everything in one process) the book is joined in the build's process.
"""

from __future__ import annotations

import multiprocessing
from concurrent.futures import Future, ProcessPoolExecutor
from pathlib import Path

from ..workers import die_with_parent
from .folio import number_pages
from .join import Joiner, OutlineEntry


class JoinHere:
    """The book joined in this process."""

    def __init__(self, count: int, anchor_owner: dict[str, int]) -> None:
        self.joiner = Joiner(count, anchor_owner)

    def add(self, index: int, data: bytes) -> None:
        self.joiner.add(index, data)

    def write(self, target: Path, outline: list[OutlineEntry], page_labels: list[tuple[int, str, int]],
              numbers_first: int, numbers: list[bytes]) -> None:
        """The joined book to `target`, the pages from `numbers_first` on numbered by the pages
        of the `numbers` documents (folio.py)."""
        self.joiner.write(target, outline, page_labels, before_write=lambda pdf: number_pages(pdf, numbers_first, numbers))

    def close(self) -> None:
        pass


# In the joining process: the book it joins, and what the pool calls there, in turn.
_HERE: JoinHere | None = None


def _start(count: int, anchor_owner: dict[str, int]) -> None:
    global _HERE
    _HERE = JoinHere(count, anchor_owner)


def _add(index: int, data: bytes) -> None:
    assert _HERE is not None
    _HERE.add(index, data)


def _write(*arguments: object) -> None:
    global _HERE
    assert _HERE is not None
    joiner, _HERE = _HERE, None
    joiner.write(*arguments)  # type: ignore[arg-type]


class JoinApart:
    """The book joined in a process of its own. Parts are handed over in order and joined
    there while this process goes on; a part that cannot be joined fails the write, with the
    join's own message (the pool carries errors back, not tracebacks)."""

    def __init__(self, count: int, anchor_owner: dict[str, int]) -> None:
        self.pool = ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("spawn"), initializer=die_with_parent)
        self.pending: list[Future[None]] = [self.pool.submit(_start, count, anchor_owner)]

    def add(self, index: int, data: bytes) -> None:
        for future in [future for future in self.pending if future.done()]:
            self.pending.remove(future)
            future.result()  # a part that failed fails the build now, not at the end
        self.pending.append(self.pool.submit(_add, index, data))

    def write(self, target: Path, outline: list[OutlineEntry], page_labels: list[tuple[int, str, int]],
              numbers_first: int, numbers: list[bytes]) -> None:
        try:
            for future in [*self.pending, self.pool.submit(_write, target, outline, page_labels, numbers_first, numbers)]:
                future.result()  # the first failure, in the order the parts came
        finally:
            self.close()

    def close(self) -> None:
        """The joining process ends (the book it held is let go); also when the build failed."""
        self.pool.shutdown(cancel_futures=True)
