"""A measurement plan: the metrics of the recipes a city chose, in one table grouped by the levels
of the logic model (the taxonomy's metric_levels, inputs to impact), with empty columns the city
fills in (who is responsible, the baseline, the target, the schedule).

The site (a plan page per theme, and the data its script builds any other plan from), the
spreadsheet (cookbook.plan_sheet) and the PDF (templates/print/plan.html.j2) all take their rows
and column names from here, so that they say the same.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .model import Metric, Recipe
from .taxonomy import Taxonomy

# The columns, in order: what the recipes give, then what the city fills in. Their names in
# each language: `plan.columns` in templates/i18n/<lang>.yml.
GIVEN = ("level", "metric", "unit", "source", "frequency", "recipe", "eu_indicator")
FILL_IN = ("responsible", "baseline", "target", "schedule")
COLUMNS = GIVEN + FILL_IN
# Their widths in a spreadsheet, in characters: the build's (cookbook.plan_sheet) and the
# browser's (plan-xlsx.js, from plan_data) alike.
WIDTHS = {"level": 12, "metric": 36, "unit": 13, "source": 30, "frequency": 18, "recipe": 34, "eu_indicator": 26,
          "responsible": 20, "baseline": 14, "target": 14, "schedule": 16}


@dataclass(frozen=True)
class PlanRow:
    metric: Metric
    recipe: Recipe


@dataclass(frozen=True)
class PlanLevel:
    id: str
    label: str
    description: str
    rows: tuple[PlanRow, ...]


@dataclass(frozen=True)
class MeasurementPlan:
    lang: str
    title: str       # "Mittaussuunnitelma: Ekosysteemin käynnistäminen"
    subject: str     # what it covers, in a line: the theme, or how many recipes
    recipes: tuple[Recipe, ...]
    # Every level of the taxonomy in its order, inputs to impact, with the chosen recipes'
    # metrics at it; a level none of them measures keeps its place, empty, so the gap shows.
    levels: tuple[PlanLevel, ...]

    @property
    def rows(self) -> tuple[PlanRow, ...]:
        return tuple(row for level in self.levels for row in level.rows)


def measurement_plan(taxonomy: Taxonomy, strings: dict[str, Any], recipes: tuple[Recipe, ...] | list[Recipe],
                     theme: str | None = None) -> MeasurementPlan:
    """The plan of `recipes` (in the order given: the book's), in their language. Within a level
    the rows follow the recipes, and each recipe's metrics in its own order. `theme`: the plan is
    that theme's (its title says so)."""
    recipes = tuple(recipes)
    lang = recipes[0].lang if recipes else ""
    texts = strings["plan"]
    if theme is not None:
        subject = taxonomy.label("themes", theme, lang)
    else:
        subject = counted(texts["recipes_one"], texts["recipes_many"], len(recipes))
    levels = tuple(
        PlanLevel(level, taxonomy.label("metric_levels", level, lang), taxonomy.term("metric_levels", level).description[lang],
                  tuple(PlanRow(metric, recipe) for recipe in recipes for metric in recipe.metrics if metric.level == level))
        for level in taxonomy.ids("metric_levels")
    )
    return MeasurementPlan(lang, f"{texts['title']}: {subject}", subject, recipes, levels)


def counted(one: str, many: str, n: int) -> str:
    """'1 resepti' or '3 reseptiä': the language's texts, `{n}` for the number."""
    return one if n == 1 else many.replace("{n}", str(n))


def column_labels(strings: dict[str, Any]) -> dict[str, str]:
    """Each column's heading in the language of `strings`."""
    return {column: strings["plan"]["columns"][column] for column in COLUMNS}


def eu_cell(taxonomy: Taxonomy, metric: Metric, lang: str) -> str:
    """The EU indicator a metric is, as a funder's report names it: its code and official name
    (in `lang`, or in English where the vocabulary has no name in it); empty if it is none."""
    indicator = taxonomy.eu_indicators.get(metric.eu_indicator) if metric.eu_indicator else None
    if indicator is None:
        return metric.eu_indicator
    name, _ = indicator.name_in(lang)
    return f"{metric.eu_indicator} {name}".strip()


def given_cells(taxonomy: Taxonomy, level: PlanLevel, row: PlanRow) -> tuple[str, ...]:
    """The cells of GIVEN for a row, as text: the level's and the unit's labels, not their ids."""
    metric, recipe = row.metric, row.recipe
    return (level.label, metric.name, taxonomy.unit_label(metric.unit, recipe.lang), metric.source, metric.frequency,
            recipe.title, eu_cell(taxonomy, metric, recipe.lang))


def plan_data(taxonomy: Taxonomy, lang: str, recipes: tuple[Recipe, ...], url: Any) -> dict[str, Any]:
    """What the site's plan page builds any plan from (templates/site/assets/plan.js): the
    levels, and each recipe with its metrics as rows of GIVEN's cells after the level (unit as
    its label), in the book's order. `url(recipe)`: the recipe page's address from the plan page."""
    return {
        "widths": [WIDTHS[column] for column in COLUMNS],
        "levels": [[level, taxonomy.label("metric_levels", level, lang), taxonomy.term("metric_levels", level).description[lang]]
                   for level in taxonomy.ids("metric_levels")],
        "themes": [[theme, taxonomy.label("themes", theme, lang)] for theme in taxonomy.ids("themes")],
        "recipes": [
            {"id": recipe.id, "title": recipe.title, "theme": recipe.theme, "url": url(recipe),
             "metrics": [[m.level, m.name, taxonomy.unit_label(m.unit, lang), m.source, m.frequency,
                          eu_cell(taxonomy, m, lang)]
                         for m in recipe.metrics]}
            for recipe in recipes
        ],
    }
