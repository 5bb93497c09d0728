"""The measurement plan (cookbook/plan.py): the chosen recipes' metrics in one table by level of
the logic model, with the columns a city fills in; as a spreadsheet that reads back as written
(the build's, XlsxWriter; the browser's, plan-xlsx.js: both read with openpyxl), a PDF, the
site's plan pages and the "add to plan" buttons, with and without JavaScript, online and from
disk."""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

import openpyxl
import pytest
from pypdf import PdfReader

from browser import WCAG22_AA, axe_violations
from test_browser import WORDS_WIDER_THAN_CELLS
from conftest import ROOT, unzipped_offline_copy
from cookbook.config import Project
from cookbook.downloads import plan_name
from cookbook.model import Metric, Recipe
from cookbook.plan import COLUMNS, FILL_IN, measurement_plan
from cookbook.plan_sheet import plan_workbook
from cookbook.source.check import check_project

MM = 72 / 25.4
CHOSEN = ("sidosryhmaanalyysi", "pikaprojektitreffit", "vaikuttavuusmittariston-rakentaminen")


@pytest.fixture(scope="module")
def shipped():
    project = Project(ROOT)
    return project, check_project(project).cookbook


def rows_of(data: bytes) -> list[tuple]:
    sheet = openpyxl.load_workbook(io.BytesIO(data)).active
    return [tuple("" if value is None else value for value in row) for row in sheet.iter_rows(values_only=True)]


def widths(sheet) -> dict[int, float]:
    """Each column's width (a range of columns of one width is one entry in the file)."""
    return {column: dimension.width for dimension in sheet.column_dimensions.values()
            for column in range(dimension.min, dimension.max + 1)}


def heights(sheet) -> list[float]:
    return [sheet.row_dimensions[row].height for row in range(1, sheet.max_row + 1)]


def expected_rows(cookbook, strings: dict, recipes) -> list[tuple]:
    """What a plan of `recipes` must hold, worked out here from the recipes: a row per metric,
    level by level in the taxonomy's order, the recipes in the book's order."""
    taxonomy, rows = cookbook.taxonomy, []
    for level in taxonomy.ids("metric_levels"):
        for recipe in recipes:
            for m in recipe.metrics:
                if m.level == level:
                    # An EU indicator as a funder's report names it: the code and the official name.
                    eu = f"{m.eu_indicator} {taxonomy.eu_indicators.get(m.eu_indicator).name_in(recipe.lang)[0]}" if m.eu_indicator else ""
                    rows.append((taxonomy.label("metric_levels", level, recipe.lang), m.name, taxonomy.unit_label(m.unit, recipe.lang),
                                 m.source, m.frequency, recipe.title, eu, "", "", "", ""))
    header = tuple(strings["plan"]["columns"][column] for column in COLUMNS)
    return [header, *rows]


def chosen(cookbook, lang: str, ids=CHOSEN):
    return tuple(r for r in cookbook.recipes_in(lang) if r.id in ids)


# ---- The plan and its spreadsheet, made at build time ----

def test_the_plan_groups_every_metric_by_level_in_the_taxonomys_order(shipped):
    project, cookbook = shipped
    recipes = chosen(cookbook, "fi")
    plan = measurement_plan(cookbook.taxonomy, project.language("fi").strings, recipes)
    assert [level.id for level in plan.levels] == cookbook.taxonomy.ids("metric_levels")  # every level, even an empty one
    assert sorted((row.recipe.id, row.metric.name) for row in plan.rows) == sorted((r.id, m.name) for r in recipes for m in r.metrics)
    assert all(row.metric.level == level.id for level in plan.levels for row in level.rows)
    assert plan.title == "Mittaussuunnitelma: 3 reseptiä"


