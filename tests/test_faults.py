"""Faults lose nothing: a killed build, a damaged cache, a PDF that fails its check, a full disk,
a read-only project, a missing system library, two builds at once. Each ends in the previous
site/ or a correct new one, with at most one clear line and no traceback."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Callable

import pytest

from conftest import ROOT
from fixtures.faults import process_status, run_read_only, run_with_small_disk, tree_digest

BUILD = [sys.executable, str(ROOT / "build.py")]
HANG_GUARD = 900  # seconds: only a hung build is stopped by it, never a slow one


def build(project: Path, *options: str, **kwargs) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*BUILD, "--project", str(project), "--quiet", *options], capture_output=True, text=True,
                          timeout=HANG_GUARD, **kwargs)


def error_lines(stderr: str) -> list[str]:
    return [line for line in stderr.splitlines() if line.startswith("error")]


def assert_one_clear_error(result: subprocess.CompletedProcess[str], *words: str) -> str:
    assert result.returncode == 3, result.stdout + result.stderr
    assert "Traceback" not in result.stderr + result.stdout, result.stderr
    errors = error_lines(result.stderr)
    assert len(errors) == 1 and len(result.stderr.strip().splitlines()) == 1, result.stderr
    for word in words:
        assert word in errors[0], errors[0]
    return errors[0]


# ---- Killed builds ---------------------------------------------------------------------------

def edit_recipe(project: Path, sentence: str) -> str:
    """Add a sentence to the example recipe, so that a build has pages, an edition and PDFs to
    make anew; returns the text as it was."""
    path = project / "recipes" / "esimerkki" / "fi.md"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("## Miksi\n", f"## Miksi\n\n{sentence}\n", 1), encoding="utf-8")
    return text


def kill_when(project: Path, moment: Callable[[], bool]) -> bool:
    """Start a full build of `project` and kill its whole process group with SIGKILL as soon as
    `moment()` holds. False if the build ended before that moment."""
    process = subprocess.Popen([*BUILD, "--project", str(project), "--quiet"], start_new_session=True,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    started = time.monotonic()
    try:
        while process.poll() is None and time.monotonic() - started < HANG_GUARD:
            if moment():
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()
                return True
            time.sleep(0.005)
        return False
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def test_a_build_killed_at_any_stage_leaves_the_site_as_it_was(built_small_project: Path):
    project = built_small_project
    site, staging = project / "site", project / "build" / "staging" / "site"
    published = tree_digest(site)
    moments = {
        "while the pages are written": lambda: staging.is_dir(),
        "while the engines run": lambda: not (project / "build" / "engine-site" / "web" / "fi.key").exists(),
        "while the PDFs are rendered": lambda: any((staging / "downloads").glob("*.pdf")),
        "while the offline zip is written": lambda: (staging / "offline").is_dir(),
    }
    original = edit_recipe(project, "Ensimmäinen lisätty lause.")
    for number, (name, moment) in enumerate(moments.items()):
        edit_recipe(project, f"Lisätty lause numero {number}.")  # each build has work to do, the cache notwithstanding
        assert kill_when(project, moment), f"the build ended before the moment '{name}'"
        assert tree_digest(site) == published, f"killed {name}, the build changed site/"
    (project / "recipes" / "esimerkki" / "fi.md").write_text(original, encoding="utf-8")
    result = build(project)
    assert result.returncode == 0, result.stderr
    assert tree_digest(site) == published  # the same input, the same bytes


def engine_processes(project: Path) -> list[int]:
    """The site engines running on `project`'s configs (Linux: read from /proc)."""
    found = []
    for entry in Path("/proc").iterdir():
        try:
            command = (entry / "cmdline").read_bytes().split(b"\0")
        except OSError:
            continue
        if any(part.startswith(str(project / "build" / "mkdocs-").encode()) for part in command):
            found.append(int(entry.name))
    return found


