"""`make bench`: time and memory of each build stage on synthetic cookbooks, beside two references.

For each size N (default 100 and 1000 recipes, both languages) a fresh synthetic project is
generated (bench/synthetic.py) and every stage runs as its own `build.py --project … --quiet`
process, timed with perf_counter, its peak memory read from os.wait4's ru_maxrss (which
covers the process and every descendant it reaped: the PDF and check workers, the MkDocs
runs), both taken by the small launcher bench/spawn.py. The references run the same way on the same files: the floor (bench/floor.py: read,
YAML, Markdown, nothing else) and plain MkDocs + Material with its default navigation on the
pages our site stage generated. The tables, the ratios and the targets go to bench/RESULTS.md,
the measurements also to bench/RESULTS.json, from which `--only STAGE …` re-measures some
stages and keeps the rest. The "micro" stage (bench/micro.py) times work inside one process
beside a reference of the same run: the check of hostile recipe files, page numbering.

    python bench/run.py [--sizes 100 1000] [--output bench/RESULTS.md] [--workdir build/bench]
                        [--only STAGE ...] [--repeat 3] [--no-shipped]
"""

from __future__ import annotations

import argparse
import datetime
import hashlib
import importlib.metadata
import json
import os
import platform
import re
import shutil
import subprocess
import sys
import tempfile
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Callable, Iterator

import yaml
from pypdf import PdfReader

sys.path.insert(0, str(Path(__file__).resolve().parent))
from floor import markdown_extensions  # noqa: E402
from synthetic import copy_shipped, generate  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
VENV_PYTHON = ROOT / ".venv" / "bin" / "python"
PYTHON = str(VENV_PYTHON if VENV_PYTHON.exists() else Path(sys.executable))
ENV = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
PACKAGES = ("mkdocs", "mkdocs-material", "weasyprint", "pypdf", "markdown", "pymdown-extensions")
WARM_EDIT = " Tämä lause lisättiin, jotta mittaus näkisi yhden reseptin muutoksen."


# ---- Measuring one command ------------------------------------------------------------------------

@dataclass
class Row:
    """One line of a table: a stage's wall time, peak memory and what else it tells."""
    stage: str
    wall: float | None = None
    peak_mb: float | None = None
    notes: str = ""
    ok: bool = True


def measure(stage: str, command: list[str]) -> Row:
    """Run a command; its wall time and the largest resident set in its process tree.

    bench/spawn.py starts it and reads os.wait4's rusage: started from this (larger) process,
    the command's ru_maxrss would include our own high-water mark (see spawn.py)."""
    with tempfile.TemporaryDirectory() as temp:
        output_path, result_path = Path(temp) / "output", Path(temp) / "result.json"
        with output_path.open("wb") as output:  # a file, not a pipe: nothing can block on it
            subprocess.run([PYTHON, "-I", "-S", str(ROOT / "bench" / "spawn.py"), str(result_path), *command],
                           cwd=ROOT, env=ENV, stdout=output, stderr=subprocess.STDOUT, check=True)
        result = json.loads(result_path.read_text(encoding="utf-8"))
        text = output_path.read_text(encoding="utf-8", errors="replace")
    row = Row(stage, result["wall"], result["maxrss_kib"] / 1024)  # ru_maxrss is in KiB on Linux
    if result["exit"] != 0:
        lines = text.strip().splitlines() or [""]
        cause = next((line for line in lines if line.startswith("error")), lines[-1])
        row.ok, row.notes = False, f"FAILED (exit {result['exit']}): {cause[:200]}"
    return row


def combine(stage: str, rows: list[Row]) -> Row:
    """Commands run one after another: their times add up, the peak is the largest."""
    failed = [row.notes for row in rows if not row.ok]
    return Row(stage, sum(row.wall or 0 for row in rows), max((row.peak_mb or 0 for row in rows), default=None),
               "; ".join(failed), not failed)


def build(project: Path, stage: str, *args: str) -> Row:
    return measure(stage, [PYTHON, str(ROOT / "build.py"), "--project", str(project), "--quiet", *args])


def best_of(repeat: int, run: Callable[[], Row]) -> Row:
    """The fastest of `repeat` runs (others on the machine only ever slow a run down, as timeit
    reasons); the largest peak. For the stages of seconds, where a hiccup weighs most."""
    rows = [run() for _ in range(max(1, repeat))]
    failed = [row for row in rows if not row.ok]
    if failed:
        return failed[0]
    best = min(rows, key=lambda row: row.wall or 0)
    best.peak_mb = max(row.peak_mb or 0 for row in rows)
    if len(rows) > 1:
        best.notes = (best.notes + "; " if best.notes else "") + f"best of {len(rows)}: " + ", ".join(f"{row.wall:.2f}" for row in rows)
    return best


