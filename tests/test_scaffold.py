"""`build.py new`: a scaffold with every field that passes the check as a draft."""

from __future__ import annotations

import json
from pathlib import Path

import yaml

from conftest import ROOT

SCHEMA = json.loads((ROOT / "cookbook" / "schema" / "recipe.schema.json").read_text(encoding="utf-8"))
NEUTRAL = {"theme", "stages", "actors", "difficulty", "duration", "group_size", "related"}


def front_matter(path: Path) -> dict:
    return yaml.safe_load(path.read_text(encoding="utf-8").split("---\n")[1])


def test_new_recipe_has_every_field_and_passes_the_check(project: Path, cli):
    title = 'Yhteinen "aamukahvi": yrittäjät ja kaupunki'
    code, out, _ = cli("--project", str(project), "new", "aamukahvi", "--title", title, "--theme", "networks")
    assert code == 0, out
    assert "wrote recipes/aamukahvi/fi.md" in out and "wrote recipes/aamukahvi/en.md" in out
    fi = front_matter(project / "recipes" / "aamukahvi" / "fi.md")
    assert set(SCHEMA["properties"]) <= set(fi)
    assert fi["title"] == title and fi["theme"] == "networks" and fi["status"] == "draft"
    en = front_matter(project / "recipes" / "aamukahvi" / "en.md")
    assert set(SCHEMA["properties"]) - NEUTRAL <= set(en)
    code, out, _ = cli("--project", str(project), "check", "--strict", str(project / "recipes" / "aamukahvi"))
    assert code == 0, out


def test_new_refuses_a_bad_id_an_existing_recipe_and_an_unknown_theme(project: Path, cli):
    code, _, err = cli("--project", str(project), "new", "Bad_Id", "--title", "Hyvä nimi", "--theme", "networks")
    assert code == 2 and "not a valid recipe id" in err
    code, _, err = cli("--project", str(project), "new", "sidosryhmaanalyysi", "--title", "Hyvä nimi", "--theme", "networks")
    assert code == 2 and "already exists" in err
    code, _, err = cli("--project", str(project), "new", "uusi", "--title", "Hyvä nimi", "--theme", "cooking")
    assert code == 2 and "launch" in err and "networks" in err
    assert not (project / "recipes" / "uusi").exists()
