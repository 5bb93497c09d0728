"""Contributor text is inert: whatever a recipe, a page or the vocabularies hold, nothing of it
runs, becomes an element or an attribute, or is read as Markdown or a template, on the site
(both languages, the offline copy too), in the PDFs, in recipes.json and in metrics.csv.
The W3C HTML checker finds no error in our pages' HTML."""

from __future__ import annotations

import csv
import io
import json
import re
import subprocess
import zipfile
from collections import Counter
from datetime import date, timedelta
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
from playwright.sync_api import sync_playwright
from pypdf import PdfReader

from browser import launch, serve
from conftest import ROOT, make_small_project
from cookbook.cli import run
from cookbook.contributed_html import ContributedMarkdown
from fixtures.hostile_cookbook import FORMULAS, MARK, recipe, short_payload, write_hostile

# Run before any script of a page: records every call of the payloads' function.
RECORD_CALLS = f"window.{MARK} = (where) => {{ (window.__hits = window.__hits || []).push(String(where)); }};"
# What a payload would have made of the page: its element, its attributes, an event handler,
# a javascript: address, a script of its own. Material's pages have no inline handlers.
INJECTED = """() => {
  const found = [];
  for (const element of document.querySelectorAll("*")) {
    const tag = element.tagName.toLowerCase();
    if (tag.startsWith("pwn")) found.push("element <" + tag + ">");
    for (const attribute of element.attributes) {
      const name = attribute.name.toLowerCase();
      if (name.startsWith("pwn") || name.startsWith("on") || /^\\s*(javascript|data|vbscript):/i.test(attribute.value))
        found.push(tag + " " + name + "=" + attribute.value.slice(0, 60));
    }
  }
  for (const script of document.scripts)
    if (script.type !== "application/ld+json" && script.textContent.includes("MARK")) found.push("script " + script.textContent.slice(0, 60));
  return found;
}""".replace("MARK", MARK)
FOCUS_ALL = """() => {
  const focusable = document.querySelectorAll("a[href], area[href], button, input, select, textarea, summary, [tabindex], [contenteditable]");
  for (const element of focusable) {
    element.focus();
    element.dispatchEvent(new MouseEvent("mouseover", {bubbles: true}));
  }
  return focusable.length;
}"""


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = make_small_project(tmp_path_factory.mktemp("hostile") / "project")
    write_hostile(root, (date.today() - timedelta(days=30)).isoformat())
    assert run(["--project", str(root), "--quiet"]) == 0
    return root


def html_pages(folder: Path) -> list[Path]:
    return sorted(path for path in folder.rglob("*.html") if "assets" not in path.parts)


def test_no_payload_runs_or_becomes_markup_on_any_page(hostile: Path):
    site, offline = hostile / "site", hostile / "build" / "offline-site"
    pages = html_pages(site)
    offline_pages = html_pages(offline)
    assert len(pages) > 20 and len(offline_pages) == len(pages) - 1  # no 404 page offline: nothing serves it
    problems: list[str] = []
    with serve(site) as base_url, sync_playwright() as playwright:
        browser = launch(playwright)
        context = browser.new_context()
        context.add_init_script(RECORD_CALLS)
        tab = context.new_page()
        tab.on("dialog", lambda dialog: (problems.append(f"a dialog: {dialog.message}"), dialog.dismiss()))
        addresses = [base_url + path.relative_to(site).as_posix() for path in pages]
        addresses += [path.as_uri() for path in offline_pages]  # the offline copy is opened from disk
        for address in addresses:
            tab.goto(address)
            focused = tab.evaluate(FOCUS_ALL)
            assert focused > 10, address  # the page really loaded: navigation, links, search
            problems += [f"{address}: {found}" for found in tab.evaluate(INJECTED)]
            problems += [f"{address}: ran {MARK}({hit})" for hit in tab.evaluate("window.__hits || []")]
        browser.close()
    assert not problems, "\n".join(problems[:40])


@pytest.mark.parametrize("lang, prefix", [("fi", ""), ("en", "en/")])
def test_the_site_shows_every_payload_literally(hostile: Path, lang: str, prefix: str):
    data = recipe(lang)
    title, summary = data["title"], data["summary"]
    with serve(hostile / "site") as base_url, sync_playwright() as playwright:
        browser = launch(playwright)
        tab = browser.new_page()
        tab.goto(f"{base_url}{prefix}recipes/esimerkki/")
        assert tab.inner_text("article h1") == title
        assert tab.title().startswith(title)
        assert tab.inner_text(".cb-summary") == summary
        assert tab.get_attribute('meta[name="description"]', "content") == summary
        article = tab.inner_text("article")
        for text in (data["ingredients"][0], data["metrics"][0]["name"], data["metrics"][0]["target"],
                     data["methods"][0]["name"], data["cases"][0]["description"], data["sources"][0]["title"],
                     data["tags"][0]):
            assert text in article, text
        assert "{{7*7}}" in article and "49" not in article  # never rendered as a template
        # The Markdown constructs: their text is there, as text.
        for where in ("paragraph", "subheading", "link-text", "table-cell", "admonition-body", "definition", "step-1", "tip"):
            assert f'{where} "\'> <pwn-el pwn-attr="{where}"> <script>{MARK}(1)</script>' in article, where
        assert tab.get_attribute("article a[title]", "title").startswith('link-title "\'> <pwn-el')
        tab.goto(f"{base_url}{prefix}tags/")
        assert data["tags"][0] in tab.inner_text("article")
        theme_label = short_payload(f"networks-label-{lang}")
        assert tab.locator(".md-nav__link", has_text=theme_label[:20]).count() >= 1
        browser.close()