# ---- The stages on one size -------------------------------------------------------------------------

@dataclass
class SizeResult:
    count: int
    rows: dict[str, Row] = field(default_factory=dict)
    values: dict[str, float] = field(default_factory=dict)  # pages, handouts … for the ratios
    on_add: Callable[[], None] | None = None  # called after each stage (the report is rewritten)

    def add(self, key: str, row: Row) -> Row:
        self.rows[key] = row
        print(table_line(row), flush=True)
        if self.on_add is not None:
            self.on_add()
        return row

    def wall(self, key: str) -> float | None:
        row = self.rows.get(key)
        return row.wall if row and row.ok else None


def languages(project: Path) -> list[str]:
    return yaml.safe_load((project / "cookbook.yml").read_text(encoding="utf-8"))["languages"]


ONE_PROCESS_BOOK_SIZE = 100  # where the book is also rendered by one process, for reference
STAGES = ("floor", "check", "site", "engines", "material", "search", "book", "handouts", "full")  # full: the cold and warm builds
ENGINES = ("mkdocs", "properdocs", "zensical")  # cookbook.yml's site_engine, each timed by the "engines" stage


def bench_size(count: int, workdir: Path, result: SizeResult, stages: tuple[str, ...] = STAGES, repeat: int = 3) -> SizeResult:
    project = generate(workdir / str(count), count)
    langs = languages(project)
    print(f"\n## {count} recipes × {len(langs)} languages ({project})\n\n{TABLE_HEAD}", flush=True)
    if "floor" in stages:
        result.add("floor", best_of(repeat, lambda: measure("floor: read + YAML (C) + Markdown",
                                                            [PYTHON, str(ROOT / "bench" / "floor.py"), str(project)])))
    if "check" in stages:
        result.add("check", best_of(repeat, lambda: build(project, "check", "check")))
    if "site" in stages or "material" in stages:
        # --no-cache: each of the runs builds every edition (the second would reuse the first's).
        site = best_of(repeat if "site" in stages else 1,
                       lambda: build(project, "site: pages + site, both languages", "--no-cache", "site"))
        if "site" in stages:
            result.add("site", site)
        if "material" in stages:  # the reference builds the pages our site stage left in build/docs/
            result.add("material", material_default(project, langs) if site.ok else Row("Material default", ok=False, notes="skipped: no pages"))
    if "search" in stages:
        bench_search(project, result)
    if "engines" in stages:
        # The same site by each engine that can build our pages, side by side (one run each).
        for engine in ENGINES:
            with site_engine(project, engine):
                result.add(f"site_{engine}", build(project, f"site with {engine}", "--no-cache", "site"))
    if "book" in stages:
        # The reference for the parallel book: the 100-recipe book by one process, uncached. Its
        # pages/s is the machine's speed at that moment, which drifts by a third within an hour:
        # a larger book is bracketed by a reference measured just before it and just after.
        reference = project if count == ONE_PROCESS_BOOK_SIZE else generate(workdir / "reference", ONE_PROCESS_BOOK_SIZE)
        references = [] if count == ONE_PROCESS_BOOK_SIZE else [one_process_book(reference, langs, result, "before")]
        book = build(project, "A4 book, both languages", "pdf", "--only", "book")
        if book.ok:
            pages = book_pages_by_lang(project, langs)
            result.values["book_pages"] = total = sum(pages.values())
            book.notes = ", ".join(f"{lang} {n} pages" for lang, n in pages.items()) + f"; {total / book.wall:.1f} pages/s"
        result.add("book", book)
        references.append(one_process_book(reference, langs, result, "after" if references else ""))
        speeds = [speed for speed in references if speed]
        if speeds and len(speeds) == len(references):
            result.values["reference_pages_s"] = sum(speeds) / len(speeds)
    if "handouts" in stages:
        handouts = build(project, "all handouts", "pdf", "--only", "handouts")
        if handouts.ok:
            result.values["handouts"] = made = count_handouts(project, langs)
            handouts.notes = f"{made} handouts; {made / handouts.wall:.1f}/s; {100 * handouts.wall / made:.1f} s per 100" if made else "no handouts found"
        result.add("handouts", handouts)
    return cold_and_warm(project, result) if "full" in stages else result


