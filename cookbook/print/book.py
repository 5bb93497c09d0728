"""The book in parts: front matter, chapters in slices, and the appendix, rendered apart and joined.

WeasyPrint holds a whole document in memory and lays it out on one core. So a slice of a
chapter (at most SLICE_RECIPES recipes, each starting on a new page) is its own document,
rendered in parallel with the others, and the joined book gets its page numbers afterwards:
- the front matter (cover, colophon, contents) is unnumbered, and the numbering starts at 1
  with the first chapter, so the contents' numbers do not depend on its own length;
- a slice knows no page numbers: its footers are left empty, and WeasyPrint draws the numbers
  apart, to be laid over the joined pages (folio.py); it refers to other recipes by their number
  in the book (3.4), which is known in advance;
- the contents and the metrics appendix, rendered once every slice's length is known, print
  the page numbers from the page map.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING

from ..downloads import FORMATS
from ..model import Cookbook, Recipe

if TYPE_CHECKING:
    from .join import OutlineEntry

# Enough recipes for a part to be worth a process, few enough to bound its memory (~1 MB a page).
SLICE_RECIPES = 16
PART_CSS = "book-part.css"
NUMBERS_CSS = "page-numbers.css"
# Pages of one page-numbers document (see folio.py): a short task for a worker, and at most 99
# numbers drawn in vain after the book's last page.
NUMBERS_PER_DOCUMENT = 100
APPENDIX_ANCHOR = "appendix-metrics"
# Metric rows (about five pages) after which the appendix is cut, between metric levels, into
# parts rendered in parallel: a thousand recipes' appendix is some 150 pages.
APPENDIX_PART_ROWS = 150


@dataclass(frozen=True)
class BookRequest:
    lang: str
    page_format: str = "a4"
    recipe_ids: tuple[str, ...] | None = None  # a workshop pack's recipes; None: the whole book


@dataclass(frozen=True)
class Slice:
    chapter_number: int
    theme: str
    recipe_ids: tuple[str, ...]
    opens_chapter: bool


def recipe_anchor(recipe_id: str) -> str:
    return f"recipe-{recipe_id}"


def chapter_anchor(theme: str) -> str:
    return f"chapter-{theme}"


@dataclass(frozen=True)
class BookPlan:
    """Which recipes the book holds, in which chapters and slices, and their numbers (3.4)."""

    cookbook: Cookbook
    request: BookRequest

    @cached_property
    def recipes(self) -> tuple[Recipe, ...]:
        every = self.cookbook.recipes_in(self.request.lang)
        wanted = self.request.recipe_ids
        return every if wanted is None else tuple(r for r in every if r.id in wanted)

    @cached_property
    def chapters(self) -> list[tuple[str, list[Recipe]]]:
        chosen = set(self.recipes)
        found = [(theme, [r for r in chapter if r in chosen]) for theme, chapter in self.cookbook.by_theme(self.request.lang)]
        return [(theme, chapter) for theme, chapter in found if chapter]

    @cached_property
    def numbers(self) -> dict[str, str]:
        return {recipe.id: f"{chapter}.{index}" for chapter, (_, recipes) in enumerate(self.chapters, start=1)
                for index, recipe in enumerate(recipes, start=1)}

    @cached_property
    def slices(self) -> list[Slice]:
        found = []
        for number, (theme, recipes) in enumerate(self.chapters, start=1):
            count = -(-len(recipes) // SLICE_RECIPES)  # slices of even size rather than a short last one
            size = -(-len(recipes) // count)
            for start in range(0, len(recipes), size):
                ids = tuple(r.id for r in recipes[start:start + size])
                found.append(Slice(number, theme, ids, opens_chapter=start == 0))
        return found

    @cached_property
    def by_id(self) -> dict[str, Recipe]:
        return {recipe.id: recipe for recipe in self.recipes}

    def common_context(self) -> dict[str, object]:
        return {"part_format": self.request.page_format, "format_css": FORMATS[self.request.page_format],
                "numbers": self.numbers}

    def slice_context(self, part: Slice) -> dict[str, object]:
        recipes = [self.by_id[recipe_id] for recipe_id in part.recipe_ids]
        linked = {other for recipe in recipes for other in recipe.related if other in self.numbers}
        return {
            **self.common_context(), "part": "chapter", "extra_css": [PART_CSS], "recipes": recipes,
            "theme": part.theme, "chapter_number": part.chapter_number, "opens_chapter": part.opens_chapter,
            "foreign_anchors": sorted(recipe_anchor(other) for other in linked - set(part.recipe_ids)),
        }

    def front_context(self, pages: dict[str, int]) -> dict[str, object]:
        return {**self.common_context(), "part": "front", "extra_css": [PART_CSS], "recipes": self.recipes,
                "chapters": self.chapters, "pages": pages, "foreign_anchors": sorted(pages)}

    @cached_property
    def appendix_parts(self) -> list[tuple[str, ...]]:
        """The metric levels in each part of the appendix. A short appendix is one part; a long
        one is cut between levels (each part then starts on a new page)."""
        rows = {level: 0 for level in self.cookbook.taxonomy.ids("metric_levels")}
        for recipe in self.recipes:
            for metric in recipe.metrics:
                rows[metric.level] = rows.get(metric.level, 0) + 1
        parts: list[list[str]] = [[]]
        for level, count in rows.items():
            if count and parts[-1] and sum(rows[other] for other in parts[-1]) >= APPENDIX_PART_ROWS:
                parts.append([])
            if count:
                parts[-1].append(level)
        return [tuple(levels) for levels in parts]

    def appendix_context(self, pages: dict[str, int], index: int = 0) -> dict[str, object]:
        anchors = sorted(recipe_anchor(recipe.id) for recipe in self.recipes)
        return {**self.common_context(), "part": "appendix", "extra_css": [PART_CSS], "recipes": self.recipes,
                "levels": self.appendix_parts[index], "opens_appendix": index == 0, "pages": pages,
                "foreign_anchors": anchors}

    def numbers_context(self, document: int) -> dict[str, object]:
        """Numbers document `document` (0, 1…): empty pages under the book's @page rules, numbered
        on from the last one's. Nothing of the book's content is in it (not even its date): every
        language's book shares it, and so does the next build (the PDF cache)."""
        return {"format_css": FORMATS[self.request.page_format], "extra_css": [NUMBERS_CSS],
                "first": document * NUMBERS_PER_DOCUMENT + 1, "pages": NUMBERS_PER_DOCUMENT}


