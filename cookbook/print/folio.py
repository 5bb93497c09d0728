"""Page numbers stamped onto a joined book, drawn exactly as WeasyPrint would draw them.

The parts of the book are rendered without page numbers (a part cannot know where it will
start). WeasyPrint renders one calibration page whose footer shows "0123456789" in the book's
page-number style; from its content stream we learn the transformation, colour, font, size and
position of those digits, the glyph code of each and how far each one advances the pen. A
number is then one short content stream per page, marked as a pagination artifact for PDF/UA:
no page of the book is parsed or laid out again.

What the calibration parser relies on (WeasyPrint 70, `draw/text.py` and `pdf/stream.py`):

- the digits are shown directly in the page's content stream (not inside a form XObject), by
  `Tj`/`TJ`/`'`/`"` between `BT` and `ET`, all ten with one font, size, colour and text line;
  WeasyPrint writes `[<0084>0<0085>0 …] TJ` after `1 0 0 -1 x y Tm`, under a flipped, scaled CTM;
- the font is a Type 0 font with 2-byte codes (`/Identity-H`, or WeasyPrint's own CID CMap when
  a glyph is missing) and a `/ToUnicode` CMap, widths in the descendant's `/W` (or `/DW`); simple
  fonts (1-byte codes, `/Widths`) are understood too;
- the colour is set with `g`, `rg`, `k` or `cs` + `sc`/`scn`; WeasyPrint also sets `/a1.0 gs`
  (fill alpha 1), which is dropped because a clean graphics state has that alpha anyway;
- if "0123456789" is shown more than once, the last one is the footer (margin boxes are drawn
  after the page's body).
"""

from __future__ import annotations

import io
import re
import weakref
from dataclasses import dataclass, field, replace
from typing import Any, Iterable, Iterator

from pypdf import PageObject, PdfReader, PdfWriter
from pypdf.generic import (
    ArrayObject, ContentStream, DecodedStreamObject, DictionaryObject, IndirectObject, NameObject, StreamObject,
)

from ..errors import CookbookError

CALIBRATION_DIGITS = "0123456789"
FONT_NAME = NameObject("/FolioF0")
STATE_NAME = NameObject("/FolioGS0")
COLOUR_SPACE_NAME = NameObject("/FolioCS0")

Matrix = tuple[float, float, float, float, float, float]
IDENTITY: Matrix = (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)
DEVICE_SPACES = {"/DeviceGray": "g", "/DeviceRGB": "rg", "/DeviceCMYK": "k"}
DEVICE_ALIASES = {"/G": "/DeviceGray", "/RGB": "/DeviceRGB", "/CMYK": "/DeviceCMYK"}
# Text-state operators that set one field of the state from their one operand.
TEXT_STATE_OPERATORS = {b"Tc": ("char_spacing", float), b"Tw": ("word_spacing", float), b"Tz": ("scaling", float),
                        b"TL": ("leading", float), b"Ts": ("rise", float), b"Tr": ("render", int)}


class FolioCalibrationError(CookbookError):
    """The calibration page does not show the ten digits as expected."""


def multiply(m: Matrix, n: Matrix) -> Matrix:
    """m × n, as PDF concatenates: `m cm` while n is in force gives m × n."""
    a, b, c, d, e, f = m
    a2, b2, c2, d2, e2, f2 = n
    return (a * a2 + b * c2, a * b2 + b * d2, c * a2 + d * c2, c * b2 + d * d2,
            e * a2 + f * c2 + e2, e * b2 + f * d2 + f2)


def _number(value: float, decimals: int = 6) -> str:
    text = f"{value:.{decimals}f}".rstrip("0").rstrip(".")
    return "0" if text in ("", "-0") else text


def _matrix(m: Matrix) -> str:
    return " ".join(_number(x, 9) for x in m)


# ---- What the calibration taught -------------------------------------------------------------


