"""The site's pages: the cookbook model → plain Markdown pages through templates/site/.

Every list and link is generated from the model; nothing about recipes is kept by hand.
"""

from __future__ import annotations

import html
import json
import re
import unicodedata
from dataclasses import dataclass
from functools import cached_property, lru_cache
from pathlib import Path
from typing import Any

from markupsafe import Markup

from ..config import Project
from ..contributed_html import ContributedMarkdown, Heading, Part, markdown_specials, markdown_text
from ..downloads import FORMATS, book_name, booklet_name, handout_name, plan_name
from ..eu_indicators import EuIndicator, Regulation
from ..model import Cookbook, Metric, Recipe
from ..plan import COLUMNS, FILL_IN, column_labels, counted, measurement_plan, plan_data
from ..source.body import numbered_items
from ..templating import make_environment
from .engine_markdown import fenced_html

RECENT_COUNT = 5
# The page that lists the EU common indicators the recipes' metrics feed.
EU_INDICATORS_PAGE = "eu-indicators.md"
DURATION_DAYS = {"hours": 1 / 8, "days": 1, "weeks": 7, "months": 30}
ISO_DURATION = {"hours": "PT{}H", "days": "P{}D", "weeks": "P{}W", "months": "P{}M"}


def docs_dir(project: Project, lang: str, variant: str = "web") -> Path:
    return project.build_dir / "docs" / variant / lang


def page_url(path: str, directory_urls: bool = True) -> str:
    """The URL of a generated page relative to its edition's root.

    Directory URLs (themes/x/) on the web; file names (themes/x.html) in the offline copy,
    which is opened from disk where a folder does not open its index.html."""
    if not directory_urls:
        return path[: -len(".md")] + ".html"
    if path == "index.md":
        return ""
    return path[: -len("index.md")] if path.endswith("/index.md") else path[: -len(".md")] + "/"


@dataclass(frozen=True)
class Edition:
    """One language edition: which pages it has and how to link between editions."""

    project: Project
    cookbook: Cookbook
    lang: str
    include_drafts: bool = False
    directory_urls: bool = True

    def url(self, path: str) -> str:
        return page_url(path, self.directory_urls)

    @cached_property
    def recipes(self) -> tuple[Recipe, ...]:
        return self.cookbook.recipes_in(self.lang, self.include_drafts)

    @cached_property
    def chapters(self) -> list[tuple[str, list[Recipe]]]:
        return self.cookbook.by_theme(self.lang, self.include_drafts)

    @cached_property
    def page_paths(self) -> set[str]:
        """The paths of the pages this edition has (Markdown files under docs/<lang>/)."""
        paths = {"index.md", "finder.md", "metrics.md", "methods.md", "materials.md", "tags.md"}
        if self.cookbook.taxonomy.eu_indicators.indicators:
            paths.add(EU_INDICATORS_PAGE)
        paths |= {f"themes/{theme}.md" for theme, _ in self.chapters}
        paths |= {f"{kind}/{term}.md" for kind, term, _ in self.browse_lists()}
        paths |= {f"recipes/{recipe.id}/index.md" for recipe in self.recipes}
        # The measurement plan: the page for any recipes, and a ready plan per theme.
        paths |= {"plan/index.md", *(f"plan/{theme}.md" for theme, _ in self.chapters)}
        paths |= {f"{name}.md" for name in self.cookbook.content.pages.get(self.lang, {}) if name != "home"}
        return paths

    def eu_indicator_uses(self) -> list[tuple[Regulation, list[tuple[EuIndicator, list[tuple[Metric, Recipe]]]]]]:
        """Each regulation of the EU indicators vocabulary with its indicators, in the vocabulary's
        order, each with the metrics of this edition that are it (and their recipes); an
        indicator no metric is has an empty list."""
        vocabulary = self.cookbook.taxonomy.eu_indicators
        fed: dict[str, list[tuple[Metric, Recipe]]] = {code: [] for code in vocabulary.codes()}
        for recipe in self.recipes:
            for metric in recipe.metrics:
                if metric.eu_indicator in fed:
                    fed[metric.eu_indicator].append((metric, recipe))
        return [(regulation, [(indicator, fed[indicator.code]) for indicator in vocabulary.of(regulation)])
                for regulation in vocabulary.regulations]

    def browse_lists(self) -> list[tuple[str, str, list[Recipe]]]:
        """(stages|actors, term, recipes) for every stage and actor that has recipes."""
        found = []
        for kind in ("stages", "actors"):
            for term in self.cookbook.taxonomy.ids(kind):
                recipes = [r for r in self.recipes if term in getattr(r, kind)]
                if recipes:
                    found.append((kind, term, recipes))
        return found

    def root_from(self, other: "Edition") -> str:
        """The path from `other`'s root to this edition's root."""
        source = self.project.source_language.code
        up = "" if other.lang == source else "../"
        return up + ("" if self.lang == source else f"{self.lang}/")

    def link_for(self, path: str, recipe: Recipe | None = None) -> str:
        """This edition's page for `path`: the same page, else the recipe's theme, else home."""
        if path in self.page_paths:
            return self.url(path)
        if recipe is not None and f"themes/{recipe.theme}.md" in self.page_paths:
            return self.url(f"themes/{recipe.theme}.md")
        return self.url("index.md")


