"""The poll scheduler with the real SmsClient, against the simulator over HTTP.

Both clocks stand still until a test moves them: the simulator's (`time_scale=0`, moved
with `sim.advance()`) and the refresher's (a `ManualClock`, moved by `Rig.until`/`tick`
only while the refresher is quiet). So every poll happens at a known moment, however
loaded the machine is. A `Meter` wraps every client the refresher builds and counts
fetches as they start; a fetch can be held at its start (`Meter.hold`) to make overlaps
happen on purpose instead of by luck.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
import sqlite3
import threading
from collections import Counter
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import msgspec
import pytest

from tests.clocks import ManualClock, drive, real_wait, settle, tick
from tui.core.api.client import SmsClient
from tui.core.api.errors import (
    ConfigError,
    NetworkError,
    RateLimited,
    ServerError,
    TokenNotForClient,
)
from tui.core.api.model import Delivery, SendKind
from tui.core.api.parse import parse_delivery_bytes
from tui.core.api.profile import Profile
from tui.core.refresher import Fetcher, Refresher
from tui.core.state import SendState
from tui.core.store.config import Config, Settings
from tui.core.store.history import History
from tui.core.store.watchlist import WatchedSend
from tui.sim import Fault, Simulator

INTERVAL = 0.05
MC = SendKind.MESSAGE_CONTACT


@pytest.fixture(autouse=True)
def secret_env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SIM_SECRET", "demo-secret")


# --------------------------------------------------------------------------- helpers


def sim_profile(sim: Simulator, name: str = "sim") -> Profile:
    return Profile(
        name=name,
        auth="oauth2",
        auth_url=sim.url,
        rest_url=sim.url,
        client_id="demo-client",
        client_secret_env="SIM_SECRET",
    )


def make_config(tmp_path: Path, *profiles: Profile, max_concurrency: int = 5) -> Config:
    return Config(
        path=tmp_path / "config.toml",
        settings=Settings(refresh_interval=INTERVAL, max_concurrency=max_concurrency),
        profiles={p.name: p for p in profiles},
    )


def watched(mid: str, tid: str, profile: str = "sim") -> WatchedSend:
    return WatchedSend(profile=profile, message_id=mid, token_id=tid, kind=MC)


async def no_wait(seconds: float) -> None:
    """The client's retry pauses, without the wall-clock wait."""
    await asyncio.sleep(0)


class Meter:
    """Shared by every wrapped client: fetches started and in flight, per token and overall."""

    def __init__(self) -> None:
        self.started: Counter[str] = Counter()
        self.in_flight: Counter[str] = Counter()
        self.max_per_token: Counter[str] = Counter()
        self.total_in_flight = 0
        self.max_total = 0
        self.built_on_loop_thread: bool | None = None
        self.clients_built = 0
        self.gates: dict[str, asyncio.Event] = {}

    def factory(self, **client_kw: Any) -> Callable[[Profile], Fetcher]:
        client_kw.setdefault("sleep", no_wait)

        def build(profile: Profile) -> Fetcher:
            self.clients_built += 1
            self.built_on_loop_thread = threading.current_thread() is threading.main_thread()
            return MeteredClient(SmsClient(profile, **client_kw), self)

        return build

    def hold(self, *tokens: str) -> None:
        """Fetches of these tokens start (and count) but wait for `release()` to go on."""
        for token in tokens:
            self.gates[token] = asyncio.Event()

    def release(self) -> None:
        for gate in self.gates.values():
            gate.set()
        self.gates.clear()


class MeteredClient:
    def __init__(self, inner: SmsClient, meter: Meter) -> None:
        self.inner = inner
        self.meter = meter

    async def fetch(
        self, kind: SendKind, message_id: str, token_id: str, *, previous: Delivery | None = None
    ) -> Delivery:
        m = self.meter
        m.started[token_id] += 1
        m.in_flight[token_id] += 1
        m.total_in_flight += 1
        m.max_per_token[token_id] = max(m.max_per_token[token_id], m.in_flight[token_id])
        m.max_total = max(m.max_total, m.total_in_flight)
        try:
            gate = m.gates.get(token_id)
            if gate is not None:
                await gate.wait()
            return await self.inner.fetch(kind, message_id, token_id, previous=previous)
        finally:
            m.in_flight[token_id] -= 1
            m.total_in_flight -= 1

    async def aclose(self) -> None:
        await self.inner.aclose()


