"""Generated HTML kept out of the Markdown that the site engine parses.

MkDocs passes a raw HTML block through unchanged, yet runs it through two HTML parsers first
(Python-Markdown's, to find where it ends, and its own, to collect anchors): for a recipe page,
whose facts, metrics, methods, cases and JSON-LD are generated HTML, that was a third of its
build. So the page templates put each generated block through the `html_block` filter, which
leaves a placeholder comment in the Markdown and keeps the block in a file beside the pages;
the MkDocs hook puts every block back where its placeholder came out. The HTML is the same.

The placeholder carries a token made from the contributors' Markdown of the edition, so that
no text of theirs can be taken for one.
"""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path
from typing import Iterable

from markupsafe import Markup

SUFFIX = ".html-blocks.json"


def blocks_path(docs: Path) -> Path:
    """Where the blocks of the pages under `docs` are kept: beside the folder, not in it (the
    engine would publish it)."""
    return docs.with_name(docs.name + SUFFIX)


class HtmlBlocks:
    """The blocks of one edition's pages, by page path, in the order of their placeholders."""

    def __init__(self, texts: Iterable[str]) -> None:
        digest = hashlib.sha256()
        for text in texts:
            digest.update(text.encode("utf-8", "surrogatepass"))
        self.token = digest.hexdigest()[:16]
        self.pages: dict[str, list[str]] = {}
        self._current: list[str] = []

    def start(self, path: str) -> None:
        """The blocks stashed from now on belong to the page at `path`."""
        self._current = self.pages.setdefault(path, [])

    def stash(self, html: str) -> Markup:
        """The `html_block` filter: the block kept, its placeholder given back."""
        self._current.append(str(html).strip())
        # A block of its own for Markdown, however the template lays it out: blank lines around.
        return Markup(f"\n\n<!--cb-{self.token}-{len(self._current) - 1}-->\n\n")

    def dumps(self) -> str:
        return json.dumps({"token": self.token, "pages": self.pages}, ensure_ascii=False, sort_keys=True)


def inline_blocks(html: str) -> Markup:
    """The `html_block` filter when nothing is stashed: the block stays in the Markdown."""
    return Markup(str(html).strip())


class BlockStore:
    """The hook's side: the blocks read back, and put into each page's HTML."""

    def __init__(self, text: str) -> None:
        data = json.loads(text)
        self.pages: dict[str, list[str]] = data["pages"]
        self.placeholder = re.compile(r"<!--cb-" + re.escape(data["token"]) + r"-(\d+)-->")

    @classmethod
    def read(cls, docs: Path) -> "BlockStore | None":
        path = blocks_path(docs)
        return cls(path.read_text(encoding="utf-8")) if path.is_file() else None

    def restore(self, path: str, html: str) -> str:
        blocks = self.pages.get(path)
        if not blocks:
            return html
        def block(match: re.Match[str]) -> str:
            index = int(match.group(1))
            return blocks[index] + "\n" if index < len(blocks) else match.group(0)

        return self.placeholder.sub(block, html)
