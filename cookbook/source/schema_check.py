"""Front matter against the JSON Schema, with errors a contributor can act on."""

from __future__ import annotations

import copy
import difflib
import json
from functools import cached_property, lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterator

import fastjsonschema

if TYPE_CHECKING:  # jsonschema is imported when a file is invalid: a valid cookbook's check skips its import
    from jsonschema import Draft202012Validator
    from jsonschema.exceptions import ValidationError

from ..taxonomy import Taxonomy
from .load import PathKey, Position, Source

TYPE_NAMES = {
    "string": "text",
    "array": "a list",
    "object": "a group of 'name: value' fields",
    "integer": "a whole number",
    "number": "a number",
    "boolean": "true or false",
}
TYPE_HINTS = {
    "array": "write a list as [first, second] or as lines that start with '- '",
    "object": "write the fields indented under the key, one 'name: value' per line",
    "string": "put the text in quotes if it looks like a number, date or true/false",
    "integer": "write a whole number without quotes, such as 3",
}
MAX_GUESSED_FIELDS = 50  # unknown fields in one group beyond which no "did you mean" is offered
# Field names a contributor sees in messages, in the schema's own terms.
VOCABULARY_NOUNS = {
    "themes": "themes",
    "stages": "stages",
    "actors": "actors",
    "difficulty": "difficulty levels",
    "evidence": "evidence levels",
    "metric_levels": "metric levels",
    "eu_indicators": "EU common indicator codes",
}
# The file each vocabulary is kept in.
VOCABULARY_FILES = {"eu_indicators": "recipes/eu_indicators.yml"}


def load_schema(path: Path, taxonomy: Taxonomy) -> dict[str, Any]:
    """The schema with each x-vocabulary's enum filled in from the taxonomy."""
    schema = json.loads(path.read_text(encoding="utf-8"))
    return with_vocabularies(schema, taxonomy)


def with_vocabularies(schema: Any, taxonomy: Taxonomy) -> Any:
    schema = copy.deepcopy(schema)

    def fill(node: Any) -> None:
        if isinstance(node, dict):
            vocabulary = node.get("x-vocabulary")
            if vocabulary:
                node["enum"] = taxonomy.ids(vocabulary)
            for value in node.values():
                fill(value)
        elif isinstance(node, list):
            for value in node:
                fill(value)

    fill(schema)
    return schema


def field_name(path: tuple[Any, ...]) -> str:
    """metrics[2].level — 1-based list positions, as a contributor counts."""
    text = ""
    for part in path:
        text += f"[{part + 1}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text or "front matter"


@lru_cache(maxsize=4)
def compiled_validator(schema_json: str) -> Any:
    """Compiling takes a tenth of a second: a process that checks again (`serve`, after each
    save) reuses the code compiled for the same schema."""
    return fastjsonschema.compile({**json.loads(schema_json), "$schema": "http://json-schema.org/draft-07/schema#"})


