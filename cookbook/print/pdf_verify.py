"""The last look at a PDF before it is published: it opens, has the pages it should, its fonts
are embedded and whole, and every recipe title it should carry is in its text.

A PDF made from a damaged font lays out and opens, but prints blank paragraphs; one joined from
a torn part loses pages. Either must stop the build instead of reaching a reader. The checks
use other libraries than the ones that wrote the file (qpdf through pikepdf, PDFium through
pypdfium2, fontTools), so that a fault in our writer is not read back as it was written.
"""

from __future__ import annotations

import hashlib
import os
import unicodedata
from dataclasses import dataclass
from io import BytesIO
from pathlib import Path
from typing import Any, Iterator


@dataclass(frozen=True)
class Expected:
    """What a written PDF must hold."""

    path: Path
    pages: int
    titles: tuple[str, ...]
    # The pages (0-based) that carry the titles, when they are known: a book's recipes' first
    # pages. Their text alone is read, a quarter of a book's; empty: every page's.
    title_pages: tuple[int, ...] = ()


def comparable(text: str) -> str:
    """Letters and digits only, case folded: line breaks, hyphenation, small capitals and
    typographic quotes do not hide a title."""
    return "".join(character for character in unicodedata.normalize("NFC", text).casefold() if character.isalnum())


def pdf_problems(expected: Expected) -> list[str]:
    """What is wrong with the PDF at expected.path; empty when it may be published."""
    import pikepdf

    try:
        with pikepdf.open(expected.path) as pdf:
            pages = len(pdf.pages)
            problems = font_problems(pdf)
    except (pikepdf.PdfError, OSError, ValueError) as error:
        return [f"it does not open as a PDF ({error})"]
    if pages != expected.pages:
        problems.append(f"it has {pages} pages where {expected.pages} were laid out")
    if expected.titles:
        text = comparable(pdf_text(expected.path, expected.title_pages))
        missing = [title for title in expected.titles if comparable(title) not in text]
        if missing:
            more = f" and {len(missing) - 3} more" if len(missing) > 3 else ""
            problems.append("these recipe titles are not in its text: " + ", ".join(f"'{title}'" for title in missing[:3]) + more)
    return problems


def font_problems(pdf: Any) -> list[str]:
    """Every font the pages use embedded, and every embedded font program whole."""
    problems: list[str] = []
    for font in used_fonts(pdf):
        subtype = font.get("/Subtype")
        if subtype == "/Type3":
            continue  # its glyphs are drawn in the file itself
        descriptor = (font.DescendantFonts[0] if subtype == "/Type0" else font).get("/FontDescriptor")
        name = str(font.get("/BaseFont", "?")).lstrip("/")
        program = None
        if descriptor is not None:
            program = descriptor.get("/FontFile2") or descriptor.get("/FontFile3") or descriptor.get("/FontFile")
        if program is None:
            problems.append(f"the font {name} is not embedded")
            continue
        try:
            decode_font_program(program.read_bytes(), "/FontFile" in descriptor)
        except Exception as error:  # noqa: BLE001 - any failure to decode is the finding
            problems.append(f"the embedded font {name} is damaged ({type(error).__name__}: {error})")
    return problems


def used_fonts(pdf: Any) -> Iterator[Any]:
    """The font dictionaries of every page's resources and of the forms drawn on it, each once."""
    import pikepdf

    seen: set[tuple[int, int]] = set()
    pending = [page.obj.get("/Resources") for page in pdf.pages]
    while pending:
        resources = pending.pop()
        if not isinstance(resources, pikepdf.Dictionary) or _seen(resources, seen):
            continue
        for font in (resources.get("/Font") or {}).values():
            if isinstance(font, pikepdf.Dictionary) and not _seen(font, seen):
                yield font
        for form in (resources.get("/XObject") or {}).values():
            if isinstance(form, pikepdf.Stream) and form.get("/Subtype") == "/Form" and not _seen(form, seen):
                pending.append(form.get("/Resources"))


