"""`build.py check`: the shipped recipes pass; broken ones are named with file and line."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

from conftest import ROOT, line_of

from cookbook.config import Project

RECIPE = Path("recipes/sidosryhmaanalyysi/fi.md")


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


def _broken_copies(project: Path) -> None:
    """More recipes (copies of the shipped ones), a few of them broken in different ways."""
    for source in sorted(p for p in (project / "recipes").iterdir() if p.is_dir()):
        for copy in range(2):
            target = project / "recipes" / f"{source.name}-{copy}"
            shutil.copytree(source, target)
            for path in target.glob("*.md"):
                text = path.read_text(encoding="utf-8")
                text = re.sub(r"^title: (.*)$", rf"title: \1 ({copy})", text, count=1, flags=re.M)
                path.write_text(text, encoding="utf-8")
    (project / "recipes" / "sidosryhmaanalyysi-0" / "fi.md").write_text("no front matter\n", encoding="utf-8")
    broken = project / "recipes" / "sidosryhmaanalyysi-1" / "en.md"
    broken.write_text(broken.read_text(encoding="utf-8").replace("\nsummary:", "\nsumary:", 1), encoding="utf-8")


def test_parallel_check_reports_what_the_sequential_one_does(project, monkeypatch):
    """The folders are shared out between this process and forked helpers; the diagnostics and
    the cookbook must not depend on that, nor on a helper that dies before it answers."""
    import cookbook.source.check as check

    _broken_copies(project)
    found = {}
    for mode in ("sequential", "parallel", "helper dies"):
        monkeypatch.setattr(check, "PARALLEL_FROM", 10**6 if mode == "sequential" else 2)
        monkeypatch.setattr(check.os, "cpu_count", lambda: 3)  # two helpers besides this process
        if mode == "helper dies":
            monkeypatch.setattr(check, "_check_chunk", _dies_in_a_helper(check._check_chunk))
        result = check.check_project(Project(project))
        found[mode] = (result.diagnostics, result.files, result.recipes, result.errors)
    assert found["sequential"][3] >= 2
    assert found["parallel"] == found["sequential"]
    assert found["helper dies"] == found["sequential"]


def _dies_in_a_helper(check_chunk):
    parent = os.getpid()

    def chunk(paths, slim=True):
        if os.getpid() != parent:
            os._exit(1)  # as if killed: no answer on the pipe
        return check_chunk(paths, slim)

    return chunk


def test_global_options_are_taken_before_or_after_the_command(project, cli):
    """Users type options after the command (`build.py check --quiet`); both places mean the same."""
    assert re.fullmatch(r"\d+ recipes, 0 problems\n", cli("--project", str(project), "check")[1])
    for args in (("--quiet", "--project", str(project), "check"), ("check", "--quiet", "--project", str(project)),
                 ("--project", str(project), "check", "-q", "--jobs", "2", "--no-cache", "--timings")):
        assert cli(*args) == (0, "", ""), args

    path = project / RECIPE
    path.write_text(path.read_text(encoding="utf-8").replace("\nsummary:", "\nsumary:", 1), encoding="utf-8")
    before, after = cli("-q", "--project", str(project), "check"), cli("check", "--project", str(project), "-q")
    assert before == after and before[0] == 1 and "unknown field 'sumary'" in after[1]

    code, _, err = cli("check", "--project", str(project), "--jobs", "-1")
    assert code == 2 and "--jobs" in err
    code, _, err = cli("site", "--no-such-option")
    assert code == 2 and "unrecognized arguments: --no-such-option" in err