def alternates(editions: list[Edition], current: Edition, path: str, recipe: Recipe | None = None) -> dict[str, str]:
    """For the language switch: each edition's counterpart of this page, relative to this edition's root."""
    return {edition.lang: edition.root_from(current) + edition.link_for(path, recipe) for edition in editions}


@dataclass(frozen=True)
class Download:
    """A file offered on the materials page, and the same content in other forms, listed under it."""

    label: str
    file: str
    variants: tuple[Download, ...] = ()


def book_files(project: Project, lang: str) -> list[Download]:
    """Every edition of the book in one language. The booklet, whose pages are in printing order
    and untagged, is offered under the A5 edition it is imposed from: the one to read."""
    labels = project.language(lang).strings["print"]["formats"]
    booklet = (Download(labels["booklet"], booklet_name(project, lang)),)
    return [Download(labels[page_format], book_name(project, lang, page_format), booklet if page_format == "a5" else ())
            for page_format in FORMATS]


def card_files(project: Project, lang: str) -> list[tuple[str, str]]:
    """(format label, file name) of a language's two card decks: single cards, and sheets."""
    strings = project.language(lang).strings
    return [(strings["print"]["formats"][kind], strings["pdf"][kind]) for kind in ("cards", "card_sheets")]


def duration_days(recipe: Recipe) -> tuple[float, float] | None:
    if recipe.duration is None:
        return None
    factor = DURATION_DAYS[recipe.duration.unit]
    return recipe.duration.min * factor, recipe.duration.max * factor


# The finder's duration choices (labels: `duration_buckets` in templates/i18n): the longest
# duration a recipe states, in days, up to each limit; beyond the last, "long".
DURATION_BUCKETS = ((1, "day"), (7, "week"), (31, "month"))


def duration_bucket(recipe: Recipe) -> str | None:
    days = duration_days(recipe)
    if days is None:
        return None
    return next((name for limit, name in DURATION_BUCKETS if days[1] <= limit), "long")


def finder_data(edition: Edition) -> list[dict[str, Any]]:
    """What the recipe finder filters on, one entry per published recipe (written as finder.json)."""
    data = []
    for recipe in edition.recipes:
        days = duration_days(recipe)
        data.append({
            "id": recipe.id, "title": recipe.title, "url": edition.url(f"recipes/{recipe.id}/index.md"),
            "theme": recipe.theme, "stages": list(recipe.stages), "actors": list(recipe.actors),
            "difficulty": recipe.difficulty, "evidence": recipe.evidence.level if recipe.evidence else None,
            "duration_days": list(days) if days else None,
            "duration": duration_bucket(recipe),
        })
    return data


def plan_script(edition: Edition) -> str:
    """The data of the plan page's script (templates/site/assets/plan.js): every published
    recipe's metrics, as a script that sets `window.cookbookPlanData`. A script, not JSON to
    fetch, so that the offline copy opened from disk (where fetch() is refused) reads it too.
    Its recipe addresses are relative to the edition's root."""
    data = plan_data(edition.cookbook.taxonomy, edition.lang, edition.recipes,
                     lambda recipe: edition.url(f"recipes/{recipe.id}/index.md"))
    return f"window.cookbookPlanData = {script_json(data)};\n"


