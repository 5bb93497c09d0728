"""MkDocs hook: regenerate the pages before each build, so `mkdocs serve` follows recipe edits,
and put the generated HTML blocks back into each page (see cookbook.html_blocks).

The only piece of the generator that MkDocs loads. `build.py` generates the pages itself and
sets COOKBOOK_PAGES_READY, in which case they are not generated again.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from cookbook.config import find_project
from cookbook.site_engine import PAGES_READY_ENV, generate
from cookbook.check import check_project
from cookbook.html_blocks import BlockStore


_blocks: BlockStore | None = None  # the blocks of the pages being built


def on_pre_build(config: Any, **_: Any) -> None:
    global _blocks
    _blocks = None
    if os.environ.get(PAGES_READY_ENV) != "1":
        _generate(config)
    _blocks = BlockStore.read(Path(config["docs_dir"]))


def on_page_content(html: str, page: Any, **_: Any) -> str:
    return _blocks.restore(page.file.src_uri, html) if _blocks is not None else html


def _generate(config: Any) -> None:
    project = find_project(Path(config["config_file_path"]).parent)
    result = check_project(project)
    if result.cookbook is None:
        # Keep serving the last good pages; show what to fix.
        for diagnostic in result.diagnostics:
            print(diagnostic.format())
        return
    generate(project, result.cookbook, Path(config["docs_dir"]).name, include_drafts=True)
