"""Page numbers drawn by WeasyPrint, laid over the joined book's pages.

A part cannot know where it starts, so its footers are empty (book-part.css) and WeasyPrint draws
the numbers apart: documents of empty pages under the book's own @page rules (page-numbers.*;
book.py says how many). Each of their pages, a form XObject marked as a pagination artifact,
is drawn over the book's page of that number. They depend on the format only: every language's
book shares them, through the PDF cache. Nothing is parsed or laid out again here.
"""
from __future__ import annotations

import io
from typing import Iterable

import pikepdf
from pikepdf import Array, Dictionary

from ..errors import CookbookError

FOLIO = "/CookbookFolio"  # the name of the number's form in each numbered page's resources
# The page's own drawing in q … Q (WeasyPrint leaves its flipped CTM in force), then the number.
OPENING = b"q\n"
CLOSING = b"Q\n/Artifact <</Type /Pagination>> BDC /CookbookFolio Do EMC\n"


class FolioError(CookbookError):
    """The page numbers do not fit the book's pages."""


def number_pages(pdf: pikepdf.Pdf, first: int, documents: Iterable[bytes]) -> None:
    """Draw the pages of the numbers `documents`, in order, over pdf.pages[first:], one for one."""
    pages = list(pdf.pages)  # (one at a time, each would be a walk along the page tree)
    # Two streams for the whole book: a page's resources name its own number /CookbookFolio.
    opening, closing = pdf.make_stream(OPENING), pdf.make_stream(CLOSING)
    index = first
    for data in documents:
        with pikepdf.open(io.BytesIO(data)) as numbers:
            sources = list(numbers.pages)[:len(pages) - index]
            # Copied in one go, their shared resources (the font) once.
            forms = pdf.copy_foreign(numbers.make_indirect(Array([source.as_form_xobject() for source in sources])))
            for source, form in zip(sources, forms):
                page = pages[index]
                if source.mediabox != page.mediabox and _box(source.mediabox) != _box(page.mediabox):
                    raise FolioError(f"the page numbers are drawn on pages of {_box(source.mediabox)} pt, "
                                     f"page {index + 1} of the book is {_box(page.mediabox)} pt")
                _overlay(page, form, opening, closing)
                index += 1
    if index < len(pages):
        raise FolioError(f"numbers were drawn for {index - first} pages of the book, {len(pages) - first} needed them")


def _overlay(page: pikepdf.Page, form: pikepdf.Stream, opening: pikepdf.Stream, closing: pikepdf.Stream) -> None:
    """`form` drawn after the page's content, in the page's user space (the same @page rules
    give both the same boxes). The page gets resources of its own: a part's pages share theirs."""
    resources = page.obj.get("/Resources", Dictionary())
    xobjects = resources.get("/XObject", Dictionary())
    if FOLIO in xobjects:
        raise FolioError("a page of the book has its number already")
    page.obj.Resources = Dictionary({**dict(resources.items()), "/XObject": Dictionary({**dict(xobjects.items()), FOLIO: form})})
    page.contents_add(opening, prepend=True)
    page.contents_add(closing)


def _box(box: pikepdf.Array) -> tuple[float, ...]:
    return tuple(round(float(value), 2) for value in box)
