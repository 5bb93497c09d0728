"""Booklet imposition: A5 pages two to an A4 sheet in saddle-stitch order, to print duplex
(flip on the short edge), fold and staple.

The booklet has no structure tags (its sheets show the pages as drawings, out of reading order),
so its metadata says what it is and names the tagged edition to read instead."""

from __future__ import annotations

import zlib
from datetime import datetime
from pathlib import Path
from xml.sax.saxutils import escape, quoteattr

from pypdf import DocumentInformation, PageObject, PdfReader, PdfWriter
from pypdf.generic import (
    ArrayObject, BooleanObject, DecodedStreamObject, DictionaryObject, FloatObject, IndirectObject, NameObject,
    StreamObject, TextStringObject,
)

from ..errors import writing
from .print_formats import BookletLabel

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


def impose_booklet(source: Path, target: Path, label: BookletLabel | None = None) -> Path:
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
    if label is not None:
        label_booklet(writer, reader, label)
    with writing(target), target.open("wb") as out:
        writer.write(out)
    return target


def label_booklet(writer: PdfWriter, reader: PdfReader, label: BookletLabel) -> None:
    """Title, subject and XMP that say the booklet is the print imposition, in the edition's
    language; the viewer shows that title rather than the file name."""
    info = reader.metadata
    edition = str(info.get("/Title") or "") if info else ""
    title = f"{edition} – {label.title_suffix}" if edition else label.title_suffix
    writer.add_metadata({"/Title": title, "/Subject": label.description})
    root = writer.root_object
    root[NameObject("/Lang")] = TextStringObject(label.lang)
    root[NameObject("/ViewerPreferences")] = DictionaryObject({NameObject("/DisplayDocTitle"): BooleanObject(True)})
    xmp = DecodedStreamObject()
    xmp.set_data(booklet_xmp(title, label, info).encode())
    xmp.update({NameObject("/Type"): NameObject("/Metadata"), NameObject("/Subtype"): NameObject("/XML")})
    root[NameObject("/Metadata")] = writer._add_object(xmp)


def booklet_xmp(title: str, label: BookletLabel, info: DocumentInformation | None) -> str:
    """The booklet's XMP packet: Dublin Core title, description, language and creator, the
    reading edition as its relation, and the edition's dates (the same input, the same bytes)."""
    lang = quoteattr(label.lang)
    dates = "".join(
        f"<xmp:{name}>{when.isoformat()}</xmp:{name}>"
        for name, when in (("CreateDate", _date(info, "creation_date")), ("ModifyDate", _date(info, "modification_date")))
        if when is not None
    )
    author = str(info.get("/Author") or "") if info else ""
    creator = f"<dc:creator><rdf:Seq><rdf:li>{escape(author)}</rdf:li></rdf:Seq></dc:creator>" if author else ""
    return (
        '<?xpacket begin="\ufeff" id="W5M0MpCehiHzreSzNTczkc9d"?>\n'
        '<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">'
        '<rdf:Description rdf:about="" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:xmp="http://ns.adobe.com/xap/1.0/">'
        f'<dc:title><rdf:Alt><rdf:li xml:lang="x-default">{escape(title)}</rdf:li><rdf:li xml:lang={lang}>{escape(title)}</rdf:li></rdf:Alt></dc:title>'
        f'<dc:description><rdf:Alt><rdf:li xml:lang="x-default">{escape(label.description)}</rdf:li>'
        f'<rdf:li xml:lang={lang}>{escape(label.description)}</rdf:li></rdf:Alt></dc:description>'
        f'{creator}<dc:language><rdf:Bag><rdf:li>{escape(label.lang)}</rdf:li></rdf:Bag></dc:language>'
        '<dc:format>application/pdf</dc:format>'
        f'<dc:relation><rdf:Bag><rdf:li>{escape(label.reading_edition)}</rdf:li></rdf:Bag></dc:relation>'
        f'{dates}</rdf:Description></rdf:RDF></x:xmpmeta>\n<?xpacket end="r"?>'
    )


def _date(info: DocumentInformation | None, name: str) -> datetime | None:
    try:
        return getattr(info, name) if info else None
    except (ValueError, TypeError):  # a date pypdf cannot read: left out rather than guessed
        return None


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
