"""Workshop packs: a booklet of just the recipes a facilitator picks, with its own contents."""

from __future__ import annotations

import difflib
import os
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from ..config import Project
from ..model import Cookbook, Recipe
from ..source.check import UsageError

if TYPE_CHECKING:
    from .pdf_jobs import PdfSettings
    from ..progress import Progress


@dataclass(frozen=True)
class PackRequest:
    recipe_ids: tuple[str, ...] = ()
    themes: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    lang: str = "fi"
    page_format: str = "a4"
    booklet: bool = False

    @property
    def wanted(self) -> bool:
        return bool(self.recipe_ids or self.themes or self.tags)


# Where each kind of choice is listed, for the error that names an unknown one.
WHERE = {"recipe": "a recipe's id is the name of its folder under recipes/",
         "theme": "the themes are the ids of 'themes' in recipes/taxonomy.yml",
         "tag": "the tags are those the recipes' front matter lists"}


def _unknown(kind: str, value: str, known: list[str]) -> UsageError:
    close = difflib.get_close_matches(value, known, n=1)
    hint = f" Did you mean '{close[0]}'?" if close else ""
    listed = ", ".join(known) if len(known) <= 30 else ", ".join(known[:30]) + ", …"
    return UsageError(f"unknown {kind} '{value}'.{hint} Known: {listed} ({WHERE[kind]})")


def select_recipes(cookbook: Cookbook, request: PackRequest) -> tuple[Recipe, ...]:
    """The published recipes named by id, theme or tag, in the book's order."""
    if request.lang not in cookbook.languages:
        raise UsageError(f"unknown language '{request.lang}'; the languages are {', '.join(cookbook.languages)}")
    recipes = cookbook.recipes_in(request.lang)
    ids = [r.id for r in recipes]
    for recipe_id in request.recipe_ids:
        if recipe_id not in ids:
            raise _unknown("recipe", recipe_id, ids)
    themes = cookbook.taxonomy.ids("themes")
    for theme in request.themes:
        if theme not in themes:
            raise _unknown("theme", theme, themes)
    tags = sorted({tag for r in recipes for tag in r.tags})
    for tag in request.tags:
        if tag not in tags:
            raise _unknown("tag", tag, tags)
    chosen = tuple(r for r in recipes if r.id in request.recipe_ids or r.theme in request.themes
                   or set(r.tags) & set(request.tags))
    if not chosen:
        raise UsageError("no published recipe matches the selection")
    return chosen


def reading_edition_path(booklet: Path) -> Path:
    """Where a pack's pages in reading order go beside its booklet: `launch-booklet.pdf` has
    `launch-reading.pdf`, a name no pack is given by default (none is overwritten)."""
    return booklet.with_name(f"{booklet.stem.removesuffix('-booklet')}-reading{booklet.suffix}")


def build_pack(project: Project, cookbook: Cookbook, request: PackRequest, output: Path,
               settings: "PdfSettings | None" = None, progress: "Progress | None" = None) -> list[Path]:
    """The pack to `output`. A booklet (pages in printing order, untagged) comes with the same
    pages in reading order, tagged, beside it: the one to read on screen or send on. Returns
    the files written, the one asked for first."""
    from .book import BookRequest
    from .pdf_jobs import PdfSettings, build_book
    from ..progress import QUIET

    recipes = select_recipes(cookbook, request)
    book = BookRequest(request.lang, request.page_format, tuple(r.id for r in recipes))
    output.parent.mkdir(parents=True, exist_ok=True)
    settings, progress = settings or PdfSettings(), progress or QUIET
    # Made beside the output under other names, checked, and only then put in its place: a
    # failed or killed build leaves the pack that was there.
    flat = output.with_name(f".{output.stem}-pages.{os.getpid()}.pdf")
    imposed = output.with_name(f".{output.stem}-booklet.{os.getpid()}.pdf") if request.booklet else None
    reading = reading_edition_path(output) if request.booklet else None
    try:
        build_book(project, cookbook, book, flat, booklet=imposed, settings=settings, progress=progress,
                   reading_name=reading.name if reading else None)
        if imposed is not None and reading is not None:
            os.replace(flat, reading)
            os.replace(imposed, output)
            return [output, reading]
        os.replace(flat, output)
        return [output]
    finally:
        for leftover in (flat, imposed):
            if leftover is not None:
                leftover.unlink(missing_ok=True)
