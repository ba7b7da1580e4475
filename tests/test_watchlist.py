"""watchlist.toml: the format, every change merged under a lock, nothing ever lost."""

from __future__ import annotations

import errno
import fcntl
import subprocess
import sys
import threading
import time
import tomllib
from dataclasses import FrozenInstanceError
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest

from tui.core.api.errors import InvalidId, SendwatchError, UsageError
from tui.core.api.model import SendKind
from tui.core.store import atomic as safe_write
from tui.core.store.atomic import LockTimeout, StorageError
from tui.core.store.watchlist import MAX_LABEL, WatchedSend, WatchList

SPEC_EXAMPLE = """\
version = 1
selected = "demo/messageContact/MzA6Nzg6MA/c21NCNSDN2sMMWM2miosdjEHH"
[[sends]]
profile = "demo"
kind = "messageContact"
message_id = "MzA6Nzg6MA"
token_id = "c21NCNSDN2sMMWM2miosdjEHH"
label = "Black Friday blast"
added = 2026-11-26T19:20:00Z
"""
T0 = datetime(2026, 11, 26, 19, 20, tzinfo=UTC)


def send(token: str, label: str = "", kind: SendKind = SendKind.MESSAGE_CONTACT) -> WatchedSend:
    return WatchedSend("demo", "MzA6Nzg6MA", token, kind, label, T0)


@pytest.fixture
def path(tmp_path: Path) -> Path:
    return tmp_path / "cfg" / "watchlist.toml"


def loaded(path: Path) -> WatchList:
    wl = WatchList(path)
    assert wl.load() == []
    return wl


def tokens(wl: WatchList) -> list[str]:
    return [s.token_id for s in wl.sends]


def leftovers(path: Path) -> list[str]:
    return sorted(p.name for p in path.parent.iterdir() if p.name.endswith(".tmp"))


# --- WatchedSend --------------------------------------------------------------------


def test_watched_send_identity_and_display() -> None:
    s = send("c21NCNSDN2sMMWM2miosdjEHH")
    assert s.key == "demo/messageContact/MzA6Nzg6MA/c21NCNSDN2sMMWM2miosdjEHH"
    assert s.display_name == "MzA6Nzg6MA/c21NCNSD…"
    assert send("tok", "  Black\tFriday\n\x1b[31m ").display_name == "Black Friday [31m"
    assert send("tok", kind=SendKind.MESSAGE_LIST).key == "demo/messageList/MzA6Nzg6MA/tok"
    with pytest.raises(FrozenInstanceError):
        s.label = "x"  # type: ignore[misc]


def test_watched_send_validates_on_construction() -> None:
    with pytest.raises(InvalidId, match="token id"):
        send("has space")
    with pytest.raises(UsageError, match="send kind 'queueMO'"):
        WatchedSend("demo", "m", "t", "queueMO", "", T0)  # type: ignore[arg-type]
    with pytest.raises(UsageError, match="profile name"):
        WatchedSend("de/mo", "m", "t", SendKind.MESSAGE_LIST, "", T0)
    with pytest.raises(ValueError, match="timezone-aware"):
        WatchedSend("demo", "m", "t", SendKind.MESSAGE_LIST, "", datetime(2026, 1, 1))
    mc_time = datetime(2026, 11, 26, 13, 20, tzinfo=timezone(timedelta(hours=-6)))
    assert WatchedSend("demo", "m", "t", "messageList", "", mc_time).added == T0  # type: ignore[arg-type]
    assert WatchedSend("demo", "m", "t", "messageList").kind is SendKind.MESSAGE_LIST  # type: ignore[arg-type]


# --- format -------------------------------------------------------------------------


def test_reads_the_documented_format(path: Path) -> None:
    path.parent.mkdir()
    path.write_text(SPEC_EXAMPLE)
    wl = loaded(path)
    (s,) = wl.sends
    assert s == WatchedSend(
        "demo", "MzA6Nzg6MA", "c21NCNSDN2sMMWM2miosdjEHH", SendKind.MESSAGE_CONTACT,
        "Black Friday blast", T0,
    )  # fmt: skip
    assert wl.selected == s.key
    assert wl.get(s.key) == s and wl.index(s.key) == 0
    assert wl.get("nope") is None and wl.index("nope") is None


def test_round_trip_through_a_new_instance(path: Path) -> None:
    wl = loaded(path)
    wl.add(send("a", 'label with "quotes" and \\'))
    wl.add(send("b", kind=SendKind.MESSAGE_LIST))
    wl.select(send("b", kind=SendKind.MESSAGE_LIST).key)
    again = loaded(path)
    assert again.sends == wl.sends
    assert again.selected == wl.selected == send("b", kind=SendKind.MESSAGE_LIST).key
    assert path.stat().st_mode & 0o777 == 0o600
    assert "access_token" not in path.read_text()


