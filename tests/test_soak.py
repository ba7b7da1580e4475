"""Soak: the real app under Pilot, against the simulator over HTTP, through every fault kind.

Five sends on two profiles are watched through 17 kinds of trouble, 2 simulated minutes
each (34 in all, after 2 healthy ones), each followed by the wait until every send has
recovered by itself, then until every send has ended (about 66 simulated minutes). Both
clocks move only when the test moves them, 10 s a step: the run takes about 20 s.

What it proves, with the figures stated here and in the README's Reliability table:
- no crash: the app and its refresher run to the end, no error is logged, no traceback;
- memory bounded: tracemalloc growth from the end of the healthy start to the end of the
  run stays under `MEMORY_LIMIT` (10 MB; 1.8 MB measured);
- requests bounded, per send and per 2-minute fault (12 polls and requests when healthy):
  a send whose every read fails starts at most `max_polls()` polls, 5 at a 10 s interval
  (4 under a 30 s Retry-After, 3 under 60 s), each at most 2 Deliveries requests (one
  quick retry in the client): at most 10, 5 a minute, falling to one per 2.5-5 minutes
  in a longer outage. A read that succeeds, however odd, costs one request an interval
  (two when the token was revoked: the 401, then the retry), and a revocation one token
  request per profile, not per send;
- every send recovers once its fault stops, within its longest backoff (5 minutes), and
  ends as the simulator has it: no error, its final status, every recipient;
- nothing lost: the watch list on disk holds the same sends, in the same order.
"""

from __future__ import annotations

import asyncio
import gc
import logging
import random
import tracemalloc
from collections import Counter
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from msgspec import structs
from textual.pilot import Pilot
from textual.worker import WorkerState

from tests.clocks import ManualClock, settle
from tests.test_app import Env, entry, running, screen, text_of
from tui.cli.demo import DEMO_PROFILE, DEMO_SECRET_ENV, demo_profile
from tui.core.api.model import Delivery, SendKind
from tui.core.api.parse import parse_delivery_bytes
from tui.core.api.profile import Profile
from tui.core.refresher import MAX_BACKOFF, Fetcher, Refresher, default_client
from tui.core.store.config import Config, Settings
from tui.core.store.history import History
from tui.core.store.watchlist import WatchedSend
from tui.sim import Fault, Simulator
from tui.ui.app import SendwatchApp

pytestmark = pytest.mark.usefixtures("utc")

INTERVAL = 10.0
"""The refresh interval, and the step the clocks move by: at most one poll a step."""
PHASE = 120.0
"""Simulated seconds each kind of trouble lasts."""
TIMEOUT = 1.0
"""The profiles' request deadline in real seconds: what a trickling reply costs a poll."""
RETRY_AFTER = 60
MEMORY_LIMIT = 10 * 1024 * 1024
"""Python memory the run may keep from the end of the healthy start (2 MB measured)."""
OTHER = ("other", "other-client", "other-secret", "SOAK_OTHER_SECRET")


# --------------------------------------------------------------------------- the troubles


@dataclass(frozen=True)
class Trouble:
    """One kind of trouble: what the simulator does, and what the user must see."""

    name: str
    faults: tuple[Fault, ...] = ()
    fails: bool = True
    """Every read fails while it lasts (else reads succeed, however odd the reply)."""
    asked: float = 0.0
    """The Retry-After it announces: no poll comes sooner."""
    shows: str = ""
    """Shown on the selected send: in the problem line if `fails`, else in the summary."""
    down: bool = False
    """The server is stopped: connections are refused."""
    revoke: bool = False
    """Every token is revoked at every step: each poll meets a 401 and refreshes."""


def forever(kind: Any, **kw: Any) -> tuple[Fault, ...]:
    return (Fault(kind=kind, times=None, **kw),)


