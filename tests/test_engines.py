"""The site engine is replaceable: MkDocs (with Material), ProperDocs and Zensical build the
shipped cookbook's pages into complete, equal sites, because every page is whole before an
engine sees it (no hook needed)."""

from __future__ import annotations

import json
import re
from html import unescape
from pathlib import Path

import markdown
import pytest
from playwright.sync_api import sync_playwright

from browser import axe_violations, launch, serve
from conftest import ROOT, copy_built
from cookbook.source.check import check_project
from cookbook.cli import run
from cookbook.config import Project
from cookbook.site.engine_markdown import HTML_FENCE, fenced_html

ENGINES = ("mkdocs", "properdocs", "zensical")
# One of our HTML blocks shown as code: its fence unread, or read as a code block.
UNREAD_BLOCK = re.compile(rf"`{{3,}}{HTML_FENCE}|language-{HTML_FENCE}")


@pytest.fixture(scope="module")
def cookbook(built_project: Path):
    return check_project(Project(built_project)).cookbook


@pytest.fixture(scope="module")
def sites(built_project: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The shipped cookbook's site by each engine (built_project's is MkDocs'); the others are
    built from copies of it, which carry its downloads."""
    built = {"mkdocs": built_project / "site"}
    for engine in ENGINES[1:]:
        project = copy_built(built_project, tmp_path_factory.mktemp(engine) / "project")
        settings = project / "cookbook.yml"
        text = settings.read_text(encoding="utf-8")
        assert "site_engine: mkdocs" in text
        settings.write_text(text.replace("site_engine: mkdocs", f"site_engine: {engine}"), encoding="utf-8")
        assert run(["--project", str(project), "--quiet", "site"]) == 0
        built[engine] = project / "site"
    return built


def pages(site: Path) -> set[str]:
    return {p.relative_to(site).as_posix() for p in site.rglob("*.html") if "assets" not in p.parts}


def text(html: str) -> str:
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())


def test_every_engine_builds_the_same_pages(sites: dict[str, Path]):
    reference = pages(sites["mkdocs"])
    assert len(reference) > 80
    for engine, site in sites.items():
        assert pages(site) == reference, engine
        # Our HTML blocks reach the page as HTML: one left unread would show as a code block.
        shown = [page for page in pages(site) if UNREAD_BLOCK.search((site / page).read_text(encoding="utf-8"))]
        assert not shown, f"{engine}: {shown[:3]}"


def test_an_html_block_reaches_the_page_whole_whatever_it_holds():
    """The fence around each HTML block is longer than any run of backticks inside, so a
    contributor's code block full of fences cannot end it early; no HTML parser reads it."""
    block = '<pre><code>```\n````\n~~~\n```cookbook-html\n</code></pre>\n<p title="`">a `` b &lt;i&gt; <i>c</i></p>'
    page = f"# Title\n\n{fenced_html(block)}\n\n## Heading\n\n{fenced_html('<p>two</p>')}\n"
    # MkDocs adds fenced_code and tables to every page's extensions.
    html = markdown.Markdown(extensions=["toc", "tables", "fenced_code", "cookbook.site.engine_markdown"]).convert(page)
    assert block in html and "<p>two</p>" in html
    assert re.search(r'<h2 id="heading">Heading</h2>', html) and not UNREAD_BLOCK.search(html.replace(block, ""))


@pytest.mark.parametrize("engine", ENGINES)
def test_every_recipe_page_is_whole(sites: dict[str, Path], cookbook, engine: str):
    site = sites[engine]
    for lang in cookbook.languages:
        other = next(code for code in cookbook.languages if code != lang)
        edition = site if lang == "fi" else site / lang
        for recipe in cookbook.recipes_in(lang):
            page = edition / "recipes" / recipe.id / "index.html"
            html = page.read_text(encoding="utf-8")
            where = f"{engine}: {page.relative_to(site)}"
            assert text(re.search(r"<h1[^>]*>(.*?)</h1>", html, re.S).group(1)) == recipe.title, where
            assert text(re.search(r'<p class="cb-summary">(.*?)</p>', html, re.S).group(1)) == recipe.summary, where
            facts = text(re.search(r'<dl class="cb-facts"[^>]*>(.*?)</dl>', html, re.S).group(1))
            assert cookbook.taxonomy.label("themes", recipe.theme, lang) in facts, where
            assert all(cookbook.taxonomy.label("stages", s, lang) in facts for s in recipe.stages), where
            table = html[html.index("<table"):html.index("</table>")]
            # Each metric's name, and under it the EU common indicator it is, where it is one.
            cells = [cell.split('<span class="cb-eu">', 1) for cell in re.findall(r"<tr[^>]*>\s*<td[^>]*>(.*?)</td>", table, re.S)]
            assert [text(cell[0]) for cell in cells] == [m.name for m in recipe.metrics], where
            label = Project(ROOT).language(lang).strings["labels"]["eu_indicator"]
            for cell, metric in zip(cells, recipe.metrics):
                indicator = cookbook.taxonomy.eu_indicators.get(metric.eu_indicator)
                shown = text(cell[1]) if len(cell) > 1 else None
                assert shown == (f"{label} {indicator.code} {indicator.name_in(lang)[0]}" if indicator else None), where
            assert all(f"<strong>{text(method.name)}</strong>" in text_with_strong(html) for method in recipe.methods), where
            data = json.loads(re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S).group(1))
            assert data["@type"] == "HowTo" and data["name"] == recipe.title, where
            switch = re.search(rf'<a href="([^"]+)" hreflang="{other}"', html)
            assert switch, f"{where}: no language switch"
            target = (page.parent / switch.group(1)).resolve()
            target = target / "index.html" if target.is_dir() else target
            if recipe.id in {r.id for r in cookbook.recipes_in(other)}:
                assert target == (site if other == "fi" else site / other).resolve() / "recipes" / recipe.id / "index.html", where


