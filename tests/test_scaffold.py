"""`build.py new`: a scaffold with every field, commented, that passes the check as a draft."""

from __future__ import annotations

import re

import json
import shutil
from datetime import date
from pathlib import Path

import pytest
import yaml

from conftest import LANGUAGES, ROOT
from cookbook.config import Project
from cookbook.source.scaffold import ScaffoldError, new_recipe
from cookbook.source.translations import NEUTRAL_FIELDS, NEUTRAL_METRIC_FIELDS

SCHEMA = json.loads((ROOT / "cookbook" / "source" / "schema" / "recipe.schema.json").read_text(encoding="utf-8"))
NESTED = {name for definition in SCHEMA["$defs"].values() for name in definition.get("properties", {})}
THEMES = ("launch", "networks", "co-creation", "learning", "orchestration", "impact")


def front_matter(path: Path) -> dict:
    return yaml.safe_load(path.read_text(encoding="utf-8").split("---\n")[1])


def new(cli, project: Path, recipe_id: str, title: str = "Yhteinen aamukahvi", theme: str = "networks"):
    return cli("--project", str(project), "new", recipe_id, "--title", title, "--theme", theme)


def test_new_writes_every_field_and_both_languages_pass_the_check(project: Path, cli):
    code, out, err = new(cli, project, "aamukahvi")
    assert code == 0, err
    assert out.splitlines() == [f"wrote recipes/aamukahvi/{lang}.md" for lang in LANGUAGES]

    fi_path, en_path = project / "recipes" / "aamukahvi" / "fi.md", project / "recipes" / "aamukahvi" / "en.md"
    fi = front_matter(fi_path)
    assert set(fi) == set(SCHEMA["properties"])  # every field of the schema
    assert fi["theme"] == "networks" and fi["status"] == "draft" and fi["updated"] == date.today()
    # Optional fields of metrics, methods, cases and sources are there too, commented out.
    fi_text = fi_path.read_text(encoding="utf-8")
    for name in NESTED:
        assert f"{name}:" in fi_text, name

    en = front_matter(en_path)
    assert set(en) == set(SCHEMA["properties"]) - set(NEUTRAL_FIELDS)  # the rest is inherited
    assert all(key not in metric for metric in en["metrics"] for key in NEUTRAL_METRIC_FIELDS)
    assert en["status"] == "draft" and en["updated"] == date.today()

    project_config = Project(project)
    for path, lang in ((fi_path, "fi"), (en_path, "en")):
        text = path.read_text(encoding="utf-8")
        for heading in project_config.language(lang).sections.values():
            assert f"\n## {heading}\n" in text
        assert "\n1. " in text  # the steps are a numbered list

    # Nothing unfinished passes: every placeholder is refused where it is, in every language...
    code, out, _ = cli("--project", str(project), "check", "--strict")
    assert code == 1
    paths = {lang: project / "recipes" / "aamukahvi" / f"{lang}.md" for lang in LANGUAGES}
    markers = [(paths[lang], str(project_config.language(lang).strings["placeholder"])) for lang in LANGUAGES]
    for path, marker in markers:
        lines = path.read_text(encoding="utf-8").split("\n")
        left = [(number, line.index(marker) + 1) for number, line in enumerate(lines, start=1)
                if marker in line and not line.lstrip().startswith("#")]
        reported = [(int(line), int(column)) for line, column in
                    re.findall(rf"^recipes/aamukahvi/{path.name}:(\d+):(\d+): error\[placeholder\]", out, re.M)]
        assert len(left) > 5 and sorted(reported) == left, out
    assert out.count("error[") == out.count("error[placeholder]")
    # ... and once each is written, the scaffold is a valid draft.
    for path, marker in markers:
        path.write_text(path.read_text(encoding="utf-8").replace(marker + ": ", ""), encoding="utf-8")
    code, out, _ = cli("--project", str(project), "check", "--strict")
    assert code == 0, out
    assert "aamukahvi" not in out


def test_every_field_has_a_comment(project: Path):
    written = new_recipe(Project(project), "kommentit", "Kommentoitu resepti", "launch")
    for path in written:
        lines = path.read_text(encoding="utf-8").split("---\n")[1].splitlines()
        for index, line in enumerate(lines):
            if line and not line.startswith((" ", "#")):  # a top-level field
                assert lines[index - 1].lstrip().startswith("#"), f"{path.name}: no comment above {line!r}"


