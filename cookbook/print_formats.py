"""The editions of the book and their file names (shared by the print side and the site)."""

from __future__ import annotations

import os
from dataclasses import dataclass

from .config import Project

# Page formats of the book: the extra stylesheet each adds to templates/print/print.css.
FORMATS = {"a4": None, "a5": "format-a5.css", "print": "format-print.css"}
# The kinds of PDF a build makes: the A4 book; its other editions (A5, A5 booklet, print shop);
# the card decks; a handout per recipe.
KINDS = ("book", "editions", "cards", "handouts")


def book_name(project: Project, lang: str, page_format: str) -> str:
    """keittokirja-a4.pdf, keittokirja-a5.pdf, keittokirja-print.pdf (from the language's book name)."""
    a4 = project.language(lang).strings["pdf"]["book"]
    return a4 if page_format == "a4" else a4.replace("-a4.pdf", f"-{page_format}.pdf")


def booklet_name(project: Project, lang: str) -> str:
    return book_name(project, lang, "a5").replace(".pdf", "-booklet.pdf")


@dataclass(frozen=True)
class PdfSettings:
    jobs: int = 0          # worker processes; 0: one per core; 1: everything in this process
    cache: bool = True     # reuse PDFs whose inputs have not changed (build/cache/pdf)

    def workers(self) -> int:
        return self.jobs or os.cpu_count() or 1