def text_with_strong(html: str) -> str:
    """The page's text, <strong> kept, entities decoded."""
    return unescape(re.sub(r"<(?!/?strong>)[^>]+>", "", html))


@pytest.mark.parametrize("engine", ENGINES)
def test_finder_and_downloads_work_on_every_engine(sites: dict[str, Path], cookbook, engine: str):
    site = sites[engine]
    for lang in cookbook.languages:
        edition = site if lang == "fi" else site / lang
        finder = (edition / "finder" / "index.html").read_text(encoding="utf-8")
        assert 'id="cb-finder"' in finder and "finder.js" in finder, engine
        assert re.findall(r'<li data-id="([^"]+)"', finder) == [r.id for r in cookbook.recipes_in(lang)], engine
        materials = (edition / "materials" / "index.html").read_text(encoding="utf-8")
        for recipe in cookbook.recipes_in(lang):
            assert f"downloads/{recipe.id}-{lang}.pdf" in materials, engine
            assert (site / "downloads" / f"{recipe.id}-{lang}.pdf").is_file(), engine


@pytest.fixture(scope="module")
def served(sites: dict[str, Path]):
    """Each engine's site on loopback, and one browser for them all."""
    with serve(sites["properdocs"]) as properdocs, serve(sites["zensical"]) as zensical, sync_playwright() as playwright:
        browser = launch(playwright)
        yield {"properdocs": properdocs, "zensical": zensical}, browser
        browser.close()


@pytest.mark.parametrize("engine", ENGINES[1:])  # MkDocs': test_browser.py, every page in both languages
@pytest.mark.parametrize("page", ["", "recipes/{recipe}/", "finder/", "en/metrics/"])
def test_other_engines_pages_have_no_accessibility_violations(served, cookbook, engine: str, page: str):
    urls, browser = served
    tab = browser.new_page()
    tab.goto(urls[engine] + page.format(recipe=cookbook.recipes_in("en")[0].id))
    tab.wait_for_load_state("networkidle")
    problems = axe_violations(tab)
    tab.close()
    assert not problems, "\n".join(problems)


def test_an_engine_that_cannot_do_something_says_so_once(built_small_project: Path, cli):
    settings = built_small_project / "cookbook.yml"
    settings.write_text(settings.read_text(encoding="utf-8").replace("site_engine: mkdocs", "site_engine: zensical"), encoding="utf-8")
    # Zensical keeps a cache of its own beside the config, which we cannot check: each build starts it empty.
    stale = built_small_project / "build" / ".cache" / "left-by-an-earlier-build"
    stale.parent.mkdir(parents=True, exist_ok=True)
    stale.write_text("{ damaged", encoding="utf-8")
    code, out, err = cli("--project", str(built_small_project), "--quiet", "site")
    assert code == 0 and out == ""
    assert err.count("note: the site engine zensical") == 1 and "hooks" in err
    assert not stale.exists()


def test_strict_build_fails_on_a_broken_link_in_a_page(project: Path, cli):
    page = project / "content" / "about.fi.md"
    page.write_text(page.read_text(encoding="utf-8") + "\n[Puuttuva sivu](puuttuva.md)\n", encoding="utf-8")
    code, out, err = cli("--project", str(project), "site")
    assert code == 1
    assert "relative-link" in out  # caught by the check before the engine runs