def book_pages_by_lang(project: Path, langs: list[str]) -> dict[str, int]:
    return {lang: PdfReader(project / "site" / "downloads" / book_name(project, lang)).get_num_pages() for lang in langs}


def one_process_book(project: Path, langs: list[str], result: SizeResult, when: str) -> float | None:
    """The reference: `project`'s A4 books by one process, uncached (a parallel run may just
    have filled the cache); its pages/s."""
    key, label = ("book_one_process", "") if not when else (f"book_one_process_{when}", f", {when} this size's book")
    alone = build(project, f"A4 book, both languages, in one process (reference, {ONE_PROCESS_BOOK_SIZE} recipes{label})",
                  "--jobs", "1", "--no-cache", "pdf", "--only", "book")
    speed = sum(book_pages_by_lang(project, langs).values()) / alone.wall if alone.ok and alone.wall else None
    if speed:
        alone.notes = f"{speed:.1f} pages/s"
    result.add(key, alone)
    return speed


SEARCH_TIMED, SEARCH_COUNTED = "mittari", "mittareita"  # a form both searches find; an inflected one


def bench_search(project: Path, result: SizeResult) -> None:
    """Our search (Pagefind, read by our box) and Material's default (lunr) on the same recipe
    page, each in chromium with the CPU slowed 4 × (bench/search_speed.py). Needs the site and
    Material-default stages' output."""
    recipe = sorted(p.name for p in (project / "recipes").iterdir() if p.is_dir())[0]
    sites = {"ours": (project / "site", "Pagefind, our search box"),
             "material": (project / "material-default" / "site" / "fi", "Material's default search (lunr)")}
    for kind, (folder, label) in sites.items():
        stage = f"search: {label}, to first results, CPU 4× slower"
        if not (folder / "recipes" / recipe).is_dir():
            result.add(f"search_{kind}", Row(stage, ok=False, notes="not measured: run the site and material stages"))
            continue
        done = subprocess.run([PYTHON, str(ROOT / "bench" / "search_speed.py"), str(folder), f"recipes/{recipe}/", kind,
                               SEARCH_TIMED, SEARCH_COUNTED], cwd=ROOT, env=ENV, capture_output=True, text=True)
        if done.returncode != 0:
            result.add(f"search_{kind}", Row(stage, ok=False, notes="failed: " + (done.stderr.strip().splitlines() or ["?"])[-1][:200]))
            continue
        found = json.loads(done.stdout.strip().splitlines()[-1])
        result.values[f"search_{kind}_kb"] = found["bytes"] / 1000
        result.add(f"search_{kind}", Row(stage, wall=found["seconds"], notes=(
            f"'{SEARCH_TIMED}': {found['bytes'] / 1000:.0f} kB in {found['requests']} requests from opening the page; "
            f"'{SEARCH_COUNTED}' finds {found['results']}")))


@contextmanager
def site_engine(project: Path, engine: str) -> Iterator[None]:
    """The project's cookbook.yml with another site_engine, put back afterwards."""
    settings = project / "cookbook.yml"
    original = settings.read_text(encoding="utf-8")
    settings.write_text(re.sub(r"(?m)^site_engine:\s*\S+", f"site_engine: {engine}", original), encoding="utf-8")
    try:
        yield
    finally:
        settings.write_text(original, encoding="utf-8")


def bench_shipped(workdir: Path, result: SizeResult) -> SizeResult:
    """The cookbook this repository ships (a copy): a cold full build, then a warm one."""
    project = copy_shipped(workdir / "shipped")
    result.count = len(list((project / "recipes").glob("*/fi.md")))
    print(f"\n## The shipped cookbook: {result.count} recipes ({project})\n\n{TABLE_HEAD}", flush=True)
    return cold_and_warm(project, result)


def cold_and_warm(project: Path, result: SizeResult) -> SizeResult:
    """`python build.py` from nothing, then again after one recipe is edited."""
    for folder in ("build", "site"):  # cold: no pages, no PDF cache, nothing to reuse
        shutil.rmtree(project / folder, ignore_errors=True)
    code = code_hash()
    result.add("cold", build(project, "cold full build (check, site, all PDFs)"))
    edited = edit_one_recipe(project)
    warm = build(project, "warm rebuild after editing one recipe")
    warm.notes = warm.notes or f"edited {edited.relative_to(project)}"
    if code_hash() != code:  # the PDF cache's key holds the code: an edit to it empties the cache
        warm.notes += "; WARNING: cookbook/ changed between the cold and warm builds, so nothing could be reused"
    result.add("warm", warm)
    return result


