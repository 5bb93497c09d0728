"""`build.py new`: a new recipe's files, one per language, from templates/new/<lang>.md.j2.

Like Hugo's archetypes: every front-matter field is present with a comment on what to write,
and the files pass the check as written, so a contributor can preview the recipe at once.
"""

from __future__ import annotations

import difflib
import json
import re
import textwrap
import unicodedata
from datetime import date
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined, TemplateError, TemplateNotFound

from ..config import Project
from ..taxonomy import Taxonomy, TaxonomyError, load_taxonomy
from .check import ID_PATTERN
from .translations import NEUTRAL_FIELDS, NEUTRAL_METRIC_FIELDS

COMMENT_WIDTH = 96
NO_BREAK = "\u00a0"  # textwrap does not break lines here


class ScaffoldError(Exception):
    """The recipe cannot be started as asked; the message says what to do instead."""


def new_recipe(project: Project, recipe_id: str, title: str, theme: str, today: date | None = None) -> list[Path]:
    """Write recipes/<recipe_id>/<lang>.md for every configured language; the paths written."""
    check_id(recipe_id)
    folder = project.recipes_dir / recipe_id
    if folder.exists():
        raise ScaffoldError(
            f"recipes/{recipe_id} already exists: choose another id, or edit the files in recipes/{recipe_id}/"
        )
    taxonomy = _taxonomy(project)
    check_theme(taxonomy, theme, project.source_language.code)
    title = check_title(project, title)
    today = today or date.today()
    # Render everything before writing anything, so that a failure leaves no half-made recipe.
    texts = {
        language.code: render(project, taxonomy, language.code, recipe_id=recipe_id, title=title, theme=theme, today=today)
        for language in project.languages
    }
    try:
        folder.mkdir(parents=True)
    except OSError as error:
        raise ScaffoldError(f"cannot create recipes/{recipe_id}: {error.strerror}") from None
    written = []
    for code, text in texts.items():
        path = folder / f"{code}.md"
        with path.open("w", encoding="utf-8", newline="\n") as file:
            file.write(text)
        written.append(path)
    return written


def check_id(recipe_id: str) -> None:
    if not ID_PATTERN.match(recipe_id):
        suggestion = slugify(recipe_id)
        hint = f", such as '{suggestion}'" if suggestion else ""
        raise ScaffoldError(
            f"'{recipe_id}' is not a valid recipe id: use lowercase letters a–z, digits and single hyphens{hint}"
        )


def slugify(text: str) -> str:
    """The nearest valid id: 'Yhteinen Kehittäminen' -> 'yhteinen-kehittaminen'."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")


def check_theme(taxonomy: Taxonomy, theme: str, lang: str) -> None:
    themes = taxonomy.ids("themes")
    if theme in themes:
        return
    near = difflib.get_close_matches(theme, themes, n=1)
    guess = f"did you mean '{near[0]}'? " if near else ""
    listing = ", ".join(f"{term.id} ({term.label[lang]})" for term in taxonomy.vocabularies["themes"])
    raise ScaffoldError(f"unknown theme '{theme}': {guess}the themes in recipes/taxonomy.yml are {listing}")


def check_title(project: Project, title: str) -> str:
    """The title on one line, within the schema's length limits."""
    title = " ".join(title.split())
    limits = _schema(project)["properties"]["title"]
    shortest, longest = limits.get("minLength", 1), limits.get("maxLength", 1000)
    if not shortest <= len(title) <= longest:
        raise ScaffoldError(f"the title must be {shortest}–{longest} characters long (it is {len(title)})")
    return title


def render(project: Project, taxonomy: Taxonomy, lang: str, **values: Any) -> str:
    folder = project.templates_dir / "new"
    try:
        template = _environment(folder, taxonomy, lang).get_template(f"{lang}.md.j2")
        return template.render(
            lang=lang,
            source_language=project.source_language.code,
            sections=project.language(lang).sections,
            taxonomy=taxonomy,
            schema=_schema(project),
            neutral_fields=NEUTRAL_FIELDS,
            neutral_metric_fields=NEUTRAL_METRIC_FIELDS,
            **values,
        )
    except TemplateNotFound:
        raise ScaffoldError(
            f"there is no scaffold for the language '{lang}': add templates/new/{lang}.md.j2 (copy en.md.j2 and translate it)"
        ) from None
    except TemplateError as error:
        where = f" line {error.lineno}" if getattr(error, "lineno", None) else ""
        raise ScaffoldError(f"templates/new/{lang}.md.j2{where}: {error.message}") from None


def _environment(folder: Path, taxonomy: Taxonomy, lang: str) -> Environment:
    # YAML and Markdown, not HTML: no autoescaping; values that need quoting go through `yaml`.
    env = Environment(
        loader=FileSystemLoader(str(folder)),
        autoescape=False,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )

    def choices(vocabulary: str) -> str:
        """The terms a field takes, as 'id (label in this language)'."""
        # No-break spaces keep each 'id (label)' on one comment line; `comment` turns them back.
        terms = taxonomy.vocabularies.get(vocabulary, ())
        return ", ".join(f"{term.id} ({term.label[lang]})".replace(" ", NO_BREAK) for term in terms)

    env.filters.update(yaml=yaml_string, comment=comment)
    env.globals.update(choices=choices)
    return env


def yaml_string(value: object) -> str:
    """A double-quoted scalar: JSON strings are valid YAML, whatever ':' or quotes the text holds."""
    return json.dumps(str(value), ensure_ascii=False)


def comment(text: str, width: int = COMMENT_WIDTH) -> str:
    """Text as YAML comment lines ('# …'), wrapped; indent the result with Jinja's `indent`."""
    lines = textwrap.wrap(text, width - 2, break_long_words=False, break_on_hyphens=False)
    return "\n".join(f"# {line}".replace(NO_BREAK, " ") for line in lines)


def _taxonomy(project: Project) -> Taxonomy:
    try:
        return load_taxonomy(project.taxonomy_path, tuple(lang.code for lang in project.languages))
    except TaxonomyError as error:
        raise ScaffoldError(
            f"recipes/{(error.path or project.taxonomy_path).name}:{error.line}: {error.message}; "
            "fix it first (python build.py check shows it)"
        ) from None


def _schema(project: Project) -> dict[str, Any]:
    return json.loads(project.schema_path.read_text(encoding="utf-8"))