def numbers_documents(numbered_pages: int) -> int:
    """How many page-numbers documents number this many pages."""
    return -(-numbered_pages // NUMBERS_PER_DOCUMENT)


@dataclass(frozen=True)
class PartLayout:
    """Where the parts' pages fall in the joined book, from each part's page count and anchors."""

    front_pages: int
    slice_pages: list[int]
    slice_anchors: list[dict[str, int]]
    appendix_pages: int = 0

    def slice_start(self, index: int) -> int:
        """0-based index, in the joined book, of the slice's first page."""
        return self.front_pages + sum(self.slice_pages[:index])

    @property
    def appendix_start(self) -> int:
        return self.front_pages + sum(self.slice_pages)

    @property
    def total(self) -> int:
        return self.appendix_start + self.appendix_pages

    def folio(self, page_index: int) -> int:
        """The printed page number: 1 on the first chapter's opening page."""
        return page_index - self.front_pages + 1


def anchor_pages(plan: BookPlan, layout: PartLayout) -> dict[str, int]:
    """0-based page index, in the joined book, of every chapter and recipe and of the appendix."""
    pages: dict[str, int] = {}
    for index, part in enumerate(plan.slices):
        start = layout.slice_start(index)
        own = [recipe_anchor(recipe_id) for recipe_id in part.recipe_ids]
        if part.opens_chapter:
            own.append(chapter_anchor(part.theme))
        for name in own:
            pages[name] = start + layout.slice_anchors[index][name]
    pages[APPENDIX_ANCHOR] = layout.appendix_start
    return pages


def page_map(plan: BookPlan, layout: PartLayout) -> dict[str, int]:
    """The printed page number of every chapter, recipe and the appendix (front matter aside)."""
    return {name: layout.folio(index) for name, index in anchor_pages(plan, layout).items()}


def outline(plan: BookPlan, layout: PartLayout, appendix_title: str) -> list[OutlineEntry]:
    """PDF bookmarks: chapters with their recipes, then the appendix."""
    from .join import OutlineEntry

    pages = anchor_pages(plan, layout)
    labels = plan.cookbook.taxonomy
    entries = [
        OutlineEntry(labels.label("themes", theme, plan.request.lang), pages[chapter_anchor(theme)],
                     tuple(OutlineEntry(recipe.title, pages[recipe_anchor(recipe.id)]) for recipe in recipes))
        for theme, recipes in plan.chapters
    ]
    return [*entries, OutlineEntry(appendix_title, pages[APPENDIX_ANCHOR])]


def anchor_owners(plan: BookPlan) -> dict[str, int]:
    """Which part (0 front, 1… slices, last the appendix) really holds each link target."""
    owners = {}
    for index, part in enumerate(plan.slices, start=1):
        for recipe_id in part.recipe_ids:
            owners[recipe_anchor(recipe_id)] = index
        if part.opens_chapter:
            owners[chapter_anchor(part.theme)] = index
    owners[APPENDIX_ANCHOR] = len(plan.slices) + 1
    return owners
