"""Page numbers laid over joined pages (cookbook/print/folio.py) look exactly as WeasyPrint's own.

Each comparison renders, with WeasyPrint, the same document twice, once with WeasyPrint's own
page numbers and once with `content: none` in the footer, lays over the latter the pages of a
numbers document (empty pages under the same @page rules and templates/print/page-numbers.css),
and checks with poppler that text, positions and pixels agree.
"""

from __future__ import annotations

import io
import re
import subprocess
from functools import lru_cache
from pathlib import Path

import pikepdf
import pytest
import weasyprint
from pypdf import PdfReader
from pypdf.generic import ContentStream

from conftest import ROOT
from cookbook.print.book import NUMBERS_PER_DOCUMENT, numbers_documents
from cookbook.print.folio import FOLIO, FolioError, closing, number_pages
from cookbook.print.join import join_pdfs
from cookbook.print.pdf_verify import font_problems

FONTS_CSS = (ROOT / "templates" / "fonts" / "fonts.css").as_uri()
NUMBERS_CSS = (ROOT / "templates" / "print" / "page-numbers.css").read_text(encoding="utf-8")
FOOTER_STYLE = "font: 600 9pt 'Source Sans 3', sans-serif; font-variant-numeric: tabular-nums; color: #1d4f6e"
BLEED = "bleed: 3mm; marks: crop;"
TOLERANCE = 0.05  # pt (the brief asks for ~0.5; the number lands within 0.001)


