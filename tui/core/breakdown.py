"""Recipients by standard code, ranked: why a send failed, in one line.

The first question of every failed-send ticket is "failed how?". The answer is the
recipients per outcome code, failures first and largest first. The tally itself is made
once where a body is parsed (`Delivery.code_counts`); ranking it here touches a handful
of codes, never 100,000 recipients.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Final

from tui.core.api import codes
from tui.core.api.codes import Outcome
from tui.core.api.model import Delivery, Recipient, count_codes

__all__ = [
    "GROUP_ORDER",
    "CodeCount",
    "breakdown",
    "breakdown_of",
    "code_name",
    "failure_breakdown",
]

GROUP_ORDER: Final[tuple[Outcome, ...]] = (
    Outcome.FAILED,
    Outcome.UNKNOWN,
    Outcome.PENDING,
    Outcome.DELIVERED,
)
"""Outcomes in the order the breakdown lists their codes: what went wrong first, then
what is unclear, then what is under way, then what worked."""

_RANK: Final = {outcome: n for n, outcome in enumerate(GROUP_ORDER)}


def code_name(code: int | None) -> str:
    """`4503 Rejected`; an unlisted code by its number; no code as such (old-shape entries)."""
    if code is None:
        return "no standard code"
    info = codes.describe(code)
    return f"{info.code} {info.name}" if info is not None else f"{code} unlisted code"


@dataclass(frozen=True, slots=True)
class CodeCount:
    """How many recipients ended on one outcome code."""

    code: int | None
    """The standard code (None: entries that carry none)."""
    count: int
    outcome: Outcome

    @property
    def name(self) -> str:
        return code_name(self.code)


def breakdown(code_counts: Mapping[int | None, int]) -> tuple[CodeCount, ...]:
    """Every code with recipients: failures first, then unknown, pending, delivered; the
    largest first within each (ties: lower code first, no code last)."""
    items = [CodeCount(c, n, codes.outcome_of(c)) for c, n in code_counts.items() if n > 0]
    items.sort(key=lambda i: (_RANK[i.outcome], -i.count, i.code is None, i.code or 0))
    return tuple(items)


def breakdown_of(delivery: Delivery | None) -> tuple[CodeCount, ...]:
    """A read's breakdown: from its tally, or counted when it has none (a hand-made read)."""
    if delivery is None:
        return ()
    tally = delivery.code_counts
    if sum(tally.values()) != len(delivery.recipients):
        tally = count_codes(delivery.recipients)
    return breakdown(tally)


def failure_breakdown(recipients: Iterable[Recipient]) -> list[tuple[int | None, int]]:
    """(code, recipients) for every failing code, largest first (ties: lower code first)."""
    ranked = breakdown(count_codes(recipients))
    return [(i.code, i.count) for i in ranked if i.outcome is Outcome.FAILED]
