"""The site as readers meet it: accessibility (axe-core, WCAG 2.1 AA), the finder by keyboard,
no request to another host, and the finder's list without JavaScript."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import sync_playwright

from browser import axe_violations, launch, serve



@pytest.fixture(scope="module")
def browser_site(built_project: Path):
    with serve(built_project / "site") as base_url, sync_playwright() as playwright:
        browser = launch(playwright)
        yield base_url, browser
        browser.close()


def first_recipe(built_project: Path, lang: str) -> str:
    folder = built_project / "site" / ("" if lang == "fi" else lang) / "recipes"
    return sorted(p.name for p in folder.iterdir() if p.is_dir())[0]


@pytest.mark.parametrize("lang", ["fi", "en"])
@pytest.mark.parametrize("page", ["", "recipes/{recipe}/", "finder/", "metrics/"])
def test_pages_have_no_accessibility_violations(browser_site, built_project: Path, lang: str, page: str):
    base_url, browser = browser_site
    prefix = "" if lang == "fi" else f"{lang}/"
    url = base_url + prefix + page.format(recipe=first_recipe(built_project, lang))
    tab = browser.new_page()
    requests: list[str] = []
    tab.on("request", lambda request: requests.append(request.url))
    tab.goto(url)
    tab.wait_for_load_state("networkidle")
    problems = axe_violations(tab)
    tab.close()
    assert not problems, "\n".join(problems)
    foreign = [r for r in requests if urlsplit(r).hostname not in ("127.0.0.1", None) and not r.startswith("data:")]
    assert not foreign, f"{url} requested {foreign}"


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
    import zipfile

    _, browser = browser_site
    with zipfile.ZipFile(built_project / "site" / "offline" / "keittokirja-offline.zip") as archive:
        archive.extractall(tmp_path)
    root = tmp_path / "keittokirja"
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
