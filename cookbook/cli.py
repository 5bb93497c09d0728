"""The command line: python build.py [check|site|pdf|serve] …"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from pathlib import Path
from typing import Sequence

from .build_lock import one_build_at_a_time
from .config import Project, find_project
from .errors import CookbookError, describe_os_error
from .files import fresh_dir, link_tree, recover_replaced, replace_dir
from .model import Cookbook
# The renderers (WeasyPrint, Jinja2, MkDocs config) are imported by the commands that use
# them, so that `check` starts fast.
from .source.check import CheckResult, UsageError, check_project
from .progress import Progress
from .print.print_formats import KINDS, PdfSettings

EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE, EXIT_FAILURE = 0, 1, 2, 3


class BuildFailed(Exception):
    """A build step failed; the message says why, and nothing was published."""


def plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def report(result: CheckResult, strict: bool, quiet: bool = False) -> bool:
    """Print the diagnostics and a summary; True when the check passes."""
    github = os.environ.get("GITHUB_ACTIONS") == "true"
    for diagnostic in result.diagnostics:
        print(diagnostic.format())
        if github:
            print(diagnostic.github_annotation())
    problems = len(result.diagnostics)
    detail = f" ({plural(result.errors, 'error')}, {plural(result.warnings, 'warning')})" if problems else ""
    if problems or not quiet:
        print(f"{plural(result.recipes, 'recipe')}, {plural(problems, 'problem')}{detail}")
    return result.errors == 0 and not (strict and result.warnings)


def checked_cookbook(project: Project, progress: Progress, strict: bool = False) -> Cookbook:
    with progress.stage("check"):
        result = check_project(project)
    if not report(result, strict, progress.quiet) or result.cookbook is None:
        raise BuildFailed("the recipes have problems; nothing was built")
    return result.cookbook


@dataclass(frozen=True)
class BuildOptions:
    progress: Progress
    pdf: PdfSettings
    kinds: tuple[str, ...]


def note_engine_limits(project: Project) -> None:
    """Once per build: what the chosen site engine cannot do (to stderr, even with --quiet)."""
    from .site.engines import limits_note
    from .site.site_engine import project_engine

    note = limits_note(project_engine(project))
    if note:
        print(note, file=sys.stderr)


def build_all(project: Project, options: BuildOptions) -> None:
    from .print.pdf_jobs import build_pdfs
    from .site.site_engine import OFFLINE_ZIP, build_offline_zip, build_sites, offline_site_dir

    progress = options.progress
    cookbook = checked_cookbook(project, progress)
    note_engine_limits(project)
    staging = fresh_dir(project.build_dir / "staging" / "site")
    with progress.stage("site editions, web and offline", total=0) as counter:
        build_sites(project, cookbook, [(staging, False), (offline_site_dir(project), True)], counter,
                    reuse=options.pdf.cache, workers=options.pdf.workers())
    written = build_pdfs(project, cookbook, staging / "downloads", options.kinds, options.pdf, progress)
    with progress.stage("offline zip"):
        build_offline_zip(project, staging / "downloads", staging / OFFLINE_ZIP)
    replace_dir(staging, project.site_dir)
    say(progress, f"site/ ready: {len(project.languages)} language editions, {files_written(written)}")


def build_site_only(project: Project, options: BuildOptions) -> None:
    from .site.site_engine import OFFLINE_ZIP, build_site

    progress = options.progress
    cookbook = checked_cookbook(project, progress)
    note_engine_limits(project)
    staging = fresh_dir(project.build_dir / "staging" / "site")
    with progress.stage("site editions", total=0) as counter:
        build_site(project, cookbook, staging, counter=counter, reuse=options.pdf.cache, workers=options.pdf.workers())
    # The PDFs and the offline zip are not built here: those of the last full build stay.
    for kept in ("downloads", OFFLINE_ZIP.split("/")[0]):
        if (project.site_dir / kept).is_dir():
            link_tree(project.site_dir / kept, staging / kept)  # nothing writes into them here
    replace_dir(staging, project.site_dir)
    say(progress, "site/ ready")


def build_pdf_only(project: Project, options: BuildOptions) -> None:
    from .print.pdf_jobs import build_pdfs

    cookbook = checked_cookbook(project, options.progress)
    staging = fresh_dir(project.build_dir / "staging" / "downloads")
    previous = project.site_dir / "downloads"
    if options.kinds != KINDS and previous.is_dir():
        # Only some kinds are rebuilt: the others stay as they were.
        shutil.copytree(previous, staging, dirs_exist_ok=True)
    written = build_pdfs(project, cookbook, staging, options.kinds, options.pdf, options.progress)
    replace_dir(staging, project.site_dir / "downloads")
    say(options.progress, f"site/downloads/ ready: {files_written(written)}")


def files_written(written: list[Path]) -> str:
    """'120 PDFs, 12 spreadsheets': the measurement plans come with spreadsheets."""
    sheets = sum(1 for path in written if path.suffix == ".xlsx")
    return plural(len(written) - sheets, "PDF") + (f", {plural(sheets, 'spreadsheet')}" if sheets else "")


def say(progress: Progress, message: str) -> None:
    if not progress.quiet:
        print(message)


def serve(project: Project, lang: str | None, address: str) -> int:
    from .site.site_engine import PAGES_READY_ENV, engine_command, engine_environment, generate

    result = check_project(project)
    if result.cookbook is None:
        report(result, strict=False)
        raise BuildFailed("fix the problems above, then run serve again")
    lang = lang or project.source_language.code
    note_engine_limits(project)
    generate(project, result.cookbook, lang, include_drafts=True)
    env = {key: value for key, value in engine_environment(result.cookbook).items() if key != PAGES_READY_ENV}
    command = [*engine_command(project, "serve", lang, preview=True), "--dev-addr", address]
    return subprocess.call(command, cwd=project.root, env=env)


def workshop_pack(project: Project, args: argparse.Namespace, options: BuildOptions) -> int:
    from .print.packs import PackRequest, build_pack

    request = PackRequest(
        recipe_ids=tuple(args.recipe), themes=tuple(args.theme), tags=tuple(args.tag),
        lang=args.lang or project.source_language.code, page_format=args.format, booklet=args.imposition == "booklet",
    )
    cookbook = checked_cookbook(project, options.progress)
    suffix = "-booklet" if request.booklet else ""
    output = args.output or project.build_dir / "packs" / f"workshop-{request.lang}-{request.page_format}{suffix}.pdf"
    written = build_pack(project, cookbook, request, output.resolve(), options.pdf, options.progress)
    if len(written) == 2:
        booklet, reading = written
        say(options.progress, f"wrote {booklet} (the booklet to print: pages in printing order)")
        say(options.progress, f"wrote {reading} (the same pages in reading order, tagged: to read on screen or send on)")
    else:
        say(options.progress, f"wrote {written[0]}")
    return EXIT_OK


def measurement_plan(project: Project, args: argparse.Namespace, options: BuildOptions) -> int:
    """`build.py plan`: the chosen recipes' measurement plan as a spreadsheet and a PDF."""
    from .print.plans import PlanRequest, build_plan

    request = PlanRequest(recipe_ids=tuple(args.recipe), themes=tuple(args.theme), tags=tuple(args.tag),
                          lang=args.lang or project.source_language.code)
    if not request.recipe_ids and not request.themes and not request.tags:
        raise UsageError("name the plan's recipes: --recipe ID (repeatable), --theme THEME or --tag TAG")
    cookbook = checked_cookbook(project, options.progress)
    out = (args.out or project.build_dir / "plans").resolve()
    sheet, pdf = build_plan(project, cookbook, request, out, options.pdf, options.progress)
    say(options.progress, f"wrote {sheet} (the spreadsheet: fill in the person responsible, baseline, target and schedule)")
    say(options.progress, f"wrote {pdf} (the same plan to print, A4 landscape)")
    return EXIT_OK


