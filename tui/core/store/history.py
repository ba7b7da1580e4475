"""What sendwatch observed over time, in SQLite under the user data dir.

The API only ever says how a send is *now*; the progression (when each status and each
recipient outcome was first seen) exists only because we wrote it down. Losing it is
a nuisance, not a failure: a damaged database is set aside and a fresh one started.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
import threading
from collections.abc import Callable, Collection, Iterator, Mapping
from datetime import UTC, datetime, timedelta
from pathlib import Path
from types import TracebackType
from typing import TypeVar

from tui.core.store.atomic import StorageError, aside_name, storage_error
from tui.core.store.paths import data_dir

_T = TypeVar("_T")

_SCHEMA = """
CREATE TABLE IF NOT EXISTS status_seen (
    id INTEGER PRIMARY KEY,
    send_key TEXT NOT NULL,
    status TEXT NOT NULL,
    seen_at TEXT NOT NULL,
    UNIQUE (send_key, status)
);
CREATE TABLE IF NOT EXISTS outcome_change (
    id INTEGER PRIMARY KEY,
    send_key TEXT NOT NULL,
    mobile_number TEXT NOT NULL,
    outcome TEXT NOT NULL,
    seen_at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS outcome_by_number ON outcome_change (send_key, mobile_number, id);
PRAGMA user_version = 1;
"""

_CORRUPT_CODES = {sqlite3.SQLITE_CORRUPT, sqlite3.SQLITE_NOTADB}
_REASONS = {
    sqlite3.SQLITE_FULL: "the disk is full",
    sqlite3.SQLITE_READONLY: "the database is read-only",
    sqlite3.SQLITE_CANTOPEN: "the file cannot be opened",
    sqlite3.SQLITE_PERM: "permission denied",
    sqlite3.SQLITE_BUSY: "another sendwatch is busy with it",
    sqlite3.SQLITE_LOCKED: "another sendwatch is busy with it",
    sqlite3.SQLITE_IOERR: "a disk I/O error",
}


class HistoryError(StorageError):
    """History could not be read or saved; monitoring goes on without it."""


def _primary_code(exc: sqlite3.Error) -> int | None:
    code = getattr(exc, "sqlite_errorcode", None)
    return code & 0xFF if isinstance(code, int) else None


def _is_corrupt(exc: sqlite3.Error) -> bool:
    if _primary_code(exc) in _CORRUPT_CODES:
        return True
    text = str(exc).lower()
    return "malformed" in text or "not a database" in text


def _history_error(path: Path, action: str, exc: sqlite3.Error) -> HistoryError:
    code = _primary_code(exc)
    reason = _REASONS.get(code, str(exc)) if code is not None else str(exc)
    return HistoryError(f"could not {action} history in {path}: {reason}")


def _to_text(moment: datetime) -> str:
    if moment.tzinfo is None:
        raise ValueError("history times must be timezone-aware")
    return moment.astimezone(UTC).isoformat()


def _from_text(text: str) -> datetime:
    return datetime.fromisoformat(text)


def stored_outcome(outcome: int | str | None) -> str:
    """Codes as decimal text, labels verbatim, 'no code yet' as the empty string."""
    return "" if outcome is None else str(outcome)


@contextlib.contextmanager
def _transaction(conn: sqlite3.Connection) -> Iterator[None]:
    """One explicit transaction: 100,000 rows commit once, or not at all."""
    conn.execute("BEGIN IMMEDIATE")
    try:
        yield
    except BaseException:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        raise
    conn.execute("COMMIT")


KEEP_REMOVED = timedelta(days=30)
"""How long the history of a send that left the watch list is kept."""


class History:
    """Observed statuses and recipient outcome changes, safe to call from a worker thread."""

    def __init__(self, path: Path | None = None) -> None:
        self.path = path or data_dir() / "history.sqlite3"
        self.warnings: list[str] = []
        """Things the user should know, such as a damaged database set aside."""
        self._lock = threading.Lock()
        self._latest: dict[str, dict[str, tuple[str, str]]] = {}
        self._conn = self._open()

    # --- connection -----------------------------------------------------------------

    def _open(self) -> sqlite3.Connection:
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        except OSError as exc:
            raise storage_error("create the folder for", self.path, exc, HistoryError) from exc
        try:
            return self._connect()
        except sqlite3.Error as exc:
            if not _is_corrupt(exc):
                raise _history_error(self.path, "open", exc) from exc
            self._set_aside(exc)
        try:
            return self._connect()
        except sqlite3.Error as exc:
            raise _history_error(self.path, "open", exc) from exc

    def _connect(self) -> sqlite3.Connection:
        """Open (creating it owner-only: it holds mobile numbers) and ensure the schema."""
        with contextlib.suppress(OSError):  # sqlite3 reports the same problem, with a code
            os.close(os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600))
        conn = sqlite3.connect(
            self.path, timeout=5.0, isolation_level=None, check_same_thread=False
        )
        try:
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("PRAGMA synchronous=NORMAL")
            conn.executescript(_SCHEMA)
        except BaseException:
            conn.close()
            raise
        return conn

    def _set_aside(self, exc: sqlite3.Error) -> None:
        """Rename the damaged file (and its WAL) so a fresh one can start; keep the old."""
        aside = aside_name(self.path)
        try:
            self.path.replace(aside)
            for suffix in ("-wal", "-shm"):
                side = self.path.with_name(self.path.name + suffix)
                if side.exists():
                    side.replace(aside.with_name(aside.name + suffix))
        except OSError as err:
            raise storage_error("move aside the damaged", self.path, err, HistoryError) from err
        self._latest.clear()
        self.warnings.append(
            f"{self.path.name} was damaged ({exc}); moved aside to {aside.name} "
            "and started a fresh history"
        )

    def _recover(self, exc: sqlite3.Error) -> None:
        with contextlib.suppress(sqlite3.Error):
            self._conn.close()
        self._set_aside(exc)
        try:
            self._conn = self._connect()
        except sqlite3.Error as err:
            raise _history_error(self.path, "open", err) from err

    def _run(self, action: str, work: Callable[[sqlite3.Connection], _T]) -> _T:
        """Run `work` under the lock; on corruption set the file aside and retry once."""
        with self._lock:
            return self._locked_run(action, work)

    def _locked_run(self, action: str, work: Callable[[sqlite3.Connection], _T]) -> _T:
        try:
            return work(self._conn)
        except sqlite3.Error as exc:
            if not _is_corrupt(exc):
                raise _history_error(self.path, action, exc) from exc
            self._recover(exc)
        try:
            return work(self._conn)
        except sqlite3.Error as exc:
            raise _history_error(self.path, action, exc) from exc

    def close(self) -> None:
        with self._lock, contextlib.suppress(sqlite3.Error):
            self._conn.close()

    def __enter__(self) -> History:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    # --- statuses -------------------------------------------------------------------

    def record_status(self, send_key: str, status: str, seen_at: datetime) -> bool:
        """Note `status` the first time it is seen for this send; True if it was new."""
        row = (send_key, status, _to_text(seen_at))

        def work(conn: sqlite3.Connection) -> bool:
            cursor = conn.execute(
                "INSERT OR IGNORE INTO status_seen (send_key, status, seen_at) VALUES (?, ?, ?)",
                row,
            )
            return cursor.rowcount == 1

        return self._run("save", work)

    def status_observations(self, send_key: str) -> list[tuple[str, datetime]]:
        """Each status with when it was first seen, in the order they were seen."""

        def work(conn: sqlite3.Connection) -> list[tuple[str, datetime]]:
            rows = conn.execute(
                "SELECT status, seen_at FROM status_seen WHERE send_key = ? ORDER BY id",
                (send_key,),
            )
            return [(status, _from_text(seen)) for status, seen in rows]

        return self._run("read", work)

    # --- outcomes -------------------------------------------------------------------

    def _latest_for(self, conn: sqlite3.Connection, send_key: str) -> dict[str, tuple[str, str]]:
        """Latest (outcome, first seen) per number, read once per send and then kept."""
        latest = self._latest.get(send_key)
        if latest is None:
            shared: dict[str, str] = {}
            rows = conn.execute(
                "SELECT mobile_number, outcome, seen_at FROM outcome_change "
                "WHERE send_key = ? ORDER BY id",
                (send_key,),
            )
            latest = {
                number: (shared.setdefault(outcome, outcome), shared.setdefault(seen, seen))
                for number, outcome, seen in rows
            }
            self._latest[send_key] = latest
        return latest

    def record_outcomes(
        self, send_key: str, outcomes: Mapping[str, int | str | None], seen_at: datetime
    ) -> int:
        """Store each number whose outcome is new or changed; returns how many were stored."""
        stamp = _to_text(seen_at)

        def work(conn: sqlite3.Connection) -> int:
            latest = self._latest_for(conn, send_key)
            changes: dict[str, str] = {}
            for number, outcome in outcomes.items():
                text = stored_outcome(outcome)
                known = latest.get(number)
                if known is None or known[0] != text:
                    changes[number] = text
            if changes:
                with _transaction(conn):
                    conn.executemany(
                        "INSERT INTO outcome_change (send_key, mobile_number, outcome, seen_at) "
                        "VALUES (?, ?, ?, ?)",
                        ((send_key, number, text, stamp) for number, text in changes.items()),
                    )
                latest.update((number, (text, stamp)) for number, text in changes.items())
            return len(changes)

        return self._run("save", work)

    def outcome_history(
        self, send_key: str, mobile_number: str, *, wait: bool = True
    ) -> list[tuple[str, datetime]] | None:
        """Each outcome this number had, with when it was first seen, oldest first.

        With `wait=False`, None at once when another thread is using the database
        (recording a big read can take a while): a UI can then read in a thread.
        """

        def work(conn: sqlite3.Connection) -> list[tuple[str, datetime]]:
            rows = conn.execute(
                "SELECT outcome, seen_at FROM outcome_change "
                "WHERE send_key = ? AND mobile_number = ? ORDER BY id",
                (send_key, mobile_number),
            )
            return [(outcome, _from_text(seen)) for outcome, seen in rows]

        if wait:
            return self._run("read", work)
        if not self._lock.acquire(blocking=False):
            return None
        try:
            return self._locked_run("read", work)
        finally:
            self._lock.release()

    def current(self, send_key: str) -> dict[str, tuple[str, datetime]]:
        """Number → its latest outcome as stored (see `stored_outcome`) and when that was
        first seen: what a restart needs to tell an old outcome from a new one."""

        def work(conn: sqlite3.Connection) -> dict[str, tuple[str, datetime]]:
            parsed: dict[str, datetime] = {}
            result: dict[str, tuple[str, datetime]] = {}
            for number, (outcome, seen) in self._latest_for(conn, send_key).items():
                moment = parsed.get(seen)
                if moment is None:
                    moment = parsed[seen] = _from_text(seen)
                result[number] = (outcome, moment)
            return result

        return self._run("read", work)

    def prune(self, keep: Collection[str], before: datetime) -> int:
        """Drop the sends not in `keep` whose last observation is older than `before`.

        A removed send keeps its history for a while, so undo or adding it again shows
        its progression; after that, a 100,000-recipient send's rows would only grow the
        file. Returns how many sends were dropped.
        """
        stamp = _to_text(before)

        def work(conn: sqlite3.Connection) -> int:
            last = conn.execute(
                "SELECT send_key, MAX(seen_at) FROM ("
                " SELECT send_key, seen_at FROM status_seen"
                " UNION ALL SELECT send_key, seen_at FROM outcome_change"
                ") GROUP BY send_key"
            )
            gone = [(key,) for key, seen in last if key not in keep and seen < stamp]
            if gone:
                with _transaction(conn):
                    conn.executemany("DELETE FROM status_seen WHERE send_key = ?", gone)
                    conn.executemany("DELETE FROM outcome_change WHERE send_key = ?", gone)
                for (key,) in gone:
                    self._latest.pop(key, None)
            return len(gone)

        return self._run("prune", work)
