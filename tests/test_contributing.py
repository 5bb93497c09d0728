"""CONTRIBUTING.md is generated from the schema and vocabularies and never drifts from them."""

from __future__ import annotations

import json
from pathlib import Path

from conftest import ROOT
from cookbook.config import Project
from cookbook.contributing import render_contributing
from cookbook.taxonomy import load_taxonomy


def test_committed_guide_is_up_to_date():
    committed = (ROOT / "CONTRIBUTING.md").read_text(encoding="utf-8")
    assert committed == render_contributing(Project(ROOT)), (
        "CONTRIBUTING.md is out of date: run `python build.py contributing` and commit the result"
    )


def test_guide_names_every_field_and_term():
    text = (ROOT / "CONTRIBUTING.md").read_text(encoding="utf-8")
    schema = json.loads((ROOT / "cookbook" / "schema" / "recipe.schema.json").read_text(encoding="utf-8"))
    for name in schema["properties"]:
        assert f"`{name}`" in text
    for definition in schema["$defs"].values():
        for name in definition.get("properties", {}):
            assert f"`{name}`" in text
    taxonomy = load_taxonomy(ROOT / "recipes" / "taxonomy.yml", ("fi", "en"))
    for terms in taxonomy.vocabularies.values():
        for term in terms:
            assert f"`{term.id}`" in text
    assert "## Suomeksi" in text and "## In English" in text


def test_check_option_reports_a_stale_guide(project: Path, cli):
    assert cli("--project", str(project), "contributing")[0] == 0
    assert cli("--project", str(project), "contributing", "--check")[0] == 0
    taxonomy = project / "recipes" / "taxonomy.yml"
    taxonomy.write_text(taxonomy.read_text(encoding="utf-8").replace("Launching an ecosystem", "Starting an ecosystem"), encoding="utf-8")
    code, _, err = cli("--project", str(project), "contributing", "--check")
    assert code == 1 and "python build.py contributing" in err
