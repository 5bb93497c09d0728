"""Search as a reader on a mid-range phone meets it: chromium with the CPU slowed 4 ×, a recipe
page opened, a query typed into the search box at once. Measures the bytes served from opening
the page to the first results (counted by the server, so a web worker's downloads count too)
and the time from the first keystroke to the first result on screen.

    python bench/search_speed.py SITE_FOLDER PAGE_PATH (ours|material) WORDS [COUNT_WORDS]

prints one JSON line: {"bytes", "requests", "seconds", "results"} (results: how many the box
says COUNT_WORDS finds, typed after the measurement, in a fresh page). With SEARCH_SPEED_DEBUG=1
each body served is listed on stderr with its size.
"""

from __future__ import annotations

import functools
import gzip
import io
import os
import http.server
import json
import re
import sys
import threading
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

from playwright.sync_api import sync_playwright

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
from browser import launch  # noqa: E402

CPU_SLOWDOWN = 4
# The search box, where the results appear, and where their count is said, in each interface.
INTERFACES = {
    "ours": ("#cb-search-q", "#cb-search-results li a", "#cb-search-status"),
    "material": ("input.md-search__input", ".md-search-result__item", ".md-search-result__meta"),
}


class Counter:
    def __init__(self) -> None:
        self.bytes = self.requests = 0
        self.lock = threading.Lock()

    def add(self, size: int, path: str) -> None:
        if os.environ.get("SEARCH_SPEED_DEBUG"):
            print(size, path, file=sys.stderr)
        with self.lock:
            self.bytes += size
            self.requests += 1


class CountingHandler(http.server.SimpleHTTPRequestHandler):
    """Serves as a static host does (GitHub Pages, say): text gzipped for a browser that accepts
    it; counts the bytes of every body it sends."""

    counter: Counter
    COMPRESSED_TYPES = ("text/", "application/javascript", "application/json", "image/svg+xml", "application/xml")

    def log_message(self, *args: object) -> None:
        pass

    def send_head(self):  # type: ignore[no-untyped-def]
        path = Path(self.translate_path(self.path))
        if path.is_dir() and self.path.split("?")[0].endswith("/"):
            path = path / "index.html"
        kind = self.guess_type(str(path))
        if not path.is_file() or "gzip" not in self.headers.get("Accept-Encoding", "") or not kind.startswith(self.COMPRESSED_TYPES):
            return super().send_head()  # redirects, errors, and what is compressed already
        body = gzip.compress(path.read_bytes(), mtime=0)
        self.send_response(200)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Encoding", "gzip")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        return io.BytesIO(body)

    def copyfile(self, source, outputfile) -> None:  # type: ignore[no-untyped-def]
        data = source.read()
        outputfile.write(data)
        self.counter.add(len(data), self.path)


@contextmanager
def counting_server(folder: Path, counter: Counter) -> Iterator[str]:
    handler = functools.partial(type("Handler", (CountingHandler,), {"counter": counter}), directory=str(folder))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


def open_search(tab, kind: str) -> None:
    if kind == "ours" and tab.locator(".cb-search__open").is_visible():
        tab.locator(".cb-search__open").click()
    tab.locator(INTERFACES[kind][0]).click()


def measure(folder: Path, page: str, kind: str, words: str, count_words: str) -> dict[str, float | int | None]:
    box, results, status = INTERFACES[kind]
    counter = Counter()
    with counting_server(folder, counter) as base, sync_playwright() as playwright:
        browser = launch(playwright)
        context = browser.new_context(viewport={"width": 1280, "height": 900})
        tab = context.new_page()
        cdp = context.new_cdp_session(tab)
        cdp.send("Network.enable")
        cdp.send("Network.setCacheDisabled", {"cacheDisabled": True})
        cdp.send("Emulation.setCPUThrottlingRate", {"rate": CPU_SLOWDOWN})
        tab.goto(base + page, wait_until="load")
        open_search(tab, kind)
        start = time.perf_counter()
        tab.keyboard.type(words)
        tab.wait_for_selector(results, timeout=120_000)
        seconds = time.perf_counter() - start
        transferred, requests = counter.bytes, counter.requests
        # How many pages the box says a query finds (another form of the word, say).
        other = context.new_page()
        other.goto(base + page, wait_until="load")
        open_search(other, kind)
        other.keyboard.type(count_words)
        other.wait_for_timeout(300)
        try:
            other.wait_for_function(f"document.querySelector({json.dumps(status)}) && /\\d/.test(document.querySelector({json.dumps(status)}).textContent)", timeout=60_000)
            said = other.locator(status).inner_text()
            found = int(re.search(r"\d+", said).group()) if re.search(r"\d+", said) else 0
        except Exception:
            found = 0  # the interface says no number: nothing found
        browser.close()
    return {"bytes": transferred, "requests": requests, "seconds": round(seconds, 3), "results": found}


if __name__ == "__main__":
    site, path, interface, query = sys.argv[1:5]
    counted = sys.argv[5] if len(sys.argv) > 5 else query
    print(json.dumps(measure(Path(site), path, interface, query, counted)))
