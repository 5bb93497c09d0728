"""The EU common indicators (recipes/eu_indicators.yml): the codes a metric's `eu_indicator` may
take, with their official names and the regulations and annexes they come from.

A vocabulary like those of taxonomy.yml, in a file of its own because it carries its source:
which regulation, which annex, where the codes and names were checked. The Taxonomy holds it
(`taxonomy.eu_indicators`), so the schema, the check and the templates reach it where they
reach the other vocabularies.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from .yaml_files import line_of as text_line_of, read_yaml

# What a code looks like: ERDF and Cohesion Fund RCO/RCR and two or three digits; ESF+ four
# capitals ending in O (output) or R (result) and two digits (EECO05, EECR03, EESR04…). The
# schema's pattern for `eu_indicator` says the same; the vocabulary says which codes exist.
CODE = re.compile(r"^(RC[OR][0-9]{2,3}|E[A-Z]{2}[OR][0-9]{2})$")
KINDS = ("output", "result")
# The language whose texts stand in where the file has none in a page's language: the
# regulations' names are official in every EU language, and English is the one every entry has.
FALLBACK = "en"


class EuIndicatorsError(Exception):
    """eu_indicators.yml is malformed; `line` points at the problem where it can be found."""

    def __init__(self, message: str, line: int = 1, hint: str | None = None):
        super().__init__(message)
        self.message = message
        self.line = line
        self.hint = hint


@dataclass(frozen=True)
class Regulation:
    id: str
    fund: dict[str, str]  # by language
    act: dict[str, str]  # the short name: "Regulation (EU) 2021/1058"
    title: dict[str, str]  # the full title
    annex: dict[str, str]
    celex: str
    eli: str
    journal: dict[str, str]
    url: dict[str, str]  # EUR-Lex, in each language
    consolidated: str  # the date of the consolidated text referred to, YYYY-MM-DD
    # The languages the file gives these texts in; the others show the English ones (a language
    # just added to the cookbook has none yet).
    languages: tuple[str, ...] = ()

    def lang_of(self, lang: str) -> str:
        """The language of this regulation's texts on a page in `lang`."""
        return lang if lang in self.languages else FALLBACK


@dataclass(frozen=True)
class EuIndicator:
    code: str
    regulation: Regulation
    kind: str  # output | result
    name: dict[str, str]  # by language; "" where the official name is not recorded

    @property
    def anchor(self) -> str:
        """The id of the indicator on the EU indicators page."""
        return self.code.lower()

    def name_in(self, lang: str) -> tuple[str, str]:
        """(name, its language): the official name in `lang`, or where that is not recorded, in
        English or the first language that has one. Names are never translated here."""
        if self.name.get(lang):
            return self.name[lang], lang
        for other in (FALLBACK, *self.name):
            if self.name.get(other):
                return self.name[other], other
        return "", lang


@dataclass(frozen=True)
class EuIndicators:
    regulations: tuple[Regulation, ...] = ()
    indicators: tuple[EuIndicator, ...] = ()
    checked: str = ""  # the day the codes and names were checked against their sources
    path: str = "recipes/eu_indicators.yml"  # as a contributor sees it
    _by_code: dict[str, EuIndicator] = field(default_factory=dict, compare=False, repr=False)

    def __post_init__(self) -> None:
        self._by_code.update({indicator.code: indicator for indicator in self.indicators})

    def codes(self) -> list[str]:
        return [indicator.code for indicator in self.indicators]

    def get(self, code: str) -> EuIndicator | None:
        return self._by_code.get(code)

    def of(self, regulation: Regulation) -> tuple[EuIndicator, ...]:
        return tuple(indicator for indicator in self.indicators if indicator.regulation is regulation)

    def closest(self, code: str) -> str | None:
        """The listed code nearest to `code`, for a "did you mean" hint."""
        close = difflib.get_close_matches(code.strip().upper().replace(" ", ""), self.codes(), n=1, cutoff=0.6)
        return close[0] if close else None


def load_eu_indicators(path: Path, languages: tuple[str, ...], shown: str = "recipes/eu_indicators.yml") -> EuIndicators:
    """The vocabulary at `path`; an empty one where the file does not exist (then every code is
    refused, with a hint that names the file)."""
    if not path.is_file():
        return EuIndicators(path=shown)
    text, data = read_yaml(path, EuIndicatorsError, "the EU indicators")

    def line_of(needle: str, nth: int = 1) -> int:
        return text_line_of(text, needle, nth)

    if not isinstance(data, dict) or not isinstance(data.get("regulations"), list) or not isinstance(data.get("indicators"), list):
        raise EuIndicatorsError("expected the lists 'regulations' and 'indicators' at the top level",
                                hint="see the comments at the top of the file")
    checked = data.get("checked")
    if not isinstance(checked, date):
        raise EuIndicatorsError("'checked' must be the date the codes were checked against their sources (YYYY-MM-DD)",
                                line_of("checked:"))
    evidence = {entry.get("id") for entry in data.get("evidence") or () if isinstance(entry, dict)}
    regulations: dict[str, Regulation] = {}
    for entry in data["regulations"]:
        regulation = _regulation(entry, languages, line_of)
        if regulation.id in regulations:
            raise EuIndicatorsError(f"the regulation '{regulation.id}' is listed twice", line_of(f"id: {regulation.id}", 2))
        regulations[regulation.id] = regulation
    indicators: list[EuIndicator] = []
    seen: set[str] = set()
    for entry in data["indicators"]:
        indicator = _indicator(entry, languages, regulations, evidence, line_of)
        if indicator.code in seen:
            raise EuIndicatorsError(f"the code '{indicator.code}' is listed twice", line_of(f"code: {indicator.code}", 2),
                                    "list each code once")
        seen.add(indicator.code)
        indicators.append(indicator)
    return EuIndicators(tuple(regulations.values()), tuple(indicators), checked.isoformat(), shown)


