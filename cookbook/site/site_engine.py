"""The site engine: a generated config per language that INHERITs mkdocs.yml, and the engine run.

Nothing here depends on MkDocs internals: the engine is a command run on a config file, so
ProperDocs (or another engine that reads mkdocs.yml) can build the same pages.
"""

from __future__ import annotations

import hashlib
import json
import multiprocessing
import os
import shutil
import subprocess
import tempfile
import zipfile
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass
from importlib.metadata import version
from pathlib import Path
from typing import IO, Any, Iterator

import yaml

from ..build_lock import held_lock
from ..cache_entries import DamagedEntry, entry_name, read_entry, write_entry
from ..config import Project
from ..digests import code_version, file_digest, folder_digest
from ..errors import CookbookError, tool_failure, writing
from ..files import fresh_dir, link_tree, sync_tree, write_if_changed
from ..markdown_render import extension_settings, read_mkdocs_config
from ..model import Cookbook, date_epoch, edition_date
from ..progress import StageCounter
from ..source.schema_check import load_schema
from ..workers import prepare_worker
from .engines import Engine, engine_named
from .export import open_data
from .local_search import write_local_index
from .pages import docs_dir, navigation, render_pages
from .search_index import IndexRun, start_index
from .search_pages import search_pages

# Set while `build.py` runs the engine, so the serve hook does not generate the pages twice.
PAGES_READY_ENV = "COOKBOOK_PAGES_READY"
ZIP_EPOCH = (1980, 1, 1, 0, 0, 0)  # fixed entry dates keep the zip reproducible
OFFLINE_ZIP = "offline/keittokirja-offline.zip"
PRECOMPRESSED = frozenset({".pdf", ".png", ".jpg", ".jpeg", ".webp", ".woff2", ".zip", ".gz"})
# The search box's texts (templates/i18n: search_<name>), for the engine's header template.
SEARCH_LABELS = ("label", "placeholder", "open", "close", "results_one", "results_many", "none", "all", "failed")
SITE_LIBRARIES = ("mkdocs", "mkdocs-material", "Markdown", "pymdown-extensions", "pagefind_bin")


class SiteBuildError(CookbookError):
    """The site engine failed; the message carries its output."""


def variant(offline: bool, preview: bool = False) -> str:
    """The web site and the offline copy are separate builds (the offline plugin forces file URLs);
    the live preview (drafts included) has pages and config of its own, so that a build run
    while `serve` runs never picks up the preview's pages, nor the preview the build's."""
    return "preview" if preview else "offline" if offline else "web"


def search_pages_dir(project: Project, lang: str) -> Path:
    """The web edition's pages as Pagefind reads them (search_pages.py)."""
    return project.build_dir / "search" / "pages" / lang


def search_bundle_dir(project: Project, lang: str) -> Path:
    """Where Pagefind makes the web edition's bundle, until the engine's output is there to take it."""
    return project.build_dir / "search" / "bundle" / lang


def engine_config_path(project: Project, lang: str, offline: bool = False, preview: bool = False) -> Path:
    return project.build_dir / f"mkdocs-{variant(offline, preview)}.{lang}.yml"


def generate(project: Project, cookbook: Cookbook, lang: str, include_drafts: bool = False, offline: bool = False) -> Path:
    """Write one language's pages and engine config under build/. Unchanged files are left alone."""
    folder = docs_dir(project, lang, variant(offline, include_drafts))
    search = search_backend(offline, include_drafts)
    pages = render_pages(project, cookbook, lang, include_drafts, directory_urls=not offline, search=search)
    sync_tree(folder, pages)
    if search == "pagefind":
        sync_tree(search_pages_dir(project, lang), search_pages(pages, lang))
    write_engine_config(project, lang, navigation(project, cookbook, lang, include_drafts), offline, preview=include_drafts)
    return folder


