"""Failures a user can act on: the command line prints their message, never a traceback."""

from __future__ import annotations

import errno
import re
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator


class CookbookError(Exception):
    """A failure with a message for the user (exit status 3 unless a subclass says otherwise)."""


# What to do about a file system's refusal, by errno.
OS_ADVICE = {
    errno.ENOSPC: "the disk is full: free some space there and build again",
    errno.EDQUOT: "your disk quota is used up: free some space and build again",
    errno.EFBIG: "a file grew past the size this system allows (see `ulimit -f`)",
    errno.EROFS: "that file system is read-only: build in a writable copy of the project",
    errno.EACCES: "permission denied: make the folder writable for you (or build as its owner)",
    errno.EPERM: "the operation is not permitted there: make the folder writable for you",
    errno.ENOENT: "it does not exist: create it, or check the path",
    errno.ENOTDIR: "a part of the path is a file, not a folder",
    errno.EISDIR: "it is a folder where a file was expected",
    errno.EIO: "the disk reported an input/output error: check the disk",
    errno.EMFILE: "too many files are open: raise the limit (ulimit -n) or build with --jobs 1",
    errno.ENOMEM: "the machine ran out of memory: close other programs or build with --jobs 1",
}
MISSING_LIBRARY = re.compile(r"cannot load library '([^']+)'|([\w.+-]+\.so[\w.]*): cannot open shared object file")
# A library's file name, and the Debian package that holds it (`make setup` installs them all).
LIBRARY_PACKAGES = {"pango-1.0": "libpango-1.0-0", "pangoft2-1.0": "libpangoft2-1.0-0", "harfbuzz": "libharfbuzz0b",
                    "fontconfig": "libfontconfig1", "voikko": "libvoikko1"}


def describe_os_error(error: OSError) -> str:
    """One line: what the system refused, where, and what to do."""
    library = missing_library(error)
    if library is not None:
        return library
    where = error.filename if error.filename is not None else None
    advice = OS_ADVICE.get(error.errno or 0, "")
    what = error.strerror or str(error)
    line = f"{what}: {where}" if where is not None else what
    return f"{line} ({advice}); nothing was published" if advice else f"{line}; nothing was published"


def missing_library(error: BaseException) -> str | None:
    match = MISSING_LIBRARY.search(str(error))
    if match is None:
        return None
    name = match.group(1) or match.group(2)
    package = next((package for stem, package in LIBRARY_PACKAGES.items() if stem in name), None)
    install = f"`sudo apt-get install {package}`" if package else "the package that provides it"
    return (f"a system library is missing: {name}. Run `make setup` (it installs every system package the "
            f"build needs), or install {install}; nothing was published")


PROGRESS_LINE = re.compile(r"^\s*(INFO|DEBUG)\b")  # an engine's news, not its complaint
FRAME_LINE = re.compile(r'^\s+File "([^"]+)", line (\d+)')
ERRNO_LINE = re.compile(r"\[Errno (\d+)\] ([^:]+?)(?:: '(.*)')?$")
EXCEPTION_LINE = re.compile(r"^([A-Za-z_][\w.]*(?:Error|Exception|Exit)): (.*)$")


def tool_failure(output: str, writing_to: Path | None = None) -> str:
    """A failed tool's output as a user should see it: its own messages, with each Python
    traceback in it cut down to its last line, and a system error put in our words (naming
    `writing_to` when the tool's error names no file)."""
    kept: list[str] = []
    in_traceback = in_news = False
    where = ""
    for line in output.splitlines():
        if line.startswith("Traceback (most recent call last):"):
            in_traceback, where = True, ""
            continue
        if in_traceback:
            frame = FRAME_LINE.match(line)
            if frame and not frame.group(1).startswith("<") and "site-packages" not in frame.group(1) and "/lib/python" not in frame.group(1):
                where = f"{frame.group(1)}:{frame.group(2)}"  # the last frame outside the libraries: a template, say
            if line.startswith((" ", "\t", "During handling", "The above exception")) or not line.strip():
                continue
            in_traceback = False
            kept.append(exception_line(line, writing_to) + (f" (at {where})" if where else ""))
            continue
        if PROGRESS_LINE.match(line) or (in_news and line[:1].isspace()):
            in_news = True  # an engine's news and the lines that continue it
            continue
        in_news = False
        kept.append(os_error_line(line, writing_to))
    # An engine that logs a system error and then raises it says the same thing twice.
    return "\n".join(dict.fromkeys(line for line in kept if line.strip())).strip()


def os_error_line(line: str, writing_to: Path | None = None) -> str:
    """A logged line that carries a system error ("ERROR - Error building page 'x.md': [Errno 28]
    No space left on device"), said in our words like a raised one."""
    found = ERRNO_LINE.search(line)
    if found is None:
        return line
    number, text, filename = found.groups()
    filename = filename or (str(writing_to) if writing_to is not None else None)
    return describe_os_error(OSError(int(number), text, filename) if filename else OSError(int(number), text))


def exception_line(line: str, writing_to: Path | None = None) -> str:
    match = EXCEPTION_LINE.match(line.strip())
    if match is None:
        return line
    name, message = match.groups()
    if ERRNO_LINE.search(message) is not None:
        return os_error_line(message, writing_to)
    library = missing_library(Exception(message))
    return library or f"{name.rsplit('.', 1)[-1]}: {message}"


@contextmanager
def writing(path: Path | str) -> Iterator[None]:
    """Name `path` in an OSError raised while writing it: a write() that finds the disk full
    says nothing of where it was writing."""
    try:
        yield
    except OSError as error:
        if error.filename is None and error.errno is not None:
            raise OSError(error.errno, error.strerror, str(path)) from error
        raise
