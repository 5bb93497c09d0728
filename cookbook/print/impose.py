"""Booklet imposition: A5 pages two to an A4 sheet in saddle-stitch order, to print duplex
(flip on the short edge), fold and staple."""

from __future__ import annotations

import zlib
from pathlib import Path

from pypdf import PageObject, PdfReader, PdfWriter
from pypdf.generic import (
    ArrayObject, DecodedStreamObject, DictionaryObject, FloatObject, IndirectObject, NameObject, StreamObject,
)

from ..errors import writing

A4_LONG, A4_SHORT = 297 * 72 / 25.4, 210 * 72 / 25.4  # points


def saddle_stitch_order(pages: int) -> list[tuple[int | None, int | None]]:
    """Left and right page (0-based, None for a blank) of each sheet side, outermost first."""
    total = (pages + 3) // 4 * 4
    order = []
    for sheet in range(total // 4):
        first, last = 2 * sheet, total - 1 - 2 * sheet
        order.append((last, first))          # front: last page on the left, first on the right
        order.append((first + 1, last - 1))  # back: the reverse pair
    return [tuple(p if p is not None and p < pages else None for p in side) for side in order]  # type: ignore[misc]


def impose_booklet(source: Path, target: Path) -> Path:
    reader = PdfReader(source)
    width = float(reader.pages[0].mediabox.width)
    height = float(reader.pages[0].mediabox.height)
    # An A4 sheet on its side; the two A5 pages meet at its centre, where it is folded.
    sheet_width, sheet_height = max(2 * width, A4_LONG), max(height, A4_SHORT)
    x0, y0 = (sheet_width - 2 * width) / 2, (sheet_height - height) / 2
    writer = PdfWriter()
    forms: dict[int, IndirectObject] = {}
    for left, right in saddle_stitch_order(len(reader.pages)):
        placed = [(index, offset) for index, offset in ((left, x0), (right, x0 + width)) if index is not None]
        for index, _ in placed:
            if index not in forms:
                forms[index] = page_as_form(writer, reader.pages[index])
        sheet = writer.add_blank_page(width=sheet_width, height=sheet_height)
        sheet[NameObject("/Resources")] = DictionaryObject({NameObject("/XObject"): DictionaryObject(
            {NameObject(f"/P{index}"): forms[index] for index, _ in placed})})
        drawing = DecodedStreamObject()
        drawing.set_data("".join(f"q 1 0 0 1 {offset:.3f} {y0:.3f} cm /P{index} Do Q\n" for index, offset in placed).encode())
        sheet[NameObject("/Contents")] = writer._add_object(drawing)
    writer.add_metadata({key: value for key, value in (reader.metadata or {}).items()})
    with writing(target), target.open("wb") as out:
        writer.write(out)
    return target


def page_as_form(writer: PdfWriter, page: PageObject) -> IndirectObject:
    """A page as a form XObject: placed on the sheet as it is, without parsing its drawing
    (pypdf's page merging re-parses every content stream, which took seconds per booklet).
    The drawing stays compressed (written decompressed, the booklet was 2.7 times the size of
    the A5 book), and is decompressed here without pypdf keeping a copy of it."""
    form = StreamObject()
    form._data = zlib.compress(b"\n".join(_content_streams(page)))
    box = page.mediabox
    form.update({
        NameObject("/Type"): NameObject("/XObject"), NameObject("/Subtype"): NameObject("/Form"),
        NameObject("/Filter"): NameObject("/FlateDecode"),
        NameObject("/BBox"): ArrayObject([FloatObject(v) for v in (box.left, box.bottom, box.right, box.top)]),
        NameObject("/Matrix"): ArrayObject([FloatObject(v) for v in (1, 0, 0, 1, -float(box.left), -float(box.bottom))]),
        NameObject("/Resources"): page["/Resources"].get_object().clone(writer),
    })
    return writer._add_object(form)


def _content_streams(page: PageObject) -> list[bytes]:
    """The page's drawing, stream by stream, decompressed."""
    contents = page.raw_get("/Contents") if "/Contents" in page else None
    if contents is None:
        return []
    streams = contents.get_object()
    streams = [item.get_object() for item in streams] if isinstance(streams, ArrayObject) else [streams]
    return [_decoded(stream) for stream in streams]


def _decoded(stream: StreamObject) -> bytes:
    if stream.get("/Filter") == "/FlateDecode" and "/DecodeParms" not in stream:
        return zlib.decompress(stream._data)  # not get_data(), which keeps what it decodes
    return stream.get_data()