@dataclass(frozen=True, eq=False)
class FolioStamp:
    """How the book draws its page numbers, learnt from a calibration PDF (see the module doc).

    Coordinates: `ctm` is the effective transformation matrix where the digits are shown,
    `text_matrix` the text matrix at the origin of the first calibration digit ("0"), and the
    advances are in text space (glyph width × size / 1000, kerning included)."""

    ctm: Matrix
    fill: str                        # the fill colour, as content-stream operators
    font: DictionaryObject = field(repr=False)   # the calibration PDF's font object
    font_size: float
    text_matrix: Matrix
    codes: dict[str, bytes]          # digit -> its glyph code in the calibration font
    advances: dict[str, float]       # digit -> how far it moves the pen, in text space
    kerning: dict[str, float] = field(default_factory=dict)   # digit -> TJ adjustment after it
    text_state: str = ""             # Tc/Tw/Tz/Ts operators in force, if not the defaults
    colour_space: Any = field(default=None, repr=False)       # named colour space to copy, if any
    graphics_state: Any = field(default=None, repr=False)     # ExtGState to copy, if not trivial
    _writers: "weakref.WeakKeyDictionary[PdfWriter, _WriterResources]" = field(
        default_factory=weakref.WeakKeyDictionary, repr=False)

    @property
    def advance(self) -> float:
        """The advance of one digit in text space (the mean, if the digits are not tabular)."""
        return self.width / len(CALIBRATION_DIGITS)

    @property
    def width(self) -> float:
        """The width of the ten calibration digits, in text space."""
        return sum(self.advances[digit] for digit in CALIBRATION_DIGITS)

    @classmethod
    def from_calibration(cls, pdf: bytes) -> "FolioStamp":
        """Learn from the first page of `pdf` (rendered by WeasyPrint with the book's page CSS and
        "0123456789" as page number) how to draw any page number."""
        try:
            page = PdfReader(io.BytesIO(pdf)).pages[0]
        except Exception as error:  # noqa: BLE001 - any unreadable PDF is the same failure here
            raise FolioCalibrationError(f"the page-number calibration PDF is not readable ({error})") from None
        return _Calibration(page).stamp(cls)

    def content(self, number: str | int, font: str = FONT_NAME, state: str = STATE_NAME,
                colour_space: str = COLOUR_SPACE_NAME) -> bytes:
        """The marked-content sequence that draws `number`, with these resource names."""
        number = str(number)
        if not number or not all(digit in self.codes for digit in number):
            raise ValueError(f"a page number is made of digits only, not {number!r}")
        shift = (self.width - sum(self.advances[digit] for digit in number)) / 2
        a, b, c, d, e, f = self.text_matrix
        text_matrix = (a, b, c, d, e + a * shift, f + b * shift)
        shown = []
        for digit in number:
            shown.append(f"<{self.codes[digit].hex()}>")
            kerning = self.kerning.get(digit, 0.0)
            if abs(kerning) >= 0.0005:
                shown.append(_number(kerning, 3))
        colour = self.fill if self.colour_space is None else f"{colour_space} cs {self.fill}"
        lines = [
            "/Artifact <</Type /Pagination>> BDC", "q", f"{_matrix(self.ctm)} cm",
            *([f"{state} gs"] if self.graphics_state is not None else []),
            colour, "BT", *([self.text_state] if self.text_state else []),
            f"{font} {_number(self.font_size)} Tf", f"{_matrix(text_matrix)} Tm",
            f"[{' '.join(shown)}] TJ", "ET", "Q", "EMC",
        ]
        return ("\n".join(lines) + "\n").encode("ascii")

    def stamp(self, writer: PdfWriter, page: PageObject, number: str | int) -> None:
        """Draw `number` (digits only) centred where the calibration drew its ten digits.

        O(1): the page's content is not parsed; it is wrapped in `q … Q` (WeasyPrint leaves its
        flipped CTM in force) and followed by the number, as an artifact. The font, and the
        colour space or graphics state if any, are added to `writer` once."""
        shared = self._resources(writer)
        resources = _page_resources(page)
        names = {
            "font": _register(resources, "/Font", FONT_NAME, shared.font),
            "state": _register(resources, "/ExtGState", STATE_NAME, shared.state) if shared.state else STATE_NAME,
            "colour_space": (_register(resources, "/ColorSpace", COLOUR_SPACE_NAME, shared.colour_space)
                             if shared.colour_space else COLOUR_SPACE_NAME),
        }
        folio = DecodedStreamObject()
        folio.set_data(b"Q\n" + self.content(number, **names))
        contents = [shared.open, *_content_streams(writer, page), writer._add_object(folio)]
        page[NameObject("/Contents")] = ArrayObject(contents)

    def _resources(self, writer: PdfWriter) -> "_WriterResources":
        shared = self._writers.get(writer)
        if shared is None:
            opening = DecodedStreamObject()
            opening.set_data(b"q\n")
            shared = _WriterResources(
                open=writer._add_object(opening),
                font=_copy(writer, self.font),
                state=_copy(writer, self.graphics_state) if self.graphics_state is not None else None,
                colour_space=_copy(writer, self.colour_space) if self.colour_space is not None else None,
            )
            self._writers[writer] = shared
        return shared