def test_pdfs_and_open_data_show_every_payload_literally(hostile: Path):
    downloads = hostile / "site" / "downloads"
    data = recipe("fi")
    handout = "".join(page.extract_text() for page in PdfReader(downloads / "esimerkki-fi.pdf").pages)
    flat = re.sub(r"\s+", "", handout.replace("\x00", ""))
    for text in (data["title"], data["metrics"][0]["name"], data["methods"][0]["name"]):
        assert re.sub(r"\s+", "", text) in flat, text
    book = "".join(page.extract_text() for page in PdfReader(downloads / "keittokirja-a4.pdf").pages)
    assert re.sub(r"\s+", "", data["title"]) in re.sub(r"\s+", "", book.replace("\x00", ""))

    recipes = json.loads((hostile / "site" / "data" / "recipes.json").read_text(encoding="utf-8"))
    found = json.dumps(recipes, ensure_ascii=False)
    for text in (data["title"], data["summary"], data["metrics"][0]["source"]):
        assert json.dumps(text, ensure_ascii=False)[1:-1] in found, text
    rows = list(csv.reader(io.StringIO((hostile / "site" / "data" / "metrics.csv").read_text(encoding="utf-8-sig"))))
    cells = {cell for row in rows for cell in row}
    assert data["metrics"][0]["name"] in cells and data["metrics"][0]["frequency"] in cells
    # A text a spreadsheet would run as a formula is marked as text; numbers stay numbers.
    formula_row = next(row for row in rows if row[3] == data["metrics"][1]["name"])
    assert formula_row[6:10] == ["'" + FORMULAS[0], "'" + FORMULAS[1], "-12", "+5 %"]
    assert not any(cell.startswith(("=", "@")) for row in rows for cell in row)


def test_a_measurement_plan_of_the_recipe_shows_every_payload_literally(hostile: Path, tmp_path: Path):
    """The plan page builds its table in the browser from the recipe's data (plan-data.js), and
    writes its spreadsheet there: nothing of it runs or becomes markup, and every text is a
    string cell, a formula's too. The theme's ready plan and its spreadsheet likewise."""
    import openpyxl

    data = recipe("fi")
    names = [metric["name"] for metric in data["metrics"]]
    problems: list[str] = []
    with serve(hostile / "site") as base_url, sync_playwright() as playwright:
        browser = launch(playwright)
        context = browser.new_context(accept_downloads=True)
        context.add_init_script(RECORD_CALLS)
        tab = context.new_page()
        for address in (f"{base_url}plan/?r=esimerkki", f"{base_url}en/plan/?r=esimerkki", f"{base_url}plan/networks/",
                        f"{base_url}recipes/esimerkki/", f"{base_url}finder/"):
            tab.goto(address)
            for button in tab.locator("[data-plan-toggle]").all():
                button.click()  # add, and take out again on the recipe page: the status says the title
            tab.evaluate(FOCUS_ALL)
            problems += [f"{address}: {found}" for found in tab.evaluate(INJECTED)]
            problems += [f"{address}: ran {MARK}({hit})" for hit in tab.evaluate("window.__hits || []")]
        tab.goto(f"{base_url}plan/?r=esimerkki")
        assert tab.locator(".cb-plan-table tbody th[scope=row]").all_inner_texts() == names
        assert tab.locator("#cb-plan-recipes a").inner_text() == data["title"]
        with tab.expect_download() as download:
            tab.locator("#cb-plan-download").click()
        browser_sheet = Path(download.value.path()).read_bytes()
        browser.close()
    assert not problems, "\n".join(problems[:40])
    theme_sheet = (hostile / "site" / "downloads" / "mittaussuunnitelma-networks-fi.xlsx").read_bytes()
    for sheet_bytes in (browser_sheet, theme_sheet):
        sheet = openpyxl.load_workbook(io.BytesIO(sheet_bytes)).active
        cells = {cell.coordinate: cell for row in sheet.iter_rows(min_row=2) for cell in row if cell.value is not None}
        assert [cell.value for key, cell in cells.items() if key.startswith("B")] == names
        assert {cell.data_type for cell in cells.values()} == {"s"}  # text, never a formula or a number
        assert FORMULAS[0] in {cell.value for cell in cells.values()} and FORMULAS[1] in {cell.value for cell in cells.values()}
        assert data["title"] in {cell.value for cell in cells.values()}
        with zipfile.ZipFile(io.BytesIO(sheet_bytes)) as archive:
            assert "<f>" not in archive.read("xl/worksheets/sheet1.xml").decode()


