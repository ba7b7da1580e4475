"""Bring a set-aside copy of the watch list back (`sendwatch watchlist restore`).

A damaged watch list is copied aside before its usable part is saved again, so the
copy is the only place its other sends live. Restoring is itself an edit of the list:
it takes the lock, and the file it replaces is set aside in turn, so a restore of the
wrong copy is undone by restoring the copy it made.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from tui.core.api.errors import SendwatchError, UsageError
from tui.core.store.atomic import atomic_write, copy_aside, file_lock, storage_error
from tui.core.store.watchlist import WatchList

REPLACED = "replaced"
"""The label of the copy a restore keeps of the file it replaced."""
_ASIDE = re.compile(r"\.(?P<label>corrupt|replaced)-(?P<stamp>\d{8}T\d{6})(?:-(?P<n>\d+))?")


class CopyDamaged(SendwatchError):
    """The copy has problems of its own; restoring it would just set it aside again."""

    exit_code = 7


@dataclass(frozen=True, slots=True)
class AsideCopy:
    """One set-aside copy, with what it holds."""

    path: Path
    label: str
    saved: datetime
    sends: int
    problems: tuple[str, ...]


def _order(path: Path, name: str) -> tuple[str, int, str] | None:
    """(stamp, sequence, label) of a copy's name, or None if `name` is no copy of `path`."""
    if not name.startswith(path.name):
        return None
    found = _ASIDE.fullmatch(name[len(path.name) :])
    if found is None:
        return None
    return found["stamp"], int(found["n"] or 0), found["label"]


def _newest(found: tuple[tuple[str, int, str], str], folder: Path) -> tuple[str, int, int]:
    (stamp, n, _), name = found
    try:
        made = (folder / name).stat().st_ctime_ns
    except OSError:
        made = 0
    return stamp, made, n


def aside_copies(path: Path) -> list[AsideCopy]:
    """Every set-aside copy of the watch list at `path`, newest first."""
    try:
        names = [p.name for p in path.parent.iterdir()]
    except FileNotFoundError:
        return []
    except OSError as exc:
        raise storage_error("list the folder of", path, exc) from exc
    found = [(order, name) for name in names if (order := _order(path, name))]
    copies = []
    # Within one second, the copy made last is newest: its ctime is when it was made
    # (copy2 gives it the original's mtime).
    found.sort(key=lambda item: _newest(item, path.parent), reverse=True)
    for (stamp, _, label), name in found:
        copy = path.with_name(name)
        sends, problems = WatchList(copy).inspect()
        saved = datetime.strptime(stamp, "%Y%m%dT%H%M%S").replace(tzinfo=UTC)
        copies.append(AsideCopy(copy, label, saved, len(sends), problems))
    return copies


def choose(path: Path, which: str) -> Path:
    """The copy `which` names: its number in the listing, its name, or a path to it."""
    copies = aside_copies(path)
    if which.isdecimal() and which.isascii() and 1 <= int(which) <= len(copies):
        return copies[int(which) - 1].path
    candidate = Path(which).expanduser()
    for option in (candidate, path.with_name(which)):
        if option.is_file():
            return option
    raise UsageError(
        f"no set-aside copy {which!r} (there are {len(copies)}; "
        "`sendwatch watchlist restore` lists them)"
    )


def restore(path: Path, copy: Path) -> tuple[int, Path | None]:
    """Make `copy` the watch list, byte for byte; returns (its sends, where the old file went).

    Refused when the copy is damaged too: fix it by hand first (the message says where).
    """
    sends, problems = WatchList(copy).inspect()
    if problems:
        raise CopyDamaged(
            f"{copy} has problems too ({'; '.join(problems)}); nothing was restored. "
            "Fix it in an editor and restore it again"
        )
    try:
        data = copy.read_bytes()
    except OSError as exc:
        raise storage_error("read", copy, exc) from exc
    with file_lock(path, "the watch list"):
        kept = copy_aside(path, REPLACED) if path.exists() else None
        atomic_write(path, data, mode=0o600)
    return len(sends), kept
