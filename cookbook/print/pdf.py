"""Print: the cookbook model → HTML through templates/print → WeasyPrint → PDFs."""

from __future__ import annotations

import gc
import logging
import os
import re
from dataclasses import dataclass
from functools import cached_property, lru_cache, partial
from typing import Any, Callable
from urllib.parse import quote, unquote
from datetime import date, datetime, timezone

import segno
from markupsafe import Markup
from weasyprint import CSS, HTML
from weasyprint.text.fonts import FontConfiguration

from ..config import Project
from ..contributed_html import ContributedMarkdown
from ..digests import folder_digest
from ..errors import CookbookError
from ..model import Cookbook, Recipe, edition_date
from ..plan import MeasurementPlan
from ..source.body import numbered_items
from ..templating import make_environment
from ..workers import apart, in_a_child, in_a_worker
from .book import APPENDIX_ANCHOR, chapter_anchor, recipe_anchor
from .fetcher import ProjectFetcher, font_cache_dir
from .hyphenate import use_voikko, voikko_fingerprint
from .lean_tags import lean_structure
from .pdf_cache import PdfCache
from .pdf_writer_tuning import tune_pdf_writer


PDF_VARIANT = "pdf/ua-1"

EXTERNAL_LINK = re.compile(r'<a href="(https?://[^"]+)"[^>]*>(.*?)</a>', re.S)
STYLESHEET_LINK = re.compile(r'<link rel="stylesheet" href="([^"]+)">')


def with_url_notes(html: str) -> str:
    """After each link to a web page, its address as a footnote: paper has no links to click."""
    def note(match: re.Match[str]) -> str:
        url, text = match.group(1), match.group(2)
        return match.group(0) if text.strip() == url else f'{match.group(0)}<span class="url-note">{url}</span>'

    return EXTERNAL_LINK.sub(note, html)


HEADING_TAG = re.compile(r"<(/?)h([1-6])\b")


def with_headings_below(html: str, section_level: int) -> str:
    """A contributor's sub-headings (`###`, written under a `##` section) one level below the
    section heading they are printed under: in the book a section is an h3 (the chapter is the
    h1), so its sub-headings become h4, and the PDF's heading structure skips no level. Clean
    HTML escapes every `<` of text and attributes, so each match is a tag."""
    shift = section_level - 2
    if not shift:
        return html
    return HEADING_TAG.sub(lambda m: f"<{m.group(1)}h{min(6, max(1, int(m.group(2)) + shift))}", html)


# A deck is rendered in parts of this many recipes (whole sheets of nine), in parallel and in
# bounded memory: a thousand recipes' deck in one document took WeasyPrint 1.1 GB.
CARDS_PER_PART = 90
CARDS_PER_SHEET = 9  # a part is whole sheets, or each part would end in a sheet of its own
assert CARDS_PER_PART % CARDS_PER_SHEET == 0
COLLECT_EVERY_PAGES = 40  # a full collection costs about as much as a page; see _collect_garbage

# About 250 dpi at 20 mm. The image is drawn without smoothing (image-rendering: pixelated sets
# /Interpolate false), so its modules stay square at any size; more pixels only cost time, as
# WeasyPrint decodes and encodes every image again (at 12 px, a twentieth of a book's time).
QR_PIXELS_PER_MODULE = 6


@lru_cache(maxsize=4096)
def qr_png(url: str) -> str:
    """A QR code as a PNG data URI. (Inline SVG was as sharp, but WeasyPrint parsed its path
    of hundreds of commands for every page that shows one: a twentieth of a book's time.)
    Kept for the process's next document: a recipe's code is printed in every edition of the
    book and on its handout, and segno takes some 6 ms to choose its mask."""
    return segno.make(url, error="m").png_data_uri(scale=QR_PIXELS_PER_MODULE, border=0, dark="#1a1a1a")


QR_PLACEHOLDER = re.compile(r'src="cookbook-qr:([0-9A-Za-z%._~-]+)"')


def qr_placeholder(url: str) -> str:
    """Where a QR code goes, in the HTML whose hash is the cache key. The code itself is made
    only when the document is rendered: segno scores all eight masks of each (some 6 ms), and a
    rebuild would otherwise make the codes of every cached part just to look it up."""
    return "cookbook-qr:" + quote(url, safe="")


def with_qr_codes(html: str) -> str:
    return QR_PLACEHOLDER.sub(lambda match: f'src="{qr_png(unquote(match.group(1)))}"', html)


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


