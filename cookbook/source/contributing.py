"""CONTRIBUTING.md: the guide for recipe writers, rendered from templates/contributing/.

Its field reference is built from the schema and its vocabularies from recipes/taxonomy.yml, so
the guide cannot drift from what the check enforces. This module turns the schema into plain
data (FieldDoc); the template puts it into words in each language.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined

from ..config import Project
from ..errors import CookbookError
from ..taxonomy import LABEL_ONLY_VOCABULARIES, TaxonomyError, load_taxonomy
from .body import ALLOWED_TAGS, IMAGE_SUFFIXES, MAX_IMAGE_BYTES
from .check import ID_PATTERN
from .translations import NEUTRAL_EVIDENCE_FIELDS, NEUTRAL_FIELDS, NEUTRAL_METRIC_FIELDS

# The fields a translation inherits, by the list they sit in ("" for the top level).
INHERITED = {"": NEUTRAL_FIELDS, "metrics": NEUTRAL_METRIC_FIELDS, "evidence": NEUTRAL_EVIDENCE_FIELDS}


@dataclass(frozen=True)
class Form:
    """What a value looks like. kinds: string, integer, number, date, url, id, term, choice, group."""

    kinds: tuple[str, ...]
    vocabulary: str | None = None
    choices: tuple[str, ...] = ()
    min_length: int | None = None
    max_length: int | None = None
    minimum: int | None = None
    maximum: int | None = None


@dataclass(frozen=True)
class FieldDoc:
    name: str
    required: bool
    form: Form  # of the value, or of each item of a list
    is_list: bool
    min_items: int
    description: dict[str, str]  # by language
    inherited: bool  # a translation takes it from the source-language file
    default: Any = None
    fields: tuple["FieldDoc", ...] = ()  # of a group, or of each group in a list


def contributing_path(project: Project) -> Path:
    return project.root / "CONTRIBUTING.md"


def render_contributing(project: Project) -> str:
    languages = tuple(language.code for language in project.languages)
    try:
        taxonomy = load_taxonomy(project.taxonomy_path, languages)
    except TaxonomyError as error:
        raise CookbookError(f"recipes/{(error.path or project.taxonomy_path).name}:{error.line}: {error.message}") from None
    schema = json.loads(project.schema_path.read_text(encoding="utf-8"))
    env = Environment(
        loader=FileSystemLoader(str(project.templates_dir / "contributing")),
        autoescape=False,  # Markdown, not HTML; table cells go through `cell`
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters.update(
        cell=lambda text: " ".join(str(text).split()).replace("|", "\\|"),
        code=lambda text: f"`{text}`",
        tag=lambda name: f"`<{name}>`",
        file=lambda lang: f"{lang}.md",
        series=series,
    )
    text = env.get_template("CONTRIBUTING.md.j2").render(
        fields=field_docs(schema, schema.get("$defs", {}), languages),
        taxonomy=taxonomy,
        label_only=LABEL_ONLY_VOCABULARIES,
        source_language=languages[0],
        translations=languages[1:],
        sections={language.code: language.sections for language in project.languages},
        neutral_fields=NEUTRAL_FIELDS,
        neutral_metric_fields=NEUTRAL_METRIC_FIELDS,
        neutral_evidence_fields=NEUTRAL_EVIDENCE_FIELDS,
        allowed_tags=sorted(ALLOWED_TAGS),
        image_types=sorted(suffix.lstrip(".") for suffix in IMAGE_SUFFIXES),
        max_image_mb=MAX_IMAGE_BYTES // (1024 * 1024),
    )
    # Templates are easier to read with blank lines between blocks than the output needs.
    while "\n\n\n" in text:
        text = text.replace("\n\n\n", "\n\n")
    return text


def series(items: Any, last: str) -> str:
    """'a, b, c' with `last` before the last item: series(["a", "b", "c"], " ja ") -> 'a, b ja c'."""
    items = [str(item) for item in items]
    return ", ".join(items[:-1]) + last + items[-1] if len(items) > 1 else "".join(items)


def field_docs(schema: dict[str, Any], defs: dict[str, Any], languages: tuple[str, ...], parent: str = "") -> tuple[FieldDoc, ...]:
    """The fields of an object schema, in the schema's order."""
    required = set(schema.get("required", ()))
    inherited = INHERITED.get(parent, ())
    docs = []
    for name, prop in schema.get("properties", {}).items():
        is_list = prop.get("type") == "array"
        value = prop.get("items", {}) if is_list else prop
        form, target = _form(value, defs)
        docs.append(FieldDoc(
            name=name,
            required=name in required,
            form=form,
            is_list=is_list,
            min_items=prop.get("minItems", 0),
            description={lang: _description(prop, lang) for lang in languages},
            inherited=name in inherited,
            default=prop.get("default"),
            fields=field_docs(target, defs, languages, name) if target else (),
        ))
    return tuple(docs)


def _form(schema: dict[str, Any], defs: dict[str, Any]) -> tuple[Form, dict[str, Any] | None]:
    """The value's form, and the object schema whose fields it has (None for a single value)."""
    if "$ref" in schema:
        name = schema["$ref"].rsplit("/", 1)[-1]
        target = defs[name]
        if name == "url":
            return Form(("url",)), None
        return _form(target, defs)
    if "x-vocabulary" in schema:
        return Form(("term",), vocabulary=schema["x-vocabulary"]), None
    if "enum" in schema:
        return Form(("choice",), choices=tuple(map(str, schema["enum"]))), None
    if schema.get("type") == "object":
        return Form(("group",)), schema
    if schema.get("format") == "date":
        return Form(("date",)), None
    if schema.get("pattern") == ID_PATTERN.pattern:
        return Form(("id",)), None
    kinds = schema.get("type", "string")
    return Form(
        tuple(kinds) if isinstance(kinds, list) else (kinds,),
        min_length=schema.get("minLength"),
        max_length=schema.get("maxLength"),
        minimum=schema.get("minimum"),
        maximum=schema.get("maximum"),
    ), None


def _description(schema: dict[str, Any], lang: str) -> str:
    """`x-description-<lang>` where the schema has one; its English `description` otherwise."""
    return str(schema.get(f"x-description-{lang}") or schema.get("description", ""))
