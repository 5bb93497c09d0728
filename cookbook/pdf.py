"""Print: the cookbook model → HTML through templates/print → WeasyPrint → PDFs."""

from __future__ import annotations

import logging
import re
from urllib.parse import unquote
from datetime import datetime, timezone
from pathlib import Path

from markupsafe import Markup
from weasyprint import HTML
from weasyprint.text.fonts import FontConfiguration

from .config import Project
from .fetcher import ProjectFetcher
from .hyphenate import hyphenate_html
from .markdown_render import MarkdownRenderer
from .model import Cookbook, Recipe
from .pages import handout_name
from .templating import make_environment


IMG_SRC = re.compile(r'(<img\b[^>]*?\bsrc=")(?![a-z][a-z0-9+.-]*:)([^"]+)(")')
REL_ATTRIBUTE = re.compile(r"""\srel\s*=\s*("[^"]*"|'[^']*'|[^\s>]+)""", re.IGNORECASE)


def without_rel(html: str) -> str:
    """Drop rel attributes: rel="attachment" would make WeasyPrint embed the linked file.
    The check refuses them already; this holds even if a recipe slipped past it."""
    return REL_ATTRIBUTE.sub("", html)


class PdfRenderer:
    """Renders documents for one project, sharing fonts, cache and fetcher between them."""

    def __init__(self, project: Project, cookbook: Cookbook):
        self.project = project
        self.cookbook = cookbook
        self.print_dir = project.templates_dir / "print"
        self.fetcher = ProjectFetcher([self.print_dir, project.templates_dir / "fonts", project.recipes_dir, project.root / "content"])
        self.fonts = FontConfiguration()
        self.cache: dict = {}
        self.markdown = MarkdownRenderer(project.mkdocs_config_path)
        self._environments: dict = {}
        # WeasyPrint logs refused fetches; they are expected for untrusted input.
        logging.getLogger("weasyprint").setLevel(logging.ERROR)

    def environment(self, lang: str):
        if lang not in self._environments:
            env = make_environment(self.print_dir, self.cookbook.taxonomy, self.project.language(lang))
            env.filters["markdown"] = self.markdown_html
            env.globals["content"] = self.cookbook.content
            self._environments[lang] = env
        return self._environments[lang]

    def markdown_html(self, text: str | None, folder: str | None = None) -> Markup:
        """Markdown as HTML for print; relative images resolved against `folder` (from the project root)."""
        html = without_rel(self.markdown(text or ""))
        if folder:
            base = self.project.root / folder
            html = IMG_SRC.sub(lambda m: m.group(1) + (base / unquote(m.group(2))).as_uri() + m.group(3), html)
        return Markup(html)

    def render(self, template: str, lang: str, target: Path, **context: object) -> Path:
        recipes = context.get("recipes") or [context.get("recipe")]
        newest = max((r.updated for r in recipes if r), default=None)
        html = self.environment(lang).get_template(template).render(
            modified=datetime(newest.year, newest.month, newest.day, tzinfo=timezone.utc).isoformat() if newest else "",
            **context,
        )
        if self.project.language(lang).strings.get("hyphenation") == "voikko":
            html = hyphenate_html(html)
        document = HTML(string=html, base_url=self.print_dir.as_uri() + "/", url_fetcher=self.fetcher)
        target.parent.mkdir(parents=True, exist_ok=True)
        document.write_pdf(target, font_config=self.fonts, cache=self.cache, uncompressed_pdf=False)
        return target

    def book(self, lang: str, out_dir: Path) -> Path:
        strings = self.project.language(lang).strings
        return self.render(
            "book.html.j2", lang, out_dir / strings["pdf"]["book"],
            chapters=self.cookbook.by_theme(lang), recipes=self.cookbook.recipes_in(lang),
        )

    def handout(self, recipe: Recipe, out_dir: Path) -> Path:
        return self.render("handout.html.j2", recipe.lang, out_dir / handout_name(recipe.id, recipe.lang), recipe=recipe)


def build_pdfs(project: Project, cookbook: Cookbook, out_dir: Path) -> list[Path]:
    """The book in every language that has recipes, and a handout per recipe."""
    renderer = PdfRenderer(project, cookbook)
    written = []
    for language in project.languages:
        recipes = cookbook.recipes_in(language.code)
        if not recipes:
            continue
        written.append(renderer.book(language.code, out_dir))
        written.extend(renderer.handout(recipe, out_dir) for recipe in recipes)
    return written
