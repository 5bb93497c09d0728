"""Print hyphenation: Finnish with Voikko (compounds split where they join), English with
Pyphen, headings, labels and code whole."""

from __future__ import annotations

from pathlib import Path

from cookbook.print.hyphenate import SOFT_HYPHEN, hyphenate_word

ROOT = Path(__file__).resolve().parent.parent


def breaks(word: str) -> list[str]:
    return hyphenate_word(word).split(SOFT_HYPHEN)


def test_compounds_break_at_their_joints():
    assert "ryh" in breaks("sidosryhmäanalyysi") or "ryhmä" in "".join(breaks("sidosryhmäanalyysi"))
    parts = hyphenate_word("sidosryhmäanalyysi")
    assert f"mä{SOFT_HYPHEN}a" in parts  # sidosryhmä | analyysi
    assert f"no{SOFT_HYPHEN}ke" in hyphenate_word("elinkeinokehittäjä")  # elinkeino | kehittäjä
    assert f"ri{SOFT_HYPHEN}ke" in hyphenate_word("klusterikehittämisen")  # klusteri | kehittämisen


def test_no_break_leaves_a_lone_letter():
    for word in ("elinkeinokehittäjä", "innovaatioekosysteemi", "yhteiskunnallinen"):
        parts = breaks(word)
        assert len(parts[0]) >= 2 and len(parts[-1]) >= 3, parts


def printed_lines(html_body: str, lang: str = "fi") -> list[str]:
    """The lines of a narrow column of `html_body`, printed with our print CSS."""
    import io

    from pypdf import PdfReader

    from cookbook.source.check import check_project
    from cookbook.config import Project
    from cookbook.print.pdf import PdfRenderer

    project = Project(ROOT)
    renderer = PdfRenderer(project, check_project(project).cookbook)
    html = (f'<!DOCTYPE html><html lang="{lang}"><head><link rel="stylesheet" href="../fonts/fonts.css">'
            f'<link rel="stylesheet" href="print.css"></head><body style="width: 32mm">{html_body}</body></html>')
    pdf = renderer.layout(html).write_pdf()
    return PdfReader(io.BytesIO(pdf)).pages[0].extract_text().replace("\u2010", "-").splitlines()


COMPOUNDS = "klusterikehittämisen sidosryhmäanalyysi elinkeinokehittäjä innovaatioekosysteemi"


def test_prose_breaks_compounds_where_voikko_allows():
    lines = printed_lines(f"<p>{COMPOUNDS}</p>")
    broken = [line for line in lines if line.endswith("-")]
    assert broken, lines
    for line, after in zip(lines, lines[1:]):
        if line.endswith("-"):
            head = line.rsplit(" ", 1)[-1][:-1]
            parts = breaks(head + after.split(" ", 1)[0])
            assert head in ["".join(parts[:n]) for n in range(1, len(parts))], (line, after)


def test_headings_labels_and_code_stay_whole():
    for body in (f"<h2>{COMPOUNDS}</h2>", f'<p class="no-hyphens">{COMPOUNDS}</p>', f"<p><code>{COMPOUNDS}</code></p>"):
        lines = printed_lines(body)
        assert not any(line.endswith("-") for line in lines), (body, lines)


def test_english_is_hyphenated_with_pyphen():
    lines = printed_lines("<p>internationalisation responsibilities characteristically interdisciplinary</p>", "en")
    assert any(line.endswith("-") for line in lines), lines


def test_finnish_book_breaks_words_at_line_ends(built_project):
    import re

    from conftest import page_texts

    source = " ".join(p.read_text(encoding="utf-8") for p in (built_project / "recipes").rglob("fi.md"))
    words = set(re.findall(r"[^\W\d_]+", source))
    text = "\n".join(page_texts(built_project / "site" / "downloads" / "keittokirja-a4.pdf")).replace("\x00", "")  # pypdf and CID fonts
    # A word of the recipes split across two lines, whose halves are not words themselves:
    # only hyphenation breaks a word (pypdf may drop the hyphen glyph itself).
    split = [(a, b) for a, b in re.findall(r"([^\W\d_]+)[-\u2010]?\n([^\W\d_]+)", text)
             if a + b in words and a not in words and b not in words]
    assert split, "no word of the recipes was hyphenated at a line end"


def test_no_break_inside_a_ligature():
    """A soft hyphen between f and f (or i, l) still gets a ligature glyph, whose letters the
    PDF's text layer then loses: Treffikierroksilla must stay findable in the appendix."""
    from cookbook.print.hyphenate import SOFT_HYPHEN, hyphenate_word

    for word in ("Treffikierroksilla", "tilaisuuksiffiin", "Pikaprojektitreffit"):
        marked = hyphenate_word(word)
        assert marked.replace(SOFT_HYPHEN, "") == word
        for pair in ("f" + SOFT_HYPHEN + "f", "f" + SOFT_HYPHEN + "i", "f" + SOFT_HYPHEN + "l"):
            assert pair not in marked, marked
