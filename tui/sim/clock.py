"""Simulated time: a wall clock that can run fast, slow or frozen, and be pushed forward.

Everything the simulator reports is a pure function of this clock, so tests freeze it
(`time_scale=0`) and step it with `advance()` instead of sleeping.
"""

from __future__ import annotations

import threading
import time
from datetime import UTC, datetime

from tui.sim.facts import MC_TZ


class SimClock:
    """Sim time in POSIX seconds: start + real elapsed × scale + every advance so far."""

    def __init__(self, start: datetime, scale: float) -> None:
        if scale < 0:
            raise ValueError("time_scale must be 0 or more")
        if start.tzinfo is None:
            raise ValueError("start must be an aware datetime")
        self._base = start.timestamp()
        self._mono = time.monotonic()
        self._scale = scale
        self._offset = 0.0
        self._lock = threading.Lock()

    def time(self) -> float:
        with self._lock:
            return self._base + (time.monotonic() - self._mono) * self._scale + self._offset

    def now(self) -> datetime:
        return datetime.fromtimestamp(self.time(), UTC)

    def advance(self, seconds: float) -> None:
        """Jump forward; time never runs backwards, so a negative step is a caller bug."""
        if seconds < 0:
            raise ValueError("cannot advance by a negative number of seconds")
        with self._lock:
            self._offset += seconds


def mc_date(ts: float) -> str:
    """A Deliveries date: naive MC system time (UTC−6), milliseconds with trailing zeros cut.

    Real bodies show ".147", ".51" and ".6" (docs/api.md §2.2), the .NET "FFF" style: whole
    seconds have no fraction at all.
    """
    millis = round(ts * 1000)
    whole = datetime.fromtimestamp(millis // 1000, MC_TZ).strftime("%Y-%m-%dT%H:%M:%S")
    fraction = f"{millis % 1000:03d}".rstrip("0")
    return f"{whole}.{fraction}" if fraction else whole
