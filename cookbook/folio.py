"""Page numbers stamped onto a joined book, drawn exactly as WeasyPrint would draw them.

The parts of the book are rendered without page numbers (a part cannot know where it will
start). WeasyPrint renders one calibration page whose footer shows "0123456789" in the book's
page-number style; from its content stream we learn the transformation, colour, font, size and
position of those digits, and the glyph code of each. A number is then one short content
stream per page, marked as a pagination artifact for PDF/UA, and no page is parsed or re-laid.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field

from pypdf import PageObject, PdfReader, PdfWriter
from pypdf.generic import (
    ArrayObject, ByteStringObject, ContentStream, DecodedStreamObject, DictionaryObject, IndirectObject, NameObject,
    TextStringObject,
)

from .errors import CookbookError

CALIBRATION_DIGITS = "0123456789"
FONT_NAME = NameObject("/FolioF0")

Matrix = tuple[float, float, float, float, float, float]
IDENTITY: Matrix = (1, 0, 0, 1, 0, 0)


class FolioCalibrationError(CookbookError):
    """The calibration page does not show the ten digits as expected."""


def multiply(m: Matrix, n: Matrix) -> Matrix:
    """m × n, as PDF concatenates: `m cm` while n is in force gives m × n."""
    a, b, c, d, e, f = m
    a2, b2, c2, d2, e2, f2 = n
    return (a * a2 + b * c2, a * b2 + b * d2, c * a2 + d * c2, c * b2 + d * d2,
            e * a2 + f * c2 + e2, e * b2 + f * d2 + f2)


def _number(value: float) -> str:
    return f"{value:.6f}".rstrip("0").rstrip(".") or "0"


@dataclass(frozen=True)
class FolioStamp:
    ctm: Matrix
    fill: tuple[float, ...]
    text_matrix: Matrix
    font_size: float
    codes: dict[str, bytes]          # digit -> its glyph code in the calibration font
    advance: float                   # one digit's width, in text space
    font: DictionaryObject = field(compare=False)
    _fonts: dict[int, IndirectObject] = field(default_factory=dict, compare=False)

    @classmethod
    def from_calibration(cls, pdf: bytes) -> "FolioStamp":
        page = PdfReader(io.BytesIO(pdf)).pages[0]
        fonts = page["/Resources"]["/Font"]
        ctm, fill, stack = IDENTITY, (0.0,), []
        text_matrix, font_name, size = IDENTITY, None, 0.0
        for operands, operator in ContentStream(page.get_contents(), page.pdf).operations:
            if operator == b"q":
                stack.append((ctm, fill))
            elif operator == b"Q":
                ctm, fill = stack.pop()
            elif operator == b"cm":
                ctm = multiply(tuple(float(x) for x in operands), ctm)  # type: ignore[arg-type]
            elif operator in (b"rg", b"g"):
                fill = tuple(float(x) for x in operands)
            elif operator == b"Tm":
                text_matrix = tuple(float(x) for x in operands)  # type: ignore[assignment]
            elif operator == b"Tf":
                font_name, size = operands[0], float(operands[1])
            elif operator in (b"TJ", b"Tj"):
                parts = operands[0] if operator == b"TJ" else [operands[0]]
                glyphs = b"".join(_string_bytes(part) for part in parts)
                if len(glyphs) == 2 * len(CALIBRATION_DIGITS) and font_name is not None:
                    font = fonts[font_name].get_object()
                    codes = {digit: glyphs[2 * i: 2 * i + 2] for i, digit in enumerate(CALIBRATION_DIGITS)}
                    advance = _width(font, int.from_bytes(codes["0"], "big")) * size / 1000
                    return cls(ctm, fill, text_matrix, size, codes, advance, font)
        raise FolioCalibrationError("the calibration page shows no page number of ten digits")

    def font_reference(self, writer: PdfWriter) -> IndirectObject:
        """The calibration font, added to `writer` once."""
        key = id(writer)
        if key not in self._fonts:
            self._fonts[key] = self.font.clone(writer).indirect_reference  # type: ignore[assignment]
        return self._fonts[key]

    def stamp(self, writer: PdfWriter, page: PageObject, number: str) -> None:
        """Draw `number` (digits only) centred where the calibration drew its ten digits."""
        resources = page["/Resources"].get_object()
        fonts = resources.get("/Font")
        if fonts is None:
            fonts = DictionaryObject()
            resources[NameObject("/Font")] = fonts
        fonts.get_object()[FONT_NAME] = self.font_reference(writer)
        a, b, c, d, e, f = self.text_matrix
        shift = (len(CALIBRATION_DIGITS) - len(number)) * self.advance / 2
        text_matrix = (a, b, c, d, e + a * shift, f + b * shift)
        colour = " ".join(_number(x) for x in self.fill) + (" rg" if len(self.fill) == 3 else " g")
        glyphs = b"".join(self.codes[digit] for digit in number).hex()
        stamp = (
            f"Q q {' '.join(_number(x) for x in self.ctm)} cm /Artifact <</Type /Pagination>> BDC {colour} "
            f"BT {' '.join(_number(x) for x in text_matrix)} Tm {FONT_NAME} {_number(self.font_size)} Tf "
            f"<{glyphs}> Tj ET EMC Q\n"
        )
        contents = page.get("/Contents")
        streams = list(contents.get_object()) if isinstance(contents.get_object(), ArrayObject) else [contents]
        # The page's own drawing is wrapped in q … Q, so the number is drawn in a clean state.
        page[NameObject("/Contents")] = ArrayObject([_stream(writer, b"q\n"), *streams, _stream(writer, stamp.encode())])


def _string_bytes(operand: object) -> bytes:
    """The raw bytes of a string operand (kerning numbers in a TJ array give none)."""
    if isinstance(operand, TextStringObject):
        return operand.original_bytes
    if isinstance(operand, ByteStringObject):
        return bytes(operand)
    return b""


def _stream(writer: PdfWriter, data: bytes) -> IndirectObject:
    stream = DecodedStreamObject()
    stream.set_data(data)
    return writer._add_object(stream)


def _width(font: DictionaryObject, code: int) -> float:
    """A glyph's width in thousandths of the font size, from a CID font's /W array."""
    descendant = font["/DescendantFonts"][0].get_object()
    widths = descendant.get("/W") or []
    index = 0
    while index < len(widths):
        first = int(widths[index])
        following = widths[index + 1].get_object()
        if isinstance(following, list):
            values = following
            if first <= code < first + len(values):
                return float(values[code - first])
            index += 2
        else:
            last, width = int(following), float(widths[index + 2])
            if first <= code <= last:
                return width
            index += 3
    return float(descendant.get("/DW", 1000))
