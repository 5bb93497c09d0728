"""Print: the cookbook model → HTML through templates/print → WeasyPrint → PDFs."""

from __future__ import annotations

import logging
import os
import re
from urllib.parse import unquote
from datetime import date, datetime, timezone
from pathlib import Path

import segno
from markupsafe import Markup
from weasyprint import HTML
from weasyprint.text.fonts import FontConfiguration

from .body import numbered_items
from .config import Project
from .errors import CookbookError
from .fetcher import ProjectFetcher
from .hyphenate import hyphenate_html
from .impose import impose_booklet
from .print_formats import FORMATS, book_name, booklet_name
from .markdown_render import MarkdownRenderer
from .model import Cookbook, Recipe
from .pages import handout_name
from .templating import make_environment


PDF_VARIANT = "pdf/ua-1"

EXTERNAL_LINK = re.compile(r'<a href="(https?://[^"]+)"[^>]*>(.*?)</a>', re.S)
IMG_SRC = re.compile(r'(<img\b[^>]*?\bsrc=")(?![a-z][a-z0-9+.-]*:)([^"]+)(")')
REL_ATTRIBUTE = re.compile(r"""\srel\s*=\s*("[^"]*"|'[^']*'|[^\s>]+)""", re.IGNORECASE)


def with_url_notes(html: str) -> str:
    """After each link to a web page, its address as a footnote: paper has no links to click."""
    def note(match: re.Match[str]) -> str:
        url, text = match.group(1), match.group(2)
        return match.group(0) if text.strip() == url else f'{match.group(0)}<span class="url-note">{url}</span>'

    return EXTERNAL_LINK.sub(note, html)


def qr_svg(url: str) -> Markup:
    """A QR code as inline SVG (vector, sharp at any print size)."""
    code = segno.make(url, error="m")
    svg = code.svg_inline(scale=1, border=0, dark="#1a1a1a", omitsize=True)
    return Markup(svg)


def build_date() -> date | None:
    """SOURCE_DATE_EPOCH, the reproducible-builds convention, when it is set."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    return datetime.fromtimestamp(int(epoch), tz=timezone.utc).date() if epoch.isdigit() else None


class CardOverflow(CookbookError):
    """A card's text does not fit on the card."""


CARD_FIELDS = {"front": "the title and summary (front)", "back": "the steps (back)"}


def short_step(step: str) -> str:
    """A step in short, for the back of a card: its first clause (up to a full stop, colon or
    comma), as long as that leaves a phrase of some length."""
    for match in re.finditer(r"[.!?:;,](?=\s)", step):
        if match.start() >= 15:
            return step[: match.start()].rstrip() + ("." if step[match.start()] in ".!?" else "…")
    return step


def short_steps(recipe: Recipe) -> list[str]:
    return [short_step(step) for step in numbered_items(recipe.sections.get("steps", ""))]


