"""When to poll what: one loop per watched send, never overlapping, bounded overall.

The refresher owns no UI. Each time something about a send changes it publishes an
immutable `SendState` through `on_update`; the app turns that into a Textual message.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from typing import Any, Protocol

from tui.core.api.errors import ConfigError, RateLimited, SendwatchError, ServerError
from tui.core.api.model import Delivery, SendKind
from tui.core.state import SendState, changed_numbers, kept_in_place, outcome_key
from tui.core.store.config import Config, Profile
from tui.core.store.history import History
from tui.core.store.watchlist import WatchedSend

log = logging.getLogger("sendwatch.refresher")

MAX_BACKOFF = 300.0
"""Longest wait between two reads of a send, whatever a server or config asks for."""


_EVENTS_CLEARED: dict[str, Any] = {"changed": frozenset(), "became_final": False}
"""A republished state carries no news: nothing changed, nothing just finished."""


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


def _now() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True, slots=True)
class _News:
    changed: frozenset[str]
    in_place: bool
    observed: tuple[tuple[str, datetime], ...]
    since: dict[str, datetime]
    warning: str | None


@dataclass
class _Slot:
    state: SendState
    due: float | None = 0.0
    forced: bool = False
    kick: asyncio.Event = field(default_factory=asyncio.Event)
    task: asyncio.Task[None] | None = None
    since: dict[str, datetime] = field(default_factory=dict)
    since_loaded: bool = False


class Refresher:
    """Polls watched sends. Call `watch()` for each, then run `run()` in a task."""

    def __init__(
        self,
        config: Config,
        on_update: Callable[[SendState], None],
        *,
        history: History | None = None,
        client_factory: Callable[[Profile], Fetcher] | None = None,
        now: Callable[[], datetime] = _now,
        rng: random.Random | None = None,
    ) -> None:
        self._config = config
        self._on_update = on_update
        self._history = history
        self._client_factory = client_factory or _default_client
        self._now = now
        self._rng = rng or random.Random()
        self._slots: dict[str, _Slot] = {}
        self._clients: dict[str, Fetcher] = {}
        self._profile_pause: dict[str, float] = {}
        self._semaphore = asyncio.Semaphore(max(1, config.settings.max_concurrency))
        self._making_client = asyncio.Lock()
        self._running = False
        self.paused = False

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
            slot.task = asyncio.create_task(self._loop(slot), name=f"poll {send.key}")

    def update_send(self, send: WatchedSend) -> None:
        """A label edit: same key, new metadata; republish without fetching."""
        slot = self._slots.get(send.key)
        if slot:
            self._publish(slot, replace(slot.state, send=send, **_EVENTS_CLEARED))

    def unwatch(self, key: str) -> None:
        slot = self._slots.pop(key, None)
        if slot and slot.task:
            slot.task.cancel()

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

    async def run(self) -> None:
        """Poll until cancelled; closes the clients on the way out."""
        self._running = True
        for slot in self._slots.values():
            if slot.task is None:
                slot.task = asyncio.create_task(self._loop(slot), name=f"poll {slot.state.key}")
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

    async def _loop(self, slot: _Slot) -> None:
        while True:
            forced = await self._wait_until_due(slot)
            async with self._semaphore:
                # Pause or Retry-After may have come while this poll queued for a slot.
                if forced or slot.forced or self._is_due(slot):
                    slot.forced = False
                    try:
                        await self._poll(slot)
                    except Exception as exc:  # a bug must not end this send's polling
                        log.exception("unexpected error polling %s", slot.state.key)
                        self._failed(slot, SendwatchError(f"internal error: {exc!r}"[:200]))

    def _is_due(self, slot: _Slot) -> bool:
        delay = self._delay(slot)
        return delay is not None and delay <= 0

    def _delay(self, slot: _Slot) -> float | None:
        if self.paused or slot.due is None:
            return None
        loop_now = asyncio.get_running_loop().time()
        resume = max(slot.due, self._profile_pause.get(slot.state.send.profile, 0.0))
        return resume - loop_now

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
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(slot.kick.wait(), delay)

    async def _client(self, profile_name: str) -> Fetcher:
        client = self._clients.get(profile_name)
        if client is not None:
            return client
        async with self._making_client:  # one client per profile, even when polls race
            client = self._clients.get(profile_name)
            if client is None:
                profile = self._config.profiles.get(profile_name)
                if profile is None:
                    raise ConfigError(
                        str(self._config.path), f"no profile named {profile_name!r} is configured"
                    )
                # In a thread: an httpx client loads the CA bundle, ~70 ms of blocked loop.
                client = await asyncio.to_thread(self._client_factory, profile)
                self._clients[profile_name] = client
        return client

    async def _poll(self, slot: _Slot) -> None:
        send = slot.state.send
        try:
            client = await self._client(send.profile)
            delivery = await client.fetch(
                send.kind, send.message_id, send.token_id, previous=slot.state.delivery
            )
        except SendwatchError as exc:
            self._failed(slot, exc)
            return
        await self._succeeded(slot, delivery)

    async def _succeeded(self, slot: _Slot, delivery: Delivery) -> None:
        now = self._now()
        previous = slot.state.delivery
        # Comparing and recording 100,000 recipients is off the event loop, like parsing.
        news = await asyncio.to_thread(self._digest, slot, previous, delivery, now)
        slot.since = news.since
        final = delivery.phase.final
        slot.due = None if final else asyncio.get_running_loop().time() + self.interval
        self._publish(
            slot,
            SendState(
                send=slot.state.send,
                delivery=delivery,
                fetched_at=now,
                next_poll_at=None if final else now + timedelta(seconds=self.interval),
                observed=news.observed or slot.state.observed,
                since=news.since,
                changed=news.changed,
                in_place=news.in_place,
                became_final=final and previous is not None and not previous.phase.final,
                warning=news.warning,
            ),
        )

    def _digest(
        self, slot: _Slot, previous: Delivery | None, delivery: Delivery, now: datetime
    ) -> _News:
        """What changed since the last read, recorded in history (runs in a thread)."""
        changed, new_outcomes = changed_numbers(previous, delivery)
        observed, warning, loaded = self._record(slot, delivery, new_outcomes, now)
        since = dict(slot.since)
        if loaded is not None:
            since.update(loaded)
        for number in new_outcomes:
            if previous is None:
                since.setdefault(number, now)
            else:
                since[number] = now
        return _News(
            changed,
            kept_in_place(previous.recipients if previous else None, delivery.recipients),
            observed,
            since,
            warning,
        )

    def _record(
        self, slot: _Slot, delivery: Delivery, changed: frozenset[str], now: datetime
    ) -> tuple[tuple[tuple[str, datetime], ...], str | None, dict[str, datetime] | None]:
        """Store what we observed; history trouble is a warning, never a failed poll."""
        history = self._history
        if history is None:
            seen = dict(slot.state.observed)
            seen.setdefault(delivery.status, now)
            return tuple(seen.items()), None, None
        key = slot.state.key
        outcomes = {
            r.mobile_number: outcome_key(r)
            for r in delivery.recipients
            if r.mobile_number in changed
        }
        try:
            history.record_status(key, delivery.status, now)
            history.record_outcomes(key, outcomes, now)
            loaded = None if slot.since_loaded else history.current_since(key)
            observed = tuple(history.status_observations(key))
        except (SendwatchError, OSError) as exc:
            return (), f"history not saved: {exc}", None
        slot.since_loaded = True
        return observed, None, loaded

    def _failed(self, slot: _Slot, error: SendwatchError) -> None:
        now = self._now()
        loop_now = asyncio.get_running_loop().time()
        failures = slot.state.failures + 1
        retry_after = min(getattr(error, "retry_after", None) or 0.0, MAX_BACKOFF)
        if isinstance(error, RateLimited | ServerError) and retry_after:
            self._profile_pause[slot.state.send.profile] = loop_now + float(retry_after)
        if error.retryable:
            backoff = min(self.interval * 2 ** (failures - 1), MAX_BACKOFF)
            delay = max(backoff * (0.5 + self._rng.random() / 2), retry_after)
            slot.due = loop_now + delay
            next_at: datetime | None = now + timedelta(seconds=delay)
        else:
            slot.due, next_at = None, None  # it will not fix itself: wait for a manual refresh
        self._publish(
            slot,
            replace(
                slot.state,
                error=error,
                error_at=now,
                failures=failures,
                next_poll_at=next_at,
                changed=frozenset(),
                became_final=False,
            ),
        )

    def _publish(self, slot: _Slot, state: SendState) -> None:
        slot.state = state
        if state.key in self._slots:
            self._on_update(state)


def _default_client(profile: Profile) -> Fetcher:
    from tui.core.api.client import SmsClient

    # Retry-After must pause the whole profile, which only the refresher can do; and its
    # own backoff replaces the client's retries, so an outage costs one request a poll.
    return SmsClient(profile, retries=1, max_retry_after=0)
