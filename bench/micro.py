"""Timings inside one process, each beside a reference taken in the same run: what once were
wall-clock bounds in the tests (a bound fails on a busy machine; a ratio holds on any).

    python bench/micro.py hostile   the check of each hostile recipe file (tests/fixtures/hostile.py)
                                    beside the check of a good recipe (tests/fixtures/esimerkki)
    python bench/micro.py folio     page numbers (rendered beforehand) laid over 2,000 joined pages
                                    beside writing those pages out

Prints one JSON object: {"reference": s, "measured": {name: s}, "notes": text}; each time is the
fastest of three runs.
"""

from __future__ import annotations

import io
import json
import sys
import tempfile
import time
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


def folio() -> dict:
    import pikepdf

    from cookbook.print.folio import number_pages
    from test_folio import numbers_document, unnumbered

    numbers, source = numbers_document(1, 100), unnumbered()

    def pages() -> pikepdf.Pdf:
        book = pikepdf.new()
        for _ in range(167):
            with pikepdf.open(io.BytesIO(source)) as part:
                book.pages.extend(part.pages)
        del book.pages[2000:]
        return book

    def numbering() -> None:
        with pages() as book:
            started = time.perf_counter()
            number_pages(book, 0, [numbers] * 20)
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
            "notes": "reference: writing the same 2,000 pages"}


if __name__ == "__main__":
    print(json.dumps({"hostile": hostile, "folio": folio}[sys.argv[1]]()))
