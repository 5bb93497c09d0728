"""EU common indicators: the vocabulary names its source, the check holds every `eu_indicator`
to it (file:line:col, the closest code, where the list is), and the site shows a code with its
official name on the metrics catalogue, the recipe page and the EU indicators page, which links
the recipes that feed each indicator."""

from __future__ import annotations

import csv
import json
import re
from datetime import date
from html import unescape
from pathlib import Path

import pytest
import yaml

from conftest import LANGUAGES, ROOT
from cookbook.config import Project
from cookbook.eu_indicators import CODE, load_eu_indicators
from cookbook.source.check import check_project

VOCABULARY = ROOT / "recipes" / "eu_indicators.yml"
RECIPE = Path("recipes/esimerkki")
ERDF_CODE, ESF_CODE = "RCO01", "EECO05"
ERDF_NAME, ESF_NAME = "Enterprises supported (of which: micro, small, medium, large)", "Employed, including self-employed"


def set_code(path: Path, metric_name: str, code: str) -> tuple[int, int]:
    """Give the metric `metric_name` of a recipe file the `eu_indicator` `code`; the line and
    column of the value, as a contributor counts them."""
    lines = path.read_text(encoding="utf-8").split("\n")
    start = lines.index(f"  - name: {metric_name}")
    end = next(i for i in range(start + 1, len(lines)) if not lines[i].startswith("    "))
    lines.insert(end, f"    eu_indicator: {code}")
    path.write_text("\n".join(lines), encoding="utf-8")
    return end + 1, len("    eu_indicator: ") + 1


def test_the_vocabulary_names_its_source():
    data = yaml.safe_load(VOCABULARY.read_text(encoding="utf-8"))
    assert isinstance(data["checked"], date)
    regulations = {regulation["id"]: regulation for regulation in data["regulations"]}
    assert {regulations[r]["celex"] for r in regulations} == {"32021R1058", "32021R1057"}
    for regulation in regulations.values():
        assert regulation["eli"] == f"http://data.europa.eu/eli/reg/{regulation['celex'][1:5]}/{int(regulation['celex'][6:])}/oj"
        assert regulation["annex"]["en"].startswith("Annex ") and regulation["annex"]["fi"].startswith("liite ")
        assert isinstance(regulation["consolidated"], date)  # the consolidated text referred to
        assert all(url.startswith("https://eur-lex.europa.eu/") for url in regulation["url"].values())
        assert regulation["celex"][1:5] + "/" + str(int(regulation["celex"][6:])) in regulation["title"]["fi"]
    evidence = {entry["id"]: entry for entry in data["evidence"]}
    assert all(entry["url"].startswith("https://") and entry["text"].strip() for entry in evidence.values())
    vocabulary = load_eu_indicators(VOCABULARY, ("fi", "en"))
    assert vocabulary.checked == data["checked"].isoformat()
    for entry in data["indicators"]:
        assert CODE.match(entry["code"]) and entry["regulation"] in regulations
        assert len(set(entry["evidence"])) >= 2 and set(entry["evidence"]) <= set(evidence), entry["code"]
        assert entry["name"]["en"], entry["code"]  # the English name is always recorded
    # Both funds are there: ERDF/CF codes (RCO/RCR) and ESF+ codes (EECO…).
    assert ERDF_CODE in vocabulary.codes() and ESF_CODE in vocabulary.codes()
    assert vocabulary.get(ERDF_CODE).regulation.celex == "32021R1058"
    assert vocabulary.get(ESF_CODE).regulation.celex == "32021R1057"
    assert vocabulary.get(ERDF_CODE).name["en"] == ERDF_NAME and vocabulary.get(ESF_CODE).name["en"] == ESF_NAME


def test_a_name_missing_in_a_language_is_shown_in_english_never_translated():
    vocabulary = load_eu_indicators(VOCABULARY, ("fi", "en"))
    for indicator in vocabulary.indicators:
        name, lang = indicator.name_in("fi")
        if indicator.name["fi"]:
            assert (name, lang) == (indicator.name["fi"], "fi")
        else:
            assert (name, lang) == (indicator.name["en"], "en")


