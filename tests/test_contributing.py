"""CONTRIBUTING.md is generated from the schema and the vocabularies and never drifts from them."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Iterator

from conftest import ROOT
from cookbook.source.body import ALLOWED_TAGS
from cookbook.config import Project
from cookbook.source.contributing import render_contributing
from cookbook.taxonomy import load_taxonomy

SCHEMA = json.loads((ROOT / "cookbook" / "source" / "schema" / "recipe.schema.json").read_text(encoding="utf-8"))


def properties(schema: dict[str, Any]) -> Iterator[tuple[str, dict[str, Any]]]:
    """Every field of the recipe's front matter, nested ones included."""
    for name, prop in schema.get("properties", {}).items():
        yield name, prop
        yield from properties(prop)
    for definition in schema.get("$defs", {}).values():
        yield from properties(definition)


def test_committed_guide_is_up_to_date():
    committed = (ROOT / "CONTRIBUTING.md").read_text(encoding="utf-8")
    assert committed == render_contributing(Project(ROOT)), (
        "CONTRIBUTING.md is out of date: run `python build.py contributing` and commit the result"
    )


def test_rendering_is_deterministic():
    assert render_contributing(Project(ROOT)) == render_contributing(Project(ROOT))


def test_guide_names_every_field_and_term():
    text = (ROOT / "CONTRIBUTING.md").read_text(encoding="utf-8")
    for name, prop in properties(SCHEMA):
        assert f"| `{name}` |" in text, name
        assert prop.get("description", "") in text, name
    taxonomy = load_taxonomy(ROOT / "recipes" / "taxonomy.yml", ("fi", "en"))
    for vocabulary, terms in taxonomy.vocabularies.items():
        assert f"#### `{vocabulary}`" in text
        for term in terms:
            assert f"| `{term.id}` |" in text
            for lang in ("fi", "en"):
                assert term.label[lang] in text and term.description.get(lang, "") in text


def test_guide_is_finnish_first_then_english():
    text = (ROOT / "CONTRIBUTING.md").read_text(encoding="utf-8")
    assert text.index("## Suomeksi") < text.index("## In English")
    for phrase in ("make serve", "make check", "python build.py check", "python build.py new", "hint:", "pull request"):
        assert text.count(phrase) >= 2, phrase  # in both languages
    assert all(f"`<{tag}>`" in text for tag in ALLOWED_TAGS)


def test_every_field_has_a_finnish_description():
    # Without one, the Finnish field reference falls back to the schema's English text.
    missing = [name for name, prop in properties(SCHEMA) if "description" in prop and not prop.get("x-description-fi")]
    assert not missing, f"add x-description-fi to these fields of recipe.schema.json: {missing}"


def test_check_option_reports_a_stale_guide(project: Path, cli):
    assert cli("--project", str(project), "contributing")[0] == 0
    assert (project / "CONTRIBUTING.md").is_file()
    assert cli("--project", str(project), "contributing", "--check")[0] == 0
    taxonomy = project / "recipes" / "taxonomy.yml"
    taxonomy.write_text(taxonomy.read_text(encoding="utf-8").replace("Launching an ecosystem", "Starting an ecosystem"), encoding="utf-8")
    code, _, err = cli("--project", str(project), "contributing", "--check")
    assert code == 1 and "run `python build.py contributing`" in err
    assert cli("--project", str(project), "contributing")[0] == 0
    assert "Starting an ecosystem" in (project / "CONTRIBUTING.md").read_text(encoding="utf-8")
