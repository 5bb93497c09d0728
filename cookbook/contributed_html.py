"""Contributors' Markdown as HTML that cannot run, for the site and the PDFs alike.

Recipes and pages come from pull requests. The check reports unsafe Markdown to its writer
(cookbook/source/body.py); this module makes sure, whatever slips past it, that nothing of theirs
becomes script, a form, an embedded file or a request to another host. Their Markdown is
rendered with the site's own dialect (the extensions in mkdocs.yml), then cleaned by an
allowlist of elements, attributes, classes and URL schemes (nh3, the Python binding of the
Rust sanitizer ammonia): what it does not know is dropped, its text kept.

For the site, the rendered HTML comes in parts: the top-level headings lifted out as plain
text, so that the page can give them to the engine as Markdown headings (its table of
contents lists them), and the HTML between them, which the engine passes through untouched.
"""

from __future__ import annotations

import html
import re
import secrets
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable
from xml.etree import ElementTree

import markdown
import nh3
from markdown.extensions import Extension
from markdown.treeprocessors import Treeprocessor
from pygments.token import STANDARD_TYPES

from .markdown_render import extension_settings, read_mkdocs_config

# What the Markdown dialect makes, and the inline tags a recipe may write as HTML (body.py).
ALLOWED_TAGS = frozenset(
    "p br hr h2 h3 h4 h5 h6 ul ol li dl dt dd blockquote pre code div details summary "
    "table thead tbody tr th td a img em strong b i u s del ins mark small sub sup kbd q cite dfn abbr span wbr".split()
)
ALLOWED_ATTRIBUTES = {
    "*": {"title", "lang", "dir", "id"},  # class: only those of ALLOWED_CLASSES
    "a": {"href"},
    "img": {"src", "alt"},
    "ol": {"start"},
    "th": {"style"},  # Markdown tables align a column with style="text-align: …"
    "td": {"style"},
    "details": {"open"},
}
ALLOWED_CLASSES = {
    "p": {"admonition-title"},
    "details": {"note", "abstract", "info", "tip", "success", "question", "warning", "failure", "danger", "bug",
                "example", "quote"},
    "a": {"footnote-ref", "footnote-backref"},
    "div": {"admonition", "note", "abstract", "info", "tip", "success", "question", "warning", "failure", "danger",
            "bug", "example", "quote", "footnote", "highlight"},
    # Code blocks coloured by Pygments: its token classes (n, o, mi…), which the theme styles.
    "span": set(STANDARD_TYPES.values()) - {""},
}
URL_SCHEMES = frozenset({"http", "https", "mailto"})
# Ids a contributor's text may carry (footnotes, headings): never one of the page's own
# (Material's start with "__", ours with "cb-"), which a clash would take over.
SAFE_ID = re.compile(r"^(?:fn|fnref):[\w-]+$|^(?!cb-|md-)[a-z0-9][a-z0-9_-]*$")
HEADING = re.compile(r"^<h([1-6])\b[^>]*>(.*)</h\1>$", re.S)
TAG = re.compile(r"<[^>]*>")
IMAGE_SOURCE = re.compile(r'(<img\b[^>]*?\ssrc=")([^"]*)(")')
SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")


@dataclass(frozen=True)
class Heading:
    """A top-level heading of contributed Markdown, as plain text."""
    level: int
    text: str


@dataclass(frozen=True)
class HtmlPart:
    """Clean HTML between headings."""
    html: str


Part = Heading | HtmlPart


def _keep_attribute(element: str, attribute: str, value: str) -> str | None:
    if attribute == "id" and not SAFE_ID.match(value):
        return None
    return value


class _HeadingMarks(Treeprocessor):
    """Marks where each top-level heading starts and ends, with comments carrying a token
    that no contributor can know (the marks never reach the output)."""

    def __init__(self, md: markdown.Markdown, token: str) -> None:
        super().__init__(md)
        self.token = token

    def run(self, root: ElementTree.Element) -> None:
        for index in range(len(root) - 1, -1, -1):
            if root[index].tag in ("h1", "h2", "h3", "h4", "h5", "h6"):
                root[index].tail = "\n"
                root.insert(index + 1, ElementTree.Comment(f"cb-{self.token}-end"))
                root.insert(index, ElementTree.Comment(f"cb-{self.token}-start"))


class _HeadingMarksExtension(Extension):
    def __init__(self, token: str) -> None:
        super().__init__()
        self.token = token

    def extendMarkdown(self, md: markdown.Markdown) -> None:  # noqa: N802 - Python-Markdown's name
        md.treeprocessors.register(_HeadingMarks(md, self.token), "cb_heading_marks", 0)  # after every other