TROUBLES = [
    Trouble("timeout", forever("trickle", seconds=0.05), shows="no complete reply"),
    Trouble("refused", down=True, shows="connection refused"),
    Trouble("dropped", forever("drop"), shows="connection dropped"),
    Trouble("500 with reference id", forever("http500"), shows="HTTP 500"),
    Trouble("400 unexpected error", forever("unexpected"), shows="reference id"),
    Trouble(
        "429 Retry-After",
        forever("http429", retry_after=RETRY_AFTER),
        asked=RETRY_AFTER,
        shows=f"retry after {RETRY_AFTER} s",
    ),
    Trouble("429 no Retry-After", forever("http429", retry_after=None), shows="rate limited"),
    Trouble(
        "503 Retry-After",
        forever("http503", retry_after=30),
        asked=30,
        shows="server error (HTTP 503); retry after 30 s",
    ),
    Trouble("503 no Retry-After", forever("http503", retry_after=None), shows="503"),
    Trouble("malformed JSON", forever("malformed"), shows="invalid JSON"),
    Trouble("HTML page", forever("html"), shows="HTML"),
    Trouble("wrong shape", forever("shape"), shows="bad reply"),
    Trouble("lone surrogates", forever("surrogate"), fails=False, shows="\ufffd half a pair"),
    Trouble("hostile markup", forever("hostile"), fails=False, shows="[bold red]PWNED[/]"),
    Trouble("401 token expiry", fails=False, revoke=True),
    Trouble("token endpoint 503", fails=False, revoke=True),  # see `arm`: once, then fine
    Trouble("big bodies", forever("big"), fails=False),
]


def max_polls(seconds: float, asked: float = 0.0) -> int:
    """The most polls a send whose every read fails can start in `seconds`: the first at
    once, then each after the shortest wait the backoff allows (half its step, as the
    jitter is 50 %; never less than the server asked)."""
    polls, passed, failures = 1, 0.0, 1
    while True:
        step = min(MAX_BACKOFF, INTERVAL * 2.0 ** (failures - 1))
        passed += max(asked, step / 2)
        if passed > seconds:
            return polls
        polls, failures = polls + 1, failures + 1


# --------------------------------------------------------------------------- the rig


class CountingClient:
    """The real client, counting the polls (fetches) it is asked for, per token id."""

    def __init__(self, inner: Fetcher, polls: Counter[str]) -> None:
        self.inner = inner
        self.polls = polls

    async def fetch(
        self, kind: SendKind, message_id: str, token_id: str, *, previous: Delivery | None = None
    ) -> Delivery:
        self.polls[token_id] += 1
        return await self.inner.fetch(kind, message_id, token_id, previous=previous)

    async def aclose(self) -> None:
        await self.inner.aclose()


async def at_once(seconds: float) -> None:
    """The client's pause between its own tries: the test's time is fake."""
    await asyncio.sleep(0)


