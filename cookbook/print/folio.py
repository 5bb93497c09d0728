"""Page numbers drawn by WeasyPrint, laid over the joined book's pages.

A part cannot know where it starts, so its footers are empty (book-part.css) and WeasyPrint draws
the numbers apart: documents of empty pages under the book's own @page rules (page-numbers.*;
book.py says how many). Each of their pages, a form XObject marked as a pagination artifact,
is drawn over the book's page of that number. They depend on the format only: every language's
book shares them, through the PDF cache. Nothing is parsed or laid out again here.
"""
from __future__ import annotations

import io
from collections import Counter
from typing import Iterable

import pikepdf
from pikepdf import Array, Dictionary

from ..errors import CookbookError

FOLIO = "/CookbookFolio"  # + a number: the name of a page's number form in its resources
# The page's own drawing in q … Q (WeasyPrint leaves its flipped CTM in force), then the number.
OPENING = b"q\n"


def closing(name: str) -> bytes:
    """What follows a page's own drawing: the number's form `name`, as a pagination artifact."""
    return f"Q\n/Artifact <</Type /Pagination>> BDC {name} Do EMC\n".encode()


class FolioError(CookbookError):
    """The page numbers do not fit the book's pages."""


def number_pages(pdf: pikepdf.Pdf, first: int, documents: Iterable[bytes]) -> None:
    """Draw the pages of the numbers `documents`, in order, over pdf.pages[first:], one for one."""
    pages = list(pdf.pages)  # (one at a time, each would be a walk along the page tree)
    opening = pdf.make_stream(OPENING)  # one for the whole book
    closings: dict[str, pikepdf.Stream] = {}  # by form name: the pages of different parts share them
    named: Counter[tuple[int, int]] = Counter()  # forms named in each /XObject dictionary
    index = first
    for data in documents:
        with pikepdf.open(io.BytesIO(data)) as numbers:
            sources = list(numbers.pages)[:len(pages) - index]
            # Copied in one go, their shared resources (the font) once: each form names the page's
            # own, where qpdf gives every form a copy of them.
            forms = numbers.make_indirect(Array([source.as_form_xobject() for source in sources]))
            for source, form in zip(sources, forms):
                if isinstance(resources := source.obj.get("/Resources"), Dictionary) and resources.is_indirect:
                    form.Resources = resources
            forms = pdf.copy_foreign(forms)
            for source, form in zip(sources, forms):
                page = pages[index].obj
                if source.mediabox != page.MediaBox and _box(source.mediabox) != _box(page.MediaBox):
                    raise FolioError(f"the page numbers are drawn on pages of {_box(source.mediabox)} pt, "
                                     f"page {index + 1} of the book is {_box(page.MediaBox)} pt")
                # The form joins the resources a part's pages share, under a name no other of
                # them has (a copy of them for each page was an eighth of the book's values).
                xobjects, owner = _xobjects(page)
                named[owner] += 1
                name = f"{FOLIO}{named[owner]}"
                if name in xobjects:
                    raise FolioError(f"page {index + 1} of the book has its number already")
                xobjects[name] = form
                if name not in closings:
                    closings[name] = pdf.make_stream(closing(name))
                pages[index].contents_add(opening, prepend=True)
                pages[index].contents_add(closings[name])
                index += 1
    if index < len(pages):
        raise FolioError(f"numbers were drawn for {index - first} pages of the book, {len(pages) - first} needed them")


def _xobjects(page: Dictionary) -> tuple[Dictionary, tuple[int, int]]:
    """The page's /XObject resources (made if it has none) and the object they belong to."""
    if "/Resources" not in page:
        page.Resources = Dictionary()
    if "/XObject" not in page.Resources:
        page.Resources.XObject = Dictionary()
    xobjects = page.Resources.XObject
    owner = next(holder for holder in (xobjects, page.Resources, page) if holder.is_indirect)
    return xobjects, owner.objgen


def _box(box: pikepdf.Array) -> tuple[float, ...]:
    return tuple(round(float(value), 2) for value in box)
