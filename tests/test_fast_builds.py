"""Parallel, cached and incremental builds give exactly what a sequential, uncached build gives.

Speed itself is measured by `make bench`, never asserted here.
"""

from __future__ import annotations

import io
import re
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import ROOT, copy_built, copy_project
from cookbook.config import Project
from cookbook.print.pdf_cache import PdfCache
from cookbook.progress import Progress

BOOKS = ("keittokirja-a4.pdf", "cookbook-en-a4.pdf")


def pdf_bytes(root: Path) -> dict[str, bytes]:
    return {path.name: path.read_bytes() for path in sorted((root / "site" / "downloads").glob("*.pdf"))}


def cache_entries(root: Path) -> set[str]:
    return {path.name for path in (root / "build" / "cache" / "pdf").glob("*/*.entry")}


def edit_recipe_body(root: Path, recipe_id: str = "heimopaallikko") -> None:
    path = root / "recipes" / recipe_id / "fi.md"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("## Miksi\n", "## Miksi\n\nTämä lause on lisätty testiä varten.\n", 1), encoding="utf-8")


@pytest.fixture(scope="module")
def sequential_books(tmp_path_factory: pytest.TempPathFactory) -> dict[str, bytes]:
    """The A4 books and handouts rendered in one process, without the cache: the reference."""
    from cookbook.cli import run

    root = copy_project(tmp_path_factory.mktemp("sequential") / "project")
    assert run(["--project", str(root), "--quiet", "--jobs", "1", "--no-cache", "pdf", "--only", "book", "--only", "handouts"]) == 0
    assert not cache_entries(root), "--no-cache wrote to the cache"
    return pdf_bytes(root)


def test_parallel_books_are_byte_identical_to_sequential(built_project: Path, sequential_books):
    """built_project was built on two processes, with the cache, from a cold start."""
    parallel = {name: data for name, data in pdf_bytes(built_project).items() if name in sequential_books}
    assert set(parallel) == set(sequential_books)
    for name in BOOKS:
        assert name in parallel
    assert parallel == sequential_books


def test_cached_rebuild_is_byte_identical_and_renders_nothing(built_project: Path, tmp_path: Path, cli, sequential_books):
    project = copy_built(built_project, tmp_path / "project")
    entries = cache_entries(project)
    assert entries
    code, out, err = cli("--project", str(project), "--quiet", "--jobs", "2", "pdf", "--only", "book", "--only", "handouts")
    assert code == 0, err
    assert out == "" and err == ""  # --quiet: nothing but problems
    rebuilt = pdf_bytes(project)
    assert {name: rebuilt[name] for name in sequential_books} == sequential_books
    assert cache_entries(project) == entries  # nothing new was rendered


def test_editing_one_recipe_renders_only_what_it_changes(built_project: Path, tmp_path: Path, cli):
    project = copy_built(built_project, tmp_path / "project")
    args = ("--project", str(project), "--quiet", "pdf", "--only", "book", "--only", "handouts")
    before, entries = pdf_bytes(project), cache_entries(project)
    edit_recipe_body(project)
    assert cli(*args)[0] == 0
    after = pdf_bytes(project)
    rendered = cache_entries(project) - entries
    # The recipe's handout and the slice of the Finnish book that holds it; the front matter
    # and appendix only if the page numbers moved.
    assert 2 <= len(rendered) <= 4, rendered
    changed = {name for name in after if after[name] != before[name]}
    assert changed == {"heimopaallikko-fi.pdf", "keittokirja-a4.pdf"}
    code, _, _ = cli("--project", str(project), "--quiet", "--no-cache", "pdf", "--only", "book", "--only", "handouts")
    assert code == 0
    assert pdf_bytes(project) == after  # what the cache served is what a clean build makes


def site_files(root: Path, under: str = "") -> dict[str, bytes]:
    folder = root / "site" / under
    return {path.relative_to(folder).as_posix(): path.read_bytes() for path in sorted(folder.rglob("*"))
            if path.is_file() and "downloads" not in path.parts}