def new_recipe(project: Project, recipe_id: str, title: str, theme: str) -> int:
    from .source.scaffold import ScaffoldError, new_recipe as scaffold

    try:
        written = scaffold(project, recipe_id, title, theme)
    except ScaffoldError as error:
        print(f"error: {error}", file=sys.stderr)
        return EXIT_USAGE
    for path in written:
        print(f"wrote {path.relative_to(project.root).as_posix()}")
    return EXIT_OK


def contributing_guide(project: Project, check_only: bool) -> int:
    from .source.contributing import contributing_path, render_contributing

    text = render_contributing(project)
    path = contributing_path(project)
    current = path.read_text(encoding="utf-8") if path.is_file() else None
    if check_only:
        if current != text:
            print(f"{path.name} is out of date: run `python build.py contributing`", file=sys.stderr)
            return EXIT_PROBLEMS
        print(f"{path.name} is up to date")
        return EXIT_OK
    if current != text:
        path.write_text(text, encoding="utf-8")
    print(f"wrote {path.name}")
    return EXIT_OK


def add_global_options(parser: argparse.ArgumentParser, defaults: bool) -> None:
    """The options every command takes, before or after its name.

    A command's own parser gets them with no default, so that an option given before the
    command is not reset by the command's parser (argparse copies its values over the main's).
    """
    def default(value: object) -> object:
        return value if defaults else argparse.SUPPRESS

    parser.add_argument("--project", type=Path, default=default(None),
                        help="the project folder (default: where cookbook.yml is)")
    parser.add_argument("--quiet", "-q", action="store_true", default=default(False),
                        help="no progress lines or summary, only problems")
    parser.add_argument("--timings", action="store_true", default=default(False), help="print the time each stage took")
    parser.add_argument("--jobs", "-j", type=int, default=default(0), metavar="N",
                        help="processes rendering PDFs (default: one per core; 1: all in one process)")
    parser.add_argument("--no-cache", action="store_true", default=default(False),
                        help="render every PDF and build every site edition anew, instead of reusing those whose inputs have not changed")


