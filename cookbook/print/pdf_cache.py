"""A content-hash cache of rendered PDFs under build/cache/pdf/, so a rebuild renders only what changed.

The key is a hash of everything the bytes depend on: the HTML given to WeasyPrint (the recipe,
the templates and the language's texts are all in it), every file WeasyPrint may read while
rendering it (the print CSS, the fonts, the images it names), the dictionaries Voikko hyphenates
Finnish with, and the version of the code (this package's source and the versions of the
rendering libraries). Nothing else reaches the renderer, so a hit can never be stale.
"""

from __future__ import annotations

import hashlib
import os
import re
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote, urlsplit

from ..cache_entries import DamagedEntry, entry_name, read_entry, write_entry
from ..digests import code_version, file_digest

if TYPE_CHECKING:
    from ..config import Project

FILE_URL = re.compile(r"""file://[^"'\s)>]+""")
# Entries unused this long are removed, so the cache does not grow without bound.
PRUNE_AFTER_SECONDS = 14 * 24 * 3600
LEFTOVER_SECONDS = 3600


def referenced_files_digest(html: str) -> str:
    """The files an HTML document names by file:// URL (images), by content."""
    digest = hashlib.sha256()
    for url in sorted(set(FILE_URL.findall(html))):
        path = Path(unquote(urlsplit(url).path))
        digest.update(url.encode() + b"\0" + (file_digest(path) if path.is_file() else "missing").encode())
    return digest.hexdigest()


@dataclass(frozen=True)
class CachedPdf:
    pdf: bytes
    meta: dict[str, Any]


def parses_as_pdf(data: bytes) -> None:
    """What a PDF entry must look like besides its hash: the start and end of a PDF file."""
    if not data.startswith(b"%PDF-") or b"%%EOF" not in data[-1024:]:
        raise DamagedEntry("not a whole PDF file")


class PdfCache:
    """Rendered PDFs by key, with a little metadata (page count, anchors) beside each, as
    verified entries (cookbook.cache_entries): a damaged one is rendered anew, never used."""

    def __init__(self, folder: Path, enabled: bool = True, project_root: Path | None = None):
        self.folder = folder
        self.enabled = enabled
        self.project_root = project_root or folder

    @classmethod
    def of(cls, project: Project, enabled: bool = True) -> PdfCache:
        """The project's cache, under build/cache/pdf/."""
        return cls(project.build_dir / "cache" / "pdf", enabled, project.root)

    def key(self, html: str, *inputs: str) -> str:
        digest = hashlib.sha256(code_version().encode())
        for part in (*inputs, referenced_files_digest(html), html):
            digest.update(b"\0" + part.encode())
        return digest.hexdigest()

    def path(self, key: str) -> Path:
        return self.folder / key[:2] / f"{key}.entry"

    def get(self, key: str) -> CachedPdf | None:
        if not self.enabled:
            return None
        path = self.path(key)
        entry = read_entry(path, parses_as_pdf, entry_name(self.project_root, path))
        if entry is None:
            return None
        os.utime(path)  # used now: kept by prune()
        return CachedPdf(*entry)

    def put(self, key: str, pdf: bytes, meta: dict[str, Any]) -> None:
        if self.enabled:
            write_entry(self.path(key), pdf, meta)

    def prune(self, now: float | None = None) -> None:
        """Remove entries unused for PRUNE_AFTER_SECONDS, and whatever else is in the folder
        (temporary files of killed builds, entries of older versions)."""
        if not self.enabled or not self.folder.is_dir():
            return
        now = now or time.time()
        for path in self.folder.glob("*/*"):
            # Anything else is a leftover: an older version's entry, or a killed build's temporary file.
            unused_for = PRUNE_AFTER_SECONDS if path.suffix == ".entry" else LEFTOVER_SECONDS
            try:
                if path.stat().st_mtime < now - unused_for:
                    path.unlink()
            except FileNotFoundError:
                pass