def book_name(project: Path, lang: str) -> str:
    strings = yaml.safe_load((project / "templates" / "i18n" / f"{lang}.yml").read_text(encoding="utf-8"))
    return strings["pdf"]["book"]


def count_handouts(project: Path, langs: list[str]) -> int:
    """Handouts are site/downloads/<recipe id>-<lang>.pdf."""
    downloads = project / "site" / "downloads"
    ids = [p.name for p in (project / "recipes").iterdir() if p.is_dir()]
    return sum((downloads / f"{recipe_id}-{lang}.pdf").is_file() for recipe_id in ids for lang in langs)


def code_hash() -> str:
    """The generator's source, to notice a change to it during the run."""
    digest = hashlib.sha256()
    for path in sorted((ROOT / "cookbook").rglob("*")):
        if path.is_file() and path.suffix in (".py", ".json"):
            digest.update(path.as_posix().encode() + path.read_bytes())
    return digest.hexdigest()


def edit_one_recipe(project: Path) -> Path:
    """Append a sentence to the first recipe's ## Miksi: a real change that stays valid."""
    path = sorted((project / "recipes").glob("*/fi.md"))[0]
    text = path.read_text(encoding="utf-8")
    changed = text.replace("\n\n## Vaiheet", WARM_EDIT + "\n\n## Vaiheet", 1)
    assert changed != text, f"{path}: no '## Vaiheet' section to edit before"
    path.write_text(changed, encoding="utf-8")
    return path


def material_default(project: Path, langs: list[str]) -> Row:
    """Plain MkDocs + Material on our generated pages: no INHERIT, no nav (Material lists every
    page), no overrides; the same Markdown extensions. Languages one after another, as MkDocs would."""
    names, options = markdown_extensions(project / "mkdocs.yml")
    extensions = [{name: options[name]} if name in options else name for name in names]
    runs = []
    for lang in langs:
        config = {
            "site_name": f"Material default ({lang})",
            "docs_dir": str(project / "build" / "docs" / "web" / lang),
            "site_dir": str(project / "material-default" / "site" / lang),
            "theme": {"name": "material", "font": False},
            "plugins": ["search", "tags"],
            "markdown_extensions": extensions,
        }
        path = project / "material-default" / f"mkdocs.{lang}.yml"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(yaml.safe_dump(config, allow_unicode=True, sort_keys=False), encoding="utf-8")
        runs.append(measure(lang, [PYTHON, "-m", "mkdocs", "build", "-q", "-f", str(path)]))
    return combine("Material default layout, both languages", runs)


# ---- Ratios and targets --------------------------------------------------------------------------

def ratio(a: float | None, b: float | None) -> float | None:
    return a / b if a is not None and b else None


def ratios(result: SizeResult) -> dict[str, float | None]:
    book, handouts = result.wall("book"), result.wall("handouts")
    return {
        "site / floor": ratio(result.wall("site"), result.wall("floor")),
        "Material default / site": ratio(result.wall("material"), result.wall("site")),
        "A4 book pages/s": ratio(result.values.get("book_pages"), book),
        "A4 book pages/s ÷ the one-process reference's": ratio(ratio(result.values.get("book_pages"), book),
                                                               result.values.get("reference_pages_s")),
        "handouts per second": ratio(result.values.get("handouts"), handouts),
        "handouts: s per 100": ratio(100 * handouts, result.values.get("handouts")) if handouts else None,
        "warm / cold": ratio(result.wall("warm"), result.wall("cold")),
        **{f"site with {engine} / floor": ratio(result.wall(f"site_{engine}"), result.wall("floor")) for engine in ENGINES},
    }


@dataclass(frozen=True)
class Target:
    text: str
    value: Callable[[SizeResult, "Bench"], float | None]
    limit: float
    at_most: bool  # met when value ≤ limit (else when value ≥ limit)
    unit: str = ""


@dataclass
class Bench:
    """Everything one run measured: the synthetic sizes, the shipped cookbook, and the timings
    inside one process (bench/micro.py), each beside its reference."""
    sizes: dict[int, SizeResult] = field(default_factory=dict)
    shipped: SizeResult | None = None
    micro: dict[str, dict] = field(default_factory=dict)


