"""The collector's setting for batch work, in a worker and in this process."""

from __future__ import annotations

import gc

from cookbook.workers import FIRST_GENERATION, working_here


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
    import subprocess
    import sys

    from conftest import ROOT

    build = [sys.executable, "-W", "error::DeprecationWarning", str(ROOT / "build.py"), "--project",
             str(built_small_project), "--quiet", "--no-cache", "--jobs", "2"]
    # The site's editions are prepared by forked helpers, the PDFs rendered by a forked pool.
    for command in ([*build, "site"], [*build, "pdf", "--only", "handouts"]):
        result = subprocess.run(command, capture_output=True, text=True, timeout=600)
        assert result.returncode == 0, result.stdout + result.stderr
        assert "Warning" not in result.stderr, result.stderr
