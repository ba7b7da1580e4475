"""Crash-safe file writes and a cross-process lock for the files sendwatch owns.

A write either lands whole or not at all: a power cut, a full disk or a second
sendwatch never leaves a half-written watch list or config behind.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import shutil
import tempfile
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

from tui.core.api.errors import SendwatchError, describe_os_error

LOCK_TIMEOUT = 2.0
_POLL = 0.005
"""Short: a writer editing in a loop frees the lock for milliseconds between edits, and a
waiter that looked only every 50 ms missed those gaps until it gave up."""


class StorageError(SendwatchError):
    """A file or database sendwatch keeps could not be read or written."""

    exit_code = 74


class LockTimeout(StorageError):
    """Another process held the lock for longer than we are willing to wait."""


def storage_error(
    action: str, path: Path, exc: OSError, cls: type[StorageError] = StorageError
) -> StorageError:
    """Wrap an OSError so the message says what failed, where, and why."""
    return cls(f"could not {action} {path}: {describe_os_error(exc)}")


def _fsync_dir(directory: Path) -> None:
    """Make a rename durable; some platforms cannot open a directory, which is fine."""
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def atomic_write(path: Path, data: bytes, *, mode: int = 0o600) -> None:
    """Replace `path` with `data` via temp file + fsync + rename; the old file survives failure.

    The temp file lives in the same directory so the rename cannot cross file systems,
    and it is created with `mode` so a secret is never readable even for a moment.
    """
    try:
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        fd, tmp_name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    except OSError as exc:
        raise storage_error("write", path, exc) from exc
    tmp = Path(tmp_name)
    try:
        with os.fdopen(fd, "wb") as handle:
            os.fchmod(handle.fileno(), mode)
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except OSError as exc:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise storage_error("write", path, exc) from exc
    _fsync_dir(path.parent)


def lock_path(path: Path) -> Path:
    return path.with_name(path.name + ".lock")


@contextlib.contextmanager
def file_lock(path: Path, what: str, *, timeout: float | None = None) -> Iterator[None]:
    """Hold an exclusive flock on `<path>.lock`, polling up to `timeout` (LOCK_TIMEOUT) s.

    A sidecar file is locked (not `path` itself) because `path` is replaced by rename,
    and a lock on a replaced inode would protect nothing.
    """
    target = lock_path(path)
    try:
        target.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        fd = os.open(target, os.O_RDWR | os.O_CREAT, 0o600)
    except OSError as exc:
        raise storage_error("lock", path, exc) from exc
    try:
        _acquire(fd, what, LOCK_TIMEOUT if timeout is None else timeout)
        yield
    finally:
        os.close(fd)  # closing the descriptor releases the flock


def _acquire(fd: int, what: str, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while True:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return
        except BlockingIOError:
            if time.monotonic() >= deadline:
                raise LockTimeout(
                    f"another sendwatch is writing {what} (waited {timeout:g} s); try again"
                ) from None
            time.sleep(_POLL)


def aside_name(path: Path, label: str = "corrupt") -> Path:
    """A free sibling name like `watchlist.toml.corrupt-20261126T192000`."""
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S")
    candidate = path.with_name(f"{path.name}.{label}-{stamp}")
    n = 1
    while candidate.exists():
        candidate = path.with_name(f"{path.name}.{label}-{stamp}-{n}")
        n += 1
    return candidate


def copy_aside(path: Path, label: str = "corrupt") -> Path:
    """Copy a damaged file out of the way and return the copy's name.

    A copy, not a rename: until the repaired file is written over the original, the
    original stays where it was, so a failed write (a full disk) loses nothing.
    """
    target = aside_name(path, label)
    try:
        shutil.copy2(path, target)
    except OSError as exc:
        raise storage_error("copy aside", path, exc) from exc
    return target
