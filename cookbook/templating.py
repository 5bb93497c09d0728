"""The Jinja2 environment shared by the site and print templates."""

from __future__ import annotations

import json
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from markupsafe import Markup

from .config import Language
from .model import Metric, Range, Recipe
from .plan import eu_cell
from .taxonomy import Taxonomy


def make_environment(folder: Path, taxonomy: Taxonomy, language: Language) -> Environment:
    env = Environment(
        loader=FileSystemLoader(str(folder)),
        autoescape=select_autoescape(default=True, default_for_string=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    lang = language.code
    strings = language.strings

    def label(term_id: str, vocabulary: str) -> str:
        return taxonomy.label(vocabulary, term_id, lang)

    def description(term_id: str, vocabulary: str) -> str:
        return taxonomy.term(vocabulary, term_id).description[lang]

    def span(value: Range | None, unit_kind: str = "") -> str:
        if value is None:
            return ""
        numbers = f"{value.min}" if value.min == value.max else f"{value.min}–{value.max}"
        unit = strings["units"].get(value.unit, value.unit) if value.unit else strings["labels"].get(unit_kind, "")
        return f"{numbers} {unit}".strip()

    def logic_model(recipe: Recipe) -> tuple[tuple[str, tuple[Metric, ...]], ...]:
        return recipe.logic_model(taxonomy.ids("metric_levels"))

    env.filters.update(label=label, description=description, eu_cell=lambda metric: eu_cell(taxonomy, metric, lang), logic_model=logic_model, unit=lambda unit: taxonomy.unit_label(unit, lang), span=span, json=lambda v: Markup(json.dumps(v, ensure_ascii=False)))
    env.globals.update(lang=lang, t=strings["labels"], strings=strings, taxonomy=taxonomy)
    return env