@dataclass
class Rig:
    """A refresher on a manual clock, and ways to let its time pass."""

    refresher: Refresher
    clock: ManualClock = field(default_factory=ManualClock)

    async def until(self, ready: Callable[[], Any], what: str, limit: float = 60.0) -> Any:
        """Poll on, interval by interval, until `ready()` (fails after `limit` test seconds)."""
        return await drive(self.clock, self.refresher, ready, what, step=INTERVAL, limit=limit)

    async def tick(self, seconds: float) -> None:
        """Let `seconds` pass, every poll that falls due included."""
        await tick(self.clock, self.refresher, seconds, step=INTERVAL)

    async def quiet(self, meter: Meter, token: str, seconds: float = 0.3) -> None:
        """Assert no fetch of `token` starts while `seconds` pass."""
        await settle(self.refresher)
        before = meter.started[token]
        await self.tick(seconds)
        assert meter.started[token] == before, f"{meter.started[token] - before} fetches"


def rig(
    config: Config,
    on_update: Callable[[SendState], None],
    clock: ManualClock | None = None,
    **kw: Any,
) -> Rig:
    clock = clock or ManualClock()
    return Rig(Refresher(config, on_update, clock=clock, **kw), clock)


@contextlib.asynccontextmanager
async def running(refresher: Refresher) -> AsyncIterator[asyncio.Task[None]]:
    task = asyncio.create_task(refresher.run())
    try:
        yield task
        await asyncio.sleep(0)
        assert not task.done(), "the refresher's run() ended by itself"
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task


def reads(states: list[SendState], key: str | None = None) -> list[SendState]:
    """Published states that are the result of a successful fetch."""
    return [
        s
        for s in states
        if (key is None or s.key == key)
        and s.delivery is not None
        and s.error is None
        and s.fetched_at is not None
    ]


def latest(states: list[SendState], key: str) -> SendState | None:
    mine = [s for s in states if s.key == key]
    return mine[-1] if mine else None


def status_is(states: list[SendState], key: str, status: str) -> Callable[[], SendState | None]:
    def check() -> SendState | None:
        for s in reversed(reads(states, key)):
            return s if s.delivery is not None and s.delivery.status == status else None
        return None

    return check


def dedupe(values: list[str]) -> list[str]:
    out: list[str] = []
    for v in values:
        if not out or out[-1] != v:
            out.append(v)
    return out


async def queue_behind(r: Rig, meter: Meter, a: str, b: str) -> None:
    """With one request slot: A's read is in flight and held, B is due and waits for the
    slot. `meter.release()` lets A go on."""
    await r.until(lambda: meter.started[a] >= 1 and meter.started[b] >= 1, "first reads")
    meter.hold(a)
    r.clock.advance(INTERVAL)
    await real_wait(lambda: meter.in_flight[a] == 1 or meter.in_flight[b] == 1, "a read")
    if meter.in_flight[b]:  # B won the slot this time: A is next, B falls due again
        await real_wait(lambda: meter.in_flight[a] == 1, "A's held read")
    r.clock.advance(INTERVAL)
    await real_wait(lambda: r.refresher.queued == 1, "B queued behind A")


async def advance_and_read(r: Rig, sim: Simulator, states: list[SendState], seconds: float) -> None:
    """Move sim time, wait for a read that shows it, then for one more (unchanged) read."""
    seen = reads(states)[-1].delivery
    sim.advance(seconds)
    await r.until(lambda: reads(states)[-1].delivery != seen, "a changed delivery")
    n = len(reads(states))
    await r.until(lambda: len(reads(states)) > n, "one more read")


# --------------------------------------------------------------------------- progression


