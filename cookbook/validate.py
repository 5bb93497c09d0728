"""Turn Sources into Recipes: every problem of every file in one pass, never an exception."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import Any

from .config import REQUIRED_SECTIONS, Language, Project
from .diagnostics import Diagnostic, display_path
from .load import Source, read_source, recipe_files
from .model import Case, Cookbook, Method, Metric, Range, Recipe, SourceRef
from .schema_check import SchemaChecker, load_schema
from .taxonomy import Taxonomy, load_taxonomy

HEADING = re.compile(r"^(#{1,6})[ \t]+(.*?)[ \t#]*$")
FENCE_OPEN = re.compile(r"^[ \t]{0,3}(```|~~~)")
NUMBERED_ITEM = re.compile(r"^[ \t]{0,3}\d{1,3}[.)][ \t]+\S")
ID_PATTERN = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")


@dataclass(frozen=True)
class CheckResult:
    cookbook: Cookbook | None
    diagnostics: tuple[Diagnostic, ...]
    files: int
    recipes: int

    @property
    def errors(self) -> int:
        return sum(1 for d in self.diagnostics if d.severity == "error")

    @property
    def warnings(self) -> int:
        return sum(1 for d in self.diagnostics if d.severity == "warning")


@dataclass(frozen=True)
class Section:
    key: str | None
    heading: str
    line: int
    text: str


def split_sections(body: str, first_line: int) -> tuple[str, list[Section]]:
    """The text before the first '## ' heading, and each '## ' section with its line."""
    preamble: list[str] = []
    sections: list[tuple[str, int, list[str]]] = []
    fence: str | None = None
    for offset, line in enumerate(body.split("\n")):
        opener = FENCE_OPEN.match(line)
        if opener:
            fence = None if fence == opener.group(1) else (fence or opener.group(1))
        heading = HEADING.match(line) if fence is None else None
        if heading and len(heading.group(1)) == 2:
            sections.append((heading.group(2), first_line + offset, []))
        elif sections:
            sections[-1][2].append(line)
        else:
            preamble.append(line)
    return "\n".join(preamble), [Section(None, h, n, "\n".join(lines).strip("\n")) for h, n, lines in sections]


class RecipeValidator:
    def __init__(self, project: Project, taxonomy: Taxonomy):
        self.project = project
        self.taxonomy = taxonomy
        self.schema = SchemaChecker(load_schema(project.schema_path, taxonomy))
        self.today = date.today()

    def check_source(self, source: Source) -> Recipe | None:
        """Validate one file; problems are added to the source. Returns the Recipe if clean."""
        if source.data is None:
            return None
        self.schema.check(source)
        self._check_values(source)
        sections = self._check_body(source, self.project.language(source.lang))
        if source.problems:
            return None
        return build_recipe(source, sections)

    def _check_values(self, source: Source) -> None:
        data = source.data or {}
        updated = data.get("updated")
        if isinstance(updated, str):
            try:
                when = date.fromisoformat(updated)
            except ValueError:
                when = None  # reported by the schema's date format
            if when and when > self.today:
                pos = source.position(("updated",), prefer_key=False)
                source.problem(pos.line, pos.column, "future-date", f"updated {updated} is in the future", f"use today's date, {self.today.isoformat()}, or an earlier one")
        for key in ("duration", "group_size"):
            value = data.get(key)
            if isinstance(value, dict) and isinstance(value.get("min"), int) and isinstance(value.get("max"), int):
                if value["min"] > value["max"]:
                    pos = source.position((key, "min"))
                    source.problem(pos.line, pos.column, "min-above-max", f"{key}: min {value['min']} is larger than max {value['max']}", "swap the two numbers")

    def _check_body(self, source: Source, language: Language) -> dict[str, str]:
        preamble, sections = split_sections(source.body, source.body_line)
        if preamble.strip():
            line = source.body_line + next(i for i, text in enumerate(preamble.split("\n")) if text.strip())
            headings = ", ".join(f"'## {h}'" for h in language.sections.values())
            source.problem(line, 1, "text-outside-section", "text before the first section heading", f"start the body with one of the sections: {headings}")
        found: dict[str, str] = {}
        for section in sections:
            key = language.section_key(section.heading)
            if key is None:
                allowed = ", ".join(f"'## {h}'" for h in language.sections.values())
                source.problem(section.line, 1, "unknown-section", f"unknown section '## {section.heading}'", f"the sections of a {language.code}.md recipe are {allowed}; use '###' for a sub-heading")
            elif key in found:
                source.problem(section.line, 1, "duplicate-section", f"section '## {section.heading}' appears twice", "merge the two sections into one")
            else:
                found[key] = section.text
                if key == "steps" and not any(NUMBERED_ITEM.match(line) for line in section.text.split("\n")):
                    source.problem(section.line, 1, "steps-not-numbered", f"section '## {section.heading}' has no numbered list", "write the steps as '1. …', '2. …', one step per item")
        for key in REQUIRED_SECTIONS:
            if key not in found:
                heading = language.sections[key]
                source.problem(source.body_line, 1, "missing-section", f"the recipe has no '## {heading}' section", f"add a section that starts with the line '## {heading}'")
        return found


def build_recipe(source: Source, sections: dict[str, str]) -> Recipe:
    data: dict[str, Any] = source.data or {}

    def texts(key: str) -> tuple[str, ...]:
        return tuple(str(v) for v in data.get(key) or ())

    def rng(key: str) -> Range | None:
        value = data.get(key)
        return Range(value["min"], value["max"], value.get("unit", "")) if value else None

    def text(value: Any) -> str:
        return "" if value is None else str(value)

    return Recipe(
        id=source.recipe_id,
        lang=source.lang,
        path=source.display,
        title=data["title"].strip(),
        summary=data["summary"].strip(),
        theme=data["theme"],
        stages=texts("stages"),
        actors=texts("actors"),
        difficulty=data["difficulty"],
        updated=date.fromisoformat(data["updated"]),
        metrics=tuple(
            Metric(
                name=m["name"], level=m["level"], unit=m["unit"], source=m["source"], frequency=m["frequency"],
                description=text(m.get("description")), baseline=text(m.get("baseline")),
                target=text(m.get("target")), eu_indicator=text(m.get("eu_indicator")),
            )
            for m in data["metrics"]
        ),
        methods=tuple(Method(m["name"], m["description"].strip(), text(m.get("url"))) for m in data["methods"]),
        sources=tuple(SourceRef(s["title"], s["publisher"], s["year"], text(s.get("url"))) for s in data["sources"]),
        tags=texts("tags"),
        duration=rng("duration"),
        group_size=rng("group_size"),
        ingredients=texts("ingredients"),
        related=texts("related"),
        cases=tuple(
            Case(c["name"], c["organisation"], c["place"], text(c["years"]), text(c.get("description")).strip(), text(c.get("url")))
            for c in data.get("cases") or ()
        ),
        authors=texts("authors"),
        status=data.get("status", "published"),
        sections=sections,
    )


def check_cookbook_links(recipes: list[Recipe], sources: dict[tuple[str, str], Source]) -> None:
    """Checks across recipes: related ids exist and are not the recipe itself; titles are unique."""
    ids = {r.id for r in recipes}
    titles: dict[tuple[str, str], Recipe] = {}
    for recipe in recipes:
        source = sources[(recipe.id, recipe.lang)]
        for index, other in enumerate(recipe.related):
            pos = source.position(("related", index), prefer_key=False)
            if other == recipe.id:
                source.problem(pos.line, pos.column, "related-self", f"related lists the recipe itself ('{other}')", "remove it from related")
            elif other not in ids:
                source.problem(pos.line, pos.column, "unknown-related", f"related recipe '{other}' does not exist", "use the folder name of an existing recipe under recipes/")
        key = (recipe.lang, recipe.title.casefold())
        if key in titles:
            pos = source.position(("title",), prefer_key=False)
            source.problem(pos.line, pos.column, "duplicate-title", f"the title '{recipe.title}' is already used by {titles[key].path}", "give this recipe a title of its own")
        else:
            titles[key] = recipe


def check_project(project: Project) -> CheckResult:
    """Load, validate and assemble every recipe of the project."""
    languages = tuple(lang.code for lang in project.languages)
    taxonomy = load_taxonomy(project.taxonomy_path, languages)
    validator = RecipeValidator(project, taxonomy)
    sources: dict[tuple[str, str], Source] = {}
    recipes: list[Recipe] = []
    for recipe_id, lang, path in recipe_files(project.recipes_dir, languages):
        source = read_source(path, display_path(path, project.root), recipe_id, lang)
        sources[(recipe_id, lang)] = source
        if not ID_PATTERN.match(recipe_id):
            source.problem(1, 1, "bad-id", f"the folder name '{recipe_id}' is not a valid recipe id", "rename the folder to lowercase letters, digits and hyphens, such as 'speed-dating'")
            continue
        try:
            recipe = validator.check_source(source)
        except Exception as error:  # noqa: BLE001 - one bad file must not stop the check of the others
            source.problem(1, 1, "internal", f"the checker failed on this file: {type(error).__name__}: {error}", "please report this as a bug, with the file attached")
            recipe = None
        if recipe is not None:
            recipes.append(recipe)
    check_cookbook_links(recipes, sources)
    diagnostics = tuple(sorted(d for s in sources.values() for d in s.problems))
    clean = not any(d.severity == "error" for d in diagnostics)
    cookbook = assemble(taxonomy, languages, recipes) if clean else None
    return CheckResult(cookbook, diagnostics, len(sources), len({recipe_id for recipe_id, _ in sources}))


def assemble(taxonomy: Taxonomy, languages: tuple[str, ...], recipes: list[Recipe]) -> Cookbook:
    theme_order = {theme: i for i, theme in enumerate(taxonomy.ids("themes"))}
    ordered = sorted(recipes, key=lambda r: (theme_order[r.theme], r.title.casefold(), r.id))
    return Cookbook(taxonomy, languages, {lang: tuple(r for r in ordered if r.lang == lang) for lang in languages})
