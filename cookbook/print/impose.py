"""Booklet imposition: A5 pages two to an A4 sheet in saddle-stitch order, to print duplex
(flip on the short edge), fold and staple.

Each page is placed on its sheet as a form XObject (qpdf, through pikepdf: the drawing is not
parsed or drawn again). The booklet has no structure tags (its sheets show the pages as
drawings, out of reading order), so its metadata says what it is and names the tagged edition
to read instead."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from xml.sax.saxutils import escape, quoteattr

import pikepdf
from pikepdf import Dictionary, Name
from pikepdf.models.metadata import decode_pdf_date

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
    with pikepdf.open(source) as reader, pikepdf.new() as writer:
        left_edge, bottom, right_edge, top = (float(value) for value in reader.pages[0].mediabox)
        width, height = right_edge - left_edge, top - bottom
        # An A4 sheet on its side; the two A5 pages meet at its centre, where it is folded.
        sheet_width, sheet_height = max(2 * width, A4_LONG), max(height, A4_SHORT)
        x0, y0 = (sheet_width - 2 * width) / 2, (sheet_height - height) / 2
        forms: dict[int, pikepdf.Object] = {}
        for left, right in saddle_stitch_order(len(reader.pages)):
            placed = [(index, offset) for index, offset in ((left, x0), (right, x0 + width)) if index is not None]
            for index, _ in placed:
                if index not in forms:
                    form = reader.pages[index].as_form_xobject()  # its own coordinates: placed by its corner
                    forms[index] = writer.copy_foreign(reader.make_indirect(form))
            sheet = writer.add_blank_page(page_size=(sheet_width, sheet_height))
            sheet.obj.Resources = Dictionary(XObject=Dictionary({f"/P{index}": forms[index] for index, _ in placed}))
            sheet.obj.Contents = writer.make_stream("".join(
                f"q 1 0 0 1 {offset - left_edge:.3f} {y0 - bottom:.3f} cm /P{index} Do Q\n" for index, offset in placed).encode())
        writer.docinfo = writer.copy_foreign(reader.make_indirect(reader.docinfo))
        info = {key: str(value) for key, value in reader.docinfo.items() if isinstance(value, pikepdf.String)}
        if label is not None:
            label_booklet(writer, info, label)
        with writing(target), target.open("wb") as out:
            writer.save(out, object_stream_mode=pikepdf.ObjectStreamMode.generate, deterministic_id=True)
    return target


def label_booklet(writer: pikepdf.Pdf, info: dict[str, str], label: BookletLabel) -> None:
    """Title, subject and XMP that say the booklet is the print imposition, in the edition's
    language; the viewer shows that title rather than the file name."""
    edition = info.get("/Title", "")
    title = f"{edition} – {label.title_suffix}" if edition else label.title_suffix
    writer.docinfo.Title, writer.docinfo.Subject = pikepdf.String(title), pikepdf.String(label.description)
    writer.Root.Lang = pikepdf.String(label.lang)
    writer.Root.ViewerPreferences = Dictionary(DisplayDocTitle=True)
    writer.Root.Metadata = writer.make_stream(booklet_xmp(title, label, info).encode(), Type=Name.Metadata,
                                              Subtype=Name.XML)


def booklet_xmp(title: str, label: BookletLabel, info: dict[str, str]) -> str:
    """The booklet's XMP packet: Dublin Core title, description, language and creator, the
    reading edition as its relation, and the edition's dates (the same input, the same bytes)."""
    lang = quoteattr(label.lang)
    dates = "".join(
        f"<xmp:{name}>{when.isoformat()}</xmp:{name}>"
        for name, when in (("CreateDate", _date(info, "/CreationDate")), ("ModifyDate", _date(info, "/ModDate")))
        if when is not None
    )
    author = info.get("/Author", "")
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


def _date(info: dict[str, str], key: str) -> datetime | None:
    try:
        return decode_pdf_date(info[key]) if key in info else None
    except (ValueError, TypeError):  # a date that cannot be read: left out rather than guessed
        return None
