"""The first edition's content meets the bar the cookbook promises its readers."""

from __future__ import annotations

from collections import Counter

import pytest

from conftest import LANGUAGES, ROOT
from cookbook.source.body import numbered_items
from cookbook.source.check import check_project
from cookbook.config import Project


@pytest.fixture(scope="module")
def result():
    return check_project(Project(ROOT))


def test_strict_check_passes_with_no_warnings(result):
    assert result.cookbook is not None
    assert not result.diagnostics, "\n".join(d.format() for d in result.diagnostics)


def test_at_least_24_recipes_in_every_language_and_three_per_theme(result):
    """The second edition: every recipe in every language, each theme a chapter of three or more."""
    cookbook = result.cookbook
    source = {r.id for r in cookbook.recipes_in(LANGUAGES[0])}
    assert len(source) >= 24
    for lang in LANGUAGES[1:]:
        assert {r.id for r in cookbook.recipes_in(lang)} == source, lang
    per_theme = Counter(r.theme for r in cookbook.recipes_in(LANGUAGES[0]))
    for theme in cookbook.taxonomy.ids("themes"):
        assert per_theme[theme] >= 3, theme


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_recipe_is_complete(result, lang):
    for recipe in result.cookbook.recipes_in(lang):
        assert len(numbered_items(recipe.sections["steps"])) >= 5, recipe.path
        assert len(recipe.metrics) >= 3 and len({m.level for m in recipe.metrics}) >= 2, recipe.path
        assert len(recipe.methods) >= 2 and recipe.ingredients and recipe.cases and recipe.sources, recipe.path
        assert recipe.sections.get("tips") and recipe.sections.get("pitfalls"), recipe.path


def test_related_recipes_link_both_ways(result):
    recipes = {r.id: r for r in result.cookbook.recipes_in("fi")}
    one_way = [(r.id, other) for r in recipes.values() for other in r.related if r.id not in recipes[other].related]
    assert not one_way


def test_every_source_article_yields_recipes(result):
    titles = {s.title for r in result.cookbook.recipes_in("fi") for s in r.sources}
    for fragment in ("luottamukseen", "Yhteisöllisyys on muuttumassa", "Yritystankkaamo", "Koordinaatiohanke", "Vaikuttavat ekosysteemit"):
        assert any(fragment in title for title in titles), fragment
