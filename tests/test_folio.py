"""Page numbers stamped onto joined pages (cookbook/print/folio.py) look exactly as WeasyPrint's own.

Each comparison renders, with WeasyPrint, the same document twice, once with WeasyPrint's own
page numbers and once with `content: none` in the footer, stamps numbers onto the latter with
what a calibration page taught, and checks with poppler that text, positions and pixels agree.
"""

from __future__ import annotations

import io
import re
import subprocess
from functools import lru_cache
from pathlib import Path

import pytest
import weasyprint
from pypdf import PdfReader, PdfWriter
from pypdf.generic import (
    ArrayObject, ContentStream, DecodedStreamObject, DictionaryObject, FloatObject, NameObject, NumberObject,
)

from conftest import ROOT
from cookbook.print.folio import CALIBRATION_DIGITS, FolioCalibrationError, FolioStamp
from cookbook.print.join import join_pdfs

FONTS_CSS = (ROOT / "templates" / "fonts" / "fonts.css").as_uri()
FOOTER_STYLE = "font: 600 9pt 'Source Sans 3', sans-serif; font-variant-numeric: tabular-nums; color: #1d4f6e"
BLEED = "bleed: 3mm; marks: crop;"
TOLERANCE = 0.05  # pt (the brief asks for ~0.5; the stamp lands within 0.001)


def page_css(footer: str, bleed: bool = False, numbers: tuple[int, ...] = ()) -> str:
    """The book-like page CSS; `numbers` sets the first pages' numbers (to test long ones)."""
    resets = "".join(f"@page :nth({i + 1}) {{ counter-reset: page {n} }}\n" for i, n in enumerate(numbers))
    return f"""
    @page {{ size: A5; margin: 18mm 15mm 20mm; {BLEED if bleed else ""}
      @bottom-center {{ content: {footer}; {FOOTER_STYLE} }} }}
    {resets}
    body {{ font: 10.5pt/1.4 'Source Serif 4', serif; }}
    section {{ break-after: page; }}
    """


def html(css: str, body: str) -> str:
    return (f'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>Folio test</title>'
            f'<link rel="stylesheet" href="{FONTS_CSS}"><style>{css}</style></head><body>{body}</body></html>')


@lru_cache(maxsize=None)
def render(footer: str, pages: int = 12, bleed: bool = False, numbers: tuple[int, ...] = ()) -> bytes:
    if footer == "calibration":
        body = "<p>Cookbook</p>"
        footer = f'"{CALIBRATION_DIGITS}"'
    else:
        body = "".join(
            f"<section><h2>Chapter {i}</h2><p>{'Simmer the stock gently and season to taste. ' * (3 + i % 5)}</p>"
            "</section>" for i in range(1, pages + 1))
    document = weasyprint.HTML(string=html(page_css(footer, bleed, numbers), body), base_url=f"{ROOT}/")
    return document.write_pdf(pdf_variant="pdf/ua-1")


def calibration(bleed: bool = False) -> FolioStamp:
    return FolioStamp.from_calibration(render("calibration", bleed=bleed))


def numbered(pages: int = 12, bleed: bool = False, numbers: tuple[int, ...] = ()) -> bytes:
    return render("counter(page)", pages, bleed, numbers)


def unnumbered(pages: int = 12, bleed: bool = False, numbers: tuple[int, ...] = ()) -> bytes:
    return render("none", pages, bleed, numbers)


def stamped(pdf: bytes, folios: list[str], stamp: FolioStamp) -> bytes:
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(pdf)))
    for page, folio in zip(writer.pages, folios):
        stamp.stamp(writer, page, folio)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def words(pdf: bytes) -> list[list[tuple[str, float, float, float, float]]]:
    """Per page: (text, xMin, yMin, xMax, yMax) of each word, from `pdftotext -bbox`."""
    out = subprocess.run(["pdftotext", "-bbox", "-", "-"], input=pdf, capture_output=True, check=True).stdout
    pages = []
    for page in re.findall(rb"<page [^>]*>(.*?)</page>", out, re.S):
        pages.append([
            (text.decode(), float(x0), float(y0), float(x1), float(y1))
            for x0, y0, x1, y1, text in re.findall(
                rb'<word xMin="([\d.-]+)" yMin="([\d.-]+)" xMax="([\d.-]+)" yMax="([\d.-]+)">([^<]*)</word>', page)
        ])
    return pages


def folios(pdf: bytes) -> list[tuple[str, float, float, float, float]]:
    """Each page's footer word (the lowest word on the page)."""
    return [max(page, key=lambda word: word[2]) for page in words(pdf)]


