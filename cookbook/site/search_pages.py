"""What Pagefind indexes: the content of each web page, as our code made it, in a page of its own.

Every page is our HTML and our headings; the engine only wraps them in navigation and chrome
(which Pagefind leaves out: it reads a page's `main`, without navigation or buttons). So the
index made from these pages is the one made from the engine's, on any engine, and it can be
made while the engine builds: at 1000 recipes, the search index no longer runs after the
engines (4 s), but beside them.
"""

from __future__ import annotations

import re

from .engine_markdown import FENCED
from .pages import page_url

# Our pages' headings: Markdown ATX headings whose text is HTML-escaped, with a backslash before
# every character Markdown would read (contributed_html.markdown_text).
HEADING = re.compile(r"^(#{1,6}) (.*)$", re.M)
ESCAPE = re.compile(r"\\(.)")


def search_pages(pages: dict[str, str | bytes], lang: str) -> dict[str, str]:
    """Each Markdown page of an edition (path -> text) as an HTML file at the path the engine
    gives it on the web (directory URLs)."""
    return {page_url(path) + "index.html": search_page(text, lang)
            for path, text in pages.items() if path.endswith(".md") and isinstance(text, str)}


def search_page(markdown_page: str, lang: str) -> str:
    body = markdown_page.split("---\n", 2)[2] if markdown_page.startswith("---\n") else markdown_page  # no front matter
    parts: list[str] = []
    position = 0
    for block in FENCED.finditer(body):
        parts.append(_headings(body[position:block.start()]))
        parts.append(block.group("html"))
        position = block.end()
    parts.append(_headings(body[position:]))
    return f'<!doctype html>\n<html lang="{lang}">\n<meta charset="utf-8">\n<main>\n{"".join(parts)}\n</main>\n</html>\n'


def _headings(markdown: str) -> str:
    """The text between our HTML blocks: headings (anything else a project's template writes is
    passed on as it is, for the indexer to read its words)."""
    return HEADING.sub(_heading, markdown)


def _heading(match: re.Match[str]) -> str:
    level = len(match.group(1))
    return f"<h{level}>{ESCAPE.sub(lambda escaped: escaped.group(1), match.group(2))}</h{level}>"
