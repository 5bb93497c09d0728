"""The command line: python build.py [check|site|pdf|serve] …"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Sequence

from .config import Project, find_project
from .errors import CookbookError
from .files import fresh_dir, replace_dir
from .model import Cookbook
# The renderers (WeasyPrint, Jinja2, MkDocs config) are imported by the commands that use
# them, so that `check` starts fast.
from .check import CheckResult, UsageError, check_project

EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE, EXIT_FAILURE = 0, 1, 2, 3


class BuildFailed(Exception):
    """A build step failed; the message says why, and nothing was published."""


def plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def report(result: CheckResult, strict: bool) -> bool:
    """Print the diagnostics and a summary; True when the check passes."""
    github = os.environ.get("GITHUB_ACTIONS") == "true"
    for diagnostic in result.diagnostics:
        print(diagnostic.format())
        if github:
            print(diagnostic.github_annotation())
    problems = len(result.diagnostics)
    detail = f" ({plural(result.errors, 'error')}, {plural(result.warnings, 'warning')})" if problems else ""
    print(f"{plural(result.recipes, 'recipe')}, {plural(problems, 'problem')}{detail}")
    return result.errors == 0 and not (strict and result.warnings)


def checked_cookbook(project: Project, strict: bool = False) -> Cookbook:
    result = check_project(project)
    if not report(result, strict) or result.cookbook is None:
        raise BuildFailed("the recipes have problems; nothing was built")
    return result.cookbook


def build_all(project: Project) -> None:
    from .pdf import build_pdfs
    from .site_engine import OFFLINE_ZIP, build_offline_zip, build_site

    cookbook = checked_cookbook(project)
    staging = fresh_dir(project.build_dir / "staging" / "site")
    build_site(project, cookbook, staging)
    written = build_pdfs(project, cookbook, staging / "downloads")
    build_offline_zip(project, cookbook, staging / "downloads", staging / OFFLINE_ZIP)
    replace_dir(staging, project.site_dir)
    print(f"site/ ready: {len(project.languages)} language editions, {plural(len(written), 'PDF')}")


def build_site_only(project: Project) -> None:
    from .site_engine import build_site

    cookbook = checked_cookbook(project)
    staging = fresh_dir(project.build_dir / "staging" / "site")
    build_site(project, cookbook, staging)
    previous_downloads = project.site_dir / "downloads"
    if previous_downloads.is_dir():
        shutil.copytree(previous_downloads, staging / "downloads", dirs_exist_ok=True)
    replace_dir(staging, project.site_dir)
    print("site/ ready")


def build_pdf_only(project: Project) -> None:
    from .pdf import build_pdfs

    cookbook = checked_cookbook(project)
    staging = fresh_dir(project.build_dir / "staging" / "downloads")
    written = build_pdfs(project, cookbook, staging)
    replace_dir(staging, project.site_dir / "downloads")
    print(f"site/downloads/ ready: {plural(len(written), 'PDF')}")


def serve(project: Project, lang: str | None, address: str) -> int:
    from .site_engine import PAGES_READY_ENV, engine_command, engine_environment, generate

    result = check_project(project)
    if result.cookbook is None:
        report(result, strict=False)
        raise BuildFailed("fix the problems above, then run serve again")
    lang = lang or project.source_language.code
    generate(project, result.cookbook, lang, include_drafts=True)
    env = {key: value for key, value in engine_environment().items() if key != PAGES_READY_ENV}
    command = [*engine_command(project, "serve", lang), "--dev-addr", address]
    return subprocess.call(command, cwd=project.root, env=env)


def workshop_pack(project: Project, args: argparse.Namespace) -> int:
    from .packs import PackRequest, build_pack

    request = PackRequest(
        recipe_ids=tuple(args.recipe), themes=tuple(args.theme), tags=tuple(args.tag),
        lang=args.lang or project.source_language.code, page_format=args.format, booklet=args.imposition == "booklet",
    )
    cookbook = checked_cookbook(project)
    suffix = "-booklet" if request.booklet else ""
    output = args.output or project.build_dir / "packs" / f"workshop-{request.lang}-{request.page_format}{suffix}.pdf"
    written = build_pack(project, cookbook, request, output.resolve())
    print(f"wrote {written}")
    return EXIT_OK


def new_recipe(project: Project, recipe_id: str, title: str, theme: str) -> int:
    from .scaffold import ScaffoldError, new_recipe as scaffold

    try:
        written = scaffold(project, recipe_id, title, theme)
    except ScaffoldError as error:
        print(f"error: {error}", file=sys.stderr)
        return EXIT_USAGE
    for path in written:
        print(f"wrote {path.relative_to(project.root).as_posix()}")
    return EXIT_OK


def contributing_guide(project: Project, check_only: bool) -> int:
    from .contributing import contributing_path, render_contributing

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


def parser() -> argparse.ArgumentParser:
    main = argparse.ArgumentParser(prog="build.py", description="Build the cluster-development cookbook.")
    main.add_argument("--project", type=Path, default=None, help="the project folder (default: where cookbook.yml is)")
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
    pack = pdf.add_argument_group("workshop pack", "a booklet of just the chosen recipes, with its own contents")
    pack.add_argument("--recipe", action="append", default=[], metavar="ID", help="a recipe's id (repeatable)")
    pack.add_argument("--theme", action="append", default=[], metavar="THEME", help="every recipe of a theme")
    pack.add_argument("--tag", action="append", default=[], metavar="TAG", help="every recipe with a tag")
    pack.add_argument("--lang", default=None, help="language of the pack (default: the source language)")
    pack.add_argument("--format", default="a4", choices=["a4", "a5"], help="page size")
    pack.add_argument("--imposition", choices=["booklet"], default=None,
                      help="booklet: pages two to a sheet in saddle-stitch order, to fold and staple")
    pack.add_argument("--output", type=Path, default=None, help="where to write the pack (default: build/packs/)")
    commands.add_parser("all", help="check, site and pdf (the default)")
    serve_cmd = commands.add_parser("serve", help="live preview that rebuilds when a recipe is saved")
    serve_cmd.add_argument("--lang", default=None, help="the language edition to preview")
    serve_cmd.add_argument("--address", default="127.0.0.1:8000", help="host:port to serve on")
    return main


def run(argv: Sequence[str]) -> int:
    try:
        args = parser().parse_args(argv)
    except SystemExit as exit_:
        return EXIT_USAGE if exit_.code not in (0, None) else EXIT_OK
    try:
        project = find_project(args.project)
        command = args.command or "all"
        if command == "check":
            return EXIT_OK if report(check_project(project, args.paths), args.strict) else EXIT_PROBLEMS
        if command == "new":
            return new_recipe(project, args.id, args.title, args.theme)
        if command == "contributing":
            return contributing_guide(project, args.check)
        if command == "serve":
            return serve(project, args.lang, args.address)
        if command == "pdf" and (args.recipe or args.theme or args.tag):
            return workshop_pack(project, args)
        if command == "pdf" and (args.lang or args.imposition or args.output or args.format != "a4"):
            raise UsageError("--lang, --format, --imposition and --output choose a workshop pack: name its recipes with --recipe, --theme or --tag")
        {"site": build_site_only, "pdf": build_pdf_only, "all": build_all}[command](project)
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
    except Exception as error:  # noqa: BLE001 - no traceback reaches a user
        print(f"error[internal]: {type(error).__name__}: {error}", file=sys.stderr)
        print("This is a bug in the generator; please report it with the command you ran.", file=sys.stderr)
        return EXIT_FAILURE


def main() -> None:
    sys.exit(run(sys.argv[1:]))
