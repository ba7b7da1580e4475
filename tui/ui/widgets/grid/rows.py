"""The grid's rows: the outcome filter, the number→row index, and what new data means.

No Textual here, so the bookkeeping that decides how little a poll of 100,000 recipients
repaints is tested without an app. Sequences and mappings are kept, never copied: a
caller must not mutate what it hands over.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from operator import attrgetter
from typing import Final

from tui.core.api.codes import Outcome, outcome_of
from tui.core.api.model import Recipient
from tui.core.state import kept_in_place

__all__ = [
    "FILTER_CYCLE",
    "Diff",
    "Rows",
    "diff",
    "draws_alike",
    "index_of",
    "next_filter",
    "shown_rows",
]

FILTER_CYCLE: Final[tuple[Outcome | None, ...]] = (
    None,
    Outcome.FAILED,
    Outcome.PENDING,
    Outcome.DELIVERED,
    Outcome.UNKNOWN,
)
"""The order `f` cycles the outcome filter through (None shows every recipient)."""

_code = attrgetter("outcome_code")
_number = attrgetter("mobile_number")


def next_filter(outcome: Outcome | None) -> Outcome | None:
    return FILTER_CYCLE[(FILTER_CYCLE.index(outcome) + 1) % len(FILTER_CYCLE)]


def shown_rows(recipients: Sequence[Recipient], outcome: Outcome | None) -> Sequence[Recipient]:
    """The rows the filter lets through: `recipients` itself when there is no filter.

    An outcome follows from the code alone, so each distinct code is looked up once (`f`
    at 100,000 rows is a keypress, not a wait).
    """
    if outcome is None:
        return recipients
    wanted = {c for c in set(map(_code, recipients)) if outcome_of(c) is outcome}
    return [r for r in recipients if r.outcome_code in wanted]


def index_of(rows: Sequence[Recipient]) -> dict[str, int]:
    """Number → row (the last row of a number that is on several)."""
    return dict(zip(map(_number, rows), range(len(rows)), strict=True))


def draws_alike(old: Recipient, new: Recipient) -> bool:
    """Would `new` draw exactly like `old`? (Same number assumed; cells show the outcome,
    the event count and the last event.)"""
    if old is new:
        return True
    if old.outcome_code != new.outcome_code or len(old.events) != len(new.events):
        return False  # (the outcome follows from the code)
    return not old.events or old.events[-1] == new.events[-1]


@dataclass(frozen=True, slots=True, eq=False)
class Rows:
    """Everything a grid shows: the recipients, the filter, the shown rows and their index."""

    recipients: Sequence[Recipient] = ()
    since: Mapping[str, datetime] = field(default_factory=dict)
    outcome: Outcome | None = None
    positions: Mapping[str, int] | None = None
    """The caller's index of `recipients` (as a Delivery has it), kept for a filter change."""
    shown: Sequence[Recipient] = ()
    index: Mapping[str, int] = field(default_factory=dict)
    """Number → shown row; the first row of a number once rows are appended, else the last."""

    @classmethod
    def of(
        cls,
        recipients: Sequence[Recipient],
        since: Mapping[str, datetime] | None = None,
        outcome: Outcome | None = None,
        positions: Mapping[str, int] | None = None,
    ) -> Rows:
        """Rows filtered and indexed from scratch; the caller's `positions` are the index
        when they index the shown rows, so a 100k send is not reindexed on the UI thread."""
        positions = _valid(positions, recipients)
        shown = shown_rows(recipients, outcome)
        index = positions if positions is not None and shown is recipients else index_of(shown)
        return cls(recipients, since or {}, outcome, positions, shown, index)

    @property
    def unique(self) -> bool:
        """No number is on two rows: then a row is keyed by its number across updates."""
        return len(self.index) == len(self.shown)

    def key(self, row: int) -> object:
        """What a drawn row is cached under: its number, or its position when not unique."""
        return self.shown[row].mobile_number if self.unique else row

    def find(self, number: str) -> int | None:
        """The first shown row of `number`, or None."""
        row = self.index.get(number)
        if row is None or not self.unique:
            row = next((i for i, r in enumerate(self.shown) if r.mobile_number == number), None)
        return row

    def filtered(self, outcome: Outcome | None) -> Rows:
        return Rows.of(self.recipients, self.since, outcome, self.positions)


