"""Faults the README's Reliability table lists that no other test covered end to end.

Each test drives the real part (the refresher and SmsClient against the simulator over
HTTP, the parser on real simulator bodies, the CLI on a real config file) through one
fault, and checks what the user is told and what is kept.
"""

from __future__ import annotations

import asyncio
import random
import re
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

import msgspec
import pytest

from tests.clocks import settle, tick
from tests.examples import NEW_SHAPE, SEED_BODY
from tests.test_cli import one_error_line, run, write_config
from tests.test_cli import sim_profile as cli_profile
from tests.test_refresher import (
    INTERVAL,
    Meter,
    latest,
    make_config,
    reads,
    rig,
    running,
    sim_profile,
    status_is,
    watched,
)
from tui.core.api.client import MAX_BODY_BYTES, SmsClient
from tui.core.api.errors import AuthError, BadResponse, NetworkError, RateLimited, ServerError
from tui.core.api.model import Delivery, SendKind
from tui.core.api.parse import parse_delivery_bytes
from tui.core.api.retry import CLIENT_RETRIES
from tui.core.state import SendState
from tui.core.store.paths import config_dir
from tui.sim import Fault, Simulator
from tui.ui.widgets.send_detail import problem_text

MC = SendKind.MESSAGE_CONTACT
MID, TID = "MzA6Nzg6MA", "c21NCNSDN2sMMWM2miosdjEHH"
REFRESHER_CLIENT = {"retries": 1, "policy": replace(CLIENT_RETRIES, max_retry_after=0.0)}
"""What the refresher's own client is built with (refresher.py `_default_client`)."""


@pytest.fixture(autouse=True)
def secret_env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SIM_SECRET", "demo-secret")


async def no_wait(seconds: float) -> None:
    await asyncio.sleep(0)


def shown(state: SendState) -> str:
    """The detail pane's problem text for `state`, on one line."""
    assert state.error_at is not None
    return " ".join(problem_text(state, state.error_at).plain.split())


def failed(states: list[SendState], key: str) -> Callable[[], SendState | None]:
    def check() -> SendState | None:
        s = latest(states, key)
        return s if s is not None and s.error is not None else None

    return check


def healed(states: list[SendState], key: str, after: int) -> Callable[[], SendState | None]:
    def check() -> SendState | None:
        s = latest(states, key)
        return s if s is not None and s.error is None and len(states) > after else None

    return check


# --------------------------------------------------------------------------- network


@pytest.mark.parametrize(
    ("fault", "kinds", "words"),
    [
        (Fault(kind="drop", times=2), {"reset", "other"}, "network error ("),
        (Fault(kind="latency", times=1, seconds=2), {"timeout"}, "network error (timeout)"),
    ],
    ids=["dropped", "timed-out"],
)
async def test_a_dropped_or_timed_out_read_keeps_the_last_good_data_and_recovers(
    sim: Simulator, tmp_path: Path, fault: Fault, kinds: set[str], words: str
) -> None:
    mid = sim.add_message()
    tid = sim.create_send(mid, 5)
    send = watched(mid, tid)
    profile = msgspec.structs.replace(sim_profile(sim), timeout=0.3)
    states: list[SendState] = []
    r = rig(
        make_config(tmp_path, profile),
        states.append,
        client_factory=Meter().factory(**REFRESHER_CLIENT),
    )
    r.refresher.watch(send)
    async with running(r.refresher):
        good = await r.until(status_is(states, send.key, "New"), "a first good read")
        sim.inject(tid, fault)  # twice: the read and the client's one quick retry
        bad = await r.until(failed(states, send.key), "the failed read")
        assert isinstance(bad.error, NetworkError) and bad.error.kind in kinds
        assert bad.delivery is good.delivery and bad.fetched_at == good.fetched_at
        assert bad.stale and bad.next_poll_at is not None
        text = shown(bad)
        assert text.startswith("⚠ Fetch failed at") and words in text
        assert "Showing the last good read from" in text and "next try at" in text
        again = await r.until(healed(states, send.key, len(states)), "the next good read")
        assert again.delivery is not None and not again.stale


# --------------------------------------------------------------------------- server replies


