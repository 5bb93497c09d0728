"""Finnish hyphenation for print, with Voikko (Debian's libvoikko1 + voikko-fi).

Pyphen, which WeasyPrint uses for `hyphens: auto`, has no Finnish dictionary. Voikko knows
Finnish morphology, so it splits compounds where they join (sidos-ryhmä-analyysi). We insert
soft hyphens into the text of the rendered HTML and print it with `hyphens: manual`.
"""

from __future__ import annotations

import re
from functools import lru_cache

from .errors import CookbookError

SOFT_HYPHEN = "\u00ad"
WORD = re.compile(r"[^\W\d_]{8,}")
TAG = re.compile(r"(<[^>]*>)")
# Text inside these is not hyphenated: headings read better whole, and the rest is not prose.
SKIPPED = ("h1", "h2", "h3", "title", "style", "script", "code", "pre", "nav")
VOID = ("area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr")
MIN_HEAD, MIN_TAIL = 2, 3
LIGATURE_FOLLOWERS = ("f", "i", "l", "j")  # letters that join a preceding f in our fonts  # letters kept together at the start and end of a word


class HyphenationUnavailable(CookbookError):
    pass


@lru_cache(maxsize=1)
def _voikko():  # type: ignore[no-untyped-def]
    try:
        from libvoikko import Voikko

        return Voikko("fi")
    except (ImportError, OSError) as error:
        raise HyphenationUnavailable(
            f"Finnish hyphenation needs Voikko ({error}): run `make setup` as root, "
            "or `sudo apt-get install libvoikko1 voikko-fi`"
        ) from None


@lru_cache(maxsize=65536)
def hyphenate_word(word: str) -> str:
    marked = _voikko().hyphenate(word, SOFT_HYPHEN, False)
    if marked.replace(SOFT_HYPHEN, "") != word:
        return word  # Voikko changed the word itself (a context change): leave it whole
    parts = marked.split(SOFT_HYPHEN)
    # Join pieces so no break leaves fewer than MIN_HEAD letters before it or MIN_TAIL after it.
    while len(parts) > 1 and len(parts[0]) < MIN_HEAD:
        parts[:2] = [parts[0] + parts[1]]
    while len(parts) > 1 and len(parts[-1]) < MIN_TAIL:
        parts[-2:] = [parts[-2] + parts[-1]]
    # No break inside a ligature (Tref-fi): the font still joins "ff" across the soft hyphen,
    # and the PDF's text layer then loses those letters (for search, copying and screen readers).
    joined = [parts[0]]
    for part in parts[1:]:
        if joined[-1].endswith("f") and part[:1] in LIGATURE_FOLLOWERS:
            joined[-1] += part
        else:
            joined.append(part)
    return SOFT_HYPHEN.join(joined)


def hyphenate_html(html: str) -> str:
    """Soft hyphens in the long words of every text node, except in headings, code and
    elements marked class="no-hyphens" (such as letter-spaced labels)."""
    out = []
    stack: list[tuple[str, bool]] = []  # open elements and whether they stop hyphenation
    for piece in TAG.split(html):
        if not piece.startswith("<"):
            skip = any(stop for _, stop in stack)
            out.append(piece if skip else WORD.sub(lambda m: hyphenate_word(m.group(0)), piece))
            continue
        out.append(piece)
        match = re.match(r"<(/?)([a-zA-Z0-9]+)", piece)
        if not match:
            continue
        name = match.group(2).lower()
        if match.group(1):
            while stack:
                if stack.pop()[0] == name:
                    break
        elif name not in VOID and not piece.endswith("/>"):
            stack.append((name, name in SKIPPED or "no-hyphens" in piece))
    return "".join(out)
