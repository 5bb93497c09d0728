"""The site engines: programs that build a site from our pages and a config that INHERITs
mkdocs.yml. `site_engine` in cookbook.yml names one; each is run as `python -m <engine>`.

Our pages are whole (cookbook/site/pages.py), so every engine renders the same content; what
differs is what an engine can do besides. Those gaps are listed here, said once per build
and in the README, never left silent.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

DEFAULT_ENGINE = "mkdocs"


@dataclass(frozen=True)
class Engine:
    name: str
    package: str  # the distribution that provides it, for its version
    limits: tuple[str, ...] = ()  # what it cannot do that the default engine does
    # Caches the engine keeps beside the config (build/): we cannot check their entries, so
    # each build starts them empty (a site edition is reused by our own checked key instead).
    caches: tuple[str, ...] = ()

    def command(self, action: str, config: Path) -> list[str]:
        return [sys.executable, "-m", self.name, action, "-f", str(config)]

    def version(self) -> str:
        try:
            return version(self.package)
        except PackageNotFoundError:
            return "unknown"


KNOWN = {
    "mkdocs": Engine("mkdocs", "mkdocs"),
    # The continuation of MkDocs 1.x: the same configuration, plugins and hooks.
    "properdocs": Engine("properdocs", "properdocs"),
    # Material's successor (0.0.x): reads mkdocs.yml, but runs no MkDocs hooks and has no
    # strict mode (its own `--help` says so).
    "zensical": Engine("zensical", "zensical", limits=(
        "it runs no MkDocs hooks: `build.py serve` shows the pages as they were when it started "
        "(start it again after editing a recipe)",
        "it has no strict mode: a warning does not fail the site build",
    ), caches=(".cache",)),
}


def engine_named(name: str | None) -> Engine:
    """A known engine, or any other module that builds a mkdocs.yml with `-m NAME build -f`."""
    name = name or DEFAULT_ENGINE
    return KNOWN.get(name) or Engine(name, name)


def limits_note(engine: Engine) -> str | None:
    """One line that says what the chosen engine cannot do, or None."""
    if not engine.limits:
        return None
    return f"note: the site engine {engine.name} builds the whole site, but " + "; ".join(engine.limits) + "."