async def test_progression_to_finished_then_stops(sim: Simulator, tmp_path: Path) -> None:
    mid = sim.add_message()
    tid = sim.create_send(mid, 5)
    send = watched(mid, tid)
    states: list[SendState] = []
    meter = Meter()
    r = rig(make_config(tmp_path, sim_profile(sim)), states.append, client_factory=meter.factory())
    refresher = r.refresher
    refresher.watch(send)
    async with running(refresher):
        first = await r.until(status_is(states, send.key, "New"), "New")
        assert first.next_poll_at is not None and first.next_poll_at > first.fetched_at
        assert not first.final
        for step, status in ((2.5, "Queuing"), (3.0, "Started"), (3600, "Finished")):
            sim.advance(step)
            await r.until(status_is(states, send.key, status), status)

        done = reads(states, send.key)[-1]
        assert done.final and done.next_poll_at is None
        on_server = sim.stats.deliveries
        await r.quiet(meter, tid)  # a final read ends polling
        assert sim.stats.deliveries == on_server

        ok = reads(states, send.key)
        assert dedupe([s.delivery.status for s in ok if s.delivery]) == [
            "New",
            "Queuing",
            "Started",
            "Finished",
        ]
        flagged = [s for s in states if s.became_final]
        assert len(flagged) == 1
        assert flagged[0] is next(s for s in ok if s.final)
        statuses = [name for name, _ in done.observed]
        assert statuses == ["New", "Queuing", "Started", "Finished"]
        moments = [when for _, when in done.observed]
        assert moments == sorted(moments) and all(m.tzinfo for m in moments)

        # Manual refresh still works after the final read, and paused too.
        n = meter.started[tid]
        r.clock.advance(1.0)
        refresher.refresh_now(send.key)
        await r.until(lambda: len(reads(states, send.key)) > len(ok), "a manual read")
        assert meter.started[tid] == n + 1
        again = reads(states, send.key)[-1]
        assert again.final and not again.became_final
        assert again.fetched_at is not None and done.fetched_at is not None
        assert again.fetched_at > done.fetched_at
        refresher.set_paused(True)
        refresher.refresh_now(send.key)
        await r.until(lambda: meter.started[tid] == n + 2, "a manual read while paused")
        await r.quiet(meter, tid, 0.2)
        assert sum(s.became_final for s in reads(states)) == 1


async def test_became_final_is_published_once(sim: Simulator, tmp_path: Path) -> None:
    mid = sim.add_message()
    tid = sim.create_send(mid, 3)
    send = watched(mid, tid)
    states: list[SendState] = []
    r = rig(make_config(tmp_path, sim_profile(sim)), states.append)
    refresher = r.refresher
    refresher.watch(send)
    async with running(refresher):
        await r.until(status_is(states, send.key, "New"), "New")
        sim.advance(3600)
        await r.until(status_is(states, send.key, "Finished"), "Finished")
        refresher.update_send(replace(send, label="renamed"))
        n = len(reads(states))
        refresher.refresh_now(send.key)
        await r.until(lambda: len(reads(states)) > n, "a manual read")
    assert states[-1].send.label == "renamed"
    flagged = [s for s in states if s.became_final]
    assert len(flagged) == 1, [s.send.label for s in flagged]


# --------------------------------------------------------------------------- errors


async def test_errors_keep_last_good_data_and_back_off(sim: Simulator, tmp_path: Path) -> None:
    mid = sim.add_message()
    tid = sim.create_send(mid, 5)
    send = watched(mid, tid)
    states: list[SendState] = []
    meter = Meter()
    r = rig(
        make_config(tmp_path, sim_profile(sim)),
        states.append,
        client_factory=meter.factory(retries=0),
    )
    r.refresher.watch(send)
    async with running(r.refresher):
        good = await r.until(status_is(states, send.key, "New"), "a first good read")
        sim.inject(tid, Fault(kind="http500", times=3))
        mark = len(states)
        await r.until(
            lambda: (s := latest(states, send.key)) is not None and s.failures >= 3,
            "three failures",
        )
        failed = [s for s in states[mark:] if s.error is not None]
        assert [s.failures for s in failed] == [1, 2, 3]
        for s in failed:
            assert isinstance(s.error, ServerError) and s.error.status == 500
            assert s.delivery is good.delivery  # the last good data stays
            assert s.fetched_at == good.fetched_at
            assert s.stale
            assert s.error_at is not None and s.next_poll_at is not None
        # Exponential backoff with jitter in [0.5, 1] x interval x 2^(n-1): the ranges
        # do not overlap, so each wait is at least the one before.
        waits = [(s.next_poll_at - s.error_at).total_seconds() for s in failed]  # type: ignore[operator]
        for n, wait in enumerate(waits):
            base = INTERVAL * 2**n
            assert base * 0.5 - 1e-3 <= wait <= base + 1e-3, waits

        healed = await r.until(
            lambda: (
                (s := latest(states, send.key)) is not None
                and s.error is None
                and s.fetched_at != good.fetched_at
                and s
            ),
            "the error to clear",
        )
        assert healed.failures == 0 and not healed.stale and healed.error_at is None
        assert healed.next_poll_at is not None