def test_engines_outliving_a_killed_build_keep_the_next_one_waiting(built_small_project: Path):
    """Only the build's own process killed: its engines write on, holding the lock they were
    handed, so the next build cannot start until they are done."""
    import fcntl

    project = built_small_project
    edit_recipe(project, "Moottorit jatkavat vielä hetken.")
    process = subprocess.Popen([*BUILD, "--project", str(project), "--quiet"], start_new_session=True,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    started = time.monotonic()
    while not engine_processes(project) and process.poll() is None and time.monotonic() - started < HANG_GUARD:
        time.sleep(0.005)
    assert process.poll() is None, "the build ended before its engines were seen"
    process.kill()  # the build only, not its process group
    process.wait()
    with open(project / "build" / ".build.lock", "rb") as lock:
        if engine_processes(project):
            with pytest.raises(BlockingIOError):
                fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        fcntl.flock(lock, fcntl.LOCK_EX)  # let go when the last engine ends
        assert not engine_processes(project)
    result = build(project)
    assert result.returncode == 0, result.stderr
    left = tree_digest(project / "site")
    assert build(project).returncode == 0 and tree_digest(project / "site") == left


def descendants(pid: int) -> dict[int, int]:
    """Every process below `pid`, with its depth (1: a child) (Linux: read from /proc)."""
    parents = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit() and (status := process_status(int(entry.name))):
            parents[int(entry.name)] = int(status[1])
    depths, changed = {pid: 0}, True
    while changed:
        changed = False
        for child, parent in parents.items():
            if parent in depths and child not in depths:
                depths[child] = depths[parent] + 1
                changed = True
    del depths[pid]
    return depths


def _command_line(pid: int) -> bytes:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return b""


def test_a_part_whose_process_is_killed_fails_the_build_in_one_line(built_small_project: Path):
    """A book's part is laid out in a child of a rendering worker (cookbook/workers.py, apart);
    killed there (the machine's out-of-memory killer, say), the build names it and publishes
    nothing."""
    project = built_small_project
    published = tree_digest(project / "site")
    process = subprocess.Popen([*BUILD, "--project", str(project), "--quiet", "--no-cache", "--jobs", "2", "pdf",
                                "--only", "book"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    killed = False
    started = time.monotonic()
    while process.poll() is None and not killed and time.monotonic() - started < HANG_GUARD:
        for pid, depth in descendants(process.pid).items():
            # The build, its workers, their children: forked, all with the build's command line
            # (unlike the compiler ctypes runs to find a library, say).
            if depth == 2 and _command_line(pid) == _command_line(process.pid):
                os.kill(pid, signal.SIGKILL)
                killed = True
                break
        time.sleep(0.005)
    stdout, stderr = process.communicate(timeout=HANG_GUARD)
    assert killed, "no part was laid out in a child of a worker"
    assert_one_clear_error(subprocess.CompletedProcess(process.args, process.returncode, stdout, stderr), "worker process died")
    assert tree_digest(project / "site") == published


# ---- Damaged caches --------------------------------------------------------------------------

def test_every_damaged_cache_entry_is_named_and_made_anew(built_small_project: Path):
    """One entry of each cache the build keeps, damaged as a killed build, a full disk or a stray
    edit would leave it; the next build warns once for each and ships what a clean build ships."""
    project = built_small_project
    published = tree_digest(project / "site")
    cache = project / "build" / "cache"
    font = sorted((cache / "fonts").glob("*.otf"))[0]
    font.write_bytes(font.read_bytes()[: font.stat().st_size // 2])  # cut short
    pdfs = sorted((cache / "pdf").glob("*/*.entry"), key=lambda path: path.stat().st_size)
    assert len(pdfs) >= 2
    pdfs[0].write_bytes(pdfs[0].read_bytes()[:100])  # cut short in its header
    middle = bytearray(pdfs[-1].read_bytes())
    middle[len(middle) // 2] ^= 0xFF  # one byte changed: same size, other hash
    pdfs[-1].write_bytes(bytes(middle))
    key = project / "build" / "engine-site" / "web" / "en.key"
    key.write_bytes(key.read_bytes()[: key.stat().st_size // 2])  # the edition's key and file list, cut short
    page = project / "build" / "engine-site" / "web" / "fi" / "index.html"
    page.write_text(page.read_text(encoding="utf-8").replace("</body>", "<p>changed by hand</p></body>"), encoding="utf-8")
    result = build(project)
    assert result.returncode == 0, result.stderr
    warnings = [line for line in result.stderr.splitlines() if line.startswith("warning:")]
    damaged = [font, pdfs[0], pdfs[-1], key, project / "build" / "engine-site" / "web" / "fi.key"]
    for path in damaged:
        named = [line for line in warnings if path.relative_to(project).as_posix() in line]
        assert len(named) == 1, f"{path.name}: {result.stderr}"
    assert len(warnings) == len(damaged), result.stderr
    assert tree_digest(project / "site") == published


WARN_AT_ONCE = """
import os, sys
from pathlib import Path
from cookbook.cache_entries import read_entry, write_entry
folder = Path(sys.argv[1])
children = []
for worker in range(4):
    pid = os.fork()
    if pid == 0:
        for number in range(200):
            entry = folder / f"{worker}-{number}.entry"
            write_entry(entry, b"x" * 1000)
            entry.write_bytes(entry.read_bytes()[:-1])  # cut short
            read_entry(entry)
        os._exit(0)
    children.append(pid)
for pid in children:
    os.waitpid(pid, 0)
"""


def test_workers_warning_at_once_keep_their_lines_whole(tmp_path: Path):
    """The editions' and PDFs' workers warn about damaged entries at the same time, on one
    stderr; unbuffered (PYTHONUNBUFFERED, as on CI), a line written in two pieces joined two
    warnings into one line and left an empty one."""
    result = subprocess.run([sys.executable, "-c", WARN_AT_ONCE, str(tmp_path)], capture_output=True, text=True,
                            cwd=ROOT, env={**os.environ, "PYTHONUNBUFFERED": "1"}, timeout=HANG_GUARD)
    assert result.returncode == 0, result.stderr
    lines = result.stderr.splitlines()
    assert len(lines) == 800, result.stderr[:2000]
    whole = [line for line in lines if line.startswith("warning: ") and line.count("warning:") == 1
             and line.endswith("(999 bytes where 1000 were written); removed, it is made anew")]
    assert len(whole) == 800, [line for line in lines if line not in whole][:5]


def test_a_pdf_that_fails_its_check_is_not_published(built_small_project: Path, monkeypatch, cli):
    """A font damaged after it passed the cache's own check (here: the check switched off) makes
    PDFs with blank text; the check before publishing finds them, names one, and the PDF cache
    is emptied so that the next build does not join the same parts."""
    from cookbook.print import fetcher

    project = built_small_project
    published = tree_digest(project / "site")
    checked = fetcher.read_entry

    def cut_short(*args, **options):  # the entry as it was read, then half of it lost
        entry = checked(*args, **options)
        return entry and (entry[0][: len(entry[0]) // 2], entry[1])

    monkeypatch.setattr(fetcher, "read_entry", cut_short)
    code, _, err = cli("--project", str(project), "--quiet", "--no-cache", "pdf", "--only", "handouts")
    assert code == 3, err
    assert "failed its check before publishing" in err and "embedded font" in err and ".pdf" in err, err
    assert "Traceback" not in err
    assert tree_digest(project / "site") == published
    assert not any((project / "build" / "cache" / "pdf").glob("*/*.entry"))


def test_pdf_check_finds_missing_pages_titles_and_fonts(built_small_project: Path, tmp_path: Path):
    from pypdf import PdfReader, PdfWriter

    from cookbook.print.pdf_verify import Expected, pdf_problems

    handout = built_small_project / "site" / "downloads" / "esimerkki-fi.pdf"
    pages = len(PdfReader(handout).pages)
    title = "Esimerkkiresepti testejä varten"
    assert pdf_problems(Expected(handout, pages, (title,))) == []
    assert "pages" in " ".join(pdf_problems(Expected(handout, pages + 1, (title,))))
    assert "Toinen resepti" in " ".join(pdf_problems(Expected(handout, pages, (title, "Toinen resepti"))))
    # A book's titles are looked for on the recipes' first pages only: not on the cover.
    book = built_small_project / "site" / "downloads" / "keittokirja-a4.pdf"
    reader = PdfReader(book)
    bookmarks = [item for chapter in reader.outline if isinstance(chapter, list) for item in chapter]
    first = next(reader.get_destination_page_number(item) for item in bookmarks if item.title == title)
    assert pdf_problems(Expected(book, len(reader.pages), (title,), (first,))) == []
    assert title in " ".join(pdf_problems(Expected(book, len(reader.pages), (title,), (0,))))
    torn = tmp_path / "torn.pdf"
    torn.write_bytes(handout.read_bytes()[:2000])
    assert "does not open" in " ".join(pdf_problems(Expected(torn, pages, ())))
    writer = PdfWriter(clone_from=handout)
    for font in (font.get_object() for page in writer.pages for font in page["/Resources"]["/Font"].values()):
        descendant = font["/DescendantFonts"][0].get_object() if "/DescendantFonts" in font else font
        descriptor = descendant["/FontDescriptor"].get_object()
        for key in ("/FontFile", "/FontFile2", "/FontFile3"):
            descriptor.pop(key, None)
    bare = tmp_path / "bare.pdf"
    writer.write(bare)
    assert "is not embedded" in " ".join(pdf_problems(Expected(bare, pages, ())))


# ---- The system refuses ----------------------------------------------------------------------

def test_a_full_disk_ends_in_one_line_and_the_old_site(built_small_project: Path):
    """build/ on a small file system that fills up while the pages are written, while the
    engines run, and while the PDFs are rendered (the sizes are this cookbook's)."""
    project = built_small_project
    published = tree_digest(project / "site")
    command = [*BUILD, "--project", str(project), "--quiet"]
    for kilobytes in (1500, 8000, 17000):
        result, how = run_with_small_disk(project / "build", kilobytes, command, timeout=HANG_GUARD)
        line = assert_one_clear_error(result)
        assert ("No space left on device" in line or "File too large" in line) and str(project) in line, f"{how}: {line}"
        assert tree_digest(project / "site") == published, how


def test_a_read_only_project_ends_in_one_line(built_small_project: Path):
    project = built_small_project
    published = tree_digest(project / "site")
    result, how = run_read_only(project, [*BUILD, "--project", str(project), "--quiet"], timeout=HANG_GUARD)
    line = assert_one_clear_error(result)
    refusals = ("Read-only file system", "Permission denied", "Operation not permitted")
    assert any(refusal in line for refusal in refusals) and str(project) in line, f"{how}: {line}"
    assert tree_digest(project / "site") == published, how


def test_a_missing_system_library_is_named_with_its_package(small_project: Path, tmp_path: Path):
    """WeasyPrint loads Pango when it is imported; where Pango is missing, that import fails."""
    fake = tmp_path / "no-pango" / "weasyprint"
    fake.mkdir(parents=True)
    (fake / "__init__.py").write_text(
        "raise OSError(\"cannot load library 'libpango-1.0-0': libpango-1.0-0: cannot open shared object file: "
        "No such file or directory\")\n", encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": str(fake.parent)}
    result = build(small_project, "pdf", env=env)
    line = assert_one_clear_error(result, "libpango-1.0-0", "make setup")
    assert "apt-get install libpango-1.0-0" in line
    assert not (small_project / "site").exists()


def test_a_missing_finnish_dictionary_is_named_with_its_package(small_project: Path, monkeypatch, cli):
    """Voikko's library loads, but the Finnish dictionary (Debian's voikko-fi) is not there."""
    import libvoikko

    from cookbook.print import hyphenate

    def no_dictionary(*_: object, **__: object) -> None:
        raise libvoikko.VoikkoException("Initialization of Voikko failed: No valid dictionaries were found")

    monkeypatch.setattr(libvoikko, "Voikko", no_dictionary)
    hyphenate._voikko.cache_clear()
    try:
        code, _, err = cli("--project", str(small_project), "--quiet", "--jobs", "1", "pdf", "--only", "handouts")
    finally:
        hyphenate._voikko.cache_clear()
    assert code == 3 and "Traceback" not in err, err
    assert len(err.strip().splitlines()) == 1 and "voikko-fi" in err and "No valid dictionaries" in err, err
    assert not (small_project / "site").exists()


def test_an_engine_that_fails_is_summed_up_without_its_traceback(small_project: Path):
    """The engine is another process: its traceback is cut down to its last line and the
    template it was reading; its news (INFO lines) is left out."""
    template = small_project / "templates" / "site" / "overrides" / "main.html"
    template.write_text(template.read_text(encoding="utf-8") + "{% block oops %}{% endblokc %}\n", encoding="utf-8")
    result = build(small_project, "site")
    line = assert_one_clear_error(result, "the site engine failed", "TemplateSyntaxError", "endblokc")
    assert f"{template}:" in line
    assert not (small_project / "site").exists()


# ---- Two builds at once ----------------------------------------------------------------------

def test_a_second_build_waits_for_the_first(built_small_project: Path):
    project = built_small_project
    owner = project / "build" / ".build.lock.owner"
    owner.unlink(missing_ok=True)
    edit_recipe(project, "Tämä lause tekee ensimmäiselle koottavaa.")
    first = subprocess.Popen([*BUILD, "--project", str(project), "--quiet"],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    started = time.monotonic()
    while not owner.exists() and first.poll() is None and time.monotonic() - started < HANG_GUARD:
        time.sleep(0.01)
    second = build(project, "site")
    first_out, first_err = first.communicate(timeout=HANG_GUARD)
    assert first.returncode == 0, first_err
    assert second.returncode == 0, second.stderr
    assert "waiting: another build (`build.py all`" in second.stderr, second.stderr
    # What the two left is what one build of these files makes: building again changes nothing.
    left = tree_digest(project / "site")
    assert build(project).returncode == 0
    assert tree_digest(project / "site") == left


@pytest.mark.parametrize("leftover", ["site", "downloads"])
def test_a_site_caught_between_its_two_renames_is_put_back(built_small_project: Path, leftover: str):
    """Killed between moving the old output aside and moving the new one in: the next build
    puts the old one back before anything else, then builds as ever."""
    project = built_small_project
    target = project / "site" if leftover == "site" else project / "site" / "downloads"
    published = tree_digest(project / "site")
    os.replace(target, target.with_name(f".{target.name}.previous"))
    result = build(project, "site")
    assert result.returncode == 0, result.stderr
    assert tree_digest(project / "site") == published
