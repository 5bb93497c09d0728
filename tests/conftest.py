"""Fixtures: throwaway copies of the project, so tests never touch the real build output."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from cookbook.cli import run

ROOT = Path(__file__).resolve().parent.parent
PROJECT_FILES = ("cookbook.yml", "mkdocs.yml")
PROJECT_DIRS = ("recipes", "templates", "content")


def copy_project(target: Path) -> Path:
    """A copy of the project's content and configuration; the code is linked, not copied."""
    target.mkdir(parents=True, exist_ok=True)
    for name in PROJECT_FILES:
        shutil.copy2(ROOT / name, target / name)
    for name in PROJECT_DIRS:
        shutil.copytree(ROOT / name, target / name)
    (target / "cookbook").symlink_to(ROOT / "cookbook")
    return target


@pytest.fixture
def project(tmp_path: Path) -> Path:
    return copy_project(tmp_path / "project")


@pytest.fixture
def small_project(tmp_path: Path) -> Path:
    """A copy of the project with one small known-good recipe (recipes/esimerkki) in place of the
    shipped ones: for tests of the machinery, which need not render the whole cookbook."""
    from datetime import date, timedelta

    root = copy_project(tmp_path / "project")
    for folder in (root / "recipes").iterdir():
        if folder.is_dir():
            shutil.rmtree(folder)
    target = root / "recipes" / "esimerkki"
    target.mkdir()
    recent = (date.today() - timedelta(days=30)).isoformat()
    for lang in ("fi", "en"):
        text = (ROOT / "tests" / "fixtures" / "esimerkki" / f"{lang}.md").read_text(encoding="utf-8")
        (target / f"{lang}.md").write_text(text.replace("2025-06-01", recent), encoding="utf-8")
    return root


DRAFT_ID = "luonnos"


def add_draft(root: Path) -> None:
    """A draft recipe: it must appear in the preview only, never in the published build."""
    folder = root / "recipes" / DRAFT_ID
    folder.mkdir()
    for lang in ("fi", "en"):
        text = (ROOT / "tests" / "fixtures" / "esimerkki" / f"{lang}.md").read_text(encoding="utf-8")
        (folder / f"{lang}.md").write_text(text.replace("status: published", "status: draft"), encoding="utf-8")


@pytest.fixture(scope="session")
def built_project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The shipped cookbook plus one draft, fully built once for the whole session."""
    root = copy_project(tmp_path_factory.mktemp("built") / "project")
    add_draft(root)
    assert run(["--project", str(root)]) == 0
    return root


@pytest.fixture
def cli(capsys: pytest.CaptureFixture[str]):
    """Run build.py's command line in-process; returns (exit code, stdout, stderr)."""

    def invoke(*args: str) -> tuple[int, str, str]:
        code = run(list(args))
        captured = capsys.readouterr()
        return code, captured.out, captured.err

    return invoke
