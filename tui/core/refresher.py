"""When to poll what: one loop per watched send, never overlapping, bounded overall.

The refresher owns no UI. Each time something about a send changes it publishes an
immutable `SendState` through `on_update`; the app turns that into a Textual message.
A read is published as soon as it is compared with the one before; writing what was
observed to the history comes after, so a 50,000-recipient first read is on screen
while its 50,000 first outcomes are still being stored.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from functools import partial
from typing import Any, Protocol

from tui.core.api.errors import ConfigError, RateLimited, SendwatchError, ServerError
from tui.core.api.model import Delivery, SendKind
from tui.core.api.profile import Profile
from tui.core.api.retry import CLIENT_RETRIES, RetryPolicy, announced_wait
from tui.core.clock import Clock, SystemClock
from tui.core.poll_pace import PollPace, same_read
from tui.core.read_digest import INLINE_DIGEST_RECIPIENTS, Remembered, digest_read
from tui.core.state import SendState, outcome_key
from tui.core.store.config import Config
from tui.core.store.history import History
from tui.core.store.watchlist import WatchedSend

log = logging.getLogger("sendwatch.refresher")

MAX_BACKOFF = 300.0
"""Longest wait between two reads of a send, whatever a server or config asks for."""

Observed = tuple[tuple[str, datetime], ...]


class Fetcher(Protocol):
    async def fetch(
        self,
        kind: SendKind,
        message_id: str,
        token_id: str,
        *,
        previous: Delivery | None = None,
    ) -> Delivery: ...

    async def aclose(self) -> None: ...


@dataclass
class _Slot:
    state: SendState
    due: float | None = 0.0
    forced: bool = False
    asleep: bool = False
    kick: asyncio.Event = field(default_factory=asyncio.Event)
    task: asyncio.Task[None] | None = None
    recorded: asyncio.Task[None] | None = None
    """The history write of the last read, which the next read waits for."""
    remembered: asyncio.Task[tuple[Remembered, Observed]] | None = None
    """What the history knew of this send at start, read while the first fetch runs."""


class Refresher:
    """Polls watched sends. Call `watch()` for each, then run `run()` in a task."""

    def __init__(
        self,
        config: Config,
        on_update: Callable[[SendState], None],
        *,
        history: History | None = None,
        client_factory: Callable[[Profile], Fetcher] | None = None,
        clock: Clock | None = None,
        rng: random.Random | None = None,
        pace: PollPace | None = None,
    ) -> None:
        self._config = config
        self._on_update = on_update
        self._history = history
        self._client_factory = client_factory or default_client
        self._clock = clock or SystemClock()
        self._rng = rng or random.Random()
        self.policy = RetryPolicy(base=self.interval, cap=MAX_BACKOFF, jitter=0.5)
        self._slots: dict[str, _Slot] = {}
        self._clients: dict[str, Fetcher] = {}
        self._profile_pause: dict[str, float] = {}
        self._semaphore = asyncio.Semaphore(max(1, config.settings.max_concurrency))
        self.pace = pace or PollPace()
        # Large reads (download and parse) get half the request slots at most, so the
        # other sends always find one free.
        self._large_lane = asyncio.Semaphore(max(1, config.settings.max_concurrency // 2))
        self._making_client = asyncio.Lock()
        self._running = False
        self.paused = False
        self.queued = 0
        """Polls that are due and wait for a free request slot (max_concurrency)."""

    @property
    def interval(self) -> float:
        return min(self._config.settings.refresh_interval, MAX_BACKOFF)

    def states(self) -> dict[str, SendState]:
        return {k: s.state for k, s in self._slots.items()}

    def watch(self, send: WatchedSend) -> None:
        if send.key in self._slots:
            return
        slot = _Slot(SendState(send))
        self._slots[send.key] = slot
        if self._running:
            self._start(slot)

    def update_send(self, send: WatchedSend) -> None:
        """A label edit: same key, new metadata; republish without fetching."""
        slot = self._slots.get(send.key)
        if slot:
            self._publish(slot, replace(slot.state, send=send, **_NO_NEWS))

    def unwatch(self, key: str) -> None:
        slot = self._slots.pop(key, None)
        if slot is not None:
            for task in (slot.task, slot.remembered):
                if task is not None:
                    task.cancel()

    def refresh_now(self, key: str | None = None) -> None:
        """Fetch now, even when paused or after a final read."""
        for k, slot in self._slots.items():
            if key is None or k == key:
                slot.forced = True
                slot.kick.set()

    def set_paused(self, paused: bool) -> None:
        self.paused = paused
        for slot in self._slots.values():
            slot.kick.set()

    def quiet(self) -> bool:
        """Nothing is being read or stored, and nothing is due: every send sleeps until its
        next poll. Tests and benchmarks wait for this instead of for time to pass."""
        return self._running and all(
            slot.asleep
            and not slot.kick.is_set()
            and not self._is_due(slot)
            and (slot.recorded is None or slot.recorded.done())
            for slot in self._slots.values()
        )

    async def run(self) -> None:
        """Poll until cancelled; closes the clients on the way out."""
        self._running = True
        for slot in self._slots.values():
            if slot.task is None:
                self._start(slot)
        try:
            await asyncio.Event().wait()
        finally:
            self._running = False
            for slot in self._slots.values():
                if slot.task:
                    slot.task.cancel()
            for client in self._clients.values():
                await client.aclose()
            self._clients.clear()

    # --- scheduling -----------------------------------------------------------------

    def _start(self, slot: _Slot) -> None:
        key = slot.state.key
        if self._history is not None:
            slot.remembered = asyncio.create_task(asyncio.to_thread(self._remember, key))
        slot.task = asyncio.create_task(self._loop(slot), name=f"poll {key}")

    async def _loop(self, slot: _Slot) -> None:
        while True:
            forced = await self._wait_until_due(slot)
            try:
                await self._poll(slot, forced)
            except Exception as exc:  # a bug must not end this send's polling
                log.exception("unexpected error polling %s", slot.state.key)
                self._failed(slot, SendwatchError(f"internal error: {exc!r}"[:200]))

    async def _poll(self, slot: _Slot, forced: bool) -> None:
        async with contextlib.AsyncExitStack() as held:
            self.queued += 1
            try:
                if self.pace.is_large(slot.state.delivery):
                    await held.enter_async_context(self._large_lane)
                await held.enter_async_context(self._semaphore)
            finally:
                self.queued -= 1
            # Pause or Retry-After may have come while this poll queued for a slot.
            if not (forced or slot.forced or self._is_due(slot)):
                return
            slot.forced = False
            result = await self._fetch(slot)
        # Outside the semaphore: comparing and storing a read is not a request.
        if isinstance(result, Delivery):
            await self._succeeded(slot, result)
        else:
            self._failed(slot, result)

    def _is_due(self, slot: _Slot) -> bool:
        delay = self._delay(slot)
        return delay is not None and delay <= 0

    def _delay(self, slot: _Slot) -> float | None:
        if self.paused or slot.due is None:
            return None
        resume = max(slot.due, self._profile_pause.get(slot.state.send.profile, 0.0))
        return resume - self._clock.monotonic()

    async def _wait_until_due(self, slot: _Slot) -> bool:
        """Sleep until the next poll is due; True when a manual refresh woke us."""
        while True:
            slot.kick.clear()
            if slot.forced:
                slot.forced = False
                return True
            delay = self._delay(slot)
            if delay is not None and delay <= 0:
                return False
            slot.asleep = True
            try:
                await self._clock.sleep(delay, slot.kick)
            finally:
                slot.asleep = False

    # --- reading --------------------------------------------------------------------

    async def client(self, profile_name: str) -> Fetcher:
        """The profile's one client (one token, one pool), made on first use; the
        drill-down's history reads share it with the polls."""
        client = self._clients.get(profile_name)
        if client is not None:
            return client
        async with self._making_client:  # one client per profile, even when polls race
            client = self._clients.get(profile_name)
            if client is None:
                profile = self._config.profiles.get(profile_name)
                if profile is None:
                    raise ConfigError(  # `sendwatch doctor` names the file's folder
                        "config.toml",
                        f"profile {profile_name!r} is not configured",
                        remedy=f"add [profiles.{profile_name}] to config.toml and restart "
                        "sendwatch, or move the send: remove it and add it again with another "
                        "profile",
                    )
                # In a thread: an httpx client loads the CA bundle, ~70 ms of blocked loop.
                client = await asyncio.to_thread(self._client_factory, profile)
                self._clients[profile_name] = client
        return client

    async def _fetch(self, slot: _Slot) -> Delivery | SendwatchError:
        send = slot.state.send
        try:
            client = await self.client(send.profile)
            return await client.fetch(
                send.kind, send.message_id, send.token_id, previous=slot.state.delivery
            )
        except SendwatchError as exc:
            return exc

    async def _succeeded(self, slot: _Slot, delivery: Delivery) -> None:
        now = self._clock.now()
        previous = slot.state.delivery
        if slot.recorded is not None:
            await slot.recorded  # the last read's outcomes are stored before this one's
        observed, remembered = slot.state.observed, None
        first_read, resumed_at = slot.state.first_read, slot.state.resumed_at
        if slot.remembered is not None:  # the first read: what earlier sessions saw
            remembered, observed = await slot.remembered
            slot.remembered = None
            if observed:  # an earlier session read it first; this one resumes now
                first_read, resumed_at = observed[0][1], now
        first_read = first_read or now
        # Comparing 100,000 recipients is off the event loop, like parsing; a small send
        # is compared inline (a thread hop costs more than the comparison).
        compare = partial(digest_read, previous, delivery, slot.state.since, remembered, now)
        big = len(delivery.recipients) > INLINE_DIGEST_RECIPIENTS
        digest = await asyncio.to_thread(compare) if big else compare()
        if all(status != delivery.status for status, _ in observed):
            observed = (*observed, (delivery.status, now))
        final = delivery.phase.final
        same = same_read(previous, delivery, bool(digest.changed))
        pace = self.pace.after(slot.state.pace, self.interval, delivery, same=same)
        slot.due = None if final else self._clock.monotonic() + pace.interval
        self._publish(
            slot,
            SendState(
                send=slot.state.send,
                delivery=delivery,
                fetched_at=now,
                next_poll_at=None if final else now + timedelta(seconds=pace.interval),
                observed=observed,
                since=digest.since,
                changed=digest.changed,
                in_place=digest.in_place,
                became_final=final and previous is not None and not previous.phase.final,
                warning=slot.state.warning,
                first_read=first_read,
                resumed_at=resumed_at,
                pace=pace,
            ),
        )
        unchanged = previous is not None and previous.status == delivery.status
        if unchanged and not digest.new_outcomes and slot.state.warning is None:
            return  # nothing the history lacks: no write (an idle monitor writes nothing)
        if self._history is not None:
            slot.recorded = asyncio.create_task(
                self._record(slot, delivery, digest.new_outcomes, now)
            )

    def _failed(self, slot: _Slot, error: SendwatchError) -> None:
        now = self._clock.now()
        failures = slot.state.failures + 1
        asked = announced_wait(error)
        if asked and isinstance(error, RateLimited | ServerError):
            pause = self._clock.monotonic() + min(asked, MAX_BACKOFF)
            self._profile_pause[slot.state.send.profile] = pause
        delay = self.policy.delay(error, failures, rng=self._rng)
        if delay is None:  # it will not fix itself: wait for a manual refresh
            slot.due, next_at = None, None
        else:
            slot.due = self._clock.monotonic() + delay
            next_at = now + timedelta(seconds=delay)
        self._publish(
            slot,
            replace(
                slot.state,
                error=error,
                error_at=now,
                failures=failures,
                next_poll_at=next_at,
                **_NO_NEWS,
            ),
        )

    def _publish(self, slot: _Slot, state: SendState) -> None:
        slot.state = state
        if self._slots.get(state.key) is slot:
            self._on_update(state)

    # --- history --------------------------------------------------------------------

    def _remember(self, key: str) -> tuple[Remembered, Observed]:
        """What earlier sessions observed of this send (runs in a thread)."""
        assert self._history is not None
        try:
            outcomes = self._history.current(key)
            observed = tuple(self._history.status_observations(key))
        except Exception as exc:  # no history is a nuisance, never a failed poll
            log.warning("history of %s not read: %s", key, exc)
            return {}, ()
        return outcomes, observed

    async def _record(
        self, slot: _Slot, delivery: Delivery, new_outcomes: frozenset[str], now: datetime
    ) -> None:
        """Store what this read showed for the first time; trouble is a warning only."""
        history, key = self._history, slot.state.key
        assert history is not None

        def write() -> None:
            outcomes = {
                r.mobile_number: outcome_key(r)
                for r in delivery.recipients
                if r.mobile_number in new_outcomes
            }
            history.record_status(key, delivery.status, now)
            history.record_outcomes(key, outcomes, now)

        try:
            await asyncio.to_thread(write)
        except Exception as exc:  # SQLite trouble, a full disk: polling goes on
            warning: str | None = f"history not saved: {exc}"
        else:
            warning = None
        if warning != slot.state.warning:
            self._publish(slot, replace(slot.state, warning=warning, **_NO_NEWS))


_NO_NEWS: Mapping[str, Any] = {"changed": frozenset(), "became_final": False}
"""A republished state carries no news: nothing changed, nothing just finished."""


def default_client(
    profile: Profile, *, sleep: Callable[[float], Awaitable[None]] = asyncio.sleep
) -> Fetcher:
    """The client the refresher builds unless told otherwise; `sleep` is the pause between
    the client's own tries (a test passes one that returns at once, as its clock is fake)."""
    from tui.core.api.client import SmsClient

    # Retry-After must pause the whole profile, which only the refresher can do; and its
    # own backoff replaces all but one quick retry of the client's (for a glitch such as
    # a stale kept-alive connection), so an outage costs at most two requests a poll.
    return SmsClient(
        profile, retries=1, policy=replace(CLIENT_RETRIES, max_retry_after=0.0), sleep=sleep
    )
