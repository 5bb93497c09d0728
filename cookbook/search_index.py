"""The web editions' search index: Pagefind, run on each edition the engine has built.

Pagefind stems every word (Snowball: fi, sv, en), so an inflected query finds the other forms,
and it splits the index into chunks that a browser fetches only as a query needs them, so a
page view costs nothing until someone searches. The search box and the finder load the bundle
(templates/site/assets/search.js); no engine plugin is involved, so every engine's site has
the same search. Pagefind does not work from file://: the offline copy keeps the engine's own
local index (site_engine.write_engine_config).
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from .build_lock import held_lock
from .errors import CookbookError, tool_failure

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
    """Pagefind indexing one edition; started as soon as the engine has built it, so that it
    runs while the engine builds the next edition."""

    lang: str
    site_dir: Path
    process: subprocess.Popen[bytes]
    log: IO[bytes]

    def wait(self) -> None:
        self.process.wait()
        self.log.seek(0)
        output = self.log.read().decode("utf-8", "replace")
        self.log.close()
        if self.process.returncode != 0:
            raise SearchIndexError(f"the search index of '{self.lang}' could not be built: "
                                   + (tool_failure(output, writing_to=self.site_dir) or f"Pagefind exited with {self.process.returncode}"))
        for name in UNUSED:
            (self.site_dir / BUNDLE / name).unlink(missing_ok=True)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait()
        if not self.log.closed:
            self.log.close()


def start_index(lang: str, site_dir: Path) -> IndexRun:
    """Index the edition in `site_dir` (one language: Pagefind is told which, so that every page
    is stemmed as that language whatever it declares) into `site_dir/pagefind/`."""
    shutil.rmtree(site_dir / BUNDLE, ignore_errors=True)
    log = tempfile.TemporaryFile()
    command = [str(pagefind_executable()), "--site", str(site_dir), "--output-subdir", BUNDLE,
               "--root-selector", ROOT_SELECTOR, "--exclude-selectors", EXCLUDED, "--force-language", lang, "--quiet"]
    try:
        process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                   pass_fds=held_lock())  # an indexer outliving a killed build keeps the next one waiting
    except OSError as error:
        log.close()
        raise SearchIndexError(f"the search indexer Pagefind could not start: {error.strerror or error}") from None
    return IndexRun(lang, site_dir, process, log)
