"""A language is added with files and configuration, no code: a test adds one to a copy of the
project (German here, which none of the shipped editions is) and builds every output of it."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

import pytest
import yaml

from conftest import LANGUAGES

LANG = "de"


def add_language(root: Path, code: str = LANG) -> None:
    """`code` added as a copy of the English files, as a translator would start it: the
    settings, the interface texts (downloads named apart), the vocabularies' labels, the recipe
    and the pages."""
    settings = root / "cookbook.yml"
    settings.write_text(re.sub(r"^languages: \[(.*)\]", rf"languages: [\1, {code}]", settings.read_text(encoding="utf-8"),
                               flags=re.M), encoding="utf-8")
    strings = yaml.safe_load((root / "templates" / "i18n" / "en.yml").read_text(encoding="utf-8"))
    strings["name"] = "Deutsch"
    strings["site_name"] = "Kochbuch der Clusterentwicklung"
    strings["pdf"] = {key: name.replace("-en", f"-{code}") for key, name in strings["pdf"].items()}
    (root / "templates" / "i18n" / f"{code}.yml").write_text(yaml.safe_dump(strings, allow_unicode=True), encoding="utf-8")
    taxonomy = yaml.safe_load((root / "recipes" / "taxonomy.yml").read_text(encoding="utf-8"))
    for terms in taxonomy.values():
        for term in terms:
            for texts in (term.get("label"), term.get("description")):
                if texts:
                    texts[code] = texts["en"]
    (root / "recipes" / "taxonomy.yml").write_text(yaml.safe_dump(taxonomy, allow_unicode=True, sort_keys=False),
                                                   encoding="utf-8")
    for english in [*root.glob("recipes/*/en.md"), *root.glob("content/**/*.en.md")]:
        translated = english.read_text(encoding="utf-8").replace("An example city", "Eine Beispielstadt")
        target = english.with_name(f"{code}.md") if english.name == "en.md" else english.with_name(
            english.name.replace(".en.md", f".{code}.md"))
        target.write_text(translated, encoding="utf-8")


@pytest.fixture(scope="module")
def four_languages(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from conftest import make_small_project, run

    root = make_small_project(tmp_path_factory.mktemp("languages") / "project")
    add_language(root)
    assert run(["--project", str(root), "--quiet"]) == 0
    return root


def test_a_language_added_with_files_gets_its_site(four_languages: Path):
    site = four_languages / "site"
    page = (site / LANG / "recipes" / "esimerkki" / "index.html").read_text(encoding="utf-8")
    assert '<html lang="de"' in page
    assert "Eine Beispielstadt" in page
    # The language switch of every edition offers all of them.
    for edition in ("", *(f"{lang}/" for lang in LANGUAGES[1:]), f"{LANG}/"):
        home = (site / edition / "index.html").read_text(encoding="utf-8")
        assert set(re.findall(r'hreflang="([a-z]+)"', home)) == {*LANGUAGES, LANG}, edition
    assert any((site / LANG / "pagefind").glob(f"wasm.{LANG}.pagefind")), "no search index in the language"


def test_a_language_added_with_files_gets_its_offline_search(four_languages: Path):
    archive = next((four_languages / "site" / "offline").glob("*.zip"))
    with zipfile.ZipFile(archive) as offline:
        names = offline.namelist()
        index = offline.read(next(n for n in names if n.endswith(f"/{LANG}/search-index.js"))).decode()
        finnish = offline.read(next(n for n in names if re.search(r"^[^/]+/search-index\.js$", n))).decode()
    assert "Eine Beispielstadt" in index
    # lunr has no German stemmer in our assets: the index says so, and words are matched as written.
    assert "window.cookbookStemmer = null;" in index
    assert 'window.cookbookStemmer = "lunr.fi.min.js";' in finnish


def test_a_language_added_with_files_gets_its_pdfs(four_languages: Path):
    downloads = four_languages / "site" / "downloads"
    names = {path.name for path in downloads.glob("*.pdf")}
    expected = {f"esimerkki-{LANG}.pdf", f"cookbook-{LANG}-a4.pdf", f"cookbook-{LANG}-a5.pdf",
                f"cookbook-{LANG}-a5-booklet.pdf", f"cookbook-{LANG}-print.pdf", f"cards-{LANG}.pdf",
                f"cards-{LANG}-sheets.pdf"}
    assert expected <= names, sorted(expected - names)


def test_a_language_file_that_lacks_texts_is_named_with_what_it_lacks(small_project: Path, cli):
    add_language(small_project)
    path = small_project / "templates" / "i18n" / f"{LANG}.yml"
    strings = yaml.safe_load(path.read_text(encoding="utf-8"))
    del strings["labels"]["evidence"]
    path.write_text(yaml.safe_dump(strings, allow_unicode=True), encoding="utf-8")
    code, out, err = cli("--project", str(small_project), "check")
    assert code != 0
    assert f"templates/i18n/{LANG}.yml: lacks labels.evidence, which fi.yml has" in out + err
    assert "Traceback" not in out + err


def test_two_languages_cannot_share_a_download_name(small_project: Path, cli):
    add_language(small_project)
    path = small_project / "templates" / "i18n" / f"{LANG}.yml"
    path.write_text(path.read_text(encoding="utf-8").replace(f"cards-{LANG}.pdf", "cards-en.pdf"), encoding="utf-8")
    code, out, err = cli("--project", str(small_project), "check")
    assert code != 0
    assert f"templates/i18n/{LANG}.yml: pdf.cards is 'cards-en.pdf', as in en.yml" in out + err