@dataclass(frozen=True)
class _WriterResources:
    """What one writer holds once for all its folios."""

    open: IndirectObject             # the stream "q", shared by every stamped page
    font: IndirectObject
    state: IndirectObject | None
    colour_space: IndirectObject | None


def _copy(writer: PdfWriter, obj: Any) -> IndirectObject:
    clone = obj.clone(writer)
    reference = getattr(clone, "indirect_reference", None)
    if reference is not None and reference.pdf is writer:
        return reference
    return writer._add_object(clone)


def _page_resources(page: DictionaryObject) -> DictionaryObject:
    """The page's resources dictionary (made the page's own if it was only inherited)."""
    if "/Resources" in page:
        return page["/Resources"].get_object()
    resources = DictionaryObject()
    parent = page.get("/Parent")
    while parent is not None:
        parent = parent.get_object()
        if "/Resources" in parent:
            resources.update(parent["/Resources"].get_object())
            break
        parent = parent.get("/Parent")
    page[NameObject("/Resources")] = resources
    return resources


def _register(resources: DictionaryObject, category: str, name: NameObject, reference: IndirectObject) -> str:
    """Put `reference` in `resources[category]` under `name`, or under a free name like it (the
    dictionary may be shared with pages stamped by another calibration)."""
    entries = resources.raw_get(category) if category in resources else None
    if entries is None:
        entries = DictionaryObject()
        resources[NameObject(category)] = entries
    entries = entries.get_object()
    base, index = name[:-1], int(name[-1])
    while True:
        present = entries.raw_get(name) if name in entries else None
        if present is None:
            entries[name] = reference
            return name
        if present == reference:
            return name
        index += 1
        name = NameObject(f"{base}{index}")


def _content_streams(writer: PdfWriter, page: DictionaryObject) -> list[Any]:
    """References to the page's content streams, without reading them."""
    if "/Contents" not in page:
        return []
    contents = page.raw_get("/Contents")
    resolved = contents.get_object()
    if isinstance(resolved, ArrayObject):
        return [item if isinstance(item, IndirectObject) else writer._add_object(item) for item in resolved]
    if isinstance(contents, IndirectObject):
        return [contents]
    if isinstance(resolved, StreamObject):
        return [writer._add_object(resolved)]
    return []


# ---- Reading the calibration page --------------------------------------------------------------


@dataclass(frozen=True)
class _State:
    """The part of the graphics state that the folio depends on."""

    ctm: Matrix = IDENTITY
    fill_space: str = "/DeviceGray"
    fill: tuple[Any, ...] = (0.0,)
    states: tuple[str, ...] = ()     # ExtGState names applied with gs, in order
    font: str | None = None
    size: float = 0.0
    char_spacing: float = 0.0        # Tc
    word_spacing: float = 0.0        # Tw
    scaling: float = 100.0           # Tz
    leading: float = 0.0             # TL
    rise: float = 0.0                # Ts
    render: int = 0                  # Tr


class _Glyph:
    __slots__ = ("code", "text", "line", "start", "end", "state")

    def __init__(self, code: bytes, text: str | None, line: Matrix, start: float, state: _State) -> None:
        self.code, self.text, self.line, self.start, self.end, self.state = code, text, line, start, start, state


class _Font:
    """What the calibration needs of a font: how to split a string into codes, and each code's
    Unicode text and width (in text space per unit of font size)."""

    def __init__(self, font: DictionaryObject) -> None:
        self.font = font
        self.composite = font.get("/Subtype") == "/Type0"
        self.to_unicode = _to_unicode(font)
        self.widths: dict[int, float] = {}
        if self.composite:
            encoding = font.get("/Encoding")
            if isinstance(encoding, StreamObject):
                self.cids = _cid_map(encoding.get_data())
            elif encoding in ("/Identity-H", None):
                self.cids = None
            else:
                raise FolioCalibrationError(f"the page-number font has the unsupported encoding {encoding}")
            descendant = font["/DescendantFonts"][0].get_object()
            self.default_width = float(descendant.get("/DW", 1000))
            self.widths = _cid_widths(descendant.get("/W"))
            self.scale = 0.001
        else:
            first = int(font.get("/FirstChar", 0))
            self.widths = {first + i: float(w) for i, w in enumerate(font.get("/Widths") or [])}
            descriptor = font.get("/FontDescriptor")
            self.default_width = float(descriptor.get_object().get("/MissingWidth", 0)) if descriptor else 0.0
            matrix = font.get("/FontMatrix")
            self.scale = float(matrix[0]) if font.get("/Subtype") == "/Type3" and matrix else 0.001

    def codes(self, data: bytes) -> Iterator[bytes]:
        step = 2 if self.composite else 1
        for index in range(0, len(data) - step + 1, step):
            yield data[index:index + step]

    def text(self, code: bytes) -> str | None:
        if code in self.to_unicode:
            return self.to_unicode[code]
        return None if self.composite else code.decode("latin-1")

    def width(self, code: bytes) -> float:
        """The code's width in text space for a font size of 1."""
        number = int.from_bytes(code, "big")
        if self.composite and self.cids is not None:
            number = self.cids.get(number, 0)
        return self.widths.get(number, self.default_width) * self.scale