EXTRA_SECTIONS = ("methods", "tips", "pitfalls", "cases", "related", "evidence", "sources")
HEADING_WEIGHT = 80  # a heading and its spacing, in characters of text
QR_WEIGHT = 300  # the QR code and its caption, about seven lines of a column


def extras_columns(recipe: Recipe, titles: dict[str, str], count: int, qr: bool = False) -> list[list[str]]:
    """The sections after the metrics that the recipe has, in order, cut into `count` columns
    of about the same length (the cut that best balances their characters). The QR code, if
    any, ends the last column: below both, it took a line of its own and ran a handout whose
    columns were uneven onto a third page."""
    weights = {
        "methods": sum(len(m.name) + len(m.description) for m in recipe.methods),
        "tips": len(recipe.sections.get("tips") or ""), "pitfalls": len(recipe.sections.get("pitfalls") or ""),
        "cases": sum(len(c.name) + len(c.organisation) + len(c.place) + len(c.description) + 10 for c in recipe.cases),
        "related": sum(len(titles[other]) + 10 for other in recipe.related if other in titles),
        "evidence": len(recipe.evidence.reported) + len(recipe.evidence.added) + 60 + (
            len(recipe.evidence.evaluation.title) + len(recipe.evidence.evaluation.publisher) + 10
            if recipe.evidence.evaluation else 0) if recipe.evidence else 0,
        "sources": sum(len(s.title) + len(s.publisher) + len(s.url) + len(s.note) + 10 for s in recipe.sources),
    }
    weights["qr"] = QR_WEIGHT if qr else 0
    keys = [key for key in (*EXTRA_SECTIONS, "qr") if weights[key]]
    if count == 1 or len(keys) < 2:
        return [keys]
    sizes = [weights[key] + HEADING_WEIGHT for key in keys]
    cut = min(range(1, len(keys)), key=lambda k: abs(sum(sizes[:k]) - sum(sizes[k:])))
    return [keys[:cut], keys[cut:]]