def check_cards_fit(document, recipes: dict[str, Recipe]) -> None:  # document: weasyprint.Document
    """Every card side must be exactly one page: a page that starts no new card is an overflow."""
    previous = None
    seen: set[str] = set()
    for page in document.pages:
        sides = [name for name in page.anchors if name.startswith("card-") and name not in seen]
        if sides:
            seen.update(sides)
            previous = sides[-1]
            continue
        recipe_id, side = previous.removeprefix("card-").rsplit("-", 1) if previous else ("?", "front")
        recipe = recipes.get(recipe_id)
        where = recipe.path if recipe else recipe_id
        raise CardOverflow(
            f"{where}: the card's text does not fit on 63 × 88 mm: {CARD_FIELDS[side]} is too long; "
            "shorten it (on the back, the first sentence of each step is shown)"
        )


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
            env.filters["qr"] = qr_svg
            env.globals.update(
                content=self.cookbook.content, web_url=lambda recipe: self.web_url(recipe),
                site_url=self.site_url(lang), repository=self.project.settings.get("repository") or {},
            )
            self._environments[lang] = env
        return self._environments[lang]

    def site_url(self, lang: str) -> str:
        base = str(self.project.settings.get("site_url") or "").rstrip("/")
        if not base:
            return ""
        return base + "/" + ("" if lang == self.project.source_language.code else f"{lang}/")

    def web_url(self, recipe: Recipe) -> str:
        """The recipe's page on the published site (for QR codes and handouts), if the site has an address."""
        base = self.site_url(recipe.lang)
        return f"{base}recipes/{recipe.id}/" if base else ""

    def markdown_html(self, text: str | None, folder: str | None = None) -> Markup:
        """Markdown as HTML for print; relative images resolved against `folder` (from the project root)."""
        html = with_url_notes(without_rel(self.markdown(text or "")))
        if folder:
            base = self.project.root / folder
            html = IMG_SRC.sub(lambda m: m.group(1) + (base / unquote(m.group(2))).as_uri() + m.group(3), html)
        return Markup(html)

    def render(self, template: str, lang: str, target: Path, **context: object) -> Path:
        document = self.layout(template, lang, **context)
        target.parent.mkdir(parents=True, exist_ok=True)
        # Tagged PDF/UA-1: structure, language and alt texts for screen readers and archives.
        document.write_pdf(target, pdf_variant=PDF_VARIANT)
        return target

    def layout(self, template: str, lang: str, **context: object):  # -> weasyprint.Document
        recipes = context.get("recipes") or [context.get("recipe")]
        newest = build_date() or max((r.updated for r in recipes if r), default=date(2026, 1, 1))
        html = self.environment(lang).get_template(template).render(
            # The newest content date stands for the edition's date, so that the same input
            # gives the same PDF bytes.
            modified=datetime(newest.year, newest.month, newest.day, tzinfo=timezone.utc).isoformat(),
            edition_date=newest, titles={r.id: r.title for r in self.cookbook.recipes_in(lang)},
            **context,
        )
        if self.project.language(lang).strings.get("hyphenation") == "voikko":
            html = hyphenate_html(html)
        document = HTML(string=html, base_url=self.print_dir.as_uri() + "/", url_fetcher=self.fetcher)
        return document.render(font_config=self.fonts, cache=self.cache, pdf_variant=PDF_VARIANT)

    def book(self, lang: str, out_dir: Path, page_format: str = "a4", recipes: tuple[Recipe, ...] | None = None,
             name: str | None = None) -> Path:
        """The book (or a workshop pack of some recipes) in one of the FORMATS."""
        chosen = self.cookbook.recipes_in(lang) if recipes is None else recipes
        chapters = [(theme, [r for r in chapter if r in chosen]) for theme, chapter in self.cookbook.by_theme(lang)]
        return self.render(
            "book.html.j2", lang, out_dir / (name or book_name(self.project, lang, page_format)),
            chapters=[(theme, chapter) for theme, chapter in chapters if chapter], recipes=chosen,
            format_css=FORMATS[page_format],
        )

    def cards(self, lang: str, out_dir: Path) -> list[Path]:
        """The card deck: single 63 × 88 mm cards, and the same nine to an A4 sheet with cut
        marks. Fails, naming the recipe and the side, when a card's text does not fit."""
        recipes = self.cookbook.recipes_in(lang)
        names = self.project.language(lang).strings["pdf"]
        single = self.layout("cards.html.j2", lang, recipes=recipes, format_css="cards.css", short_steps=short_steps)
        check_cards_fit(single, {r.id: r for r in recipes})
        out_dir.mkdir(parents=True, exist_ok=True)
        single.write_pdf(out_dir / names["cards"], pdf_variant=PDF_VARIANT)
        sheets = self.layout("card-sheets.html.j2", lang, recipes=recipes, format_css="cards.css", short_steps=short_steps)
        sheets.write_pdf(out_dir / names["card_sheets"], pdf_variant=PDF_VARIANT)
        return [out_dir / names["cards"], out_dir / names["card_sheets"]]

    def handout(self, recipe: Recipe, out_dir: Path) -> Path:
        return self.render("handout.html.j2", recipe.lang, out_dir / handout_name(recipe.id, recipe.lang), recipe=recipe,
                           format_css="handout.css")


def build_pdfs(project: Project, cookbook: Cookbook, out_dir: Path) -> list[Path]:
    """Every edition of the book in every language that has recipes, and a handout per recipe."""
    renderer = PdfRenderer(project, cookbook)
    written = []
    for language in project.languages:
        recipes = cookbook.recipes_in(language.code)
        if not recipes:
            continue
        for page_format in FORMATS:
            written.append(renderer.book(language.code, out_dir, page_format))
        a5 = out_dir / book_name(project, language.code, "a5")
        written.append(impose_booklet(a5, out_dir / booklet_name(project, language.code)))
        written.extend(renderer.cards(language.code, out_dir))
        written.extend(renderer.handout(recipe, out_dir) for recipe in recipes)
    return written
