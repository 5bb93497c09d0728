"""Finnish print hyphenation with Voikko: compounds split where they join, headings whole."""

from __future__ import annotations

from cookbook.hyphenate import SOFT_HYPHEN, hyphenate_html, hyphenate_word


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


def test_only_prose_is_hyphenated():
    html = hyphenate_html("<h2>Klusterikehittämisen</h2><p title='klusterikehittämisen'>klusterikehittämisen</p><code>klusterikehittämisen</code>"
                          "<p class='label no-hyphens'>klusterikehittämisen<br>klusterikehittämisen</p>")
    assert "<h2>Klusterikehittämisen</h2>" in html
    assert "title='klusterikehittämisen'" in html
    assert "<code>klusterikehittämisen</code>" in html
    assert f"klus{SOFT_HYPHEN}te" in html
    assert "no-hyphens'>klusterikehittämisen<br>klusterikehittämisen</p>" in html


def test_finnish_book_breaks_words_at_line_ends(built_project):
    import re

    from pypdf import PdfReader

    source = " ".join(p.read_text(encoding="utf-8") for p in (built_project / "recipes").rglob("fi.md"))
    words = set(re.findall(r"[^\W\d_]+", source))
    pages = PdfReader(built_project / "site" / "downloads" / "keittokirja-a4.pdf").pages
    text = "\n".join(page.extract_text() for page in pages).replace("\x00", "")  # pypdf and CID fonts
    # A word of the recipes split across two lines, whose halves are not words themselves:
    # only hyphenation breaks a word (pypdf may drop the hyphen glyph itself).
    split = [(a, b) for a, b in re.findall(r"([^\W\d_]+)[-\u2010]?\n([^\W\d_]+)", text)
             if a + b in words and a not in words and b not in words]
    assert split, "no word of the recipes was hyphenated at a line end"


def test_no_break_inside_a_ligature():
    """A soft hyphen between f and f (or i, l) still gets a ligature glyph, whose letters the
    PDF's text layer then loses: Treffikierroksilla must stay findable in the appendix."""
    from cookbook.hyphenate import SOFT_HYPHEN, hyphenate_word

    for word in ("Treffikierroksilla", "tilaisuuksiffiin", "Pikaprojektitreffit"):
        marked = hyphenate_word(word)
        assert marked.replace(SOFT_HYPHEN, "") == word
        for pair in ("f" + SOFT_HYPHEN + "f", "f" + SOFT_HYPHEN + "i", "f" + SOFT_HYPHEN + "l"):
            assert pair not in marked, marked
