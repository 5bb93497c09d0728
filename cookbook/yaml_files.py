"""Reading a hand-kept YAML file (the vocabularies, the EU indicators) with errors a contributor
can act on: the file's problem, its line, and what to do."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Callable

import yaml


def read_yaml(path: Path, error: Callable[..., Exception], what: str) -> tuple[str, Any]:
    """The file's text and data. `error(message, line, hint)` is raised for an unreadable file,
    text that is not UTF-8 or YAML that does not parse; `what` names the file's content."""
    try:
        text = path.read_text(encoding="utf-8")
        # The C loader where there is one: these files are read on every command.
        return text, yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    except OSError as problem:
        raise error(f"cannot read {what}: {problem.strerror}", 1, None) from None
    except UnicodeDecodeError:
        raise error("the file is not UTF-8 text", 1, "save it as UTF-8") from None
    except yaml.YAMLError as problem:
        mark = getattr(problem, "problem_mark", None)
        raise error(
            f"not valid YAML: {getattr(problem, 'problem', None) or problem}", (mark.line + 1) if mark else 1,
            "check the indentation, and quote texts that contain ': '",
        ) from None


def line_of(text: str, needle: str, nth: int = 1) -> int:
    """The line of the `nth` occurrence of `needle` in `text` (a repeated entry is reported where
    it repeats), or 1 where there is none: the line an error about that entry names."""
    index = -1
    for _ in range(nth):
        index = text.find(needle, index + 1)
        if index < 0:
            return 1
    return text.count("\n", 0, index) + 1