@pytest.mark.parametrize("lang", ["fi", "en"])
def test_the_spreadsheet_reads_back_as_the_plan_with_finnish_letters_intact(shipped, lang: str):
    project, cookbook = shipped
    recipes, strings = chosen(cookbook, lang), project.language(lang).strings
    plan = measurement_plan(cookbook.taxonomy, strings, recipes)
    data = plan_workbook(plan, cookbook.taxonomy, strings, recipes[0].updated)
    assert rows_of(data) == expected_rows(cookbook, strings, recipes)
    book = openpyxl.load_workbook(io.BytesIO(data))
    sheet = book.active
    assert sheet.freeze_panes == "A2" and sheet.auto_filter.ref == f"A1:K{len(plan.rows) + 1}"
    assert book.properties.title == plan.title
    if lang == "fi":
        assert any("ä" in cell for row in rows_of(data) for cell in row)  # UTF-8 throughout, no code page
    # The same bytes for the same plan: the document and the zip are dated by the content.
    assert plan_workbook(plan, cookbook.taxonomy, strings, recipes[0].updated) == data
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        assert {info.date_time for info in archive.infolist()} == {(1980, 1, 1, 0, 0, 0)}


def test_contributor_text_that_looks_like_a_formula_stays_text(shipped):
    project, cookbook = shipped
    strings = project.language("fi").strings
    base = cookbook.recipes_in("fi")[0]
    texts = ['=HYPERLINK("https://example.org/","x")', "@SUM(1+1)", "+5 %", "-12", "_x0041_ & <b>"]
    metric = Metric(name=texts[0], level="output", unit=texts[1], source=texts[2], frequency=texts[3], eu_indicator=texts[4])
    recipe = Recipe(**{**{f: getattr(base, f) for f in base.__dataclass_fields__ if f != "sections"}, "metrics": (metric,)})
    plan = measurement_plan(cookbook.taxonomy, strings, (recipe,))
    data = plan_workbook(plan, cookbook.taxonomy, strings, base.updated)
    sheet = openpyxl.load_workbook(io.BytesIO(data)).active
    cells = [sheet.cell(2, column) for column in (2, 3, 4, 5, 7)]
    assert [cell.value for cell in cells] == texts
    assert all(cell.data_type == "s" for cell in cells)  # strings, not formulas or numbers
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        assert "<f>" not in archive.read("xl/worksheets/sheet1.xml").decode()


# ---- build.py plan ----

def test_build_plan_writes_the_spreadsheet_and_the_pdf_for_a_workshop_pack(project: Path, cli):
    out = project / "pack"
    args = [arg for recipe_id in CHOSEN for arg in ("--recipe", recipe_id)]
    code, stdout, err = cli("--project", str(project), "plan", *args, "--lang", "en", "--out", str(out))
    assert code == 0, stdout + err
    sheet, pdf = out / "measurement-plan-en.xlsx", out / "measurement-plan-en.pdf"
    assert f"wrote {sheet}" in stdout and f"wrote {pdf}" in stdout
    assert sorted(path.name for path in out.iterdir()) == [pdf.name, sheet.name]  # nothing half-written left
    cookbook = check_project(Project(project)).cookbook
    recipes = chosen(cookbook, "en")
    assert rows_of(sheet.read_bytes()) == expected_rows(cookbook, Project(project).language("en").strings, recipes)

    reader = PdfReader(pdf)
    page = reader.pages[0]
    assert (float(page.mediabox.width), float(page.mediabox.height)) == pytest.approx((297 * MM, 210 * MM), abs=1)
    assert "/StructTreeRoot" in reader.trailer["/Root"]  # tagged, as the other PDFs
    assert reader.metadata.title == "Measurement plan: 3 recipes"
    text = re.sub(r"\s+", " ", " ".join(p.extract_text() for p in reader.pages).replace("\x00", ""))
    for word in ("Input", "Activity", "Output", "Outcome", "Impact", "Responsible", "Baseline", "Target", "Schedule"):
        assert word.casefold() in text.casefold(), word  # the levels' names are set in capitals
    for recipe in recipes:
        assert recipe.title in text
        for metric in recipe.metrics:
            assert metric.name.split()[0] in text, metric.name


