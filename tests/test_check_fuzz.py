"""Whatever a recipe file holds, the check answers with diagnostics: no traceback, no hang."""

from __future__ import annotations

import re
import time
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cookbook.check import check_project
from cookbook.config import Project
from conftest import ROOT, copy_project

FIXTURE = (ROOT / "tests" / "fixtures" / "esimerkki" / "fi.md").read_text(encoding="utf-8")
DIAGNOSTIC = re.compile(r"^recipes/[^:]+:\d+:\d+: (error|warning)\[[a-z0-9-]+\]: .+$")
TIME_BOUND = 2.0  # seconds for one small cookbook, far above the normal few milliseconds


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


def assert_answers_with_diagnostics(project: Path, content: bytes) -> None:
    (project / "recipes" / "fuzz" / "fi.md").write_bytes(content)
    started = time.monotonic()
    result = check_project(Project(project))
    assert time.monotonic() - started < TIME_BOUND
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
     "metrics", "methods", "related", "cases", "sources", "authors", "updated", "status", "name", "level", "unit"]
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


@pytest.mark.parametrize("content", [
    b"---\n" + b"[" * 100000 + b"\n---\n",                                   # deep nesting
    b"---\na: &a [x]\nb: &b [*a, *a, *a, *a]\nc: [*b, *b, *b, *b]\n---\n",   # alias expansion
    b"---\n" + b"- " * 20000 + b"x\n---\n",                                  # deep block nesting
    b"---\ntitle: " + b"x" * 250000 + b"\n---\n",                             # one huge value
    b"---\n" + b"\n".join(b"k%d: v" % i for i in range(20000)) + b"\n---\n",  # many keys
])
def test_hostile_files_are_answered_quickly(fuzz_project: Path, content: bytes):
    assert_answers_with_diagnostics(fuzz_project, content)
