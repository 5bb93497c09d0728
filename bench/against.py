"""The A4 book of another commit beside this tree's, each against its own one-process reference.

`make bench` compares the parallel book with the same code's one-process book, measured beside
it: the machine's speed drifts by a third within an hour, and so does any figure taken at
another time. A figure from another commit's run is one of those. This script measures both
codes in one run, each on the synthetic cookbooks of its own generator (the recipe format and
the pages have changed between them): for each code in turn the 100-recipe book by one process
(`--jobs 1 --no-cache`), the large book as `make bench` builds it, and the reference again;
the ratio is the large book's pages/s over the mean of the two references'. The other commit
is checked out in a temporary git worktree and run with this tree's .venv.

    python bench/against.py REV [--size 1000] [--this-tree-first] [--output bench/AGAINST.md]
"""

from __future__ import annotations

import argparse
import datetime
import subprocess
import tempfile
from pathlib import Path

from pypdf import PdfReader

from run import ONE_PROCESS_BOOK_SIZE, PYTHON, ROOT, Row, fmt, measure


def pages(project: Path) -> int:
    return sum(PdfReader(path).get_num_pages() for path in sorted((project / "site" / "downloads").glob("*.pdf")))


def book(code: Path, project: Path, label: str, *options: str) -> tuple[Row, float | None]:
    row = measure(label, [PYTHON, str(code / "build.py"), "--project", str(project), "--quiet", *options, "pdf", "--only", "book"])
    if not (row.ok and row.wall):
        return row, None
    count = pages(project)
    row.notes = f"{count} pages; {count / row.wall:.1f} pages/s"
    return row, count / row.wall


def measure_code(name: str, code: Path, workdir: Path, size: int) -> tuple[list[Row], float | None]:
    projects = {}
    for count in (ONE_PROCESS_BOOK_SIZE, size):
        projects[count] = workdir / name / str(count)
        subprocess.run([PYTHON, str(code / "bench" / "synthetic.py"), str(projects[count]), str(count)], cwd=code,
                       check=True, capture_output=True)
    reference = ("--jobs", "1", "--no-cache")
    before, speed_before = book(code, projects[ONE_PROCESS_BOOK_SIZE], f"{name}: reference, before", *reference)
    large, speed = book(code, projects[size], f"{name}: {size}-recipe book")
    after, speed_after = book(code, projects[ONE_PROCESS_BOOK_SIZE], f"{name}: reference, after", *reference)
    ratio = speed / ((speed_before + speed_after) / 2) if speed and speed_before and speed_after else None
    return [before, large, after], ratio


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("rev", help="the other commit")
    parser.add_argument("--size", type=int, default=1000, help="recipes of the large book (default 1000)")
    parser.add_argument("--this-tree-first", action="store_true",
                        help="measure this tree first (a second run in the other order cancels a steady drift)")
    parser.add_argument("--output", type=Path, default=ROOT / "bench" / "AGAINST.md")
    args = parser.parse_args()
    commit = subprocess.run(["git", "rev-parse", "--short", args.rev], cwd=ROOT, check=True, capture_output=True,
                            text=True).stdout.strip()
    with tempfile.TemporaryDirectory(prefix="against-") as temp:
        other = Path(temp) / "code"
        subprocess.run(["git", "worktree", "add", "--detach", str(other), commit], cwd=ROOT, check=True, capture_output=True)
        try:
            rows: list[Row] = []
            ratios: dict[str, float | None] = {}
            codes = [(commit, other), ("this tree", ROOT)]
            for name, code in reversed(codes) if args.this_tree_first else codes:
                measured, ratios[name] = measure_code(name, code, Path(temp) / "projects", args.size)
                rows += measured
                print(*(f"{row.stage}: {fmt(row.wall)} s, {row.notes}" for row in measured), sep="\n", flush=True)
        finally:
            subprocess.run(["git", "worktree", "remove", "--force", str(other)], cwd=ROOT, check=False, capture_output=True)
    lines = [f"# The A4 book against {commit}", "",
             f"Written by bench/against.py on {datetime.datetime.now(datetime.timezone.utc):%Y-%m-%d %H:%M} UTC "
             "(see its docstring for what runs).", "", "| run | wall s | peak MB | notes |", "|---|---:|---:|---|",
             *(f"| {row.stage} | {fmt(row.wall)} | {row.peak_mb or 0:.0f} | {row.notes} |" for row in rows), "",
             "| code | the large book's pages/s ÷ its one-process reference's |", "|---|---:|",
             *(f"| {name} | {fmt(value)} |" for name, value in ratios.items()), ""]
    args.output.write_text("\n".join(lines), encoding="utf-8")
    print("\n".join(lines[-4:]) + f"\nwrote {args.output}")


if __name__ == "__main__":
    main()