def test_writes_the_documented_format(path: Path) -> None:
    wl = loaded(path)
    wl.add(send("c21NCNSDN2sMMWM2miosdjEHH", "Black Friday blast"))
    wl.select(wl.sends[0].key)
    text = path.read_text()
    assert tomllib.loads(text) == tomllib.loads(SPEC_EXAMPLE)
    assert "added = 2026-11-26T19:20:00Z\n" in text
    wl.remove(wl.sends[0].key)
    assert tomllib.loads(path.read_text()) == {"version": 1}


def test_labels_are_cut_at_the_one_limit() -> None:
    assert MAX_LABEL == 200
    assert send("t", "x" * 300).label == "x" * MAX_LABEL


def test_missing_file_is_an_empty_list(path: Path) -> None:
    wl = loaded(path)
    assert wl.sends == () and wl.selected is None and len(wl) == 0
    assert not path.exists()


def test_default_path_is_in_the_xdg_config_dir(isolated_dirs: Path) -> None:
    wl = WatchList()
    wl.add(send("a"))
    assert (isolated_dirs / "config" / "sendwatch" / "watchlist.toml").exists()


def test_selected_pointing_nowhere_is_dropped(path: Path) -> None:
    path.parent.mkdir()
    path.write_text(SPEC_EXAMPLE.replace('selected = "demo/', 'selected = "gone/'))
    assert loaded(path).selected is None


def test_newer_format_is_refused_not_rewritten(path: Path) -> None:
    path.parent.mkdir()
    path.write_text(SPEC_EXAMPLE.replace("version = 1", "version = 2"))
    with pytest.raises(StorageError, match="newer sendwatch"):
        WatchList(path).load()
    with pytest.raises(StorageError, match="newer sendwatch"):
        WatchList(path).add(send("x"))
    assert path.read_text() == SPEC_EXAMPLE.replace("version = 1", "version = 2")


# --- operations ---------------------------------------------------------------------


def test_add_is_idempotent_per_key(path: Path) -> None:
    wl = loaded(path)
    first = wl.add(send("a", "first"))
    assert wl.add(send("a", "second")) == first
    assert tokens(wl) == ["a"] and wl.sends[0].label == "first"
    assert path.read_text().count("[[sends]]") == 1


def test_remove_and_restore_for_undo(path: Path) -> None:
    wl = loaded(path)
    for t in "abc":
        wl.add(send(t))
    removed = wl.remove(send("b").key)
    assert removed == (1, send("b"))
    assert tokens(wl) == ["a", "c"]
    assert wl.remove(send("b").key) is None
    wl.restore(*removed)
    assert tokens(wl) == ["a", "b", "c"] == tokens(loaded(path))
    wl.restore(99, send("z"))
    wl.restore(0, send("a"))  # already there: no duplicate
    assert tokens(wl) == ["a", "b", "c", "z"]


def test_removing_the_selected_send_selects_its_neighbour(path: Path) -> None:
    wl = loaded(path)
    for t in "abc":
        wl.add(send(t))
    wl.select(send("c").key)
    wl.remove(send("c").key)
    assert wl.selected == send("b").key
    wl.select(send("a").key)
    wl.remove(send("a").key)
    assert wl.selected == send("b").key
    wl.remove(send("b").key)
    assert wl.selected is None
    assert loaded(path).selected is None


def test_set_label_move_and_select(path: Path) -> None:
    wl = loaded(path)
    for t in "abc":
        wl.add(send(t))
    updated = wl.set_label(send("b").key, "Cyber Monday")
    assert updated is not None and updated.label == "Cyber Monday"
    assert wl.move(send("a").key, 1) == 1
    assert tokens(wl) == ["b", "a", "c"]
    assert wl.move(send("c").key, -10) == 0
    assert wl.move(send("c").key, 10) == 2
    assert tokens(wl) == ["b", "a", "c"]
    assert wl.move("nope", 1) is None and wl.set_label("nope", "x") is None
    assert wl.select(send("a").key) is True
    assert wl.select("nope") is False and wl.selected == send("a").key
    assert wl.select(None) is True and wl.selected is None
    again = loaded(path)
    assert tokens(again) == ["b", "a", "c"] and again.sends[0].label == "Cyber Monday"


# --- merging ------------------------------------------------------------------------


