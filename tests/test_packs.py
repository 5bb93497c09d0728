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


def test_pack_as_booklet(project: Path, cli):
    out = project / "booklet.pdf"
    assert cli("--project", str(project), "pdf", "--theme", "launch", "--imposition", "booklet", "--format", "a5",
               "--output", str(out))[0] == 0
    page = PdfReader(out).pages[0]
    assert (float(page.mediabox.width), float(page.mediabox.height)) == pytest.approx((297 * MM, 210 * MM), abs=1)


@pytest.mark.parametrize("option, value, message", [
    ("--recipe", "ei-ole", "unknown recipe 'ei-ole'"),
    ("--theme", "lunch", "Did you mean 'launch'?"),
    ("--tag", "ei-tagia", "unknown tag 'ei-tagia'"),
])
def test_unknown_choice_is_a_clear_usage_error(project: Path, cli, option, value, message):
    code, _, err = cli("--project", str(project), "pdf", option, value)
    assert code == 2 and message in err and "Traceback" not in err