class SchemaChecker:
    """jsonschema is the reference and explains every error; a compiled copy of the same schema
    (fastjsonschema, ~40× faster) answers the common question "is this file valid?" first.
    The schema uses no keyword whose meaning differs between draft 7 and 2020-12, and a test
    holds the two validators to the same verdict on arbitrary input."""

    def __init__(self, schema: dict[str, Any]):
        self.schema = schema

    @cached_property
    def validator(self) -> Draft202012Validator:
        from jsonschema import Draft202012Validator

        return Draft202012Validator(self.schema, format_checker=Draft202012Validator.FORMAT_CHECKER)

    @cached_property
    def fast_validator(self) -> Any:
        return compiled_validator(json.dumps(self.schema, sort_keys=True))

    def is_valid(self, data: Any) -> bool:
        try:
            self.fast_validator(data)
        except fastjsonschema.JsonSchemaException:
            return False
        return True

    def check(self, source: Source, data: dict[str, Any], inherited: frozenset[PathKey] = frozenset()) -> None:
        """Report every schema violation of `data`, except those in paths another file reports."""
        if self.is_valid(data):
            return
        seen: set[tuple[Any, ...]] = set()
        errors = sorted(self.validator.iter_errors(data), key=lambda e: list(map(str, e.absolute_path)))
        # A value outside a vocabulary whose form is wrong too (an EU indicator code): the
        # vocabulary's message, with the closest term, says all there is to say.
        outside = {tuple(e.absolute_path) for e in errors if e.validator == "enum" and "x-vocabulary" in _schema_of(e)}
        for error in errors:
            path = tuple(error.absolute_path)
            if any(path[:n] in inherited for n in range(1, len(path) + 1)):
                continue
            if error.validator == "pattern" and path in outside:
                continue
            for line, column, code, message, hint in self._describe(source, error, inherited):
                key = (line, column, code, message)
                if key not in seen:
                    seen.add(key)
                    source.problem(line, column, code, message, hint)

    def _describe(
        self, source: Source, error: ValidationError, inherited: frozenset[PathKey]
    ) -> Iterator[tuple[int, int, str, str, str | None]]:
        path = tuple(error.absolute_path)
        name = field_name(path)
        kind = error.validator
        schema = error.schema if isinstance(error.schema, dict) else {}
        value_pos = source.position(path, prefer_key=False)
        key_pos = source.position(path)

        if kind == "additionalProperties":
            allowed = list(schema.get("properties", {}))
            unknown = sorted(set(error.instance) - set(allowed))
            # A few unknown fields are typos worth a guess; thousands are not a recipe, and
            # guessing for each would take seconds.
            guess = len(unknown) <= MAX_GUESSED_FIELDS
            for key in unknown:
                pos = source.position((*path, key))
                where = "" if not path else f" in {name}"
                hint = (guess and _did_you_mean(key, allowed)) or f"the fields allowed here: {', '.join(allowed)}"
                yield pos.line, pos.column, "unknown-field", f"unknown field '{key}'{where}", hint
        elif kind == "required":
            missing = [key for key in error.validator_value if key not in error.instance and (*path, key) not in inherited]
            pos = value_pos if path else Position(1, 1)
            where = name if path else "the front matter"
            for key in missing:
                # A conditional requirement (if/then) says why in its own description.
                about = _describe_field(schema, key) or schema.get("description", "")
                hint = f"add a line '{key}: …'" + (f" ({about})" if about else "")
                yield pos.line, pos.column, "missing-field", f"{where} lacks the required field '{key}'", hint
        elif kind == "enum" and "x-vocabulary" in schema:
            vocabulary = schema["x-vocabulary"]
            noun = VOCABULARY_NOUNS.get(vocabulary, vocabulary)
            where = VOCABULARY_FILES.get(vocabulary, "recipes/taxonomy.yml")
            terms = schema["enum"]
            suggestion = _did_you_mean(str(error.instance), terms)
            if vocabulary == "eu_indicators":
                # Written as a person might: 'rco 01' is RCO01.
                suggestion = _did_you_mean("".join(str(error.instance).upper().split()), terms)
                listed = (f"The codes, with their official names and the regulations they come from, are in {where}: "
                          f"{', '.join(terms)}" if terms else f"{where} lists no codes")
                hint = (f"{suggestion} " if suggestion else "") + listed + (
                    ". Set a code only where the metric counts exactly what the indicator counts; "
                    f"a code missing from {where} is added there with its source")
            else:
                hint = (f"{suggestion} " if suggestion else "") + f"The {noun} are: {', '.join(terms)}"
            yield (value_pos.line, value_pos.column, "unknown-term",
                   f"'{error.instance}' in {name} is not one of the {noun} in {where}", hint)
        elif kind == "enum":
            options = ", ".join(map(str, error.validator_value))
            yield value_pos.line, value_pos.column, "invalid-value", f"{name} cannot be '{error.instance}'", f"use one of: {options}"
        elif kind == "type":
            expected = error.validator_value
            expected = expected if isinstance(expected, list) else [expected]
            wanted = " or ".join(TYPE_NAMES.get(t, t) for t in expected)
            yield value_pos.line, value_pos.column, "wrong-type", f"{name} must be {wanted}", TYPE_HINTS.get(expected[0])
        elif kind in ("minLength", "maxLength"):
            limit = error.validator_value
            length = len(error.instance)
            if kind == "minLength":
                yield value_pos.line, value_pos.column, "too-short", f"{name} is too short ({length} characters; at least {limit})", "write it out in full"
            else:
                yield value_pos.line, value_pos.column, "too-long", f"{name} is too long ({length} characters; at most {limit})", "shorten it; details belong in the body"
        elif kind == "minItems":
            limit = error.validator_value
            yield key_pos.line, key_pos.column, "too-few", f"{name} needs at least {limit} item{'s' if limit != 1 else ''}", None
        elif kind == "uniqueItems":
            yield value_pos.line, value_pos.column, "duplicate-item", f"{name} lists the same item twice", "remove the repeated item"
        elif kind == "pattern" and path and path[-1] == "url":
            yield value_pos.line, value_pos.column, "bad-url", f"{name} is not a web address: '{error.instance}'", "use a full address starting with https:// or http://"
        elif kind == "pattern":
            yield value_pos.line, value_pos.column, "bad-format", f"{name} '{error.instance}' is not in the expected form", _pattern_hint(path)
        elif kind == "format" and error.validator_value == "date":
            yield value_pos.line, value_pos.column, "bad-date", f"{name} '{error.instance}' is not a real date", "write the date as YYYY-MM-DD, such as 2025-03-31"
        elif kind in ("minimum", "maximum"):
            word = "at least" if kind == "minimum" else "at most"
            yield value_pos.line, value_pos.column, "out-of-range", f"{name} must be {word} {error.validator_value}", None
        else:
            yield value_pos.line, value_pos.column, "schema", f"{name}: {error.message}", None


def _describe_field(schema: dict[str, Any], key: str) -> str:
    return schema.get("properties", {}).get(key, {}).get("description", "")


def _schema_of(error: ValidationError) -> dict[str, Any]:
    return error.schema if isinstance(error.schema, dict) else {}


def _did_you_mean(word: str, options: list[str]) -> str | None:
    close = difflib.get_close_matches(word, options, n=1, cutoff=0.6)
    return f"did you mean '{close[0]}'?" if close else None


def _pattern_hint(path: tuple[Any, ...]) -> str | None:
    if path and path[0] == "related":
        return "use the id of another recipe: its folder name, such as 'sidosryhmaanalyysi'"
    if path and path[-1] == "eu_indicator":
        return ("write the code as the regulations' annexes give it, without spaces: RCO or RCR and digits for the "
                "ERDF and the Cohesion Fund (RCO01), four capitals and two digits for the ESF+ (EECO05); "
                "the codes are listed in recipes/eu_indicators.yml")
    return None