@dataclass(frozen=True, slots=True)
class Diff:
    """What new data means for the screen.

    `replace_all`: the order changed, so everything is re-measured and redrawn and the
    cursor follows its number. Otherwise the old rows are still first and in order:
    `appended` are new rows at the end, `changed` are the rows (sorted) that draw
    differently.
    """

    rows: Rows
    replace_all: bool = False
    appended: range = range(0)
    changed: Sequence[int] = ()


def diff(
    old: Rows,
    recipients: Sequence[Recipient],
    since: Mapping[str, datetime] | None = None,
    *,
    changed: Collection[str] | None = None,
    in_place: bool = False,
    positions: Mapping[str, int] | None = None,
) -> Diff:
    """Compare new data with `old` (the filter stays).

    `changed` (the numbers whose rows may differ, from the refresher) spares comparing
    every row; `in_place` (the refresher's `kept_in_place` of the unfiltered data) spares
    comparing every number. Without `changed`, rows are compared one by one and any
    added, removed or moved row means replace all.
    """
    positions = _valid(positions, recipients)
    shown = shown_rows(recipients, old.outcome)
    new_since = since or {}
    if changed is not None:
        if not _kept(old, shown, in_place):
            return Diff(Rows.of(recipients, new_since, old.outcome, positions), replace_all=True)
        if positions is not None and shown is recipients:
            index = positions  # the caller's positions index the shown rows
        else:
            index = _grown(old.index, shown, len(old.shown))
        rows = Rows(recipients, new_since, old.outcome, positions, shown, index)
        return Diff(
            rows,
            appended=range(len(old.shown), len(shown)),
            changed=sorted(index[n] for n in changed if n in index),
        )
    rows_changed = _changed_rows(old, shown, new_since)
    if rows_changed is None:
        return Diff(Rows.of(recipients, new_since, old.outcome, positions), replace_all=True)
    # Same numbers on the same rows: the old index still holds.
    rows = Rows(recipients, new_since, old.outcome, positions, shown, old.index)
    return Diff(rows, changed=rows_changed)


def _valid(
    positions: Mapping[str, int] | None, recipients: Sequence[Recipient]
) -> Mapping[str, int] | None:
    """`positions` if it can index `recipients` (same length), else None."""
    return positions if positions is not None and len(positions) == len(recipients) else None


def _kept(old: Rows, shown: Sequence[Recipient], in_place: bool) -> bool:
    """Are the old shown rows still first, in the same order (new ones only appended)?"""
    if not (old.shown and old.unique):
        return False
    if in_place and old.outcome is None:  # the refresher checked, off the UI thread
        return len(shown) >= len(old.shown)
    return kept_in_place(old.shown, shown)


def _grown(index: Mapping[str, int], shown: Sequence[Recipient], start: int) -> Mapping[str, int]:
    """`index` with the rows from `start` on added: grown, never rebuilt."""
    if len(shown) <= start:
        return index
    grown = dict(index)  # a copy: the old index may be a caller's
    for i in range(start, len(shown)):
        grown.setdefault(shown[i].mobile_number, i)
    return grown


def _changed_rows(
    old: Rows, shown: Sequence[Recipient], new_since: Mapping[str, datetime]
) -> list[int] | None:
    """Rows that draw differently, or None when rows were added, removed or moved."""
    if len(old.shown) != len(shown) or not old.unique:
        return None
    old_since = old.since
    since_same = old_since == new_since
    changed: list[int] = []
    for i, (a, b) in enumerate(zip(old.shown, shown, strict=True)):
        if a is b and since_same:
            continue
        number = b.mobile_number
        if a.mobile_number != number:
            return None
        if not draws_alike(a, b) or (
            not since_same and old_since.get(number) != new_since.get(number)
        ):
            changed.append(i)
    return changed