class _Calibration:
    """Runs through the calibration page's content stream, keeping the glyphs it shows."""

    def __init__(self, page: PageObject) -> None:
        self.page = page
        resources = page.get("/Resources")
        self.resources = resources.get_object() if resources is not None else DictionaryObject()
        self.fonts: dict[str, _Font] = {}
        self.glyphs: list[_Glyph] = []
        self.state = _State()
        self.stack: list[_State] = []
        self.line: Matrix = IDENTITY   # the text line matrix
        self.pen = 0.0                 # how far the text matrix is from it, along x
        self.last: _Glyph | None = None
        contents = page.get_contents()
        if contents is None:
            raise FolioCalibrationError("the page-number calibration page is empty")
        for operands, operator in ContentStream(contents, page.pdf).operations:
            self.run(operator, operands)

    def run(self, operator: bytes, operands: list[Any]) -> None:  # noqa: C901 - one branch per operator
        state = self.state
        if operator == b"q":
            self.stack.append(state)
        elif operator == b"Q":
            if self.stack:
                self.state = self.stack.pop()
        elif operator == b"cm":
            self.state = replace(state, ctm=multiply(_floats(operands), state.ctm))
        elif operator == b"gs":
            self.state = replace(state, states=(*state.states, str(operands[0])))
        elif operator in (b"g", b"rg", b"k"):
            space = {b"g": "/DeviceGray", b"rg": "/DeviceRGB", b"k": "/DeviceCMYK"}[operator]
            self.state = replace(state, fill_space=space, fill=tuple(float(x) for x in operands))
        elif operator == b"cs":
            self.state = replace(state, fill_space=str(operands[0]), fill=())
        elif operator in (b"sc", b"scn"):
            self.state = replace(state, fill=tuple(operands))
        elif operator == b"BT":
            self.line, self.pen, self.last = IDENTITY, 0.0, None
        elif operator == b"Tm":
            self.line, self.pen, self.last = _floats(operands), 0.0, None
        elif operator in (b"Td", b"TD"):
            x, y = float(operands[0]), float(operands[1])
            if operator == b"TD":
                self.state = replace(state, leading=-y)
            self.next_line(x, y)
        elif operator == b"T*":
            self.next_line(0.0, -state.leading)
        elif operator == b"Tf":
            self.state = replace(state, font=str(operands[0]), size=float(operands[1]))
        elif operator in TEXT_STATE_OPERATORS:
            field_name, kind = TEXT_STATE_OPERATORS[operator]
            self.state = replace(state, **{field_name: kind(operands[0])})
        elif operator == b"Tj":
            self.show([operands[0]])
        elif operator == b"TJ":
            self.show(list(operands[0]))
        elif operator == b"'":
            self.next_line(0.0, -state.leading)
            self.show([operands[0]])
        elif operator == b'"':
            self.state = replace(state, word_spacing=float(operands[0]), char_spacing=float(operands[1]))
            self.next_line(0.0, -self.state.leading)
            self.show([operands[2]])

    def next_line(self, x: float, y: float) -> None:
        self.line, self.pen, self.last = multiply((1.0, 0.0, 0.0, 1.0, x, y), self.line), 0.0, None

    def font(self, name: str | None) -> _Font:
        if name is None:
            raise FolioCalibrationError("the calibration page shows text before choosing a font")
        if name not in self.fonts:
            fonts = self.resources.get("/Font")
            font = fonts.get_object().get(name) if fonts is not None else None
            if font is None:
                raise FolioCalibrationError(f"the calibration page uses the font {name}, which it does not hold")
            self.fonts[name] = _Font(font.get_object())
        return self.fonts[name]

    def show(self, parts: Iterable[Any]) -> None:
        state = self.state
        font = self.font(state.font)
        scale = state.scaling / 100
        for part in parts:
            if isinstance(part, (int, float)):   # NumberObject and FloatObject are numbers too
                self.pen -= float(part) / 1000 * state.size * scale
                if self.last is not None:
                    self.last.end = self.pen  # a kerning after a glyph belongs to its advance
                continue
            for code in font.codes(_string_bytes(part)):
                glyph = _Glyph(code, font.text(code), self.line, self.pen, state)
                spacing = state.char_spacing + (state.word_spacing if code == b" " else 0.0)
                self.pen += (font.width(code) * state.size + spacing) * scale
                glyph.end = self.pen
                self.glyphs.append(glyph)
                self.last = glyph

    def digits(self) -> list[_Glyph]:
        count = len(CALIBRATION_DIGITS)
        for first in range(len(self.glyphs) - count, -1, -1):
            run = self.glyphs[first:first + count]
            if "".join(glyph.text or "\0" for glyph in run) == CALIBRATION_DIGITS:
                return run
        raise FolioCalibrationError(
            f'the page-number calibration page does not show "{CALIBRATION_DIGITS}" '
            "(is its @bottom-center content the ten digits, drawn directly on the page?)")

    def stamp(self, cls: type[FolioStamp]) -> FolioStamp:
        run = self.digits()
        state, line = run[0].state, run[0].line
        for previous, glyph in zip(run, run[1:]):
            if glyph.state != state or glyph.line != line or abs(glyph.start - previous.end) > 1e-6:
                raise FolioCalibrationError(
                    "the calibration digits are not shown as one run of one font, size and colour")
        if state.render in (1, 2, 5, 6):
            raise FolioCalibrationError(f"the calibration digits are drawn with text rendering mode {state.render}")
        font = self.font(state.font)
        scale = state.scaling / 100
        advances = {glyph.text: round(glyph.end - glyph.start, 9) for glyph in run}
        kerning = {}
        for glyph in run:
            natural = (font.width(glyph.code) * state.size + state.char_spacing) * scale
            adjustment = (natural - advances[glyph.text]) * 1000 / (state.size * scale) if state.size else 0.0
            kerning[glyph.text] = round(adjustment, 6)
        fill, colour_space = self.colour(state)
        text_state = " ".join(
            f"{_number(value)} {operator}" for value, default, operator in (
                (state.char_spacing, 0.0, "Tc"), (state.word_spacing, 0.0, "Tw"), (state.scaling, 100.0, "Tz"),
                (state.rise, 0.0, "Ts"), (state.render, 0, "Tr"),
            ) if value != default)
        return cls(
            ctm=state.ctm, fill=fill, font=font.font, font_size=state.size,
            text_matrix=multiply((1.0, 0.0, 0.0, 1.0, run[0].start, 0.0), line),
            codes={glyph.text: glyph.code for glyph in run}, advances=advances, kerning=kerning,
            text_state=text_state, colour_space=colour_space, graphics_state=self.graphics_state(state),
        )

    def colour(self, state: _State) -> tuple[str, Any]:
        """The fill colour as operators, and the colour space object to copy (None: a device space)."""
        space: Any = DEVICE_ALIASES.get(state.fill_space, state.fill_space)
        if space not in DEVICE_SPACES:
            spaces = self.resources.get("/ColorSpace")
            named = spaces.get_object().get(space) if spaces is not None else None
            if named is None:
                raise FolioCalibrationError(f"the calibration digits use the unknown colour space {space}")
            named = named.get_object()
            if isinstance(named, str) and DEVICE_ALIASES.get(named, named) in DEVICE_SPACES:
                space = DEVICE_ALIASES.get(named, named)
            elif named == "/Pattern" or (isinstance(named, list) and named and named[0] == "/Pattern"):
                raise FolioCalibrationError("the calibration digits are painted with a pattern")
            else:
                operands = " ".join(_operand(x) for x in state.fill)
                return (f"{operands} scn" if operands else ""), named
        values = [float(x) for x in state.fill]
        expected = {"g": 1, "rg": 3, "k": 4}[DEVICE_SPACES[space]]
        if len(values) != expected:
            values = ([0.0] * expected) if space != "/DeviceCMYK" else [0.0, 0.0, 0.0, 1.0]
        return " ".join(_number(x) for x in values) + " " + DEVICE_SPACES[space], None

    def graphics_state(self, state: _State) -> DictionaryObject | None:
        """The ExtGState parameters in force, if they differ from a fresh graphics state."""
        states = self.resources.get("/ExtGState")
        merged = DictionaryObject()
        for name in state.states:
            entry = states.get_object().get(name) if states is not None else None
            if entry is not None:
                merged.update(entry.get_object())
        for key, default in (("/Type", None), ("/ca", 1), ("/CA", 1)):
            if key in merged and (default is None or float(merged[key]) == default):
                del merged[key]
        if not merged:
            return None
        merged[NameObject("/Type")] = NameObject("/ExtGState")
        return merged


