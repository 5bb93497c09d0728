"""Cache entries that are written whole or not at all, and checked whenever they are read.

A build killed while writing, or a full disk, leaves a file cut short; a disk or a hand can
change one later. Such an entry must never reach a published file. Each entry is one file:
a header line naming its size and hash (and any metadata), then the data. It is written under
a temporary name and renamed into place, so a reader sees the old entry, the new one or none.
A reader checks the size and hash (and, if the caller says how, that the data makes sense);
an entry that fails is removed, named in one warning line, and the caller makes it anew.
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
from pathlib import Path
from typing import Any, Callable

from .errors import writing

HEADER = b"cookbook-cache-entry 1 "
MAX_HEADER = 1 << 20  # a header line longer than this is not ours


class DamagedEntry(ValueError):
    """The data of an entry is not what was written, or makes no sense to its reader."""


def write_entry(path: Path, data: bytes, meta: dict[str, Any] | None = None) -> None:
    """Store `data` (and `meta`, a JSON object) at `path`, all at once."""
    header = {"size": len(data), "sha256": hashlib.sha256(data).hexdigest(), "meta": meta or {}}
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        with writing(path), open(temporary, "wb") as handle:
            handle.write(HEADER + json.dumps(header, sort_keys=True).encode() + b"\n")
            handle.write(data)
        os.replace(temporary, path)
    except BaseException:
        temporary.unlink(missing_ok=True)  # a full disk must not leave the half-written file behind
        raise


def read_entry(path: Path, check: Callable[[bytes], None] | None = None, shown_as: str | None = None
               ) -> tuple[bytes, dict[str, Any]] | None:
    """(data, meta) of the entry at `path`, or None if there is none or it was damaged.

    `check` may raise DamagedEntry (or any ValueError) when the data makes no sense. A damaged
    entry is removed and named on stderr as `shown_as` (default: its path)."""
    try:
        raw = path.read_bytes()
    except (FileNotFoundError, NotADirectoryError):
        return None
    if raw and not raw.startswith(HEADER[:len(raw)]) and not raw.startswith(HEADER):
        path.unlink(missing_ok=True)  # written by a version before entries had headers: made anew, nothing to report
        return None
    try:
        data, meta = _parse(raw)
        if check is not None:
            check(data)
    except ValueError as error:  # DamagedEntry, a JSON error, or what `check` found
        path.unlink(missing_ok=True)
        warn(f"{shown_as or path}: damaged cache entry ({error}); removed, it is made anew")
        return None
    return data, meta


def warn(message: str) -> None:
    """One warning line on stderr, written in one call: the editions' and PDFs' workers warn at
    the same time, and `print` writes the text and its newline apart (two writes to the pipe
    when stderr is unbuffered, as under PYTHONUNBUFFERED), which joins their lines into one."""
    sys.stderr.write(f"warning: {message}\n")
    sys.stderr.flush()


def _parse(raw: bytes) -> tuple[bytes, dict[str, Any]]:
    if not raw.startswith(HEADER):
        raise DamagedEntry("cut short in its header")
    end = raw.find(b"\n", 0, MAX_HEADER)
    if end < 0:
        raise DamagedEntry("its header is cut short")
    try:
        header = json.loads(raw[len(HEADER):end])
        size, digest, meta = int(header["size"]), str(header["sha256"]), dict(header["meta"])
    except (ValueError, KeyError, TypeError) as error:
        raise DamagedEntry(f"its header is unreadable ({type(error).__name__})") from None
    data = raw[end + 1:]
    if len(data) != size:
        raise DamagedEntry(f"{len(data)} bytes where {size} were written")
    if hashlib.sha256(data).hexdigest() != digest:
        raise DamagedEntry("its bytes differ from those written")
    return data, meta


def entry_name(project_root: Path, path: Path) -> str:
    """How a warning names an entry: relative to the project when it is inside it."""
    try:
        return path.relative_to(project_root).as_posix()
    except ValueError:
        return str(path)