async def test_a_500_shows_the_reference_id_the_server_gave(sim: Simulator) -> None:
    mid = sim.add_message()
    tid = sim.create_send(mid, 3)
    sim.inject(tid, Fault(kind="http500", times=1))
    async with SmsClient(sim_profile(sim), retries=0, sleep=no_wait) as client:
        with pytest.raises(ServerError) as info:
            await client.fetch(MC, mid, tid)
    ref = info.value.reference_id
    assert ref is not None and re.fullmatch(r"[0-9a-f-]{36}", ref)
    assert str(info.value) == f"server error (HTTP 500) (reference id {ref})"


@pytest.mark.parametrize(
    ("kind", "retry_after", "error", "requests", "least_wait"),
    [
        ("http429", None, RateLimited, 1, INTERVAL * 0.5),
        ("http503", None, ServerError, 2, INTERVAL * 0.5),
        ("http503", 60.0, ServerError, 1, 60.0),
    ],
    ids=["429-without", "503-without", "503-with-60s"],
)
async def test_throttling_backs_off_and_keeps_the_data(
    sim: Simulator,
    tmp_path: Path,
    kind: str,
    retry_after: float | None,
    error: type[RateLimited | ServerError],
    requests: int,
    least_wait: float,
) -> None:
    """A 429 without a time is not retried inside the read (the poll backs off instead);
    a 503 without one is retried once, as any 5xx; a 503 naming a wait holds the next
    poll for that long."""
    mid = sim.add_message()
    tid = sim.create_send(mid, 5)
    send = watched(mid, tid)
    states: list[SendState] = []
    r = rig(
        make_config(tmp_path, sim_profile(sim)),
        states.append,
        client_factory=Meter().factory(**REFRESHER_CLIENT),
    )
    r.refresher.watch(send)
    async with running(r.refresher):
        good = await r.until(status_is(states, send.key, "New"), "a first good read")
        await settle(r.refresher)
        before = sim.stats.deliveries
        sim.inject(tid, Fault(kind=kind, times=requests, retry_after=retry_after))  # type: ignore[arg-type]
        bad = await r.until(failed(states, send.key), "the throttled read")
        assert sim.stats.deliveries - before == requests
        assert isinstance(bad.error, error) and bad.error.retry_after == retry_after
        assert bad.delivery is good.delivery and bad.stale
        assert bad.next_poll_at is not None and bad.error_at is not None
        wait = (bad.next_poll_at - bad.error_at).total_seconds()
        assert wait >= least_wait - 1e-3, "the next poll backs off"
        await r.until(healed(states, send.key, len(states)), "the next good read", limit=120)
        assert sim.stats.deliveries - before == requests + 1, "nothing polled in the wait"


# --------------------------------------------------------------------------- bodies