def _floats(operands: list[Any]) -> Matrix:
    return tuple(float(x) for x in operands)  # type: ignore[return-value]


def _operand(value: Any) -> str:
    if isinstance(value, (int, float)):
        return _number(float(value))
    return str(value)  # a name (the pattern's)


def _string_bytes(operand: Any) -> bytes:
    """The raw bytes of a string operand."""
    original = getattr(operand, "original_bytes", None)  # pypdf may have decoded it as text
    return bytes(original) if original is not None else bytes(operand)


_SECTION = re.compile(rb"begin(bfchar|bfrange|cidchar|cidrange)(.*?)end\1", re.S)
_HEX = rb"<([0-9A-Fa-f\s]*)>"


def _hex(text: bytes) -> bytes:
    return bytes.fromhex(re.sub(rb"\s", b"", text).decode("ascii"))


def _utf16(data: bytes) -> str:
    return data.decode("utf-16-be", errors="replace")


def _to_unicode(font: DictionaryObject) -> dict[bytes, str]:
    """code -> text, from the font's /ToUnicode CMap (bfchar and bfrange sections)."""
    cmap = font.get("/ToUnicode")
    if cmap is None:
        return {}
    mapping: dict[bytes, str] = {}
    for kind, body in _SECTION.findall(cmap.get_object().get_data()):
        if kind == b"bfchar":
            for source, target in re.findall(_HEX + rb"\s*" + _HEX, body):
                mapping[_hex(source)] = _utf16(_hex(target))
        elif kind == b"bfrange":
            for low, high, target, targets in re.findall(
                    _HEX + rb"\s*" + _HEX + rb"\s*(?:" + _HEX + rb"|\[([^\]]*)\])", body):
                low_code, high_code = _hex(low), _hex(high)
                first, last = int.from_bytes(low_code, "big"), int.from_bytes(high_code, "big")
                if last - first > 0xFFFF:
                    continue
                if targets:
                    texts = [_utf16(_hex(t)) for t in re.findall(_HEX, targets)]
                else:
                    base = _hex(target)
                    start = int.from_bytes(base, "big")
                    texts = [_utf16((start + i).to_bytes(len(base), "big")) for i in range(last - first + 1)]
                for offset, text in enumerate(texts[:last - first + 1]):
                    mapping[(first + offset).to_bytes(len(low_code), "big")] = text
    return mapping