async def test_non_retryable_error_waits_for_a_manual_refresh(
    sim: Simulator, tmp_path: Path
) -> None:
    mid = sim.add_message()
    sim.add_client("other-client", "other-secret")
    foreign = sim.create_send(
        sim.add_message("theirs", client_id="other-client"), 1, client_id="other-client"
    )
    send = watched(mid, foreign)
    states: list[SendState] = []
    meter = Meter()
    r = rig(make_config(tmp_path, sim_profile(sim)), states.append, client_factory=meter.factory())
    r.refresher.watch(send)
    async with running(r.refresher):
        s = await r.until(lambda: (x := latest(states, send.key)) and x.error and x, "the error")
        assert isinstance(s.error, TokenNotForClient)
        assert s.next_poll_at is None and s.failures == 1
        assert s.delivery is None and not s.stale
        await r.quiet(meter, foreign)
        assert meter.started[foreign] == 1
        r.refresher.refresh_now(send.key)
        await r.until(lambda: latest(states, send.key).failures == 2, "a manual retry")  # type: ignore[union-attr]
        again = latest(states, send.key)
        assert again is not None and again.next_poll_at is None
        assert meter.started[foreign] == 2
        await r.quiet(meter, foreign, 0.15)


async def test_retry_after_pauses_only_that_profile(sim: Simulator, tmp_path: Path) -> None:
    mid = sim.add_message()
    a, b, c = (sim.create_send(mid, 3) for _ in range(3))
    sends = [watched(mid, a), watched(mid, b), watched(mid, c, profile="other")]
    meter = Meter()
    snapshot: dict[str, int] = {}
    states: list[SendState] = []

    def on_update(state: SendState) -> None:
        states.append(state)
        if isinstance(state.error, RateLimited) and not snapshot:
            snapshot.update(meter.started)  # at the very moment the 429 is handled

    r = rig(
        make_config(tmp_path, sim_profile(sim), sim_profile(sim, "other")),
        on_update,
        client_factory=meter.factory(retries=0),
    )
    for s in sends:
        r.refresher.watch(s)
    async with running(r.refresher):
        await r.until(lambda: all(meter.started[t] >= 2 for t in (a, b, c)), "first reads")
        sim.inject(a, Fault(kind="http429", times=1, retry_after=0.5))
        await r.until(lambda: snapshot, "the 429")
        limited = latest(states, sends[0].key)
        assert limited is not None and isinstance(limited.error, RateLimited)
        assert limited.error.retry_after == 0.5
        assert limited.stale and limited.next_poll_at is not None
        assert limited.next_poll_at - limited.error_at >= timedelta(seconds=0.5)  # type: ignore[operator]
        await r.tick(0.3)
        assert meter.started[a] == snapshot[a]
        assert meter.started[b] == snapshot[b]  # same profile: paused too
        assert meter.started[c] >= snapshot[c] + 2  # another profile: not paused
        await r.until(
            lambda: meter.started[a] > snapshot[a] and meter.started[b] > snapshot[b],
            "polling to resume after the pause",
        )
        await r.until(lambda: latest(states, sends[0].key).error is None, "A to recover")  # type: ignore[union-attr]


async def test_retry_after_also_holds_polls_queued_for_a_slot(
    sim: Simulator, tmp_path: Path
) -> None:
    mid = sim.add_message()
    a, b = sim.create_send(mid, 3), sim.create_send(mid, 3)
    meter = Meter()
    snapshot: dict[str, int] = {}
    states: list[SendState] = []

    def on_update(state: SendState) -> None:
        states.append(state)
        if isinstance(state.error, RateLimited) and not snapshot:
            snapshot.update(meter.started)

    r = rig(
        make_config(tmp_path, sim_profile(sim), max_concurrency=1),
        on_update,
        client_factory=meter.factory(retries=0),
    )
    r.refresher.watch(watched(mid, a))
    r.refresher.watch(watched(mid, b))
    async with running(r.refresher):
        # A's next read holds the one slot, B falls due and queues for it; then A is 429.
        await queue_behind(r, meter, a, b)
        sim.inject(a, Fault(kind="http429", times=1, retry_after=1.0))
        meter.release()
        await r.until(lambda: snapshot, "the 429")
        await r.tick(0.5)
        assert meter.started[b] == snapshot[b], "B fetched during A's Retry-After pause"


async def test_a_slow_send_gives_its_slot_up_at_the_deadline(
    sim: Simulator, tmp_path: Path
) -> None:
    """A reply at a byte a second: that send goes stale with a timeout, the other send
    keeps being read through the one request slot."""
    mid = sim.add_message()
    slow, fine = sim.create_send(mid, 3), sim.create_send(mid, 3)
    sim.inject(slow, Fault(kind="trickle", times=None, seconds=0.2))
    profile = msgspec.structs.replace(sim_profile(sim), timeout=0.5)
    states: list[SendState] = []
    r = rig(make_config(tmp_path, profile, max_concurrency=1), states.append)
    a, b = watched(mid, slow), watched(mid, fine)
    r.refresher.watch(a)
    r.refresher.watch(b)
    async with running(r.refresher):
        await r.until(
            lambda: (
                len(reads(states, b.key)) >= 3
                and any(s.error is not None for s in states if s.key == a.key)
            ),
            "three reads of the fine send and a failed read of the slow one",
        )
    failed = next(s for s in states if s.key == a.key and s.error is not None)
    assert isinstance(failed.error, NetworkError) and failed.error.kind == "timeout"


