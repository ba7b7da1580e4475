"""Honest times: every time on screen says whether it came from the API or is when
sendwatch first saw it; `t` moves every one of them to Marketing Cloud time and back;
a send first read when it was already done shows its recipients as already so then."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta

import pytest
from textual.pilot import Pilot

from tests import test_app
from tests.clocks import ManualClock
from tests.test_app import Env, has_data, running, screen, steps, text_of, until
from tui.core.api.model import MC_TZ
from tui.core.timefmt import UPPER_BOUND, SeenTimes, fmt_local, fmt_short, today_in
from tui.sim import Simulator
from tui.ui.app import SendwatchApp
from tui.ui.screens.recipient import RecipientScreen
from tui.ui.screens.recipient_words import observed_lines
from tui.ui.time_labels import seen_phrase
from tui.ui.widgets.message_history import WORKER_GROUP
from tui.ui.widgets.recipient_grid import RecipientGrid

pytestmark = pytest.mark.usefixtures("utc")
env = test_app.env
"""test_app's fixture: one user's files and the simulator they point at."""

START = datetime(2020, 3, 4, 10, 0, 0, tzinfo=UTC)  # local is UTC in tests: MC is 04:00


@pytest.fixture
def sim() -> Iterator[Simulator]:
    """The simulator's clock (the API's dates) starts when the app's does."""
    s = Simulator(seed=1, time_scale=0, start=START)
    s.start()
    try:
        yield s
    finally:
        s.stop()


LOCAL_CLOCK = re.compile(r"\b10:0\d")
MC_CLOCK = re.compile(r"\b04:0\d")


# --------------------------------------------------------------------------- formatting


def test_mc_time_is_utc_minus_six_and_today_is_where_the_times_are_shown(utc: None) -> None:
    at = datetime(2020, 3, 4, 3, 0, 5, tzinfo=UTC)  # 21:00:05 the day before, in MC time
    assert fmt_local(at, now=at) == "03:00:05"
    assert fmt_local(at, now=at, mc=True) == "21:00:05"
    assert today_in(at) == date(2020, 3, 4) and today_in(at, mc=True) == date(2020, 3, 3)
    assert fmt_short(at, date(2020, 3, 3), mc=True) == "21:00:05"
    assert fmt_short(at, date(2020, 3, 3)) == "Mar 04 03:00"


def test_a_time_first_seen_at_a_blind_read_is_only_an_upper_bound(utc: None) -> None:
    first, later = START, START + timedelta(minutes=5)
    resumed = START + timedelta(hours=1)
    times = SeenTimes(blind=(first, resumed))
    assert times.bound(first) and times.bound(resumed)
    assert not times.bound(later)
    today = START.date()
    assert times.short(first, today) == f"{UPPER_BOUND}10:00:00"
    assert times.short(later, today) == "10:05:00"
    assert times.short(None, today) == ""
    assert SeenTimes(mc=True, blind=(first,)).long(first, START) == f"{UPPER_BOUND}04:00:00"
    assert not SeenTimes().bound(first), "nothing is a bound without a blind read"


def test_the_drilldown_words_say_already_so_rather_than_when(utc: None) -> None:
    later = START + timedelta(minutes=5)
    times = SeenTimes(blind=(START,))
    assert seen_phrase(later, times, START) == "first seen by sendwatch 10:05:00"
    assert seen_phrase(START, times, START) == "already so at sendwatch's first read, 10:00:00"
    lines = observed_lines([("4000", START), ("4505", later)], times, START)
    assert lines[0].startswith(f"{UPPER_BOUND}10:00:00  4000")
    assert lines[1].startswith("10:05:00  4505")
    assert lines[-1] == f"{UPPER_BOUND} already so at sendwatch's first read"


# --------------------------------------------------------------------------- the app


def seen_column(grid: RecipientGrid) -> list[str]:
    """The Seen cell of every row the grid renders now."""
    return [grid.render_line(1 + i).text.split()[-1] for i in range(grid.row_count)]


async def open_drilldown(app: SendwatchApp, pilot: Pilot[None]) -> None:
    app.monitor.detail.grid.focus()
    await pilot.press("enter")
    await until(pilot, lambda: isinstance(app.screen, RecipientScreen), "the drill-down")
    await until(
        pilot,
        lambda: not [w for w in app.workers if w.group == WORKER_GROUP and w.is_running],
        "the message history",
    )
    await pilot.pause()


async def test_a_send_first_read_when_finished_shows_its_recipients_as_already_final(
    env: Env,
) -> None:
    done = env.send("Done", 6)
    env.sim.advance(300)  # finished long before sendwatch is told of it
    env.watch(done)
    app = env.app(clock=ManualClock(START + timedelta(seconds=300)))
    async with running(app, test_app.WIDE) as pilot:
        await until(pilot, lambda: has_data(app, done.key), "the first read")
        grid = app.monitor.detail.grid
        await until(pilot, lambda: grid.row_count == 6, "the rows")
        assert seen_column(grid) == [f"{UPPER_BOUND}10:05:00"] * 6
        finished = steps(app)[3]
        assert finished.startswith("✓ Finished") and f"{UPPER_BOUND}10:05:00" in finished
        summary = text_of(app, "#summary")
        assert (
            "API created 10:00:00 (local time; t) · completed 10:00:13" in summary
        )  # the API's own times
        assert "Observed by sendwatch (≤ at first read): final read 10:05" in summary
        await open_drilldown(app, pilot)
        outcome = text_of(app, "#rc-outcome")
        assert "· already so at sendwatch's first read, 10:05:00" in outcome, outcome
        assert "first seen by sendwatch" not in outcome


