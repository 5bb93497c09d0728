"""CONTRIBUTING.md: the guide for recipe writers, with a field reference generated from the
schema and the vocabularies, so that it cannot drift from what the check enforces."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined

from .body import ALLOWED_TAGS, IMAGE_SUFFIXES, MAX_IMAGE_BYTES
from .config import Project
from .load import MAX_FILE_BYTES
from .taxonomy import Taxonomy, load_taxonomy
from .translations import NEUTRAL_FIELDS, NEUTRAL_METRIC_FIELDS

TYPE_WORDS = {
    "fi": {"string": "teksti", "integer": "kokonaisluku", "number": "luku", "array": "luettelo", "object": "kenttäryhmä",
           "date": "päivämäärä VVVV-KK-PP", "terms": "sanaston {vocabulary} termi", "one_of": "yksi näistä: {values}",
           "url": "verkko-osoite (https://…)", "of": "{outer}, jonka alkiot: {inner}",
           "metric": "mittari (kentät alla)", "method": "menetelmä (kentät alla)",
           "case": "esimerkki (kentät alla)", "source": "lähde (kentät alla)"},
    "en": {"string": "text", "integer": "whole number", "number": "number", "array": "list", "object": "group of fields",
           "date": "date YYYY-MM-DD", "terms": "term of the {vocabulary} vocabulary", "one_of": "one of: {values}",
           "url": "web address (https://…)", "of": "{outer} of {inner}",
           "metric": "metrics (fields below)", "method": "methods (fields below)",
           "case": "cases (fields below)", "source": "sources (fields below)"},
}


@dataclass(frozen=True)
class FieldDoc:
    name: str
    required: bool
    type: dict[str, str]
    description: dict[str, str]
    children: list["FieldDoc"] = field(default_factory=list)
    inherited: bool = False


def contributing_path(project: Project) -> Path:
    return project.root / "CONTRIBUTING.md"


def describe_type(schema: dict[str, Any], defs: dict[str, Any], lang: str) -> str:
    words = TYPE_WORDS[lang]
    if "$ref" in schema:
        name = schema["$ref"].rsplit("/", 1)[-1]
        return words.get(name, name)
    if "x-vocabulary" in schema:
        return words["terms"].format(vocabulary=schema["x-vocabulary"])
    if "enum" in schema:
        return words["one_of"].format(values=", ".join(map(str, schema["enum"])))
    if schema.get("format") == "date":
        return words["date"]
    kinds = schema.get("type", "string")
    kinds = kinds if isinstance(kinds, list) else [kinds]
    text = " / ".join(words.get(kind, kind) for kind in kinds)
    if "array" in kinds and "items" in schema:
        text = words["of"].format(outer=text, inner=describe_type(schema["items"], defs, lang))
    return text


def field_docs(schema: dict[str, Any], defs: dict[str, Any], neutral: tuple[str, ...] = NEUTRAL_FIELDS) -> list[FieldDoc]:
    docs = []
    required = set(schema.get("required", ()))
    for name, prop in schema.get("properties", {}).items():
        target = prop.get("items", prop)
        if "$ref" in target and not target["$ref"].endswith("/url"):
            nested = defs[target["$ref"].rsplit("/", 1)[-1]]
        else:
            nested = target if target.get("type") == "object" else None
        children = field_docs(nested, defs, NEUTRAL_METRIC_FIELDS if name == "metrics" else ()) if nested else []
        docs.append(FieldDoc(
            name=name, required=name in required,
            type={lang: describe_type(prop, defs, lang) for lang in TYPE_WORDS},
            description={"fi": prop.get("x-description-fi", ""), "en": prop.get("description", "")},
            children=children, inherited=name in neutral,
        ))
    return docs


def render_contributing(project: Project) -> str:
    schema = json.loads(project.schema_path.read_text(encoding="utf-8"))
    languages = tuple(language.code for language in project.languages)
    taxonomy: Taxonomy = load_taxonomy(project.taxonomy_path, languages)
    env = Environment(loader=FileSystemLoader(str(project.templates_dir / "contributing")), undefined=StrictUndefined,
                      keep_trailing_newline=True, trim_blocks=True, lstrip_blocks=True, autoescape=False)
    env.filters["cell"] = lambda text: " ".join(str(text).split()).replace("|", "\\|")
    return env.get_template("CONTRIBUTING.md.j2").render(
        fields=field_docs(schema, schema.get("$defs", {})), taxonomy=taxonomy,
        sections={language.code: language.sections for language in project.languages},
        allowed_tags=sorted(ALLOWED_TAGS), image_types=sorted(IMAGE_SUFFIXES),
        max_image_mb=MAX_IMAGE_BYTES // (1024 * 1024), max_file_kib=MAX_FILE_BYTES // 1024,
    )
