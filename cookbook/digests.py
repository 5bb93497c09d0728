"""Content digests shared by every stage: of files, of folders, and of this package's code.

The PDF cache keys its entries with them, and the site keys each edition's last output: the
same inputs and the same code give the same digest, so a hit can never be stale.
"""

from __future__ import annotations

import hashlib
from functools import lru_cache
from importlib.metadata import version
from pathlib import Path


@lru_cache(maxsize=1)
def code_version() -> str:
    """This package's source (every subpackage) and the rendering libraries' versions."""
    digest = hashlib.sha256()
    package = Path(__file__).parent
    for path in sorted(package.rglob("*")):
        if path.is_file() and path.suffix in (".py", ".json"):
            digest.update(path.relative_to(package).as_posix().encode())
            digest.update(path.read_bytes())
    for library in ("weasyprint", "pydyf", "pikepdf", "segno", "libvoikko", "Markdown", "pymdown-extensions"):
        digest.update(f"{library}={version(library)}".encode())
    return digest.hexdigest()


@lru_cache(maxsize=4096)
def _file_digest(path: str, size: int, mtime_ns: int) -> str:
    with open(path, "rb") as handle:
        return hashlib.file_digest(handle, "sha256").hexdigest()


def file_digest(path: Path) -> str:
    """The hash of a file's bytes (remembered while its size and time stay the same)."""
    stat = path.stat()
    return _file_digest(str(path), stat.st_size, stat.st_mtime_ns)


def folder_digest(folder: Path) -> str:
    digest = hashlib.sha256()
    for path in sorted(folder.rglob("*")) if folder.is_dir() else ():
        if path.is_file():
            digest.update(path.relative_to(folder).as_posix().encode() + b"\0" + file_digest(path).encode())
    return digest.hexdigest()