def parser() -> argparse.ArgumentParser:
    main = argparse.ArgumentParser(prog="build.py", description="Build the cluster-development cookbook.")
    add_global_options(main, defaults=True)
    commands = main.add_subparsers(dest="command")
    check = commands.add_parser("check", help="check every recipe and report problems")
    check.add_argument("paths", nargs="*", type=Path, help="recipe files or folders to report on (default: all)")
    check.add_argument("--strict", action="store_true", help="fail on warnings too")
    new = commands.add_parser("new", help="start a new recipe from the scaffold (fi.md and en.md)")
    new.add_argument("id", help="the recipe's id: lowercase letters, digits and hyphens")
    new.add_argument("--title", required=True, help="the recipe's Finnish title")
    new.add_argument("--theme", required=True, help="a theme id from recipes/taxonomy.yml")
    contributing = commands.add_parser("contributing", help="regenerate CONTRIBUTING.md from the schema and vocabularies")
    contributing.add_argument("--check", action="store_true", help="only report whether CONTRIBUTING.md is up to date")
    commands.add_parser("site", help="check, then build the website into site/")
    pdf = commands.add_parser("pdf", help="check, then build the PDFs into site/downloads/, or a workshop pack")
    pdf.add_argument("--only", action="append", choices=KINDS, default=[],
                     help="just these PDFs (repeatable): book (A4 book), editions (A5, booklet, print shop), cards, handouts, "
                          "plans (each theme's measurement plan, PDF and spreadsheet)")
    pack = pdf.add_argument_group("workshop pack", "a booklet of just the chosen recipes, with its own contents")
    pack.add_argument("--recipe", action="append", default=[], metavar="ID", help="a recipe's id (repeatable)")
    pack.add_argument("--theme", action="append", default=[], metavar="THEME", help="every recipe of a theme")
    pack.add_argument("--tag", action="append", default=[], metavar="TAG", help="every recipe with a tag")
    pack.add_argument("--lang", default=None, help="language of the pack (default: the source language)")
    pack.add_argument("--format", default="a4", choices=["a4", "a5"], help="page size")
    pack.add_argument("--imposition", choices=["booklet"], default=None,
                      help="booklet: pages two to a sheet in saddle-stitch order, to fold and staple")
    pack.add_argument("--output", type=Path, default=None, help="where to write the pack (default: build/packs/)")
    plan = commands.add_parser("plan", help="a measurement plan of the chosen recipes: a spreadsheet (.xlsx) and a PDF, for a workshop pack")
    plan.add_argument("--recipe", action="append", default=[], metavar="ID", help="a recipe's id, its folder's name (repeatable)")
    plan.add_argument("--theme", action="append", default=[], metavar="THEME", help="every recipe of a theme (repeatable)")
    plan.add_argument("--tag", action="append", default=[], metavar="TAG", help="every recipe with a tag (repeatable)")
    plan.add_argument("--lang", default=None, help="language of the plan (default: the source language)")
    plan.add_argument("--out", type=Path, default=None, metavar="DIR", help="the folder to write into (default: build/plans/)")
    commands.add_parser("all", help="check, site and pdf (the default)")
    serve_cmd = commands.add_parser("serve", help="live preview that rebuilds when a recipe is saved")
    serve_cmd.add_argument("--lang", default=None, help="the language edition to preview")
    serve_cmd.add_argument("--address", default="127.0.0.1:8000", help="host:port to serve on")
    for command in commands.choices.values():
        add_global_options(command, defaults=False)
    return main


