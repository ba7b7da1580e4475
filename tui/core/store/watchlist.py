"""The watched sends, kept in `watchlist.toml` in the user config dir.

Several sendwatch instances (a TUI in tmux, a headless `sendwatch add`) may share the
file, so every change is lock → re-read → apply → atomic write: nobody's edit is lost.
A file we cannot fully understand is copied aside first, never emptied or lost.
"""

from __future__ import annotations

import tomllib
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TypeVar

import tomlkit

from tui.core.api.errors import SendwatchError, UsageError
from tui.core.api.ids import check_id
from tui.core.api.model import SendKind
from tui.core.store.atomic import (
    StorageError,
    atomic_write,
    copy_aside,
    file_lock,
    storage_error,
)
from tui.core.store.config import PROFILE_NAME
from tui.core.store.paths import config_dir
from tui.core.store.recovery import ENTRY_HEADER, salvage
from tui.core.store.tomlfile import toml_error_position
from tui.core.text import echoed

FORMAT_VERSION = 1
_T = TypeVar("_T")
_KINDS = ", ".join(kind.value for kind in SendKind)


MAX_LABEL = 200  # the one label limit: the add dialog and the label prompt use it too


def send_key(profile: str, kind: str, message_id: str, token_id: str) -> str:
    """A watched send's identity: the same send on another profile is another send."""
    return f"{profile}/{kind}/{message_id}/{token_id}"


def _clean_label(label: str) -> str:
    """One line of printable text: a label is shown in a one-row sidebar entry."""
    return " ".join("".join(ch if ch.isprintable() else " " for ch in label).split())[:MAX_LABEL]


def _short(value: str, width: int = 8) -> str:
    return value if len(value) <= width + 2 else value[:width] + "…"


@dataclass(frozen=True, slots=True)
class WatchedSend:
    """One send being watched. Ids only: secrets stay in the config and its sources."""

    profile: str
    message_id: str
    token_id: str
    kind: SendKind
    label: str = ""
    added: datetime = field(default_factory=lambda: datetime.now(UTC).replace(microsecond=0))

    def __post_init__(self) -> None:
        if not PROFILE_NAME.fullmatch(self.profile):
            raise UsageError(f"profile name {echoed(self.profile)} is not valid")
        check_id("message id", self.message_id)
        check_id("token id", self.token_id)
        try:
            kind = SendKind(self.kind)
        except ValueError:
            raise UsageError(f"send kind {echoed(self.kind)} is not one of {_KINDS}") from None
        if self.added.tzinfo is None:
            raise ValueError("WatchedSend.added must be timezone-aware")
        object.__setattr__(self, "kind", kind)
        object.__setattr__(self, "label", _clean_label(self.label))
        object.__setattr__(self, "added", self.added.astimezone(UTC))

    @property
    def key(self) -> str:
        return send_key(self.profile, self.kind, self.message_id, self.token_id)

    @property
    def display_name(self) -> str:
        return self.label or f"{_short(self.message_id)}/{_short(self.token_id)}"

    def to_table(self) -> dict[str, Any]:
        return {
            "profile": self.profile,
            "kind": self.kind.value,
            "message_id": self.message_id,
            "token_id": self.token_id,
            "label": self.label,
            "added": self.added,
        }


class _BadEntry(Exception):
    """Why one `[[sends]]` entry cannot be used."""


def _send_from_table(entry: object) -> WatchedSend:
    """Build a WatchedSend from one parsed TOML table, or raise _BadEntry saying why."""
    if not isinstance(entry, dict):
        raise _BadEntry("it is not a table")
    for key in ("profile", "kind", "message_id", "token_id"):
        if key not in entry:
            raise _BadEntry(f"it has no {key!r}")
        if not isinstance(entry[key], str):
            raise _BadEntry(f"{key!r} is not a string")
    label = entry.get("label", "")
    added = entry.get("added", datetime.now(UTC).replace(microsecond=0))
    if not isinstance(label, str):
        raise _BadEntry("'label' is not a string")
    if not isinstance(added, datetime):
        raise _BadEntry("'added' is not a date-time")
    if added.tzinfo is None:
        added = added.replace(tzinfo=UTC)
    try:
        return WatchedSend(
            entry["profile"], entry["message_id"], entry["token_id"], entry["kind"], label, added
        )
    except SendwatchError as exc:
        raise _BadEntry(str(exc)) from None


@dataclass(frozen=True, slots=True)
class _State:
    sends: tuple[WatchedSend, ...] = ()
    selected: str | None = None

    def find(self, key: str) -> int | None:
        return next((i for i, s in enumerate(self.sends) if s.key == key), None)


@dataclass(frozen=True, slots=True)
class _Disk:
    """What the file held: usable state, plus problems that mean it must be set aside."""

    state: _State
    problems: tuple[str, ...] = ()
    unreadable: bool = False  # nothing could be salvaged from the file
    recovered: tuple[int, int] | None = None  # (sends kept, sends meant) of a damaged file