def script_json(data: Any) -> str:
    """JSON that is safe inside a script, whatever its strings hold: no '<', '>' or '&' (which
    could end a <script> element or open a comment in one) and no line or paragraph separator."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    for character, escape in (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026"), ("\u2028", "\\u2028"), ("\u2029", "\\u2029")):
        text = text.replace(character, escape)
    return text


def how_to(recipe: Recipe, url: str) -> str:
    """schema.org HowTo JSON-LD, safe inside a <script> element."""
    data: dict[str, Any] = {
        "@context": "https://schema.org", "@type": "HowTo", "name": recipe.title, "description": recipe.summary,
        "inLanguage": recipe.lang, "dateModified": recipe.updated.isoformat(),
        "step": [{"@type": "HowToStep", "position": i, "text": text}
                 for i, text in enumerate(numbered_items(recipe.sections.get("steps", "")), start=1)],
    }
    if recipe.duration:
        data["totalTime"] = ISO_DURATION[recipe.duration.unit].format(recipe.duration.max)
    if recipe.ingredients:
        data["supply"] = [{"@type": "HowToSupply", "name": item} for item in recipe.ingredients]
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    # No "</script>" or "<!--" can end the element early: escape every '<'.
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def html_block(html_text: str) -> Markup:
    """HTML the engine passes through as it is: a block of its own, blank lines around it."""
    return Markup(f"\n\n{fenced_html(str(html_text).strip())}\n\n")


def meta_text(value: Any) -> Markup:
    """A front-matter value: HTML-escaped, for engines print titles and descriptions into their
    templates as they are; written as JSON, which YAML reads."""
    return Markup(json.dumps(html.escape(" ".join(str(value).split())), ensure_ascii=False))


@lru_cache(maxsize=4)
def _specials(mkdocs_config_path: Path) -> frozenset[str]:
    return markdown_specials(mkdocs_config_path)


def tag_ids(recipes: tuple[Recipe, ...]) -> dict[str, str]:
    """An anchor on the tags page for each tag: ASCII, unique."""
    ids: dict[str, str] = {}
    for tag in sorted({tag for recipe in recipes for tag in recipe.tags}, key=str.casefold):
        ascii_text = unicodedata.normalize("NFKD", tag).encode("ascii", "ignore").decode().lower()
        base = "tag-" + (re.sub(r"[^a-z0-9]+", "-", ascii_text).strip("-") or "x")
        candidate, number = base, 2
        while candidate in ids.values():
            candidate, number = f"{base}-{number}", number + 1
        ids[tag] = candidate
    return ids


def render_pages(
    project: Project, cookbook: Cookbook, lang: str, include_drafts: bool = False, directory_urls: bool = True,
    search: str | None = "pagefind",
) -> dict[str, str | bytes]:
    """Every page and asset of one language edition, as relative path -> content.

    Each page is whole: the engine adds navigation and chrome, and renders only our headings.
    `search`: the edition's search index, "pagefind" (cookbook/site/search_index.py), "local"
    (cookbook/site/local_search.py) or None; with one, the finder offers a search field."""
    editions = [Edition(project, cookbook, language.code, include_drafts, directory_urls) for language in project.languages]
    edition = next(e for e in editions if e.lang == lang)
    env = make_environment(project.templates_dir / "site", cookbook.taxonomy, project.language(lang))
    specials = _specials(project.mkdocs_config_path)
    contributed = ContributedMarkdown(project.mkdocs_config_path)

    def page_markdown(parts: list[Part]) -> Markup:
        """Rendered contributor Markdown: its headings as escaped Markdown, the rest as clean HTML."""
        out = []
        for part in parts:
            if isinstance(part, Heading):
                out.append(f"\n\n{'#' * part.level} {markdown_text(part.text, specials)}\n\n")
            else:
                out.append(html_block(part.html))
        return Markup("".join(out))

    def contributed_filter(text: str, to_source: str = "") -> Markup:
        """A contributor's Markdown (a page, a theme's introduction)."""
        return page_markdown(contributed.parts(text or "", image_prefix=to_source))

    rendered_sections: dict[tuple[str, str, str], dict[str, list[Part]]] = {}

    def section_filter(recipe: Recipe, key: str, to_source: str = "") -> Markup:
        """One section of a recipe; all its sections are rendered together, once per page."""
        page_key = (recipe.id, recipe.lang, to_source)
        if page_key not in rendered_sections:
            rendered_sections.clear()  # only the page being written
            rendered_sections[page_key] = contributed.sections_parts(recipe.sections, image_prefix=to_source)
        return page_markdown(rendered_sections[page_key].get(key, []))

    env.filters.update(html_block=html_block, meta=meta_text, contributed=contributed_filter, section=section_filter,
                       md=lambda text: Markup(markdown_text(text, specials)))
    ids = tag_ids(edition.recipes)
    env.globals.update(
        content=cookbook.content, edition=edition, duration_bucket=duration_bucket, search=search,
        repository=project.settings.get("repository", {}), tag_ids=ids,
        # The EU indicators page, where the edition has one (a vocabulary with indicators).
        eu_page=EU_INDICATORS_PAGE if EU_INDICATORS_PAGE in edition.page_paths else None,
        languages={language.code: language.strings["name"] for language in project.languages},
        # Books and decks are made only for languages that have recipes (cookbook.print.pdf_jobs.build_pdfs):
        # a language being added links none of its own yet.
        book_files={language.code: book_files(project, language.code) for language in project.languages
                    if cookbook.recipes_in(language.code)},
        card_files={language.code: card_files(project, language.code) for language in project.languages
                    if cookbook.recipes_in(language.code)},
        # The measurement plan's columns and its files (cookbook/plan.py, downloads.py).
        plan_columns=[column for column in COLUMNS if column != "level"], plan_fill_in=FILL_IN,
        plan_labels=column_labels(project.language(lang).strings), counted=counted,
        plan_file=lambda theme, suffix: plan_name(project, lang, theme, suffix),
    )
    files: dict[str, str | bytes] = {}

    source_lang = project.source_language.code

    def page(path: str, template: str, recipe: Recipe | None = None, **context: Any) -> None:
        depth = edition.url(path).count("/") if directory_urls else path.count("/")
        files[path] = env.get_template(template).render(
            # Links written as raw HTML, which the engine passes through untouched.
            link=lambda target: ("../" * depth + edition.url(target)) or "./",
            # Page-relative: the engine's url filter cannot resolve links above an edition's root.
            alternate={code: ("../" * depth + link) or "./" for code, link in alternates(editions, edition, path, recipe).items()},
            # Relative links in raw HTML: to this edition's root, and to the site's root where
            # the PDFs and data files live once for all editions.
            to_root="../" * depth, to_site_root="../" * depth + ("" if lang == source_lang else "../"),
            # From the page to the folder of its Markdown source, where its images are.
            to_source="../" * (depth - path.count("/")), recipe=recipe, **context,
        )

    recent = sorted(edition.recipes, key=lambda r: (r.updated, r.id), reverse=True)[:RECENT_COUNT]
    page("index.md", "index.md.j2", chapters=edition.chapters, recent=recent)
    for theme, chapter in edition.chapters:
        page(f"themes/{theme}.md", "theme.md.j2", theme=theme, recipes=chapter)
    for kind, term, recipes in edition.browse_lists():
        page(f"{kind}/{term}.md", "browse.md.j2", kind=kind, term=term, recipes=recipes)
    page("metrics.md", "metrics.md.j2", recipes=edition.recipes)
    if EU_INDICATORS_PAGE in edition.page_paths:
        page(EU_INDICATORS_PAGE, "eu_indicators.md.j2", uses=edition.eu_indicator_uses())
    page("methods.md", "methods.md.j2", recipes=edition.recipes)
    page("finder.md", "finder.md.j2", recipes=edition.recipes)
    # The measurement plan: the page that makes one of any recipes (plan.js, from plan-data.js),
    # and a ready plan per theme, which needs no script.
    strings = project.language(lang).strings
    plans = {theme: measurement_plan(cookbook.taxonomy, strings, chapter, theme) for theme, chapter in edition.chapters}
    page("plan/index.md", "plan.md.j2", plans=plans)
    for theme, plan in plans.items():
        page(f"plan/{theme}.md", "plan-theme.md.j2", theme=theme, plan=plan)
    files["plan-data.js"] = plan_script(edition)
    # The offline copy (file names for URLs) is the zip's content: it has no zip to offer.
    page("materials.md", "materials.md.j2", recipes=edition.recipes, handout=lambda r: handout_name(r.id, lang),
         offline_copy=not directory_urls, plans=plans)
    tagged = [(tag, [r for r in edition.recipes if tag in r.tags]) for tag in ids]
    page("tags.md", "tags.md.j2", tags=tagged)
    files["finder.json"] = json.dumps(finder_data(edition), ensure_ascii=False, indent=1) + "\n"

    content_folder = project.root / "content"
    for name, content_page in cookbook.content.pages.get(lang, {}).items():
        if name != "home":
            page(f"{name}.md", "page.md.j2", page=content_page)
        for image in content_page.images:
            files[image] = (content_folder / image).read_bytes()
    for image in cookbook.content.intro_images:
        files[f"themes/{image}"] = (content_folder / "themes" / image).read_bytes()

    _render_recipes(project, cookbook, editions, edition, page, files)

    for folder, target in ((project.templates_dir / "site" / "assets", "assets"), (project.templates_dir / "fonts", "assets/fonts")):
        for path in sorted(folder.rglob("*")) if folder.is_dir() else ():
            if path.is_file():
                files[f"{target}/{path.relative_to(folder).as_posix()}"] = path.read_bytes()
    return files


def _render_recipes(project: Project, cookbook: Cookbook, editions: list[Edition], edition: Edition,
                    page: Any, files: dict[str, str | bytes]) -> None:
    source_lang = project.source_language.code
    originals = {r.id: r for r in cookbook.recipes_in(source_lang, include_drafts=True)}
    titles = {r.id: r.title for r in edition.recipes}
    for recipe in edition.recipes:
        original = originals.get(recipe.id)
        stale = original if original and recipe.lang != source_lang and recipe.updated < original.updated else None
        page(
            f"recipes/{recipe.id}/index.md", "recipe.md.j2", recipe=recipe,
            # PDFs are outside every edition's docs: linked as plain HTML, which the engine does not check.
            pdf=handout_name(recipe.id, edition.lang),
            related=[(other, titles[other]) for other in recipe.related if other in titles],
            stale_original=stale, how_to=how_to(recipe, edition.url(f"recipes/{recipe.id}/index.md")),
        )
        # A folder per recipe, so that its images sit beside it as they do under recipes/.
        for image in recipe.images:
            files[f"recipes/{recipe.id}/{image}"] = (project.recipes_dir / recipe.id / image).read_bytes()


def navigation(project: Project, cookbook: Cookbook, lang: str, include_drafts: bool = False) -> list[Any]:
    """Themes in the navigation, recipes on their theme pages: no page carries the whole list."""
    edition = Edition(project, cookbook, lang, include_drafts)
    labels = project.language(lang).strings["labels"]
    pages = cookbook.content.pages.get(lang, {})
    # Titles HTML-escaped: engines print them into their templates as they are.
    label = html.escape
    nav: list[Any] = [{label(labels["home"]): "index.md"}, {label(labels["finder"]): "finder.md"},
                      {label(project.language(lang).strings["plan"]["title"]): "plan/index.md"}]
    themes = [{label(cookbook.taxonomy.label("themes", theme, lang)): f"themes/{theme}.md"} for theme, _ in edition.chapters]
    if themes:
        nav.append({label(labels["themes"]): themes})
    for kind in ("stages", "actors"):
        entries = [{label(cookbook.taxonomy.label(kind, term, lang)): f"{kind}/{term}.md"}
                   for k, term, _ in edition.browse_lists() if k == kind]
        if entries:
            nav.append({label(labels[f"browse_{kind}"]): entries})
    catalogs = [{label(labels["metrics_catalog"]): "metrics.md"}]
    if EU_INDICATORS_PAGE in edition.page_paths:
        catalogs.append({label(labels["eu_indicators"]): EU_INDICATORS_PAGE})
    catalogs += [{label(labels["methods_catalog"]): "methods.md"}, {label(labels["tags"]): "tags.md"}]
    nav.append({label(labels["catalogs"]): catalogs})
    nav.extend({label(page.title): f"{name}.md"} for name, page in pages.items() if name != "home")
    nav.append({label(labels["downloads"]): "materials.md"})
    return nav
