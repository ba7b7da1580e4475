"""The grid's rows: the filters (outcome, code), the sort, the number→row index, and
what new data means.

No Textual here, so the bookkeeping that decides how little a poll of 100,000 recipients
repaints is tested without an app. Sequences and mappings are kept, never copied: a
caller must not mutate what it hands over. A sorted grid is sorted again only when a
poll changed what it sorts on: the rows' order, their number, or a changed row's key.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from operator import attrgetter
from typing import Final

from tui.core.api.codes import Outcome, outcome_of
from tui.core.api.model import Recipient
from tui.core.state import kept_in_place
from tui.ui.widgets.grid.sorting import (
    UNSORTED,
    RankedIndex,
    Reordered,
    Sort,
    sort_key,
    sort_order,
)

__all__ = [
    "FILTER_CYCLE",
    "Codes",
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


Codes = frozenset[int | None]
"""A code filter: the outcome codes shown (None in it: entries with no standard code)."""


def next_filter(outcome: Outcome | None, step: int = 1) -> Outcome | None:
    """The filter after `outcome` in `FILTER_CYCLE` (`step` -1: the one before)."""
    return FILTER_CYCLE[(FILTER_CYCLE.index(outcome) + step) % len(FILTER_CYCLE)]


def shown_rows(
    recipients: Sequence[Recipient], outcome: Outcome | None, codes: Codes | None = None
) -> Sequence[Recipient]:
    """The rows the filters let through: `recipients` itself when there is none.

    An outcome follows from the code alone, so each distinct code is looked up once (`f`
    at 100,000 rows is a keypress, not a wait).
    """
    if outcome is None and codes is None:
        return recipients
    wanted = {
        c
        for c in set(map(_code, recipients))
        if (outcome is None or outcome_of(c) is outcome) and (codes is None or c in codes)
    }
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
    """Everything a grid shows: the recipients, the filters and sort, the shown rows and
    their index."""

    recipients: Sequence[Recipient] = ()
    since: Mapping[str, datetime] = field(default_factory=dict)
    outcome: Outcome | None = None
    positions: Mapping[str, int] | None = None
    """The caller's index of `recipients` (as a Delivery has it), kept for a filter change."""
    shown: Sequence[Recipient] = ()
    index: Mapping[str, int] = field(default_factory=dict)
    """Number → shown row; the first row of a number once rows are appended, else the last."""
    codes: Codes | None = None
    sort: Sort = UNSORTED
    base: Sequence[Recipient] = ()
    """The filtered rows in the carrier's order: what `order` indexes."""
    order: Sequence[int] | None = None
    """Shown row → row of `base` (None: not sorted, the shown rows are `base`)."""

    @classmethod
    def of(
        cls,
        recipients: Sequence[Recipient],
        since: Mapping[str, datetime] | None = None,
        outcome: Outcome | None = None,
        positions: Mapping[str, int] | None = None,
        *,
        codes: Codes | None = None,
        sort: Sort = UNSORTED,
    ) -> Rows:
        """Rows filtered, sorted and indexed from scratch; the caller's `positions` are the
        index when they index the shown rows, so a 100k send is not reindexed on the UI
        thread."""
        positions = _valid(positions, recipients)
        since = since or {}
        base = shown_rows(recipients, outcome, codes)
        order = sort_order(base, sort, since)
        where = positions if positions is not None and base is recipients else index_of(base)
        if order is None:
            shown, index = base, where
        else:  # views: no 100,000-row list or dict is filled in sorted order
            shown, index = Reordered(base, order), RankedIndex(where, order)
        return cls(recipients, since, outcome, positions, shown, index, codes, sort, base, order)

    @property
    def filtered_out(self) -> bool:
        """Do the filters hide rows (the sort never does)?"""
        return len(self.shown) < len(self.recipients)

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

    def why_empty(self, no_data: str) -> str:
        """What an empty grid says: `no_data` when there are no recipients, else which
        filter chips hide them all (short: it fits a grid at 80 columns)."""
        if not self.recipients or self.shown:
            return no_data
        chips = [] if self.outcome is None else [self.outcome.value]
        if self.codes is not None:
            numbers = sorted("none" if c is None else str(c) for c in self.codes)
            chips.append(f"code {', '.join(numbers)}")
        which = f"the {' and '.join(chips)} chip" + ("s hide" if len(chips) > 1 else " hides")
        return f"{which.capitalize()} all {len(self.recipients):,} recipients (f/F)"

    def filtered(self, outcome: Outcome | None, codes: Codes | None = None) -> Rows:
        """The same data under other filters (the sort stays)."""
        return Rows.of(
            self.recipients, self.since, outcome, self.positions, codes=codes, sort=self.sort
        )

    def sorted(self, sort: Sort) -> Rows:
        """The same rows in another order (the filters stay)."""
        return Rows.of(
            self.recipients, self.since, self.outcome, self.positions, codes=self.codes, sort=sort
        )


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
    """Compare new data with `old` (the filters and sort stay).

    `changed` (the numbers whose rows may differ, from the refresher) spares comparing
    every row; `in_place` (the refresher's `kept_in_place` of the unfiltered data) spares
    comparing every number. Without `changed`, rows are compared one by one and any
    added, removed or moved row means replace all.
    """
    positions = _valid(positions, recipients)
    new_since = since or {}
    if old.sort.active:
        return _diff_sorted(old, recipients, new_since, changed, in_place, positions)
    shown = shown_rows(recipients, old.outcome, old.codes)
    if changed is not None:
        if not _kept(old, shown, in_place):
            return Diff(_fresh(old, recipients, new_since, positions), replace_all=True)
        if positions is not None and shown is recipients:
            index = positions  # the caller's positions index the shown rows
        else:
            index = _grown(old.index, shown, len(old.shown))
        rows = replace(
            old,
            recipients=recipients,
            since=new_since,
            positions=positions,
            shown=shown,
            index=index,
            base=shown,
        )
        return Diff(
            rows,
            appended=range(len(old.shown), len(shown)),
            changed=sorted(index[n] for n in changed if n in index),
        )
    rows_changed = _changed_rows(old, shown, new_since)
    if rows_changed is None:
        return Diff(_fresh(old, recipients, new_since, positions), replace_all=True)
    # Same numbers on the same rows: the old index still holds.
    rows = replace(
        old, recipients=recipients, since=new_since, positions=positions, shown=shown, base=shown
    )
    return Diff(rows, changed=rows_changed)