# --------------------------------------------------------------------------- concurrency


async def test_never_two_fetches_of_one_send_at_once(sim: Simulator, tmp_path: Path) -> None:
    mid = sim.add_message()
    tokens = [sim.create_send(mid, 3) for _ in range(3)]
    for t in tokens:
        sim.inject(t, Fault(kind="latency", seconds=0.03, times=None))
    sends = [watched(mid, t) for t in tokens]
    meter = Meter()
    r = rig(
        make_config(tmp_path, sim_profile(sim), max_concurrency=5),
        lambda s: None,
        client_factory=meter.factory(),
    )
    refresher = r.refresher
    for s in sends:
        refresher.watch(s)
    async with running(refresher):
        i = 0
        # Refreshes, pauses and due polls keep coming while reads are in flight, until
        # every send has been read a few times (an event, not a length of time).
        while not all(meter.started[t] >= 5 for t in tokens):
            refresher.refresh_now(sends[i % 3].key)
            if i % 7 == 0:
                refresher.refresh_now()
            if i % 11 == 0:
                refresher.set_paused(not refresher.paused)
            r.clock.advance(INTERVAL / 3)
            i += 1
            await asyncio.sleep(0.003)
            assert i < 20_000, meter.started
        refresher.set_paused(False)
    assert all(meter.started[t] >= 5 for t in tokens), meter.started
    assert max(meter.max_per_token.values()) == 1, meter.max_per_token


async def test_bounded_concurrency_over_one_client(sim: Simulator, tmp_path: Path) -> None:
    mid = sim.add_message()
    tokens = [sim.create_send(mid, 2) for _ in range(12)]
    states: list[SendState] = []
    meter = Meter()
    meter.hold(*tokens)  # every read waits at its start, so they pile up on purpose
    r = rig(
        make_config(tmp_path, sim_profile(sim), max_concurrency=3),
        states.append,
        client_factory=meter.factory(),
    )
    for t in tokens:
        r.refresher.watch(watched(mid, t))
    async with running(r.refresher):
        await real_wait(lambda: meter.total_in_flight == 3, "three reads in flight")
        await real_wait(lambda: r.refresher.queued == 9, "the other nine queued")
        meter.release()
        await r.until(lambda: len({s.key for s in reads(states)}) == 12, "every send read once")
    assert 2 <= meter.max_total <= 3, meter.max_total
    assert meter.clients_built == 1  # one client (one pool, one token) per profile
    assert not meter.built_on_loop_thread, "loading the CA bundle must not block the loop"
    assert sim.stats.token_v2 == 1


async def test_pause_and_resume(sim: Simulator, tmp_path: Path) -> None:
    mid = sim.add_message()
    tid = sim.create_send(mid, 3)
    send = watched(mid, tid)
    meter = Meter()
    r = rig(make_config(tmp_path, sim_profile(sim)), lambda s: None, client_factory=meter.factory())
    refresher = r.refresher
    refresher.watch(send)
    async with running(refresher):
        await r.until(lambda: meter.started[tid] >= 2, "polling")
        refresher.set_paused(True)
        assert refresher.paused
        await r.quiet(meter, tid)
        n = meter.started[tid]
        refresher.refresh_now(send.key)
        await r.until(lambda: meter.started[tid] == n + 1, "a manual read while paused")
        await r.quiet(meter, tid, 0.15)
        refresher.set_paused(False)
        await r.until(lambda: meter.started[tid] >= n + 3, "polling to resume", limit=2)


async def test_pause_also_holds_polls_queued_for_a_slot(sim: Simulator, tmp_path: Path) -> None:
    mid = sim.add_message()
    a, b = sim.create_send(mid, 3), sim.create_send(mid, 3)
    meter = Meter()
    r = rig(
        make_config(tmp_path, sim_profile(sim), max_concurrency=1),
        lambda s: None,
        client_factory=meter.factory(),
    )
    refresher = r.refresher
    refresher.watch(watched(mid, a))
    refresher.watch(watched(mid, b))
    async with running(refresher):
        await queue_behind(r, meter, a, b)
        refresher.set_paused(True)
        n = meter.started[b]
        meter.release()
        await r.tick(0.4)
        assert meter.started[b] == n, "B fetched while paused"