def card_parts(recipes: int) -> int:
    """How many parts a deck of this many recipes is rendered in."""
    return -(-recipes // CARDS_PER_PART)


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


@dataclass(frozen=True)
class Rendered:
    """A rendered PDF and what its parts' assembly needs to know of it."""

    pdf: bytes
    pages: int
    anchors: dict[str, int]  # element id -> 0-based index of the page it is on
    cached: bool = False


class PdfRenderer:
    """Renders documents for one project, sharing fonts, stylesheets and fetcher between them.

    One per process: WeasyPrint's font configuration cannot cross processes. Images are not
    cached across documents: nearly every image (each recipe's QR code) is printed once, and a
    cache would hold them all for the worker's life."""

    def __init__(self, project: Project, cookbook: Cookbook, cache: PdfCache | None = None):
        self.project = project
        self.cookbook = cookbook
        self.print_dir = project.templates_dir / "print"
        self.fetcher = ProjectFetcher(
            [self.print_dir, project.templates_dir / "fonts", project.recipes_dir, project.root / "content"],
            font_cache=font_cache_dir(project), project_root=project.root,
        )
        self.fonts = FontConfiguration()
        self.pdf_cache = cache or PdfCache.of(project, enabled=False)
        self.markdown = ContributedMarkdown(project.mkdocs_config_path)
        self._sections: dict[tuple[str, str], dict[str, str]] = {}  # the recipe being laid out
        self._environments: dict = {}
        self._stylesheets: dict[str, CSS] = {}
        self._link_descriptions: dict[str, dict[str, str]] = {}
        self._pages_since_collection = 0
        self._laid_out_bulky = False  # in a worker: whether it laid out a bulky document itself (render)
        # WeasyPrint logs refused fetches; they are expected for untrusted input.
        logging.getLogger("weasyprint").setLevel(logging.ERROR)
        tune_pdf_writer()
        for code in self.voikko_languages:
            use_voikko(code)

    @cached_property
    def voikko_languages(self) -> list[str]:
        """The languages whose texts ask for Voikko's hyphenation instead of Pyphen's patterns."""
        return [language.code for language in self.project.languages if language.strings.get("hyphenation") == "voikko"]

    @cached_property
    def inputs_digest(self) -> str:
        """What a render depends on besides the HTML and its images: the CSS, the fonts and the
        hyphenation dictionaries."""
        hyphenation = voikko_fingerprint() if self.voikko_languages else ""
        return folder_digest(self.print_dir) + folder_digest(self.project.templates_dir / "fonts") + PDF_VARIANT + hyphenation

    def environment(self, lang: str):
        if lang not in self._environments:
            env = make_environment(self.print_dir, self.cookbook.taxonomy, self.project.language(lang))
            env.filters["markdown"] = self.markdown_html
            env.filters["section"] = self.section_html
            env.filters["qr"] = qr_placeholder
            env.globals["extras_columns"] = extras_columns
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

    def markdown_html(self, text: str | None, folder: str | None = None, section_level: int = 2) -> Markup:
        """A contributor's Markdown as clean HTML for print (no rel="attachment" or anything else
        that could embed or fetch); relative images resolved against `folder` (from the project root);
        its headings placed under a section heading of `section_level`."""
        html = self.markdown.html(text or "", self._image_url(folder))
        return Markup(with_url_notes(with_headings_below(html, section_level)))

    def section_html(self, recipe: Recipe, key: str, section_level: int = 2) -> Markup:
        """One section of a recipe for print, its headings placed under a section heading of
        `section_level`; all the recipe's sections are rendered together (what one defines, such
        as a footnote, serves the others), once per recipe."""
        recipe_key = (recipe.id, recipe.lang)
        if recipe_key not in self._sections:
            self._sections.clear()  # only the recipe being laid out
            self._sections[recipe_key] = self.markdown.sections_html(recipe.sections, self._image_url(f"recipes/{recipe.id}"))
        return Markup(with_url_notes(with_headings_below(self._sections[recipe_key].get(key, ""), section_level)))

    def _image_url(self, folder: str | None) -> Callable[[str], str] | None:
        base = self.project.root / folder if folder else None
        return (lambda source: (base / unquote(source)).as_uri()) if base else None

    def html(self, template: str, lang: str, **context: object) -> str:
        recipes = context.get("dated_by") or context.get("recipes") or [context.get("recipe")]
        newest = edition_date(recipes)
        return self.environment(lang).get_template(template).render(
            # The newest content date stands for the edition's date, so that the same input
            # gives the same PDF bytes.
            modified=datetime(newest.year, newest.month, newest.day, tzinfo=timezone.utc).isoformat(),
            edition_date=newest, titles={r.id: r.title for r in self.cookbook.recipes_in(lang)},
            **context,
        )

    def layout(self, html: str, variant: str | None = PDF_VARIANT):  # -> weasyprint.Document
        # The templates link their stylesheets; they are parsed once per process instead of once
        # per document (and fonts.css registers its 24 faces once).
        document = HTML(string=STYLESHEET_LINK.sub("", html), base_url=self.print_dir.as_uri() + "/", url_fetcher=self.fetcher)
        return document.render(font_config=self.fonts, pdf_variant=variant, stylesheets=self.stylesheets(html))

    def stylesheets(self, html: str) -> list[CSS]:
        """The stylesheets `html` links, each parsed once in this process."""
        base_url = self.print_dir.as_uri() + "/"
        return [self.stylesheet(base_url + href) for href in STYLESHEET_LINK.findall(html)]

    def stylesheet(self, url: str) -> CSS:
        if url not in self._stylesheets:
            self._stylesheets[url] = CSS(url=url, url_fetcher=self.fetcher, font_config=self.fonts)
        return self._stylesheets[url]

    def render(self, template: str, lang: str, check: Callable[[Any], None] | None = None, tagged: bool = True,
               bulky: bool = False, **context: object) -> Rendered:
        """A tagged PDF/UA-1 document, from the cache when nothing it depends on has changed.
        `check` sees the laid-out document before it is written (and may refuse it). Untagged:
        a plain PDF, for drawings that go into another document (the page numbers, which the
        book marks as artifacts: tags of their own would be marked content without a tree).
        `bulky`: tens of pages (a part of a book or deck). In a pool worker it is laid out and
        written in a child that ends with it (workers.apart): a laid-out document is millions
        of small objects in cycles, which the collector would walk and free one by one (a
        sixth of the time). The worker lays out its first one itself, so that every child
        starts with the fonts loaded; the HTML, the QR codes and the cache stay in the worker."""
        variant = PDF_VARIANT if tagged else None
        html = self.html(template, lang, **context)
        key = self.pdf_cache.key(html, self.inputs_digest, *(() if tagged else ("untagged",)))
        hit = self.pdf_cache.get(key)
        if hit is not None:
            return Rendered(hit.pdf, hit.meta["pages"], hit.meta["anchors"], cached=True)
        html = with_qr_codes(html)
        write = partial(self._write, html, variant, check, self.link_descriptions(lang) if tagged else None)
        if bulky and in_a_worker() and self._laid_out_bulky:
            self.stylesheets(html)  # parsed here, for this worker's later children too
            pdf, pages, anchors = apart(write)
        else:
            pdf, pages, anchors = write()
            if bulky and in_a_worker():
                gc.collect()  # what it left, so that no child inherits it
                self._laid_out_bulky = True
        self.pdf_cache.put(key, pdf, {"pages": pages, "anchors": anchors})
        return Rendered(pdf, pages, anchors)

    def _write(self, html: str, variant: str | None, check: Callable[[Any], None] | None,
               link_descriptions: dict[str, str] | None) -> tuple[bytes, int, dict[str, int]]:
        """The PDF of `html` (tagged, if given its links' descriptions), its page count and the
        page index of each anchor."""
        document = self.layout(html, variant)
        if check is not None:
            check(document)
        anchors: dict[str, int] = {}
        for index, page in enumerate(document.pages):
            for name in page.anchors:
                anchors.setdefault(name, index)
        # Tagged PDF/UA-1: structure, language and alt texts for screen readers and archives;
        # the structure told in fewer objects (lean_tags.py).
        finisher = partial(lean_structure, link_descriptions=link_descriptions) if link_descriptions is not None else None
        pdf = document.write_pdf(pdf_variant=variant, finisher=finisher)
        pages = len(document.pages)
        del document
        self._collect_garbage(pages)
        return pdf, pages, anchors

    def link_descriptions(self, lang: str) -> dict[str, str]:
        """What each place a book's links lead to is, by its anchor: WeasyPrint describes a
        link (its annotation's /Contents, which PDF/UA asks for) by the anchor's name alone."""
        if lang not in self._link_descriptions:
            strings, label = self.project.language(lang).strings, self.cookbook.taxonomy.label
            self._link_descriptions[lang] = {
                **{recipe_anchor(recipe.id): recipe.title for recipe in self.cookbook.recipes_in(lang)},
                **{chapter_anchor(theme): label("themes", theme, lang) for theme, _ in self.cookbook.by_theme(lang)},
                APPENDIX_ANCHOR: strings["print"]["appendix_metrics"]}
        return self._link_descriptions[lang]

    def _collect_garbage(self, pages: int) -> None:
        """A laid-out document is a web of cycles (boxes know their parents): free the last
        ones every few dozen pages, so that memory stays flat however seldom the collector
        runs by itself (pdf_jobs makes that seldom, for speed). A child that ends with its
        document (workers.apart) lets its memory go at once instead."""
        self._pages_since_collection += pages
        if self._pages_since_collection >= COLLECT_EVERY_PAGES and not in_a_child():
            gc.collect()
            self._pages_since_collection = 0

    def cards(self, lang: str, part: int = 0) -> tuple[Rendered, Rendered]:
        """Part `part` of the card deck (CARDS_PER_PART recipes): single 63 × 88 mm cards, and
        the same nine to an A4 sheet with cut marks. Fails, naming the recipe and the side,
        when a card's text does not fit."""
        deck = self.cookbook.recipes_in(lang)
        recipes = deck[part * CARDS_PER_PART:(part + 1) * CARDS_PER_PART]
        assert recipes, f"the deck has {card_parts(len(deck))} parts, not {part + 1}"
        # Dated by the whole deck: the joined deck takes its date from its first part.
        context = {"recipes": recipes, "dated_by": deck, "format_css": "cards.css", "short_steps": short_steps}
        single = self.render("cards.html.j2", lang, check=lambda document: check_cards_fit(document, {r.id: r for r in recipes}),
                             bulky=True, **context)
        sheets = self.render("card-sheets.html.j2", lang, bulky=True, **context)
        return single, sheets

    def handout(self, recipe: Recipe) -> Rendered:
        return self.render("handout.html.j2", recipe.lang, recipe=recipe, format_css="handout.css")

    def plan(self, plan: MeasurementPlan) -> Rendered:
        """A measurement plan (cookbook/plan.py) on A4 landscape."""
        return self.render("plan.html.j2", plan.lang, plan=plan, recipes=plan.recipes, format_css="plan.css")
