"""Open data: every recipe as JSON and every metric as CSV, written from the model."""

from __future__ import annotations

import csv
import dataclasses
import io
import json
from pathlib import Path
from typing import Any

from .model import Cookbook, Recipe

METRIC_COLUMNS = ("recipe_id", "language", "recipe_title", "metric", "level", "unit", "data_source", "frequency",
                  "baseline", "target", "eu_indicator", "description")


def recipe_record(recipe: Recipe) -> dict[str, Any]:
    record = dataclasses.asdict(recipe)
    record["updated"] = recipe.updated.isoformat()
    record.pop("path")
    record.pop("images")
    return record


def recipes_json(cookbook: Cookbook) -> str:
    data = {lang: [recipe_record(r) for r in cookbook.recipes_in(lang)] for lang in cookbook.languages}
    return json.dumps({"version": 1, "recipes": data}, ensure_ascii=False, indent=1) + "\n"


def metrics_csv(cookbook: Cookbook) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(METRIC_COLUMNS)
    for lang in cookbook.languages:
        for recipe in cookbook.recipes_in(lang):
            for m in recipe.metrics:
                writer.writerow((recipe.id, lang, recipe.title, m.name, m.level, m.unit, m.source, m.frequency,
                                 m.baseline, m.target, m.eu_indicator, m.description))
    return out.getvalue()


def write_open_data(cookbook: Cookbook, folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "recipes.json").write_text(recipes_json(cookbook), encoding="utf-8")
    (folder / "metrics.csv").write_text(metrics_csv(cookbook), encoding="utf-8")
