"""The built website, read as HTML: every page, link and language switch a reader would use."""

from __future__ import annotations

import json
import posixpath
import re
from html import unescape as html_unescape
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest

from conftest import DRAFT_ID, ROOT
from cookbook.source.check import check_project
from cookbook.config import Project
from cookbook.site.pages import render_pages


class Links(HTMLParser):
    """Every link, resource and element id of one page."""

    def __init__(self) -> None:
        super().__init__()
        self.refs: list[tuple[str, str, dict[str, str | None]]] = []
        self.ids: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if found.get("id"):
            self.ids.add(found["id"])  # type: ignore[arg-type]
        for name in ("href", "src"):
            if found.get(name):
                self.refs.append((tag, found[name], found))  # type: ignore[arg-type]


@pytest.fixture(scope="module")
def site(built_project: Path) -> Path:
    return built_project / "site"


@pytest.fixture(scope="module")
def cookbook(built_project: Path):
    return check_project(Project(built_project)).cookbook


@pytest.fixture(scope="module")
def pages(site: Path) -> dict[Path, Links]:
    parsed = {}
    for path in site.rglob("*.html"):
        parser = Links()
        parser.feed(path.read_text(encoding="utf-8"))
        parsed[path] = parser
    return parsed


SITE_PATH = urlsplit(str(Project(ROOT).settings.get("site_url") or "/")).path


def resolve(site: Path, page: Path, href: str) -> tuple[Path, str]:
    parts = urlsplit(href)
    path = unquote(parts.path)
    if path.startswith("/"):  # 404.html links from the published address
        base, path = site, path.removeprefix(SITE_PATH.rstrip("/")).lstrip("/")
    else:
        base = page.parent
    target = (base / path).resolve() if parts.path else page
    if target.is_dir():
        target = target / "index.html"
    return target, parts.fragment


def test_every_internal_link_and_anchor_resolves(site: Path, pages: dict[Path, Links]):
    broken = []
    for page, links in pages.items():
        for tag, href, _ in links.refs:
            if re.match(r"^[a-z][a-z0-9+.-]*:", href) or href.startswith("//"):
                continue
            target, fragment = resolve(site, page, href)
            if not target.exists():
                broken.append(f"{page.relative_to(site)}: {href}")
            elif fragment and target.suffix == ".html" and target in pages and fragment not in pages[target].ids:
                broken.append(f"{page.relative_to(site)}: {href} (no #{fragment})")
    assert not broken, "\n".join(broken[:20])


def test_nothing_is_loaded_from_another_host(site: Path, pages: dict[Path, Links]):
    for page, links in pages.items():
        for tag, href, attrs in links.refs:
            external = re.match(r"^(https?:)?//", href)
            loads = tag in ("script", "img", "iframe", "source", "video", "audio") or (
                tag == "link" and attrs.get("rel") not in ("alternate", "canonical"))
            assert not (external and loads), f"{page.relative_to(site)} loads {href}"
    for css in site.rglob("*.css"):
        text = css.read_text(encoding="utf-8")
        assert not re.search(r"url\(\s*['\"]?(https?:)?//", text), css
        assert not re.search(r"@import\s+(url\()?['\"]?(https?:)?//", text), css
    for script in site.rglob("*.js"):
        text = script.read_text(encoding="utf-8")
        # Material's bundle names a CDN for features we do not enable (such as diagrams); what
        # a page really requests is checked in the browser tests.
        for host in ("fonts.googleapis.com", "fonts.gstatic.com", "googletagmanager", "google-analytics"):
            assert host not in text, f"{script.relative_to(site)} mentions {host}"


def test_each_recipe_page_lists_all_its_metrics(site: Path, cookbook):
    for lang in cookbook.languages:
        edition = site if lang == "fi" else site / lang
        for recipe in cookbook.recipes_in(lang):
            html = (edition / "recipes" / recipe.id / "index.html").read_text(encoding="utf-8")
            table = html[html.index("<table"):html.index("</table>")]
            cells = re.findall(r"<tr[^>]*>\s*<td[^>]*>(.*?)</td>", table, re.S)
            # A metric that is an EU common indicator says so after its name.
            rows = [html_unescape(re.sub(r'<span class="cb-eu">.*$', "", cell, flags=re.S)) for cell in cells]
            assert rows == [m.name for m in recipe.metrics]


