"""Whatever a recipe file holds, the check answers with diagnostics: no traceback, no hang.

How fast it answers is measured by `make bench` (the "hostile" stage), never asserted here:
a wall-clock bound fails on a busy machine. A hang is caught by HANG_TIMEOUT."""

from __future__ import annotations

import re
import signal
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cookbook.source.check import check_project
from cookbook.config import Project
from conftest import ROOT, copy_project
from fixtures.hostile import HOSTILE_FILES

FIXTURE = (ROOT / "tests" / "fixtures" / "esimerkki" / "fi.md").read_text(encoding="utf-8")
DIAGNOSTIC = re.compile(r"^recipes/[^:]+:\d+:\d+: (error|warning)\[[a-z0-9-]+\]: .+$")
HANG_TIMEOUT = 60  # seconds: only a hang takes this long, however busy the machine


@pytest.fixture(scope="module")
def fuzz_project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = copy_project(tmp_path_factory.mktemp("fuzz") / "project")
    for folder in (root / "recipes").iterdir():
        if folder.is_dir():
            for path in folder.iterdir():
                path.unlink()
            folder.rmdir()
    (root / "recipes" / "fuzz").mkdir()
    return root


@contextmanager
def no_hang(seconds: int) -> Iterator[None]:
    """Fails the test if the block has not returned after `seconds` (SIGALRM, main thread)."""
    def hung(signum: int, frame: object) -> None:
        raise AssertionError(f"the check did not answer within {seconds} s: a hang")

    previous = signal.signal(signal.SIGALRM, hung)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def assert_answers_with_diagnostics(project: Path, content: bytes) -> None:
    (project / "recipes" / "fuzz" / "fi.md").write_bytes(content)
    with no_hang(HANG_TIMEOUT):
        result = check_project(Project(project))
    for diagnostic in result.diagnostics:
        assert DIAGNOSTIC.match(diagnostic.format().split("\n")[0]), diagnostic
        assert diagnostic.code != "internal", diagnostic.format()
        assert diagnostic.line >= 1 and diagnostic.column >= 1


yaml_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=30),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=12), children, max_size=4),
    max_leaves=20,
)
field_names = st.sampled_from(
    ["title", "summary", "theme", "stages", "actors", "tags", "duration", "group_size", "difficulty", "ingredients",
     "metrics", "methods", "related", "cases", "sources", "evidence", "authors", "updated", "status", "name", "level", "unit"]
)
front_matter = st.dictionaries(field_names | st.text(max_size=10), yaml_values, max_size=10)


def garble(text: str, edits: list[tuple[int, int, str]]) -> str:
    for position, length, insert in edits:
        position %= len(text) + 1
        text = text[:position] + insert + text[position + length:]
    return text


fuzz_settings = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


@fuzz_settings
@given(st.binary(max_size=2000))
def test_arbitrary_bytes(fuzz_project: Path, content: bytes):
    assert_answers_with_diagnostics(fuzz_project, content)


@fuzz_settings
@given(st.text(max_size=2000))
def test_arbitrary_text(fuzz_project: Path, content: str):
    assert_answers_with_diagnostics(fuzz_project, content.encode("utf-8", "surrogatepass"))


@fuzz_settings
@given(front_matter, st.text(max_size=500))
def test_arbitrary_front_matter_and_body(fuzz_project: Path, data: dict, body: str):
    text = "---\n" + yaml.safe_dump(data, allow_unicode=True) + "---\n" + body
    assert_answers_with_diagnostics(fuzz_project, text.encode("utf-8", "surrogatepass"))


@fuzz_settings
@given(st.lists(st.tuples(st.integers(0, 5000), st.integers(0, 20), st.sampled_from(
    ["", ":", "- ", "\n", "  ", "[", "]", "{", "}", "&a ", "*a", "!!", "!x ", "---\n", "'", '"', "#", "<", ">",
     "<script>", "](", "![", "\t", "\x00", "\ufeff", "é", "1.", "## ", "```\n", "|", ">-\n"])), min_size=1, max_size=8))
def test_garbled_valid_recipe(fuzz_project: Path, edits: list[tuple[int, int, str]]):
    assert_answers_with_diagnostics(fuzz_project, garble(FIXTURE, edits).encode("utf-8", "surrogatepass"))


@pytest.mark.parametrize("content", list(HOSTILE_FILES.values()), ids=list(HOSTILE_FILES))
def test_hostile_files_are_answered(fuzz_project: Path, content: bytes):
    assert_answers_with_diagnostics(fuzz_project, content)
