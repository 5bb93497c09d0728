"""What a long build is doing: a progress line per stage with counts, and the time per stage.

Progress goes to stderr and only to a terminal (CI logs and pipes stay clean); `--quiet`
silences it. `--timings` prints the time each stage took when the build ends.
"""

from __future__ import annotations

import sys
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Iterator, TextIO


@dataclass
class Progress:
    quiet: bool = False
    stream: TextIO = field(default_factory=lambda: sys.stderr)
    timings: list[tuple[str, float]] = field(default_factory=list)
    _line_open: bool = False

    @property
    def live(self) -> bool:
        return not self.quiet and self.stream.isatty()

    @contextmanager
    def stage(self, name: str, total: int | None = None) -> Iterator["StageCounter"]:
        """Time a stage; the counter it yields updates the stage's progress line."""
        counter = StageCounter(self, name, total)
        counter.show()
        started = time.perf_counter()
        try:
            yield counter
        finally:
            elapsed = time.perf_counter() - started
            self.timings.append((name, elapsed))
            counter.finish(elapsed)

    def write(self, text: str, final: bool) -> None:
        if not self.live:
            return
        # \r and clear-to-end-of-line rewrite the stage's line in place on a terminal.
        self.stream.write(f"\r\x1b[K{text}" + ("\n" if final else ""))
        self.stream.flush()

    def timing_report(self) -> str:
        width = max((len(name) for name, _ in self.timings), default=5)
        lines = [f"{name:<{width}}  {seconds:7.2f} s" for name, seconds in self.timings]
        total = sum(seconds for _, seconds in self.timings)
        lines.append(f"{'total':<{width}}  {total:7.2f} s")
        return "\n".join(lines)


@dataclass
class StageCounter:
    progress: Progress
    name: str
    total: int | None
    done: int = 0
    cached: int = 0

    def advance(self, count: int = 1, cached: bool = False) -> None:
        self.done += count
        self.cached += count if cached else 0
        self.show()

    def add_total(self, count: int) -> None:
        self.total = (self.total or 0) + count
        self.show()

    def counts(self) -> str:
        if self.total is None:
            return ""
        reused = f", {self.cached} unchanged" if self.cached else ""
        return f" {self.done}/{self.total}{reused}"

    def show(self) -> None:
        self.progress.write(f"{self.name}…{self.counts()}", final=False)

    def finish(self, elapsed: float) -> None:
        self.progress.write(f"{self.name}{self.counts()} ({elapsed:.1f} s)", final=True)


QUIET = Progress(quiet=True)
