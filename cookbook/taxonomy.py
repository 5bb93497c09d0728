"""The controlled vocabularies (recipes/taxonomy.yml): themes, stages, actors, difficulty,
evidence (how proven a practice is) and metric levels; and the EU common indicators beside it
(recipes/eu_indicators.yml, cookbook/eu_indicators.py)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from .eu_indicators import EuIndicators, EuIndicatorsError, load_eu_indicators
from .yaml_files import line_of as text_line_of, read_yaml

VOCABULARIES = ("themes", "stages", "actors", "difficulty", "evidence", "metric_levels")
# Optional vocabularies whose terms need only a label.
LABEL_ONLY_VOCABULARIES = ("units",)


TERM_ID = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
# The vocabulary of the EU common indicators, in a file of its own beside taxonomy.yml.
EU_INDICATORS = "eu_indicators"
EU_INDICATORS_FILE = "eu_indicators.yml"


class TaxonomyError(Exception):
    """taxonomy.yml is malformed; `line` points at the problem where it can be found."""

    def __init__(self, message: str, line: int = 1, hint: str | None = None, path: Path | None = None):
        super().__init__(message)
        self.message = message
        self.line = line
        self.hint = hint
        self.path = path  # the file, where it is not taxonomy.yml


@dataclass(frozen=True)
class Term:
    id: str
    label: dict[str, str]
    description: dict[str, str]


@dataclass(frozen=True)
class Taxonomy:
    vocabularies: dict[str, tuple[Term, ...]]
    eu_indicators: EuIndicators = field(default_factory=EuIndicators)

    def ids(self, vocabulary: str) -> list[str]:
        if vocabulary == EU_INDICATORS:
            return self.eu_indicators.codes()
        return [term.id for term in self.vocabularies[vocabulary]]

    def term(self, vocabulary: str, term_id: str) -> Term:
        for term in self.vocabularies[vocabulary]:
            if term.id == term_id:
                return term
        raise KeyError(f"{vocabulary}: {term_id}")

    def label(self, vocabulary: str, term_id: str, lang: str) -> str:
        return self.term(vocabulary, term_id).label[lang]

    def unit_label(self, unit: str, lang: str) -> str:
        """A metric's unit in `lang`: the label of a units term, or the text as written."""
        for term in self.vocabularies.get("units", ()):
            if term.id == unit:
                return term.label[lang]
        return unit


def load_taxonomy(path: Path, languages: tuple[str, ...]) -> Taxonomy:
    """The vocabularies of taxonomy.yml at `path`, with the EU indicators of the file beside it."""
    taxonomy = _load_terms(path, languages)
    eu_path = path.parent / EU_INDICATORS_FILE
    try:
        eu_indicators = load_eu_indicators(eu_path, languages, f"{path.parent.name}/{EU_INDICATORS_FILE}")
    except EuIndicatorsError as error:
        raise TaxonomyError(error.message, error.line, error.hint, eu_path) from None
    return Taxonomy(taxonomy.vocabularies, eu_indicators)


def _load_terms(path: Path, languages: tuple[str, ...]) -> Taxonomy:
    text, data = read_yaml(path, TaxonomyError, "the vocabularies")
    if not isinstance(data, dict):
        raise TaxonomyError(f"expected the vocabularies {', '.join(VOCABULARIES)} at the top level")

    def line_of(needle: str) -> int:
        return text_line_of(text, needle)

    known = VOCABULARIES + LABEL_ONLY_VOCABULARIES
    unknown = sorted(set(map(str, data)) - set(known))
    if unknown:
        raise TaxonomyError(f"unknown vocabulary '{unknown[0]}'", line_of(f"{unknown[0]}:"),
                            f"the vocabularies are {', '.join(known)}")
    vocabularies: dict[str, tuple[Term, ...]] = {}
    for name in known:
        entries = data.get(name)
        if name in LABEL_ONLY_VOCABULARIES and entries is None:
            vocabularies[name] = ()
            continue
        if not isinstance(entries, list) or not entries:
            raise TaxonomyError(f"'{name}' must be a non-empty list of terms", line_of(f"{name}:"),
                                "list the terms as '- id: …' entries with a label and a description")
        fields = ("label",) if name in LABEL_ONLY_VOCABULARIES else ("label", "description")
        terms = [_term(name, entry, languages, fields, line_of(f"{name}:")) for entry in entries]
        seen: set[str] = set()
        for term in terms:
            if term.id in seen:
                raise TaxonomyError(f"'{name}' lists the term '{term.id}' twice", line_of(f"id: {term.id}"))
            seen.add(term.id)
        vocabularies[name] = tuple(terms)
    return Taxonomy(vocabularies)


def _term(vocabulary: str, entry: object, languages: tuple[str, ...], fields: tuple[str, ...], line: int) -> Term:
    if not isinstance(entry, dict) or not isinstance(entry.get("id"), str) or not TERM_ID.match(entry["id"]):
        raise TaxonomyError(f"every term of '{vocabulary}' needs an 'id' of lowercase ASCII letters, digits and hyphens", line)
    term_id = entry["id"]
    texts: dict[str, dict[str, str]] = {"description": {}}
    for field in fields:
        value = entry.get(field)
        if not isinstance(value, dict) or any(not isinstance(value.get(lang), str) for lang in languages):
            raise TaxonomyError(
                f"the term '{term_id}' of '{vocabulary}' needs a {field} in every language ({', '.join(languages)})", line,
                f"add '{field}: {{{', '.join(f'{lang}: …' for lang in languages)}}}'",
            )
        texts[field] = {lang: value[lang] for lang in languages}
    return Term(term_id, texts["label"], texts["description"])
