"""Fixtures: throwaway copies of the project, so tests never touch the real build output."""

from __future__ import annotations

import os
import shutil
from functools import lru_cache
from pathlib import Path
from typing import Callable

import pytest

from cookbook.cli import run
from cookbook.config import Project

ROOT = Path(__file__).resolve().parent.parent
# The shipped cookbook's languages, the source language first (cookbook.yml).
LANGUAGES = tuple(Project(ROOT).settings["languages"])
PROJECT_FILES = ("cookbook.yml", "mkdocs.yml")
PROJECT_DIRS = ("recipes", "templates", "content")


def require_tool(command: str, package: str) -> str:
    """The path of a program the tests use. A missing one fails the test, saying how to install
    it; it never skips it, so a green run has run every test."""
    path = shutil.which(command)
    if path is None:
        pytest.fail(f"{command} is not installed: run `make setup` as root, or `sudo apt-get install {package}`",
                    pytrace=False)
    return path


@pytest.fixture(scope="session")
def poppler() -> None:
    """poppler-utils: PDF text with positions, page images, fonts and document info."""
    for command in ("pdftotext", "pdftoppm", "pdffonts", "pdfinfo"):
        require_tool(command, "poppler-utils")


def line_of(path: Path, prefix: str) -> int:
    """The number of the first line of the file that starts with `prefix`."""
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if line.startswith(prefix):
            return number
    raise AssertionError(f"{prefix!r} not in {path}")


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


def make_small_project(target: Path) -> Path:
    """A copy of the project with one small known-good recipe (recipes/esimerkki) in place of the
    shipped ones: for tests of the machinery, which need not render the whole cookbook."""
    from datetime import date, timedelta

    root = copy_project(target)
    for folder in (root / "recipes").iterdir():
        if folder.is_dir():
            shutil.rmtree(folder)
    recipe = root / "recipes" / "esimerkki"
    recipe.mkdir()
    recent = (date.today() - timedelta(days=30)).isoformat()
    for lang in LANGUAGES:
        text = (ROOT / "tests" / "fixtures" / "esimerkki" / f"{lang}.md").read_text(encoding="utf-8")
        (recipe / f"{lang}.md").write_text(text.replace("2025-06-01", recent), encoding="utf-8")
    return root


@pytest.fixture
def small_project(tmp_path: Path) -> Path:
    return make_small_project(tmp_path / "project")


@pytest.fixture(scope="session")
def built_small_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The small project fully built once (site, PDFs, caches); tests get copies of it."""
    def build(root: Path) -> None:
        make_small_project(root)
        assert run(["--project", str(root), "--quiet"]) == 0

    return built_once(tmp_path_factory, "small-built", build)


@pytest.fixture
def built_small_project(built_small_template: Path, tmp_path: Path) -> Path:
    """A copy of the small project as a full build left it: for tests of what the next build
    does. The copy's files are its own (no hard links into the template)."""
    return copy_built(built_small_template, tmp_path / "project")


DRAFT_ID = "luonnos"


def add_draft(root: Path) -> None:
    """A draft recipe: it must appear in the preview only, never in the published build."""
    folder = root / "recipes" / DRAFT_ID
    folder.mkdir()
    for lang in LANGUAGES:
        text = (ROOT / "tests" / "fixtures" / "esimerkki" / f"{lang}.md").read_text(encoding="utf-8")
        (folder / f"{lang}.md").write_text(text.replace("status: published", "status: draft"), encoding="utf-8")


def built_once(factory: pytest.TempPathFactory, name: str, build: Callable[[Path], None]) -> Path:
    """A project built once for the whole run: with `pytest -n`, the first worker to need it
    builds it and the others wait for it (a lock and a mark in the run's shared temporary
    folder), so that each build is made once, not once per worker."""
    from filelock import FileLock

    shared = factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER"):
        shared = shared.parent  # the folder all workers of this run share
    root, done = shared / name / "project", shared / name / "done"
    with FileLock(str(shared / f"{name}.lock")):
        if not done.exists():
            shutil.rmtree(root.parent, ignore_errors=True)
            build(root)
            done.touch()
    return root


@pytest.fixture(scope="session")
def built_project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The shipped cookbook plus one draft, fully built once for the whole run: on two
    processes and with the cache (test_fast_builds holds it to a one-process build without)."""
    def build(root: Path) -> None:
        copy_project(root)
        add_draft(root)
        assert run(["--project", str(root), "--quiet", "--jobs", "2"]) == 0

    return built_once(tmp_path_factory, "built", build)


@lru_cache(maxsize=None)
def _page_texts(path: Path, stamp: tuple[int, int]) -> tuple[str, ...]:
    from pypdf import PdfReader

    return tuple(page.extract_text() for page in PdfReader(path).pages)


def page_texts(path: Path) -> tuple[str, ...]:
    """The text of each page of a PDF, as pypdf extracts it; read once per file and version
    (several tests read the same book, and extraction takes seconds)."""
    status = path.stat()
    return _page_texts(path.resolve(), (status.st_mtime_ns, status.st_size))


def copy_built(built: Path, target: Path) -> Path:
    """A copy of a built project, caches included, whose files are its own."""
    return Path(shutil.copytree(built, target, symlinks=True))


@pytest.fixture
def cli(capsys: pytest.CaptureFixture[str]):
    """Run build.py's command line in-process; returns (exit code, stdout, stderr)."""

    def invoke(*args: str) -> tuple[int, str, str]:
        code = run(list(args))
        captured = capsys.readouterr()
        return code, captured.out, captured.err

    return invoke


VNU_JAR = ROOT / "tools" / "node" / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"


@pytest.fixture(scope="session")
def vnu() -> list[str]:
    """The command of the W3C HTML checker (npm vnu-jar, run by Java)."""
    java = require_tool("java", "default-jre-headless")
    if not VNU_JAR.is_file():
        pytest.fail(f"{VNU_JAR.relative_to(ROOT)} is missing: run `make setup` (npm ci in tools/node)", pytrace=False)
    return [java, "-jar", str(VNU_JAR)]


@pytest.fixture(scope="module")
def browser_site(built_project: Path):
    """The shipped cookbook's site on loopback, and chromium to read it: (base URL, browser)."""
    from playwright.sync_api import sync_playwright

    from browser import launch, serve

    with serve(built_project / "site") as base_url, sync_playwright() as playwright:
        browser = launch(playwright)
        yield base_url, browser
        browser.close()


def unzipped_offline_copy(built_project: Path, target: Path) -> Path:
    """The built site's offline zip, unpacked as a reader would: the folder that holds index.html."""
    import zipfile

    with zipfile.ZipFile(built_project / "site" / "offline" / "keittokirja-offline.zip") as archive:
        archive.extractall(target)
    return target / "keittokirja"
