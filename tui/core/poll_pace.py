"""How often to read a large send whose reads have stopped changing.

A 50 MB Deliveries body read every 5 s is over half a gigabyte a minute downloaded and
parsed, per send, to learn nothing new. Once a large send has read the same several
times in a row its interval doubles, up to a cap; the first read that differs brings
the normal interval back. Failed reads keep their own backoff (`RetryPolicy`, whose
doubling this reuses): this is the pace of reads that worked.
"""

from __future__ import annotations

from dataclasses import dataclass

from tui.core.api.model import Delivery
from tui.core.api.retry import RetryPolicy

LARGE_RECIPIENTS = 10_000
"""A send with this many recipients or more is large (its body is a megabyte or more)."""
STEADY_READS = 3
"""Reads in a row that changed nothing before a large send is read less often."""
SLOWEST = 60.0
"""The longest interval the pace reaches (a configured interval above it is kept)."""
LARGE_AND_UNCHANGED = "large and unchanged"


@dataclass(frozen=True, slots=True)
class Pace:
    """The interval until a send's next read, and why it is not the configured one."""

    interval: float
    unchanged: int = 0
    """Reads in a row that were the same as the one before."""
    reason: str | None = None

    @property
    def note(self) -> str | None:
        """What the detail pane says, when the pace is not the configured interval."""
        return f"{self.reason}: polling every {self.interval:g}s" if self.reason else None


def same_read(previous: Delivery | None, delivery: Delivery, changed_rows: bool) -> bool:
    """Nothing the monitor shows differs from the read before (rows compared elsewhere)."""
    return (
        previous is not None
        and not changed_rows
        and previous.status == delivery.status
        and previous.count == delivery.count
        and previous.event_count == delivery.event_count
        and len(previous.recipients) == len(delivery.recipients)
    )


@dataclass(frozen=True, slots=True)
class PollPace:
    """The rule: large and unchanged for `steady` reads → double, up to `slowest`."""

    large: int = LARGE_RECIPIENTS
    steady: int = STEADY_READS
    slowest: float = SLOWEST

    def is_large(self, delivery: Delivery | None) -> bool:
        return delivery is not None and len(delivery.recipients) >= self.large

    def after(self, pace: Pace | None, base: float, delivery: Delivery, *, same: bool) -> Pace:
        """The pace after a successful read; `same` when it showed nothing new."""
        if not same or not self.is_large(delivery):
            return Pace(base)
        unchanged = (pace.unchanged if pace else 0) + 1
        doublings = unchanged - self.steady + 1
        if doublings < 1 or base >= self.slowest:
            return Pace(base, unchanged)
        steps = RetryPolicy(base=base, cap=self.slowest, jitter=0.0)
        return Pace(steps.backoff(doublings + 1), unchanged, LARGE_AND_UNCHANGED)
