"""history.sqlite3: first-seen semantics, restart survival, scale, damage and full disks."""

from __future__ import annotations

import os
import sqlite3
import threading
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest

from tui.core.api.errors import SendwatchError
from tui.core.store.history import History, HistoryError

T0 = datetime(2026, 11, 26, 19, 20, tzinfo=UTC)
MC = timezone(timedelta(hours=-6))
KEY = "demo/messageContact/MzA6Nzg6MA/tok"


def since_of(history: History) -> dict[str, datetime]:
    """When each number's current outcome was first seen."""
    return {number: seen for number, (_, seen) in history.current(KEY).items()}


def at(minutes: int) -> datetime:
    return T0 + timedelta(minutes=minutes)


@pytest.fixture
def db(tmp_path: Path) -> Path:
    return tmp_path / "data" / "history.sqlite3"


@pytest.fixture
def history(db: Path) -> History:
    return History(db)


# --- statuses -----------------------------------------------------------------------


def test_status_is_recorded_only_the_first_time(history: History) -> None:
    assert history.record_status(KEY, "New", at(0)) is True
    assert history.record_status(KEY, "Queuing", at(1)) is True
    assert history.record_status(KEY, "New", at(2)) is False
    assert history.record_status(KEY, "Started", at(3)) is True
    assert history.status_observations(KEY) == [
        ("New", at(0)),
        ("Queuing", at(1)),
        ("Started", at(3)),
    ]
    assert history.status_observations("other") == []


def test_times_come_back_aware_and_equal(history: History) -> None:
    seen = datetime(2026, 11, 26, 13, 20, 0, 123456, tzinfo=MC)
    history.record_status(KEY, "New", seen)
    ((_, back),) = history.status_observations(KEY)
    assert back == seen and back.utcoffset() == timedelta(0)
    with pytest.raises(ValueError, match="timezone-aware"):
        history.record_status(KEY, "Queuing", datetime(2026, 1, 1))


def test_sends_are_kept_apart(history: History) -> None:
    history.record_status("a", "New", at(0))
    history.record_outcomes("a", {"+1": 2000}, at(0))
    assert history.record_status("b", "New", at(5)) is True
    assert history.status_observations("b") == [("New", at(5))]
    assert history.record_outcomes("b", {"+1": 2000}, at(5)) == 1
    assert history.outcome_history("b", "+1") == [("2000", at(5))]


# --- outcomes -----------------------------------------------------------------------


def test_only_outcome_changes_are_stored(history: History) -> None:
    assert history.record_outcomes(KEY, {"+1": 1000, "+2": None, "+3": "DELIVRD"}, at(0)) == 3
    assert history.record_outcomes(KEY, {"+1": 1000, "+2": None, "+3": "DELIVRD"}, at(1)) == 0
    assert history.record_outcomes(KEY, {"+1": 2000, "+2": None}, at(2)) == 1
    assert history.record_outcomes(KEY, {"+1": 1000, "+4": 3000}, at(3)) == 2
    assert history.outcome_history(KEY, "+1") == [
        ("1000", at(0)),
        ("2000", at(2)),
        ("1000", at(3)),
    ]
    assert history.outcome_history(KEY, "+2") == [("", at(0))]
    assert history.outcome_history(KEY, "+3") == [("DELIVRD", at(0))]
    assert history.outcome_history(KEY, "+9") == []
    assert since_of(history) == {"+1": at(3), "+2": at(0), "+3": at(0), "+4": at(3)}


def test_everything_survives_a_restart(db: Path) -> None:
    first = History(db)
    first.record_status(KEY, "New", at(0))
    first.record_outcomes(KEY, {"+1": 1000, "+2": 1000}, at(0))
    first.record_outcomes(KEY, {"+1": 2000}, at(4))
    first.close()
    second = History(db)
    assert second.record_status(KEY, "New", at(9)) is False
    assert second.status_observations(KEY) == [("New", at(0))]
    assert since_of(second) == {"+1": at(4), "+2": at(0)}
    assert second.record_outcomes(KEY, {"+1": 2000, "+2": 1000}, at(9)) == 0
    assert second.record_outcomes(KEY, {"+2": 2000}, at(10)) == 1
    assert second.outcome_history(KEY, "+2") == [("1000", at(0)), ("2000", at(10))]
    assert second.warnings == []


def test_a_hundred_thousand_numbers_in_one_call(history: History) -> None:
    numbers = {f"+1555{n:07d}": 1000 for n in range(100_000)}
    assert history.record_outcomes(KEY, numbers, at(0)) == 100_000
    numbers["+15550004242"] = 2000
    assert history.record_outcomes(KEY, numbers, at(1)) == 1
    since = since_of(history)
    assert len(since) == 100_000 and since["+15550004242"] == at(1)
    assert since["+15550000000"] == at(0)


