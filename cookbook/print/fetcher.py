"""What WeasyPrint may read: files inside the project's allowed folders, nothing else.

Recipes are untrusted. Whatever a recipe's Markdown asks for (a remote image, /etc/passwd,
an attachment), the fetcher refuses everything but files under the given roots.
"""

from __future__ import annotations

import struct
from io import BytesIO
from pathlib import Path
from urllib.parse import unquote, urlsplit

from weasyprint.urls import URLFetcher, URLFetcherResponse, URLFetchingError

from ..cache_entries import DamagedEntry, entry_name, read_entry, write_entry
from ..config import Project
from ..digests import file_digest


PNG_DATA = "data:image/png;base64,"


class ProjectFetcher(URLFetcher):
    def __init__(self, allowed_roots: list[Path], font_cache: Path | None = None, project_root: Path | None = None):
        super().__init__(allowed_protocols=["file", "data"], allow_redirects=False)
        self.allowed_roots = [root.resolve() for root in allowed_roots]
        self.font_cache = font_cache
        self.project_root = project_root

    def fetch(self, url: str, headers: dict[str, str] | None = None):  # type: ignore[override]
        if url.startswith(PNG_DATA):  # generated images, such as QR codes: no file, no request
            return super().fetch(url, headers)
        parts = urlsplit(url)
        if parts.scheme != "file" or parts.netloc not in ("", "localhost"):
            raise URLFetchingError(f"refused to fetch {url[:80]}: only project files may be used")
        path = Path(unquote(parts.path)).resolve()
        if not any(path.is_relative_to(root) for root in self.allowed_roots) or not path.is_file():
            raise URLFetchingError(f"refused to read {path}: it is not a file inside the project")
        if path.suffix == ".woff2" and self.font_cache is not None:
            return URLFetcherResponse(url, BytesIO(decompressed_font(path, self.font_cache, self.project_root)))
        return super().fetch(path.as_uri(), headers)


def decompressed_font(path: Path, cache: Path, project_root: Path | None = None) -> bytes:
    """The font as plain OpenType. WeasyPrint would decompress each WOFF2 file in every process
    (seconds for our 24 faces); done once here and kept under build/, as a verified entry: a
    font cut short lays out but prints no glyphs, so a damaged one is never used."""
    target = cache / f"{file_digest(path)}.otf"
    entry = read_entry(target, check_font_header, entry_name(project_root or cache, target))
    if entry is not None:
        return entry[0]
    from fontTools.ttLib import woff2

    out = BytesIO()
    with path.open("rb") as source:
        woff2.decompress(source, out)
    font = out.getvalue()
    check_font_header(font)
    write_entry(target, font)
    return font


def check_font_header(data: bytes) -> None:
    """A quick look at a font read from the cache (its hash has been checked): an OpenType
    table directory whose tables all lie inside the file."""
    from fontTools.ttLib import TTFont, TTLibError

    try:
        font = TTFont(BytesIO(data), lazy=True)
        ends = [entry.offset + entry.length for entry in font.reader.tables.values()]
    except (TTLibError, AssertionError, struct.error) as error:
        raise DamagedEntry(f"not a font: {error}") from None
    if not ends or max(ends) > len(data) or "head" not in font.reader.tables:
        raise DamagedEntry("its font tables run past its end")


def font_cache_dir(project: Project) -> Path:
    return project.build_dir / "cache" / "fonts"


def prepare_fonts(project: Project) -> None:
    """Every font of the templates in the cache, checked, before the workers fork: a damaged
    entry is then reported once, not by each worker that reads it."""
    for path in sorted((project.templates_dir / "fonts").rglob("*.woff2")):
        decompressed_font(path, font_cache_dir(project), project.root)