def test_two_instances_adding_keep_both(path: Path) -> None:
    a, b = loaded(path), loaded(path)
    a.add(send("from-a"))
    b.add(send("from-b"))
    assert tokens(b) == ["from-a", "from-b"]
    assert tokens(loaded(path)) == ["from-a", "from-b"]
    a.select(send("from-b").key)
    assert tokens(a) == ["from-a", "from-b"]


def test_remove_in_one_instance_wins_over_an_edit_in_another(path: Path) -> None:
    seed = loaded(path)
    for t in "xy":
        seed.add(send(t))
    a, b = loaded(path), loaded(path)
    a.remove(send("x").key)
    assert b.set_label(send("x").key, "edited") is None
    assert b.set_label(send("y").key, "kept") is not None
    assert tokens(b) == ["y"]
    final = loaded(path)
    assert tokens(final) == ["y"] and final.sends[0].label == "kept"


def test_edit_then_remove_elsewhere_removes(path: Path) -> None:
    seed = loaded(path)
    for t in "xy":
        seed.add(send(t))
    a, b = loaded(path), loaded(path)
    b.set_label(send("x").key, "edited")
    a.move(send("y").key, -1)
    assert tokens(a) == ["y", "x"] and a.sends[1].label == "edited"
    a.remove(send("x").key)
    assert tokens(loaded(path)) == ["y"]


def test_re_adding_what_another_instance_removed_is_saved(path: Path) -> None:
    loaded(path).add(send("x"))
    a, b = loaded(path), loaded(path)
    b.remove(send("x").key)
    a.add(send("x"))  # same as A's memory, but not as the file: must still be written
    assert tokens(loaded(path)) == ["x"]


# --- locking ------------------------------------------------------------------------

HOLD_LOCK = """
import fcntl, sys, time
with open(sys.argv[1], "w") as f:
    fcntl.flock(f, fcntl.LOCK_EX)
    print("locked", flush=True)
    sys.stdin.read()
"""


def test_lock_held_by_another_process_gives_a_clear_error(
    path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    wl = loaded(path)
    wl.add(send("a"))
    before = path.read_bytes()
    monkeypatch.setattr(safe_write, "LOCK_TIMEOUT", 0.3)
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLD_LOCK, str(safe_write.lock_path(path))],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline() == "locked\n"
        started = time.monotonic()
        with pytest.raises(LockTimeout, match="another sendwatch is writing the watch list"):
            wl.add(send("b"))
        assert time.monotonic() - started >= 0.3
    finally:
        holder.communicate("")
    assert tokens(wl) == ["a"]
    assert path.read_bytes() == before
    wl.add(send("b"))  # released: works again
    assert tokens(wl) == ["a", "b"]


def test_a_brief_lock_is_waited_for(path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(safe_write, "LOCK_TIMEOUT", 60.0)  # a loaded machine waits longer
    wl = loaded(path)
    released = threading.Event()

    def hold() -> None:
        with safe_write.lock_path(path).open("w") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX)
            holding.set()
            time.sleep(0.2)
        released.set()

    holding = threading.Event()
    path.parent.mkdir(parents=True)
    thread = threading.Thread(target=hold)
    thread.start()
    holding.wait()
    wl.add(send("a"))
    assert released.is_set()
    thread.join()
    assert tokens(loaded(path)) == ["a"]


# --- corruption ---------------------------------------------------------------------


def asides(path: Path) -> list[Path]:
    return sorted(path.parent.glob(path.name + ".corrupt-*"))


def test_garbage_file_is_moved_aside_with_a_warning(path: Path) -> None:
    garbage = b'version = 1\n[[sends]]\nprofile = "demo\n\x00\xff'
    path.parent.mkdir()
    path.write_bytes(garbage)
    wl = WatchList(path)
    warnings = wl.load()
    (aside,) = asides(path)
    assert aside.read_bytes() == garbage
    (warning,) = warnings
    assert "watchlist.toml was corrupt" in warning
    assert aside.name in warning and "not lost" in warning
    assert wl.warnings == warnings
    assert wl.sends == () and not path.exists()
    wl.add(send("a"))
    assert tokens(loaded(path)) == ["a"]
    assert aside.read_bytes() == garbage


def test_toml_syntax_error_names_the_line(path: Path) -> None:
    path.parent.mkdir()
    path.write_text('version = 1\n\nselected = "x\n')
    (warning,) = WatchList(path).load()
    assert "(line 3: " in warning