def micro_ratio(bench: Bench, kind: str) -> float | None:
    """The slowest measured time of a bench/micro.py kind over its reference."""
    result = bench.micro.get(kind)
    return ratio(max(result["measured"].values()), result["reference"]) if result else None


def bench_micro(bench: Bench) -> None:
    for kind in MICRO_KINDS:
        output = subprocess.run([PYTHON, str(ROOT / "bench" / "micro.py"), kind], cwd=ROOT, env=ENV,
                                capture_output=True, text=True, check=True).stdout
        bench.micro[kind] = json.loads(output.strip().splitlines()[-1])
        print(f"{kind}: {fmt(micro_ratio(bench, kind))} × its reference", flush=True)


def scaling(results: dict[int, SizeResult]) -> float | None:
    return ratio(results[1000].wall("site"), results[100].wall("site")) if {100, 1000} <= results.keys() else None


TARGETS = (
    Target("check ≤ 1.5 s", lambda r, _: r.wall("check"), 1.5, True, " s"),
    Target("whole site ≤ 2.5 × the floor", lambda r, _: ratios(r)["site / floor"], 2.5, True, " ×"),
    Target("whole site ≥ 4 × faster than Material's default layout", lambda r, _: ratios(r)["Material default / site"], 4, False, " ×"),
    Target("site time(1000) / time(100) ≤ 12", lambda _, b: scaling(b.sizes), 12, True, " ×"),
    Target("search: ≤ 300 kB from opening a recipe page to the first results",
           lambda r, _: r.values.get("search_ours_kb"), 300, True, " kB"),
    Target("search: first results ≤ 1.5 s with the CPU slowed 4 ×", lambda r, _: r.wall("search_ours"), 1.5, True, " s"),
    Target("A4 book ≥ 25 pages/s", lambda r, _: ratios(r)["A4 book pages/s"], 25, False, " pages/s"),
    Target("peak memory of the book build ≤ 500 MB", lambda r, _: r.rows["book"].peak_mb if "book" in r.rows and r.rows["book"].ok else None, 500, True, " MB"),
    Target("100 handouts ≤ 15 s", lambda r, _: ratios(r)["handouts: s per 100"], 15, True, " s"),
    Target("warm rebuild of the shipped cookbook ≤ 25 % of its cold build",
           lambda _, b: ratios(b.shipped)["warm / cold"] if b.shipped else None, 0.25, True, ""),
    Target("each hostile recipe file checked in ≤ 50 × a good recipe's check",
           lambda _, b: micro_ratio(b, "hostile"), 50, True, " ×"),
    Target("page numbers on 2,000 pages in ≤ the time of writing those pages",
           lambda _, b: micro_ratio(b, "folio"), 1, True, " ×"),
)
MICRO_KINDS = ("hostile", "folio")


def target_lines(bench: Bench) -> list[str]:
    results = bench.sizes
    size = 1000 if 1000 in results or not results else max(results)
    lines = [f"Measured at N = {size}" + ("" if size == 1000 else " (the targets are set for 1000: this run did not measure it)") + ".", "",
             "| target | measured | result |", "|---|---:|---|"]
    for target in TARGETS:
        value = target.value(results.get(size) or SizeResult(size), bench)
        if value is None:
            verdict, shown = "not measured", "n/a"
        else:
            met = value <= target.limit if target.at_most else value >= target.limit
            verdict, shown = ("met" if met else "NOT met"), f"{value:.2f}{target.unit}"
        lines.append(f"| {target.text} | {shown} | {verdict} |")
    return lines


# ---- Output -----------------------------------------------------------------------------------------

TABLE_HEAD = "| stage | wall s | peak MB | notes |\n|---|---:|---:|---|"


def table_line(row: Row) -> str:
    wall = f"{row.wall:.2f}" if row.wall is not None else "–"
    peak = f"{row.peak_mb:.0f}" if row.peak_mb is not None else "–"
    return f"| {row.stage} | {wall} | {peak} | {row.notes} |"


