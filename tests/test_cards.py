"""The workshop card deck: one 63 × 88 mm card per recipe, nine to a sheet, and a build that
fails, naming the recipe and the side, when a card's text does not fit."""

from __future__ import annotations

from pathlib import Path

import pytest
from pypdf import PdfReader

from cookbook.source.check import check_project
from cookbook.config import Project

MM = 72 / 25.4


@pytest.mark.parametrize("lang, single, sheets", [("fi", "korttipakka.pdf", "korttipakka-arkit.pdf"),
                                                   ("en", "cards-en.pdf", "cards-en-sheets.pdf")])
def test_one_card_per_recipe(built_project: Path, lang: str, single: str, sheets: str):
    recipes = check_project(Project(built_project)).cookbook.recipes_in(lang)
    deck = PdfReader(built_project / "site" / "downloads" / single)
    assert len(deck.pages) == 2 * len(recipes)  # front and back, nothing spilled over
    for page in deck.pages:
        assert (float(page.mediabox.width), float(page.mediabox.height)) == pytest.approx((63 * MM, 88 * MM), abs=0.5)
    text = " ".join(page.extract_text().replace("\x00", "") for page in deck.pages)
    for recipe in recipes:
        assert recipe.title.split()[0] in text
    sheet = PdfReader(built_project / "site" / "downloads" / sheets)
    assert len(sheet.pages) == 2 * ((len(recipes) + 8) // 9)
    assert (float(sheet.pages[0].mediabox.width), float(sheet.pages[0].mediabox.height)) == pytest.approx((210 * MM, 297 * MM), abs=0.5)


def test_overflowing_card_fails_the_build_naming_recipe_and_field(built_small_project: Path, cli):
    project = built_small_project
    recipe = project / "recipes" / "esimerkki" / "fi.md"
    many_steps = "\n".join(f"{n}. Kirjoittakaa tähän hyvin pitkä vaihe numero {n} ilman yhtään välimerkkiä joka lyhentäisi sitä kortilla"
                           for n in range(1, 15))
    text = recipe.read_text(encoding="utf-8")
    start, end = text.index("1. Varaa"), text.index("## Vinkit")
    recipe.write_text(text[:start] + many_steps + "\n\n" + text[end:], encoding="utf-8")
    code, out, err = cli("--project", str(project), "pdf")
    assert code == 3
    assert "recipes/esimerkki/fi.md" in err and "steps (back)" in err
    assert "Traceback" not in err


def test_a_deck_rendered_in_parts_reads_as_the_deck_rendered_whole(built_project: Path, tmp_path: Path, monkeypatch, cli):
    """A long deck is rendered in parts (in bounded memory, on every core) and joined: the
    same cards, in the same order, on the same pages and sheets, still one tagged PDF."""
    import shutil

    from cookbook.print import pdf

    project = tmp_path / "project"
    shutil.copytree(built_project, project, ignore=shutil.ignore_patterns("build", "site"))
    monkeypatch.setattr(pdf, "CARDS_PER_PART", 9)  # 18 recipes: two parts of a sheet each (forked workers inherit it)
    code, _, err = cli("--project", str(project), "--quiet", "--no-cache", "pdf", "--only", "cards")
    assert code == 0, err
    for name, lang in (("korttipakka.pdf", "fi"), ("korttipakka-arkit.pdf", "fi"), ("cards-en.pdf", "en"), ("cards-en-sheets.pdf", "en")):
        whole = PdfReader(built_project / "site" / "downloads" / name)
        parts = PdfReader(project / "site" / "downloads" / name)
        assert len(parts.pages) == len(whole.pages)
        for joined, single in zip(parts.pages, whole.pages):
            assert joined.mediabox == single.mediabox
            assert joined.extract_text() == single.extract_text()
        assert "/StructTreeRoot" in parts.trailer["/Root"] and parts.trailer["/Root"]["/Lang"] == lang
        assert parts.metadata.title == whole.metadata.title
