"""Search as readers use it, in chromium: inflected Finnish and English forms found, on the web
(Pagefind) and in the offline copy opened from disk (the local index); the header's search box
by keyboard; the finder's words and choices together, kept in the address; nothing loaded from
another host, and nothing of the index loaded before someone searches."""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from browser import WCAG22_AA, axe_violations
from conftest import LANGUAGES, unzipped_offline_copy
from cookbook.site.local_search import page_entry

# Each query with the forms of its word that a page may hold: a page holding any of them must be
# found. The query's own form is rarer than the word: without stemming, most pages are missed.
QUERIES = {
    "fi": ("mittareita", r"mittar(?:i|in|ia|iin|issa|ista|ille|illa|ilta|iksi|ina|it|eita|eiden|eista|eissa|eihin|eille|eilla|eilta|eiksi|eina)"),
    "fi2": ("yrittäjien", r"yrittäj(?:ä|än|ää|ät|ien|iä|ille|illä|iltä|istä|issä|iin|inä|iksi|ässä|ästä|älle|ällä|ältä|äksi|änä)"),
    "en": ("measuring", r"measur(?:e|es|ed|ing|ement|ements)"),
}


def edition(site: Path, lang: str) -> Path:
    return site if lang == "fi" else site / lang


def pages_with(folder: Path, pattern: str) -> set[str]:
    """The recipe pages of an edition whose searchable text holds a match, as site paths."""
    found = set()
    for path in sorted((folder / "recipes").glob("*/index.html")):
        entry = page_entry(path, path.relative_to(folder).as_posix())
        if entry and re.search(rf"\b{pattern}\b", entry["text"], re.I):
            found.add(path.parent.relative_to(folder).as_posix() + "/")
    return found


SEARCH_ALL = """async (words) => {
  const form = document.getElementById("cb-search");
  const index = await window.cookbookSearch.load(form);
  const found = await index.search(words, {}, 0);
  const data = await Promise.all(found.results.map((r) => r.data()));
  return data.map((d) => new URL(d.url, location.href).href);
}"""


def found_paths(tab, words: str, root: str) -> set[str]:
    urls = tab.evaluate(SEARCH_ALL, words)
    return {url[len(root):] for url in urls if url.startswith(root) and "/recipes/" in "/" + url[len(root):]}


def foreign(requests: list[str]) -> list[str]:
    return [r for r in requests if urlsplit(r).hostname not in ("127.0.0.1", None) and not r.startswith(("data:", "file:"))]


@pytest.mark.parametrize("key", QUERIES)
def test_web_search_finds_every_inflected_form(browser_site, built_project: Path, key: str):
    base_url, chromium = browser_site
    words, forms = QUERIES[key]
    lang = key[:2]
    root = base_url + ("" if lang == "fi" else f"{lang}/")
    expected = pages_with(edition(built_project / "site", lang), forms)
    literal = pages_with(edition(built_project / "site", lang), re.escape(words))
    assert len(expected) > len(literal), "the query's own form is rarer than its word"
    tab = chromium.new_page()
    tab.goto(root)
    found = found_paths(tab, words, root)
    tab.close()
    assert expected <= found, f"'{words}' missed {sorted(expected - found)}"


def test_header_search_by_keyboard(browser_site, built_project: Path):
    base_url, chromium = browser_site
    recipe = sorted(p.name for p in (built_project / "site" / "recipes").iterdir() if p.is_dir())[0]
    tab = chromium.new_page(viewport={"width": 1280, "height": 900})
    requests: list[str] = []
    tab.on("request", lambda request: requests.append(request.url))
    tab.goto(base_url + f"recipes/{recipe}/")
    assert not [r for r in requests if "/pagefind/" in r], "the index loads only when someone searches"
    for _ in range(15):  # from the top of the page, by Tab alone
        tab.keyboard.press("Tab")
        if tab.evaluate("document.activeElement.id") == "cb-search-q":
            break
    assert tab.evaluate("document.activeElement.id") == "cb-search-q", "Tab reaches the search box"
    tab.keyboard.type("mittareita")
    tab.wait_for_selector("#cb-search-results li a")
    status = tab.locator("#cb-search-status")
    assert status.get_attribute("role") == "status"
    assert re.search(r"\d+ osuma", status.inner_text()), status.inner_text()
    first = tab.locator("#cb-search-results li").filter(has=tab.locator(".cb-hit__theme")).first
    assert first.locator(".cb-hit__title").inner_text()
    assert first.locator(".cb-hit__theme").inner_text()
    assert first.locator(".cb-hit__excerpt mark").count() > 0, "the matching words are marked in the passage"
    problems = axe_violations(tab, WCAG22_AA)  # with the results open
    assert not problems, "\n".join(problems)
    tab.keyboard.press("ArrowDown")
    assert tab.evaluate("document.activeElement.classList.contains('cb-hit__title')")
    target = tab.evaluate("document.activeElement.href")
    tab.keyboard.press("Escape")
    assert tab.locator("#cb-search-panel").is_hidden()
    assert tab.evaluate("document.activeElement.id") == "cb-search-q"
    tab.keyboard.press("ArrowDown")  # the same results again; Enter on one opens it
    tab.wait_for_selector("#cb-search-panel:not([hidden])")
    assert tab.evaluate("document.activeElement.href") == target
    with tab.expect_navigation():
        tab.keyboard.press("Enter")
    assert tab.url == target
    assert not foreign(requests), foreign(requests)
    tab.close()


