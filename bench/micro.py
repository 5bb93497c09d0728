"""Timings inside one process, each beside a reference taken in the same run: what once were
wall-clock bounds in the tests (a bound fails on a busy machine; a ratio holds on any).

    python bench/micro.py hostile   the check of each hostile recipe file (tests/fixtures/hostile.py)
                                    beside the check of a good recipe (tests/fixtures/esimerkki)
    python bench/micro.py folio     page numbers (rendered beforehand) laid over 2,000 joined book
                                    pages (a slice of the shipped book's) beside writing them out

Prints one JSON object: {"reference": s, "measured": {name: s}, "notes": text}; each time is the
fastest of three runs.
"""

from __future__ import annotations

import io
import json
import sys
import tempfile
import time
import warnings
from pathlib import Path
from typing import Callable

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]


def fastest(run: Callable[[], object], repeat: int = 3) -> float:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        run()
        times.append(time.perf_counter() - started)
    return min(times)


def hostile() -> dict:
    from conftest import make_small_project
    from cookbook.source.check import check_project
    from cookbook.config import Project
    from fixtures.hostile import HOSTILE_FILES

    with tempfile.TemporaryDirectory() as temp:
        root = make_small_project(Path(temp) / "project")
        recipe = root / "recipes" / "esimerkki" / "fi.md"
        (root / "recipes" / "esimerkki" / "en.md").unlink()  # one file, as in test_check_fuzz.py
        good = recipe.read_bytes()

        def check(content: bytes) -> Callable[[], object]:
            return lambda: (recipe.write_bytes(content), check_project(Project(root)))

        check(good)()  # imports and compiled schema, as in any process that checks twice
        reference = fastest(check(good))
        measured = {name: fastest(check(content)) for name, content in HOSTILE_FILES.items()}
    return {"reference": reference, "measured": measured, "notes": "reference: the check of one good recipe"}


FOLIO_PAGES = 2000


def book_pages() -> tuple[bytes, list[bytes]]:
    """A slice of the shipped cookbook's Finnish A4 book and the page-numbers documents for
    2,000 pages, rendered as the build renders them (cookbook/print/pdf_jobs.py)."""
    from cookbook.config import find_project
    from cookbook.print import pdf_jobs
    from cookbook.print.book import BookRequest, numbers_documents
    from cookbook.print.print_formats import PdfSettings
    from cookbook.source.check import check_project

    project = find_project(ROOT)
    pdf_jobs.prepare_rendering(project, check_project(project).cookbook, PdfSettings(jobs=1, cache=False))
    request = BookRequest(project.source_language.code)
    numbers = [pdf_jobs.render_numbers(request, document).pdf for document in range(numbers_documents(FOLIO_PAGES))]
    return pdf_jobs.render_slice(request, 0).pdf, numbers


def folio() -> dict:
    import pikepdf

    from cookbook.print.folio import number_pages

    source, numbers = book_pages()

    # Only the pages are numbered and written here, not a joined book's names and links.
    warnings.filterwarnings("ignore", message="Copying pages from another Pdf")

    def pages() -> pikepdf.Pdf:
        book = pikepdf.new()
        while len(book.pages) < FOLIO_PAGES:
            with pikepdf.open(io.BytesIO(source)) as part:
                book.pages.extend(part.pages)
        del book.pages[FOLIO_PAGES:]
        return book

    def numbering() -> None:
        with pages() as book:
            started = time.perf_counter()
            number_pages(book, 0, numbers)
            times.append(time.perf_counter() - started)

    def writing() -> None:
        with pages() as book:
            started = time.perf_counter()
            book.save(io.BytesIO(), object_stream_mode=pikepdf.ObjectStreamMode.generate)
            times.append(time.perf_counter() - started)

    times: list[float] = []
    for _ in range(3):
        numbering()
    measured = min(times)
    times.clear()
    for _ in range(3):
        writing()
    return {"reference": min(times), "measured": {"number 2,000 pages": measured},
            "notes": "reference: writing the same 2,000 pages (the first slice of the shipped cookbook's Finnish "
                     "A4 book, as the build renders it, over and over; the numbers as the build renders them)"}


if __name__ == "__main__":
    print(json.dumps({"hostile": hostile, "folio": folio}[sys.argv[1]]()))
