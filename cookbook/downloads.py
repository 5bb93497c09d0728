"""The names of the files a reader downloads: the book's editions, each recipe's handout and the
themes' measurement plans.

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


def plan_name(project: Project, lang: str, theme: str | None, suffix: str) -> str:
    """A measurement plan's file: mittaussuunnitelma-launch-fi.xlsx (`suffix` ".xlsx" or ".pdf");
    without a theme, mittaussuunnitelma-fi.xlsx. The language code keeps the editions' files
    apart, as the handouts' are."""
    base = project.language(lang).strings["plan"]["file"]
    return f"{base}-{theme}-{lang}{suffix}" if theme else f"{base}-{lang}{suffix}"
