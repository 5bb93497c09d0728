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
_constructor = yaml.constructor.SafeConstructor()
_CORE = "tag:yaml.org,2002:"
MAP_TAG, SEQ_TAG = _CORE + "map", _CORE + "seq"
IMPLICIT_SCALAR_TAGS = frozenset(_CORE + kind for kind in ("str", "int", "float", "bool", "null", "timestamp"))
STR_TAG = _CORE + "str"
TEXT_TAGS = frozenset({STR_TAG, _CORE + "timestamp"})
# Explicit tags a contributor may write (!!str "007"); anything else is a custom tag.
ALLOWED_TAGS = IMPLICIT_SCALAR_TAGS | {MAP_TAG, SEQ_TAG}


class _Loader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # type: ignore[misc]
    """The safe loader, with a quicker answer to the question the C composer asks in Python of
    every scalar, keys included: which tag? (A tenth of the check went to the general answer.)"""

    # The first characters of the plain scalars that may be something other than text (null,
    # bool, int, float, timestamp, merge, value): the others are text whatever follows.
    _MAYBE_TYPED = frozenset(key for key in yaml.SafeLoader.yaml_implicit_resolvers if key)
    _known: dict[str, str] = {}  # tags of short plain scalars seen before (keys repeat in every file)

    def resolve(self, kind: Any, value: Any, implicit: Any) -> str:
        if kind is yaml.ScalarNode and not self.yaml_path_resolvers:
            if not implicit[0] or (value and value[0] not in self._MAYBE_TYPED):
                return STR_TAG
            tag = self._known.get(value)
            if tag is None:
                tag = super().resolve(kind, value, implicit)
                if len(value) <= 32:
                    self._known[value] = tag
            return tag
        return super().resolve(kind, value, implicit)

    # Path resolvers are not used: nothing to track on the way down and up.
    def descend_resolver(self, current_node: Any, current_index: Any) -> None:
        if self.yaml_path_resolvers:
            super().descend_resolver(current_node, current_index)

    def ascend_resolver(self) -> None:
        if self.yaml_path_resolvers:
            super().ascend_resolver()


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
    # (line, column) as the YAML parser counts them, from 0 within the front matter.
    key_positions: dict[PathKey, tuple[int, int]] = field(default_factory=dict)
    value_positions: dict[PathKey, tuple[int, int]] = field(default_factory=dict)
    yaml_first_line: int = 2
    body: str = ""
    body_line: int = 1
    problems: list[Diagnostic] = field(default_factory=list)

    def position(self, path: PathKey, prefer_key: bool = True) -> Position:
        """Where a value is written in the file; for a missing value, the nearest enclosing one."""
        path = tuple(path)
        while path:
            found = (self.key_positions if prefer_key else self.value_positions).get(path)
            found = found or self.key_positions.get(path) or self.value_positions.get(path)
            if found:
                return Position(found[0] + self.yaml_first_line, found[1] + 1)
            path = path[:-1]
        return Position(self.yaml_first_line if self.data is not None else 1, 1)

    def slimmed(self, keep: frozenset[str]) -> "Source":
        """This source without its data and with positions under the `keep` top-level keys
        only: what the cross-recipe checks need, cheap to send between processes."""
        def kept(positions: dict[PathKey, tuple[int, int]]) -> dict[PathKey, tuple[int, int]]:
            return {path: pos for path, pos in positions.items() if path and path[0] in keep}

        return Source(
            path=self.path, display=self.display, recipe_id=self.recipe_id, lang=self.lang,
            data=None if self.data is None else {}, key_positions=kept(self.key_positions),
            value_positions=kept(self.value_positions), body="", body_line=self.body_line,
            problems=self.problems, yaml_first_line=self.yaml_first_line,
        )

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
    text = read_text(source)
    if text is not None:
        split_front_matter(source, text)
    return source