# --------------------------------------------------------------------------- history


async def test_history_observed_and_restart_survival(sim: Simulator, tmp_path: Path) -> None:
    mid = sim.add_message()
    tid = sim.create_send(mid, 25)
    send = watched(mid, tid)
    db = tmp_path / "history.sqlite3"
    config = make_config(tmp_path, sim_profile(sim))
    clock = ManualClock()

    states1: list[SendState] = []
    with History(db) as history:
        r = rig(config, states1.append, clock, history=history)
        r.refresher.watch(send)
        async with running(r.refresher):
            await r.until(status_is(states1, send.key, "New"), "New")
            sim.advance(2.5)
            await r.until(status_is(states1, send.key, "Queuing"), "Queuing")
            sim.advance(4.5)  # 1.5 s into dispatch: some recipients have events
            before = await r.until(status_is(states1, send.key, "Started"), "Started")
            await settle(r.refresher)  # the read is stored after it is shown
            assert history.status_observations(send.key) == list(before.observed)
    assert [name for name, _ in before.observed] == ["New", "Queuing", "Started"]
    assert before.delivery is not None
    outcomes1 = {r.mobile_number: r.outcome_code for r in before.delivery.recipients}
    assert outcomes1 and set(before.since) == set(outcomes1)

    sim.advance(0.7)  # a little progress while sendwatch was closed
    clock.advance(60)
    states2: list[SendState] = []
    with History(db) as history:
        r = rig(config, states2.append, clock, history=history)
        r.refresher.watch(send)
        async with running(r.refresher):
            after = await r.until(lambda: next(iter(reads(states2)), None), "a first read")
    assert after.observed == before.observed  # same statuses, same first-seen times
    assert after.delivery is not None
    outcomes2 = {r.mobile_number: r.outcome_code for r in after.delivery.recipients}
    same = [n for n in outcomes1 if outcomes2.get(n) == outcomes1[n]]
    moved = [n for n in outcomes2 if outcomes1.get(n, -1) != outcomes2[n]]
    assert same and moved, (outcomes1, outcomes2)  # the test needs both kinds
    for n in same:
        assert after.since[n] == before.since[n], n
    for n in moved:
        assert after.since[n] == after.fetched_at, n
        assert n not in before.since or after.since[n] > before.since[n]


async def test_history_records_the_whole_progression(sim: Simulator, tmp_path: Path) -> None:
    mid = sim.add_message()
    tid = sim.create_send(mid, 3)
    send = watched(mid, tid)
    states: list[SendState] = []
    with History(tmp_path / "h.sqlite3") as history:
        r = rig(make_config(tmp_path, sim_profile(sim)), states.append, history=history)
        r.refresher.watch(send)
        async with running(r.refresher):
            await r.until(status_is(states, send.key, "New"), "New")
            for step, status in ((2.5, "Queuing"), (3.0, "Started"), (3600, "Finished")):
                sim.advance(step)
                await r.until(status_is(states, send.key, status), status)
            await settle(r.refresher)
        done = reads(states, send.key)[-1]
        stored = history.status_observations(send.key)
        assert done.warning is None
    assert [n for n, _ in done.observed] == ["New", "Queuing", "Started", "Finished"]
    assert list(done.observed) == stored
    first_seen = {s.delivery.status: s.fetched_at for s in reversed(reads(states)) if s.delivery}
    assert dict(done.observed) == first_seen  # each status stamped when first fetched


# --------------------------------------------------------------------------- changed rows


async def test_changed_holds_only_rows_that_changed(sim: Simulator, tmp_path: Path) -> None:
    mid = sim.add_message()
    tid = sim.create_send(mid, 25)
    send = watched(mid, tid)
    states: list[SendState] = []
    r = rig(make_config(tmp_path, sim_profile(sim)), states.append)
    r.refresher.watch(send)
    async with running(r.refresher):
        sim.advance(6.0)
        await r.until(status_is(states, send.key, "Started"), "Started")
        for _ in range(6):
            await advance_and_read(r, sim, states, 0.4)
    ok = reads(states)
    first = ok[0]
    assert first.delivery is not None
    assert first.changed == {r.mobile_number for r in first.delivery.recipients}
    partial = 0
    for prev, cur in itertools.pairwise(ok):
        assert prev.delivery is not None and cur.delivery is not None
        old = {r.mobile_number: r for r in prev.delivery.recipients}
        new = {r.mobile_number: r for r in cur.delivery.recipients}
        expected = {n for n, r in new.items() if old.get(n) != r}
        assert cur.changed == expected
        if 0 < len(expected) < len(new):
            partial += 1
        for n, r in new.items():
            if n in old and old[n].outcome_code == r.outcome_code:
                assert cur.since[n] == prev.since[n]  # outcome unchanged: time kept
            else:
                assert cur.since[n] == cur.fetched_at
    assert partial >= 2
    # Reads with no new data publish an empty `changed`: nothing to repaint.
    assert any(not s.changed for s in ok[1:])


