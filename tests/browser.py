"""A real browser on the built site: Debian's chromium driven by Playwright, served from loopback."""

from __future__ import annotations

import functools
import http.server
import shutil
import threading
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

import pytest

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run"]


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args: object) -> None:
        pass


@contextmanager
def serve(folder: Path) -> Iterator[str]:
    handler = functools.partial(QuietHandler, directory=str(folder))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


def launch(playwright, javascript: bool = True):
    if not Path(CHROMIUM).exists():
        pytest.fail("chromium is not installed: run `make setup` as root, or `sudo apt-get install chromium`")
    return playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)


WCAG_AA = {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}
# WCAG 2.2 adds target size (2.5.8, axe's `target-size`): what the MkDocs pages are held to.
WCAG22_AA = {"type": "tag", "values": [*WCAG_AA["values"], "wcag22aa"]}


def axe_violations(tab, rules: dict[str, object] = WCAG_AA) -> list[str]:
    """What axe-core finds against `rules` (WCAG 2.1 AA unless told) on the page open in `tab`,
    a line per rule."""
    from axe_playwright_python.sync_playwright import Axe

    # The page as a reader meets it, its scripts settled: on a busy machine an engine's script
    # may still be setting up its header (Zensical's palette) when the network is idle.
    tab.evaluate("new Promise(done => requestIdleCallback(() => requestAnimationFrame(() => done()), {timeout: 5000}))")
    # Details of violations only: collecting every passing node's takes axe most of its time
    # on a page of long tables.
    result = Axe().run(tab, options={"runOnly": rules, "resultTypes": ["violations"]})
    return [f"{v['id']}: {v['nodes'][0]['target']} {v['nodes'][0].get('failureSummary', '')[:200]}"
            for v in result.response["violations"]]
