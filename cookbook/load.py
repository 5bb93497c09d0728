"""Read a recipe file: its front matter as plain data with the line and column of every key.

The YAML is parsed event by event with the C parser, so that the constructs a contributor
should not use (anchors, aliases, custom tags, duplicate keys, several documents) become
diagnostics instead of silently changing the data.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from .diagnostics import Diagnostic

MAX_FILE_BYTES = 256 * 1024
MAX_NESTING = 40
FENCE = re.compile(r"^---[ \t]*$")
FRONT_MATTER_END = re.compile(r"^(---|\.\.\.)[ \t]*$")

PathKey = tuple[str | int, ...]
_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_constructor = yaml.constructor.SafeConstructor()


@dataclass(frozen=True)
class Position:
    line: int
    column: int


@dataclass
class Source:
    """One recipe file as read from disk, before validation."""

    path: Path
    display: str
    recipe_id: str
    lang: str
    data: dict[str, Any] | None = None
    key_positions: dict[PathKey, Position] = field(default_factory=dict)
    value_positions: dict[PathKey, Position] = field(default_factory=dict)
    body: str = ""
    body_line: int = 1
    problems: list[Diagnostic] = field(default_factory=list)

    def position(self, path: PathKey, prefer_key: bool = True) -> Position:
        """Where a value is written; for a missing value, the nearest enclosing one."""
        path = tuple(path)
        while path:
            found = (self.key_positions if prefer_key else self.value_positions).get(path)
            found = found or self.key_positions.get(path) or self.value_positions.get(path)
            if found:
                return found
            path = path[:-1]
        return Position(2 if self.data is not None else 1, 1)

    def problem(self, line: int, column: int, code: str, message: str, hint: str | None = None) -> None:
        self.problems.append(Diagnostic(self.display, line, column, code, message, hint))

    def warn(self, line: int, column: int, code: str, message: str, hint: str | None = None) -> None:
        self.problems.append(Diagnostic(self.display, line, column, code, message, hint, "warning"))


class _YamlProblem(Exception):
    def __init__(self, mark: Any, code: str, message: str, hint: str | None = None):
        super().__init__(message)
        self.line = mark.line if mark is not None else 0
        self.column = mark.column if mark is not None else 0
        self.code = code
        self.message = message
        self.hint = hint


def read_source(path: Path, display: str, recipe_id: str, lang: str) -> Source:
    """Read and split one recipe file. Problems are collected on the Source, never raised."""
    source = Source(path=path, display=display, recipe_id=recipe_id, lang=lang)
    try:
        size = path.stat().st_size
    except OSError as error:
        source.problem(1, 1, "unreadable", f"cannot read the file: {error.strerror}")
        return source
    if size > MAX_FILE_BYTES:
        source.problem(
            1, 1, "file-too-large",
            f"the file is {size // 1024} KiB; a recipe may be at most {MAX_FILE_BYTES // 1024} KiB",
            "move long material to a linked document and keep the recipe to its essentials",
        )
        return source
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = raw.count(b"\n", 0, error.start) + 1
        column = error.start - (raw.rfind(b"\n", 0, error.start) + 1) + 1
        source.problem(
            line, column, "encoding", "the file is not UTF-8 text",
            "save the file as UTF-8 in your editor (\"Save with encoding\" → UTF-8)",
        )
        return source
    split_front_matter(source, text.replace("\r\n", "\n").replace("\r", "\n"))
    return source


def split_front_matter(source: Source, text: str) -> None:
    lines = text.split("\n")
    if not lines or not FENCE.match(lines[0]):
        source.problem(
            1, 1, "no-front-matter", "the file does not start with front matter",
            "begin the file with a line '---', the recipe's fields in YAML, and another line '---'",
        )
        return
    end = next((i for i in range(1, len(lines)) if FRONT_MATTER_END.match(lines[i])), None)
    if end is None:
        source.problem(
            1, 1, "unterminated-front-matter", "the front matter opened on line 1 is never closed",
            "add a line '---' after the last field, before the recipe's text",
        )
        return
    source.body = "\n".join(lines[end + 1:])
    source.body_line = end + 2
    parse_front_matter(source, "\n".join(lines[1:end]) + "\n", first_line=2)


def parse_front_matter(source: Source, yaml_text: str, first_line: int) -> None:
    try:
        data = _EventReader(yaml_text, source, first_line).document()
    except _YamlProblem as problem:
        source.problem(problem.line + first_line, problem.column + 1, problem.code, problem.message, problem.hint)
        return
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line = (mark.line if mark else 0) + first_line
        column = (mark.column if mark else 0) + 1
        reason = error.problem or error.context or "invalid YAML"
        source.problem(
            line, column, "yaml-syntax", f"the front matter is not valid YAML: {reason}",
            "check indentation, and put quotes around text that contains ': ' or starts with a special character",
        )
        return
    except yaml.YAMLError as error:
        source.problem(first_line, 1, "yaml-syntax", f"the front matter is not valid YAML: {error}")
        return
    if data is None:
        data = {}
    if not isinstance(data, dict):
        source.problem(
            first_line, 1, "front-matter-not-mapping", "the front matter must be a list of 'field: value' lines",
        )
        return
    # Shift stored positions from YAML-relative (0-based) to file lines and columns (1-based).
    for positions in (source.key_positions, source.value_positions):
        for key, pos in positions.items():
            positions[key] = Position(pos.line + first_line, pos.column + 1)
    source.data = data


class _EventReader:
    """Builds plain Python data from YAML parser events, recording positions."""

    def __init__(self, text: str, source: Source, first_line: int):
        self.loader = _Loader(text)
        self.source = source
        self.first_line = first_line

    def document(self) -> Any:
        loader = self.loader
        try:
            self._expect(yaml.StreamStartEvent)
            if loader.check_event(yaml.StreamEndEvent):
                return None
            self._expect(yaml.DocumentStartEvent)
            data = self._node((), 0)
            self._expect(yaml.DocumentEndEvent)
            if not loader.check_event(yaml.StreamEndEvent):
                event = loader.peek_event()
                raise _YamlProblem(
                    event.start_mark, "yaml-multiple-documents", "the front matter holds more than one YAML document",
                    "remove the extra '---' or '...' line inside the front matter",
                )
            return data
        finally:
            loader.dispose()

    def _expect(self, kind: type) -> yaml.Event:
        event = self.loader.get_event()
        if not isinstance(event, kind):  # pragma: no cover - the parser guarantees the order
            raise _YamlProblem(event.start_mark, "yaml-syntax", "unexpected YAML structure")
        return event

    def _check_node_event(self, event: Any) -> None:
        if isinstance(event, yaml.AliasEvent):
            raise _YamlProblem(
                event.start_mark, "yaml-alias", f"YAML aliases (*{event.anchor}) are not allowed",
                "write the value out in full where it is needed",
            )
        if event.anchor is not None:
            raise _YamlProblem(
                event.start_mark, "yaml-anchor", f"YAML anchors (&{event.anchor}) are not allowed",
                "remove the anchor and write values out in full",
            )
        if event.tag not in (None, "!"):
            raise _YamlProblem(
                event.start_mark, "yaml-tag", f"custom YAML tags ({event.tag}) are not allowed",
                "remove the tag; write plain text, numbers, lists and 'key: value' pairs",
            )

    def _node(self, path: PathKey, depth: int) -> Any:
        event = self.loader.get_event()
        self._check_node_event(event)
        if depth > MAX_NESTING:
            raise _YamlProblem(event.start_mark, "yaml-too-deep", "the front matter is nested too deeply")
        self.source.value_positions[path] = Position(event.start_mark.line, event.start_mark.column)
        if isinstance(event, yaml.ScalarEvent):
            return self._scalar(event)
        if isinstance(event, yaml.SequenceStartEvent):
            items = []
            while not self.loader.check_event(yaml.SequenceEndEvent):
                items.append(self._node((*path, len(items)), depth + 1))
            self.loader.get_event()
            return items
        if isinstance(event, yaml.MappingStartEvent):
            return self._mapping(path, depth)
        raise _YamlProblem(event.start_mark, "yaml-syntax", "unexpected YAML structure")  # pragma: no cover

    def _mapping(self, path: PathKey, depth: int) -> dict[str, Any]:
        result: dict[str, Any] = {}
        while not self.loader.check_event(yaml.MappingEndEvent):
            key_event = self.loader.get_event()
            self._check_node_event(key_event)
            if not isinstance(key_event, yaml.ScalarEvent):
                raise _YamlProblem(
                    key_event.start_mark, "yaml-complex-key", "a field name must be plain text",
                    "write fields as 'name: value'",
                )
            key = key_event.value
            if key == "<<" and key_event.implicit[0]:
                raise _YamlProblem(
                    key_event.start_mark, "yaml-merge-key", "YAML merge keys (<<) are not allowed",
                    "write the fields out in full",
                )
            if key in result:
                first = self.source.key_positions[(*path, key)]
                raise _YamlProblem(
                    key_event.start_mark, "duplicate-key",
                    f"the field '{key}' is given twice (first on line {first.line + self.first_line})",
                    "keep one of the two and delete the other",
                )
            self.source.key_positions[(*path, key)] = Position(key_event.start_mark.line, key_event.start_mark.column)
            result[key] = self._node((*path, key), depth + 1)
        self.loader.get_event()
        return result

    def _scalar(self, event: yaml.ScalarEvent) -> Any:
        tag = self.loader.resolve(yaml.ScalarNode, event.value, event.implicit)
        node = yaml.ScalarNode(tag, event.value, event.start_mark, event.end_mark, event.style)
        kind = tag.rsplit(":", 1)[-1]
        try:
            if kind == "null":
                return None
            if kind == "bool":
                return _constructor.construct_yaml_bool(node)
            if kind == "int":
                return _constructor.construct_yaml_int(node)
            if kind == "float":
                return _constructor.construct_yaml_float(node)
        except ValueError:
            raise _YamlProblem(event.start_mark, "yaml-number", f"'{event.value[:40]}' is not a usable number") from None
        # Dates stay text: the validator checks that they are real dates.
        return event.value
