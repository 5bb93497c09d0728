"""The offline copy's search index: what Pagefind cannot give a site opened from file://.

Each offline edition gets `search-index.js`, a script (scripts load from file://; fetch does
not) that lists every page's title, theme, filters and text, read from the HTML the engine
wrote by the same rules as Pagefind: the `main` element, without navigation, forms and
anything marked `data-pagefind-ignore`. search.js loads it with lunr and the language's Snowball
stemmer (templates/site/assets/vendor/lunr) the first time someone searches. The index names the
stemmer when the site carries one for its language (lunr-languages' `lunr.<lang>.min.js`), so a
language is added with files: its stemmer file if lunr has one, no code.
"""

from __future__ import annotations

import json
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

from ..files import write_if_changed
from .search_index import EXCLUDED, ROOT_SELECTOR

INDEX_FILE = "search-index.js"
# Pagefind's rules, as tag names: its root, what it leaves out, and ours (search_index.py).
ROOT = ROOT_SELECTOR
SKIPPED = frozenset({"script", "style", "nav", "header", "footer", "form", "svg", "select", "template",
                     "noscript", EXCLUDED})
VOID = frozenset({"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"})


class PageText(HTMLParser):
    """The searchable parts of one page."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.in_main = 0
        self.skipping = 0  # depth inside an element whose text is not indexed
        self.title_depth = 0
        self.theme_depth = 0
        self.title: list[str] = []
        self.theme: list[str] = []
        self.text: list[str] = []
        self.filters: dict[str, list[str]] = {}

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in VOID:
            self.text.append(" ")
            return
        found = dict(attrs)
        if tag == ROOT:
            self.in_main += 1
        if not self.in_main:
            return
        if self.skipping or tag in SKIPPED or "data-pagefind-ignore" in found:
            self.skipping += 1
            return
        if filter_value := found.get("data-pagefind-filter"):
            key, _, value = filter_value.partition(":")
            self.filters.setdefault(key.strip(), []).append(value.strip())
        if tag == "h1" and not self.title:
            self.title_depth = 1
        elif self.title_depth:
            self.title_depth += 1
        if found.get("data-pagefind-meta") == "theme":
            self.theme_depth = 1
        elif self.theme_depth:
            self.theme_depth += 1
        self.text.append(" ")  # elements are words apart: table cells never run together

    def handle_endtag(self, tag: str) -> None:
        if tag in VOID or not self.in_main:
            return
        if tag == ROOT:
            self.in_main -= 1
            return
        if self.skipping:
            self.skipping -= 1
            return
        self.title_depth = max(self.title_depth - 1, 0)
        self.theme_depth = max(self.theme_depth - 1, 0)
        self.text.append(" ")

    def handle_data(self, data: str) -> None:
        if not self.in_main or self.skipping:
            return
        self.text.append(data)
        if self.title_depth:
            self.title.append(data)
        if self.theme_depth:
            self.theme.append(data)


def words(parts: list[str]) -> str:
    return " ".join("".join(parts).split())


def page_entry(path: Path, url: str) -> dict[str, Any] | None:
    parser = PageText()
    parser.feed(path.read_text(encoding="utf-8"))
    title, text = words(parser.title), words(parser.text)
    if not title or not text:
        return None
    entry: dict[str, Any] = {"url": url, "title": title, "text": text}
    if parser.theme:
        entry["theme"] = words(parser.theme)
    if parser.filters:
        entry["filters"] = parser.filters
    return entry


STEMMERS = "assets/vendor/lunr"


def stemmer_file(site_dir: Path, lang: str) -> str | None:
    """The edition's lunr stemmer, if its site has one (English is lunr's own)."""
    name = f"lunr.{lang}.min.js"
    return name if lang != "en" and (site_dir / STEMMERS / name).is_file() else None


def write_local_index(site_dir: Path, lang: str) -> Path:
    """`search-index.js` in the edition's root, for the pages under it (each edition its own)."""
    pages = []
    for path in sorted(site_dir.rglob("*.html")):
        relative = path.relative_to(site_dir).as_posix()
        if relative == "404.html" or (relative.split("/")[0] in {"assets", "search"}):
            continue
        entry = page_entry(path, relative)
        if entry is not None:
            pages.append(entry)
    data = json.dumps(pages, ensure_ascii=False, separators=(",", ":"))
    # Line and paragraph separators end a line in older JavaScript parsers.
    data = data.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")
    target = site_dir / INDEX_FILE
    stemmer = json.dumps(stemmer_file(site_dir, lang))
    write_if_changed(target, f"window.cookbookLocalIndex = {data};\nwindow.cookbookStemmer = {stemmer};\n")
    return target
