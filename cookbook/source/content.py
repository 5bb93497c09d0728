"""The texts around the recipes: pages (home, about, workshop) and theme introductions.

content/<name>.<lang>.md          a page, with a front matter that holds its title
content/themes/<theme>.<lang>.md  the introduction of a theme (chapter), Markdown only

They are contributor-edited like recipes, so their Markdown gets the same safety checks.
"""

from __future__ import annotations

import re
from pathlib import Path

from ..config import Project
from ..model import Content, Page
from ..taxonomy import Taxonomy
from .body import BodyChecker, code_free_lines
from .diagnostics import display_path
from .load import Source, read_source, read_text

PAGE_NAME = re.compile(r"^([a-z0-9]+(?:-[a-z0-9]+)*)\.([a-z]{2,3})\.md$")


def content_dir(project: Project) -> Path:
    return project.root / "content"


def load_content(project: Project, taxonomy: Taxonomy) -> tuple[Content, list[Source]]:
    """Every page and theme introduction, and their sources with any problems found."""
    languages = [lang.code for lang in project.languages]
    folder = content_dir(project)
    sources: list[Source] = []
    pages: dict[str, dict[str, Page]] = {lang: {} for lang in languages}
    intros: dict[str, dict[str, str]] = {lang: {} for lang in languages}
    intro_images: list[str] = []

    for path in sorted(folder.glob("*.md")) if folder.is_dir() else ():
        match = PAGE_NAME.match(path.name)
        source = read_source(path, display_path(path, project.root), path.stem, match.group(2) if match else "")
        sources.append(source)
        if not match or match.group(2) not in languages:
            source.problem(1, 1, "bad-page-name", f"'{path.name}' is not named <page>.<language>.md",
                           f"name the file like about.{languages[0]}.md; the languages are {', '.join(languages)}")
        elif source.data is not None:
            page = _page(source, match.group(1))
            if page and not source.problems:
                pages[page.lang][page.name] = page

    themes = taxonomy.ids("themes")
    theme_folder = folder / "themes"
    for path in sorted(theme_folder.glob("*.md")) if theme_folder.is_dir() else ():
        match = PAGE_NAME.match(path.name)
        source = Source(path=path, display=display_path(path, project.root), recipe_id=path.stem, lang="")
        sources.append(source)
        if not match or match.group(2) not in languages or match.group(1) not in themes:
            source.problem(1, 1, "unknown-theme", f"'{path.name}' does not name a theme and a language",
                           f"name it <theme>.<language>.md; the themes are {', '.join(themes)}")
            continue
        text = read_text(source)
        if text is not None:
            source.body = text
            intro_images.extend(i for i in _check_markdown(source) if i not in intro_images)
            if not source.problems:
                intros[match.group(2)][match.group(1)] = text.strip()

    for lang in languages:
        for theme in themes:
            if theme not in intros[lang]:
                path = theme_folder / f"{theme}.{lang}.md"
                shown = display_path(path, project.root)
                missing = Source(path=path, display=shown, recipe_id=theme, lang=lang)
                missing.warn(1, 1, "missing-theme-intro", f"the theme '{theme}' has no introduction in '{lang}'",
                             f"write {shown}: two short paragraphs that open the chapter")
                sources.append(missing)
    return Content(pages, intros, tuple(intro_images)), sources


def _page(source: Source, name: str) -> Page | None:
    data = source.data or {}
    title = data.get("title")
    for key in sorted(set(data) - {"title"}):
        pos = source.position((key,))
        source.problem(pos.line, pos.column, "unknown-field", f"unknown field '{key}' in a page",
                       "a page's front matter holds only its title")
    if not isinstance(title, str) or not title.strip():
        source.problem(1, 1, "missing-field", "the page has no title", "add a line 'title: …' to the front matter")
    images = _check_markdown(source)
    if not isinstance(title, str) or not title.strip():
        return None
    return Page(name, source.lang, title.strip(), source.body.strip(), images)


def _check_markdown(source: Source) -> tuple[str, ...]:
    """The Markdown safety checks of recipes; returns the images it uses."""
    checker = BodyChecker(code_free_lines(source.body), source.body_line, source.path.parent, source.problem)
    checker.check()
    return tuple(checker.images)