def test_invalid_entries_are_skipped_and_the_original_kept(path: Path) -> None:
    text = (
        SPEC_EXAMPLE
        + '\n[[sends]]\nprofile = "demo"\nkind = "messageContact"\n'
        + 'message_id = "bad id!"\ntoken_id = "t"\n'
        + '\n[[sends]]\nprofile = "demo"\nkind = "queueMO"\nmessage_id = "m"\ntoken_id = "t"\n'
        + '\n[[sends]]\nprofile = "demo"\nkind = "messageList"\nmessage_id = "m"\n'
    )
    path.parent.mkdir()
    path.write_text(text)
    wl = WatchList(path)
    warnings = wl.load()
    assert tokens(wl) == ["c21NCNSDN2sMMWM2miosdjEHH"]
    joined = "\n".join(warnings)
    assert "entry 2 (line 11)" in joined and "message id 'bad id!'" in joined
    assert "entry 3 (line 17)" in joined and "queueMO" in joined
    assert "entry 4 (line 23)" in joined and "no 'token_id'" in joined
    (aside,) = asides(path)
    assert aside.read_text() == text and aside.name in joined
    assert tokens(loaded(path)) == ["c21NCNSDN2sMMWM2miosdjEHH"]  # salvage saved, no warning


def test_duplicate_entries_are_set_aside_too(path: Path) -> None:
    path.parent.mkdir()
    path.write_text(SPEC_EXAMPLE + SPEC_EXAMPLE.split("\n", 2)[2])
    wl = WatchList(path)
    assert any("entry 2" in w and "repeats" in w for w in wl.load())
    assert len(wl.sends) == 1 and len(asides(path)) == 1


def test_file_corrupted_by_someone_else_during_a_session(path: Path) -> None:
    wl = loaded(path)
    wl.add(send("a"))
    path.write_text("!!! not toml")
    wl.add(send("b"))
    assert tokens(wl) == ["a", "b"] == tokens(loaded(path))
    (aside,) = asides(path)
    assert aside.read_text() == "!!! not toml"
    assert any(aside.name in w for w in wl.warnings)


# --- write failures -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("code", "words"),
    [(errno.ENOSPC, "the disk is full"), (errno.EACCES, "permission denied"),
     (errno.EROFS, "the file system is read-only")],
)  # fmt: skip
def test_failed_write_leaves_memory_and_file_unchanged(
    path: Path, monkeypatch: pytest.MonkeyPatch, code: int, words: str
) -> None:
    wl = loaded(path)
    wl.add(send("a"))
    before_file, before_memory = path.read_bytes(), wl.sends

    def failing_fsync(fd: int) -> None:
        raise OSError(code, "simulated")

    monkeypatch.setattr("tui.core.store.atomic.os.fsync", failing_fsync)
    with pytest.raises(StorageError, match=f"could not write {path}: {words}") as info:
        wl.add(send("b"))
    assert isinstance(info.value, SendwatchError)
    assert wl.sends == before_memory
    assert path.read_bytes() == before_file
    assert leftovers(path) == []


def test_failed_rename_keeps_the_original(path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    wl = loaded(path)
    wl.add(send("a"))
    wl.select(send("a").key)
    before = path.read_bytes()

    def failing_replace(src: object, dst: object) -> None:
        raise OSError(errno.EIO, "Input/output error")

    monkeypatch.setattr("tui.core.store.atomic.os.replace", failing_replace)
    with pytest.raises(StorageError, match="Input/output error"):
        wl.remove(send("a").key)
    assert path.read_bytes() == before
    assert tokens(wl) == ["a"] and wl.selected == send("a").key
    assert leftovers(path) == []
    monkeypatch.undo()
    assert tokens(loaded(path)) == ["a"]


def test_a_full_disk_during_a_repairing_change_keeps_the_original(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A damaged entry forces a rewrite; if that write fails, nothing may disappear."""
    import errno

    import tui.core.store.watchlist as watchlist_module
    from tui.core.store.atomic import storage_error

    path = tmp_path / "watchlist.toml"
    first = WatchList(path)
    first.load()
    first.add(WatchedSend("p", "MzA6Nzg6MA", "c21NCNSDN2sMMWM2miosdjEHH", "messageContact", "A"))
    with path.open("a") as f:
        f.write('\n[[sends]]\nprofile = "p"\n')  # a hand edit leaves one bad entry
    before = path.read_bytes()

    def full(target: Path, data: bytes, mode: int = 0o600) -> None:
        raise storage_error("write", target, OSError(errno.ENOSPC, "No space left on device"))

    monkeypatch.setattr(watchlist_module, "atomic_write", full)
    with pytest.raises(StorageError):
        first.add(WatchedSend("p", "MzE6Nzg6MA", "d21NCNSDN2sMMWM2miosdjEHH", "messageContact"))
    assert path.read_bytes() == before, "the original is still in place"
    assert any("saved as" in w for w in first.warnings)
    monkeypatch.undo()
    again = WatchList(path)
    again.load()
    assert [s.label for s in again.sends] == ["A"]
