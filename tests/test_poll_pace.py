"""A large send whose reads stopped changing is read less often, and never starves others.

The rule is pure (`PollPace`); the refresher is then run with the real client against
the simulator over HTTP, on a manual clock, and the requests the simulator received
over simulated minutes are counted.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from msgspec.structs import replace

from tests.clocks import START, ManualClock, drive, real_wait, settle, tick
from tests.test_refresher import Meter, make_config, reads, running, sim_profile, watched
from tui.core.api.parse import parse_delivery
from tui.core.poll_pace import LARGE_AND_UNCHANGED, Pace, PollPace
from tui.core.refresher import Refresher
from tui.core.state import SendState
from tui.core.store.config import Settings
from tui.sim import Simulator
from tui.ui.widgets.send_detail import summary_text

ONE_S = timedelta(seconds=1)
PACE = PollPace(large=100, steady=3, slowest=8.0)


@pytest.fixture(autouse=True)
def secret_env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SIM_SECRET", "demo-secret")


def _delivery(recipients: int, status: str = "Started") -> object:
    body = {
        "message": "Hi",
        "count": recipients,
        "status": status,
        "createDate": "2026-01-05T06:00:00",
        "tracking": [
            {"mobileNumber": f"1555{n:07d}", "statusCode": 1000, "message": "Queued"}
            for n in range(recipients)
        ],
    }
    return parse_delivery(body)


def test_a_large_unchanged_send_doubles_its_interval_up_to_the_cap() -> None:
    big, small = _delivery(150), _delivery(10)
    pace: Pace | None = None
    intervals = []
    for _ in range(7):
        pace = PACE.after(pace, 1.0, big, same=True)  # type: ignore[arg-type]
        intervals.append(pace.interval)
    assert intervals == [1.0, 1.0, 2.0, 4.0, 8.0, 8.0, 8.0]
    assert pace is not None and pace.note == "large and unchanged: polling every 8s"
    changed = PACE.after(pace, 1.0, big, same=False)  # type: ignore[arg-type]
    assert changed == Pace(1.0) and changed.note is None
    for _ in range(10):
        pace = PACE.after(pace, 1.0, small, same=True)  # type: ignore[arg-type]
    assert pace.interval == 1.0 and pace.note is None
    assert PACE.after(None, 30.0, big, same=True).interval == 30.0  # type: ignore[arg-type]
    slow = Pace(40.0, 9, LARGE_AND_UNCHANGED)
    assert slow.note == "large and unchanged: polling every 40s"


def _requests(sim: Simulator, token: str) -> int:
    return sum(1 for r in sim.requests if token in r.path)


async def test_a_large_send_is_read_less_often_once_unchanged(
    sim: Simulator, tmp_path: Path
) -> None:
    mid = sim.add_message()
    big, small = sim.create_send(mid, 300), sim.create_send(mid, 20)
    sim.advance(10.5)  # Started, ~200 recipients listed; then the simulator stands still
    config = make_config(tmp_path, sim_profile(sim))
    config = replace(config, settings=Settings(refresh_interval=1.0))
    states: list[SendState] = []
    clock = ManualClock()
    meter = Meter()
    refresher = Refresher(
        config, states.append, clock=clock, client_factory=meter.factory(), pace=PACE
    )
    refresher.watch(watched(mid, big))
    refresher.watch(watched(mid, small))
    async with running(refresher):
        await real_wait(lambda: len(reads(states)) >= 2, "the first reads")
        await tick(clock, refresher, 120.0, step=1.0)  # two simulated minutes, sim frozen
        # Reads at 0, 1, 2, 3, 5, 9, then every 8 s: 19 in 120 s instead of 121.
        assert _requests(sim, big) == 19
        assert _requests(sim, small) == 121, "the small send kept its pace"
        last = reads(states, watched(mid, big).key)[-1]
        assert last.pace is not None and last.pace.interval == 8.0
        assert last.next_poll_at == last.fetched_at + timedelta(seconds=8)
        shown = summary_text(last, mc_time=False, now=START, interval=1.0).plain
        assert "large and unchanged: polling every 8s" in shown

        sim.advance(3.0)  # the send moves on: the next read sees it, the pace resets
        before = _requests(sim, big)
        await drive(clock, refresher, lambda: _requests(sim, big) > before, "a read", step=1.0)
        changed = reads(states, watched(mid, big).key)[-1]
        assert changed.pace == Pace(1.0) and changed.next_poll_at == changed.fetched_at + ONE_S
        await tick(clock, refresher, 3.0, step=1.0)
        assert _requests(sim, big) == before + 4, "back to every second"


async def test_large_reads_never_take_every_request_slot(sim: Simulator, tmp_path: Path) -> None:
    """Two large sends' reads held in flight (a slow download and parse): a send added
    then is still read at once, because large reads get half the slots at most."""
    mid = sim.add_message()
    big1, big2, small = (sim.create_send(mid, n) for n in (300, 300, 5))
    sim.advance(10.5)
    config = make_config(tmp_path, sim_profile(sim), max_concurrency=2)
    config = replace(config, settings=Settings(refresh_interval=1.0, max_concurrency=2))
    states: list[SendState] = []
    clock, meter = ManualClock(), Meter()
    refresher = Refresher(
        config, states.append, clock=clock, client_factory=meter.factory(), pace=PACE
    )
    refresher.watch(watched(mid, big1))
    refresher.watch(watched(mid, big2))
    async with running(refresher):
        await real_wait(lambda: len(reads(states)) >= 2, "the first reads")
        await settle(refresher)
        meter.hold(big1, big2)
        clock.advance(1.0)

        def big_in_flight() -> int:
            return meter.in_flight[big1] + meter.in_flight[big2]

        await real_wait(lambda: big_in_flight() + refresher.queued == 2, "both big polls")
        assert big_in_flight() == 1, "one lane for large reads with two request slots"
        refresher.watch(watched(mid, small))
        await real_wait(lambda: reads(states, watched(mid, small).key), "the small send's read")
        meter.release()
        await settle(refresher)
