"""A damaged watchlist.toml: every complete entry recovered, the copy restorable."""

from __future__ import annotations

import gc
from pathlib import Path

import pytest

from tests.test_app import WIDE, running, screen, until
from tui.cli import launch
from tui.cli.demo import DEMO_SECRET_ENV
from tui.cli.main import main
from tui.core.store.paths import config_dir, config_path
from tui.core.store.recovery import salvage
from tui.core.store.watchlist import WatchedSend, WatchList
from tui.sim import Simulator
from tui.ui.app import SendwatchApp


def _list_of(path: Path, count: int) -> bytes:
    wl = WatchList(path)
    wl.load()
    for n in range(count):
        wl.add(WatchedSend("demo", "MzA6Nzg6MA", f"token{n}", "messageContact", f"Send {n}"))
    wl.select(wl.sends[0].key)
    return path.read_bytes()


def _asides(path: Path, label: str = "corrupt") -> list[Path]:
    return sorted(path.parent.glob(f"{path.name}.{label}-*"))


@pytest.fixture
def path() -> Path:
    return config_dir() / "watchlist.toml"


def test_a_truncated_watch_list_recovers_every_complete_entry(path: Path) -> None:
    whole = _list_of(path, 4)
    cut = whole[: whole.rindex(b"label") + 10]  # the last entry ends mid-label
    path.write_bytes(cut)
    wl = WatchList(path)
    (warning,) = wl.load()
    assert [s.token_id for s in wl.sends] == ["token0", "token1", "token2"]
    assert wl.selected == wl.sends[0].key
    (aside,) = _asides(path)
    assert aside.read_bytes() == cut
    assert "recovered 3 of its 4 sends" in warning and str(aside) in warning
    assert "sendwatch watchlist restore" in warning
    again = WatchList(path)
    assert again.load() == [] and len(again.sends) == 3  # the recovered list was saved


def test_every_cut_point_keeps_every_entry_before_it(path: Path) -> None:
    whole = _list_of(path, 3).decode()
    starts = [i for i in range(len(whole)) if whole.startswith("[[sends]]", i)]
    for cut in range(0, len(whole), 7):
        found = salvage(whole[:cut])
        complete = sum(1 for s in starts[1:] if s <= cut) + (cut == len(whole))
        tokens = [e["token_id"] for e in found.data.get("sends", []) if "added" in e]
        assert tokens[:complete] == [f"token{n}" for n in range(complete)], cut


def test_bytes_that_are_not_utf8_cost_only_their_entry(path: Path) -> None:
    whole = _list_of(path, 3)
    second = whole.index(b"token1")
    path.write_bytes(whole[:second] + b"\xff\xfe" + whole[second + 2 :])
    wl = WatchList(path)
    (warning,) = wl.load()
    assert [s.token_id for s in wl.sends] == ["token0", "token2"]
    assert "line 16: not UTF-8 text" in warning and "recovered 2 of its 3" in warning


def test_headless_commands_say_what_was_recovered(
    path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    whole = _list_of(path, 2)
    path.write_bytes(whole[:-5])
    assert main(["remove", "1"]) == 0
    err = capsys.readouterr().err
    assert "recovered 1 of its 2 sends" in err and str(_asides(path)[0]) in err


def test_restore_lists_copies_newest_first_and_brings_one_back(
    path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    whole = _list_of(path, 3)
    older = path.with_name("watchlist.toml.corrupt-20261101T100000")
    older.write_bytes(whole)
    path.write_bytes(whole[:-40])
    WatchList(path).load()  # sets the damaged file aside, keeps 2 sends
    newer = _asides(path)[-1]
    capsys.readouterr()

    assert main(["watchlist", "restore"]) == 0
    out = capsys.readouterr().out
    assert out.index(newer.name) < out.index(older.name)
    assert " 1  " + newer.name in out and "2 sends, damaged (line " in out
    assert " 2  " + older.name in out and "2026-11-01 10:00:00 UTC  3 sends\n" in out

    before = path.read_bytes()
    assert main(["watchlist", "restore", "2"]) == 0
    out = capsys.readouterr().out
    assert path.read_bytes() == whole
    (replaced,) = _asides(path, "replaced")
    assert replaced.read_bytes() == before
    assert "restored 3 sends" in out and str(replaced) in out
    wl = WatchList(path)
    assert wl.load() == [] and len(wl.sends) == 3
    assert main(["watchlist", "restore"]) == 0
    out = capsys.readouterr().out  # the copy just made is newest, even within one second
    assert " 1  " + replaced.name in out and " 2  " + newer.name in out


def test_restore_refuses_a_damaged_copy_and_unknown_names(
    path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    whole = _list_of(path, 2)
    path.write_bytes(whole[:-5])
    WatchList(path).load()
    after = path.read_bytes()
    (damaged,) = _asides(path)
    assert main(["watchlist", "restore", damaged.name]) == 7
    assert "has problems too" in capsys.readouterr().err
    assert main(["watchlist", "restore", "nothing-such"]) == 2
    assert "no set-aside copy 'nothing-such'" in capsys.readouterr().err
    assert main(["watchlist"]) == 2
    assert path.read_bytes() == after and _asides(path, "replaced") == []


def test_restore_with_no_copies_says_so(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["watchlist", "restore"]) == 0
    assert "no set-aside copies of" in capsys.readouterr().out


async def test_the_monitor_says_what_was_recovered(
    path: Path, sim: Simulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(DEMO_SECRET_ENV, Simulator.CLIENT_SECRET)
    whole = _list_of(path, 3)
    config_path().write_text(
        "[settings]\nrefresh_interval = 0.05\nbell = false\n\n"
        f'[profiles.demo]\nauth = "oauth2"\nauth_url = "{sim.url}"\nrest_url = "{sim.url}"\n'
        f'client_id = "{Simulator.CLIENT_ID}"\nclient_secret_env = "{DEMO_SECRET_ENV}"\n'
    )
    path.write_bytes(whole[:-40])
    started: list[SendwatchApp] = []
    monkeypatch.setattr(SendwatchApp, "run", lambda self, *a, **k: started.append(self))
    try:
        assert launch.run_monitor() == 0
    finally:
        gc.unfreeze()
    (app,) = started
    async with running(app, WIDE, notifications=True) as pilot:
        await until(pilot, lambda: "recovered 2 of" in screen(app), "the recovery toast")
        shown = "".join(screen(app).split()).replace("▕▌", "")  # the toast's border
        assert _asides(path)[0].name in shown and "watchlistrestore" in shown
        assert "Send 0" in screen(app) and "Send 1" in screen(app)
    if app.history is not None:
        app.history.close()
