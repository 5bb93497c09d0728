"""The PDF writer's tuning changes speed, never content: page references stay right as pages are
added, and streams still decompress to what was drawn."""

from __future__ import annotations

import zlib

import pydyf

from cookbook.print.pdf_writer_tuning import STREAM_COMPRESSION_LEVEL, tune_pdf_writer


def references_as_pydyf_makes_them(pdf: pydyf.PDF) -> tuple[bytes, ...]:
    return tuple(f"{number} 0 R".encode("ascii") for number in pdf.pages["Kids"][::3])


def add_page(pdf: pydyf.PDF) -> None:
    page = pydyf.Dictionary({"Type": "/Page", "Parent": pdf.pages.reference})
    pdf.add_page(page)


def test_page_references_follow_pages_added_after_a_call():
    tune_pdf_writer()
    pdf = pydyf.PDF()
    for _ in range(3):
        add_page(pdf)
    assert pdf.page_references == references_as_pydyf_makes_them(pdf)
    add_page(pdf)
    assert len(pdf.page_references) == 4
    assert pdf.page_references == references_as_pydyf_makes_them(pdf)
    other = pydyf.PDF()
    add_page(other)
    assert other.page_references == references_as_pydyf_makes_them(other)  # not the first PDF's


def test_streams_are_compressed_at_our_level_and_decompress_to_the_drawing():
    tune_pdf_writer()
    drawing = [b"0 0 m", b"100 100 l", b"S"] * 200
    written = pydyf.Stream(list(drawing), compress=True).data
    data = written.split(b"stream\n", 1)[1].rsplit(b"\nendstream", 1)[0]
    assert zlib.decompress(data) == b"\n".join(drawing)
    at_our_level = zlib.compressobj(STREAM_COMPRESSION_LEVEL)
    assert data == at_our_level.compress(b"\n".join(drawing)) + at_our_level.flush()
