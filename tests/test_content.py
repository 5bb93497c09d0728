"""Pages and theme introductions: checked like recipes, shown on the site and in the book."""

from __future__ import annotations

from pathlib import Path

from conftest import page_texts


def test_theme_introduction_opens_the_theme_page_and_the_chapter(built_project: Path):
    intro = (built_project / "content" / "themes" / "launch.fi.md").read_text(encoding="utf-8")
    first_sentence = intro.split(".")[0].replace("\n", " ")
    page = (built_project / "site" / "themes" / "launch" / "index.html").read_text(encoding="utf-8")
    assert " ".join(page.split()).count(first_sentence) == 1
    text = " ".join(" ".join(page_texts(built_project / "site" / "downloads" / "keittokirja-a4.pdf")).split())
    assert first_sentence.split()[0] in text and "Ekosysteemin käynnistäminen" in text


def test_about_and_workshop_pages_in_both_languages(built_project: Path):
    about_fi = (built_project / "site" / "about" / "index.html").read_text(encoding="utf-8")
    assert "232 952 euroa" in about_fi and "55 908 euroa" in about_fi
    about_en = (built_project / "site" / "en" / "about" / "index.html").read_text(encoding="utf-8")
    assert "€232,952" in about_en and "lang=\"en\"" in about_en
    assert (built_project / "site" / "workshop" / "index.html").is_file()
    assert (built_project / "site" / "en" / "workshop" / "index.html").is_file()


def test_missing_theme_introduction_is_a_warning(project: Path, cli):
    (project / "content" / "themes" / "impact.en.md").unlink()
    code, out, _ = cli("--project", str(project), "check")
    assert code == 0
    assert "content/themes/impact.en.md:1:1: warning[missing-theme-intro]" in out
    assert cli("--project", str(project), "check", "--strict")[0] == 1


def test_unsafe_markup_in_a_page_is_an_error(project: Path, cli):
    page = project / "content" / "about.fi.md"
    page.write_text(page.read_text(encoding="utf-8") + "\n<script>alert(1)</script>\n", encoding="utf-8")
    code, out, _ = cli("--project", str(project), "check")
    assert code == 1
    assert "content/about.fi.md:" in out and "error[unsafe-html]" in out


def test_theme_intro_for_an_unknown_theme(project: Path, cli):
    (project / "content" / "themes" / "cooking.fi.md").write_text("Text.\n", encoding="utf-8")
    code, out, _ = cli("--project", str(project), "check")
    assert code == 1 and "content/themes/cooking.fi.md:1:1: error[unknown-theme]" in out