def test_an_unknown_code_is_refused_at_its_line_and_column(small_project: Path, cli):
    path = small_project / RECIPE / "fi.md"
    line, column = set_code(path, "Osallistujat", "RCO99")

    code, out, _ = cli("--project", str(small_project), "check")

    assert code == 1
    assert (f"{(RECIPE / 'fi.md').as_posix()}:{line}:{column}: error[unknown-term]: 'RCO99' in metrics[1].eu_indicator "
            "is not one of the EU common indicator codes in recipes/eu_indicators.yml") in out
    hint = out.split("hint: ", 1)[1].split("\n", 1)[0]
    assert "did you mean 'RCO0" in hint and "recipes/eu_indicators.yml" in hint and ESF_CODE in hint
    assert out.count("error[") == 1  # the translation takes the code from fi.md and says nothing


@pytest.mark.parametrize("written, closest", [("rco 01", "RCO01"), ("EECO5", "EECO05"), ("RCO1", "RCO01")])
def test_a_code_written_wrong_gets_one_problem_with_the_closest_code(small_project: Path, cli, written: str, closest: str):
    path = small_project / RECIPE / "fi.md"
    line, column = set_code(path, "Osallistujat", f'"{written}"')

    code, out, _ = cli("--project", str(small_project), "check")

    assert code == 1 and out.count("error[") == 1, out  # not a second one for the form
    assert f"fi.md:{line}:{column}: error[unknown-term]" in out
    assert f"did you mean '{closest}'?" in out


def test_known_erdf_and_esf_codes_are_accepted(small_project: Path, cli):
    path = small_project / RECIPE / "fi.md"
    set_code(path, "Osallistujat", ESF_CODE)
    set_code(path, "Uudet yhteistyöt", ERDF_CODE)

    code, out, _ = cli("--project", str(small_project), "check", "--strict")

    assert code == 0, out
    cookbook = check_project(Project(small_project)).cookbook
    for lang in ("fi", "en"):  # the translation takes the codes from fi.md
        recipe = cookbook.recipes_in(lang)[0]
        assert [m.eu_indicator for m in recipe.metrics] == [ESF_CODE, ERDF_CODE]


def test_a_translation_may_not_give_another_code_or_one_of_its_own(small_project: Path, cli):
    set_code(small_project / RECIPE / "fi.md", "Osallistujat", ESF_CODE)
    en = small_project / RECIPE / "en.md"
    other_line, other_column = set_code(en, "Participants", "EECO02")
    own_line, own_column = set_code(en, "New partnerships", ERDF_CODE)

    code, out, _ = cli("--project", str(small_project), "check")

    assert code == 1
    shown = (RECIPE / "en.md").as_posix()
    assert f"{shown}:{other_line}:{other_column}: error[translation-mismatch]: metrics[1].eu_indicator differs from fi.md ('{ESF_CODE}')" in out
    assert f"{shown}:{own_line}:{own_column}: error[translation-mismatch]: metrics[2].eu_indicator is not set in fi.md" in out


def test_a_broken_vocabulary_is_named_at_its_line(small_project: Path, cli):
    path = small_project / "recipes" / "eu_indicators.yml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("code: RCO02", "code: RCO01"), encoding="utf-8")
    line = text[:text.index("code: RCO02")].count("\n") + 1

    code, out, _ = cli("--project", str(small_project), "check")

    assert code == 1
    assert f"recipes/eu_indicators.yml:{line}:1: error[taxonomy]: the code 'RCO01' is listed twice" in out


def test_codes_outside_the_form_stay_outside_the_schema():
    schema = json.loads((ROOT / "cookbook" / "source" / "schema" / "recipe.schema.json").read_text(encoding="utf-8"))
    pattern = re.compile(schema["$defs"]["metric"]["properties"]["eu_indicator"]["pattern"])
    for good in ("RCO01", "RCR102", "EECO05", "EECR03", "EESR04"):
        assert pattern.match(good) and CODE.match(good), good
    for bad in ("RCO 01", "rco01", "RCO1", "EECO5", "XYZ01", "RCO01 "):
        assert not pattern.match(bad) and not CODE.match(bad), bad


@pytest.fixture(scope="module")
def eu_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The small project with one ERDF and one ESF+ indicator on its metrics, and markup in a
    metric's name, built as a site."""
    from conftest import make_small_project
    from cookbook.cli import run

    root = make_small_project(tmp_path_factory.mktemp("eu") / "project")
    fi = root / RECIPE / "fi.md"
    fi.write_text(fi.read_text(encoding="utf-8").replace("name: Uudet yhteistyöt", 'name: "Uudet <b>yhteistyöt</b> & muut"'),
                  encoding="utf-8")
    set_code(fi, "Osallistujat", ESF_CODE)
    set_code(fi, '"Uudet <b>yhteistyöt</b> & muut"', ERDF_CODE)
    assert run(["--project", str(root), "--quiet", "site"]) == 0
    return root