def write_engine_config(project: Project, lang: str, nav: list[Any], offline: bool = False, preview: bool = False) -> Path:
    base = read_mkdocs_config(project.mkdocs_config_path)
    strings = project.language(lang).strings
    plugins = list(base.get("plugins") or [])
    if offline:
        plugins.append("offline")
    config = {
        "INHERIT": "../mkdocs.yml",
        "site_name": strings["site_name"],
        "site_description": strings["site_description"],
        "copyright": strings["copyright"],
        "docs_dir": f"docs/{variant(offline, preview)}/{lang}",
        "site_dir": f"engine-site/{variant(offline, preview)}/{lang}",
        "use_directory_urls": not offline,
        "theme": {"language": lang},
        "plugins": plugins,
        "markdown_extensions": engine_extensions(base),
        "nav": nav,
        "extra": {
            # Material's header shows the language switch (our partials/alternate.html) when
            # `alternate` is set; given a list, its base template would also link each edition's
            # home page as every page's hreflang counterpart, and its script would download every
            # edition's sitemap.xml on each page view (10 kB at 1000 recipes, parsed on the main
            # thread). A flag keeps the switch without either; the switch reads `editions`.
            "alternate": True,
            "editions": [
                # Each edition's root, relative to this edition's root (the `url` filter resolves it per page).
                # The offline copy names the file: opened from disk, a folder does not open its index.html.
                {"name": language.strings["name"], "lang": language.code,
                 "link": edition_root(project, language.code, lang, index_file=offline)}
                for language in project.languages
            ],
        },
    }
    if offline:
        # Material's offline plugin would load this polyfill from a CDN; we serve our own copy.
        config["extra"]["polyfills"] = ["assets/vendor/iframe-worker/shim.js"]
    if not preview:
        # Our search box in the header (templates/site/overrides/partials/alternate.html): the
        # edition's root, where its index is, and the finder, which lists all the results. The
        # live preview has none: its pages change under it, unindexed.
        labels = strings["labels"]
        config["extra"]["search"] = {
            "root": "./", "finder": "finder.html" if offline else "finder/", "index": search_backend(offline),
            **{key: labels[f"search_{key}"] for key in SEARCH_LABELS},
        }
    if project.settings.get("site_url") and not (offline or preview):
        # The published address: MkDocs writes the sitemap, canonical links and the 404 page's
        # links from it. The preview (drafts included) is served from the root of localhost.
        config["site_url"] = str(project.settings["site_url"]).rstrip("/") + "/" + ("" if lang == project.source_language.code else f"{lang}/")
    path = engine_config_path(project, lang, offline, preview)
    write_if_changed(path, "# Generated by cookbook.site.site_engine; edit mkdocs.yml instead.\n" + yaml.safe_dump(config, allow_unicode=True, sort_keys=False))
    return path


def search_backend(offline: bool, preview: bool = False) -> str | None:
    """Pagefind on the web (search_index.py); from file://, where Pagefind cannot load, a
    local index read with lunr (local_search.py)."""
    return None if preview else "local" if offline else "pagefind"


def engine_extensions(mkdocs_config: dict[str, Any]) -> list[Any]:
    """What the engine needs of mkdocs.yml's Markdown extensions: only `toc`, with its options.

    Our pages are Markdown headings and HTML blocks; the contributors' Markdown in them was
    rendered with every extension of mkdocs.yml already (cookbook.contributed_html). The others
    would cost the engine time on every page and find nothing to do."""
    names, configs = extension_settings(mkdocs_config)
    return [{"toc": configs.get("toc") or {}}, "cookbook.site.engine_markdown"]


def edition_root(project: Project, target: str, current: str, index_file: bool = False) -> str:
    source = project.source_language.code
    up = "" if current == source else "../"
    root = up + ("" if target == source else f"{target}/")
    return root + "index.html" if index_file else root or "./"


def engine_command(project: Project, action: str, lang: str, offline: bool = False, preview: bool = False) -> list[str]:
    return project_engine(project).command(action, engine_config_path(project, lang, offline, preview))


def project_engine(project: Project) -> Engine:
    return engine_named(project.settings.get("site_engine"))


def engine_environment(cookbook: Cookbook | None = None) -> dict[str, str]:
    """The engine's environment. With the cookbook, its edition date as SOURCE_DATE_EPOCH: the
    engines date the sitemap by it, and would take the day of the build without it."""
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", PAGES_READY_ENV: "1"}
    if cookbook is not None:
        env["SOURCE_DATE_EPOCH"] = date_epoch(edition_date(r for recipes in cookbook.recipes.values() for r in recipes))
    return env


@dataclass
class EngineRun:
    """One edition being built by the engine; its log goes to a file, not a pipe, so that a
    long log cannot stall it while the other editions are built."""

    lang: str
    process: subprocess.Popen[bytes]
    log: IO[bytes]
    site_dir: Path

    def wait(self) -> None:
        self.process.wait()
        if self.process.returncode != 0:
            self.log.seek(0)
            output = self.log.read().decode("utf-8", "replace").strip()
            found = tool_failure(output, writing_to=self.site_dir)
            raise SiteBuildError(f"the site engine failed for '{self.lang}'" + (f": {found}" if "\n" not in found else f":\n{found}"))

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait()
        self.log.close()