def test_header_search_opens_from_a_button_on_a_phone(browser_site):
    base_url, chromium = browser_site
    tab = chromium.new_page(viewport={"width": 390, "height": 800})
    tab.goto(base_url + "en/")
    opener = tab.locator(".cb-search__open")
    assert opener.get_attribute("aria-expanded") == "false"
    assert tab.locator("#cb-search-q").is_hidden()
    opener.click()
    assert opener.get_attribute("aria-expanded") == "true"
    assert tab.evaluate("document.activeElement.id") == "cb-search-q"
    tab.keyboard.type("measuring")
    tab.wait_for_selector("#cb-search-results li a")
    assert tab.evaluate("document.documentElement.scrollWidth") <= 390
    problems = axe_violations(tab, WCAG22_AA)
    assert not problems, "\n".join(problems)
    tab.keyboard.press("Escape")
    tab.keyboard.press("Escape")
    assert opener.get_attribute("aria-expanded") == "false"
    assert tab.evaluate("document.activeElement.className").startswith("md-header__button")
    tab.close()


def test_finder_words_and_choices_work_together_and_stay_in_the_address(browser_site, built_project: Path):
    base_url, chromium = browser_site
    tab = chromium.new_page()
    tab.goto(base_url + "finder/?q=mittari")
    tab.wait_for_selector("#cb-finder-hits li a")
    assert tab.locator("#cb-finder-results").is_hidden()
    problems = axe_violations(tab, WCAG22_AA)  # with the ranked results shown
    assert not problems, "\n".join(problems)
    everything = int(re.match(r"(\d+) reseptiä", tab.locator("#cb-finder-count").inner_text()).group(1))
    # A page of results at a time, the rest behind the "more" button.
    assert tab.locator("#cb-finder-hits > li").count() == min(everything, 20)
    # A theme that holds some of the results but not all of them.
    themes = tab.locator("#cb-finder-hits .cb-hit__theme").all_inner_texts()
    theme_label = next(label for label in themes if 0 < themes.count(label) < len(themes))
    tab.locator("#cb-theme").select_option(label=theme_label)
    tab.wait_for_function(f"!document.getElementById('cb-finder-count').textContent.startsWith('{everything} ')")
    in_theme = int(re.match(r"(\d+) resepti", tab.locator("#cb-finder-count").inner_text()).group(1))
    assert 0 < in_theme < everything and tab.locator("#cb-finder-hits > li").count() == in_theme
    assert set(tab.locator("#cb-finder-hits .cb-hit__theme").all_inner_texts()) == {theme_label}
    theme = tab.locator("#cb-theme").input_value()
    assert f"q=mittari&theme={theme}" in tab.url
    shared = tab.url
    other = chromium.new_page()
    other.goto(shared)
    other.wait_for_selector("#cb-finder-hits li a")
    assert other.locator("#cb-finder-hits > li").count() == in_theme
    assert other.locator("#cb-q").input_value() == "mittari"
    # Without words, the choices filter the whole list again.
    other.locator("#cb-q").fill("")
    other.wait_for_selector("#cb-finder-results:not([hidden])")
    assert other.locator("#cb-finder-hits").is_hidden()
    assert "q=" not in other.url and f"theme={theme}" in other.url
    tab.close()
    other.close()


def test_offline_copy_finds_inflected_forms_from_disk(browser_site, built_project: Path, tmp_path: Path):
    _, chromium = browser_site
    root = unzipped_offline_copy(built_project, tmp_path)
    words, forms = QUERIES["fi"]
    expected = pages_with(root, forms)
    tab = chromium.new_page()
    requests: list[str] = []
    tab.on("request", lambda request: requests.append(request.url))
    tab.goto((root / "index.html").as_uri())
    found = found_paths(tab, words, root.as_uri() + "/")
    assert {path.replace("/index.html", "/") for path in found} >= expected
    tab.locator("#cb-search-q").fill(words)
    tab.wait_for_selector("#cb-search-results li a")
    assert tab.locator("#cb-search-results .cb-hit__excerpt mark").count() > 0
    assert all(r.startswith(("file:", "data:")) for r in requests), foreign(requests)
    tab.close()


def test_search_text_keeps_table_cells_apart(built_project: Path):
    """A metrics table's cells are separate words in both indexes, so each cell is found."""
    import gzip

    site = built_project / "site"
    fragments = b"".join(gzip.decompress(path.read_bytes()) for path in (site / "pagefind" / "fragment").iterdir())
    local = (built_project / "build" / "offline-site" / "search-index.js").read_text(encoding="utf-8")
    for text in (fragments.decode("utf-8", "replace"), local):
        assert "Mittari" in text
        assert "MittariTaso" not in text and "TasoYksikkö" not in text


def test_pagefind_reads_what_the_engine_shows(built_project: Path):
    """Pagefind indexes each web page from its search page, written before the engine runs: there
    is one for every page of both web editions, with the page's title, words, theme and
    filters as the engine's page shows them (both read by Pagefind's rules)."""
    site = built_project / "site"
    for lang in LANGUAGES:
        folder = edition(site, lang)
        search_pages = built_project / "build" / "search" / "pages" / lang
        shown = {path.relative_to(folder).as_posix() for path in folder.rglob("*.html")
                 if path.relative_to(folder).parts[0] not in {"assets", "pagefind", *LANGUAGES} and path.name != "404.html"}
        indexed = {path.relative_to(search_pages).as_posix() for path in search_pages.rglob("*.html")}
        assert indexed == shown and len(shown) > 40, lang
        for relative in sorted(shown):
            assert page_entry(search_pages / relative, relative) == page_entry(folder / relative, relative), relative