# --------------------------------------------------------------------------- lifecycle


async def test_unknown_profile_is_an_error_state(sim: Simulator, tmp_path: Path) -> None:
    mid = sim.add_message()
    tid = sim.create_send(mid, 3)
    ghost = watched(mid, tid, profile="ghost")
    real = watched(mid, tid)
    states: list[SendState] = []
    r = rig(make_config(tmp_path, sim_profile(sim)), states.append)
    r.refresher.watch(ghost)
    r.refresher.watch(real)
    async with running(r.refresher):
        await r.until(lambda: (s := latest(states, ghost.key)) and s.error, "the ghost's error")
        await r.until(lambda: len(reads(states, real.key)) >= 3, "the real send polling")
        state = latest(states, ghost.key)
        assert state is not None and isinstance(state.error, ConfigError)
        assert "ghost" in str(state.error)
        assert "profile 'ghost' is not configured" in str(state.error)
        assert state.next_poll_at is None and state.delivery is None
        assert [s.failures for s in states if s.key == ghost.key and s.error] == [1]


async def test_unwatch_stops_that_loop(sim: Simulator, tmp_path: Path) -> None:
    mid = sim.add_message()
    a, b = sim.create_send(mid, 3), sim.create_send(mid, 3)
    sa, sb = watched(mid, a), watched(mid, b)
    states: list[SendState] = []
    meter = Meter()
    r = rig(make_config(tmp_path, sim_profile(sim)), states.append, client_factory=meter.factory())
    refresher = r.refresher
    refresher.watch(sa)
    async with running(refresher):
        refresher.watch(sb)  # added while running
        await r.until(lambda: meter.started[a] >= 2 and meter.started[b] >= 2, "both polling")
        refresher.unwatch(sa.key)
        assert sa.key not in refresher.states()
        mark = len(states)
        requests_a = sum(a in r.path for r in sim.requests)
        n_b = meter.started[b]
        await r.tick(0.3)
        assert sum(a in r.path for r in sim.requests) <= requests_a + 1  # at most the one in flight
        await r.quiet(meter, a, 0.2)
        assert meter.started[b] >= n_b + 3
        assert not [s for s in states[mark:] if s.key == sa.key]
        refresher.refresh_now(sa.key)  # a stale key is ignored
        await r.quiet(meter, a, 0.1)


async def test_final_on_first_read_is_not_became_final(sim: Simulator, tmp_path: Path) -> None:
    mid = sim.add_message()
    tid = sim.create_send(mid, 3)
    sim.advance(3600)
    states: list[SendState] = []
    meter = Meter()
    r = rig(make_config(tmp_path, sim_profile(sim)), states.append, client_factory=meter.factory())
    r.refresher.watch(watched(mid, tid))
    async with running(r.refresher):
        first = await r.until(lambda: next(iter(reads(states)), None), "a read")
        await r.quiet(meter, tid)
    assert first.final and not first.became_final and first.next_poll_at is None
    assert meter.started[tid] == 1


def test_send_state_defaults() -> None:
    state = SendState(watched("MzA6Nzg6MA", "tok"))
    assert not state.stale and not state.final and state.delivery is None
    assert state.key == "sim/messageContact/MzA6Nzg6MA/tok"


class _Broken:
    """A fetcher that fails the way bugs and hostile servers do."""

    def __init__(self, *errors: BaseException) -> None:
        self.errors = list(errors)
        self.calls = 0

    async def fetch(
        self, kind: SendKind, message_id: str, token_id: str, *, previous: Delivery | None = None
    ) -> Delivery:
        self.calls += 1
        raise self.errors.pop(0) if self.errors else RuntimeError("still broken")

    async def aclose(self) -> None:
        pass