def test_site_rebuild_reuses_unchanged_editions_and_matches_a_clean_build(project: Path, cli, monkeypatch):
    """After a Finnish recipe is edited, the English edition is not built again; the site is
    what a build without reuse makes of the same files."""
    args = ("--project", str(project), "--quiet", "site")
    assert cli(*args)[0] == 0
    english = project / "build" / "engine-site" / "web" / "en" / "index.html"
    finnish = project / "build" / "engine-site" / "web" / "fi" / "index.html"
    built = {path: path.stat().st_mtime_ns for path in (english, finnish)}
    edit_recipe_body(project)
    assert cli(*args)[0] == 0
    assert english.stat().st_mtime_ns == built[english]  # reused
    assert finnish.stat().st_mtime_ns != built[finnish]  # built again
    reused = site_files(project)
    assert "Tämä lause on lisätty testiä varten." in reused["recipes/heimopaallikko/index.html"].decode()
    assert cli("--project", str(project), "--quiet", "--no-cache", "site")[0] == 0
    assert english.stat().st_mtime_ns != built[english]  # --no-cache builds every edition
    assert site_files(project) == reused
    # The editions' pages written one after another, not side by side: the same site.
    assert cli("--project", str(project), "--quiet", "--no-cache", "--jobs", "1", "site")[0] == 0
    assert site_files(project) == reused


def test_edition_key_covers_pages_config_theme_and_code(small_project: Path, cli, monkeypatch):
    from cookbook.print import pdf_cache
    from cookbook.site.site_engine import edition_key
    from cookbook.source.check import check_project

    assert cli("--project", str(small_project), "--quiet", "site")[0] == 0
    project = Project(small_project)
    cookbook = check_project(project).cookbook
    before = edition_key(project, cookbook, "en")
    assert edition_key(project, cookbook, "en") == before
    for path in (project.build_dir / "docs" / "web" / "en" / "index.md", project.build_dir / "mkdocs-web.en.yml",
                 small_project / "mkdocs.yml", next((small_project / "templates" / "site").rglob("*.css"))):
        original = path.read_bytes()
        path.write_bytes(original + b"\n")
        try:
            assert edition_key(project, cookbook, "en") != before, path
        finally:
            path.write_bytes(original)
    with monkeypatch.context() as patch:
        patch.setenv("SOURCE_DATE_EPOCH", "1767225600")  # another edition date: the sitemap's
        assert edition_key(project, cookbook, "en") != before
    monkeypatch.setattr(pdf_cache, "code_version", lambda: "another version of the code")
    monkeypatch.setattr("cookbook.site.site_engine.code_version", lambda: "another version of the code")
    assert edition_key(project, cookbook, "en") != before


def test_the_site_is_dated_by_its_content_not_by_the_day_of_the_build(built_small_project: Path):
    """The sitemap's dates are the newest `updated` of the recipes: a build on another day,
    from the same files, gives the same bytes."""
    newest = max(re.search(r"^updated: (\S+)", path.read_text(encoding="utf-8"), re.M).group(1)
                 for path in (built_small_project / "recipes").glob("*/*.md"))
    for sitemap in (built_small_project / "site").rglob("sitemap.xml"):
        dates = set(re.findall(r"<lastmod>([^<]+)</lastmod>", sitemap.read_text(encoding="utf-8")))
        assert dates == {newest}, sitemap