def page(site: Path, lang: str, path: str) -> str:
    return (site / ("" if lang == "fi" else lang) / path / "index.html").read_text(encoding="utf-8")


@pytest.mark.parametrize("lang", ["fi", "en"])
def test_the_indicators_page_shows_code_name_source_and_links_the_recipes(eu_site: Path, lang: str):
    site = eu_site / "site"
    html = page(site, lang, "eu-indicators")
    recipe = check_project(Project(eu_site)).cookbook.recipes_in(lang)[0]
    for code, name, act in ((ERDF_CODE, ERDF_NAME, "(EU) 2021/1058"), (ESF_CODE, ESF_NAME, "(EU) 2021/1057")):
        entry = html[html.index(f'id="{code.lower()}"'):]
        entry = entry[:entry.index("</section>")]
        assert f'<span class="cb-eu-code">{code}</span>' in entry
        # The official name; on the Finnish page marked as English while no Finnish one is recorded.
        marked = ' lang="en"' if lang == "fi" else ""
        assert f'<span class="cb-eu-name"{marked}>{name}</span>' in unescape(entry)
        assert act in entry and ("Annex I" if lang == "en" else "liite I") in entry
        # The metric that feeds it, and its recipe, linked.
        assert re.search(r'<a href="\.\./recipes/esimerkki/">' + re.escape(recipe.title) + "</a>", entry), entry
        target = site / ("" if lang == "fi" else lang) / "recipes" / "esimerkki" / "index.html"
        assert target.is_file()
    # Contributor text stays text.
    assert "Uudet &lt;b&gt;yhteistyöt&lt;/b&gt; &amp; muut" in html if lang == "fi" else True
    assert "<b>yhteistyöt</b>" not in html
    # The vocabulary's other codes are listed apart, and the source is named.
    assert 'id="rco02"' in html and "32021R1058" in html and "32021R1057" in html
    assert "https://eur-lex.europa.eu/legal-content/" in html


@pytest.mark.parametrize("lang", ["fi", "en"])
def test_the_catalogue_and_the_recipe_show_code_and_name_linked_to_the_indicators_page(eu_site: Path, lang: str):
    site = eu_site / "site"
    for path, to_page in (("metrics", "../eu-indicators/"), ("recipes/esimerkki", "../../eu-indicators/")):
        html = unescape(page(site, lang, path))
        for code, name in ((ERDF_CODE, ERDF_NAME), (ESF_CODE, ESF_NAME)):
            assert re.search(rf'<a class="cb-eu-code" href="{re.escape(to_page)}#{code.lower()}">{code}</a> '
                             rf'<span class="cb-eu-name"[^>]*>{re.escape(name)}</span>', html), (path, code)
    # The catalogue leads to the page, and the navigation has it beside the metrics catalogue.
    catalogue = page(site, lang, "metrics")
    assert 'class="cb-eu-lead"><a href="../eu-indicators/"' in catalogue
    nav = re.findall(r'href="(?:\.\./)*(metrics|eu-indicators|methods)/"', page(site, lang, "recipes/esimerkki"))
    assert nav.index("eu-indicators") == nav.index("metrics") + 1


def test_the_open_data_carries_code_and_name(eu_site: Path):
    data = eu_site / "site" / "data"
    rows = list(csv.DictReader((data / "metrics.csv").read_text(encoding="utf-8").splitlines()))
    by = {(row["language"], row["eu_indicator"]): row for row in rows if row["eu_indicator"]}
    assert set(by) == {(lang, code) for lang in LANGUAGES for code in (ERDF_CODE, ESF_CODE)}
    assert by[("en", ERDF_CODE)]["eu_indicator_name"] == ERDF_NAME
    assert by[("fi", ESF_CODE)]["eu_indicator_name"] == ESF_NAME  # no Finnish name recorded: the official English one
    recipes = json.loads((data / "recipes.json").read_text(encoding="utf-8"))
    assert recipes["eu_indicators"][ERDF_CODE]["celex"] == "32021R1058"
    assert recipes["eu_indicators"][ESF_CODE]["name"]["en"] == ESF_NAME
    metrics = recipes["recipes"]["en"][0]["metrics"]
    assert [m["eu_indicator"] for m in metrics] == [ESF_CODE, ERDF_CODE]
