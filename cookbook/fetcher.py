"""What WeasyPrint may read: files inside the project's allowed folders, nothing else.

Recipes are untrusted. Whatever a recipe's Markdown asks for (a remote image, /etc/passwd,
an attachment), the fetcher refuses everything but files under the given roots.
"""

from __future__ import annotations

import os
from io import BytesIO
from pathlib import Path
from urllib.parse import unquote, urlsplit

from weasyprint.urls import URLFetcher, URLFetcherResponse, URLFetchingError

from .pdf_cache import file_digest


PNG_DATA = "data:image/png;base64,"


class ProjectFetcher(URLFetcher):
    def __init__(self, allowed_roots: list[Path], font_cache: Path | None = None):
        super().__init__(allowed_protocols=["file", "data"], allow_redirects=False)
        self.allowed_roots = [root.resolve() for root in allowed_roots]
        self.font_cache = font_cache

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
            return URLFetcherResponse(url, BytesIO(decompressed_font(path, self.font_cache)))
        return super().fetch(path.as_uri(), headers)


def decompressed_font(path: Path, cache: Path) -> bytes:
    """The font as plain OpenType. WeasyPrint would decompress each WOFF2 file in every process
    (seconds for our 24 faces); done once here and kept under build/."""
    target = cache / f"{file_digest(path)}.otf"
    try:
        return target.read_bytes()
    except OSError:
        pass
    from fontTools.ttLib import woff2

    out = BytesIO()
    with path.open("rb") as source:
        woff2.decompress(source, out)
    target.parent.mkdir(parents=True, exist_ok=True)
    temporary = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    temporary.write_bytes(out.getvalue())
    os.replace(temporary, target)
    return out.getvalue()
