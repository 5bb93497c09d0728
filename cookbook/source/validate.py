"""One recipe file: schema, values and body checked; a typed Recipe when it is clean."""

from __future__ import annotations

from datetime import date
from typing import Any, Iterator

from ..config import REQUIRED_SECTIONS, Language, Project
from ..model import Case, Evidence, Method, Metric, Range, Recipe, SourceRef
from ..taxonomy import Taxonomy
from .body import BodyChecker, code_free_lines, has_numbered_list, split_sections
from .load import PathKey, Source
from .schema_check import SchemaChecker, field_name, load_schema


class RecipeValidator:
    def __init__(self, project: Project, taxonomy: Taxonomy, today: date | None = None):
        self.project = project
        self.taxonomy = taxonomy
        self.schema = SchemaChecker(load_schema(project.schema_path, taxonomy))
        self.today = today or date.today()
        # The word each language's scaffold (templates/new/) marks what is still to be written
        # with; any language's, since a translation may start as a copy of the original.
        self.placeholders = tuple(sorted({str(language.strings["placeholder"]) for language in project.languages
                                          if language.strings.get("placeholder")}))

    def check_source(self, source: Source, data: dict[str, Any], inherited: frozenset[PathKey] = frozenset()) -> Recipe | None:
        """Validate one file's data (a translation's merged with its source's); None if it has errors.

        Problems in `inherited` paths belong to the source-language file and are reported there.
        """
        self.schema.check(source, data, inherited)
        self._check_values(source, data)
        self._check_placeholders(source, data, inherited)
        sections, images = self._check_body(source, self.project.language(source.lang))
        if any(p.severity == "error" for p in source.problems):
            return None
        if any(len(path) == 1 and path[0] not in data for path in inherited):
            return None  # the original could not be read: what it would give is unknown, and reported there
        return build_recipe(source, data, sections, images)

    def _check_values(self, source: Source, data: dict[str, Any]) -> None:
        updated = data.get("updated")
        if isinstance(updated, str):
            try:
                when = date.fromisoformat(updated)
            except ValueError:
                when = None  # reported by the schema's date format
            if when and when > self.today:
                pos = source.position(("updated",), prefer_key=False)
                source.problem(pos.line, pos.column, "future-date", f"updated {updated} is in the future",
                               f"use the date of your last change, today ({self.today.isoformat()}) at the latest")
        for key in ("duration", "group_size"):
            value = data.get(key)
            if (isinstance(value, dict) and type(value.get("min")) is int and type(value.get("max")) is int
                    and value["min"] > value["max"] and (key,) in source.key_positions):
                pos = source.position((key, "min"))
                source.problem(pos.line, pos.column, "min-above-max",
                               f"{key}: min {value['min']} is larger than max {value['max']}", "swap the two numbers")

    def _check_placeholders(self, source: Source, data: dict[str, Any], inherited: frozenset[PathKey]) -> None:
        """Every scaffold placeholder left in the file: in a value, or on a line of the body."""
        if not self.placeholders:
            return
        file_lines: list[str] | None = None
        for path, text in _texts(data, ()):
            if path not in inherited and (marker := self._placeholder_in(text)):
                pos = source.position(path, prefer_key=False)
                line, column = pos.line, pos.column
                # A block scalar (`>-`, `|`) starts on the lines after its indicator: point at the placeholder itself.
                file_lines = file_lines if file_lines is not None else _read_lines(source)
                found = next((number for number in range(line, min(line + text.count("\n") + 3, len(file_lines) + 1))
                              if marker in file_lines[number - 1]), None)
                if found is not None:
                    line, column = found, file_lines[found - 1].index(marker) + 1
                source.problem(line, column, "placeholder", f"{field_name(path)}: the placeholder {marker!r} is still here",
                               f"write in its place what it asks for: {_shortened(text)!r}")
        for number, line in enumerate(source.body.split("\n"), start=source.body_line):
            if marker := self._placeholder_in(line):
                source.problem(number, line.index(marker) + 1, "placeholder", f"the placeholder {marker!r} is still here",
                               f"write in its place what it asks for: {_shortened(line.strip())!r}")

    def _placeholder_in(self, text: str) -> str | None:
        return next((marker for marker in self.placeholders if marker in text), None)

    def _check_body(self, source: Source, language: Language) -> tuple[dict[str, str], tuple[str, ...]]:
        plain = code_free_lines(source.body)
        preamble, sections = split_sections(source.body, plain, source.body_line)
        headings = ", ".join(f"'## {h}'" for h in language.sections.values())
        first_text = next(((n, text) for n, text in preamble if text.strip()), None)
        if first_text:
            source.problem(first_text[0], 1, "text-outside-section", "text before the first section heading",
                           f"start the body with one of the sections: {headings}")
        found: dict[str, str] = {}
        for section in sections:
            key = language.section_key(section.heading)
            if key is None:
                source.problem(section.line, 1, "unknown-section", f"unknown section '## {section.heading}'",
                               f"the sections of a {language.code}.md recipe are {headings}; use '###' for a sub-heading")
            elif key in found:
                source.problem(section.line, 1, "duplicate-section", f"section '## {section.heading}' appears twice",
                               "merge the two sections into one")
            else:
                found[key] = section.text
                if not section.text.strip():
                    source.problem(section.line, 1, "empty-section", f"section '## {section.heading}' is empty",
                                   "write the section, or remove its heading if it is optional")
                elif key == "steps" and not has_numbered_list(section.plain_lines):
                    source.problem(section.line, 1, "steps-not-numbered", f"section '## {section.heading}' has no numbered list",
                                   "write the steps as '1. …', '2. …', one step per item")
        for key in REQUIRED_SECTIONS:
            if key not in found:
                heading = language.sections[key]
                source.problem(source.body_line, 1, "missing-section", f"the recipe has no '## {heading}' section",
                               f"add a section that starts with the line '## {heading}'")
        body = BodyChecker(plain, source.body_line, source.path.parent, source.problem)
        body.check()
        return found, tuple(body.images)