def test_prune_drops_only_unwatched_sends_not_seen_lately(history: History) -> None:
    history.record_status(KEY, "New", at(0))
    history.record_outcomes(KEY, {"+1": 1000}, at(0))
    history.record_status("watched", "New", at(0))
    history.record_status("removed lately", "New", at(0))
    history.record_outcomes("removed lately", {"+1": 4000}, at(90))  # the latest counts
    assert history.prune({"watched"}, before=at(60)) == 1
    assert history.status_observations(KEY) == []
    assert since_of(history) == {}
    assert history.record_outcomes(KEY, {"+1": 1000}, at(100)) == 1, "the cache went too"
    assert history.status_observations("watched") == [("New", at(0))]
    assert history.status_observations("removed lately") == [("New", at(0))]
    assert history.prune({"watched"}, before=at(60)) == 0


def test_worker_threads_can_share_one_instance(history: History) -> None:
    errors: list[BaseException] = []

    def work(n: int) -> None:
        try:
            for step in range(20):
                history.record_status(f"send{n}", f"S{step}", at(step))
                history.record_outcomes(f"send{n}", {f"+{i}": step for i in range(50)}, at(step))
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert all(len(history.status_observations(f"send{n}")) == 20 for n in range(4))
    assert len(history.outcome_history("send3", "+7")) == 20


def test_the_file_is_owner_only_and_in_wal_mode(db: Path, history: History) -> None:
    history.record_status(KEY, "New", at(0))
    assert db.stat().st_mode & 0o777 == 0o600
    with sqlite3.connect(db) as conn:
        assert conn.execute("PRAGMA journal_mode").fetchone() == ("wal",)


def test_default_path_is_in_the_xdg_data_dir(isolated_dirs: Path) -> None:
    History().record_status(KEY, "New", at(0))
    assert (isolated_dirs / "data" / "sendwatch" / "history.sqlite3").exists()


# --- damage and failures ------------------------------------------------------------


def test_garbage_file_is_set_aside_and_a_fresh_one_started(db: Path) -> None:
    db.parent.mkdir(parents=True)
    garbage = b"this is not a database, it is a shopping list\n" * 200
    db.write_bytes(garbage)
    history = History(db)
    (warning,) = history.warnings
    (aside,) = db.parent.glob("history.sqlite3.corrupt-*")
    assert aside.read_bytes() == garbage
    assert "moved aside" in warning and aside.name in warning
    assert history.record_status(KEY, "New", at(0)) is True
    assert History(db).status_observations(KEY) == [("New", at(0))]


def test_damage_found_mid_session_is_recovered(db: Path) -> None:
    first = History(db)
    first.record_status(KEY, "New", at(0))
    first.record_outcomes(KEY, {f"+{n}": n % 7 for n in range(20_000)}, at(0))
    first.close()
    with db.open("r+b") as handle:
        handle.seek(4096 * 3)
        handle.write(os.urandom(4096 * 40))
    history = History(db)
    assert since_of(history) == {}
    assert any("damaged" in w for w in history.warnings)
    assert len(list(db.parent.glob("history.sqlite3.corrupt-*"))) == 1
    assert history.record_outcomes(KEY, {"+1": 1}, at(1)) == 1


def test_full_disk_is_a_clear_error_and_nothing_half_saved(history: History) -> None:
    history.record_status(KEY, "New", at(0))
    conn = history._conn
    pages = conn.execute("PRAGMA page_count").fetchone()[0]
    conn.execute(f"PRAGMA max_page_count = {pages + 2}")
    numbers = {f"+1555{n:07d}": 1000 for n in range(20_000)}
    with pytest.raises(
        HistoryError, match=r"could not save history in .*: the disk is full"
    ) as info:
        history.record_outcomes(KEY, numbers, at(1))
    assert isinstance(info.value, SendwatchError)
    assert history.outcome_history(KEY, "+15550000001") == []
    conn.execute("PRAGMA max_page_count = 1073741823")
    assert history.record_outcomes(KEY, numbers, at(2)) == 20_000  # cache was not touched


def test_read_only_database_is_a_clear_error(history: History) -> None:
    history.record_status(KEY, "New", at(0))
    history._conn.execute("PRAGMA query_only = 1")
    with pytest.raises(HistoryError, match="the database is read-only"):
        history.record_status(KEY, "Queuing", at(1))
    with pytest.raises(HistoryError, match="the database is read-only"):
        history.record_outcomes(KEY, {"+1": 1}, at(1))
    assert history.status_observations(KEY) == [("New", at(0))]


def test_unusable_folder_is_a_history_error(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("")
    with pytest.raises(HistoryError, match="could not create the folder"):
        History(blocker / "sub" / "history.sqlite3")


def test_a_read_that_must_not_wait_says_busy_while_another_thread_writes(
    history: History,
) -> None:
    history.record_outcomes(KEY, {"+1": 1000}, at(0))
    assert history.outcome_history(KEY, "+1", wait=False) == [("1000", at(0))]
    with history._lock:  # what recording a 100,000-recipient read looks like from outside
        assert history.outcome_history(KEY, "+1", wait=False) is None
    assert history.outcome_history(KEY, "+1", wait=False) == [("1000", at(0))]
