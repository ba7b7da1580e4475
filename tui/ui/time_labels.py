"""What every time on screen says it is: an API time (local, or as Marketing Cloud wrote
it with `t`) or when sendwatch first saw a thing, marked `≤` when that was a blind read.

One place for the words, so the sidebar, the detail pane, the grid and the drill-down
name their times alike and follow the same `t`.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Final

from tui.core.text import safe_text
from tui.core.timefmt import UPPER_BOUND, SeenTimes, fmt_local
from tui.ui.display import Display

__all__ = [
    "BOUND_WORDS",
    "SEEN_HEADER",
    "UPPER_BOUND",
    "api_time",
    "seen_phrase",
    "seen_times",
    "zone_word",
]

SEEN_HEADER: Final = "Seen"
"""The grid's column of when sendwatch first saw each recipient's outcome."""
BOUND_WORDS: Final = f"{UPPER_BOUND} already so at sendwatch's first read"


def zone_word(mc: bool) -> str:
    """The zone every time on screen is in now."""
    return "MC time, UTC−6" if mc else "local time"


def api_time(
    dt: datetime | None, raw: str | None, *, mc: bool, now: datetime, compact: bool = False
) -> str:
    """An API date: local, or exactly as Marketing Cloud wrote it (UTC−6, no offset).
    `compact` (a narrow pane that names its zone): MC time drawn like local time."""
    if mc and compact and dt is not None:
        return fmt_local(dt, now=now, mc=True)
    if mc:
        return f"{safe_text(raw, limit=32)} MC" if raw else "—"
    return fmt_local(dt, now=now)


def seen_times(display: Display, blind: Sequence[datetime] = ()) -> SeenTimes:
    """How first-seen times are drawn now (`blind`: the send's `blind_reads`)."""
    return SeenTimes(display.mc_time, tuple(blind))


def seen_phrase(seen: datetime, times: SeenTimes, now: datetime, what: str = "so") -> str:
    """`first seen by sendwatch 10:42:07`, or, when that was a blind read, `already <what>
    at sendwatch's first read, 10:42:07`: not when it happened, which nobody saw."""
    when = fmt_local(seen, now=now, mc=times.mc)
    if times.bound(seen):
        return f"already {what} at sendwatch's first read, {when}"
    return f"first seen by sendwatch {when}"