def test_build_plan_of_a_theme_is_named_as_the_sites_download(project: Path, cli):
    code, stdout, err = cli("--project", str(project), "plan", "--theme", "launch", "--out", str(project / "out"))
    assert code == 0, stdout + err
    assert sorted(p.name for p in (project / "out").iterdir()) == ["mittaussuunnitelma-launch-fi.pdf", "mittaussuunnitelma-launch-fi.xlsx"]
    assert PdfReader(project / "out" / "mittaussuunnitelma-launch-fi.pdf").metadata.title == "Mittaussuunnitelma: Ekosysteemin käynnistäminen"


@pytest.mark.parametrize("args, message", [
    (["--recipe", "ei-ole"], "unknown recipe 'ei-ole'"),
    (["--recipe", "sidosryhmaanalyysi", "--recipe", "sidosryhmaanalyysii"], "Did you mean 'sidosryhmaanalyysi'?"),
    (["--theme", "lunch"], "Did you mean 'launch'?"),
    (["--tag", "ei-tagia"], "unknown tag 'ei-tagia'"),
    (["--theme", "launch", "--lang", "de"], "unknown language 'de'"),
    ([], "name the plan's recipes: --recipe ID"),
])
def test_build_plan_refuses_what_it_cannot_find_saying_what_to_do(project: Path, cli, args, message):
    code, stdout, err = cli("--project", str(project), "plan", *args, "--out", str(project / "out"))
    assert code == 2, stdout + err
    assert message in err and "Traceback" not in err
    assert not (project / "out").exists()


# ---- On the site: pages, downloads, buttons ----

def test_every_theme_has_a_ready_plan_page_and_files_in_each_language(built_project: Path, shipped):
    project, cookbook = shipped
    site = built_project / "site"
    for lang in cookbook.languages:
        edition = site if lang == "fi" else site / lang
        strings = project.language(lang).strings
        plan_page = (edition / "plan" / "index.html").read_text(encoding="utf-8")
        for theme, recipes in cookbook.by_theme(lang):
            html = (edition / "plan" / theme / "index.html").read_text(encoding="utf-8")
            table = html[html.index('<table class="cb-plan-table"'):html.index("</table>")]
            names = re.findall(r'<th scope="row" class="cb-plan-metric">(.*?)</th>', table)
            assert len(names) == sum(len(r.metrics) for r in recipes)
            levels = re.findall(r'<tbody role="rowgroup" class="cb-plan-level[^"]*" data-level="([a-z]+)"', table)
            assert levels == cookbook.taxonomy.ids("metric_levels")
            for suffix in (".xlsx", ".pdf"):
                name = plan_name(project, lang, theme, suffix)
                assert (site / "downloads" / name).is_file(), name
                assert f"downloads/{name}" in html and f"downloads/{name}" in plan_page
            sheet = (site / "downloads" / plan_name(project, lang, theme, ".xlsx")).read_bytes()
            assert rows_of(sheet) == expected_rows(cookbook, strings, tuple(recipes))
            assert f'href="../../plan/{theme}/"' in (edition / "themes" / theme / "index.html").read_text(encoding="utf-8")


def plan_count(tab) -> str:
    return tab.locator(".cb-plan-bar__count").inner_text()


