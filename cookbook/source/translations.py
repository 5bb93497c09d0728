"""Translations inherit the language-neutral fields of the source-language file.

A translation (en.md) may leave out theme, stages, actors, difficulty, duration, group_size,
related, each metric's level, unit and eu_indicator, and the evidence's level and evaluation.
Where it states them they must agree with the source (fi.md), and its metrics and methods
must match the source's one for one.
"""

from __future__ import annotations

from typing import Any

from .load import PathKey, Source
from .schema_check import field_name

NEUTRAL_FIELDS = ("theme", "stages", "actors", "difficulty", "duration", "group_size", "related")
NEUTRAL_METRIC_FIELDS = ("level", "unit", "eu_indicator")
# Of those, the optional ones: a translation may not set one that the source does not.
OPTIONAL_NEUTRAL_METRIC_FIELDS = ("eu_indicator",)
NEUTRAL_EVIDENCE_FIELDS = ("level", "evaluation")  # a citation is not translated
PARALLEL_LISTS = ("metrics", "methods")


def inherit(translation: Source, original: dict[str, Any] | None, original_name: str) -> tuple[dict[str, Any], frozenset[PathKey]]:
    """The translation's data completed from the original, and the paths it did not state itself.

    Problems in those paths are the original's to report. Disagreements are reported here.
    """
    data = dict(translation.data or {})
    inherited: set[PathKey] = set()
    if original is None:
        # The original is unreadable and reported as such: do not guess what it would have said.
        unknown = {(key,) for key in NEUTRAL_FIELDS if key not in data}
        metrics = data.get("metrics") if isinstance(data.get("metrics"), list) else []
        unknown |= {("metrics", index, key) for index in range(len(metrics)) for key in NEUTRAL_METRIC_FIELDS}
        evidence = data.get("evidence") if isinstance(data.get("evidence"), dict) else {}
        unknown |= {("evidence", key) for key in NEUTRAL_EVIDENCE_FIELDS if key not in evidence}
        return data, frozenset(unknown)
    for key in NEUTRAL_FIELDS:
        if key not in data:
            inherited.add((key,))
            if key in original:
                data[key] = original[key]
        elif key in original and data[key] != original[key]:
            _disagree(translation, (key,), original[key], original_name)
    for key in PARALLEL_LISTS:
        mine, theirs = data.get(key), original.get(key)
        if isinstance(mine, list) and isinstance(theirs, list) and len(mine) != len(theirs):
            pos = translation.position((key,))
            translation.problem(
                pos.line, pos.column, "translation-length",
                f"{key} lists {len(mine)} item(s) but {original_name} lists {len(theirs)}",
                f"translate each of the {len(theirs)} {key} of {original_name}, in the same order",
            )
    if isinstance(data.get("metrics"), list) and isinstance(original.get("metrics"), list):
        data["metrics"] = [
            _inherit_metric(translation, index, metric, original["metrics"], inherited, original_name)
            for index, metric in enumerate(data["metrics"])
        ]
    if isinstance(data.get("evidence"), dict) and isinstance(original.get("evidence"), dict):
        data["evidence"] = _inherit_fields(translation, ("evidence",), data["evidence"], original["evidence"],
                                           NEUTRAL_EVIDENCE_FIELDS, inherited, original_name)
    return data, frozenset(inherited)


def _inherit_metric(
    translation: Source, index: int, metric: Any, originals: list[Any], inherited: set[PathKey], original_name: str
) -> Any:
    if not isinstance(metric, dict) or index >= len(originals) or not isinstance(originals[index], dict):
        return metric
    return _inherit_fields(translation, ("metrics", index), metric, originals[index], NEUTRAL_METRIC_FIELDS,
                           inherited, original_name)


def _inherit_fields(translation: Source, at: PathKey, mine: dict[str, Any], original: dict[str, Any],
                    keys: tuple[str, ...], inherited: set[PathKey], original_name: str) -> dict[str, Any]:
    """A mapping of the translation (a metric, the evidence) with its neutral `keys` taken from
    the original's where it leaves them out, and checked against them where it states them."""
    mine = dict(mine)
    for key in keys:
        path = (*at, key)
        if key not in mine:
            inherited.add(path)
            if key in original:
                mine[key] = original[key]
        elif key in original and mine[key] != original[key]:
            _disagree(translation, path, original[key], original_name)
        elif key not in original and key in OPTIONAL_NEUTRAL_METRIC_FIELDS:
            pos = translation.position(path, prefer_key=False)
            translation.problem(
                pos.line, pos.column, "translation-mismatch",
                f"{field_name(path)} is not set in {original_name}",
                f"set it in {original_name} (this file takes it from there), or remove it from this file",
            )
    return mine


def _disagree(translation: Source, path: PathKey, expected: Any, original_name: str) -> None:
    pos = translation.position(path, prefer_key=False)
    translation.problem(
        pos.line, pos.column, "translation-mismatch",
        f"{field_name(path)} differs from {original_name} ({_show(expected)})",
        f"remove {field_name(path)} from this file (it is taken from {original_name}) or make it the same",
    )


def _show(value: Any) -> str:
    text = repr(value) if not isinstance(value, str) else f"'{value}'"
    return text if len(text) <= 60 else text[:57] + "..."
