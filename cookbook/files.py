"""File output: write only what changed, and replace output folders all at once."""

from __future__ import annotations

import errno
import os
import shutil
from pathlib import Path

from .errors import writing


def write_if_changed(path: Path, content: str | bytes) -> bool:
    """Write a file unless it already holds exactly this content (keeps `mkdocs serve` calm)."""
    data = content.encode("utf-8") if isinstance(content, str) else content
    try:
        if path.read_bytes() == data:
            return False
    except OSError:
        pass
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.tmp")
    with writing(path):
        temporary.write_bytes(data)
    os.replace(temporary, path)
    return True


def sync_tree(folder: Path, files: dict[str, str | bytes]) -> None:
    """Make `folder` hold exactly `files` (relative posix path -> content)."""
    for relative, content in files.items():
        write_if_changed(folder / relative, content)
    if not folder.is_dir():
        return
    for path in sorted(folder.rglob("*"), reverse=True):
        relative = path.relative_to(folder).as_posix()
        if path.is_file() and relative not in files:
            path.unlink()
        elif path.is_dir() and not any(path.iterdir()):
            path.rmdir()


def link_tree(source: Path, target: Path) -> None:
    """Put `source`'s files into `target` as hard links (a copy where links cannot be made):
    a site of thousands of pages appears in a blink and takes no more disk. Whoever writes into
    either tree afterwards must replace files, not write into them (write_if_changed does)."""
    for folder, _, names in os.walk(source):
        into = target / os.path.relpath(folder, source)
        into.mkdir(parents=True, exist_ok=True)
        for name in names:
            _link(os.path.join(folder, name), into / name)


def _link(source: str, target: Path) -> None:
    try:
        os.link(source, target)
    except FileExistsError:
        target.unlink()
        _link(source, target)
    except OSError:  # another file system, or one without links
        shutil.copy2(source, target)


def fresh_dir(path: Path) -> Path:
    """An empty folder at `path`, whatever was there before."""
    if path.exists():
        shutil.rmtree(path)
    path.mkdir(parents=True)
    return path


def replace_dir(staged: Path, target: Path) -> None:
    """Put a fully built `staged` folder in place of `target`.

    The old output is moved aside first and removed only after the new one is in place,
    so a failure before this point leaves `target` exactly as it was.
    """
    target.parent.mkdir(parents=True, exist_ok=True)
    previous = target.with_name(f".{target.name}.previous")
    if previous.exists():
        shutil.rmtree(previous)
    if target.exists():
        os.replace(target, previous)
    try:
        _move(staged, target)
    except BaseException:
        if previous.exists() and not target.exists():
            os.replace(previous, target)  # the old output back in place
        raise
    if previous.exists():
        shutil.rmtree(previous, ignore_errors=True)


def _move(staged: Path, target: Path) -> None:
    """Rename `staged` to `target`; across file systems (build/ mounted apart from the output),
    copy it beside the target first, so that the last step is still a rename."""
    try:
        os.replace(staged, target)
    except OSError as error:
        if error.errno != errno.EXDEV:
            raise
        incoming = target.with_name(f".{target.name}.incoming")
        shutil.rmtree(incoming, ignore_errors=True)
        shutil.copytree(staged, incoming, symlinks=True)
        os.replace(incoming, target)
        shutil.rmtree(staged, ignore_errors=True)


def recover_replaced(target: Path) -> None:
    """Put back the output a build was killed in the middle of replacing (between replace_dir's
    two renames): `target` gone, its previous version beside it."""
    previous = target.with_name(f".{target.name}.previous")
    if previous.is_dir() and not target.exists():
        os.replace(previous, target)