def start_engine(project: Project, cookbook: Cookbook, lang: str, offline: bool = False) -> EngineRun:
    """Start the engine on one language edition; editions build side by side, one process each."""
    log = tempfile.TemporaryFile()
    process = subprocess.Popen(
        # Not --quiet: MkDocs counts warnings for `strict` only when it logs them.
        engine_command(project, "build", lang, offline),
        cwd=project.root, env=engine_environment(cookbook), stdout=log, stderr=subprocess.STDOUT,
        pass_fds=held_lock(),  # an engine outliving a killed build keeps the next one waiting
    )
    return EngineRun(lang, process, log, engine_site_dir(project, lang, offline))


def engine_site_dir(project: Project, lang: str, offline: bool = False) -> Path:
    return project.build_dir / "engine-site" / variant(offline) / lang


def edition_key(project: Project, cookbook: Cookbook, lang: str, offline: bool = False) -> str:
    """A hash of everything an edition's engine run reads: its pages, its config and mkdocs.yml,
    the theme overrides and assets, the hook (this package's code), the engine and the versions
    of its libraries, and the edition date."""
    folder = docs_dir(project, lang, variant(offline))
    parts = [
        code_version(), folder_digest(folder),
        file_digest(engine_config_path(project, lang, offline)), file_digest(project.mkdocs_config_path),
        folder_digest(project.templates_dir / "site"), f"{project_engine(project).name}={project_engine(project).version()}",
        engine_environment(cookbook)["SOURCE_DATE_EPOCH"], *(f"{name}={version(name)}" for name in SITE_LIBRARIES),
    ]
    return hashlib.sha256("\0".join(parts).encode()).hexdigest()


def _key_path(project: Project, lang: str, offline: bool) -> Path:
    """Beside the edition's output: the key of the inputs it was built from, and what it holds."""
    built = engine_site_dir(project, lang, offline)
    return built.with_name(built.name + ".key")


def _reusable(project: Project, lang: str, offline: bool, key: str) -> bool:
    """Whether the edition's last output was built from `key` and is still as it was written.

    Its files are hard links into published sites, where a hand or a tool may change them; a
    changed or missing file would be published again with every reuse. So an output about to be
    reused is checked against the files, sizes and hashes stored with its key (an output built
    from other inputs is rebuilt anyway, unread)."""
    path = _key_path(project, lang, offline)
    built = engine_site_dir(project, lang, offline)

    def check(data: bytes) -> None:
        recorded = json.loads(data)
        if not isinstance(recorded, dict) or not {"key", "files"} <= recorded.keys():
            raise DamagedEntry("not a key with its list of files")
        if recorded["key"] == key:
            _check_output(built, recorded["files"])

    entry = read_entry(path, check, entry_name(project.root, path))
    return entry is not None and json.loads(entry[0])["key"] == key


def _output_manifest(built: Path) -> dict[str, list[Any]]:
    return {path.relative_to(built).as_posix(): [path.stat().st_size, file_digest(path)]
            for path in sorted(built.rglob("*")) if path.is_file()}


def _check_output(built: Path, manifest: dict[str, list[Any]]) -> None:
    found = _output_manifest(built) if built.is_dir() else {}
    if found != manifest:
        changed = sorted(name for name in found.keys() | manifest.keys() if found.get(name) != manifest.get(name))
        raise DamagedEntry(f"the output it vouches for has changed: {', '.join(changed[:3])}")


def _record_output(project: Project, lang: str, offline: bool, key: str) -> None:
    built = engine_site_dir(project, lang, offline)
    write_entry(_key_path(project, lang, offline), json.dumps({"key": key, "files": _output_manifest(built)}).encode())


@dataclass(frozen=True)
class EditionPlan:
    lang: str
    offline: bool
    key: str
    reusable: bool  # its last build was made from the same inputs


def prepare_edition(project: Project, cookbook: Cookbook, lang: str, offline: bool, reuse: bool) -> EditionPlan:
    """Write the edition's pages, and clear the way for its engine run unless its last output
    can be reused. The old output is removed here, not by the engine: files in it may be hard
    links from a published site (link_tree), which an engine writing in place would change."""
    generate(project, cookbook, lang, offline=offline)
    key = edition_key(project, cookbook, lang, offline)
    reusable = reuse and _reusable(project, lang, offline, key)
    if not reusable:
        _key_path(project, lang, offline).unlink(missing_ok=True)  # written again once the run succeeds
        shutil.rmtree(engine_site_dir(project, lang, offline), ignore_errors=True)
    return EditionPlan(lang, offline, key, reusable)


def prepared_editions(project: Project, cookbook: Cookbook, editions: list[tuple[str, bool]], reuse: bool,
                      workers: int) -> Iterator[EditionPlan]:
    """Each edition prepared, as soon as it is, on up to `workers` cores: the first engines
    start while the pages of the others are still being written."""
    if workers <= 1 or len(editions) <= 1:
        for lang, offline in editions:
            yield prepare_edition(project, cookbook, lang, offline, reuse)
        return
    context = multiprocessing.get_context("fork")  # the helpers inherit the checked cookbook
    with ProcessPoolExecutor(min(workers, len(editions)), mp_context=context, initializer=prepare_worker) as pool:
        futures = [pool.submit(prepare_edition, project, cookbook, lang, offline, reuse) for lang, offline in editions]
        for future in as_completed(futures):
            yield future.result()


