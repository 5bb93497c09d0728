"""What a build of the PDFs is asked for (which kinds, on how many cores, with or without the
cache), and what the A5 booklet says of itself.

The file names of the editions, which the site links too, are in cookbook/downloads.py."""

from __future__ import annotations

import os
from dataclasses import dataclass

from ..config import Project

# The kinds of PDF a build makes: the A4 book; its other editions (A5, A5 booklet, print shop);
# the card decks; a handout per recipe; each theme's measurement plan (with its spreadsheet).
KINDS = ("book", "editions", "cards", "handouts", "plans")


@dataclass(frozen=True)
class BookletLabel:
    """What a booklet says of itself in its metadata: that it is an edition's pages in
    printing order, to print rather than read, and which file is that edition to read."""

    lang: str
    title_suffix: str     # after the edition's title
    description: str      # the subject, and dc:description
    reading_edition: str  # the file name of the tagged edition, in reading order


# The sheet a booklet's pages are imposed on, two to a side (cookbook.print.impose).
BOOKLET_SHEETS = {"a5": "A4", "a4": "A3"}


def booklet_label(project: Project, lang: str, reading_edition: str, page_format: str = "a5") -> BookletLabel:
    """The language's texts (templates/i18n, print.booklet_title and booklet_description)."""
    texts = project.language(lang).strings["print"]
    fields = {"{format}": page_format.upper(), "{sheet}": BOOKLET_SHEETS.get(page_format, ""), "{reading}": reading_edition}

    def filled(text: str) -> str:
        for name, value in fields.items():
            text = text.replace(name, value)
        return text

    return BookletLabel(lang, filled(texts["booklet_title"]), filled(texts["booklet_description"]), reading_edition)


@dataclass(frozen=True)
class PdfSettings:
    jobs: int = 0          # worker processes; 0: one per core; 1: everything in this process
    cache: bool = True     # reuse PDFs whose inputs have not changed (build/cache/pdf)

    def workers(self) -> int:
        return self.jobs or os.cpu_count() or 1