@dataclass
class Soak:
    env: Env
    sends: list[WatchedSend]
    clock: ManualClock
    polls: Counter[str] = field(default_factory=Counter)
    port: int = 0
    app: SendwatchApp | None = None

    @property
    def sim(self) -> Simulator:
        return self.env.sim

    def build(self) -> SendwatchApp:
        """The app as `sendwatch` builds it, with a seeded jitter and a counting client."""
        env = self.env
        history = History(env.history_path)
        env.histories.append(history)

        def factory(profile: Profile) -> Fetcher:
            return CountingClient(default_client(profile, sleep=at_once), self.polls)

        def publish(state: Any) -> None:
            assert self.app is not None
            self.app.publish(state)

        refresher = Refresher(
            env.config,
            publish,
            history=history,
            client_factory=factory,
            clock=self.clock,
            rng=random.Random(10),
        )
        self.app = SendwatchApp(
            env.config, env.load(), history=history, refresher=refresher, clock=self.clock
        )
        return self.app

    async def step(self, trouble: Trouble | None = None, seconds: float = INTERVAL) -> None:
        """Time passes on both clocks, then every poll it made due is done (the app draws
        meanwhile: `settle` yields to the event loop until the refresher is quiet)."""
        assert self.app is not None
        if trouble is not None and trouble.revoke:
            self.sim.revoke_tokens()
        self.sim.advance(seconds)
        self.clock.advance(seconds)
        await settle(self.app.refresher)

    def arm(self, trouble: Trouble) -> None:
        for send in self.sends:
            for fault in trouble.faults:
                self.sim.inject(send.token_id, fault)
        if trouble.name == "token endpoint 503":
            self.sim.inject_auth(Fault(kind="http503", times=1, retry_after=None))
        if trouble.down:
            self.sim.stop()

    def disarm(self, trouble: Trouble) -> None:
        self.sim.clear_faults()
        if trouble.down:
            self.sim.start(port=self.port)

    def requests(self, since: int) -> Counter[str]:
        """Deliveries requests the simulator received since its `since`-th request, by token."""
        counts: Counter[str] = Counter()
        for record in self.sim.requests[since:]:
            if "/deliveries/" in record.path:
                counts[record.path.rsplit("/", 1)[1]] += 1
        return counts


def soak_env(sim: Simulator, root: Path, monkeypatch: pytest.MonkeyPatch) -> Env:
    name, client_id, secret, secret_env = OTHER
    sim.add_client(client_id, secret)
    monkeypatch.setenv(DEMO_SECRET_ENV, Simulator.CLIENT_SECRET)
    monkeypatch.setenv(secret_env, secret)
    demo = structs.replace(demo_profile(sim), timeout=TIMEOUT)
    other = Profile(
        name=name,
        auth="oauth2",
        auth_url=sim.url,
        rest_url=sim.url,
        client_id=client_id,
        client_secret_env=secret_env,
        timeout=TIMEOUT,
    )
    config = Config(
        path=root / "config.toml",
        settings=Settings(refresh_interval=INTERVAL, bell=False),
        profiles={demo.name: demo, other.name: other},
    )
    return Env(sim, root, config)


def seed_sends(env: Env) -> list[WatchedSend]:
    """Five sends ending at different moments: during the faults, and after them."""
    sim = env.sim

    def make(label: str, profile: str, recipients: int, pace: float, **kw: Any) -> WatchedSend:
        client = None if profile == DEMO_PROFILE else OTHER[1]
        message_id = sim.add_message(f"Message for {label}", client_id=client)
        token_id = sim.create_send(message_id, recipients, pace=pace, client_id=client, **kw)
        return WatchedSend(profile, message_id, token_id, SendKind.MESSAGE_CONTACT, label)

    return [
        make("Longest", DEMO_PROFILE, 25, 270),  # ends after 65 min: outlasts every fault
        make("Orders", DEMO_PROFILE, 20, 9),  # 10 min
        make("Reminders", DEMO_PROFILE, 30, 100),  # 50 min
        make("Broken", OTHER[0], 40, 430, error=True),  # 43 min, in status Error
        make("Alerts", OTHER[0], 10, 107),  # 24 min
    ]


# --------------------------------------------------------------------------- the test