def _texts(entry: dict[str, Any], key: str, languages: tuple[str, ...], where: str, line: int, empty_ok: bool = False) -> dict[str, str]:
    """A text in each language. English is required (it stands in for a language the file does
    not give yet); a name may be empty where its official text is not recorded."""
    value = entry.get(key)
    wanted = f"write '{key}: {{{', '.join(f'{lang}: …' for lang in languages)}}}'"
    if not isinstance(value, dict) or any(not isinstance(text, str) for text in value.values()):
        raise EuIndicatorsError(f"{where} needs '{key}', a text in each language", line, wanted)
    if not isinstance(value.get(FALLBACK), str) or not (empty_ok or value[FALLBACK].strip()):
        raise EuIndicatorsError(f"{where} needs '{key}' in English ({FALLBACK}) at least", line, wanted)
    texts = {lang: " ".join(str(value.get(lang, "")).split()) for lang in languages}
    if not empty_ok:
        texts = {lang: text or " ".join(value[FALLBACK].split()) for lang, text in texts.items()}
    return texts


def _regulation(entry: Any, languages: tuple[str, ...], line_of: Any) -> Regulation:
    if not isinstance(entry, dict) or not isinstance(entry.get("id"), str):
        raise EuIndicatorsError("every regulation needs an 'id'", line_of("regulations:"))
    where, line = f"the regulation '{entry['id']}'", line_of(f"id: {entry['id']}")
    for key in ("celex", "eli"):
        if not isinstance(entry.get(key), str) or not entry[key].strip():
            raise EuIndicatorsError(f"{where} needs its '{key}'", line)
    consolidated = entry.get("consolidated")
    if not isinstance(consolidated, date):
        raise EuIndicatorsError(f"{where} needs 'consolidated': the date of the consolidated text referred to (YYYY-MM-DD)", line)
    url = _texts(entry, "url", languages, where, line)
    if any(not address.startswith("https://") for address in url.values()):
        raise EuIndicatorsError(f"{where}: every 'url' must start with https://", line)
    return Regulation(
        id=entry["id"], fund=_texts(entry, "fund", languages, where, line), act=_texts(entry, "act", languages, where, line),
        title=_texts(entry, "title", languages, where, line), annex=_texts(entry, "annex", languages, where, line),
        celex=entry["celex"].strip(), eli=entry["eli"].strip(), journal=_texts(entry, "journal", languages, where, line),
        url=url, consolidated=consolidated.isoformat(),
        languages=tuple(lang for lang in languages if isinstance(entry["title"].get(lang), str) and entry["title"][lang].strip()),
    )


def _indicator(entry: Any, languages: tuple[str, ...], regulations: dict[str, Regulation], evidence: set[Any],
               line_of: Any) -> EuIndicator:
    if not isinstance(entry, dict) or not isinstance(entry.get("code"), str) or not CODE.match(entry["code"]):
        raise EuIndicatorsError("every indicator needs a 'code' such as RCO01 or EECO05, written without spaces",
                                line_of(f"code: {entry.get('code')}") if isinstance(entry, dict) else line_of("indicators:"))
    code = entry["code"]
    where, line = f"the indicator {code}", line_of(f"code: {code}")
    if entry.get("regulation") not in regulations:
        raise EuIndicatorsError(f"{where}: 'regulation' must be one of {', '.join(regulations)}", line)
    if entry.get("kind") not in KINDS:
        raise EuIndicatorsError(f"{where}: 'kind' must be one of {', '.join(KINDS)}", line)
    name = _texts(entry, "name", languages, where, line, empty_ok=True)
    if not any(name.values()):
        raise EuIndicatorsError(f"{where} needs its official name in at least one language", line)
    sources = entry.get("evidence")
    if not isinstance(sources, list) or len(sources) < 2 or any(source not in evidence for source in sources):
        raise EuIndicatorsError(f"{where}: 'evidence' must name at least two entries of 'evidence' where the code and name were checked",
                                line, "list the ids of the sources, such as [erdf-proposal, jems]")
    return EuIndicator(code, regulations[entry["regulation"]], entry["kind"], name)