# What the check refuses, put straight to the renderer: it is dropped all the same.
REFUSED_BY_THE_CHECK = [
    "<script>__pwned(1)</script>",
    "<img src=x onerror=__pwned(2)>",
    "<svg onload=__pwned(3)><circle/></svg>",
    "<iframe src=https://example.org></iframe>",
    "<a href=javascript:__pwned(4)>x</a>",
    "[x](javascript:__pwned(5))",
    "[x](JaVaScRiPt:__pwned(6))",
    "[x](data:text/html,<script>__pwned(7)</script>)",
    "![x](javascript:__pwned(8))",
    "<span onmouseover=__pwned(9)>x</span>",
    "Text {: onclick=__pwned(10) }",
    "# Heading {: onclick=\"__pwned(11)\" }",
    "<style>body{display:none}</style>",
    "<form action=https://example.org><input name=x></form>",
    "<a rel=attachment href=file:///etc/passwd>x</a>",
    "<math><mi xlink:href=javascript:__pwned(12)>x</mi></math>",
    "<span id=__drawer>x</span> <span id=__config>y</span> <span id=cb-finder>z</span>",
    "<object data=x.swf></object><embed src=x.swf>",
    "<base href=https://example.org/>",
    "<meta http-equiv=refresh content=0;url=https://example.org>",
    "<link rel=stylesheet href=https://example.org/x.css>",
    "<div style=background:url(https://example.org/x.png)>x</div>",
]


class Markup(HTMLParser):
    """The elements and attributes of an HTML fragment."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.found: list[tuple[str, str, str]] = []  # (tag, attribute, value); attribute "" for the tag itself
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.found.append((tag, "", ""))
        self.found += [(tag, name, value or "") for name, value in attrs]


UNSAFE_TAGS = {"script", "svg", "iframe", "style", "form", "input", "object", "embed", "base", "meta", "link", "math"}


@pytest.mark.parametrize("markdown", REFUSED_BY_THE_CHECK)
def test_the_renderer_drops_what_the_check_refuses(markdown: str):
    renderer = ContributedMarkdown(ROOT / "mkdocs.yml")
    for html in (renderer.html(markdown), *(part.html for part in renderer.parts(markdown) if hasattr(part, "html"))):
        for tag, name, value in Markup(html).found:
            assert tag not in UNSAFE_TAGS, (markdown, html)
            assert not name.startswith("on") and name not in ("rel", "style", "action", "data", "http-equiv"), (markdown, html)
            assert not re.match(r"\s*(javascript|data|vbscript):", value, re.I), (markdown, html)
            assert not (name == "id" and value.startswith(("__", "cb-"))), (markdown, html)
            assert "example.org/x" not in value, (markdown, html)


def test_our_pages_have_no_html_errors(built_project: Path, vnu: list[str], tmp_path: Path):
    """The W3C checker on every page of the shipped site: our content (each page's article,
    and the language switch of our override) has no error; Material's own are counted apart."""
    site = built_project / "site"
    pages = html_pages(site)
    ours = tmp_path / "ours"
    for page in pages:
        text = page.read_text(encoding="utf-8")
        article = re.search(r'<article class="md-content__inner md-typeset">(.*?)</article>', text, re.S)
        switch = re.search(r'<div class="md-select__inner">(.*?)</div>', text, re.S)
        lang = re.search(r'<html lang="([a-z]+)"', text)
        assert article and switch and lang, page
        target = ours / page.relative_to(site)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(f'<!DOCTYPE html><html lang="{lang.group(1)}"><head><meta charset="utf-8"><title>{page.name}</title></head>'
                          f"<body><nav>{switch.group(1)}</nav><main>{article.group(1)}</main></body></html>", encoding="utf-8")

    # One run of the checker over both folders (a Java start costs seconds).
    result = subprocess.run([*vnu, "--format", "json", "--skip-non-html", "--errors-only", str(ours), str(site)],
                            capture_output=True, text=True)
    messages = [m for m in json.loads(result.stderr)["messages"] if m["type"] == "error"]
    assert messages, result.stderr[:500]  # Material's own are there: the checker did run over the site

    def under(folder: Path) -> list[dict]:
        return [m for m in messages if Path(unquote(urlsplit(m["url"]).path)).is_relative_to(folder)]

    found = under(ours)
    assert not found, "\n".join(f"{m['url']}:{m.get('lastLine')}: {m['message']}" for m in found[:20])
    material = under(site)
    assert len(found) + len(material) == len(messages)
    kinds = Counter(m["message"][:150] for m in material)
    print(f"\nMaterial's templates: {len(material)} errors on {len(pages)} pages:\n" +
          "\n".join(f"  {count} × {message}" for message, count in kinds.most_common()))
