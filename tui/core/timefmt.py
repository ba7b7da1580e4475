"""Time for people: API times shown in the user's local zone, durations and ages short."""

from __future__ import annotations

from datetime import date, datetime, timedelta


def local(dt: datetime) -> datetime:
    """The same instant in the machine's local zone (TZ is honoured)."""
    return dt.astimezone()


def fmt_local(dt: datetime | None, *, now: datetime | None = None, seconds: bool = True) -> str:
    """`19:20:04` for today, `Nov 25 19:20:04` otherwise, `2025-11-25 …` in another year."""
    if dt is None:
        return "—"
    here = local(dt)
    today = local(now) if now else datetime.now().astimezone()
    clock = here.strftime("%H:%M:%S" if seconds else "%H:%M")
    if here.date() == today.date():
        return clock
    if here.year == today.year:
        return f"{here.strftime('%b')} {here.day:2d} {clock}"
    return f"{here.strftime('%Y-%m-%d')} {clock}"


def fmt_short(dt: datetime | None, today: date) -> str:
    """For narrow columns: `19:20:04` today, `Nov 25 19:20` this year, else the date."""
    if dt is None:
        return ""
    here = local(dt)
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
