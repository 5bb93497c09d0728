"""What a build of the PDFs is asked for: which kinds, on how many cores, with or without the cache.

The file names of the editions, which the site links too, are in cookbook/downloads.py."""

from __future__ import annotations

import os
from dataclasses import dataclass

# The kinds of PDF a build makes: the A4 book; its other editions (A5, A5 booklet, print shop);
# the card decks; a handout per recipe.
KINDS = ("book", "editions", "cards", "handouts")


@dataclass(frozen=True)
class PdfSettings:
    jobs: int = 0          # worker processes; 0: one per core; 1: everything in this process
    cache: bool = True     # reuse PDFs whose inputs have not changed (build/cache/pdf)

    def workers(self) -> int:
        return self.jobs or os.cpu_count() or 1
