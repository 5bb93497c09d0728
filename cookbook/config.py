"""Where things are, and which languages the cookbook is published in."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

import yaml

from .errors import CookbookError

SECTION_KEYS = ("why", "steps", "tips", "pitfalls")
REQUIRED_SECTIONS = ("why", "steps")


class ConfigError(CookbookError):
    """A project configuration file is missing or malformed."""


@dataclass(frozen=True)
class Language:
    code: str
    strings: dict[str, Any] = field(repr=False)

    @property
    def sections(self) -> dict[str, str]:
        """Section key -> the heading a contributor writes (## Miksi)."""
        return self.strings["sections"]

    def section_key(self, heading: str) -> str | None:
        for key, title in self.sections.items():
            if title.casefold() == heading.strip().casefold():
                return key
        return None


@dataclass(frozen=True)
class Project:
    root: Path

    @property
    def recipes_dir(self) -> Path:
        return self.root / "recipes"

    @property
    def templates_dir(self) -> Path:
        return self.root / "templates"

    @property
    def build_dir(self) -> Path:
        return self.root / "build"

    @property
    def site_dir(self) -> Path:
        return self.root / "site"

    @property
    def schema_path(self) -> Path:
        return Path(__file__).parent / "source" / "schema" / "recipe.schema.json"

    @property
    def taxonomy_path(self) -> Path:
        return self.recipes_dir / "taxonomy.yml"

    @property
    def mkdocs_config_path(self) -> Path:
        return self.root / "mkdocs.yml"

    @cached_property
    def settings(self) -> dict[str, Any]:
        return _read_yaml(self.root / "cookbook.yml")

    @cached_property
    def languages(self) -> tuple[Language, ...]:
        codes = self.settings.get("languages") or []
        languages = tuple(
            Language(code, _read_yaml(self.templates_dir / "i18n" / f"{code}.yml")) for code in codes
        )
        _check_strings(Path("templates") / "i18n", languages)  # named as a contributor finds it
        return languages

    @property
    def source_language(self) -> Language:
        return self.languages[0]

    def language(self, code: str) -> Language:
        for language in self.languages:
            if language.code == code:
                return language
        raise KeyError(code)


def _check_strings(folder: Path, languages: tuple[Language, ...]) -> None:
    """A language added with files must say everything the source language says, and name its
    downloads apart: two languages' books under one name would overwrite each other."""
    if not languages:
        return
    source = languages[0]
    expected = _key_paths(source.strings)
    names: dict[str, str] = {}
    for language in languages:
        missing = sorted(expected - _key_paths(language.strings))
        if missing:
            shown = ", ".join(".".join(path) for path in missing[:5]) + (f" and {len(missing) - 5} more" if len(missing) > 5 else "")
            raise ConfigError(f"{folder / f'{language.code}.yml'}: lacks {shown}, which {source.code}.yml has; "
                              f"add them, in the language of the file")
        pdf = language.strings.get("pdf")
        for key, name in (pdf.items() if isinstance(pdf, dict) else ()):
            if name in names:
                raise ConfigError(f"{folder / f'{language.code}.yml'}: pdf.{key} is {name!r}, as in {names[name]}.yml; "
                                  "give each language's downloads names of their own")
        names.update({name: language.code for name in (pdf.values() if isinstance(pdf, dict) else ())})


def _key_paths(strings: dict[str, Any], at: tuple[str, ...] = ()) -> set[tuple[str, ...]]:
    paths: set[tuple[str, ...]] = set()
    for key, value in strings.items():
        path = (*at, str(key))
        paths |= _key_paths(value, path) if isinstance(value, dict) else {path}
    return paths


def _read_yaml(path: Path) -> dict[str, Any]:
    try:
        # The C loader: the strings files are read on every command, and the Python one took a
        # twentieth of a second for them.
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    except FileNotFoundError:
        raise ConfigError(f"{path}: file not found") from None
    except yaml.YAMLError as error:
        raise ConfigError(f"{path}: not valid YAML: {error}") from None
    if not isinstance(data, dict):
        raise ConfigError(f"{path}: expected a mapping at the top level")
    return data


def find_project(start: Path | None = None) -> Project:
    """The project whose cookbook.yml is at or above `start` (default: the working directory)."""
    here = (start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        if (folder / "cookbook.yml").is_file():
            return Project(folder)
    raise ConfigError(f"no cookbook.yml found in {here} or any folder above it")
