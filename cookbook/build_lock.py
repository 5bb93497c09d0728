"""One build at a time in a checkout: a second `make` (or a build started while another runs)
waits for the first instead of writing into the same folders under build/ and site/.

The lock is the operating system's (filelock: flock on POSIX): it is let go when its holder
ends, however it ends, so a killed build never leaves a stale lock behind. Beside it, the
holder writes who it is, so that the one waiting can say what it waits for.
"""

from __future__ import annotations

import json
import os
import sys
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

from filelock import FileLock, Timeout

from .config import Project
from .errors import writing


def lock_path(project: Project) -> Path:
    return project.build_dir / ".build.lock"


def owner_path(project: Project) -> Path:
    return project.build_dir / ".build.lock.owner"


@contextmanager
def one_build_at_a_time(project: Project, command: str) -> Iterator[None]:
    """Hold the checkout's build lock for the block, waiting (and saying so) while another has it."""
    project.build_dir.mkdir(parents=True, exist_ok=True)
    lock = FileLock(lock_path(project))
    try:
        lock.acquire(timeout=0)
    except Timeout:
        print(f"waiting: {holder(project)} is running in this checkout; this build starts when it ends "
              "(Ctrl-C stops waiting)", file=sys.stderr, flush=True)
        lock.acquire()
    try:
        owner = {"pid": os.getpid(), "command": command, "started": time.strftime("%H:%M:%S")}
        with writing(owner_path(project)):
            owner_path(project).write_text(json.dumps(owner), encoding="utf-8")
        yield
    finally:
        lock.release()


def holder(project: Project) -> str:
    """Who holds the lock, as well as its note says ("another build" if it cannot be read)."""
    try:
        owner = json.loads(owner_path(project).read_text(encoding="utf-8"))
        return f"another build (`build.py {owner['command']}`, process {owner['pid']}, started {owner['started']})"
    except (OSError, ValueError, KeyError, TypeError):
        return "another build"
