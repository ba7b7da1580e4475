"""Time as the refresher sees it, injected so tests move it instead of waiting for it."""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Protocol


class Clock(Protocol):
    def now(self) -> datetime:
        """Wall-clock time, timezone-aware: what 'read at' and 'since' show."""

    def monotonic(self) -> float:
        """Seconds on a clock that never jumps: what polls are scheduled by."""

    async def sleep(self, seconds: float | None, wake: asyncio.Event | None = None) -> None:
        """Return after `seconds` (None: never), or as soon as `wake` is set."""


def _utc_now() -> datetime:
    return datetime.now(UTC)


class SystemClock:
    """The real clock; `wall` replaces the wall clock alone (snapshots freeze it)."""

    def __init__(self, wall: Callable[[], datetime] = _utc_now) -> None:
        self._wall = wall

    def now(self) -> datetime:
        return self._wall()

    def monotonic(self) -> float:
        return time.monotonic()

    async def sleep(self, seconds: float | None, wake: asyncio.Event | None = None) -> None:
        if wake is None:
            if seconds is None:
                await asyncio.Event().wait()
            await asyncio.sleep(max(0.0, seconds or 0.0))
            return
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(wake.wait(), seconds)