def read_text(source: Source) -> str | None:
    """The file's text with line ends normalised, or None after recording why it cannot be read."""
    path = source.path
    try:
        size = path.stat().st_size
        if size <= MAX_FILE_BYTES:
            raw = path.read_bytes()
    except OSError as error:
        source.problem(1, 1, "unreadable", f"cannot read the file: {error.strerror}")
        return None
    if size > MAX_FILE_BYTES:
        source.problem(
            1, 1, "file-too-large",
            f"the file is {size // 1024} KiB; a recipe may be at most {MAX_FILE_BYTES // 1024} KiB",
            "move long material to a linked document and keep the recipe to its essentials",
        )
        return None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = raw.count(b"\n", 0, error.start) + 1
        column = error.start - (raw.rfind(b"\n", 0, error.start) + 1) + 1
        source.problem(
            line, column, "encoding", "the file is not UTF-8 text",
            "save the file as UTF-8 in your editor (\"Save with encoding\" → UTF-8)",
        )
        return None
    return text.replace("\r\n", "\n").replace("\r", "\n")


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
        data = read_yaml(yaml_text, source, first_line)
    except _YamlProblem as problem:
        source.problem(problem.line + first_line, problem.column + 1, problem.code, problem.message, problem.hint)
        return
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line = (mark.line if mark else 0) + first_line
        column = (mark.column if mark else 0) + 1
        if "expected a single document" in str(error.context):
            source.problem(line, column, "yaml-multiple-documents", "the front matter holds more than one YAML document",
                           "remove the extra '---' or '...' line inside the front matter")
            return
        reason = error.problem or error.context or "invalid YAML"
        if error.context and error.context_mark and error.problem_mark and error.context_mark.line != error.problem_mark.line:
            reason += f" ({error.context} that began on line {error.context_mark.line + first_line})"
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
            "write one field per line, such as 'title: My recipe'",
        )
        return
    source.yaml_first_line = first_line
    source.data = data


def read_yaml(text: str, source: Source, first_line: int) -> Any:
    """Plain data from YAML text. Files that may hold anchors or aliases are read event by
    event so that each is reported where it stands; the rest take the faster C composer."""
    if "&" in text or "*" in text or _may_nest_deeply(text):
        return _EventReader(text, source, first_line).document()
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
    finally:
        loader.dispose()
    return None if node is None else _NodeReader(source, first_line).node(node, (), 0)


def _may_nest_deeply(text: str) -> bool:
    """Could the YAML nest deeper than MAX_NESTING? The C composer recurses once per level and
    would overflow the C stack on hostile input; the event reader stops at MAX_NESTING.

    Each level needs an opening bracket, a '- ' or '? ' on the same line, or more indentation."""
    bound = text.count("[") + text.count("{") + text.count("?")
    if bound > MAX_NESTING:
        return True
    deepest = 0
    for line in text.split("\n"):
        stripped = line.lstrip(" ")
        deepest = max(deepest, len(line) - len(stripped) + stripped.count("- "))
    return bound + deepest + 1 > MAX_NESTING


class _Builder:
    """What both readers share: positions, the rules on keys and tags, and scalar values."""

    def __init__(self, source: Source, first_line: int):
        self.source = source
        self.first_line = first_line

    def check_tag(self, tag: str | None, mark: Any, explicit: bool) -> None:
        if explicit and tag not in ALLOWED_TAGS and tag != "!":
            raise _YamlProblem(mark, "yaml-tag", f"custom YAML tags ({tag}) are not allowed",
                               "remove the tag; write plain text, numbers, lists and 'key: value' pairs")

    def enter(self, path: PathKey, mark: Any, depth: int) -> None:
        if depth > MAX_NESTING:
            raise _YamlProblem(mark, "yaml-too-deep", "the front matter is nested too deeply",
                               "recipes need at most three levels of indentation")
        self.source.value_positions[path] = (mark.line, mark.column)

    def key(self, result: dict[str, Any], path: PathKey, value: str, tag: str, mark: Any, plain: bool) -> PathKey:
        if tag == "tag:yaml.org,2002:merge" or (value == "<<" and plain):
            raise _YamlProblem(mark, "yaml-merge-key", "YAML merge keys (<<) are not allowed", "write the fields out in full")
        if value in result:
            first = self.source.key_positions[(*path, value)]
            raise _YamlProblem(mark, "duplicate-key",
                               f"the field '{value}' is given twice (first on line {first[0] + self.first_line})",
                               "keep one of the two and delete the other")
        self.source.key_positions[(*path, value)] = (mark.line, mark.column)
        return (*path, value)

    @staticmethod
    def scalar(tag: str, value: str, mark: Any, style: str | None) -> Any:
        if tag in TEXT_TAGS:
            return value  # dates stay text too: the validator checks that they are real dates
        node = yaml.ScalarNode(tag, value, mark, mark, style)
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
            raise _YamlProblem(mark, "yaml-number", f"'{value[:40]}' is not a usable number",
                               "write the number with digits only, or put it in quotes if it is text") from None
        return value


