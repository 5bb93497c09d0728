"""The recipe body: its sections, and the Markdown a contributor may use safely.

Recipes come from pull requests, so the body is untrusted: it may not put script on the site,
load anything from another host, or make WeasyPrint read or embed a file. Raw HTML is limited
to a short allowlist of inline tags; links and images are checked by scheme and location.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path, PurePosixPath
from typing import Callable
from urllib.parse import unquote

HEADING = re.compile(r"^(#{1,6})[ \t]+(.*?)[ \t#]*$")
FENCE = re.compile(r"^[ \t]{0,3}(`{3,}|~{3,})")
NUMBERED_ITEM = re.compile(r"^[ \t]{0,3}\d{1,3}[.)][ \t]+\S")
CODE_SPAN = re.compile(r"(`+)(?:(?!\1).)+?\1")
AUTOLINK = re.compile(r"<([A-Za-z][A-Za-z0-9+.-]{1,31}:[^<>\s]*)>")
INLINE_LINK = re.compile(r"(!?)\[([^\]\n]*)\]\(\s*(<[^>\n]*>|[^)\s]*)")
REFERENCE_USE = re.compile(r"(!?)\[([^\]\n]*)\]\[([^\]\n]*)\]")
# A link reference definition; "[^1]: text" is a footnote's, not a link's.
REFERENCE_DEFINITION = re.compile(r"^[ \t]{0,3}\[(?!\^)([^\]\n]+)\]:[ \t]*(<[^>\n]*>|\S+)")
ATTR_LIST = re.compile(r"\{:?[ \t]*((?:[#.][\w-]+|[\w-]+=(?:\"[^\"\n]*\"|'[^'\n]*'|[^\s}]*))(?:[ \t]+(?:[#.][\w-]+|[\w-]+=(?:\"[^\"\n]*\"|'[^'\n]*'|[^\s}]*)))*)[ \t]*\}")
# name=value pairs, a quoted value consumed whole (a "name=" inside it is text, not an attribute).
ATTR_PAIR = re.compile(r"""([\w-]+)=(?:"[^"\n]*"|'[^'\n]*'|[^\s}]*)""")
# Inline Markdown reduced to its text: [text](url) → text, **b**/*i*/`c` → b/i/c.
MARKUP = re.compile(r"\[([^\]]*)\]\([^)]*\)|\*\*([^*]*)\*\*|\*([^*]*)\*|`([^`]*)`")
SCHEME = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]*):")

ALLOWED_TAGS = frozenset(
    "abbr b br cite code del dfn em i ins kbd mark q s small span strong sub sup u wbr".split()
)
ALLOWED_ATTRIBUTES = frozenset({"title", "lang", "dir", "class", "id"})
# Tags that run script, load or embed something, or build forms: never in a recipe.
UNSAFE_TAGS = frozenset(
    "script style iframe frame frameset object embed applet form input button select textarea "
    "link meta base svg math template img picture source video audio track portal noscript".split()
)
LINK_SCHEMES = frozenset({"http", "https", "mailto"})
UNSAFE_SCHEMES = frozenset({"javascript", "vbscript", "data", "file"})
IMAGE_SUFFIXES = frozenset({".png", ".jpg", ".jpeg", ".gif", ".webp"})
MAX_IMAGE_BYTES = 2 * 1024 * 1024

Report = Callable[[int, int, str, str, "str | None"], None]


@dataclass(frozen=True)
class Section:
    heading: str
    line: int
    text: str
    plain_lines: tuple[str, ...]  # the text's lines with code blanked out


def unsafe_scheme(url: str) -> str | None:
    """The scheme of a URL that could run script or read a local file, else None."""
    scheme = SCHEME.match("".join(url.split()))  # browsers ignore white space inside a scheme
    name = scheme.group(1).lower() if scheme else None
    return name if name in UNSAFE_SCHEMES else None


def code_free_lines(body: str) -> list[str]:
    """The body's lines with fenced code blocks and inline code blanked out (lines keep their numbers)."""
    lines = body.split("\n")
    if "`" not in body and "~~~" not in body:
        return lines  # most recipes: no code at all, and this runs on every file of every check
    fence: str | None = None
    for index, line in enumerate(lines):
        opener = FENCE.match(line)
        if fence is not None:
            if opener and opener.group(1)[0] == fence[0] and len(opener.group(1)) >= len(fence):
                fence = None
            lines[index] = ""
        elif opener:
            fence = opener.group(1)
            lines[index] = ""
        elif "`" in line:
            lines[index] = CODE_SPAN.sub(lambda m: " " * len(m.group(0)), line)
    return lines