def _fresh(
    old: Rows,
    recipients: Sequence[Recipient],
    since: Mapping[str, datetime],
    positions: Mapping[str, int] | None,
) -> Rows:
    """New data under the old filters and sort, from scratch."""
    return Rows.of(recipients, since, old.outcome, positions, codes=old.codes, sort=old.sort)


def _diff_sorted(
    old: Rows,
    recipients: Sequence[Recipient],
    since: Mapping[str, datetime],
    changed: Collection[str] | None,
    in_place: bool,
    positions: Mapping[str, int] | None,
) -> Diff:
    """A sorted grid: the old order holds while the filtered rows are the same numbers
    in the same order and no changed row sorts differently; otherwise sort again."""
    base = shown_rows(recipients, old.outcome, old.codes)
    if (
        changed is not None
        and old.order is not None
        and old.unique
        and _same_numbers(old, base, in_place)
        and not _resorts(old, changed, recipients, since, positions)
    ):
        shown = Reordered(base, old.order)
        rows = replace(
            old, recipients=recipients, since=since, positions=positions, shown=shown, base=base
        )
        return Diff(rows, changed=sorted(old.index[n] for n in changed if n in old.index))
    fresh = _fresh(old, recipients, since, positions)
    rows_changed = _changed_rows(old, fresh.shown, since)
    if rows_changed is None:
        return Diff(fresh, replace_all=True)
    return Diff(fresh, changed=rows_changed)


def _same_numbers(old: Rows, base: Sequence[Recipient], in_place: bool) -> bool:
    """Are the filtered rows the old ones, same numbers in the same order, none added?"""
    if len(base) != len(old.base):
        return False
    if in_place and old.outcome is None and old.codes is None:
        return True  # the refresher checked the unfiltered rows, off the UI thread
    return kept_in_place(old.base, base)


def _resorts(
    old: Rows,
    changed: Collection[str],
    recipients: Sequence[Recipient],
    since: Mapping[str, datetime],
    positions: Mapping[str, int] | None,
) -> bool:
    """Does any changed row take another sort key (or can that not be told)?"""
    column = old.sort.column
    if column is None or not changed:
        return False  # the carrier's order reversed: keys are positions
    if positions is None:
        return True
    old_key, new_key = sort_key(column, old.since), sort_key(column, since)
    for number in changed:
        row, at = old.index.get(number), positions.get(number)
        if row is None or at is None:
            continue  # not shown (filtered out, and still: the numbers are the same)
        if old_key(old.shown[row]) != new_key(recipients[at]):
            return True
    return False


def _valid(
    positions: Mapping[str, int] | None, recipients: Sequence[Recipient]
) -> Mapping[str, int] | None:
    """`positions` if it can index `recipients` (same length), else None."""
    return positions if positions is not None and len(positions) == len(recipients) else None


def _kept(old: Rows, shown: Sequence[Recipient], in_place: bool) -> bool:
    """Are the old shown rows still first, in the same order (new ones only appended)?"""
    if not (old.shown and old.unique):
        return False
    if in_place and old.outcome is None and old.codes is None:  # the refresher checked
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
