"""The site as readers meet it: accessibility (axe-core, WCAG 2.2 AA) at a phone's width and a
desktop's, pages that fit a phone's screen, the finder by keyboard, no request to another host,
and the finder's list without JavaScript."""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from browser import WCAG22_AA, axe_violations
from conftest import unzipped_offline_copy

# One page of each kind a reader lands on; the recipe page and the metrics catalog carry the
# widest content (the metric tables).
PAGES = ["", "recipes/{recipe}/", "metrics/", "methods/", "finder/"]
PHONES = (320, 390)  # a small phone's screen, and a common one's
DESKTOP = 1280
# Words in table cells, measured as if they could not be broken: wider than the cell, a word
# would be broken mid-word (the tables set overflow-wrap so as never to push the page wider).
WORDS_WIDER_THAN_CELLS = """() => {
    const unbreakable = document.createElement('style');
    unbreakable.textContent = '.md-typeset td, .md-typeset th { overflow-wrap: normal !important; }';
    document.head.append(unbreakable);  // one layout for all cells, not one per cell
    const wider = [...document.querySelectorAll('.md-typeset td, .md-typeset th')]
        .filter(cell => cell.scrollWidth > cell.clientWidth + 1)
        .map(cell => cell.textContent.trim().slice(0, 60));
    unbreakable.remove();
    return wider;
}"""


def first_recipe(built_project: Path, lang: str) -> str:
    folder = built_project / "site" / ("" if lang == "fi" else lang) / "recipes"
    return sorted(p.name for p in folder.iterdir() if p.is_dir())[0]


def page_url(base_url: str, built_project: Path, lang: str, page: str) -> str:
    prefix = "" if lang == "fi" else f"{lang}/"
    return base_url + prefix + page.format(recipe=first_recipe(built_project, lang))


@pytest.mark.parametrize("lang", ["fi", "en"])
@pytest.mark.parametrize("page", PAGES)
def test_pages_have_no_accessibility_violations(browser_site, built_project: Path, lang: str, page: str):
    """At a phone's width and a desktop's: the layouts differ (drawer or sidebars, stacked or
    tabled metrics), and so do their targets."""
    base_url, browser = browser_site
    url = page_url(base_url, built_project, lang, page)
    tab = browser.new_page(viewport={"width": PHONES[-1], "height": 800})
    requests: list[str] = []
    tab.on("request", lambda request: requests.append(request.url))
    tab.goto(url)
    tab.wait_for_load_state("networkidle")
    problems = []
    for width in (PHONES[-1], DESKTOP):
        tab.set_viewport_size({"width": width, "height": 800})
        # The theme eases colours into the new layout: axe must see where they end, not between.
        tab.evaluate("Promise.all(document.getAnimations().map(animation => animation.finished))")
        problems += [f"{width} px: {problem}" for problem in axe_violations(tab, WCAG22_AA)]
    tab.close()
    assert not problems, "\n".join(problems)
    foreign = [r for r in requests if urlsplit(r).hostname not in ("127.0.0.1", None) and not r.startswith("data:")]
    assert not foreign, f"{url} requested {foreign}"


def test_pages_fit_a_phone_screen_without_sideways_scrolling(browser_site, built_project: Path):
    """No page pans sideways on a phone, and no word in a table is broken for want of room."""
    base_url, browser = browser_site
    problems: list[str] = []
    tab = browser.new_page(viewport={"width": PHONES[0], "height": 800})
    for lang in ("fi", "en"):
        for page in PAGES:
            url = page_url(base_url, built_project, lang, page)
            tab.set_viewport_size({"width": PHONES[0], "height": 800})
            tab.goto(url)
            for width in PHONES:
                tab.set_viewport_size({"width": width, "height": 800})
                # Measured with the site's own fonts, which set the widths.
                scroll_width = tab.evaluate("document.fonts.ready.then(() => document.documentElement.scrollWidth)")
                if scroll_width > width:
                    problems.append(f"{width} px: {url} is {scroll_width} px wide")
                problems += [f"{width} px: {url}: a word wider than its cell in {text!r}"
                             for text in tab.evaluate(WORDS_WIDER_THAN_CELLS)]
    tab.close()
    assert not problems, "\n".join(problems)


