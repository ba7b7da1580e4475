"""What the drill-down says about a recipient's events, in words (pure, so tested alone).

The outcome is the highest standard code seen, not the last event (docs/DESIGN.md):
`why_line` says so in one sentence. Raw carrier text goes through `safe_text`.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Final

from tui.core.api import codes
from tui.core.api.codes import code_label
from tui.core.api.model import Recipient, TrackingEvent
from tui.core.glyphs import OUTCOME_WORDS
from tui.core.text import safe_text
from tui.core.timefmt import SeenTimes
from tui.ui.time_labels import BOUND_WORDS, seen_phrase

__all__ = [
    "event_summary",
    "observed_lines",
    "outcome_line",
    "plural",
    "raw_words",
    "why_line",
]

HISTORY_SHOWN: Final = 5
"""How many observed changes are listed (the most recent); older ones are counted."""


def plural(n: int, word: str) -> str:
    return f"{n:,} {word}" if n == 1 else f"{n:,} {word}s"


def _code_words(code: int) -> str:
    info = codes.describe(code)
    return f"{code} {info.name}" if info else f"{code} (not in the standard code table)"


def raw_words(event: TrackingEvent) -> str:
    raw = " ".join(safe_text(x) for x in (event.status_code, event.message) if x)
    return f"'{raw}'" if raw else "empty"


def event_summary(event: TrackingEvent) -> str:
    """An event in a few words: its standard code and name, else its raw status."""
    if event.standard_code is not None:
        return _code_words(event.standard_code)
    return f"{raw_words(event)} with no standard code"


def why_line(recipient: Recipient) -> str:
    """Why the recipient's outcome is what it is, in one sentence."""
    events = recipient.events
    if recipient.outcome_code is None:
        return "No standard codes; showing the carrier's raw status."
    with_code = sum(1 for e in events if e.standard_code is not None)
    among = plural(len(events), "event")
    if with_code != len(events):
        among += f", {with_code:,} with a standard code"
    sentence = f"{_code_words(recipient.outcome_code)} is the highest standard code among {among}"
    if len(events) == 1:
        return f"{sentence}."
    last = events[-1]
    if recipient.deciding_index == len(events) - 1:
        return f"{sentence} (highest wins; it is also the last event)."
    return f"{sentence} (highest wins; the last event was {event_summary(last)})."


def outcome_line(
    recipient: Recipient, seen: datetime | None, times: SeenTimes, now: datetime
) -> str:
    """`✓ delivered · 4000 Delivered · first seen by sendwatch 10:42:07` (or `already so
    at sendwatch's first read`, when that is all sendwatch knows)."""
    label = safe_text(recipient.outcome_label, limit=60)
    if codes.describe(recipient.outcome_code) is not None:
        label = f"{recipient.outcome_code} {label}"
    elif recipient.outcome_code is None:
        label = f"{label} (the carrier's raw status)"
    words = f"{OUTCOME_WORDS[recipient.outcome]} · {label}"
    if seen is not None:
        words += f" · {seen_phrase(seen, times, now)}"
    return words


def observed_lines(
    seen: Sequence[tuple[str, datetime]], times: SeenTimes, now: datetime
) -> list[str]:
    """The outcome changes sendwatch recorded, newest last, each with when it saw it."""
    if not seen:
        return ["none recorded"]
    lines = []
    if len(seen) > HISTORY_SHOWN:
        lines.append(f"… {plural(len(seen) - HISTORY_SHOWN, 'earlier change')}")
        seen = seen[-HISTORY_SHOWN:]
    lines += [
        f"{times.long(when, now)}  {safe_text(code_label(label), limit=60)}" for label, when in seen
    ]
    if any(times.bound(when) for _, when in seen):
        lines.append(BOUND_WORDS)
    return lines