def machine() -> list[str]:
    cpuinfo = Path("/proc/cpuinfo").read_text().splitlines()
    model = next((line.split(":", 1)[1].strip() for line in cpuinfo if line.startswith("model name")), platform.processor())
    meminfo = Path("/proc/meminfo").read_text().splitlines()
    mem_kib = next(int(line.split()[1]) for line in meminfo if line.startswith("MemTotal"))
    versions = ", ".join(f"{name} {importlib.metadata.version(name)}" for name in PACKAGES)
    return [
        f"- CPU: {model}; {os.cpu_count()} logical CPUs ({len(os.sched_getaffinity(0))} usable by this process)",
        f"- memory: {mem_kib / 2**20:.1f} GiB",
        f"- system: {platform.platform()}",
        f"- Python {platform.python_version()}; {versions}",
    ]


def report(bench: Bench, workdir: Path) -> str:
    results = bench.sizes
    project = "<project>"
    shown = workdir.relative_to(ROOT) if workdir.is_relative_to(ROOT) else workdir
    lines = ["# Benchmark results", "",
             f"Written by `make bench` (bench/run.py) on {datetime.datetime.now(datetime.timezone.utc):%Y-%m-%d %H:%M} UTC.", "",
             "## Machine", "", *machine(), "",
             "## What runs", "",
             "Each size is a synthetic cookbook made by bench/synthetic.py (seed 1; 600–850 words of body per "
             "file, valid against the schema). Every stage is a separate process; wall time is perf_counter "
             "around it, peak MB (2^20 bytes) is ru_maxrss from os.wait4: the largest process in its tree. Both "
             "are taken by the small launcher bench/spawn.py, so the benchmark's own memory does not count "
             "(a reading cannot go below the launcher's ~10 MB). The floor, check and site stages, a matter of "
             "seconds, run three times and keep the fastest (the machine's speed varies, and others on it only ever "
             "slow a run down); the times of all three are in the notes. "
             f"`python` is `.venv/bin/python`, run in the repository; `<project>` is `{shown}/<N>`.", "",
             f"- floor: `python bench/floor.py {project}` (read, YAML with CSafeLoader, python-markdown with mkdocs.yml's extensions)",
             f"- check: `python build.py --project {project} --quiet check`",
             f"- site: `python build.py --project {project} --quiet --no-cache site` (each run builds every edition)",
             f"- engines: the same, once with each `site_engine` ({', '.join(ENGINES)}) set in the project's cookbook.yml",
             f"- Material default: `python -m mkdocs build -q -f {project}/material-default/mkdocs.<lang>.yml` per language, "
             "one after the other (Material theme, font: false, search + tags, same extensions, no nav, no INHERIT)",
             "- search: `python bench/search_speed.py <site> recipes/<first>/ ours|material mittari mittareita`: chromium "
             "with the CPU slowed 4 ×, the first recipe page of the Finnish edition opened from a local server, "
             f"'{SEARCH_TIMED}' typed into the search box at once; the bytes the server sent from opening the page to the first "
             "result on screen (a web worker's downloads included; text gzipped, as a static host sends it), and the time from the first keystroke; "
             f"then how many pages the box says '{SEARCH_COUNTED}' finds. Ours on the site stage's output, Material's default "
             "search on the Material-default stage's",
             f"- A4 book: `python build.py --project {project} --quiet pdf --only book` (pages counted with pypdf); "
             f"the reference: the {ONE_PROCESS_BOOK_SIZE}-recipe book with `--jobs 1 --no-cache`, by one process, a gauge of the "
             "machine's speed at that moment (this machine's has varied by a third within an hour): at "
             f"N = {ONE_PROCESS_BOOK_SIZE} just after the parallel book, at larger N just before and just after it "
             "(`<workdir>/reference`), their mean pages/s the reference's",
             f"- handouts: `python build.py --project {project} --quiet pdf --only handouts`",
             f"- cold full build: `python build.py --project {project} --quiet` after deleting build/ and site/",
             "- warm rebuild: the same command again after appending a sentence to one recipe's `## Miksi`",
             f"- the shipped cookbook: a copy of this repository's recipes, content and templates in `{shown}/shipped`, "
             "built cold and warm as above", ""]
    for count, result in results.items():
        lines += [f"## {count} recipes", "", TABLE_HEAD, *(table_line(row) for row in result.rows.values()), ""]
    if bench.shipped is not None:
        shipped = bench.shipped
        lines += [f"## The shipped cookbook ({shipped.count} recipes)", "", TABLE_HEAD,
                  *(table_line(row) for row in shipped.rows.values()), "",
                  f"Warm / cold: {fmt(ratios(shipped)['warm / cold'])}", ""]
    if bench.micro:
        lines += ["## Inside one process (bench/micro.py)", "", "| measured | s | reference s | × reference |", "|---|---:|---:|---:|"]
        for kind, result in bench.micro.items():
            lines += [f"| {kind}: {name} | {value:.3f} | {result['reference']:.3f} | {value / result['reference']:.1f} |"
                      for name, value in result["measured"].items()]
        lines += ["", *(f"- {kind}: {result['notes']}." for kind, result in bench.micro.items()), ""]
    lines += ["## Ratios", "", "| ratio | " + " | ".join(f"N = {n}" for n in results) + " |",
              "|---|" + "---:|" * len(results)]
    per_size = {n: ratios(r) for n, r in results.items()}
    for name in next(iter(per_size.values()), {}):
        lines.append(f"| {name} | " + " | ".join(fmt(per_size[n][name]) for n in results) + " |")
    lines += ["", f"Site time(1000) / time(100): {fmt(scaling(results))}", "", "## Targets", "", *target_lines(bench), ""]
    return "\n".join(lines)


