"""`build.py check`: the shipped recipes pass; broken ones are named with file and line."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

from conftest import ROOT

RECIPE = Path("recipes/sidosryhmaanalyysi/fi.md")


def line_of(path: Path, prefix: str) -> int:
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if line.startswith(prefix):
            return number
    raise AssertionError(f"{prefix!r} not in {path}")


def test_shipped_recipes_pass(cli):
    code, out, _ = cli("--project", str(ROOT), "check")
    assert code == 0, out
    assert re.search(r"^\d+ recipes?, 0 problems$", out, re.M)


def test_build_py_check_runs_as_a_command():
    result = subprocess.run([sys.executable, "build.py", "check"], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 problems" in result.stdout
    assert "Traceback" not in result.stderr


def test_misspelled_key_names_file_line_and_fix(project, cli):
    path = project / RECIPE
    text = path.read_text(encoding="utf-8").replace("\nsummary:", "\nsumary:", 1)
    path.write_text(text, encoding="utf-8")
    line = line_of(path, "sumary:")

    code, out, _ = cli("--project", str(project), "check")

    assert code == 1
    assert f"{RECIPE.as_posix()}:{line}:1: error[unknown-field]: unknown field 'sumary'" in out
    assert "did you mean 'summary'?" in out
    # The misspelling also leaves the required field missing: both are reported in one run.
    assert "error[missing-field]" in out and "'summary'" in out


def test_unknown_theme_lists_valid_terms(project, cli):
    path = project / RECIPE
    path.write_text(path.read_text(encoding="utf-8").replace("theme: launch", "theme: lunch"), encoding="utf-8")
    line = line_of(path, "theme:")

    code, out, _ = cli("--project", str(project), "check")

    assert code == 1
    assert f"{RECIPE.as_posix()}:{line}:8: error[unknown-term]" in out
    assert "did you mean 'launch'?" in out
    assert "networks" in out  # the valid terms are listed


def test_missing_front_matter_is_a_clear_error(project, cli):
    (project / RECIPE).write_text("# Just a heading\n", encoding="utf-8")
    code, out, _ = cli("--project", str(project), "check")
    assert code == 1
    assert f"{RECIPE.as_posix()}:1:1: error[no-front-matter]" in out


def test_usage_error_exits_2(cli):
    code, _, err = cli("--project", str(ROOT), "no-such-command")
    assert code == 2
    assert "invalid choice" in err
