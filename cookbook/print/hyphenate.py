"""Finnish hyphenation for print, with Voikko (Debian's libvoikko1 + voikko-fi).

Pyphen, which WeasyPrint uses for `hyphens: auto`, has no Finnish dictionary. Voikko knows
Finnish morphology, so it splits compounds where they join (sidos-ryhmä-analyysi). We register
Voikko as Pyphen's dictionary for Finnish, so WeasyPrint asks it only for the word that does not
fit at a line's end. (Soft hyphens in every long word of the HTML gave the same breaks, but
WeasyPrint then tried each soft hyphen of the next line in turn: a third of the layout time.)
"""

from __future__ import annotations

import hashlib
from functools import lru_cache
from pathlib import Path

import pyphen

from ..errors import CookbookError

SOFT_HYPHEN = "\u00ad"
MIN_HEAD, MIN_TAIL = 2, 3  # letters kept together at the start and end of a word
LIGATURE_FOLLOWERS = ("f", "i", "l", "j")  # letters that join a preceding f in our fonts
# Where Voikko looks for its dictionaries (libvoikko's search path on Debian).
DICTIONARY_FOLDERS = (Path("/usr/lib/voikko"), Path("/usr/share/voikko"), Path("/etc/voikko"))


class HyphenationUnavailable(CookbookError):
    pass


@lru_cache(maxsize=1)
def _voikko():  # type: ignore[no-untyped-def]
    try:
        from libvoikko import Voikko, VoikkoException
    except (ImportError, OSError) as error:
        raise _unavailable(error) from None
    try:
        return Voikko("fi")
    except (OSError, VoikkoException) as error:  # the library, or its Finnish dictionary (voikko-fi), missing
        raise _unavailable(error) from None


def _unavailable(error: Exception) -> HyphenationUnavailable:
    return HyphenationUnavailable(f"Finnish hyphenation needs Voikko ({error}): run `make setup` as root, "
                                  "or `sudo apt-get install libvoikko1 voikko-fi`")


@lru_cache(maxsize=65536)
def hyphenate_word(word: str) -> str:
    """The word with a soft hyphen wherever it may break at a line's end."""
    marked = _voikko().hyphenate(word, SOFT_HYPHEN, False)
    if marked.replace(SOFT_HYPHEN, "") != word:
        return word  # Voikko changed the word itself (a context change): leave it whole
    parts = marked.split(SOFT_HYPHEN)
    # Join pieces so no break leaves fewer than MIN_HEAD letters before it or MIN_TAIL after it.
    while len(parts) > 1 and len(parts[0]) < MIN_HEAD:
        parts[:2] = [parts[0] + parts[1]]
    while len(parts) > 1 and len(parts[-1]) < MIN_TAIL:
        parts[-2:] = [parts[-2] + parts[-1]]
    # No break inside a ligature (Tref-fi): the font still joins "ff" across the break, and
    # the PDF's text layer then loses those letters (for search, copying and screen readers).
    joined = [parts[0]]
    for part in parts[1:]:
        if joined[-1].endswith("f") and part[:1] in LIGATURE_FOLLOWERS:
            joined[-1] += part
        else:
            joined.append(part)
    return SOFT_HYPHEN.join(joined)


class VoikkoDictionary:
    """Stands in for one of Pyphen's pattern dictionaries: where a word may break."""

    def positions(self, word: str) -> list[pyphen.DataInt]:
        return [pyphen.DataInt(index) for index in _break_indexes(word)]


@lru_cache(maxsize=65536)
def _break_indexes(word: str) -> tuple[int, ...]:
    indexes, length = [], 0
    for part in hyphenate_word(word).split(SOFT_HYPHEN)[:-1]:
        length += len(part)
        indexes.append(length)
    return tuple(indexes)


def use_voikko(lang: str) -> None:
    """WeasyPrint's `hyphens: auto` breaks `lang` with Voikko, in this process."""
    _voikko()  # fails here, with the fix, when Voikko is missing
    key = f"voikko:{lang}"  # Pyphen takes a dictionary's path only as the key of its cache
    pyphen.LANGUAGES[lang] = key
    pyphen.LANGUAGES_LOWERCASE[lang.lower()] = lang
    pyphen.hdcache[key] = VoikkoDictionary()


@lru_cache(maxsize=1)
def voikko_fingerprint() -> str:
    """Voikko's version and the bytes of its dictionaries: a changed dictionary changes the breaks."""
    digest = hashlib.sha256()
    try:
        from libvoikko import Voikko

        digest.update(Voikko.getVersion().encode())
    except (ImportError, OSError):
        digest.update(b"no voikko")
    for folder in DICTIONARY_FOLDERS:
        for path in sorted(folder.rglob("*")) if folder.is_dir() else ():
            if path.is_file():
                digest.update(str(path).encode() + b"\0" + hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()