async def test_a_bug_or_absurd_retry_after_never_ends_polling(tmp_path: Path) -> None:
    profile = Profile(name="sim", auth="token", rest_url="http://127.0.0.1:9", access_token_env="X")
    fetcher = _Broken(RateLimited(1e12), RuntimeError("boom"))
    states: list[SendState] = []
    r = rig(make_config(tmp_path, profile), states.append, client_factory=lambda p: fetcher)
    send = watched("MzA6Nzg6MA", "TOKEN1")
    r.refresher.watch(send)
    async with running(r.refresher):
        await r.until(lambda: fetcher.calls >= 1 and states, "the rate-limited read")
        assert states[-1].next_poll_at is not None, "Retry-After is clamped, not an overflow"
        r.refresher.refresh_now(send.key)
        await r.until(lambda: fetcher.calls >= 2 and len(states) >= 2, "the crashing read")
        assert "internal error" in str(states[-1].error)
        r.refresher.refresh_now(send.key)
        await r.until(lambda: fetcher.calls >= 3, "a read after the crash")


class _FailingHistory(History):
    """A history store whose every write and read fails, as a lone surrogate once did."""

    def record_status(self, send_key: str, status: str, seen_at: datetime) -> bool:
        raise UnicodeEncodeError("utf-8", "\ud800", 0, 1, "surrogates not allowed")

    def current(self, send_key: str) -> dict[str, tuple[str, datetime]]:
        raise sqlite3.OperationalError("disk I/O error")


async def test_no_history_failure_ever_stops_polling(sim: Simulator, tmp_path: Path) -> None:
    mid = sim.add_message()
    send = watched(mid, sim.create_send(mid, 3))
    states: list[SendState] = []
    with _FailingHistory(tmp_path / "h.sqlite3") as history:
        r = rig(make_config(tmp_path, sim_profile(sim)), states.append, history=history)
        r.refresher.watch(send)
        async with running(r.refresher):
            await r.until(lambda: len(reads(states, send.key)) >= 3, "three reads")
    last = states[-1]
    assert last.error is None
    assert last.warning is not None and last.warning.startswith("history not saved")


async def test_a_lone_surrogate_from_the_server_is_stored_and_polling_goes_on(
    tmp_path: Path,
) -> None:
    body = json.dumps({"status": "@", "tracking": [{"mobileNumber": "#"}]})
    body = body.replace("@", "Start\\ud800ed").replace("#", "1555\\udc00")
    fetcher = _Body(body.encode())
    profile = Profile(name="sim", auth="token", rest_url="http://127.0.0.1:9", access_token_env="X")
    states: list[SendState] = []
    send = watched("MzA6Nzg6MA", "TOKEN1")
    with History(tmp_path / "h.sqlite3") as history:
        r = rig(
            make_config(tmp_path, profile),
            states.append,
            history=history,
            client_factory=lambda p: fetcher,
        )
        r.refresher.watch(send)
        async with running(r.refresher):
            await r.until(lambda: fetcher.calls >= 3, "three reads")
            await settle(r.refresher)
        assert [s for s, _ in history.status_observations(send.key)] == ["Start\ufffded"]
    assert all(s.error is None and s.warning is None for s in states)


class _Body:
    """A fetcher that parses the same body every time, as the client does."""

    def __init__(self, body: bytes) -> None:
        self.body, self.calls = body, 0

    async def fetch(
        self, kind: SendKind, message_id: str, token_id: str, *, previous: Delivery | None = None
    ) -> Delivery:
        self.calls += 1
        return parse_delivery_bytes(self.body, previous)

    async def aclose(self) -> None:
        pass


class _CountingHistory(History):
    """A history store that counts the reads' writes."""

    writes = 0

    def record_status(self, send_key: str, status: str, seen_at: datetime) -> bool:
        self.writes += 1
        return super().record_status(send_key, status, seen_at)


async def test_a_read_that_brings_nothing_new_writes_nothing(
    sim: Simulator, tmp_path: Path
) -> None:
    """An idle monitor writes ~0 bytes: a poll with the same status and no new outcome
    costs no SQLite transaction (nor a thread hop)."""
    mid = sim.add_message()
    send = watched(mid, sim.create_send(mid, 3))
    states: list[SendState] = []
    with _CountingHistory(tmp_path / "h.sqlite3") as history:
        r = rig(make_config(tmp_path, sim_profile(sim)), states.append, history=history)
        r.refresher.watch(send)
        async with running(r.refresher):
            await r.until(lambda: len(reads(states, send.key)) >= 4, "four reads of New")
            await settle(r.refresher)
            assert history.writes == 1, "only the first read had news"
            sim.advance(2.5)
            await r.until(status_is(states, send.key, "Queuing"), "Queuing")
            await settle(r.refresher)
            assert history.writes == 2
        assert [s for s, _ in history.status_observations(send.key)] == ["New", "Queuing"]