def test_metric_rows_stacked_on_a_phone_are_still_a_table_to_screen_readers(browser_site, built_project: Path):
    """Cells drawn as blocks keep their roles in the browser's accessibility tree, and each shows
    its column's name."""
    base_url, browser = browser_site
    context = browser.new_context(viewport={"width": PHONES[-1], "height": 800})
    tab = context.new_page()
    tab.goto(page_url(base_url, built_project, "fi", "recipes/{recipe}/"))
    cells = tab.locator(".cb-stack td")
    assert cells.first.evaluate("cell => getComputedStyle(cell).display") == "block"  # stacked
    label = cells.nth(1).evaluate("cell => getComputedStyle(cell, '::before').content")
    assert label.strip('"') == cells.nth(1).get_attribute("data-label")
    tree = context.new_cdp_session(tab).send("Accessibility.getFullAXTree")["nodes"]
    roles = Counter(node.get("role", {}).get("value") for node in tree if not node.get("ignored"))
    assert roles["table"] == 1 and roles["columnheader"] == 6
    assert roles["cell"] == cells.count() and roles["row"] == tab.locator(".cb-stack tr").count()
    context.close()


def test_finder_by_keyboard_filters_counts_and_keeps_state_in_the_address(browser_site, built_project: Path):
    base_url, browser = browser_site
    tab = browser.new_page()
    tab.goto(base_url + "finder/")
    tab.wait_for_selector("#cb-finder:not([hidden])")  # the finder's script has run, even on a busy machine
    total = tab.locator("#cb-finder-results li[data-id]").count()
    tab.locator("#cb-theme").focus()
    # Move through the theme options with the keyboard until one narrows the list.
    for _ in range(8):
        tab.keyboard.press("ArrowDown")
        visible = tab.locator("#cb-finder-results li[data-id]:not([hidden])").count()
        if 0 < visible < total or total == 1:
            break
    chosen = tab.locator("#cb-theme").input_value()
    assert chosen, "the keyboard changed the theme filter"
    visible = tab.locator("#cb-finder-results li[data-id]:not([hidden])").count()
    count_text = tab.locator("#cb-finder-count").inner_text()
    assert str(visible) in count_text or (visible == 1 and "1" in count_text)
    assert f"theme={chosen}" in tab.url
    assert tab.locator("#cb-finder-count").get_attribute("aria-live") == "polite"
    # Tab reaches the next filter, a shared link restores the view.
    tab.keyboard.press("Tab")
    assert tab.evaluate("document.activeElement.id") == "cb-stage"
    shared = tab.url
    other = browser.new_page()
    other.goto(shared)
    other.wait_for_selector("#cb-finder:not([hidden])")
    assert other.locator("#cb-theme").input_value() == chosen
    assert other.locator("#cb-finder-results li[data-id]:not([hidden])").count() == visible
    tab.close()
    other.close()


def test_finder_without_javascript_shows_every_recipe(browser_site):
    base_url, browser = browser_site
    context = browser.new_context(java_script_enabled=False)
    tab = context.new_page()
    tab.goto(base_url + "finder/")
    items = tab.locator("#cb-finder-results li[data-id]")
    assert items.count() > 0
    assert all(items.nth(i).is_visible() for i in range(items.count()))
    assert not tab.locator("#cb-finder").is_visible()  # no controls that cannot work
    context.close()


def test_offline_zip_works_opened_from_disk(browser_site, built_project: Path, tmp_path: Path):
    _, browser = browser_site
    root = unzipped_offline_copy(built_project, tmp_path)
    recipe = first_recipe(built_project, "fi")
    tab = browser.new_page()
    requests: list[str] = []
    tab.on("request", lambda request: requests.append(request.url))
    tab.goto((root / "recipes" / recipe / "index.html").as_uri())
    assert tab.locator("h1").inner_text()
    for link in tab.locator("a.md-select__link, .cb-facts a, .md-nav a").all():
        href = link.get_attribute("href")
        if href and not href.startswith(("http", "#")):
            target = (root / "recipes" / recipe / href.split("#")[0]).resolve()
            assert target.is_file(), f"{href} from the offline recipe page"
    tab.goto((root / "finder.html").as_uri())
    tab.wait_for_selector("#cb-finder:not([hidden])")
    tab.locator("#cb-theme").select_option(index=1)
    assert tab.locator("#cb-finder-count").inner_text()
    assert all(r.startswith(("file:", "data:")) for r in requests), [r for r in requests if not r.startswith("file:")]
    assert (root / "downloads" / f"{recipe}-fi.pdf").is_file()
    tab.close()
