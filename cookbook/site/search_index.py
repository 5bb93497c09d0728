"""The web editions' search index: Pagefind, run on each edition's search pages (search_pages.py)
while the engine builds it.

Pagefind stems every word (Snowball: fi, sv, en), so an inflected query finds the other forms,
and it splits the index into chunks that a browser fetches only as a query needs them, so a
page view costs nothing until someone searches. The search box and the finder load the bundle
(templates/site/assets/search.js); no engine plugin is involved, so every engine's site has
the same search. Pagefind does not work from file://: the offline copy has a local index of its
own (local_search.py).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from ..build_lock import held_lock
from ..errors import CookbookError, tool_failure

BUNDLE = "pagefind"  # the bundle's folder in each edition's root
# Only the engine's main content is indexed: not the header, navigation, footer or skip link;
# and no button's label ("back to top", "show more") is a page's text.
ROOT_SELECTOR = "main"
EXCLUDED = "button"
# What Pagefind writes that the site does not use: its ready-made interfaces (ours is
# search.js), which would only add to the site's size.
UNUSED = ("pagefind-ui.js", "pagefind-ui.css", "pagefind-modular-ui.js", "pagefind-modular-ui.css",
          "pagefind-component-ui.js", "pagefind-component-ui.css", "pagefind-highlight.js")


class SearchIndexError(CookbookError):
    """Pagefind failed; the message carries its output."""


def pagefind_executable() -> Path:
    try:
        from pagefind_bin import get_executable

        return get_executable()
    except (ImportError, FileNotFoundError) as error:
        raise SearchIndexError(f"the search indexer Pagefind is not installed ({error}): run `make setup`") from None


@dataclass
class IndexRun:
    """Pagefind indexing one edition's search pages (search_pages.py), started as soon as they
    are written: it runs while the engine builds the edition."""

    lang: str
    bundle_dir: Path  # where the bundle is made, apart from the engine's output
    process: subprocess.Popen[bytes]
    log: IO[bytes]

    def wait(self) -> None:
        self.process.wait()
        self.log.seek(0)
        output = self.log.read().decode("utf-8", "replace")
        self.log.close()
        if self.process.returncode != 0:
            raise SearchIndexError(f"the search index of '{self.lang}' could not be built: "
                                   + (tool_failure(output, writing_to=self.bundle_dir) or f"Pagefind exited with {self.process.returncode}"))
        for name in UNUSED:
            (self.bundle_dir / name).unlink(missing_ok=True)

    def install(self, site_dir: Path) -> None:
        """Move the finished bundle into the edition the engine has built."""
        shutil.rmtree(site_dir / BUNDLE, ignore_errors=True)
        os.replace(self.bundle_dir, site_dir / BUNDLE)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait()
        if not self.log.closed:
            self.log.close()


def start_index(lang: str, pages_dir: Path, bundle_dir: Path) -> IndexRun:
    """Index the pages in `pages_dir` (one language: Pagefind is told which, so that every page
    is stemmed as that language whatever it declares) into `bundle_dir`."""
    shutil.rmtree(bundle_dir, ignore_errors=True)
    bundle_dir.parent.mkdir(parents=True, exist_ok=True)
    log = tempfile.TemporaryFile()
    command = [str(pagefind_executable()), "--site", str(pages_dir), "--output-path", str(bundle_dir),
               "--root-selector", ROOT_SELECTOR, "--exclude-selectors", EXCLUDED, "--force-language", lang, "--quiet"]
    try:
        process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                   pass_fds=held_lock())  # an indexer outliving a killed build keeps the next one waiting
    except OSError as error:
        log.close()
        raise SearchIndexError(f"the search indexer Pagefind could not start: {error.strerror or error}") from None
    return IndexRun(lang, bundle_dir, process, log)
