"""What WeasyPrint may read: files inside the project's allowed folders, nothing else.

Recipes are untrusted. Whatever a recipe's Markdown asks for (a remote image, /etc/passwd,
an attachment), the fetcher refuses everything but files under the given roots.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import unquote, urlsplit

from weasyprint.urls import URLFetcher, URLFetchingError


class ProjectFetcher(URLFetcher):
    def __init__(self, allowed_roots: list[Path]):
        super().__init__(allowed_protocols=["file"], allow_redirects=False)
        self.allowed_roots = [root.resolve() for root in allowed_roots]

    def fetch(self, url: str, headers: dict[str, str] | None = None):  # type: ignore[override]
        parts = urlsplit(url)
        if parts.scheme != "file" or parts.netloc not in ("", "localhost"):
            raise URLFetchingError(f"refused to fetch {url[:80]}: only project files may be used")
        path = Path(unquote(parts.path)).resolve()
        if not any(path.is_relative_to(root) for root in self.allowed_roots) or not path.is_file():
            raise URLFetchingError(f"refused to read {path}: it is not a file inside the project")
        return super().fetch(path.as_uri(), headers)