async def test_a_50_mb_reply_is_read_in_a_thread_and_a_70_mb_one_is_refused(
    sim: Simulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    mid = sim.add_message()
    big, huge = sim.create_send(mid, 115_000), sim.create_send(mid, 162_000)
    sim.advance(100_000)  # both finished: every event is in the body
    assert 50e6 < len(sim.body(big)) < MAX_BODY_BYTES < 70e6 < len(sim.body(huge))
    threaded: list[str] = []
    real = asyncio.to_thread

    async def spy(func: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Any:
        threaded.append(getattr(func, "__name__", "?"))
        return await real(func, *args, **kwargs)

    monkeypatch.setattr(asyncio, "to_thread", spy)
    async with SmsClient(sim_profile(sim), retries=0, sleep=no_wait) as client:
        delivery = await client.fetch(MC, mid, big)
        assert len(delivery.recipients) == delivery.count == 115_000
        assert "parse_delivery_bytes" in threaded, "a 50 MB body is parsed off the loop"
        with pytest.raises(BadResponse) as info:
            await client.fetch(MC, mid, huge)
    assert str(info.value) == "bad reply: the reply is larger than 64 MiB"


FUZZ_BODIES = 7_000
JUNK = b'{}[]",:\\0123456789eE+-.ntrufalse \x00\xff\xc3\n'


def mutate(body: bytes, rng: random.Random) -> bytes:
    """One seeded mutation of a real body: cut, flip, insert, repeat or delete bytes."""
    at = rng.randrange(len(body))
    how = rng.randrange(5)
    if how == 0:
        return body[:at]
    if how == 1:
        return body[:at] + bytes([rng.randrange(256)]) + body[at + 1 :]
    if how == 2:
        junk = bytes(rng.choice(JUNK) for _ in range(rng.randint(1, 8)))
        return body[:at] + junk + body[at:]
    end = min(len(body), at + rng.randint(1, 64))
    if how == 3:
        return body[:end] + body[at:]
    return body[:at] + body[end:]


def test_7000_mutated_simulator_bodies_give_a_delivery_or_a_bad_reply(sim: Simulator) -> None:
    mid = sim.add_message("Your code is 1234")
    tids = [sim.create_send(mid, 4), sim.create_send(mid, 3, error=True)]
    seeds = [msgspec.json.encode(NEW_SHAPE), SEED_BODY]
    for moment in (0, 3, 8, 30, 3600):
        sim.advance(moment)
        seeds += [sim.body(t) for t in tids]
    rng = random.Random(7000)
    outcomes = {"delivery": 0, "bad reply": 0}
    previous: Delivery | None = None
    for n in range(FUZZ_BODIES):
        body = rng.choice(seeds)
        for _ in range(rng.randint(1, 4)):
            body = mutate(body, rng) or b"{"
        try:
            result = parse_delivery_bytes(body, previous if n % 2 else None)
        except BadResponse:
            outcomes["bad reply"] += 1
        else:
            assert isinstance(result, Delivery)
            outcomes["delivery"] += 1
            previous = result
    assert min(outcomes.values()) > 500, outcomes  # both paths really taken


# --------------------------------------------------------------------------- auth


async def test_a_wrong_secret_asks_for_one_token_then_waits_for_r(
    sim: Simulator, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SIM_SECRET", "not-the-demo-secret")
    mid = sim.add_message()
    sends = [watched(mid, sim.create_send(mid, 3)) for _ in range(3)]
    states: list[SendState] = []
    r = rig(
        make_config(tmp_path, sim_profile(sim)),
        states.append,
        client_factory=Meter().factory(**REFRESHER_CLIENT),
    )
    for send in sends:
        r.refresher.watch(send)
    async with running(r.refresher):
        await r.until(lambda: all(failed(states, s.key)() for s in sends), "every read to fail")
        await settle(r.refresher)
        first = sim.stats.token_v2
        assert 1 <= first <= len(sends)
        await tick(r.clock, r.refresher, 600, step=5.0)  # ten minutes
        assert sim.stats.token_v2 == first, "no token request without a key press"
        assert sim.stats.deliveries == 0
        bad = latest(states, sends[0].key)
        assert bad is not None and isinstance(bad.error, AuthError)
        assert bad.next_poll_at is None and not reads(states)
        text = shown(bad)
        assert "Marketing Cloud refused the client credentials (HTTP 401)" in text
        assert "Not retrying on its own: press r to try again." in text
        assert "not-the-demo-secret" not in text
        r.refresher.refresh_now(sends[0].key)
        await r.until(lambda: sim.stats.token_v2 == first + 1, "one token request for r")
        await settle(r.refresher)
        assert sim.stats.token_v2 == first + 1


# --------------------------------------------------------------------------- local files


@pytest.mark.parametrize(
    ("content", "words"),
    [
        (b'[settings]\nbell = true\nrefresh_interval = "5\n', ":3: invalid TOML"),
        (b"[settings]\n# caf\xe9\n", ":2: "),
    ],
    ids=["bad-toml", "not-utf8"],
)
@pytest.mark.parametrize("argv", [[], ["status", MID, TID]], ids=["monitor", "status"])
def test_a_corrupt_config_is_one_line_exit_2_and_touches_nothing(
    sim: Simulator,
    capsys: pytest.CaptureFixture[str],
    content: bytes,
    words: str,
    argv: list[str],
) -> None:
    path = write_config(cli_profile(sim.url))
    watchlist = config_dir() / "watchlist.toml"
    watchlist.write_text(
        f'version = 1\n\n[[sends]]\nprofile = "sim"\nkind = "messageContact"\n'
        f'message_id = "{MID}"\ntoken_id = "{TID}"\nlabel = "kept"\n'
        "added = 2026-01-05T12:00:00Z\n"
    )
    before = watchlist.read_bytes()
    path.write_bytes(content)
    code, out, err = run(capsys, *argv)
    line = one_error_line(err)
    assert code == 2 and out == ""
    assert f"{path}{words}" in line
    assert watchlist.read_bytes() == before and path.read_bytes() == content
    assert sim.stats.total == 0, "nothing was sent"