def assert_same_folios(actual: bytes, expected: bytes) -> None:
    got, wanted = folios(actual), folios(expected)
    assert len(got) == len(wanted)
    for index, (word, reference) in enumerate(zip(got, wanted)):
        assert word[0] == reference[0], f"page {index + 1}: {word[0]!r} stamped, WeasyPrint drew {reference[0]!r}"
        for value, wanted_value in zip(word[1:], reference[1:]):
            assert value == pytest.approx(wanted_value, abs=TOLERANCE), f"page {index + 1}: {word} vs {reference}"


def layout_text(pdf: bytes) -> str:
    return subprocess.run(["pdftotext", "-layout", "-", "-"], input=pdf, capture_output=True, check=True).stdout.decode()


# ---- Calibration -----------------------------------------------------------------------------


def test_calibration_learns_weasyprints_footer():
    stamp = calibration()
    assert set(stamp.codes) == set(CALIBRATION_DIGITS)
    assert all(len(code) == 2 for code in stamp.codes.values())  # WeasyPrint's CID fonts: 2-byte codes
    assert len(set(stamp.codes.values())) == 10
    # tabular-nums: every digit advances alike, with no kerning to reproduce
    assert max(stamp.advances.values()) - min(stamp.advances.values()) < 1e-6
    assert all(abs(k) < 1e-3 for k in stamp.kerning.values())
    assert stamp.fill == "0.113725 0.309804 0.431373 rg"  # #1d4f6e
    # 9pt: the text-space size times the CTM's scale (WeasyPrint draws in CSS px, 0.75 pt)
    assert abs(stamp.font_size * stamp.ctm[0]) == pytest.approx(9)
    assert stamp.font["/Subtype"] == "/Type0"
    assert "Source-Sans-3" in stamp.font["/BaseFont"] and "Semi" in stamp.font["/BaseFont"]


def test_calibration_without_the_digits_is_refused():
    pdf = weasyprint.HTML(string=html(page_css('"Page"'), "<p>Cookbook</p>")).write_pdf()
    with pytest.raises(FolioCalibrationError):
        FolioStamp.from_calibration(pdf)
    with pytest.raises(FolioCalibrationError):
        FolioStamp.from_calibration(b"not a PDF")


def test_only_digits_are_stamped():
    stamp = calibration()
    writer = PdfWriter()
    page = writer.add_blank_page(100, 100)
    for bad in ("", "4a", "-1", "xii"):
        with pytest.raises(ValueError):
            stamp.stamp(writer, page, bad)


# ---- Against WeasyPrint's own numbers --------------------------------------------------------


@pytest.mark.usefixtures("poppler")
def test_twelve_pages_match_weasyprint():
    result = stamped(unnumbered(), [str(n) for n in range(1, 13)], calibration())
    assert_same_folios(result, numbered())
    assert layout_text(result) == layout_text(numbered())


@pytest.mark.usefixtures("poppler")
def test_one_two_and_three_digit_numbers_match_weasyprint():
    numbers = (7, 42, 128, 1, 99, 100)
    result = stamped(unnumbered(6, numbers=numbers), [str(n) for n in numbers], calibration())
    reference = numbered(6, numbers=numbers)
    assert [word[0] for word in folios(reference)] == [str(n) for n in numbers]
    assert_same_folios(result, reference)


@pytest.mark.usefixtures("poppler")
def test_bleed_and_crop_marks():
    numbers = (7, 42, 128)
    stamp = calibration(bleed=True)
    reference = numbered(3, bleed=True, numbers=numbers)
    source = unnumbered(3, bleed=True, numbers=numbers)
    page = PdfReader(io.BytesIO(source)).pages[0]
    assert float(page.mediabox.left) < 0 and page.trimbox != page.mediabox  # really a bleed page
    result = stamped(source, [str(n) for n in numbers], stamp)
    assert_same_folios(result, reference)
    # the bleed moves the MediaBox, not the coordinates: the plain calibration would do as well
    assert stamp.text_matrix == calibration().text_matrix and stamp.ctm == calibration().ctm


@pytest.mark.usefixtures("poppler")
def test_page_twelve_renders_like_weasyprints(tmp_path: Path):
    from PIL import Image, ImageChops

    result = stamped(unnumbered(), [str(n) for n in range(1, 13)], calibration())
    images = []
    for name, pdf in (("stamped", result), ("weasyprint", numbered())):
        (tmp_path / f"{name}.pdf").write_bytes(pdf)
        subprocess.run(["pdftoppm", "-r", "100", "-f", "12", "-l", "12", "-png", "-singlefile",
                        str(tmp_path / f"{name}.pdf"), str(tmp_path / name)], check=True)
        images.append(Image.open(tmp_path / f"{name}.png").convert("L"))
    stamped_image, reference = images
    assert stamped_image.size == reference.size
    width, height = reference.size
    strip = (0, int(height * 0.9), width, height)   # the footer
    footer, wanted = stamped_image.crop(strip), reference.crop(strip)
    assert wanted.getextrema()[0] < 128, "WeasyPrint's footer shows a number"
    difference = ImageChops.difference(footer, wanted)
    histogram = difference.histogram()
    differing = sum(histogram[16:])
    assert differing <= 4, f"{differing} footer pixels differ by more than 16 levels (max {difference.getextrema()[1]})"
    # and nothing else on the page changed
    assert ImageChops.difference(stamped_image, reference).crop((0, 0, width, int(height * 0.9))).getbbox() is None


