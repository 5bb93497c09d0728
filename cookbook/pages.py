"""The site: the cookbook model → Markdown pages and a generated config → the site engine.

Nothing here depends on MkDocs internals: the engine is run as a command on a generated
config file that INHERITs the hand-kept mkdocs.yml.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import yaml

from .config import Project
from .errors import CookbookError
from .files import fresh_dir, sync_tree, write_if_changed
from .markdown_render import read_mkdocs_config
from .model import Cookbook
from .schema_check import load_schema
from .templating import make_environment

RECENT_COUNT = 5
# Set while `build.py` runs the engine, so the serve hook does not generate the pages twice.
PAGES_READY_ENV = "COOKBOOK_PAGES_READY"


class SiteBuildError(CookbookError):
    """The site engine failed; the message carries its output."""


def docs_dir(project: Project, lang: str) -> Path:
    return project.build_dir / "docs" / lang


def engine_config_path(project: Project, lang: str) -> Path:
    return project.build_dir / f"mkdocs.{lang}.yml"


def render_pages(project: Project, cookbook: Cookbook, lang: str, include_drafts: bool = False) -> dict[str, str | bytes]:
    """Every page and asset of one language edition, as relative path -> content."""
    language = project.language(lang)
    env = make_environment(project.templates_dir / "site", cookbook.taxonomy, language)
    env.globals["content"] = cookbook.content
    recipes = cookbook.recipes_in(lang, include_drafts)
    chapters = cookbook.by_theme(lang, include_drafts)
    recent = sorted(recipes, key=lambda r: (r.updated, r.id), reverse=True)[:RECENT_COUNT]
    files: dict[str, str | bytes] = {
        "index.md": env.get_template("index.md.j2").render(chapters=chapters, recent=recent),
    }
    theme_template = env.get_template("theme.md.j2")
    for theme, chapter in chapters:
        files[f"themes/{theme}.md"] = theme_template.render(theme=theme, recipes=chapter)
    page_template = env.get_template("page.md.j2")
    content_folder = project.root / "content"
    for name, page in cookbook.content.pages.get(lang, {}).items():
        if name != "home":
            files[f"{name}.md"] = page_template.render(page=page)
        for image in page.images:
            files[image] = (content_folder / image).read_bytes()
    for image in cookbook.content.intro_images:
        files[f"themes/{image}"] = (content_folder / "themes" / image).read_bytes()
    recipe_template = env.get_template("recipe.md.j2")
    # PDFs live once, at the site root's downloads/, outside every edition's docs: link them as
    # plain HTML relative to the page (the engine checks only Markdown links, against docs/).
    site_root = "../../" if lang == project.source_language.code else "../../../"
    for recipe in recipes:
        # A folder per recipe, so that its images sit beside it as they do under recipes/.
        files[f"recipes/{recipe.id}/index.md"] = recipe_template.render(
            recipe=recipe, pdf=f"{site_root}downloads/{handout_name(recipe.id, lang)}"
        )
        for image in recipe.images:
            files[f"recipes/{recipe.id}/{image}"] = (project.recipes_dir / recipe.id / image).read_bytes()
    assets = project.templates_dir / "site" / "assets"
    for path in sorted(assets.rglob("*")) if assets.is_dir() else ():
        if path.is_file():
            files[f"assets/{path.relative_to(assets).as_posix()}"] = path.read_bytes()
    return files


def navigation(project: Project, cookbook: Cookbook, lang: str, include_drafts: bool = False) -> list[Any]:
    """Themes in the navigation, recipes on their theme pages: no page carries the whole list."""
    labels = project.language(lang).strings["labels"]
    pages = cookbook.content.pages.get(lang, {})
    nav: list[Any] = [{labels["home"]: "index.md"}]
    themes = [{cookbook.taxonomy.label("themes", theme, lang): f"themes/{theme}.md"}
              for theme, _ in cookbook.by_theme(lang, include_drafts)]
    if themes:
        nav.append({labels["themes"]: themes})
    nav.extend({page.title: f"{name}.md"} for name, page in pages.items() if name != "home")
    return nav


def handout_name(recipe_id: str, lang: str) -> str:
    return f"{recipe_id}-{lang}.pdf"


def generate(project: Project, cookbook: Cookbook, lang: str, include_drafts: bool = False) -> Path:
    """Write one language's pages and engine config under build/. Unchanged files are left alone."""
    folder = docs_dir(project, lang)
    sync_tree(folder, render_pages(project, cookbook, lang, include_drafts))
    write_engine_config(project, lang, navigation(project, cookbook, lang, include_drafts))
    return folder


def write_engine_config(project: Project, lang: str, nav: list[Any]) -> Path:
    base = read_mkdocs_config(project.mkdocs_config_path)
    strings = project.language(lang).strings
    plugins = []
    for plugin in base.get("plugins") or []:
        name = next(iter(plugin)) if isinstance(plugin, dict) else plugin
        if name == "search":
            options = dict(plugin[name] or {}) if isinstance(plugin, dict) else {}
            plugins.append({"search": {**options, "lang": lang}})
        else:
            plugins.append(plugin)
    config = {
        "INHERIT": "../mkdocs.yml",
        "site_name": strings["site_name"],
        "site_description": strings["site_description"],
        "copyright": strings["copyright"],
        "docs_dir": f"docs/{lang}",
        "site_dir": f"engine-site/{lang}",
        "theme": {"language": lang},
        "plugins": plugins,
        "nav": nav,
    }
    path = engine_config_path(project, lang)
    write_if_changed(path, "# Generated by cookbook.pages; edit mkdocs.yml instead.\n" + yaml.safe_dump(config, allow_unicode=True, sort_keys=False))
    return path


def engine_command(project: Project, action: str, lang: str) -> list[str]:
    engine = project.settings.get("site_engine", "mkdocs")
    return [sys.executable, "-m", engine, action, "-f", str(engine_config_path(project, lang))]


def engine_environment() -> dict[str, str]:
    return {**os.environ, "NO_MKDOCS_2_WARNING": "1", PAGES_READY_ENV: "1"}


def run_engine(project: Project, lang: str) -> Path:
    """Build one language edition with the site engine; returns its output folder."""
    output = project.build_dir / "engine-site" / lang
    result = subprocess.run(
        # Not --quiet: MkDocs counts warnings for `strict` only when it logs them.
        engine_command(project, "build", lang),
        cwd=project.root, env=engine_environment(), capture_output=True, text=True,
    )
    if result.returncode != 0:
        raise SiteBuildError(f"the site engine failed for '{lang}':\n{(result.stdout + result.stderr).strip()}")
    return output


def build_site(project: Project, cookbook: Cookbook, out_dir: Path) -> None:
    """Every language edition into `out_dir`: the source language at the root, others in /<lang>/."""
    fresh_dir(out_dir)
    for index, language in enumerate(project.languages):
        generate(project, cookbook, language.code)
        built = run_engine(project, language.code)
        shutil.copytree(built, out_dir if index == 0 else out_dir / language.code, dirs_exist_ok=True)
    publish_schema(project, cookbook, out_dir / "schema" / "recipe.schema.json")


def publish_schema(project: Project, cookbook: Cookbook, target: Path) -> None:
    """The recipe schema as contributors' editors can use it: with the vocabularies filled in."""
    schema = load_schema(project.schema_path, cookbook.taxonomy)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(json.dumps(schema, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
