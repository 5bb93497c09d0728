"""The site's pages: the cookbook model → plain Markdown pages through templates/site/."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from .config import Project
from .model import Cookbook
from .templating import make_environment

RECENT_COUNT = 5
def docs_dir(project: Project, lang: str) -> Path:
    return project.build_dir / "docs" / lang


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