def test_add_to_plan_from_a_recipe_page_and_the_finder_and_share_the_plan(browser_site, shipped):
    """The buttons change the selection on every page; the plan page keeps it in its address,
    so a reload and a link opened elsewhere (no stored selection) show the same plan."""
    base_url, browser = browser_site
    project, cookbook = shipped
    context = browser.new_context()
    tab = context.new_page()
    errors: list[str] = []
    tab.on("pageerror", lambda error: errors.append(str(error)))
    tab.goto(base_url + f"recipes/{CHOSEN[0]}/")
    button = tab.locator(f'.cb-plan-add [data-plan-toggle="{CHOSEN[0]}"]')
    assert button.is_visible() and button.inner_text().strip() == "Lisää mittaussuunnitelmaan"
    button.focus()
    tab.keyboard.press("Enter")  # a real button: the keyboard works it
    assert button.inner_text().strip() == "Poista mittaussuunnitelmasta"
    assert plan_count(tab) == "1 resepti"
    status = tab.locator(".cb-plan-bar [role=status]")
    assert status.get_attribute("aria-live") == "polite" and "Lisätty suunnitelmaan" in status.inner_text()
    assert tab.locator(".cb-plan-bar a").get_attribute("href") == f"../../plan/?r={CHOSEN[0]}"

    tab.goto(base_url + "finder/")
    tab.wait_for_selector("#cb-finder:not([hidden])")
    assert plan_count(tab) == "1 resepti"
    for recipe_id in CHOSEN[1:]:
        add = tab.locator(f'#cb-finder-results li[data-id="{recipe_id}"] [data-plan-toggle]')
        title = tab.locator(f'#cb-finder-results li[data-id="{recipe_id}"] > a').inner_text()
        assert add.get_attribute("aria-label") == f"Lisää suunnitelmaan: {title}"
        add.click()
    assert plan_count(tab) == "3 reseptiä"
    tab.locator(".cb-plan-bar a").click()
    tab.wait_for_selector("#cb-plan:not([hidden])")
    assert tab.url.endswith("plan/?r=" + ",".join(CHOSEN))

    recipes = chosen(cookbook, "fi")
    metrics = sum(len(r.metrics) for r in recipes)

    def shows_the_plan(page) -> None:
        assert page.locator("#cb-plan-recipes li a").all_inner_texts() == [r.title for r in recipes]
        assert page.locator("#cb-plan-summary").inner_text() == f"3 reseptiä, {metrics} mittaria"
        names = page.locator(".cb-plan-table tbody th[scope=row]").all_inner_texts()
        assert names == [row[1] for row in expected_rows(cookbook, project.language("fi").strings, recipes)[1:]]
        assert page.locator(".cb-plan-table tbody").evaluate_all("bodies => bodies.map(b => b.dataset.level)") == \
            cookbook.taxonomy.ids("metric_levels")
        assert page.locator(".cb-plan-table thead th[scope=col]").count() == len(COLUMNS) - 1  # the level heads each group
        assert page.locator(".cb-plan-table td.cb-plan-fill").count() == metrics * len(FILL_IN)

    shows_the_plan(tab)
    tab.reload()
    tab.wait_for_selector("#cb-plan:not([hidden])")
    shows_the_plan(tab)
    shared = tab.url
    other = browser.new_context()  # someone the link was sent to: nothing stored
    page = other.new_page()
    page.goto(shared)
    page.wait_for_selector("#cb-plan:not([hidden])")
    shows_the_plan(page)
    assert page.locator("#cb-plan-notice").is_hidden()  # nothing of theirs was replaced
    other.close()

    # Removing a recipe by keyboard: the plan and its address follow; focus stays in the list.
    remove = tab.locator("#cb-plan-recipes button").first
    assert remove.get_attribute("aria-label") == f"Poista: {recipes[0].title}"
    remove.focus()
    tab.keyboard.press("Enter")
    assert tab.url.endswith("plan/?r=" + ",".join(i for i in CHOSEN if i != recipes[0].id))
    assert tab.evaluate("document.activeElement.closest('#cb-plan-recipes') !== null")
    assert tab.locator("#cb-plan-recipes li").count() == 2
    assert "Poistettu suunnitelmasta" in tab.locator("#cb-plan-status").inner_text()
    tab.locator("#cb-plan-clear").click()
    assert tab.locator("#cb-plan-empty").is_visible() and tab.url.endswith("/plan/")
    assert not errors, errors
    context.close()


def test_a_shared_plan_replaces_the_selection_which_can_be_had_back(browser_site):
    base_url, browser = browser_site
    context = browser.new_context()
    tab = context.new_page()
    tab.goto(base_url + "plan/?r=" + CHOSEN[0])
    tab.wait_for_selector("#cb-plan:not([hidden])")
    tab.goto(base_url + "plan/?r=" + CHOSEN[1] + ",ei-ole-olemassa")
    tab.wait_for_selector("#cb-plan:not([hidden])")
    notice = tab.locator("#cb-plan-notice")
    assert notice.is_visible() and "1 resepti" in notice.inner_text()
    assert "jätettiin pois" in notice.inner_text()  # the id no recipe has is named as left out
    assert tab.locator("#cb-plan-recipes li").count() == 1
    tab.locator("#cb-plan-restore").click()
    assert tab.url.endswith("plan/?r=" + CHOSEN[0])
    context.close()


