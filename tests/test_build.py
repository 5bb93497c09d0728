"""The full build: a site page and PDFs from the same recipe, published all at once."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from pypdf import PdfReader

from conftest import page_texts
from cookbook.config import Project
from cookbook.source.check import check_project

A4_POINTS = (595.28, 841.89)


@pytest.fixture(scope="module")
def cookbook(built_project: Path):
    result = check_project(Project(built_project))
    assert result.cookbook is not None
    return result.cookbook


def test_site_has_a_home_page_and_a_page_per_recipe(built_project: Path, cookbook):
    site = built_project / "site"
    assert (site / "index.html").is_file()
    for lang in cookbook.languages:
        for recipe in cookbook.recipes_in(lang):
            prefix = site if lang == "fi" else site / lang
            assert (prefix / "recipes" / recipe.id / "index.html").is_file()


def test_recipe_page_shows_title_summary_steps_and_every_metric(built_project: Path, cookbook):
    for recipe in cookbook.recipes_in("fi"):
        html = (built_project / "site" / "recipes" / recipe.id / "index.html").read_text(encoding="utf-8")
        assert f">{recipe.title}</h1>" in html
        assert recipe.summary in html
        assert re.search(r"<ol>\s*<li>", html), "the steps render as a numbered list"
        metrics_table = html[html.index("<table"):]
        for metric in recipe.metrics:
            # The name, and under it the EU common indicator the metric is, where it is one.
            eu = rf'<span class="cb-eu">(?:(?!</td>).)*{metric.eu_indicator}</a>(?:(?!</td>).)*' if metric.eu_indicator else ""
            assert re.search(rf"<td[^>]*>{re.escape(metric.name)}{eu}</td>", metrics_table, re.S), metric.name


def test_book_and_handout_pdfs_are_a4_and_carry_the_titles(built_project: Path, cookbook):
    downloads = built_project / "site" / "downloads"
    book = PdfReader(downloads / "keittokirja-a4.pdf")
    book_text = "\n".join(page_texts(downloads / "keittokirja-a4.pdf"))
    for recipe in cookbook.recipes_in("fi"):
        assert recipe.title in book_text
        handout = PdfReader(downloads / f"{recipe.id}-fi.pdf")
        assert recipe.title in handout.pages[0].extract_text()
    for page in book.pages:
        size = (float(page.mediabox.width), float(page.mediabox.height))
        assert size == pytest.approx(A4_POINTS, abs=0.5)


def test_pages_carry_page_numbers_in_the_footer(built_project: Path):
    path = built_project / "site" / "downloads" / "keittokirja-a4.pdf"
    book = PdfReader(path)
    texts = [text.replace("\x00", "") for text in page_texts(path)]
    # The cover, colophon and contents are unnumbered (roman in a viewer's page labels); the
    # first chapter's opening page is 1, and from there every page ends with its own number.
    labels = book.page_labels
    first_chapter = labels.index("1")
    assert labels[:first_chapter] == ["i", "ii", "iii", "iv", "v"][:first_chapter] and 3 <= first_chapter <= 5
    for index in range(first_chapter, len(texts)):
        number = str(index - first_chapter + 1)
        assert labels[index] == number
        assert texts[index].strip().endswith(number), f"page {number}"


def test_failed_build_leaves_the_previous_site_untouched(built_small_project: Path, cli):
    project = built_small_project
    site = project / "site"
    before = {p.relative_to(site): p.read_bytes() for p in site.rglob("*") if p.is_file()}

    recipe = project / "recipes" / "esimerkki" / "fi.md"
    recipe.write_text(recipe.read_text(encoding="utf-8").replace("theme: networks", "theme: nonsense"), encoding="utf-8")
    code, out, err = cli("--project", str(project))

    assert code == 1
    assert "error[unknown-term]" in out
    assert "nothing was built" in err
    after = {p.relative_to(site): p.read_bytes() for p in site.rglob("*") if p.is_file()}
    assert after == before


def test_site_engine_failure_leaves_the_previous_site_untouched(built_small_project: Path, cli):
    project = built_small_project
    index = (project / "site" / "index.html").read_bytes()
    (project / "mkdocs.yml").write_text(
        (project / "mkdocs.yml").read_text(encoding="utf-8").replace("name: material", "name: no-such-theme"),
        encoding="utf-8",
    )
    code, _, err = cli("--project", str(project), "site")
    assert code == 3
    assert "site engine failed" in err and "Traceback" not in err
    assert (project / "site" / "index.html").read_bytes() == index


CARELESS_ENGINE = """
import sys
from pathlib import Path

import yaml

# Writes into whatever output of its last run it finds, in place, then fails.
config = Path(sys.argv[sys.argv.index("-f") + 1])
for page in (config.parent / yaml.safe_load(config.read_text(encoding="utf-8"))["site_dir"]).rglob("*.html"):
    with open(page, "r+b") as file:
        file.write(b"overwritten in place")
sys.exit(1)
"""


def test_an_engine_writing_into_its_old_output_cannot_change_the_published_site(small_project: Path, cli):
    """The published pages are hard links to the engine's output: its old output is removed
    before it runs again, so nothing it writes reaches them."""
    project = small_project
    assert cli("--project", str(project), "--quiet", "site")[0] == 0
    site = project / "site"
    before = {p.relative_to(site): p.read_bytes() for p in site.rglob("*") if p.is_file()}
    (project / "careless_engine.py").write_text(CARELESS_ENGINE, encoding="utf-8")
    settings = project / "cookbook.yml"
    settings.write_text(settings.read_text(encoding="utf-8").replace("site_engine: mkdocs", "site_engine: careless_engine"),
                        encoding="utf-8")
    code, _, err = cli("--project", str(project), "--quiet", "site")
    assert code == 3 and "site engine failed" in err
    after = {p.relative_to(site): p.read_bytes() for p in site.rglob("*") if p.is_file()}
    assert after == before


def test_the_schema_is_published_with_the_vocabularies(built_project: Path, cookbook):
    import json

    schema = json.loads((built_project / "site" / "schema" / "recipe.schema.json").read_text(encoding="utf-8"))
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert schema["properties"]["theme"]["enum"] == cookbook.taxonomy.ids("themes")


def tiny_png() -> bytes:
    """A valid 2×2 PNG, made here so the test needs no image file."""
    import struct
    import zlib

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    raw = b"".join(b"\0" + b"\x1d\x4f\x6e" * 2 for _ in range(2))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 2, 2, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))


def test_recipe_images_reach_the_site_and_the_pdf(built_small_project: Path, cli):
    project = built_small_project
    folder = project / "recipes" / "esimerkki"
    (folder / "kartta.png").write_bytes(tiny_png())
    recipe = folder / "fi.md"
    recipe.write_text(recipe.read_text(encoding="utf-8").replace(
        "## Vaiheet", "![Sidosryhmäkartta seinällä](kartta.png)\n\n## Vaiheet"), encoding="utf-8")
    code, out, err = cli("--project", str(project))
    assert code == 0, out + err
    page = project / "site" / "recipes" / "esimerkki"
    assert (page / "kartta.png").read_bytes() == tiny_png()
    assert 'alt="Sidosryhmäkartta seinällä"' in (page / "index.html").read_text(encoding="utf-8")
    handout = PdfReader(project / "site" / "downloads" / "esimerkki-fi.pdf")
    assert any("/XObject" in p["/Resources"] and p["/Resources"]["/XObject"] for p in handout.pages)