def split_sections(body: str, plain: list[str], first_line: int) -> tuple[list[tuple[int, str]], list[Section]]:
    """Text lines before the first '## ' heading, and each '## ' section with its line number.

    `plain` is code_free_lines(body), so that a '## ' inside a code block is not a heading."""
    lines = body.split("\n")
    preamble: list[tuple[int, str]] = []
    starts = [i for i, visible in enumerate(plain) if visible.startswith("## ") or visible == "##"]
    starts = [i for i in starts if (m := HEADING.match(plain[i])) and len(m.group(1)) == 2]
    for offset in range(starts[0] if starts else len(lines)):
        preamble.append((first_line + offset, lines[offset]))
    sections = []
    for start, end in zip(starts, starts[1:] + [len(lines)]):
        heading = HEADING.match(plain[start])
        assert heading is not None
        sections.append(Section(heading.group(2), first_line + start, "\n".join(lines[start + 1:end]).strip("\n"),
                                tuple(plain[start + 1:end])))
    return preamble, sections


def numbered_items(text: str) -> list[str]:
    """The items of the first numbered list in Markdown text, as plain one-line strings."""
    items: list[str] = []
    in_list = False
    for line in code_free_lines(text):
        start = NUMBERED_ITEM.match(line)
        if start:
            in_list = True
            items.append(re.sub(r"^[ \t]{0,3}\d{1,3}[.)][ \t]+", "", line).strip())
        elif in_list and line.strip() and line[:1] in " \t":
            items[-1] += " " + line.strip()
        elif in_list and line.strip():
            break
    return [MARKUP.sub(lambda m: next(g for g in m.groups() if g is not None), item) for item in items]


def has_numbered_list(plain_lines: tuple[str, ...]) -> bool:
    return any(NUMBERED_ITEM.match(line) for line in plain_lines)


class BodyChecker:
    """Reports unsafe or unusable Markdown in one recipe body."""

    def __init__(self, plain: list[str], first_line: int, folder: Path, report: Report):
        self.lines = plain
        self.first_line = first_line
        self.folder = folder
        self.report = report
        self.images: list[str] = []  # valid image paths, relative to the folder, in order of use

    def check(self) -> None:
        definitions = self._reference_definitions()
        for offset, line in enumerate(self.lines):
            # Cheap substring tests first: most lines hold no link, tag or attribute list.
            number = self.first_line + offset
            if line.startswith("# ") or line == "#":
                self.report(number, 1, "heading-level", "a '# ' heading in the body; the title comes from the front matter",
                            "use '## ' for the recipe's sections and '### ' for sub-headings")
            if "<" in line:
                for match in AUTOLINK.finditer(line):
                    self._check_url(match.group(1), number, match.start() + 2, image=False)
            if "](" in line:
                for match in INLINE_LINK.finditer(line):
                    url = match.group(3).strip("<>")
                    self._check_target(match.group(1) == "!", match.group(2), url, number, match.start() + 1)
            if "![" in line and "][" in line:
                for match in REFERENCE_USE.finditer(line):
                    url = definitions.get((match.group(3) or match.group(2)).casefold())
                    if match.group(1) == "!" and url is not None:
                        self._check_target(True, match.group(2), url, number, match.start() + 1)
            if "{" in line:
                for match in ATTR_LIST.finditer(line):
                    self._check_attr_list(match.group(1), number, match.start() + 1)
        if any("<" in line for line in self.lines):
            self._check_html()

    def _reference_definitions(self) -> dict[str, str]:
        found = {}
        for offset, line in enumerate(self.lines):
            match = REFERENCE_DEFINITION.match(line) if "]:" in line else None
            if match:
                url = match.group(2).strip("<>")
                found[match.group(1).casefold()] = url
                self._check_url(url, self.first_line + offset, match.start(2) + 1, image=False)
        return found

    def _check_target(self, image: bool, text: str, url: str, line: int, column: int) -> None:
        if image:
            self._check_image(text, url, line, column)
        else:
            self._check_url(url, line, column, image=False)

    def _check_url(self, url: str, line: int, column: int, image: bool) -> bool:
        """True when the URL is a relative reference (no scheme) that passed."""
        scheme = SCHEME.match(url)
        if scheme is None:
            if url.startswith(("//", "\\\\")):
                self.report(line, column, "bad-url", f"'{url[:60]}' points to another host without a scheme",
                            "write the full address, starting with https://")
                return False
            if not image and url and not url.startswith("#"):
                self.report(line, column, "relative-link", f"the link '{url[:60]}' points to a file, not a web page",
                            "link to web pages with a full https:// address; list other recipes under 'related'")
                return False
            return True
        name = scheme.group(1).lower()
        if name in UNSAFE_SCHEMES:
            self.report(line, column, "unsafe-url", f"{name}: addresses are not allowed ('{url[:60]}')",
                        "link only to web pages, with an https:// address")
        elif name not in LINK_SCHEMES:
            self.report(line, column, "bad-url", f"'{url[:60]}' is not a web address",
                        "use an address that starts with https:// or http://")
        return False

    def _check_image(self, alt: str, url: str, line: int, column: int) -> None:
        if SCHEME.match(url) or url.startswith("//"):
            self.report(line, column, "remote-image", f"the image '{url[:60]}' is not a file of this recipe",
                        "save the image in the recipe's folder and refer to it by its file name, such as ![Alt text](kuva.png)")
            return
        if not alt.strip():
            self.report(line, column, "missing-alt", "the image has no alt text",
                        "describe the image between the brackets: ![What the image shows](file.png)")
        relative = PurePosixPath(unquote(url.split("#")[0].split("?")[0]))
        if not relative.parts or relative.is_absolute() or ".." in relative.parts:
            self.report(line, column, "image-outside", f"the image '{url[:60]}' is outside the recipe's folder",
                        "put the image in the same folder as the recipe and use its bare file name")
            return
        if relative.suffix.lower() not in IMAGE_SUFFIXES:
            self.report(line, column, "image-type", f"'{relative.name}' is not a PNG, JPEG, GIF or WebP image",
                        "save the image as PNG or JPEG")
            return
        path = self.folder.joinpath(*relative.parts)
        inside = path.resolve().is_relative_to(self.folder.resolve())
        if path.is_symlink() or not path.is_file() or not inside:
            self.report(line, column, "missing-image", f"the image file '{relative}' does not exist in {self.folder.name}/",
                        "add the file to the recipe's folder, or correct its name (names are case-sensitive)")
        elif path.stat().st_size > MAX_IMAGE_BYTES:
            size = path.stat().st_size / (1024 * 1024)
            self.report(line, column, "image-too-large", f"the image '{relative}' is {size:.1f} MB; at most 2 MB",
                        "resize it to at most 2000 pixels wide or save it as JPEG")
        elif relative.as_posix() not in self.images:
            self.images.append(relative.as_posix())

    def _check_attr_list(self, content: str, line: int, column: int) -> None:
        for match in ATTR_PAIR.finditer(content):
            name = match.group(1).lower()
            if name.startswith("on"):
                self.report(line, column, "unsafe-html", f"the attribute '{name}' would run script",
                            "remove it: recipes cannot contain script")
            elif name not in ALLOWED_ATTRIBUTES:
                self.report(line, column, "html-attribute", f"the attribute '{name}' is not allowed",
                            f"allowed attributes: {', '.join(sorted(ALLOWED_ATTRIBUTES))}")

    def _check_html(self) -> None:
        text = "\n".join(AUTOLINK.sub(lambda m: " " * len(m.group(0)), line) for line in self.lines)
        scanner = _TagScanner(self)
        scanner.feed(text)
        scanner.close()