def site_extras(project: Project, cookbook: Cookbook) -> dict[str, str]:
    """What every site carries besides the engine's pages: the schema and the open data."""
    return {"schema/recipe.schema.json": schema_json(project, cookbook), **open_data(cookbook)}


def build_sites(project: Project, cookbook: Cookbook, targets: list[tuple[Path, bool]],
                counter: StageCounter | None = None, reuse: bool = True, workers: int = 1) -> None:
    """Each (out_dir, offline) site, every language edition in it: the source language at the
    root, others in /<lang>/. The editions are built in parallel, one engine process each.

    An edition whose inputs are what its last build was made from (`edition_key`) is not built
    again: after one Finnish recipe is edited, the English editions are reused as they are."""
    editions = [(language.code, offline) for _, offline in targets for language in project.languages]
    for cache in project_engine(project).caches:
        shutil.rmtree(project.build_dir / cache, ignore_errors=True)
    runs: list[tuple[EngineRun, IndexRun | None, EditionPlan]] = []
    if counter is not None:
        counter.add_total(len(editions))

    try:
        for plan in prepared_editions(project, cookbook, editions, reuse, workers):
            if plan.reusable:
                if counter is not None:
                    counter.advance(cached=True)
                continue
            # The web edition's search index is made from its search pages while the engine runs.
            index = None if plan.offline else start_index(plan.lang, search_pages_dir(project, plan.lang),
                                                          search_bundle_dir(project, plan.lang))
            try:
                runs.append((start_engine(project, cookbook, plan.lang, plan.offline), index, plan))
            except BaseException:
                if index is not None:
                    index.stop()
                raise
        extras = site_extras(project, cookbook)  # made while the engines run
        for run, index, plan in runs:
            run.wait()
            built = engine_site_dir(project, plan.lang, plan.offline)
            if plan.lang != project.source_language.code or plan.offline:
                # A server answers every missing page with the root's 404.html; this one, written
                # for the root, would carry broken links. The offline copy, opened from disk, has
                # no server to show one, and its links (from the published address) lead nowhere.
                (built / "404.html").unlink(missing_ok=True)
            if index is None:
                write_local_index(built, plan.lang)
            else:
                index.wait()
                index.install(built)
            _record_output(project, plan.lang, plan.offline, plan.key)
            if counter is not None:
                counter.advance()
    finally:
        for run, index, _ in runs:
            run.stop()
            if index is not None:
                index.stop()
    for out_dir, offline in targets:
        fresh_dir(out_dir)
        for index, language in enumerate(project.languages):
            link_tree(engine_site_dir(project, language.code, offline), out_dir if index == 0 else out_dir / language.code)
        for relative, text in extras.items():
            write_if_changed(out_dir / relative, text)


def build_site(project: Project, cookbook: Cookbook, out_dir: Path, offline: bool = False,
               counter: StageCounter | None = None, reuse: bool = True, workers: int = 1) -> None:
    build_sites(project, cookbook, [(out_dir, offline)], counter, reuse, workers)


def offline_site_dir(project: Project) -> Path:
    return project.build_dir / "offline-site"


def build_offline_zip(project: Project, downloads: Path, target: Path) -> Path:
    """The offline site (built by build_sites into offline_site_dir) with the PDFs, as a zip that
    works opened from disk (for workshop rooms without a network). Byte-identical for the same input."""
    folder = offline_site_dir(project)
    if downloads.is_dir():
        link_tree(downloads, folder / "downloads")
    target.parent.mkdir(parents=True, exist_ok=True)
    with writing(target), zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        for path in sorted(p for p in folder.rglob("*") if p.is_file()):
            info = zipfile.ZipInfo(f"keittokirja/{path.relative_to(folder).as_posix()}", date_time=ZIP_EPOCH)
            # PDFs, images and fonts are compressed already: deflating them again costs time, saves nothing.
            info.compress_type = zipfile.ZIP_STORED if path.suffix in PRECOMPRESSED else zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            archive.writestr(info, path.read_bytes())
    return target


def schema_json(project: Project, cookbook: Cookbook) -> str:
    """The recipe schema as contributors' editors can use it: with the vocabularies filled in."""
    return json.dumps(load_schema(project.schema_path, cookbook.taxonomy), ensure_ascii=False, indent=2) + "\n"