def test_cache_key_covers_recipe_templates_css_fonts_and_code(small_project: Path, monkeypatch):
    """The cache can never serve stale output: changing any input changes the key."""
    from cookbook.print import pdf_cache
    from cookbook.source.check import check_project
    from cookbook.print.pdf import PdfRenderer

    def key() -> str:
        project = Project(small_project)
        cookbook = check_project(project).cookbook
        assert cookbook is not None
        renderer = PdfRenderer(project, cookbook)
        recipe = cookbook.recipes_in("fi")[0]
        html = renderer.html("handout.html.j2", "fi", recipe=recipe, format_css="handout.css")
        return PdfCache(small_project / "build" / "cache").key(html, renderer.inputs_digest)

    def changed(path: Path, edit) -> str:
        original = path.read_bytes()
        edit(path)
        try:
            return key()
        finally:
            path.write_bytes(original)

    def append(text: bytes):
        return lambda path: path.write_bytes(path.read_bytes() + text)

    base = key()
    assert key() == base
    recipe = small_project / "recipes" / "esimerkki" / "fi.md"
    assert changed(recipe, lambda p: p.write_text(p.read_text(encoding="utf-8").replace("Varaa tila.", "Varaa sali."), encoding="utf-8")) != base
    assert changed(small_project / "templates" / "print" / "_recipe.html.j2", append(b"<!-- x -->")) != base
    assert changed(small_project / "templates" / "print" / "print.css", append(b"\n/* x */")) != base
    font = next((small_project / "templates" / "fonts").glob("*.woff2"))
    assert changed(font, append(b"\0")) != base
    assert changed(small_project / "templates" / "i18n" / "fi.yml", append(b"\n# x\n")) == base  # a comment changes nothing…
    monkeypatch.setattr(pdf_cache, "code_version", lambda: "another version of the code")
    assert key() != base  # …but new code does


def test_changed_css_is_never_served_from_the_cache(built_small_project: Path, cli):
    args = ("--project", str(built_small_project), "--quiet", "pdf", "--only", "handouts")
    before = pdf_bytes(built_small_project)
    css = built_small_project / "templates" / "print" / "print.css"
    css.write_text(css.read_text(encoding="utf-8").replace("#123650", "#500000"), encoding="utf-8")
    assert cli(*args)[0] == 0
    after = pdf_bytes(built_small_project)
    assert after != before
    assert cli("--project", str(built_small_project), "--quiet", "--no-cache", "pdf", "--only", "handouts")[0] == 0
    assert pdf_bytes(built_small_project) == after


def test_a_damaged_cache_entry_is_rendered_anew(built_small_project: Path):
    before = pdf_bytes(built_small_project)
    damaged = list((built_small_project / "build" / "cache" / "pdf").glob("*/*.entry"))
    assert damaged
    for entry in damaged:
        entry.write_bytes(entry.read_bytes()[:100])  # as if a build was killed while writing
    # A process of its own: the warnings come from the forked workers, on the real stderr.
    result = subprocess.run([sys.executable, str(ROOT / "build.py"), "--project", str(built_small_project), "--quiet",
                             "pdf", "--only", "handouts"], capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stderr
    assert pdf_bytes(built_small_project) == before
    named = [entry for entry in damaged if entry.name in result.stderr]
    assert named and result.stderr.count("damaged cache entry") == len(named), result.stderr


def test_timings_name_every_stage(built_small_project: Path, cli):
    code, out, _ = cli("--project", str(built_small_project), "--quiet", "--timings", "pdf", "--only", "handouts")
    assert code == 0
    lines = out.strip().splitlines()
    assert [line.rsplit(maxsplit=2)[0] for line in lines] == ["check", "PDFs", "PDF checks", "total"]
    assert all(line.rstrip().endswith(" s") for line in lines)


def test_progress_lines_on_a_terminal_only():
    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    shown = Terminal()
    with Progress(stream=shown).stage("PDFs", total=3) as counter:
        counter.advance()
        counter.advance(cached=True)
        counter.advance()
    assert "PDFs… 1/3" in shown.getvalue()
    assert "PDFs 3/3, 1 unchanged (" in shown.getvalue()
    piped = io.StringIO()
    with Progress(stream=piped).stage("PDFs", total=1) as counter:
        counter.advance()
    assert piped.getvalue() == ""
    quiet = Terminal()
    with Progress(stream=quiet, quiet=True).stage("PDFs", total=1) as counter:
        counter.advance()
    assert quiet.getvalue() == ""
