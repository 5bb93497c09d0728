"""The collector's setting for batch work, in a worker and in this process; tasks apart, in a
child that ends with them; workers that end with the build."""

from __future__ import annotations

import gc
import os
import subprocess
import sys
import time
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path

import pytest

from cookbook.errors import CookbookError
from cookbook.workers import FIRST_GENERATION, apart, in_a_child, working_here
from fixtures.faults import process_status


def test_an_inner_block_leaves_the_outer_ones_setting_alone():
    before = gc.get_threshold()
    with working_here():
        assert gc.get_freeze_count() > 0
        with working_here():  # a book joined inside the sequential scheduler's run
            pass
        # Still frozen: an unfreeze empties the permanent generation. (The count itself may drop
        # a little meanwhile, as another thread, such as pytest-xdist's, frees frozen objects.)
        assert gc.get_freeze_count() > 0
        assert gc.get_threshold()[0] == FIRST_GENERATION
    assert gc.get_threshold() == before and gc.get_freeze_count() == 0


def test_the_build_forks_its_workers_from_a_single_threaded_process(built_small_project):
    """A fork from a multi-threaded process can deadlock the child (Python 3.12+ warns of it).
    The build's helpers (check, site pages, PDFs) are forked with no other thread running.
    In the suite, pytest-xdist's own thread makes each worker multi-threaded, so pyproject.toml
    ignores that warning there; this build runs in a process of its own, with it an error."""
    from conftest import ROOT

    build = [sys.executable, "-W", "error::DeprecationWarning", str(ROOT / "build.py"), "--project",
             str(built_small_project), "--quiet", "--no-cache", "--jobs", "2"]
    # The site's editions are prepared by forked helpers, the PDFs rendered by a forked pool,
    # and a book's parts in children its workers fork (workers.apart).
    for command in ([*build, "site"], [*build, "pdf", "--only", "handouts", "--only", "book"]):
        result = subprocess.run(command, capture_output=True, text=True, timeout=600)
        assert result.returncode == 0, result.stdout + result.stderr
        assert "Warning" not in result.stderr, result.stderr


# ---- A task apart: in a child that ends with it ---------------------------------------------

_left_behind: list[int] = []


def _remember_and_return(value: int) -> tuple[int, bool]:
    _left_behind.append(value)  # in the child's memory only
    return value * 2, in_a_child()


def _fail(message: str) -> None:
    raise CookbookError(message)


def _die() -> None:
    os._exit(3)  # as if killed: no answer on the pipe


def test_a_task_apart_returns_its_result_and_leaves_nothing_behind():
    assert apart(_remember_and_return, 21) == (42, True)
    assert _left_behind == [] and not in_a_child()


def test_a_task_apart_fails_with_its_own_error_and_a_dead_child_is_a_dead_worker():
    with pytest.raises(CookbookError, match="the card does not fit"):
        apart(_fail, "the card does not fit")
    with pytest.raises(BrokenProcessPool):  # the build says a worker died (cli.py)
        apart(_die)


WORKER = """
import os, threading, time
from cookbook.workers import die_with_parent
if os.fork() == 0:
    die_with_parent()
    print(os.getpid(), threading.active_count(), flush=True)
    time.sleep(60)
    os._exit(0)
time.sleep(60)
"""


def _running(pid: int) -> bool:
    status = process_status(pid)
    return status is not None and status[0] not in ("Z", "X")  # a zombie has ended (init may be slow to reap it)


def test_a_worker_ends_with_its_parent_and_needs_no_thread_for_it():
    """A worker of a killed build must not live on, holding the build lock; and a worker that
    forks children of its own (workers.apart) must have no other thread, since a fork beside
    a thread can deadlock the child."""
    parent = subprocess.Popen([sys.executable, "-c", WORKER], stdout=subprocess.PIPE, text=True,
                              cwd=Path(__file__).resolve().parent.parent)
    try:
        pid, threads = map(int, parent.stdout.readline().split())
        assert threads == 1
        parent.kill()
        parent.wait()
        for _ in range(100):
            if not _running(pid):
                break
            time.sleep(0.1)
        else:
            raise AssertionError("the worker outlived its parent by ten seconds")
    finally:
        parent.kill()
