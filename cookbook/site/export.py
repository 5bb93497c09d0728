"""Open data: every recipe as JSON and every metric as CSV, written from the model."""

from __future__ import annotations

import csv
import dataclasses
import io
import json
import re
from functools import lru_cache
from typing import Any

from ..model import Cookbook, Recipe

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
NUMBER = re.compile(r"[+-]?\d+(?:[.,]\d+)?\s*%?")
METRIC_COLUMNS = ("recipe_id", "language", "recipe_title", "metric", "level", "unit", "data_source", "frequency",
                  "baseline", "target", "eu_indicator", "eu_indicator_name", "description")


def plain(value: Any) -> Any:
    """Dataclasses as dicts, all the way down: `dataclasses.asdict` without its deep copies,
    which took a second for a thousand recipes."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {field.name: plain(getattr(value, field.name)) for field in _fields(type(value))}
    if isinstance(value, (list, tuple)):
        return [plain(item) for item in value]
    if isinstance(value, dict):
        return {key: plain(item) for key, item in value.items()}
    return value


@lru_cache(maxsize=None)
def _fields(cls: type) -> tuple[dataclasses.Field[Any], ...]:
    return dataclasses.fields(cls)


def recipe_record(recipe: Recipe) -> dict[str, Any]:
    record = plain(recipe)
    record["updated"] = recipe.updated.isoformat()
    record.pop("path")
    record.pop("images")
    return record


def recipes_json(cookbook: Cookbook) -> str:
    """{"version": 1, "recipes": {lang: [record, …]}, "eu_indicators": {code: …}}, one recipe to
    a line: easy to read and to compare, and written by json's C encoder (an indented dump runs
    in Python, a second for a thousand recipes). A metric's `eu_indicator` is a code of
    `eu_indicators`, which gives its official names and the regulation it comes from."""
    languages = []
    for lang in cookbook.languages:
        records = ",\n".join(json.dumps(recipe_record(r), ensure_ascii=False) for r in cookbook.recipes_in(lang))
        languages.append(f"{json.dumps(lang)}: [\n{records}\n]" if records else f"{json.dumps(lang)}: []")
    indicators = json.dumps(eu_indicator_records(cookbook), ensure_ascii=False)
    return '{"version": 1, "recipes": {\n' + ",\n".join(languages) + "\n},\n" + f'"eu_indicators": {indicators}}}\n'


def eu_indicator_records(cookbook: Cookbook) -> dict[str, Any]:
    """The vocabulary of EU common indicators: code -> names (empty where not recorded), kind and source."""
    return {
        indicator.code: {
            "name": dict(indicator.name), "kind": indicator.kind, "fund": dict(indicator.regulation.fund),
            "regulation": dict(indicator.regulation.act), "annex": dict(indicator.regulation.annex),
            "celex": indicator.regulation.celex, "eli": indicator.regulation.eli,
        }
        for indicator in cookbook.taxonomy.eu_indicators.indicators
    }


def eu_indicator_name(cookbook: Cookbook, code: str, lang: str) -> str:
    """A code's official name in `lang`, or where that is not recorded the one there is; "" for no code."""
    indicator = cookbook.taxonomy.eu_indicators.get(code) if code else None
    return indicator.name_in(lang)[0] if indicator else ""


def spreadsheet_text(value: Any) -> str:
    """A cell that a spreadsheet opens as text, never as a formula: a contributor's text that
    begins as a formula would (=, +, -, @, a tab or a carriage return; CSV injection) gets a
    leading apostrophe, which spreadsheets read as "this is text". Numbers are left alone."""
    text = str(value)
    if text.startswith(FORMULA_START) and not NUMBER.fullmatch(text):
        return "'" + text
    return text


def metrics_csv(cookbook: Cookbook) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(METRIC_COLUMNS)
    for lang in cookbook.languages:
        for recipe in cookbook.recipes_in(lang):
            for m in recipe.metrics:
                writer.writerow([spreadsheet_text(cell) for cell in (
                    recipe.id, lang, recipe.title, m.name, m.level, m.unit, m.source, m.frequency,
                    m.baseline, m.target, m.eu_indicator, eu_indicator_name(cookbook, m.eu_indicator, lang),
                    m.description)])
    return out.getvalue()


def open_data(cookbook: Cookbook) -> dict[str, str]:
    """The open data files, by their path in the site."""
    return {"data/recipes.json": recipes_json(cookbook), "data/metrics.csv": metrics_csv(cookbook)}