class _TagScanner(HTMLParser):
    def __init__(self, checker: BodyChecker):
        super().__init__(convert_charrefs=True)
        self.checker = checker

    def _where(self) -> tuple[int, int]:
        line, column = self.getpos()
        return self.checker.first_line + line - 1, column + 1

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        line, column = self._where()
        report = self.checker.report
        if tag in UNSAFE_TAGS:
            report(line, column, "unsafe-html", f"the HTML tag <{tag}> is not allowed: it can run script or load files",
                   "remove it; use Markdown for text, links (with https://) and images (files in the recipe's folder)")
            return
        if tag not in ALLOWED_TAGS:
            report(line, column, "html-not-allowed", f"the HTML tag <{tag}> is not allowed in a recipe",
                   f"use Markdown instead; the allowed tags are {', '.join(sorted(ALLOWED_TAGS))}")
        for name, value in attrs:
            value = value or ""
            if name.startswith("on"):
                report(line, column, "unsafe-html", f"the attribute '{name}' on <{tag}> would run script",
                       "remove it: recipes cannot contain script")
            elif name == "rel" and "attachment" in value.lower():
                report(line, column, "unsafe-html", f"rel=\"{value}\" would embed a file in the PDF",
                       "remove it: recipes cannot attach files")
            elif unsafe_scheme(value):
                report(line, column, "unsafe-url", f"the attribute '{name}' holds a {unsafe_scheme(value)}: address",
                       "remove it: link only to web pages, with Markdown and an https:// address")
            elif name not in ALLOWED_ATTRIBUTES:
                report(line, column, "html-attribute", f"the attribute '{name}' on <{tag}> is not allowed",
                       f"allowed attributes: {', '.join(sorted(ALLOWED_ATTRIBUTES))}")

    handle_startendtag = handle_starttag

    def handle_pi(self, data: str) -> None:
        line, column = self._where()
        self.checker.report(line, column, "html-not-allowed", "processing instructions (<?…>) are not allowed", "remove it")

    def handle_decl(self, decl: str) -> None:
        line, column = self._where()
        self.checker.report(line, column, "html-not-allowed", f"the declaration <!{decl[:30]}> is not allowed", "remove it")

    def unknown_decl(self, data: str) -> None:
        self.handle_decl(data)
