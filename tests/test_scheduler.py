"""The PDF scheduler (cookbook/print/pdf_jobs.py): a task shared by several documents (the page
numbers every language's book of a format prints) runs once a build, and everyone who asks for
it gets its result, also one who asks after it finished with nothing else left to run."""

from __future__ import annotations

import pytest

from cookbook.print.pdf import Rendered
from cookbook.print.pdf_jobs import Scheduler
from cookbook.progress import QUIET, StageCounter


def numbered(pages: int) -> Rendered:
    """A stand-in for a rendered document (module level: a pool worker imports it by name)."""
    return Rendered(b"%PDF " + str(pages).encode(), pages, {})


@pytest.mark.parametrize("workers", [1, 2])
def test_a_shared_task_runs_once_and_each_who_asks_gets_its_result(workers: int):
    counter = StageCounter(QUIET, "PDFs", 0)
    scheduler = Scheduler(workers, counter)
    received: list[tuple[str, int]] = []

    def second_book(rendered: Rendered) -> None:
        received.append(("en", rendered.pages))

    def first_book(rendered: Rendered) -> None:
        received.append(("fi", rendered.pages))
        # The other language's book asks once the result is in and nothing else is queued.
        scheduler.submit_shared(("numbers", "a4", 0), 0, numbered, (100,), second_book)

    def slice_done(rendered: Rendered) -> None:
        scheduler.submit_shared(("numbers", "a4", 0), 0, numbered, (100,), first_book)
        scheduler.submit_shared(("numbers", "a4", 0), 0, numbered, (100,), lambda r: received.append(("sv", r.pages)))
        scheduler.submit_shared(("numbers", "a5", 0), 0, numbered, (50,), lambda r: received.append(("a5", r.pages)))

    scheduler.submit(1, numbered, (30,), slice_done)
    scheduler.run()
    assert sorted(received) == [("a5", 50), ("en", 100), ("fi", 100), ("sv", 100)]
    assert counter.total == 3 and counter.done == 3  # the slice, and each format's numbers once
