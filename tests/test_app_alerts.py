"""Alerts in the real app against the simulator: toasts, the bell, the terminal title,
the header's count by kind, and `p` shown as Resume while paused.

The title is caught at the writer the app's driver would attach (`TerminalTitle.attach`),
the bell by replacing the app's `bell`; "no progress" is measured on the test's clock.
"""

from __future__ import annotations

import pytest
from msgspec import structs

from tests.clocks import ManualClock, drive, settle, tick
from tests.test_app import (
    ERROR_TIMEOUT,
    SIZE,
    WIDE,
    Env,
    env,
    has_data,
    running,
    screen,
    until,
)
from tui.core.api.model import SendKind
from tui.core.store.alert_rules import AlertConfig, SendRule
from tui.core.store.watchlist import WatchedSend
from tui.sim import Fault
from tui.ui.app import SendwatchApp
from tui.ui.terminal_title import POP_TITLE, PUSH_TITLE, osc_title

__all__ = ["env"]  # the fixture, used by name below

pytestmark = pytest.mark.usefixtures("utc")

CALM = osc_title("sendwatch")


def with_alerts(env: Env, alerts: AlertConfig, **keymap: str) -> None:
    env.config = structs.replace(env.config, alerts=alerts, keymap=keymap)


def recorded(app: SendwatchApp, monkeypatch: pytest.MonkeyPatch) -> tuple[list[str], list[int]]:
    """What the app writes to the terminal's title, and each bell it rings."""
    titles: list[str] = []
    bells: list[int] = []
    app.terminal_title.attach(titles.append)
    monkeypatch.setattr(app, "bell", lambda: bells.append(1))
    return titles, bells


def toasted(app: SendwatchApp, title: str) -> bool:
    return any(n.title == title for n in app._notifications)


def footer_word(app: SendwatchApp) -> str:
    return app.screen.active_bindings["p"].binding.description


async def test_finished_and_error_toast_ring_and_title_the_terminal(
    env: Env, monkeypatch: pytest.MonkeyPatch
) -> None:
    done = env.send("Campaign", 20)
    broken = env.send("Resets", 30, error=True)
    env.sim.advance(6)
    env.watch(done, broken)
    with_alerts(env, AlertConfig(bell=True, send=(SendRule(label="camp*", bell=False),)))
    app = env.app()
    titles, bells = recorded(app, monkeypatch)
    async with running(app, notifications=True) as pilot:
        await until(pilot, lambda: has_data(app, done.key) and has_data(app, broken.key), "reads")
        assert titles == [PUSH_TITLE, CALM], "pushed, then the bare name"
        env.sim.advance(600)
        await until(pilot, lambda: toasted(app, "Resets: Error"), "the Error toast")
        await until(pilot, lambda: toasted(app, "Campaign: Finished"), "the Finished toast")
        assert bells == [1], "Resets rings; Campaign's rule turns its bell off"
        await until(pilot, lambda: "sendwatch — 1 needs attention" in titles[-1], "the title")
        assert "1 needs attention: 1 in Error" in app.sub_title
        assert titles == [PUSH_TITLE, CALM, osc_title("sendwatch — 1 needs attention")]
        await tick(app.clock, app.refresher, 5 * app.interval, app.interval)  # type: ignore[arg-type]
        assert len(titles) == 3, "a count that did not change is not written again"
        await until(pilot, lambda: "Resets: Error" in screen(app), "the toast on screen")
        await pilot.press("q")
        await until(pilot, lambda: not app.is_running, "the app quit")
    assert titles[-1] == CALM + POP_TITLE, "the terminal's own title back"