async def endure(soak: Soak, pilot: Pilot[None], trouble: Trouble) -> None:
    """Two minutes of `trouble`: the user sees it, requests stay bounded, then it passes
    and every send recovers by itself within its longest backoff."""
    app, sim, sends = pilot.app, soak.sim, soak.sends
    assert isinstance(app, SendwatchApp)
    polls_before, requests_from = Counter(soak.polls), len(sim.requests)
    soak.arm(trouble)
    for _ in range(round(PHASE / INTERVAL)):
        await soak.step(trouble)
    await pilot.pause()  # drawn
    polls = soak.polls - polls_before
    requests = soak.requests(requests_from)

    selected = sends[0]
    state = app.model.state(selected.key)
    assert state is not None
    assert polls[selected.token_id] > 0, (trouble.name, "the selected send was not read")
    shown = text_of(app, "#problem") if trouble.fails else text_of(app, "#summary")
    if trouble.fails:
        assert state.error is not None, trouble.name
        assert "⚠ stale" in entry(app, selected.key), trouble.name
    else:
        assert state.error is None, (trouble.name, state.error)
    assert trouble.shows in shown, (trouble.name, shown)
    assert "\x1b" not in screen(app)

    limit = max_polls(PHASE, trouble.asked) if trouble.fails else round(PHASE / INTERVAL)
    for send in sends:
        token = send.token_id
        assert polls[token] <= limit, (trouble.name, send.label, polls[token], limit)
        assert requests[token] <= 2 * polls[token], (trouble.name, send.label, requests[token])

    # One token per profile per revocation (the polls share it), two for a natural expiry,
    # and the one refresh the token endpoint refused.
    tokens = sum(1 for r in sim.requests[requests_from:] if "token" in r.path.lower())
    steps = round(PHASE / INTERVAL)
    assert tokens <= len(app.config.profiles) * (steps if trouble.revoke else 2) + 1, tokens

    soak.disarm(trouble)
    waited = 0.0
    while not all((st := app.model.state(s.key)) is not None and not st.error for s in sends):
        assert waited <= MAX_BACKOFF, (trouble.name, "a send did not recover")
        await soak.step()
        waited += INTERVAL


def recovered(app: SendwatchApp, sim: Simulator, sends: list[WatchedSend]) -> bool:
    """Every send read without error, final, and as the simulator has it."""
    for send in sends:
        state = app.model.state(send.key)
        if state is None or state.error is not None or state.delivery is None:
            return False
        truth = parse_delivery_bytes(sim.body(send.token_id), None)
        if not truth.phase.final or state.delivery.status != truth.status:
            return False
        if [r.mobile_number for r in state.delivery.recipients] != [
            r.mobile_number for r in truth.recipients
        ]:
            return False
    return True


async def test_soak_every_fault_for_30_simulated_minutes(
    sim: Simulator,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
    capfd: pytest.CaptureFixture[str],
) -> None:
    caplog.set_level(logging.WARNING)
    env = soak_env(sim, tmp_path, monkeypatch)
    sends = seed_sends(env)
    env.watch(*sends)
    on_disk = [(s.key, s.label, s.profile) for s in env.load().sends]
    soak = Soak(env, sends, ManualClock(start=sim.now()), port=int(sim.url.rsplit(":", 1)[1]))
    app = soak.build()
    async with running(app) as pilot:
        for _ in range(round(120 / INTERVAL)):  # two healthy minutes
            await soak.step()
        assert all(app.model.state(s.key).delivery is not None for s in sends)  # type: ignore[union-attr]

        gc.collect()
        tracemalloc.start()
        try:
            faults_began = sim.now()
            for trouble in TROUBLES:
                await endure(soak, pilot, trouble)
            assert sim.now() - faults_began >= timedelta(minutes=30)
            # The faults are over: every send ends as the simulator says (a minute a step:
            # each step still reads every send that is not over).
            for _ in range(30):
                if recovered(app, sim, sends):
                    break
                await soak.step(seconds=60)
            await pilot.pause()
            assert recovered(app, sim, sends), [app.model.state(s.key) for s in sends]
            gc.collect()
            growth = tracemalloc.get_traced_memory()[0]
        finally:
            tracemalloc.stop()

        assert app.is_running
        refresher = [w for w in app.workers if w.name == "refresher"]
        assert [w.state for w in refresher] == [WorkerState.RUNNING]
    assert growth < MEMORY_LIMIT, f"{growth / 1e6:.1f} MB"
    assert [(s.key, s.label, s.profile) for s in env.load().sends] == on_disk
    assert [r for r in caplog.records if r.levelno >= logging.ERROR] == []
    assert "Traceback" not in capfd.readouterr().err