def test_both_editions_have_every_translated_recipe(site: Path, cookbook):
    for lang in cookbook.languages:
        for recipe in cookbook.recipes_in(lang):
            edition = site if lang == "fi" else site / lang
            html = (edition / "recipes" / recipe.id / "index.html").read_text(encoding="utf-8")
            assert f'<html lang="{lang}"' in html


def test_language_switch_lands_on_the_same_recipe(site: Path, pages: dict[Path, Links], cookbook):
    recipe = cookbook.recipes_in("en")[0]
    page = site / "recipes" / recipe.id / "index.html"
    switch = {attrs.get("hreflang"): href for tag, href, attrs in pages[page].refs if "md-select__link" in (attrs.get("class") or "")}
    assert resolve(site, page, switch["en"])[0] == site / "en" / "recipes" / recipe.id / "index.html"
    assert resolve(site, page, switch["fi"])[0] == page
    for page, links in pages.items():
        for tag, href, attrs in links.refs:
            if "md-select__link" in (attrs.get("class") or ""):
                assert resolve(site, page, href)[0].exists(), f"{page.relative_to(site)}: {href}"


def test_drafts_stay_out_of_the_published_site(site: Path, built_project: Path):
    assert not (site / "recipes" / DRAFT_ID).exists()
    assert not (site / "en" / "recipes" / DRAFT_ID).exists()
    assert not (site / "downloads" / f"{DRAFT_ID}-fi.pdf").exists()
    for path in (site / "finder.json", site / "en" / "finder.json"):
        assert DRAFT_ID not in {entry["id"] for entry in json.loads(path.read_text(encoding="utf-8"))}
    assert DRAFT_ID not in (site / "data" / "recipes.json").read_text(encoding="utf-8")


def test_drafts_show_in_the_preview_with_a_banner(built_project: Path):
    project = Project(built_project)
    cookbook = check_project(project).cookbook
    files = render_pages(project, cookbook, "fi", include_drafts=True)
    page = files[f"recipes/{DRAFT_ID}/index.md"]
    assert "luonnos" in page.lower() and '<div class="admonition warning">' in page


def test_finder_data_holds_every_published_recipe(site: Path, cookbook):
    for lang in cookbook.languages:
        edition = site if lang == "fi" else site / lang
        data = json.loads((edition / "finder.json").read_text(encoding="utf-8"))
        assert [entry["id"] for entry in data] == [r.id for r in cookbook.recipes_in(lang)]
        html = (edition / "finder" / "index.html").read_text(encoding="utf-8")
        for recipe in cookbook.recipes_in(lang):
            assert f'data-id="{recipe.id}"' in html  # the full list is there without JavaScript


def test_recipe_pages_carry_howto_json_ld(site: Path, cookbook):
    recipe = cookbook.recipes_in("fi")[0]
    html = (site / "recipes" / recipe.id / "index.html").read_text(encoding="utf-8")
    data = json.loads(re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S).group(1))
    assert data["@type"] == "HowTo" and data["name"] == recipe.title
    assert len(data["step"]) >= 5 and data["totalTime"].startswith("P")


def test_catalogs_link_every_metric_and_method(site: Path, cookbook):
    metrics = (site / "metrics" / "index.html").read_text(encoding="utf-8")
    methods = (site / "methods" / "index.html").read_text(encoding="utf-8")
    for recipe in cookbook.recipes_in("fi"):
        for metric in recipe.metrics:
            assert metric.name in metrics
        for method in recipe.methods:
            assert method.name in methods


def test_open_data(site: Path, cookbook):
    import csv

    rows = list(csv.DictReader((site / "data" / "metrics.csv").read_text(encoding="utf-8").splitlines()))
    assert len(rows) == sum(len(r.metrics) for lang in cookbook.languages for r in cookbook.recipes_in(lang))
    data = json.loads((site / "data" / "recipes.json").read_text(encoding="utf-8"))
    assert {r["id"] for r in data["recipes"]["fi"]} == {r.id for r in cookbook.recipes_in("fi")}


class Headings(HTMLParser):
    """The levels of a page's headings, in order."""

    def __init__(self) -> None:
        super().__init__()
        self.levels: list[int] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if re.fullmatch(r"h[1-6]", tag):
            self.levels.append(int(tag[1]))


