"""One build at a time in a checkout: a second `make` (or a build started while another runs)
waits for the first instead of writing into the same folders under build/ and site/.

The lock is the operating system's (flock): it belongs to the open lock file, which the build's
helpers share (forked workers inherit it, the engine processes are handed it), so it is let go
only when the last process of a build ends, however it ends. A build killed by a signal never
leaves it behind, and the engines of a killed build that are still writing keep the next build
waiting until they are done. Beside it, the holder writes who it is, so that the one waiting
can say what it waits for.
"""

from __future__ import annotations

import fcntl
import json
import os
import sys
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

from .config import Project
from .errors import writing

_held: list[int] = []  # the lock file's descriptor while this process holds the lock


def lock_path(project: Project) -> Path:
    return project.build_dir / ".build.lock"


def owner_path(project: Project) -> Path:
    return project.build_dir / ".build.lock.owner"


@contextmanager
def one_build_at_a_time(project: Project, command: str) -> Iterator[None]:
    """Hold the checkout's build lock for the block, waiting (and saying so) while another has it."""
    project.build_dir.mkdir(parents=True, exist_ok=True)
    with writing(lock_path(project)):
        descriptor = os.open(lock_path(project), os.O_RDWR | os.O_CREAT, 0o644)
    try:
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            print(f"waiting: {holder(project)} is running in this checkout; this build starts when it ends "
                  "(Ctrl-C stops waiting)", file=sys.stderr, flush=True)
            fcntl.flock(descriptor, fcntl.LOCK_EX)
        owner = {"pid": os.getpid(), "command": command, "started": time.strftime("%H:%M:%S")}
        with writing(owner_path(project)):
            owner_path(project).write_text(json.dumps(owner), encoding="utf-8")
        _held.append(descriptor)
        try:
            yield
        finally:
            _held.remove(descriptor)
    finally:
        os.close(descriptor)  # the lock goes with the last process that has the file open


def held_lock() -> tuple[int, ...]:
    """The lock's descriptor, for a child process to keep it (`pass_fds`); empty if none is held."""
    return tuple(_held)


def holder(project: Project) -> str:
    """Who holds the lock, as well as its note says ("another build" if it cannot be read)."""
    try:
        owner = json.loads(owner_path(project).read_text(encoding="utf-8"))
        return f"another build (`build.py {owner['command']}`, process {owner['pid']}, started {owner['started']})"
    except (OSError, ValueError, KeyError, TypeError):
        return "another build"
