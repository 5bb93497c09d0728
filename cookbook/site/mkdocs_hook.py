"""MkDocs hook: regenerate the pages before each build, so that `mkdocs serve` follows recipe
edits. The pages are whole without it (any engine that reads mkdocs.yml builds them alone).

The only piece of the generator that MkDocs loads. `build.py` generates the pages itself and
sets COOKBOOK_PAGES_READY, in which case they are not generated again.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from cookbook.source.check import check_project
from cookbook.config import find_project
from cookbook.site.site_engine import PAGES_READY_ENV, generate


def on_pre_build(config: Any, **_: Any) -> None:
    if os.environ.get(PAGES_READY_ENV) == "1":
        return
    project = find_project(Path(config["config_file_path"]).parent)
    result = check_project(project)
    if result.cookbook is None:
        # Keep serving the last good pages; show what to fix.
        for diagnostic in result.diagnostics:
            print(diagnostic.format())
        return
    docs = Path(config["docs_dir"])  # build/docs/<variant>/<lang>: the variant says which pages
    generate(project, result.cookbook, docs.name, include_drafts=docs.parent.name == "preview",
             offline=docs.parent.name == "offline")