class WatchList:
    """The ordered watched sends and the selected one, shared safely between instances."""

    def __init__(self, path: Path | None = None) -> None:
        self.path = path or config_dir() / "watchlist.toml"
        self._state = _State()
        self.warnings: list[str] = []
        """Every warning so far, including files set aside during a change."""

    # --- reading --------------------------------------------------------------------

    @property
    def sends(self) -> tuple[WatchedSend, ...]:
        return self._state.sends

    @property
    def selected(self) -> str | None:
        return self._state.selected

    def get(self, key: str) -> WatchedSend | None:
        index = self._state.find(key)
        return None if index is None else self._state.sends[index]

    def index(self, key: str) -> int | None:
        return self._state.find(key)

    def __len__(self) -> int:
        return len(self._state.sends)

    def load(self) -> list[str]:
        """Read the file; return warnings about anything that had to be set aside."""
        disk = self._read_disk()
        warnings: list[str] = []
        if disk.problems:
            with file_lock(self.path, "the watch list"):
                disk = self._read_disk()  # another instance may have fixed it meanwhile
                if disk.problems:
                    warnings = self._set_aside(disk, disk.state, quiet=True)
        self._state = disk.state
        self.warnings.extend(warnings)
        return warnings

    def _read_disk(self) -> _Disk:
        try:
            raw = self.path.read_bytes()
        except FileNotFoundError:
            return _Disk(_State())
        except OSError as exc:
            raise storage_error("read", self.path, exc) from exc
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            line = raw[: exc.start].count(b"\n") + 1
            return self._recover(raw.decode("utf-8", "replace"), f"line {line}: not UTF-8 text")
        try:
            data = tomllib.loads(text)
        except tomllib.TOMLDecodeError as exc:
            line, detail = toml_error_position(exc, text)
            return self._recover(text, f"line {line}: {detail}", utf8=True)
        return self._parse(data, text)

    def inspect(self) -> tuple[tuple[WatchedSend, ...], tuple[str, ...]]:
        """The usable sends and the file's problems, changing nothing (restore checks this)."""
        disk = self._read_disk()
        return disk.state.sends, disk.problems

    def _recover(self, text: str, why: str, *, utf8: bool = False) -> _Disk:
        """A file that does not parse whole: keep each `[[sends]]` entry that does."""
        found = salvage(text, undecodable=not utf8)
        disk = self._parse(found.data, text)
        kept = len(disk.state.sends)
        problems = (why, *disk.problems)
        return _Disk(disk.state, problems, unreadable=not kept, recovered=(kept, found.entries))

    def _parse(self, data: dict[str, Any], text: str) -> _Disk:
        version = data.get("version", FORMAT_VERSION)
        if not isinstance(version, int) or isinstance(version, bool):
            return _Disk(_State(), ("'version' is not a number",), unreadable=True)
        if version > FORMAT_VERSION:
            raise StorageError(
                f"{self.path} was written by a newer sendwatch (format {version}); "
                "upgrade sendwatch to use it"
            )
        entries = data.get("sends", [])
        if not isinstance(entries, list):
            return _Disk(_State(), ("'sends' is not a list of tables",), unreadable=True)
        sends, problems = _parse_entries(entries, text)
        keys = {s.key for s in sends}
        selected = data.get("selected")
        chosen = selected if isinstance(selected, str) and selected in keys else None
        state = _State(tuple(sends), chosen)
        return _Disk(state, tuple(problems), unreadable=bool(entries) and not sends)

    def _set_aside(self, disk: _Disk, salvaged: _State, *, quiet: bool) -> list[str]:
        """Move the file aside, then save what we could use; returns what to tell the user.

        `quiet` (load) turns failures into warnings; during a change they must raise,
        because writing over a file we could not move would lose its contents.
        """
        name = self.path.name
        try:
            aside = copy_aside(self.path)
        except StorageError as exc:
            if not quiet:
                raise
            return [f"{name} has problems ({'; '.join(disk.problems)}) and {exc}"]
        if disk.recovered and not disk.unreadable:
            kept, meant = disk.recovered
            notes = [f"{name}: skipped {problem}" for problem in disk.problems[1:]]
            notes.append(
                f"{name} was damaged ({disk.problems[0]}): recovered {kept} of its {meant} "
                f"sends; the damaged file is saved as {aside} (`sendwatch watchlist restore`)"
            )
        elif disk.unreadable:
            found = "; ".join(disk.problems)
            notes = [f"{name} was corrupt ({found}); a copy is saved as {aside}"]
        else:
            notes = [f"{name}: skipped {problem}" for problem in disk.problems]
            notes.append(f"the original {name} is saved as {aside.name}")
        notes[-1] += " — your sends are not lost"
        if quiet:
            try:
                if salvaged.sends:
                    self._write(salvaged)
                else:
                    self.path.unlink()
            except (StorageError, OSError) as exc:
                notes.append(f"the usable sends were not saved again: {exc}")
        return notes

    # --- changing -------------------------------------------------------------------

    def _mutate(self, op: Callable[[_State], tuple[_State, _T]]) -> _T:
        """Lock, merge with the file as it is now, apply `op`, write; memory follows disk."""
        with file_lock(self.path, "the watch list"):
            disk = self._read_disk()
            base = self._state if disk.unreadable else disk.state
            notes = self._set_aside(disk, base, quiet=False) if disk.problems else []
            try:
                new, result = op(base)
                if new != disk.state or disk.problems:
                    self._write(new)
            finally:
                self.warnings.extend(notes)
        self._state = new
        return result

    def _write(self, state: _State) -> None:
        data: dict[str, Any] = {"version": FORMAT_VERSION}
        if state.selected is not None:
            data["selected"] = state.selected
        if state.sends:
            data["sends"] = [s.to_table() for s in state.sends]
        atomic_write(self.path, tomlkit.dumps(data).encode("utf-8"), mode=0o600)

    def add(self, send: WatchedSend) -> WatchedSend:
        """Append `send`; if its key is already watched, return the existing entry."""

        def op(state: _State) -> tuple[_State, WatchedSend]:
            index = state.find(send.key)
            if index is not None:
                return state, state.sends[index]
            return replace(state, sends=(*state.sends, send)), send

        return self._mutate(op)

    def remove(self, key: str) -> tuple[int, WatchedSend] | None:
        """Drop a send; returns (index, send) for undo, None if it was already gone.

        If it was selected, the selection moves to the send that takes its place.
        """

        def op(state: _State) -> tuple[_State, tuple[int, WatchedSend] | None]:
            index = state.find(key)
            if index is None:
                return state, None
            sends = state.sends[:index] + state.sends[index + 1 :]
            selected = state.selected
            if selected == key:
                selected = sends[min(index, len(sends) - 1)].key if sends else None
            return _State(sends, selected), (index, state.sends[index])

        return self._mutate(op)

    def restore(self, index: int, send: WatchedSend) -> WatchedSend:
        """Undo a remove: put `send` back at `index` (clamped) unless it is already there."""

        def op(state: _State) -> tuple[_State, WatchedSend]:
            existing = state.find(send.key)
            if existing is not None:
                return state, state.sends[existing]
            at = max(0, min(index, len(state.sends)))
            sends = (*state.sends[:at], send, *state.sends[at:])
            return replace(state, sends=sends), send

        return self._mutate(op)

    def set_label(self, key: str, label: str) -> WatchedSend | None:
        """Rename a send; None if another instance removed it meanwhile (removal wins)."""

        def op(state: _State) -> tuple[_State, WatchedSend | None]:
            index = state.find(key)
            if index is None:
                return state, None
            updated = replace(state.sends[index], label=label)
            sends = (*state.sends[:index], updated, *state.sends[index + 1 :])
            return replace(state, sends=sends), updated

        return self._mutate(op)

    def move(self, key: str, delta: int) -> int | None:
        """Shift a send by `delta` places (clamped); returns its new index, None if gone."""

        def op(state: _State) -> tuple[_State, int | None]:
            index = state.find(key)
            if index is None:
                return state, None
            rest = list(state.sends)
            send = rest.pop(index)
            at = max(0, min(index + delta, len(rest)))
            rest.insert(at, send)
            return replace(state, sends=tuple(rest)), at

        return self._mutate(op)

    def select(self, key: str | None) -> bool:
        """Remember the selected send across restarts; False if `key` is not watched."""

        def op(state: _State) -> tuple[_State, bool]:
            if key is not None and state.find(key) is None:
                return state, False
            return replace(state, selected=key), True

        return self._mutate(op)


def _parse_entries(entries: list[Any], text: str) -> tuple[list[WatchedSend], list[str]]:
    """Usable sends in order, and one line per entry that had to be skipped."""
    lines = [n for n, line in enumerate(text.splitlines(), 1) if ENTRY_HEADER.match(line)]
    sends: list[WatchedSend] = []
    seen: set[str] = set()
    problems: list[str] = []
    for number, entry in enumerate(entries, 1):
        where = f"entry {number}"
        if len(lines) == len(entries):
            where += f" (line {lines[number - 1]})"
        try:
            send = _send_from_table(entry)
        except _BadEntry as exc:
            problems.append(f"{where}: {exc}")
            continue
        if send.key in seen:
            problems.append(f"{where}: repeats an earlier entry")
            continue
        seen.add(send.key)
        sends.append(send)
    return sends, problems