def _texts(value: Any, path: PathKey) -> Iterator[tuple[PathKey, str]]:
    """(path, text) of every string in the front matter, lists and mappings walked through."""
    if isinstance(value, str):
        yield path, value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _texts(item, (*path, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _texts(item, (*path, index))


def _read_lines(source: Source) -> list[str]:
    try:
        return source.path.read_text(encoding="utf-8").split("\n")
    except (OSError, UnicodeDecodeError):
        return []


def _shortened(text: str, limit: int = 80) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def build_recipe(source: Source, data: dict[str, Any], sections: dict[str, str], images: tuple[str, ...] = ()) -> Recipe:
    def texts(key: str) -> tuple[str, ...]:
        return tuple(str(v).strip() for v in data.get(key) or ())

    def span(key: str) -> Range | None:
        value = data.get(key)
        return Range(value["min"], value["max"], value.get("unit", "")) if value else None

    def text(value: Any) -> str:
        return "" if value is None else str(value).strip()

    def source_ref(value: dict[str, Any]) -> SourceRef:
        return SourceRef(text(value["title"]), text(value["publisher"]), value["year"], text(value.get("url")),
                         text(value.get("note")))

    return Recipe(
        id=source.recipe_id,
        lang=source.lang,
        path=source.display,
        title=text(data["title"]),
        summary=text(data["summary"]),
        theme=data["theme"],
        stages=texts("stages"),
        actors=texts("actors"),
        difficulty=data["difficulty"],
        updated=date.fromisoformat(data["updated"]),
        metrics=tuple(
            Metric(
                name=text(m["name"]), level=m["level"], unit=text(m["unit"]), source=text(m["source"]),
                frequency=text(m["frequency"]), description=text(m.get("description")),
                baseline=text(m.get("baseline")), target=text(m.get("target")), eu_indicator=text(m.get("eu_indicator")),
            )
            for m in data["metrics"]
        ),
        methods=tuple(Method(text(m["name"]), text(m["description"]), text(m.get("url"))) for m in data["methods"]),
        sources=tuple(source_ref(s) for s in data["sources"]),
        evidence=Evidence(
            level=data["evidence"]["level"], reported=text(data["evidence"]["reported"]), added=text(data["evidence"]["added"]),
            evaluation=source_ref(data["evidence"]["evaluation"]) if data["evidence"].get("evaluation") else None,
        ),
        tags=texts("tags"),
        duration=span("duration"),
        group_size=span("group_size"),
        ingredients=texts("ingredients"),
        related=texts("related"),
        cases=tuple(
            Case(text(c["name"]), text(c["organisation"]), text(c["place"]), text(c["years"]),
                 text(c.get("description")), text(c.get("url")))
            for c in data.get("cases") or ()
        ),
        authors=texts("authors"),
        status=data.get("status", "published"),
        sections=sections,
        images=images,
    )