@pytest.mark.parametrize("title", ['Aamukahvi: "yrittäjät" ja kaupunki', "Kaupungin 'avoimet ovet': #1 & muut", "Ei: kolme: kaksoispistettä"])
def test_title_with_colons_and_quotes_survives(project: Path, cli, title: str):
    code, _, err = new(cli, project, "otsikko", title=title)
    assert code == 0, err
    for lang in LANGUAGES:
        assert front_matter(project / "recipes" / "otsikko" / f"{lang}.md")["title"] == title
    code, out, _ = cli("--project", str(project), "check")
    assert out.count("error[") == out.count("error[placeholder]") > 0, out  # only what is left to write


def test_refuses_an_invalid_id(project: Path, cli):
    code, out, err = new(cli, project, "Yhteinen Kehittäminen")
    assert code == 2 and out == ""
    assert "'Yhteinen Kehittäminen' is not a valid recipe id" in err
    assert "'yhteinen-kehittaminen'" in err  # a valid id to use instead
    assert "Traceback" not in err
    assert not any(p.name.startswith("Yhteinen") for p in (project / "recipes").iterdir())


def test_refuses_an_existing_recipe(project: Path, cli):
    before = (project / "recipes" / "sidosryhmaanalyysi" / "fi.md").read_bytes()
    code, _, err = new(cli, project, "sidosryhmaanalyysi")
    assert code == 2
    assert "recipes/sidosryhmaanalyysi already exists" in err and "another id" in err
    assert (project / "recipes" / "sidosryhmaanalyysi" / "fi.md").read_bytes() == before


def test_refuses_an_unknown_theme_and_lists_the_themes(project: Path, cli):
    code, _, err = new(cli, project, "uusi", theme="network")
    assert code == 2
    assert "unknown theme 'network'" in err and "did you mean 'networks'?" in err
    assert all(theme in err for theme in THEMES)
    assert not (project / "recipes" / "uusi").exists()


def test_refuses_a_title_the_schema_would_reject(project: Path, cli):
    code, _, err = new(cli, project, "uusi", title="Ok")
    assert code == 2 and "3–120 characters" in err
    assert not (project / "recipes" / "uusi").exists()


def test_a_language_without_a_scaffold_is_named(project: Path):
    (project / "templates" / "new" / "en.md.j2").unlink()
    with pytest.raises(ScaffoldError, match=r"templates/new/en\.md\.j2"):
        new_recipe(Project(project), "uusi", "Uusi resepti", "launch")
    assert not (project / "recipes" / "uusi").exists()  # nothing half-written


def test_a_language_is_added_with_files_and_config_only(project: Path, cli):
    """Swedish: its i18n texts, its scaffold, labels in the vocabularies and a line of config."""
    strings = yaml.safe_load((project / "templates" / "i18n" / "en.yml").read_text(encoding="utf-8"))
    strings["sections"] = {"why": "Varför", "steps": "Steg", "tips": "Tips", "pitfalls": "Fallgropar"}
    strings["pdf"] = {key: name.replace("-en", "-sv") for key, name in strings["pdf"].items()}  # downloads of its own
    (project / "templates" / "i18n" / "sv.yml").write_text(yaml.safe_dump(strings, allow_unicode=True), encoding="utf-8")
    shutil.copy(project / "templates" / "new" / "en.md.j2", project / "templates" / "new" / "sv.md.j2")
    taxonomy_path = project / "recipes" / "taxonomy.yml"
    taxonomy = yaml.safe_load(taxonomy_path.read_text(encoding="utf-8"))
    for terms in taxonomy.values():
        for term in terms:
            for key in ("label", "description"):
                if key in term:
                    term[key]["sv"] = term[key]["en"]
    taxonomy_path.write_text(yaml.safe_dump(taxonomy, allow_unicode=True, sort_keys=False), encoding="utf-8")
    config = project / "cookbook.yml"
    config.write_text(config.read_text(encoding="utf-8").replace("languages: [fi, en]", "languages: [fi, en, sv]"), encoding="utf-8")

    code, out, err = new(cli, project, "svenska")
    assert code == 0, err
    assert "wrote recipes/svenska/sv.md" in out
    assert "\n## Varför\n" in (project / "recipes" / "svenska" / "sv.md").read_text(encoding="utf-8")
    code, out, _ = cli("--project", str(project), "check", str(project / "recipes" / "svenska"))
    # A valid scaffold in every language: only its placeholders are left to write.
    assert re.search(r"^recipes/svenska/sv\.md:\d+:\d+: error\[placeholder\]", out, re.M), out
    assert out.count("error[") == out.count("error[placeholder]"), out
