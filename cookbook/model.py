"""The typed, immutable cookbook model that every renderer reads."""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timezone

from .taxonomy import Taxonomy


# The texts around the recipes (content/): pages and theme introductions.
@dataclass(frozen=True)
class Page:
    name: str
    lang: str
    title: str
    body: str  # Markdown
    images: tuple[str, ...] = ()  # relative to content/


@dataclass(frozen=True)
class Content:
    pages: dict[str, dict[str, Page]]  # lang -> name -> page
    theme_intros: dict[str, dict[str, str]]  # lang -> theme -> Markdown
    intro_images: tuple[str, ...] = ()  # relative to content/themes/

    def page(self, lang: str, name: str) -> Page | None:
        return self.pages.get(lang, {}).get(name)

    def intro(self, lang: str, theme: str) -> str:
        return self.theme_intros.get(lang, {}).get(theme, "")


@dataclass(frozen=True)
class Metric:
    name: str
    level: str
    unit: str
    source: str
    frequency: str
    description: str = ""
    baseline: str = ""
    target: str = ""
    eu_indicator: str = ""


@dataclass(frozen=True)
class Method:
    name: str
    description: str
    url: str = ""


@dataclass(frozen=True)
class Case:
    name: str
    organisation: str
    place: str
    years: str
    description: str = ""
    url: str = ""


@dataclass(frozen=True)
class SourceRef:
    title: str
    publisher: str
    year: int
    url: str = ""
    note: str = ""  # what the reference infers, such as an undated article's year


@dataclass(frozen=True)
class Evidence:
    """How proven a practice is (`level`, a term of the evidence vocabulary), what its source
    reports was done, and what the recipe adds of its own: a reader must be able to tell."""
    level: str
    reported: str
    added: str
    evaluation: SourceRef | None = None  # with the level 'evaluated'


@dataclass(frozen=True)
class Range:
    min: int
    max: int
    unit: str = ""


@dataclass(frozen=True)
class Recipe:
    id: str
    lang: str
    path: str
    title: str
    summary: str
    theme: str
    stages: tuple[str, ...]
    actors: tuple[str, ...]
    difficulty: str
    updated: date
    metrics: tuple[Metric, ...]
    methods: tuple[Method, ...]
    sources: tuple[SourceRef, ...]
    tags: tuple[str, ...] = ()
    duration: Range | None = None
    group_size: Range | None = None
    ingredients: tuple[str, ...] = ()
    related: tuple[str, ...] = ()
    cases: tuple[Case, ...] = ()
    authors: tuple[str, ...] = ()
    status: str = "published"
    evidence: Evidence | None = None  # required of every recipe; None only in a hand-made model
    # File names of the images the body uses, inside the recipe's folder.
    images: tuple[str, ...] = ()
    # Markdown of the body sections, by key (why, steps, tips, pitfalls).
    sections: dict[str, str] = field(default_factory=dict, compare=False, hash=False)

    @property
    def published(self) -> bool:
        return self.status == "published"

    def logic_model(self, levels: list[str]) -> tuple[tuple[str, tuple[Metric, ...]], ...]:
        """The recipe's logic model: every level of `levels` (the taxonomy's order, inputs to
        impact) with the metrics at it, in the recipe's order. A level without metrics keeps its
        place, empty, so the diagrams show where the chain has a gap."""
        return tuple((level, tuple(m for m in self.metrics if m.level == level)) for level in levels)


@dataclass(frozen=True)
class Cookbook:
    taxonomy: Taxonomy
    languages: tuple[str, ...]
    # Recipes per language, in a stable order (theme order, then title).
    recipes: dict[str, tuple[Recipe, ...]]
    content: Content = field(default_factory=lambda: Content({}, {}))

    def recipes_in(self, lang: str, include_drafts: bool = False) -> tuple[Recipe, ...]:
        return tuple(r for r in self.recipes.get(lang, ()) if include_drafts or r.published)

    def by_theme(self, lang: str, include_drafts: bool = False) -> list[tuple[str, list[Recipe]]]:
        recipes = self.recipes_in(lang, include_drafts)
        return [
            (theme, [r for r in recipes if r.theme == theme])
            for theme in self.taxonomy.ids("themes")
            if any(r.theme == theme for r in recipes)
        ]


def edition_date(recipes: Iterable[Recipe | None]) -> date:
    """The date an edition carries (PDF metadata, sitemap): SOURCE_DATE_EPOCH, the
    reproducible-builds convention, when it is set, else the newest `updated` of its recipes,
    never the day of the build, so that the same input gives the same bytes on any day."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch.isdigit():
        return datetime.fromtimestamp(int(epoch), tz=timezone.utc).date()
    return max((recipe.updated for recipe in recipes if recipe), default=date(2026, 1, 1))


def date_epoch(day: date) -> str:
    """Midnight UTC of `day` as a SOURCE_DATE_EPOCH value."""
    return str(int(datetime(day.year, day.month, day.day, tzinfo=timezone.utc).timestamp()))
