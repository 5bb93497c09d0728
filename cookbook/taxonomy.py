"""The controlled vocabularies (recipes/taxonomy.yml): themes, stages, actors, levels, difficulty."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import yaml

from .config import ConfigError

VOCABULARIES = ("themes", "stages", "actors", "difficulty", "metric_levels")


@dataclass(frozen=True)
class Term:
    id: str
    label: dict[str, str]
    description: dict[str, str]


@dataclass(frozen=True)
class Taxonomy:
    vocabularies: dict[str, tuple[Term, ...]]

    def ids(self, vocabulary: str) -> list[str]:
        return [term.id for term in self.vocabularies[vocabulary]]

    def term(self, vocabulary: str, term_id: str) -> Term:
        for term in self.vocabularies[vocabulary]:
            if term.id == term_id:
                return term
        raise KeyError(f"{vocabulary}: {term_id}")

    def label(self, vocabulary: str, term_id: str, lang: str) -> str:
        return self.term(vocabulary, term_id).label[lang]


def load_taxonomy(path: Path, languages: tuple[str, ...]) -> Taxonomy:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(f"{path}: file not found") from None
    except yaml.YAMLError as error:
        raise ConfigError(f"{path}: not valid YAML: {error}") from None
    if not isinstance(data, dict):
        raise ConfigError(f"{path}: expected the vocabularies {', '.join(VOCABULARIES)} at the top level")
    vocabularies: dict[str, tuple[Term, ...]] = {}
    for name in VOCABULARIES:
        entries = data.get(name)
        if not isinstance(entries, list) or not entries:
            raise ConfigError(f"{path}: '{name}' must be a non-empty list of terms")
        terms = []
        for entry in entries:
            terms.append(_term(path, name, entry, languages))
        ids = [t.id for t in terms]
        if len(set(ids)) != len(ids):
            raise ConfigError(f"{path}: '{name}' lists a term id twice")
        vocabularies[name] = tuple(terms)
    unknown = set(data) - set(VOCABULARIES)
    if unknown:
        raise ConfigError(f"{path}: unknown vocabulary {', '.join(sorted(unknown))}; known: {', '.join(VOCABULARIES)}")
    return Taxonomy(vocabularies)


def _term(path: Path, vocabulary: str, entry: object, languages: tuple[str, ...]) -> Term:
    if not isinstance(entry, dict) or not isinstance(entry.get("id"), str):
        raise ConfigError(f"{path}: every term of '{vocabulary}' needs an 'id'")
    term_id = entry["id"]
    texts = {}
    for field in ("label", "description"):
        value = entry.get(field)
        if not isinstance(value, dict) or any(not isinstance(value.get(lang), str) for lang in languages):
            raise ConfigError(
                f"{path}: term '{term_id}' of '{vocabulary}' needs a {field} in every language ({', '.join(languages)})"
            )
        texts[field] = {lang: value[lang] for lang in languages}
    return Term(term_id, texts["label"], texts["description"])