def page_css(footer: str, bleed: bool = False, numbers: tuple[int, ...] = (), size: str = "A5") -> str:
    """The book-like page CSS; `numbers` sets the first pages' numbers (to test long ones)."""
    resets = "".join(f"@page :nth({i + 1}) {{ counter-reset: page {n} }}\n" for i, n in enumerate(numbers))
    return f"""
    @page {{ size: {size}; margin: 18mm 15mm 20mm; {BLEED if bleed else ""}
      @top-left {{ content: "Cookbook"; font-size: 8pt; }}
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
    body = "".join(
        f"<section><h2>Chapter {i}</h2><p>{'Simmer the stock gently and season to taste. ' * (3 + i % 5)}</p>"
        "</section>" for i in range(1, pages + 1))
    document = weasyprint.HTML(string=html(page_css(footer, bleed, numbers), body), base_url=f"{ROOT}/")
    return document.write_pdf(pdf_variant="pdf/ua-1")


@lru_cache(maxsize=None)
def numbers_document(first: int, pages: int, bleed: bool = False, size: str = "A5") -> bytes:
    """As the build renders it (templates/print/page-numbers.html.j2): empty pages, numbered
    from `first`, untagged."""
    css = page_css("counter(page)", bleed, size=size) + NUMBERS_CSS + f"@page :first {{ counter-reset: page {first} }}"
    body = '<div class="numbered-page"></div>' * pages
    return weasyprint.HTML(string=html(css, body), base_url=f"{ROOT}/").write_pdf()


def numbered(pages: int = 12, bleed: bool = False, numbers: tuple[int, ...] = ()) -> bytes:
    return render("counter(page)", pages, bleed, numbers)


def unnumbered(pages: int = 12, bleed: bool = False, numbers: tuple[int, ...] = ()) -> bytes:
    return render("none", pages, bleed, numbers)


def stamped(pdf: bytes, documents: list[bytes]) -> bytes:
    with pikepdf.open(io.BytesIO(pdf)) as book:
        number_pages(book, 0, documents)
        out = io.BytesIO()
        book.save(out)
    return out.getvalue()


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
        assert word[0] == reference[0], f"page {index + 1}: {word[0]!r} laid over, WeasyPrint drew {reference[0]!r}"
        for value, wanted_value in zip(word[1:], reference[1:]):
            assert value == pytest.approx(wanted_value, abs=TOLERANCE), f"page {index + 1}: {word} vs {reference}"


def layout_text(pdf: bytes) -> str:
    return subprocess.run(["pdftotext", "-layout", "-", "-"], input=pdf, capture_output=True, check=True).stdout.decode()


# ---- Against WeasyPrint's own numbers --------------------------------------------------------


@pytest.mark.usefixtures("poppler")
def test_twelve_pages_match_weasyprint():
    result = stamped(unnumbered(), [numbers_document(1, 12)])
    assert_same_folios(result, numbered())
    assert layout_text(result) == layout_text(numbered())


@pytest.mark.usefixtures("poppler")
def test_one_two_and_three_digit_numbers_match_weasyprint():
    """Two numbers documents, numbered from 7 and from 97; the second has pages to spare."""
    numbers = (7, 8, 9, 10, 97, 98, 99, 100, 101)
    result = stamped(unnumbered(9, numbers=numbers), [numbers_document(7, 4), numbers_document(97, 8)])
    reference = numbered(9, numbers=numbers)
    assert [word[0] for word in folios(reference)] == [str(n) for n in numbers]
    assert_same_folios(result, reference)


@pytest.mark.usefixtures("poppler")
def test_bleed_and_crop_marks(tmp_path: Path):
    numbers = (7, 42, 128)
    reference = numbered(3, bleed=True, numbers=numbers)
    source = unnumbered(3, bleed=True, numbers=numbers)
    page = PdfReader(io.BytesIO(source)).pages[0]
    assert float(page.mediabox.left) < 0 and page.trimbox != page.mediabox  # really a bleed page
    result = stamped(source, [numbers_document(n, 1, bleed=True) for n in numbers])
    assert_same_folios(result, reference)
    # The crop marks are the book page's own, drawn once: the pixels are WeasyPrint's.
    assert _page_image(result, 2, tmp_path, "stamped") == _page_image(reference, 2, tmp_path, "weasyprint")


def _page_image(pdf: bytes, page: int, folder: Path, name: str) -> bytes:
    (folder / f"{name}.pdf").write_bytes(pdf)
    subprocess.run(["pdftoppm", "-r", "60", "-f", str(page), "-l", str(page), "-gray", "-singlefile",
                    str(folder / f"{name}.pdf"), str(folder / name)], check=True)
    return (folder / f"{name}.pgm").read_bytes()


@pytest.mark.usefixtures("poppler")
def test_page_twelve_renders_like_weasyprints(tmp_path: Path):
    from PIL import Image, ImageChops

    result = stamped(unnumbered(), [numbers_document(1, 12)])
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
    # and nothing else on the page changed (the numbers document's own running head is not drawn)
    assert ImageChops.difference(stamped_image, reference).crop((0, 0, width, int(height * 0.9))).getbbox() is None


# ---- What is written -------------------------------------------------------------------------


def marked_drawing(page) -> list[tuple[str, list[str]]]:
    """(operator, open marked-content tags) at each text-showing or XObject-drawing operator."""
    shown, tags = [], []
    for operands, operator in ContentStream(page.get_contents(), page.pdf).operations:
        if operator in (b"BMC", b"BDC"):
            tags.append(str(operands[0]))
        elif operator == b"EMC":
            tags.pop()
        elif operator in (b"Tj", b"TJ", b"'", b'"', b"Do"):
            shown.append((operator.decode() + (f" {operands[0]}" if operator == b"Do" else ""), list(tags)))
    assert not tags, "marked content is balanced"
    return shown


def test_number_is_an_artifact_around_the_untouched_page():
    original = PdfReader(io.BytesIO(unnumbered()))
    result = PdfReader(io.BytesIO(stamped(unnumbered(), [numbers_document(1, 12)])))
    for number, (before, after) in enumerate(zip(original.pages, result.pages), start=1):
        name = f"{FOLIO}{number}"  # each page's number has a name of its own
        drawn = marked_drawing(after)
        assert drawn[-1] == (f"Do {name}", ["/Artifact"])  # the number, last
        assert drawn[:-1] == marked_drawing(before)  # nothing else added
        contents = after["/Contents"]
        assert contents[0].get_object().get_data().strip() == b"q"
        assert contents[-1].get_object().get_data() == closing(name)
        assert b"".join(c.get_object().get_data() for c in contents[1:-1]) == before.get_contents().get_data()
        assert after.get("/StructParents") == before.get("/StructParents")
        form = after["/Resources"]["/XObject"][name].get_object()
        assert form["/Subtype"] == "/Form" and b"BDC" not in form.get_data()  # no tags of its own
        assert set(before["/Resources"]) <= set(after["/Resources"])  # the page's other resources are still there
    # the part's pages still share their resources (each page's copy would cost the book's memory)
    # and the stream before the pages' own is shared by all of them
    assert len({page.raw_get("/Resources").idnum for page in result.pages}) == 1
    assert len({page.raw_get("/Contents")[0].idnum for page in result.pages}) == 1


@pytest.mark.usefixtures("poppler")
def test_fonts_are_embedded_once_a_numbers_document():
    result = stamped(unnumbered(), [numbers_document(1, 12)])
    with pikepdf.open(io.BytesIO(result)) as pdf:
        assert font_problems(pdf) == []  # what the build checks before publishing: embedded and whole
        forms = {page.Resources.XObject[f"{FOLIO}{number}"].objgen for number, page in enumerate(pdf.pages, start=1)}
        fonts = {form.Resources.Font[name].objgen for form in map(pdf.get_object, forms) for name in form.Resources.Font}
        resources = {form.Resources.objgen for form in map(pdf.get_object, forms)}
    assert len(forms) == 12 and len(fonts) == 1  # one font, shared by the twelve numbers
    assert len(resources) == 1 and (0, 0) not in resources  # and their resources: one object
    listing = subprocess.run(["pdffonts", "-"], input=result, capture_output=True, check=True)
    header, dashes, *rows = listing.stdout.decode().splitlines()
    columns = [match.span() for match in re.finditer(r"-+", dashes)]
    emb = next(span for span in columns if header[span[0]:span[1]].strip() == "emb")
    assert rows and all(row[emb[0]:emb[1]].strip() == "yes" for row in rows), listing.stdout.decode()
    original = subprocess.run(["pdffonts", "-"], input=unnumbered(), capture_output=True, check=True)
    assert len(rows) == len(original.stdout.decode().splitlines()[2:]) + 1


@pytest.mark.usefixtures("poppler")
def test_in_a_joined_book(tmp_path: Path):
    """As the build does it: parts joined by cookbook.print.join, numbers laid over before writing."""
    target = tmp_path / "book.pdf"
    documents = [numbers_document(1, 10), numbers_document(11, 20)]
    join_pdfs([unnumbered(), unnumbered()], target, [], before_write=lambda pdf: number_pages(pdf, 0, documents))
    result = target.read_bytes()
    assert "/StructTreeRoot" in PdfReader(io.BytesIO(result)).trailer["/Root"]
    with pikepdf.open(io.BytesIO(result)) as pdf:
        # each part's pages still share their resources, and the two parts the streams after the pages'
        assert len({page.obj.Resources.objgen for page in pdf.pages}) == 2
        assert len({page.obj.Contents[-1].objgen for page in pdf.pages}) == 12
    joined, reference = folios(result), folios(numbered())
    assert [word[0] for word in joined] == [str(n) for n in range(1, 25)]
    assert_same_folios(_first_pages(result, 12), numbered())
    for word in joined[12:]:  # 13…24: two digits, centred where 10…12 are
        centre = (word[1] + word[3]) / 2
        assert centre == pytest.approx((reference[11][1] + reference[11][3]) / 2, abs=TOLERANCE)
        assert word[2] == pytest.approx(reference[11][2], abs=TOLERANCE)


def _first_pages(pdf: bytes, count: int) -> bytes:
    with pikepdf.open(io.BytesIO(pdf)) as whole:
        del whole.pages[count:]
        out = io.BytesIO()
        whole.save(out)
    return out.getvalue()


def test_numbers_that_do_not_fit_are_refused():
    with pytest.raises(FolioError, match="needed"):
        stamped(unnumbered(3), [numbers_document(1, 2)])
    with pytest.raises(FolioError, match="pt"):  # A4 numbers on A5 pages: not the book's @page rules
        stamped(unnumbered(3), [numbers_document(1, 3, size="A4")])
    assert numbers_documents(0) == 0 and numbers_documents(1) == 1
    assert numbers_documents(NUMBERS_PER_DOCUMENT) == 1 and numbers_documents(NUMBERS_PER_DOCUMENT + 1) == 2
