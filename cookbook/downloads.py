"""The names of the files a reader downloads: the book's editions and each recipe's handout.

The print side writes them and the site links them, so they are named here, once, for both.
"""

from __future__ import annotations

from .config import Project

# Page formats of the book: the extra stylesheet each adds to templates/print/print.css.
FORMATS = {"a4": None, "a5": "format-a5.css", "print": "format-print.css"}


def book_name(project: Project, lang: str, page_format: str) -> str:
    """keittokirja-a4.pdf, keittokirja-a5.pdf, keittokirja-print.pdf (from the language's book name)."""
    a4 = project.language(lang).strings["pdf"]["book"]
    return a4 if page_format == "a4" else a4.replace("-a4.pdf", f"-{page_format}.pdf")


def booklet_name(project: Project, lang: str) -> str:
    return book_name(project, lang, "a5").replace(".pdf", "-booklet.pdf")


def handout_name(recipe_id: str, lang: str) -> str:
    return f"{recipe_id}-{lang}.pdf"