async def test_no_progress_for_n_minutes_alerts_once_on_the_clock_and_clears(
    env: Env, monkeypatch: pytest.MonkeyPatch
) -> None:
    send = env.send("Slow", 50)
    env.sim.advance(6)  # Started, and the simulator's time is frozen: no progress
    env.watch(send)
    with_alerts(env, AlertConfig(stalled_minutes=2, finished=False, bell=True))
    clock = ManualClock()
    app = env.app(clock=clock)
    titles, bells = recorded(app, monkeypatch)
    async with running(app, notifications=True):
        await drive(clock, app.refresher, lambda: has_data(app, send.key), "a read", step=1)
        await drive(clock, app.refresher, lambda: clock.monotonic() >= 110, "time", step=10)
        assert not toasted(app, "Slow: no progress")
        await drive(
            clock, app.refresher, lambda: toasted(app, "Slow: no progress"), "the alert", step=10
        )
        assert bells == [1]
        assert "1 needs attention: 1 stalled" in app.sub_title
        assert titles[-1] == osc_title("sendwatch — 1 needs attention")
        await tick(clock, app.refresher, 300, 10)
        stalled = [n for n in app._notifications if n.title == "Slow: no progress"]
        assert len(stalled) == 1 and bells == [1], "once, not on every poll"

        env.sim.advance(2)  # it moves on
        await drive(clock, app.refresher, lambda: titles[-1] == CALM, "the calm title", step=1)
        assert "attention" not in app.sub_title


async def test_the_header_counts_every_send_needing_attention_by_kind(env: Env) -> None:
    sim = env.sim
    sim.add_client("other-bu", "other-secret")
    ours = sim.add_message("Our reminder")
    theirs = sim.add_message("Their sale", client_id="other-bu")
    foreign_token = sim.create_send(theirs, 5, client_id="other-bu")
    foreign = WatchedSend("demo", ours, foreign_token, SendKind.MESSAGE_CONTACT, "Theirs")
    flaky = env.send("Flaky", 40)
    broken = env.send("Broken", 30, error=True)
    fine = env.send("Fine", 5)
    sim.advance(600)
    env.watch(fine, foreign, flaky, broken)
    app = env.app()
    async with running(app, WIDE) as pilot:
        await until(pilot, lambda: all(has_data(app, s.key) for s in (flaky, broken)), "reads")
        await until(pilot, lambda: "2 need attention" in app.sub_title, "the count")
        assert app.sub_title.endswith("live · 2 need attention: 1 error, 1 in Error")
        sim.inject(flaky.token_id, Fault(kind="http500", times=None))
        app.refresher.refresh_now(flaky.key)  # finished sends are read again only on `r`
        await until(pilot, lambda: "3 need" in app.sub_title, "the stale one", ERROR_TIMEOUT)
        assert app.sub_title == "demo · live · 3 need attention: 1 error, 1 stale, 1 in Error"
        full = "3 need attention: 1 error, 1 stale, 1 in Error"
        await until(pilot, lambda: full in screen(app), "the full count in the header")

        await pilot.resize_terminal(*SIZE)  # 80 columns: the kinds alone, which fit
        await until(pilot, lambda: "⚠" in app.sub_title, "the short form")
        assert app.sub_title == "demo · live · ⚠ 1 error, 1 stale, 1 in Error"
        await until(pilot, lambda: "⚠ 1 error, 1 stale, 1 in Error" in screen(app), "it drawn")


async def test_p_reads_resume_in_the_footer_while_paused_even_when_remapped(env: Env) -> None:
    send = env.send("Running", 5)
    env.watch(send)
    app = env.app()
    async with running(app) as pilot:
        await until(pilot, lambda: has_data(app, send.key), "a read")
        assert footer_word(app) == "Pause"
        await until(pilot, lambda: "p Pause" in screen(app), "Pause in the footer")
        await pilot.press("p")
        assert app.refresher.paused
        await until(pilot, lambda: "p Resume" in screen(app), "Resume in the footer")
        assert footer_word(app) == "Resume" and "p Pause" not in screen(app)
        await pilot.press("p")
        assert not app.refresher.paused
        await until(pilot, lambda: "p Pause" in screen(app), "Pause in the footer")

    with_alerts(env, AlertConfig(), **{"monitor.pause": "z"})
    app = env.app()
    async with running(app) as pilot:
        await pilot.press("z")
        assert app.refresher.paused
        await until(pilot, lambda: "z Resume" in screen(app), "Resume, on the remapped key")
        await pilot.press("z")
        assert not app.refresher.paused
        await settle(app.refresher)