def _seen(obj: Any, seen: set[tuple[int, int]]) -> bool:
    """Whether an indirect object was met before (direct ones are always new)."""
    if not obj.is_indirect:
        return False
    if obj.objgen in seen:
        return True
    seen.add(obj.objgen)
    return False


def decode_font_program(data: bytes, type1: bool) -> None:
    """Decode the tables that draw glyphs: a program cut short fails here."""
    from fontTools.ttLib import TTFont

    if type1:  # no OpenType tables to read
        if not data:
            raise ValueError("empty")
        return
    font = TTFont(BytesIO(data)) if data[:4] in (b"\0\1\0\0", b"OTTO", b"true") else None
    if font is None:  # bare CFF (FontFile3 /Type1C)
        from fontTools.cffLib import CFFFontSet

        CFFFontSet().decompile(BytesIO(data), None)
        return
    ends = {tag: entry.offset + entry.length for tag, entry in font.reader.tables.items()}
    cut = sorted(tag for tag, end in ends.items() if end > len(data))
    if cut:
        raise ValueError(f"its tables {', '.join(cut)} run past its end")
    if "glyf" in font.reader.tables:
        # Where each glyph's outline ends (loca) must lie inside the outlines' table (glyf): a
        # font cut short before it was subset fails here, and this is quick to read.
        outlines = font.reader.tables["glyf"].length
        if int(font["loca"][-1]) > outlines:
            raise ValueError(f"its glyph outlines end at byte {outlines}, its index points to {int(font['loca'][-1])}")
    for tag in ("CFF ", "CFF2"):
        if tag in font:
            font[tag]


def pdf_text(path: Path, pages: tuple[int, ...] = ()) -> str:
    """The text a reader (or a search) gets out of the PDF, page after page: of these `pages`
    (0-based; those it has), or else of every page."""
    import pypdfium2

    document = pypdfium2.PdfDocument(str(path))
    try:
        parts: list[str] = []
        for index in [page for page in pages if page < len(document)] if pages else range(len(document)):
            page = document[index]
            text_page = page.get_textpage()
            parts.append(text_page.get_text_range())
            text_page.close()
            page.close()
        return "\n".join(parts)
    finally:
        document.close()


def check_pdfs(expectations: list[Expected], workers: int = 1, passed: Path | None = None) -> dict[Path, list[str]]:
    """Problems by PDF (only those that have any), each checked on one of `workers` cores.

    `passed`, if given, is a folder that remembers which bytes passed which expectations: a PDF
    that is byte for byte one that passed before (most of a rebuild's) is not checked again."""
    fingerprints = {expected.path: fingerprint(expected) for expected in expectations} if passed else {}
    unknown = [expected for expected in expectations if not (passed and _remembered(passed / fingerprints[expected.path]))]
    if workers <= 1 or len(unknown) <= 1:
        results = [pdf_problems(expected) for expected in unknown]
    else:
        import multiprocessing
        from concurrent.futures import ProcessPoolExecutor

        from ..workers import die_with_parent

        with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("fork"), initializer=die_with_parent) as pool:
            results = list(pool.map(pdf_problems, unknown, chunksize=max(1, len(unknown) // (4 * workers))))
    failed = {expected.path: problems for expected, problems in zip(unknown, results) if problems}
    if passed:
        passed.mkdir(parents=True, exist_ok=True)
        for expected in unknown:
            if expected.path not in failed:
                (passed / fingerprints[expected.path]).touch()
    return failed


def _remembered(path: Path) -> bool:
    try:
        os.utime(path)  # used now: kept by forget_unused()
        return True
    except FileNotFoundError:
        return False


def forget_unused(passed: Path, older_than: float) -> None:
    for path in passed.glob("*") if passed.is_dir() else ():
        if path.stat().st_mtime < older_than:
            path.unlink(missing_ok=True)


def fingerprint(expected: Expected) -> str:
    """The hash of a PDF's bytes and of what it was expected to hold."""
    digest = hashlib.sha256(repr((expected.pages, expected.titles, expected.title_pages)).encode())
    with expected.path.open("rb") as handle:
        digest.update(hashlib.file_digest(handle, "sha256").digest())
    return digest.hexdigest()