class ContributedMarkdown:
    """Markdown → clean HTML with the site's extensions; one instance per process and project."""

    def __init__(self, mkdocs_config_path: Path) -> None:
        names, configs = extension_settings(read_mkdocs_config(mkdocs_config_path))
        self._token = secrets.token_hex(8)
        self._marks = re.compile(f"<!--cb-{self._token}-start-->(.*?)<!--cb-{self._token}-end-->", re.S)
        # The heading that stands between two sections rendered together (sections()).
        self._section_heading = f"cb-section-{self._token}-"
        self._section_marks = re.compile(
            f"<!--cb-{self._token}-start-->\\s*<h2[^>]*>{self._section_heading}([a-z_]+)</h2>\\s*<!--cb-{self._token}-end-->")
        self._md = markdown.Markdown(extensions=[*names, _HeadingMarksExtension(self._token)], extension_configs=configs)
        self._cleaner = nh3.Cleaner(
            tags=set(ALLOWED_TAGS), attributes={k: set(v) for k, v in ALLOWED_ATTRIBUTES.items()},
            attribute_filter=_keep_attribute, url_schemes=set(URL_SCHEMES), link_rel=None, strip_comments=True,
            allowed_classes={k: set(v) for k, v in ALLOWED_CLASSES.items()}, filter_style_properties={"text-align"},
        )

    def _render(self, text: str) -> str:
        self._md.reset()
        return self._md.convert(text)

    def clean(self, fragment: str, image_url: Callable[[str], str] | None = None) -> str:
        """Clean HTML; `image_url` maps the address of each image in the text's folder."""
        cleaned = self._cleaner.clean(fragment).strip()
        if image_url is None or "<img" not in cleaned:
            return cleaned

        def image(match: re.Match[str]) -> str:
            source = html.unescape(match.group(2))
            if SCHEME.match(source) or source.startswith(("/", "#")):
                return match.group(0)
            return match.group(1) + html.escape(image_url(source)) + match.group(3)

        return IMAGE_SOURCE.sub(image, cleaned)

    def _render_sections(self, texts: dict[str, str]) -> dict[str, str]:
        """Each of a file's sections rendered (marks kept), all in one conversion in the file's
        order, so that what one section defines (a link reference, a footnote, an abbreviation)
        serves the others as it does in the file; the footnotes come at the end of the last."""
        joined = "\n\n".join(f"## {self._section_heading}{key}\n\n{text}" for key, text in texts.items())
        pieces = self._section_marks.split(self._render(joined))
        rendered = {pieces[index]: pieces[index + 1] for index in range(1, len(pieces) - 1, 2)}
        if list(rendered) != list(texts):  # one section swallowed the next (a code block left open)
            return {key: self._render(text) for key, text in texts.items()}
        return rendered

    def html(self, text: str, image_url: Callable[[str], str] | None = None) -> str:
        """The whole text as clean HTML, headings in place (for print)."""
        return self._html(self._render(text), image_url)

    def sections_html(self, texts: dict[str, str], image_url: Callable[[str], str] | None = None) -> dict[str, str]:
        """A recipe's sections (key -> Markdown, in the file's order) as clean HTML, for print."""
        return {key: self._html(rendered, image_url) for key, rendered in self._render_sections(texts).items()}

    def _html(self, rendered: str, image_url: Callable[[str], str] | None) -> str:
        return self.clean(self._marks.sub(lambda m: m.group(1), rendered), image_url)

    def parts(self, text: str, image_prefix: str = "") -> list[Part]:
        """Clean HTML with its top-level headings lifted out as plain text (for the site).
        Images are the text's folder's: `image_prefix` leads from the page to that folder."""
        return self._parts(self._render(text), image_prefix)

    def sections_parts(self, texts: dict[str, str], image_prefix: str = "") -> dict[str, list[Part]]:
        """A recipe's sections (key -> Markdown, in the file's order) in parts, for the site."""
        return {key: self._parts(rendered, image_prefix) for key, rendered in self._render_sections(texts).items()}

    def _parts(self, rendered: str, image_prefix: str) -> list[Part]:
        image_url = (lambda source: image_prefix + source) if image_prefix else None
        found: list[Part] = []
        position = 0
        for mark in self._marks.finditer(rendered):
            found.append(HtmlPart(self.clean(rendered[position:mark.start()], image_url)))
            heading = HEADING.match(mark.group(1).strip())
            if heading:
                found.append(Heading(int(heading.group(1)), " ".join(html.unescape(TAG.sub("", heading.group(2))).split())))
            position = mark.end()
        found.append(HtmlPart(self.clean(rendered[position:], image_url)))
        return [part for part in found if not isinstance(part, HtmlPart) or part.html]


def markdown_specials(mkdocs_config_path: Path) -> frozenset[str]:
    """The characters that a backslash keeps literal in the site's Markdown dialect."""
    names, configs = extension_settings(read_mkdocs_config(mkdocs_config_path))
    escaped = markdown.Markdown(extensions=names, extension_configs=configs).ESCAPED_CHARS
    return frozenset(char for char in escaped if not char.isspace())  # a space is never markup


def markdown_text(text: Any, specials: frozenset[str]) -> str:
    """Plain text on one Markdown line (a heading): shown as it is, never read as Markdown or HTML."""
    escaped = html.escape(" ".join(str(text).split()), quote=False)
    return "".join("\\" + char if char in specials else char for char in escaped)