def test_the_browsers_spreadsheet_is_the_builds_for_the_same_recipes(browser_site, shipped, tmp_path: Path):
    base_url, browser = browser_site
    project, cookbook = shipped
    context = browser.new_context(accept_downloads=True)
    tab = context.new_page()
    requests: list[str] = []
    tab.on("request", lambda request: requests.append(request.url))
    for lang, prefix in (("fi", ""), ("en", "en/")):
        tab.goto(f"{base_url}{prefix}plan/?r=" + ",".join(reversed(CHOSEN)))  # any order: the plan keeps the book's
        tab.wait_for_selector("#cb-plan:not([hidden])")
        with tab.expect_download() as download:
            tab.locator("#cb-plan-download").click()
        path = tmp_path / f"{lang}.xlsx"
        download.value.save_as(path)
        strings = project.language(lang).strings
        assert download.value.suggested_filename == f"{strings['plan']['file']}-{lang}.xlsx"
        data = path.read_bytes()
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            assert archive.testzip() is None
        recipes = chosen(cookbook, lang)
        assert rows_of(data) == expected_rows(cookbook, strings, recipes)
        build = plan_workbook(measurement_plan(cookbook.taxonomy, strings, recipes), cookbook.taxonomy, strings, recipes[0].updated)
        assert rows_of(data) == rows_of(build)
        book, built = openpyxl.load_workbook(path), openpyxl.load_workbook(io.BytesIO(build))
        assert book.active.title == built.active.title and book.active.freeze_panes == built.active.freeze_panes
        assert book.active.auto_filter.ref == built.active.auto_filter.ref
        assert widths(book.active) == widths(built.active)
        assert heights(book.active) == heights(built.active)
        assert book.properties.title == built.properties.title
    assert all(r.startswith((base_url, "blob:", "data:")) for r in requests), requests
    context.close()


def test_without_javascript_the_themes_ready_plans_are_reachable(browser_site, shipped):
    base_url, browser = browser_site
    project, cookbook = shipped
    context = browser.new_context(java_script_enabled=False)
    tab = context.new_page()
    tab.goto(base_url + "plan/")
    assert tab.locator("#cb-plan-noscript").is_visible()
    assert not tab.locator("#cb-plan").is_visible()  # no controls that cannot work
    themes = tab.locator(".cb-plan-themes li > a:first-child")
    assert themes.count() == len(cookbook.by_theme("fi"))
    themes.first.click()
    theme, recipes = cookbook.by_theme("fi")[0]
    assert tab.url.endswith(f"plan/{theme}/")
    assert tab.locator(".cb-plan-table tbody th[scope=row]").count() == sum(len(r.metrics) for r in recipes)
    assert tab.locator(".cb-plan-downloads a[download]").count() == 2
    assert not tab.locator(".cb-plan-edit").is_visible()  # opens the plan page, which needs the script
    tab.goto(base_url + f"recipes/{CHOSEN[0]}/")
    assert not tab.locator(".cb-plan-add").is_visible()
    tab.goto(base_url + f"themes/{theme}/")
    assert tab.locator(".cb-plan-theme a").first.is_visible()
    assert tab.locator("[data-plan-toggle]").count() == 0
    context.close()


