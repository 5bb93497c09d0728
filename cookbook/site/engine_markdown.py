"""What the site engine's Markdown needs of ours: our HTML blocks, handed over whole.

Our pages are Markdown headings (the engine makes its table of contents of them) and blocks of
HTML that our code has already made and escaped. Given as raw HTML, every engine would parse
each block twice with Python's html.parser (Python-Markdown to find where it ends, MkDocs to
list its anchors): a third of an engine's time at 1000 recipes. Each block is instead a fenced
block of the `cookbook-html` kind, which this Python-Markdown extension (named in the engine's
configuration, so every engine that reads it loads it) stores as it is, without reading it.
"""

from __future__ import annotations

import re

from markdown import Extension, Markdown
from markdown.preprocessors import Preprocessor

HTML_FENCE = "cookbook-html"
_BACKTICKS = re.compile(r"`+")
FENCED = re.compile(rf"^(?P<fence>`{{3,}}){HTML_FENCE}\n(?P<html>.*?)\n(?P=fence)$", re.M | re.S)


def fenced_html(html_text: str) -> str:
    """`html_text` as a fenced block whose fence is longer than any run of backticks inside,
    so that no line of the block can close it early."""
    longest = max((len(run) for run in _BACKTICKS.findall(html_text)), default=0) if "`" in html_text else 0
    fence = "`" * max(3, longest + 1)
    return f"{fence}{HTML_FENCE}\n{html_text}\n{fence}"


class _StoreHtmlBlocks(Preprocessor):
    def run(self, lines: list[str]) -> list[str]:
        text = "\n".join(lines)
        if HTML_FENCE not in text:
            return lines
        # The block's placeholder, a paragraph of its own, becomes the HTML again at the end.
        stored = FENCED.sub(lambda block: f"\n\n{self.md.htmlStash.store(block.group('html'))}\n\n", text)
        return stored.split("\n")


class CookbookHtmlExtension(Extension):
    def extendMarkdown(self, md: Markdown) -> None:  # noqa: N802 - Python-Markdown's name
        # After whitespace is normalised (30); before fenced code (25: MkDocs always adds it), which
    # would show the block as code, and before any reading of raw HTML (MkDocs' 21, 20).
        md.preprocessors.register(_StoreHtmlBlocks(md), "cookbook_html", 29)


def makeExtension(**kwargs: object) -> CookbookHtmlExtension:  # noqa: N802 - Python-Markdown's name
    return CookbookHtmlExtension(**kwargs)
