"""Time for people: shown in the user's local zone or in Marketing Cloud time (`t`),
durations and ages short, and "first seen" times that are only upper bounds marked so."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Final

from tui.core.api.model import MC_TZ

UPPER_BOUND: Final = "≤"
"""Before a first-seen time that is only an upper bound: already so at that read."""


def local(dt: datetime, mc: bool = False) -> datetime:
    """The same instant in the machine's local zone (TZ is honoured), or in MC time."""
    return dt.astimezone(MC_TZ) if mc else dt.astimezone()


def today_in(now: datetime, mc: bool = False) -> date:
    """The date it is in the zone times are shown in."""
    return local(now, mc).date()


def fmt_local(
    dt: datetime | None, *, now: datetime | None = None, seconds: bool = True, mc: bool = False
) -> str:
    """`19:20:04` for today, `Nov 25 19:20:04` otherwise, `2025-11-25 …` in another year;
    in local time, or in Marketing Cloud time (UTC−6) with `mc`."""
    if dt is None:
        return "—"
    here = local(dt, mc)
    today = local(now if now else datetime.now().astimezone(), mc)
    clock = here.strftime("%H:%M:%S" if seconds else "%H:%M")
    if here.date() == today.date():
        return clock
    if here.year == today.year:
        return f"{here.strftime('%b')} {here.day:2d} {clock}"
    return f"{here.strftime('%Y-%m-%d')} {clock}"


def fmt_short(dt: datetime | None, today: date, mc: bool = False) -> str:
    """For narrow columns: `19:20:04` today, `Nov 25 19:20` this year, else the date."""
    if dt is None:
        return ""
    here = local(dt, mc)
    if here.date() == today:
        return here.strftime("%H:%M:%S")
    if here.year == today.year:
        return here.strftime("%b %d %H:%M")
    return here.strftime("%Y-%m-%d")


def fmt_full(dt: datetime | None) -> str:
    """Unambiguous local time with its offset, for headless output."""
    return "—" if dt is None else local(dt).strftime("%Y-%m-%d %H:%M:%S %z")


def fmt_duration(delta: timedelta | float | None) -> str:
    """`51s`, `4m 05s`, `2h 03m`, `3d 04h`: two units at most."""
    if delta is None:
        return "—"
    total = int(delta.total_seconds() if isinstance(delta, timedelta) else delta)
    sign, total = ("-", -total) if total < 0 else ("", total)
    days, rem = divmod(total, 86400)
    hours, rem = divmod(rem, 3600)
    minutes, secs = divmod(rem, 60)
    if days:
        return f"{sign}{days}d {hours:02d}h"
    if hours:
        return f"{sign}{hours}h {minutes:02d}m"
    if minutes:
        return f"{sign}{minutes}m {secs:02d}s"
    return f"{sign}{secs}s"


@dataclass(frozen=True, slots=True)
class SeenTimes:
    """How "first seen by sendwatch" times are drawn: in which zone, and which of them
    only say "already so by then" (they were first seen at a blind read)."""

    mc: bool = False
    blind: Sequence[datetime] = ()
    """Reads after a time sendwatch was not watching (`SendState.blind_reads`)."""

    def bound(self, dt: datetime) -> bool:
        """Is `dt` only an upper bound: first seen at a blind read (or before the first)?"""
        return bool(self.blind) and (dt in self.blind or dt < self.blind[0])

    def short(self, dt: datetime | None, today: date) -> str:
        """For the grid: `10:42:07`, or `≤10:42:07` when it was already so at that read."""
        text = fmt_short(dt, today, self.mc)
        return UPPER_BOUND + text if dt is not None and self.bound(dt) else text

    def long(self, dt: datetime | None, now: datetime, *, seconds: bool = True) -> str:
        """For a pane: the time, and `≤` when it was already so at that read."""
        text = fmt_local(dt, now=now, seconds=seconds, mc=self.mc)
        return UPPER_BOUND + text if dt is not None and self.bound(dt) else text
