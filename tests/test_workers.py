"""The collector's setting for batch work, in a worker and in this process."""

from __future__ import annotations

import gc

from cookbook.workers import FIRST_GENERATION, working_here


def test_an_inner_block_leaves_the_outer_ones_setting_alone():
    before = gc.get_threshold()
    with working_here():
        frozen = gc.get_freeze_count()
        with working_here():  # a book joined inside the sequential scheduler's run
            pass
        assert gc.get_freeze_count() == frozen > 0
        assert gc.get_threshold()[0] == FIRST_GENERATION
    assert gc.get_threshold() == before and gc.get_freeze_count() == 0
