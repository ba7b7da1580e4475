"""A clock that moves only when a test moves it, and helpers to let the refresher catch up.

Tests never sleep for a while and hope: they advance the clock and then wait for the
refresher to be quiet (nothing in flight, nothing due), which is an event, not a time.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from tui.core.refresher import Refresher

START = datetime(2026, 1, 5, 12, 0, 0, tzinfo=UTC)
REAL_LIMIT = 60.0
"""Real seconds after which a wait fails the test. Only a broken program waits this long:
each wait ends on an event, so a loaded machine is slower, never wrong."""


class ManualClock:
    """`Clock` for tests: `advance()` wakes every sleeper whose time has come."""

    def __init__(self, start: datetime = START) -> None:
        self._start = start
        self._t = 0.0
        self._timers: list[tuple[float, asyncio.Future[None]]] = []
        self._sleepers: list[tuple[asyncio.Future[None], asyncio.Event | None]] = []

    def now(self) -> datetime:
        return self._start + timedelta(seconds=self._t)

    def monotonic(self) -> float:
        return self._t

    def waiting(self) -> int:
        """How many coroutines sleep on this clock with nothing yet to wake them."""
        return sum(
            1
            for timer, wake in self._sleepers
            if not timer.done() and (wake is None or not wake.is_set())
        )

    def advance(self, seconds: float) -> None:
        self._t += seconds
        for deadline, timer in self._timers:
            if deadline <= self._t and not timer.done():
                timer.set_result(None)

    async def sleep(self, seconds: float | None, wake: asyncio.Event | None = None) -> None:
        if seconds is not None and seconds <= 0:
            await asyncio.sleep(0)
            return
        timer: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        entry = (self._t + seconds, timer) if seconds is not None else None
        if entry is not None:
            self._timers.append(entry)
        waits: set[asyncio.Future[Any]] = {timer}
        if wake is not None:
            waits.add(asyncio.ensure_future(wake.wait()))
        sleeper = (timer, wake)
        self._sleepers.append(sleeper)
        try:
            await asyncio.wait(waits, return_when=asyncio.FIRST_COMPLETED)
        finally:
            self._sleepers.remove(sleeper)
            for waiting in waits:
                waiting.cancel()
            if entry is not None:
                self._timers.remove(entry)


async def real_wait(ready: Callable[[], object], what: str) -> Any:
    """Yield to the event loop until `ready()` is truthy (an event, bounded for failure)."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + REAL_LIMIT
    while not (result := ready()):
        if loop.time() > deadline:
            raise AssertionError(f"gave up waiting for {what}")
        await asyncio.sleep(0.002)
    return result


async def settle(refresher: Refresher) -> None:
    """Wait until the refresher is quiet: every read done, stored, and nothing due."""
    await real_wait(refresher.quiet, "the refresher to be quiet")


async def tick(clock: ManualClock, refresher: Refresher, seconds: float, step: float) -> None:
    """Let `seconds` pass in steps of `step`, letting every poll that falls due happen."""
    await settle(refresher)
    steps = max(1, round(seconds / step))
    for _ in range(steps):
        clock.advance(step)
        await settle(refresher)


async def drive(
    clock: ManualClock,
    refresher: Refresher,
    ready: Callable[[], Any],
    what: str,
    *,
    step: float,
    limit: float = 3600.0,
) -> Any:
    """Move time on, one `step` at a time whenever the refresher is quiet, until `ready()`.

    Fails after `limit` seconds of the test's time: then the thing never happens.
    """
    passed = 0.0
    while True:
        await settle(refresher)
        result = ready()
        if result:
            return result
        if passed >= limit:
            raise AssertionError(f"{what} did not happen within {limit:g} s of test time")
        clock.advance(step)
        passed += step
