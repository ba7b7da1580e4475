"""Typed snapshots of a Deliveries body (parse.py builds them from the bytes).

A body is parsed once into immutable objects; everything downstream (grid, drill-down,
history, CLI) reads these and never the raw JSON.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta, timezone
from enum import StrEnum
from operator import attrgetter
from typing import NamedTuple

from tui.core.api import codes
from tui.core.api.codes import Outcome

MC_TZ = timezone(timedelta(hours=-6), "MC")
"""Marketing Cloud system time: fixed UTC-6 all year, never America/Chicago (docs/api.md §6)."""


class SendKind(StrEnum):
    """Which send resource a token belongs to; both share the Deliveries shape."""

    MESSAGE_CONTACT = "messageContact"
    MESSAGE_LIST = "messageList"


class Phase(StrEnum):
    """A send's job status; UNKNOWN holds any status the documentation does not list."""

    NEW = "New"
    QUEUING = "Queuing"
    STARTED = "Started"
    FINISHED = "Finished"
    ERROR = "Error"
    UNKNOWN = "Unknown"

    @property
    def final(self) -> bool:
        return self in (Phase.FINISHED, Phase.ERROR)


PROGRESSION: tuple[Phase, ...] = (Phase.NEW, Phase.QUEUING, Phase.STARTED, Phase.FINISHED)
_PHASES = {p.value.lower(): p for p in Phase if p is not Phase.UNKNOWN}


def phase_of(status: str) -> Phase:
    return _PHASES.get(status.strip().lower(), Phase.UNKNOWN)


class TrackingEvent(NamedTuple):
    """One carrier status, exactly as reported (raw code and message kept verbatim).

    Events carry no number: identical events are one shared object across recipients,
    which is what keeps a 300,000-event body small.
    """

    status_code: str | None
    message: str | None
    standard_code: int | None
    description: str | None

    @property
    def code_info(self) -> codes.StatusCode | None:
        return codes.describe(self.standard_code)


class Recipient(NamedTuple):
    """One mobile number and its events in carrier order.

    The outcome is the highest standard code seen, not the last event: carriers can
    report an earlier stage after the final one (docs/api.md §2.2).
    """

    mobile_number: str
    events: tuple[TrackingEvent, ...]
    outcome_code: int | None

    @property
    def outcome(self) -> Outcome:
        return codes.outcome_of(self.outcome_code)

    @property
    def deciding_index(self) -> int:
        """Position of the event that set the outcome: the first with the highest code,
        or the last event when none has a standard code. (Events are shared objects, so
        positions, not identities, tell two equal events apart.)"""
        if self.outcome_code is not None:
            for i, event in enumerate(self.events):
                if event.standard_code == self.outcome_code:
                    return i
        return len(self.events) - 1

    @property
    def deciding_event(self) -> TrackingEvent:
        return self.events[self.deciding_index]

    @property
    def code_words(self) -> str:
        """The status code column's words: `4503 Rejected`, or the entry's own status."""
        label = self.outcome_label if self.events else "no status"
        return codes.code_words(self.outcome_code, label)

    @property
    def outcome_label(self) -> str:
        """The code name, or the raw carrier code/message for old-shape entries."""
        info = codes.describe(self.outcome_code)
        if info is not None:
            return info.name
        if self.outcome_code is not None:
            return f"code {self.outcome_code}"
        last = self.events[-1]
        return " ".join(x for x in (last.status_code, last.message) if x) or "no status"


@dataclass(frozen=True, slots=True)
class OutcomeCounts:
    delivered: int = 0
    failed: int = 0
    pending: int = 0
    unknown: int = 0

    @property
    def total(self) -> int:
        return self.delivered + self.failed + self.pending + self.unknown

    def of(self, outcome: Outcome) -> int:
        return int(getattr(self, outcome.value))


@dataclass(frozen=True, slots=True)
class Delivery:
    """One read of a send's Deliveries resource."""

    message: str
    count: int | None
    status: str
    phase: Phase
    create_date: datetime | None
    complete_date: datetime | None
    create_date_raw: str | None
    complete_date_raw: str | None
    recipients: tuple[Recipient, ...]
    event_count: int
    skipped_entries: int = 0
    counts: OutcomeCounts = field(default_factory=OutcomeCounts)
    positions: Mapping[str, int] = field(default_factory=dict, repr=False, compare=False)
    """Each number's index in `recipients` (numbers are unique): lookups, and the grid's
    row index for free."""
    code_counts: Mapping[int | None, int] = field(default_factory=dict, repr=False, compare=False)
    """Recipients per outcome code (None: no standard code), tallied once where the body is
    parsed (off the UI thread): the counts and the breakdown by code come from it."""

    def recipient(self, number: str) -> Recipient | None:
        index = self.positions.get(number)
        return None if index is None else self.recipients[index]

    @property
    def duration(self) -> timedelta | None:
        if self.create_date and self.complete_date:
            return self.complete_date - self.create_date
        return None


def parse_mc_date(value: object) -> datetime | None:
    """An aware datetime from a Marketing Cloud date; naive values are MC system time."""
    if not isinstance(value, str) or not value.strip():
        return None
    try:
        parsed = datetime.fromisoformat(value.strip())
        if parsed.tzinfo is None:
            parsed = parsed.replace(tzinfo=MC_TZ)
        parsed.astimezone(UTC).astimezone()
    except (ValueError, OverflowError):
        return None
    # Years near 1 or 9999 overflow in some local zones; no send is dated outside these.
    return parsed if 1900 <= parsed.year <= 2999 else None


def make_recipient(number: str, events: Sequence[TrackingEvent]) -> Recipient:
    """A recipient whose outcome is the highest standard code among its events."""
    codes_seen = [e.standard_code for e in events if e.standard_code is not None]
    return Recipient(number, tuple(events), max(codes_seen, default=None))


_outcome_code = attrgetter("outcome_code")


def count_codes(recipients: Iterable[Recipient]) -> dict[int | None, int]:
    """Recipients per outcome code: one Counter pass (~8 ms at 100,000)."""
    return dict(Counter(map(_outcome_code, recipients)))


def count_outcomes(
    recipients: Iterable[Recipient], code_counts: Mapping[int | None, int] | None = None
) -> OutcomeCounts:
    """Tallied by code first (or from `code_counts`): a handful of codes, not 100,000
    `outcome` calls (~25 ms)."""
    tally = dict.fromkeys(Outcome, 0)
    by_code = count_codes(recipients) if code_counts is None else code_counts
    for code, n in by_code.items():
        tally[codes.outcome_of(code)] += n
    return OutcomeCounts(*(tally[o] for o in Outcome))