# ---- What is written -------------------------------------------------------------------------


def marked_folio_text(page) -> list[tuple[str, list[str]]]:
    """(font, open marked-content tags) at each text-showing operator of the page."""
    shown, tags, font = [], [], None
    for operands, operator in ContentStream(page.get_contents(), page.pdf).operations:
        if operator in (b"BMC", b"BDC"):
            tags.append(str(operands[0]))
        elif operator == b"EMC":
            tags.pop()
        elif operator == b"Tf":
            font = str(operands[0])
        elif operator in (b"Tj", b"TJ", b"'", b'"'):
            shown.append((font, list(tags)))
    assert not tags, "marked content is balanced"
    return shown


def test_folio_is_an_artifact_in_a_clean_graphics_state():
    original = PdfReader(io.BytesIO(unnumbered()))
    result = PdfReader(io.BytesIO(stamped(unnumbered(), [str(n) for n in range(1, 13)], calibration())))
    for before, after in zip(original.pages, result.pages):
        shown = marked_folio_text(after)
        folio = [tags for font, tags in shown if font == "/FolioF0"]
        assert len(folio) == 1 and folio[0] == ["/Artifact"]
        assert len(shown) == len(marked_folio_text(before)) + 1  # nothing else added
        contents = after["/Contents"]
        assert contents[0].get_object().get_data().strip() == b"q"
        assert contents[-1].get_object().get_data().startswith(b"Q\n/Artifact <</Type /Pagination>> BDC")
        original_data = before.get_contents().get_data()
        assert b"".join(c.get_object().get_data() for c in contents[1:-1]) == original_data
        assert after.get("/StructParents") == before.get("/StructParents")


@pytest.mark.usefixtures("poppler")
def test_font_is_embedded_once_and_shared():
    stamp = calibration()
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(unnumbered())))
    for number, page in enumerate(writer.pages, 1):
        stamp.stamp(writer, page, str(number))
    references = {page["/Resources"]["/Font"].raw_get("/FolioF0") for page in writer.pages}
    assert len(references) == 1
    font = next(iter(references)).get_object()
    descriptor = font["/DescendantFonts"][0].get_object()["/FontDescriptor"].get_object()
    font_file = descriptor.get("/FontFile2") or descriptor.get("/FontFile3")
    assert font_file is not None and len(font_file.get_object().get_data()) > 1000
    assert "/ToUnicode" in font
    buffer = io.BytesIO()
    writer.write(buffer)
    listing = subprocess.run(["pdffonts", "-"], input=buffer.getvalue(), capture_output=True, check=True)
    header, dashes, *rows = listing.stdout.decode().splitlines()
    columns = [match.span() for match in re.finditer(r"-+", dashes)]
    emb = next(span for span in columns if header[span[0]:span[1]].strip() == "emb")
    assert rows and all(row[emb[0]:emb[1]].strip() == "yes" for row in rows), listing.stdout.decode()
    # one font object more than the book has: the folio's, shared by all twelve pages
    original = subprocess.run(["pdffonts", "-"], input=unnumbered(), capture_output=True, check=True)
    assert len(rows) == len(original.stdout.decode().splitlines()[2:]) + 1


def test_resources_shared_or_clashing():
    stamp, other = calibration(), calibration(bleed=True)
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(unnumbered(3))))
    first = writer.pages[0]
    stamp.stamp(writer, first, "1")
    other.stamp(writer, first, "1")  # another calibration's font may not replace the first one's
    fonts = first["/Resources"]["/Font"]
    assert fonts.raw_get("/FolioF0") != fonts.raw_get("/FolioF1")
    assert first["/Contents"][-1].get_object().get_data().count(b"/FolioF1 12 Tf") == 1
    # a page without contents or resources of its own
    blank = writer.add_blank_page(419.53, 595.28)
    del blank[NameObject("/Resources")]
    stamp.stamp(writer, blank, "5")
    assert blank["/Resources"]["/Font"].raw_get("/FolioF0") == fonts.raw_get("/FolioF0")
    assert len(blank["/Contents"]) == 2


