"""`build.py serve`: the live preview re-renders a recipe page when its file is saved."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from conftest import ROOT


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for(url: str, text: str, seconds: float) -> str:
    deadline = time.monotonic() + seconds
    body = ""
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                body = response.read().decode("utf-8")
            if text in body:
                return body
        except OSError:
            pass
        time.sleep(0.3)
    raise AssertionError(f"{text!r} did not appear at {url} within {seconds}s")


def test_serve_rerenders_when_a_recipe_is_saved(small_project: Path):
    project = small_project
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, str(ROOT / "build.py"), "--project", str(project), "serve", "--address", f"127.0.0.1:{port}"],
        cwd=project, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
    )
    try:
        url = f"http://127.0.0.1:{port}/recipes/esimerkki/"
        wait_for(url, "Esimerkkiresepti testejä varten", 90)
        recipe = project / "recipes" / "esimerkki" / "fi.md"
        recipe.write_text(
            recipe.read_text(encoding="utf-8").replace(
                "title: Esimerkkiresepti testejä varten", "title: Esimerkkiresepti uudella nimellä"
            ),
            encoding="utf-8",
        )
        wait_for(url, "Esimerkkiresepti uudella nimellä", 90)
        # The preview's pages (drafts included) are its own: a build run beside it neither
        # publishes them nor overwrites them.
        assert (project / "build" / "docs" / "preview" / "fi" / "recipes" / "esimerkki" / "index.md").is_file()
        assert not (project / "build" / "docs" / "web").exists()
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=10)
