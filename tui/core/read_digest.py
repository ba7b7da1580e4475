"""What one read of a send changed against the last: the rows, the outcomes new to it,
and since when each number has held its outcome (kept across sessions by the history).

Pure and synchronous, so the refresher can run it inline for a small send and in a thread
for 100,000 recipients.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from tui.core.api.model import Delivery
from tui.core.state import changed_numbers, kept_in_place, outcome_key
from tui.core.store.history import stored_outcome

INLINE_DIGEST_RECIPIENTS = 5_000
"""Up to this many recipients, two reads are compared on the event loop."""

Remembered = dict[str, tuple[str, datetime]]
"""Number → (stored outcome, first seen), as the history had it when the send was watched."""


@dataclass(frozen=True, slots=True)
class ReadDigest:
    """What a read changed, worked out off the event loop."""

    changed: frozenset[str]
    new_outcomes: frozenset[str]
    in_place: bool
    since: dict[str, datetime]


def digest_read(
    previous: Delivery | None,
    delivery: Delivery,
    since: Mapping[str, datetime],
    remembered: Remembered | None,
    now: datetime,
) -> ReadDigest:
    """Which rows and outcomes changed, and since when each number has its outcome."""
    changed, new_outcomes = changed_numbers(previous, delivery)
    old = previous.recipients if previous is not None else None
    since = dict(since)
    if remembered is not None:  # an outcome an earlier session saw keeps its time
        for r in delivery.recipients:
            number = r.mobile_number
            known = remembered.get(number)
            seen = known is not None and known[0] == stored_outcome(outcome_key(r))
            since[number] = known[1] if known is not None and seen else now
    else:
        for number in new_outcomes:
            since[number] = now
    return ReadDigest(changed, new_outcomes, kept_in_place(old, delivery.recipients), since)