async def test_a_send_watched_from_the_start_shows_when_each_outcome_was_seen(env: Env) -> None:
    live = env.send("Live", 4)
    env.watch(live)
    clock = ManualClock(START)
    app = env.app(clock=clock)
    async with running(app, test_app.WIDE) as pilot:
        await until(pilot, lambda: has_data(app, live.key), "the first read")
        grid = app.monitor.detail.grid
        assert grid.row_count == 0  # New, no tracking yet
        clock.advance(60)
        env.sim.advance(300)
        await until(pilot, lambda: grid.row_count == 4, "the rows")
        column = seen_column(grid)
        assert all(re.fullmatch(r"10:0\d:\d\d", cell) for cell in column), column
        assert steps(app)[0].split("\n")[1] == f"{UPPER_BOUND}10:00:00"  # New, at first read


async def test_t_moves_every_time_on_screen_to_mc_time_and_back(env: Env) -> None:
    live = env.send("Live", 4)
    env.watch(live)
    clock = ManualClock(START)
    app = env.app(clock=clock)
    async with running(app, test_app.WIDE) as pilot:
        await until(pilot, lambda: has_data(app, live.key), "the first read")
        clock.advance(60)
        env.sim.advance(300)
        grid = app.monitor.detail.grid
        await until(pilot, lambda: grid.row_count == 4, "the rows")
        await until(pilot, lambda: steps(app)[3].startswith("✓ Finished"), "Finished")
        state = app.model.state(live.key)
        assert state is not None and state.delivery is not None
        created = state.delivery.create_date
        assert created is not None

        def monitor_times() -> dict[str, str]:
            sidebar = app.monitor.send_list
            return {
                "sidebar": sidebar.entry_plain(0).split(" read ")[-1],
                "summary": text_of(app, "#summary").split("\n", 2)[2],
                "steps": " ".join(steps(app)),
                "grid": " ".join(seen_column(grid)),
            }

        shown = monitor_times()
        for where, text in shown.items():
            assert LOCAL_CLOCK.search(text) and not MC_CLOCK.search(text), (where, text)
        api_local = fmt_local(created, now=START)
        assert f"API created {api_local}" in shown["summary"]
        assert "(local time; t)" in shown["summary"]

        await pilot.press("t")
        moved = monitor_times()
        for where, text in moved.items():
            assert MC_CLOCK.search(text) and not LOCAL_CLOCK.search(text), (where, text)
        assert f"API created {created.astimezone(MC_TZ):%H:%M:%S}" in moved["summary"]
        assert "MC time" in app.sub_title

        await open_drilldown(app, pilot)
        parts = ("#rc-outcome", "#rc-history", "#mh-body", "#mh-title")
        drill = {part: text_of(app, part) for part in parts}
        assert "MC time, UTC−6" in drill["#mh-title"]
        for part in ("#rc-outcome", "#rc-history"):
            assert MC_CLOCK.search(drill[part]) and not LOCAL_CLOCK.search(drill[part]), drill
        assert " MC  " in drill["#mh-body"], drill  # the API's dates as Marketing Cloud wrote them

        await pilot.press("t")  # on the drill-down too, and back to local
        for part in ("#rc-outcome", "#rc-history"):
            text = text_of(app, part)
            assert LOCAL_CLOCK.search(text) and not MC_CLOCK.search(text), (part, text)
        assert " MC  " not in text_of(app, "#mh-body")
        assert "local time" in text_of(app, "#mh-title")
        assert "MC time" not in screen(app)

        await pilot.press("escape")
        await until(pilot, lambda: not isinstance(app.screen, RecipientScreen), "back")
        assert monitor_times() == shown
        assert "MC time" not in app.sub_title


async def test_what_changed_while_sendwatch_was_not_running_is_already_so_at_the_restart(
    env: Env,
) -> None:
    send = env.send("Overnight", 3)
    env.watch(send)
    first = env.app(clock=ManualClock(START))
    async with running(first) as pilot:
        await until(pilot, lambda: has_data(first, send.key), "the first read")
    env.sim.advance(300)  # it finished while sendwatch was not running
    later = env.app(clock=ManualClock(START + timedelta(hours=1)))
    async with running(later, test_app.WIDE) as pilot:
        grid = later.monitor.detail.grid
        await until(pilot, lambda: grid.row_count == 3, "the rows after the restart")
        assert seen_column(grid) == [f"{UPPER_BOUND}11:00:00"] * 3
        shown = steps(later)
        assert shown[0].split("\n")[1] == f"{UPPER_BOUND}10:00:00"  # New, the first read ever
        assert shown[3].split("\n")[1] == f"{UPPER_BOUND}11:00:00"  # Finished, seen on resuming
