"""Workshop packs: `build.py pdf --recipe/--theme/--tag`, with their own contents page."""

from __future__ import annotations

from pathlib import Path

import pytest
from pypdf import PdfReader

MM = 72 / 25.4


def test_pack_of_chosen_recipes_has_its_own_contents(project: Path, cli):
    out = project / "pack.pdf"
    code, stdout, err = cli("--project", str(project), "pdf", "--recipe", "sidosryhmaanalyysi", "--recipe", "pikaprojektitreffit", "--lang", "en",
                            "--format", "a5", "--output", str(out))
    assert code == 0, stdout + err
    reader = PdfReader(out)
    text = "\n".join(page.extract_text().replace("\x00", "") for page in reader.pages)
    assert "Stakeholder analysis to start an ecosystem" in text and "Contents" in text
    book = PdfReader(project / "site" / "downloads" / "cookbook-en-a4.pdf") if (project / "site").exists() else None
    assert book is None or len(reader.pages) < len(book.pages)
    assert float(reader.pages[0].mediabox.width) == pytest.approx(148 * MM, abs=1)


def test_pack_as_booklet_comes_with_its_pages_in_reading_order(project: Path, cli):
    """The booklet (untagged, pages in printing order) says so in its metadata, and the same
    pages in reading order, tagged, are written beside it: the file to read or send on."""
    out = project / "launch-booklet.pdf"
    code, stdout, err = cli("--project", str(project), "pdf", "--theme", "launch", "--imposition", "booklet", "--format", "a5",
                            "--output", str(out))
    assert code == 0, stdout + err
    reading = project / "launch-reading.pdf"
    assert f"wrote {out}" in stdout and f"wrote {reading}" in stdout
    assert sorted(path.name for path in project.glob("*.pdf")) == ["launch-booklet.pdf", "launch-reading.pdf"]  # no leftovers
    booklet = PdfReader(out)
    page = booklet.pages[0]
    assert (float(page.mediabox.width), float(page.mediabox.height)) == pytest.approx((297 * MM, 210 * MM), abs=1)
    assert "vihkon tulostusversio" in booklet.metadata.title and "launch-reading.pdf" in booklet.metadata.subject
    pages = PdfReader(reading)
    assert "/StructTreeRoot" in pages.trailer["/Root"]
    assert float(pages.pages[0].mediabox.width) == pytest.approx(148 * MM, abs=1)
    assert len(booklet.pages) == (len(pages.pages) + 3) // 4 * 2


@pytest.mark.parametrize("option, value, message", [
    ("--recipe", "ei-ole", "unknown recipe 'ei-ole'"),
    ("--theme", "lunch", "Did you mean 'launch'?"),
    ("--tag", "ei-tagia", "unknown tag 'ei-tagia'"),
])
def test_unknown_choice_is_a_clear_usage_error(project: Path, cli, option, value, message):
    code, _, err = cli("--project", str(project), "pdf", option, value)
    assert code == 2 and message in err and "Traceback" not in err


def test_long_appendix_in_parts_still_lists_every_metric_with_its_page(project: Path, cli, monkeypatch):
    """A long metrics appendix is rendered in parts, cut between metric levels; joined, it still
    lists every metric of the pack with the page its recipe starts on."""
    import re

    from cookbook.print import book
    from cookbook.source.check import check_project
    from cookbook.config import Project

    monkeypatch.setattr(book, "APPENDIX_PART_ROWS", 1)  # every level a part of its own
    ids = ("sidosryhmaanalyysi", "pikaprojektitreffit", "vaikuttavuusmittariston-rakentaminen")
    cookbook = check_project(Project(project)).cookbook
    recipes = [r for r in cookbook.recipes_in("en") if r.id in ids]
    levels = {m.level for r in recipes for m in r.metrics}
    assert len(book.BookPlan(cookbook, book.BookRequest("en", "a4", ids)).appendix_parts) == len(levels) > 1

    out = project / "pack.pdf"
    args = [arg for recipe_id in ids for arg in ("--recipe", recipe_id)]
    code, stdout, err = cli("--project", str(project), "--jobs", "1", "pdf", *args, "--lang", "en", "--output", str(out))
    assert code == 0, stdout + err
    reader = PdfReader(out)
    outline = {item.title: reader.get_destination_page_number(item) for item in reader.outline if not isinstance(item, list)}
    nested = [item for items in reader.outline if isinstance(items, list) for item in items]
    starts = {item.title: reader.page_labels[reader.get_destination_page_number(item)] for item in nested}
    appendix_page = max(outline.values())
    text = " ".join(page.extract_text().replace("\x00", "") for page in reader.pages[appendix_page:])
    text = re.sub(r"-\n", "", text).replace("\n", " ")
    for recipe in recipes:
        for metric in recipe.metrics:
            assert metric.name.split()[0] in text, metric.name
        assert re.search(rf"\b{starts[recipe.title]}\b", text), (recipe.title, starts[recipe.title])
