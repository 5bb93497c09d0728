"""How proven each recipe is: a required `evidence` field, checked with file:line:col, shown on
the recipe page, in the finder and on paper, with what the source reports told apart from what
the recipe adds."""

from __future__ import annotations

import html
import re
import subprocess
from pathlib import Path

from conftest import line_of

FI = Path("recipes/esimerkki/fi.md")
EN = Path("recipes/esimerkki/en.md")


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_a_recipe_without_evidence_is_refused(small_project: Path, cli):
    fi = small_project / FI
    text = fi.read_text(encoding="utf-8")
    fi.write_text(re.sub(r"\nevidence:\n(  .*\n)+", "\n", text), encoding="utf-8")
    code, out, _ = cli("--project", str(small_project), "check")
    assert code == 1
    assert f"{FI.as_posix()}:1:1: error[missing-field]: the front matter lacks the required field 'evidence'" in out
    assert "hint: add a line 'evidence: …'" in out


def test_each_part_of_the_evidence_is_required_where_it_belongs(small_project: Path, cli):
    fi, en = small_project / FI, small_project / EN
    edit(fi, "  added: Vaiheet ja mittarit ovat toimituksen ehdotuksia.\n", "")
    edit(fi, "  level: tried-once", "  level: evaluated")
    edit(en, "evidence:\n", "evidence:\n  level: tried-often\n")
    code, out, _ = cli("--project", str(small_project), "check")
    assert code == 1
    first_key = line_of(fi, "  level:")
    assert f"{FI.as_posix()}:{first_key}:3: error[missing-field]: evidence lacks the required field 'added'" in out
    # An evaluated practice cites its evaluation.
    assert f"{FI.as_posix()}:{first_key}:3: error[missing-field]: evidence lacks the required field 'evaluation'" in out
    assert "cites its evaluation" in out
    level = line_of(en, "  level:")
    assert f"{EN.as_posix()}:{level}:10: error[unknown-term]: 'tried-often' in evidence.level is not one of the evidence levels" in out
    assert "did you mean 'tried-once'?" in out
    # The level is the original's: a translation that states another one is told so.
    assert f"{EN.as_posix()}:{level}:10: error[translation-mismatch]: evidence.level differs from fi.md ('evaluated')" in out


def test_an_evaluated_practice_with_its_evaluation_passes(small_project: Path, cli):
    edit(small_project / FI, "  level: tried-once", "  level: evaluated\n  evaluation:\n    title: Arviointiraportti\n"
         "    publisher: Esimerkkiyliopisto\n    year: 2025")
    code, out, _ = cli("--project", str(small_project), "check", "--strict")
    assert code == 0, out


def page(project: Path, path: str) -> str:
    return (project / "site" / path).read_text(encoding="utf-8")


def test_the_recipe_page_says_how_proven_and_what_was_done_apart_from_what_is_added(built_small_project: Path):
    fi = page(built_small_project, "recipes/esimerkki/index.html")
    facts = re.search(r'<dl class="cb-facts".*?</dl>', fi, re.S).group(0)
    assert re.search(r"<dt>Näytön aste</dt>\s*<dd><span[^>]*>Kokeiltu kerran</span></dd>", facts)
    evidence = re.search(r'<aside class="cb-evidence".*?</aside>', fi, re.S).group(0)
    assert re.search(r"<dt>Lähteen mukaan tehty</dt>\s*<dd>Esimerkkikaupunki järjesti tapahtuman kerran", evidence)
    assert re.search(r"<dt>Reseptin omat ehdotukset</dt>\s*<dd>Vaiheet ja mittarit ovat toimituksen ehdotuksia.", evidence)
    # Before the method: a reader knows how proven the practice is before reading how to do it.
    assert fi.index("cb-evidence") < re.search(r"<h2[^>]*>Miksi", fi).start()
    en = page(built_small_project, "en/recipes/esimerkki/index.html")
    assert re.search(r"<dt>Evidence</dt>\s*<dd><span[^>]*>Tried once</span></dd>", en)
    assert "An example city held the event once in 2024" in en


def test_the_finder_filters_by_evidence(built_small_project: Path):
    finder = page(built_small_project, "finder/index.html")
    select = re.search(r'<select id="cb-evidence" name="evidence">(.*?)</select>', finder, re.S)
    assert select, "no evidence choice in the finder"
    options = re.findall(r'<option value="([^"]*)">([^<]*)</option>', select.group(1))
    assert options == [("", "Kaikki"), ("idea", "Idea"), ("tried-once", "Kokeiltu kerran"),
                       ("tried-repeatedly", "Kokeiltu useasti"), ("evaluated", "Arvioitu")]
    item = re.search(r'<li data-id="esimerkki"[^>]*>', finder).group(0)
    assert 'data-evidence="tried-once"' in item
    finder_js = page(built_small_project, "assets/finder.js")
    assert '"evidence"' in finder_js


def pdf_text(path: Path) -> str:
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout
    return " ".join(text.split())


def test_paper_says_how_proven_and_what_was_done(built_small_project: Path):
    downloads = built_small_project / "site" / "downloads"
    handout = pdf_text(downloads / "esimerkki-fi.pdf")
    facts = handout[handout.index("NÄYTÖN ASTE"):handout.index("Miksi")]  # the facts at the top
    assert "Kokeiltu kerran" in facts
    assert "Näytön aste: Kokeiltu kerran" in handout  # the section beside the sources
    assert "Lähteen mukaan tehty Esimerkkikaupunki järjesti tapahtuman kerran vuonna 2024" in handout
    assert "Reseptin omat ehdotukset Vaiheet ja mittarit ovat toimituksen ehdotuksia." in handout
    book = pdf_text(downloads / "cookbook-en-a4.pdf")
    assert "Evidence: Tried once" in book
    assert "Done, according to the source An example city held the event once in 2024" in book


def test_open_data_carries_the_evidence(built_small_project: Path):
    import json

    data = json.loads(page(built_small_project, "data/recipes.json"))
    record = data["recipes"]["en"][0]
    assert record["evidence"]["level"] == "tried-once"
    assert html.unescape(record["evidence"]["added"]) == "The steps and metrics are suggestions of the editors."