def test_no_page_skips_a_heading_level(site: Path):
    """Every page opens with its h1 and goes down one level at a time (WCAG 1.3.1): a screen
    reader's list of headings shows the page's outline."""
    skipped = []
    for path in sorted(site.rglob("*.html")):
        parser = Headings()
        parser.feed(path.read_text(encoding="utf-8"))
        levels = parser.levels
        if levels and levels[0] != 1:
            skipped.append(f"{path.relative_to(site)}: starts at h{levels[0]}")
        skipped += [f"{path.relative_to(site)}: h{above} then h{below}"
                    for above, below in zip(levels, levels[1:]) if below > above + 1]
    assert not skipped, "\n".join(skipped[:20])


def test_materials_page_links_the_card_decks(site: Path, pages: dict[Path, Links], built_project: Path, cookbook):
    project = Project(built_project)
    for edition in (site / "materials" / "index.html", site / "en" / "materials" / "index.html"):
        linked = {resolve(site, edition, href)[0] for tag, href, _ in pages[edition].refs if tag == "a"}
        for lang in cookbook.languages:
            names = project.language(lang).strings["pdf"]
            for deck in (site / "downloads" / names["cards"], site / "downloads" / names["card_sheets"]):
                assert deck in linked, f"{edition.relative_to(site)} does not link {deck.name}"
                assert deck.read_bytes().startswith(b"%PDF"), deck


class ListedDownloads(HTMLParser):
    """Each list item's first link and its text (the label after it), with the link of the
    item it is listed under, if any."""

    def __init__(self) -> None:
        super().__init__()
        self.open: list[dict[str, str]] = []  # the list items being read, outermost first
        self.items: list[dict[str, str]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "li":
            parent = self.open[-1]["href"] if self.open else ""
            self.open.append({"href": "", "text": "", "parent": parent})
            self.items.append(self.open[-1])
        elif tag == "a" and self.open and not self.open[-1]["href"]:
            self.open[-1]["href"] = dict(attrs).get("href") or ""

    def handle_endtag(self, tag: str) -> None:
        if tag == "li" and self.open:
            self.open.pop()

    def handle_data(self, data: str) -> None:
        if self.open:
            self.open[-1]["text"] += data


def test_materials_page_offers_the_a5_edition_to_read_beside_its_booklet_to_print(site: Path, built_project: Path, cookbook):
    """On the materials page of each language, every language's A5 edition (tagged, in reading
    order) is listed with its label, and the booklet (printing order) under it with its own."""
    from cookbook.downloads import book_name, booklet_name

    project = Project(built_project)
    for edition in (site / "materials" / "index.html", site / "en" / "materials" / "index.html"):
        parser = ListedDownloads()
        parser.feed(edition.read_text(encoding="utf-8"))
        items = {posixpath.basename(item["href"]): item for item in parser.items if item["href"]}
        for lang in cookbook.languages:
            labels = project.language(lang).strings["print"]["formats"]
            reading, booklet = book_name(project, lang, "a5"), booklet_name(project, lang)
            assert reading in items and booklet in items, f"{edition.relative_to(site)} does not link {reading} and {booklet}"
            assert labels["a5"] in html_unescape(items[reading]["text"])
            assert labels["booklet"] in html_unescape(items[booklet]["text"])
            assert posixpath.basename(items[booklet]["parent"]) == reading, "the booklet is listed under its A5 edition"
            assert (site / "downloads" / reading).is_file() and (site / "downloads" / booklet).is_file()


def test_every_link_of_the_offline_copy_resolves_to_a_file_in_it(built_project: Path):
    """The offline copy is opened from disk: a link must name a file inside it (a folder does
    not open its index.html, and nothing answers a missing page)."""
    offline = (built_project / "build" / "offline-site").resolve()
    parsed: dict[Path, Links] = {}
    for path in sorted(offline.rglob("*.html")):
        parsed[path] = Links()
        parsed[path].feed(path.read_text(encoding="utf-8"))
    assert len(parsed) > 80
    broken = []
    for page, links in parsed.items():
        for tag, href, _ in links.refs:
            if re.match(r"^[a-z][a-z0-9+.-]*:", href) or href.startswith("//"):
                continue  # another host: not the copy's to resolve
            parts = urlsplit(href)
            target = (page.parent / unquote(parts.path)).resolve() if parts.path else page
            where = f"{page.relative_to(offline)}: {href}"
            if parts.path.startswith("/") or not target.is_file() or not target.is_relative_to(offline):
                broken.append(where)
            elif parts.fragment and target in parsed and parts.fragment not in parsed[target].ids:
                broken.append(f"{where} (no #{parts.fragment})")
    assert not broken, "\n".join(broken[:20])
