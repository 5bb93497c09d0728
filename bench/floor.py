"""The pure-Python floor: the least work any generator must do with the same recipe files.

For every recipe file of every language: read it, split off the front matter, parse it with
the C YAML loader, and convert the body with python-markdown and the extensions of mkdocs.yml
(one Markdown instance, reset between files). No checks, no templates, no output: what the
site build costs beyond this is the price of everything else.

    python bench/floor.py PROJECT     (prints the number of files converted)
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import markdown
import yaml

from cookbook.markdown_render import extension_settings, read_mkdocs_config


def markdown_extensions(mkdocs_yml: Path) -> tuple[list[str], dict[str, dict[str, Any]]]:
    """The extension names and their options, as listed under markdown_extensions."""
    return extension_settings(read_mkdocs_config(mkdocs_yml))


def recipe_files(project: Path) -> list[Path]:
    """Every recipe file of every configured language, in a fixed order."""
    settings = yaml.safe_load((project / "cookbook.yml").read_text(encoding="utf-8"))
    languages = settings.get("languages") or []
    folders = sorted(p for p in (project / "recipes").iterdir() if p.is_dir())
    return [folder / f"{lang}.md" for folder in folders for lang in languages if (folder / f"{lang}.md").is_file()]


def floor(project: Path) -> int:
    names, options = markdown_extensions(project / "mkdocs.yml")
    md = markdown.Markdown(extensions=names, extension_configs=options)
    files = recipe_files(project)
    for path in files:
        text = path.read_text(encoding="utf-8")
        _, front, body = text.split("---\n", 2)  # the file starts with the front matter's fence
        yaml.load(front, Loader=yaml.CSafeLoader)
        md.reset()
        md.convert(body)
    return len(files)


if __name__ == "__main__":
    print(floor(Path(sys.argv[1])))