def _cid_map(data: bytes) -> dict[int, int]:
    """code -> CID, from an embedded CMap's cidchar and cidrange sections (as WeasyPrint writes
    when a glyph is missing)."""
    mapping: dict[int, int] = {}
    for kind, body in _SECTION.findall(data):
        if kind == b"cidchar":
            for code, cid in re.findall(_HEX + rb"\s*(\d+)", body):
                mapping[int.from_bytes(_hex(code), "big")] = int(cid)
        elif kind == b"cidrange":
            for low, high, cid in re.findall(_HEX + rb"\s*" + _HEX + rb"\s*(\d+)", body):
                first, last = int.from_bytes(_hex(low), "big"), int.from_bytes(_hex(high), "big")
                for offset in range(min(last - first + 1, 0x10000)):
                    mapping[first + offset] = int(cid) + offset
    return mapping


def _cid_widths(widths: Any) -> dict[int, float]:
    """CID -> width in thousandths of the font size, from a CID font's /W array."""
    result: dict[int, float] = {}
    items = list(widths.get_object()) if widths is not None else []
    index = 0
    while index < len(items):
        first = int(items[index])
        following = items[index + 1].get_object()
        if isinstance(following, list):
            for offset, width in enumerate(following):
                result[first + offset] = float(width)
            index += 2
        else:
            last, width = int(following), float(items[index + 2])
            if last - first <= 0xFFFF:
                for cid in range(first, last + 1):
                    result.setdefault(cid, width)
            index += 3
    return result
