"""What the drill-down says about a recipient's events, in words (pure, so tested alone).

The outcome is the highest standard code seen, not the last event (docs/DESIGN.md):
`why_line` says so in one sentence. Raw carrier text goes through `safe_text`.
"""

from __future__ import annotations

from tui.core.api import codes
from tui.core.api.model import Recipient, TrackingEvent
from tui.core.text import safe_text

__all__ = ["event_summary", "plural", "raw_words", "why_line"]


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