def run(argv: Sequence[str]) -> int:
    try:
        args = parser().parse_args(argv)
    except SystemExit as exit_:
        return EXIT_USAGE if exit_.code not in (0, None) else EXIT_OK
    try:
        project = find_project(args.project)
        command = args.command or "all"
        if args.jobs < 0:
            raise UsageError("--jobs takes a number of processes, 1 or more (0: one per core)")
        progress = Progress(quiet=args.quiet)
        kinds = tuple(kind for kind in KINDS if kind in (getattr(args, "only", None) or KINDS))
        options = BuildOptions(progress, PdfSettings(jobs=args.jobs, cache=not args.no_cache), kinds)
        if command == "check":
            return EXIT_OK if report(check_project(project, args.paths), args.strict, args.quiet) else EXIT_PROBLEMS
        if command == "new":
            return new_recipe(project, args.id, args.title, args.theme)
        if command == "contributing":
            return contributing_guide(project, args.check)
        if command == "serve":
            return serve(project, args.lang, args.address)
        pack = command == "pdf" and bool(args.recipe or args.theme or args.tag)
        if command == "pdf" and not pack and (args.lang or args.imposition or args.output or args.format != "a4"):
            raise UsageError("--lang, --format, --imposition and --output choose a workshop pack: name its recipes with --recipe, --theme or --tag")
        with one_build_at_a_time(project, command):
            recover_replaced(project.site_dir)
            recover_replaced(project.site_dir / "downloads")
            if pack:
                return workshop_pack(project, args, options)
            if command == "plan":
                return measurement_plan(project, args, options)
            {"site": build_site_only, "pdf": build_pdf_only, "all": build_all}[command](project, options)
        if args.timings:
            print(progress.timing_report())
        return EXIT_OK
    except UsageError as error:
        print(f"error: {error}", file=sys.stderr)
        return EXIT_USAGE
    except BuildFailed as error:
        print(f"error: {error}", file=sys.stderr)
        return EXIT_PROBLEMS
    except CookbookError as error:
        print(f"error: {error}", file=sys.stderr)
        return EXIT_FAILURE
    except KeyboardInterrupt:
        return 130
    except OSError as error:  # a full disk, a read-only folder, a missing system library…
        print(f"error: {describe_os_error(error)}", file=sys.stderr)
        return EXIT_FAILURE
    except MemoryError:
        print("error: the machine ran out of memory; close other programs or build with --jobs 1. Nothing was published.",
              file=sys.stderr)
        return EXIT_FAILURE
    except BrokenProcessPool:
        print("error: a worker process died (killed, or out of memory); build again, or with --jobs 1. Nothing was published.",
              file=sys.stderr)
        return EXIT_FAILURE
    except Exception as error:  # noqa: BLE001 - no traceback reaches a user
        print(f"error[internal]: {type(error).__name__}: {error}", file=sys.stderr)
        print("This is a bug in the generator; please report it with the command you ran.", file=sys.stderr)
        return EXIT_FAILURE


def main() -> None:
    sys.exit(run(sys.argv[1:]))