@pytest.mark.usefixtures("poppler")
def test_in_a_joined_book(tmp_path: Path):
    """As the build does it: parts joined by cookbook.print.join, numbers stamped before writing."""
    stamp = calibration()
    target = tmp_path / "book.pdf"
    join_pdfs([unnumbered(), unnumbered()], target, [], before_write=lambda writer: [
        stamp.stamp(writer, page, str(number)) for number, page in enumerate(writer.pages, 1)])
    result = target.read_bytes()
    assert "/StructTreeRoot" in PdfReader(io.BytesIO(result)).trailer["/Root"]
    joined, reference = folios(result), folios(numbered())
    assert [word[0] for word in joined] == [str(n) for n in range(1, 25)]
    assert_same_folios(_first_pages(result, 12), numbered())
    for word in joined[12:]:  # 13…24: two digits, centred where 10…12 are
        centre = (word[1] + word[3]) / 2
        assert centre == pytest.approx((reference[11][1] + reference[11][3]) / 2, abs=TOLERANCE)
        assert word[2] == pytest.approx(reference[11][2], abs=TOLERANCE)


def _first_pages(pdf: bytes, count: int) -> bytes:
    writer = PdfWriter()
    for page in PdfReader(io.BytesIO(pdf)).pages[:count]:
        writer.add_page(page)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


# ---- Other content streams -------------------------------------------------------------------


def test_simple_font_named_colour_space_alpha_and_kerning():
    """A hand-made calibration: a simple font, Td, Tc, a kerned TJ, a Lab colour, a 50% alpha."""
    writer = PdfWriter()
    page = writer.add_blank_page(200, 100)
    font = DictionaryObject({
        NameObject("/Type"): NameObject("/Font"), NameObject("/Subtype"): NameObject("/Type1"),
        NameObject("/BaseFont"): NameObject("/Helvetica"), NameObject("/FirstChar"): NumberObject(48),
        NameObject("/LastChar"): NumberObject(57), NameObject("/Widths"): ArrayObject([NumberObject(556)] * 10),
    })
    lab = ArrayObject([NameObject("/Lab"), DictionaryObject({
        NameObject("/WhitePoint"): ArrayObject([FloatObject(0.9505), FloatObject(1), FloatObject(1.089)])})])
    page[NameObject("/Resources")] = DictionaryObject({
        NameObject("/Font"): DictionaryObject({NameObject("/F1"): writer._add_object(font)}),
        NameObject("/ColorSpace"): DictionaryObject({NameObject("/CS1"): lab}),
        NameObject("/ExtGState"): DictionaryObject({
            NameObject("/Half"): DictionaryObject({NameObject("/ca"): FloatObject(0.5)}),
            NameObject("/Opaque"): DictionaryObject({NameObject("/ca"): NumberObject(1)})}),
    })
    content = DecodedStreamObject()
    content.set_data(b"/Opaque gs BT /F1 8 Tf 5 5 Td (Title) Tj ET\n"
                     b"q 2 0 0 2 10 20 cm /Half gs /CS1 cs 50 10 20 scn\n"
                     b"BT /F1 10 Tf 10 4 Td 0.5 Tc (01234) Tj [(5) -20 (6789) 0] TJ ET Q\n")
    page[NameObject("/Contents")] = writer._add_object(content)
    buffer = io.BytesIO()
    writer.write(buffer)

    stamp = FolioStamp.from_calibration(buffer.getvalue())
    assert stamp.codes == {digit: digit.encode() for digit in CALIBRATION_DIGITS}
    assert stamp.ctm == (2, 0, 0, 2, 10, 20)
    assert stamp.text_matrix == (1, 0, 0, 1, 10, 4)
    assert stamp.advances["0"] == pytest.approx(5.56 + 0.5)
    assert stamp.advances["5"] == pytest.approx(5.56 + 0.5 + 0.2)
    assert stamp.kerning["5"] == pytest.approx(-20) and stamp.kerning["4"] == pytest.approx(0, abs=1e-6)
    assert stamp.text_state == "0.5 Tc"
    assert stamp.fill == "50 10 20 scn"

    content = stamp.content("55").decode()
    assert "/FolioGS0 gs" in content and "/FolioCS0 cs 50 10 20 scn" in content and "0.5 Tc" in content
    assert "[<35> -20 <35> -20] TJ" in content
    # centred: ten digits 61.4 wide from x 10; "55" is 12.52 wide
    tm = re.search(r"([\d. -]+) Tm", content).group(1).split()
    assert float(tm[4]) == pytest.approx(10 + (60.6 + 0.2 - 2 * 6.26) / 2)

    target = PdfWriter()
    blank = target.add_blank_page(200, 100)
    stamp.stamp(target, blank, "55")
    resources = blank["/Resources"]
    assert resources["/ExtGState"]["/FolioGS0"]["/ca"] == 0.5
    assert resources["/ColorSpace"]["/FolioCS0"][0] == "/Lab"
    assert resources["/Font"]["/FolioF0"]["/BaseFont"] == "/Helvetica"