def fmt(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.2f}"


def saved(bench: Bench) -> str:
    """The measurements as JSON, beside the report: `--only` re-measures some stages into them."""
    def size(result: SizeResult) -> dict:
        return {"count": result.count, "rows": {key: asdict(row) for key, row in result.rows.items()}, "values": result.values}
    return json.dumps({"sizes": {str(n): size(r) for n, r in bench.sizes.items()},
                       "shipped": size(bench.shipped) if bench.shipped else None, "micro": bench.micro},
                      indent=1, ensure_ascii=False)


def load(text: str, on_add: Callable[[], None]) -> Bench:
    def size(data: dict) -> SizeResult:
        return SizeResult(data["count"], {key: Row(**row) for key, row in data["rows"].items()}, data["values"], on_add)
    data = json.loads(text)
    return Bench({int(n): size(r) for n, r in data["sizes"].items()}, size(data["shipped"]) if data["shipped"] else None,
                 data.get("micro") or {})


def main() -> None:
    parser = argparse.ArgumentParser(description="Benchmark the cookbook build on synthetic cookbooks.")
    parser.add_argument("--sizes", type=int, nargs="+", default=[100, 1000], help="recipe counts (default: 100 1000)")
    parser.add_argument("--output", type=Path, default=ROOT / "bench" / "RESULTS.md", help="where to write the report")
    parser.add_argument("--workdir", type=Path, default=ROOT / "build" / "bench", help="where the synthetic projects go")
    parser.add_argument("--no-shipped", action="store_true", help="skip the cold and warm builds of the shipped cookbook")
    parser.add_argument("--only", nargs="+", choices=[*STAGES, "shipped", "micro"],
                        help="measure only these stages again; the others keep the values of the last run (from the .json beside the report)")
    parser.add_argument("--repeat", type=int, default=3, help="runs of the floor, check and site stages, the fastest kept (default 3)")
    args = parser.parse_args()
    store = args.output.with_suffix(".json")

    def save() -> None:
        # After every stage: a run cut short (the 1000-recipe size takes the better part of an
        # hour) still leaves what it measured.
        args.output.write_text(report(bench, args.workdir.resolve()), encoding="utf-8")
        store.write_text(saved(bench) + "\n", encoding="utf-8")

    stages = tuple(args.only or (*STAGES, "shipped", "micro"))
    if {"check", "site", "engines"} & set(stages) and "floor" not in stages:
        # Their ratios are to the floor, which must be measured in the same run: the machine's
        # speed varies by a third from hour to hour.
        stages = ("floor", *stages)
    bench = load(store.read_text(encoding="utf-8"), save) if args.only and store.is_file() else Bench()
    results = bench.sizes
    if "micro" in stages:
        bench_micro(bench)
    if "shipped" in stages and not args.no_shipped:
        bench.shipped = bench_shipped(args.workdir.resolve(), bench.shipped or SizeResult(0, on_add=save))
    for count in args.sizes:
        if set(stages) - {"shipped", "micro"}:
            results.setdefault(count, SizeResult(count, on_add=save))
            bench_size(count, args.workdir.resolve(), results[count], stages, args.repeat)
    for count, result in results.items():
        print(f"\nN = {count}: " + "; ".join(f"{k} {fmt(v)}" for k, v in ratios(result).items()))
    print("\n" + "\n".join(target_lines(bench)))
    save()
    print(f"\nwrote {args.output}")


if __name__ == "__main__":
    main()