@pytest.mark.parametrize("page", ["plan/?r=" + ",".join(CHOSEN), "plan/launch/", "en/plan/?r=" + ",".join(CHOSEN)])
def test_plan_pages_are_accessible_and_fit_a_phone(browser_site, page: str):
    base_url, browser = browser_site
    tab = browser.new_page(viewport={"width": 390, "height": 800})
    tab.goto(base_url + page)
    tab.wait_for_load_state("networkidle")
    problems = []
    for width in (320, 390, 1280):
        tab.set_viewport_size({"width": width, "height": 800})
        tab.evaluate("Promise.all(document.getAnimations().map(animation => animation.finished))")
        if width != 320:
            problems += [f"{width} px: {problem}" for problem in axe_violations(tab, WCAG22_AA)]
        scroll_width = tab.evaluate("document.fonts.ready.then(() => document.documentElement.scrollWidth)")
        if scroll_width > width:
            problems.append(f"{width} px: the page is {scroll_width} px wide")
        if width < 1280:  # on a phone each row is a card: no word is broken for want of room
            problems += [f"{width} px: a word wider than its cell in {text!r}" for text in tab.evaluate(WORDS_WIDER_THAN_CELLS)]
    # The table's region is reached by keyboard, named by its caption; each level names its rows.
    region = tab.locator(".cb-plan-sheet")
    assert region.get_attribute("tabindex") == "0" and region.get_attribute("role") == "region"
    assert tab.locator(".cb-plan-table th[scope=rowgroup]").count() == 5
    tab.close()
    assert not problems, "\n".join(problems)


def test_the_plan_prints_landscape_without_the_sites_chrome(browser_site, tmp_path: Path):
    base_url, browser = browser_site
    tab = browser.new_page()
    tab.goto(base_url + "plan/?r=" + ",".join(CHOSEN))
    tab.wait_for_selector("#cb-plan:not([hidden])")
    tab.emulate_media(media="print")
    for hidden in (".md-header", ".md-sidebar--primary", ".cb-plan-actions", ".cb-plan-pick", "#cb-plan-recipes button",
                   ".cb-plan-themes"):
        assert tab.locator(hidden).first.is_hidden(), hidden
    assert tab.locator(".cb-plan-table").is_visible() and tab.locator(".cb-plan-print-note").is_visible()
    pdf = tmp_path / "printed.pdf"
    tab.pdf(path=str(pdf), prefer_css_page_size=True)
    page = PdfReader(pdf).pages[0]
    assert float(page.mediabox.width) > float(page.mediabox.height)  # landscape
    tab.close()


def test_the_plan_works_from_the_offline_copy_opened_from_disk(browser_site, built_project: Path, tmp_path: Path, shipped):
    _, browser = browser_site
    _, cookbook = shipped
    root = unzipped_offline_copy(built_project, tmp_path)
    context = browser.new_context(accept_downloads=True)
    tab = context.new_page()
    requests: list[str] = []
    tab.on("request", lambda request: requests.append(request.url))
    tab.goto((root / "recipes" / CHOSEN[0] / "index.html").as_uri())
    tab.locator(".cb-plan-add [data-plan-toggle]").click()
    assert plan_count(tab) == "1 resepti"
    tab.locator(".cb-plan-bar a").click()
    tab.wait_for_selector("#cb-plan:not([hidden])")
    assert tab.url.startswith((root / "plan" / "index.html").as_uri() + "?r=" + CHOSEN[0])
    recipe = chosen(cookbook, "fi", CHOSEN[:1])[0]
    assert tab.locator(".cb-plan-table tbody th[scope=row]").all_inner_texts() == [m.name for level in cookbook.taxonomy.ids("metric_levels")
                                                                                    for m in recipe.metrics if m.level == level]
    link = tab.locator("#cb-plan-recipes li a").first.get_attribute("href")
    assert link.startswith("file:") and link.endswith(f"recipes/{CHOSEN[0]}/index.html")
    with tab.expect_download() as download:
        tab.locator("#cb-plan-download").click()
    assert rows_of(Path(download.value.path()).read_bytes())[1][1] == tab.locator(".cb-plan-table tbody th[scope=row]").first.inner_text()
    assert all(r.startswith(("file:", "data:", "blob:")) for r in requests), requests
    assert (root / "downloads" / "mittaussuunnitelma-launch-fi.xlsx").is_file()
    context.close()
