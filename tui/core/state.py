"""What the UI is told about one send: an immutable snapshot, replaced whole.

The refresher is the only writer; everything else reads these. `changed_numbers` and
`kept_in_place` compare two reads of a send, so a grid repaints only the rows that differ.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from tui.core.api.errors import SendwatchError
from tui.core.api.model import Delivery, Recipient
from tui.core.poll_pace import Pace
from tui.core.store.watchlist import WatchedSend


@dataclass(frozen=True, slots=True)
class SendState:
    """Everything the UI shows about one send; replaced whole, never mutated."""

    send: WatchedSend
    delivery: Delivery | None = None
    fetched_at: datetime | None = None
    error: SendwatchError | None = None
    error_at: datetime | None = None
    failures: int = 0
    next_poll_at: datetime | None = None
    observed: tuple[tuple[str, datetime], ...] = ()
    since: Mapping[str, datetime] = field(default_factory=dict)
    changed: frozenset[str] = frozenset()
    in_place: bool = False
    became_final: bool = False
    warning: str | None = None
    first_read: datetime | None = None
    """When sendwatch first read this send (an earlier session's read included): what that
    read showed had happened by then, at a time nobody saw."""
    resumed_at: datetime | None = None
    """This session's first read, when an earlier session had read the send: a change made
    while sendwatch was not running is first seen then."""
    pace: Pace | None = None
    """The interval after the last read, and why when it is not the configured one."""

    @property
    def key(self) -> str:
        return self.send.key

    @property
    def stale(self) -> bool:
        """Last good data is on screen but the latest fetch failed."""
        return self.error is not None and self.delivery is not None

    @property
    def blind_reads(self) -> tuple[datetime, ...]:
        """Reads that followed a time sendwatch was not watching: a thing first seen at one
        was already so, since some unknown moment before."""
        return tuple(t for t in (self.first_read, self.resumed_at) if t is not None)

    @property
    def final(self) -> bool:
        return self.delivery is not None and self.delivery.phase.final


def outcome_key(r: Recipient) -> int | str | None:
    return r.outcome_code if r.outcome_code is not None else r.outcome_label


def kept_in_place(old: Sequence[Recipient] | None, new: Sequence[Recipient]) -> bool:
    """Are the old recipients still first, in the same order (new ones only appended)?

    Then the numbers that changed alone say which rows of a grid need drawing again.
    """
    if old is None or len(new) < len(old):
        return False
    return all(a is b or a.mobile_number == b.mobile_number for a, b in zip(old, new, strict=False))


def changed_numbers(old: Delivery | None, new: Delivery) -> tuple[frozenset[str], frozenset[str]]:
    """Numbers whose row changed (outcome or events), and those whose outcome changed."""
    if old is None:
        every = frozenset(r.mobile_number for r in new.recipients)
        return every, every
    before = old.recipient
    rows: set[str] = set()
    outcomes: set[str] = set()
    for r in new.recipients:
        prior = before(r.mobile_number)
        if prior is r:  # reused by the parser: nothing about it changed
            continue
        seen = None if prior is None else (outcome_key(prior), len(prior.events))
        outcome = outcome_key(r)
        if seen != (outcome, len(r.events)):
            rows.add(r.mobile_number)
            if seen is None or seen[0] != outcome:
                outcomes.add(r.mobile_number)
    return frozenset(rows), frozenset(outcomes)