class _NodeReader(_Builder):
    # The hot path of the check: written for speed (type checks by identity, locals).
    def node(self, node: yaml.Node, path: PathKey, depth: int) -> Any:
        mark = node.start_mark
        if depth > MAX_NESTING:
            self.enter(path, mark, depth)
        self.source.value_positions[path] = (mark.line, mark.column)
        kind = type(node)
        tag = node.tag
        if kind is yaml.ScalarNode:
            if tag in TEXT_TAGS:
                return node.value
            self.check_tag(tag, mark, tag not in IMPLICIT_SCALAR_TAGS)
            return self.scalar(tag, node.value, mark, node.style)
        depth += 1
        if kind is yaml.SequenceNode:
            if tag != SEQ_TAG:
                self.check_tag(tag, mark, True)
            return [self.node(item, (*path, index), depth) for index, item in enumerate(node.value)]
        if tag != MAP_TAG:
            self.check_tag(tag, mark, True)
        result: dict[str, Any] = {}
        key_positions = self.source.key_positions
        for key_node, value_node in node.value:
            if type(key_node) is not yaml.ScalarNode:
                raise _YamlProblem(key_node.start_mark, "yaml-complex-key", "a field name must be plain text",
                                   "write fields as 'name: value'")
            key = key_node.value
            if key in result or key == "<<" or key_node.tag != STR_TAG:
                self.key(result, path, key, key_node.tag, key_node.start_mark, key_node.style is None)
            key_path = (*path, key)
            key_mark = key_node.start_mark
            key_positions[key_path] = (key_mark.line, key_mark.column)
            result[key] = self.node(value_node, key_path, depth)
        return result


class _EventReader(_Builder):
    """Builds plain data from parser events, so anchors and aliases are caught where they stand."""

    def __init__(self, text: str, source: Source, first_line: int):
        super().__init__(source, first_line)
        self.loader = _Loader(text)

    def document(self) -> Any:
        loader = self.loader
        try:
            loader.get_event()  # stream start
            if loader.check_event(yaml.StreamEndEvent):
                return None
            loader.get_event()  # document start
            data = self._node((), 0)
            loader.get_event()  # document end
            if not loader.check_event(yaml.StreamEndEvent):
                raise _YamlProblem(loader.peek_event().start_mark, "yaml-multiple-documents",
                                   "the front matter holds more than one YAML document",
                                   "remove the extra '---' or '...' line inside the front matter")
            return data
        finally:
            loader.dispose()

    def _checked_event(self) -> Any:
        event = self.loader.get_event()
        if isinstance(event, yaml.AliasEvent):
            raise _YamlProblem(event.start_mark, "yaml-alias", f"YAML aliases (*{event.anchor}) are not allowed",
                               "write the value out in full where it is needed")
        if event.anchor is not None:
            raise _YamlProblem(event.start_mark, "yaml-anchor", f"YAML anchors (&{event.anchor}) are not allowed",
                               "remove the anchor and write values out in full")
        self.check_tag(event.tag, event.start_mark, event.tag is not None)
        return event

    def _node(self, path: PathKey, depth: int) -> Any:
        event = self._checked_event()
        self.enter(path, event.start_mark, depth)
        if isinstance(event, yaml.ScalarEvent):
            tag = self.loader.resolve(yaml.ScalarNode, event.value, event.implicit)
            return self.scalar(tag, event.value, event.start_mark, event.style)
        if isinstance(event, yaml.SequenceStartEvent):
            items = []
            while not self.loader.check_event(yaml.SequenceEndEvent):
                items.append(self._node((*path, len(items)), depth + 1))
            self.loader.get_event()
            return items
        result: dict[str, Any] = {}
        while not self.loader.check_event(yaml.MappingEndEvent):
            key_event = self._checked_event()
            if not isinstance(key_event, yaml.ScalarEvent):
                raise _YamlProblem(key_event.start_mark, "yaml-complex-key", "a field name must be plain text",
                                   "write fields as 'name: value'")
            tag = self.loader.resolve(yaml.ScalarNode, key_event.value, key_event.implicit)
            key_path = self.key(result, path, key_event.value, tag, key_event.start_mark, key_event.implicit[0])
            result[key_event.value] = self._node(key_path, depth + 1)
        self.loader.get_event()
        return result
