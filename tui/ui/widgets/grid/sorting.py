"""The grid's sort: which column, which way, and the row order it gives.

Pure (no Textual), so the order 100,000 rows take is tested without an app. Keys are
built once per row, and what many rows share is worked out once: a code's rank once per
distinct code, a carrier message once per shared event object. Python's sort is stable,
both ways, so rows that tie keep the carrier's order.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any, Final, overload

from tui.core.api.codes import outcome_of
from tui.core.api.model import Recipient
from tui.core.breakdown import GROUP_ORDER
from tui.ui.widgets.grid.carrier import carrier_text
from tui.ui.widgets.grid.columns import CODE, EVENTS, HEADERS, MESSAGE, NUMBER, OUTCOME, SINCE

__all__ = [
    "ARROWS",
    "SORT_CYCLE",
    "UNSORTED",
    "RankedIndex",
    "Reordered",
    "Sort",
    "sort_key",
    "sort_order",
]

SORT_CYCLE: Final[tuple[int | None, ...]] = (None, *range(len(HEADERS)))
"""The order `s` steps through: the carrier's order (None), then each column."""

ARROWS: Final = ("▲", "▼")
"""Ascending, descending: drawn after the sorted column's name."""

_OUTCOME_RANK: Final = {outcome: n for n, outcome in enumerate(GROUP_ORDER)}
_NO_CODE: Final = 1 << 40  # above any code a server sends as a number
_NEVER: Final = math.inf  # "since" of a row never seen: after every time
Key = Callable[[Recipient], Any]


@dataclass(frozen=True, slots=True)
class Sort:
    """A column (None: the carrier's order) and a direction."""

    column: int | None = None
    descending: bool = False

    @property
    def active(self) -> bool:
        """Do rows leave the carrier's order?"""
        return self.column is not None or self.descending

    @property
    def arrow(self) -> str:
        return ARROWS[self.descending]

    def next_column(self, step: int = 1) -> Sort:
        """The next column in `SORT_CYCLE`, ascending."""
        at = SORT_CYCLE.index(self.column)
        return Sort(SORT_CYCLE[(at + step) % len(SORT_CYCLE)])

    def flipped(self) -> Sort:
        return replace(self, descending=not self.descending)

    def describe(self) -> str:
        """`Since ▼`, or `carrier order` / `carrier order ▼` (newest first)."""
        name = "carrier order" if self.column is None else HEADERS[self.column]
        if self.column is None and not self.descending:
            return name
        return f"{name} {self.arrow}"


UNSORTED: Final = Sort()
"""The carrier's order, ascending: as the API lists the recipients."""


def _by_code(rank: Callable[[int | None], Any]) -> Key:
    """A key worked out once per distinct code (a send has a handful)."""
    memo: dict[int | None, Any] = {}

    def key(r: Recipient) -> Any:
        code = r.outcome_code
        try:
            return memo[code]
        except KeyError:
            memo[code] = value = rank(code)
            return value

    return key


def _by_message() -> Key:
    """The last carrier message, case-folded; worked out once per shared event object."""
    memo: dict[int, str] = {}

    def key(r: Recipient) -> str:
        if not r.events:
            return ""
        last = r.events[-1]
        text = memo.get(id(last))
        if text is None:
            memo[id(last)] = text = carrier_text(last).casefold()
        return text

    return key


def _by_since(since: Mapping[str, datetime]) -> Key:
    """When the outcome was first seen; never seen sorts after every time."""

    memo: dict[int, float] = {}  # a poll stamps all its changes with one shared moment
    get = since.get

    def key(r: Recipient) -> float:
        at = get(r.mobile_number)
        if at is None:
            return _NEVER
        value = memo.get(id(at))
        if value is None:
            memo[id(at)] = value = at.timestamp()
        return value

    return key


def _code_rank(code: int | None) -> int:
    """By number; no code after every code."""
    return _NO_CODE if code is None else min(code, _NO_CODE - 1)


def sort_key(column: int, since: Mapping[str, datetime]) -> Key:
    """The key of one column. Outcome: failed, unknown, pending, delivered (as the
    breakdown lists them), then by code; code: by number, no code last. Keys are plain
    numbers or strings, never tuples: comparing them is most of a sort's time."""
    if column == NUMBER:
        return lambda r: r.mobile_number
    if column == OUTCOME:
        return _by_code(lambda c: _OUTCOME_RANK[outcome_of(c)] * (_NO_CODE + 1) + _code_rank(c))
    if column == CODE:
        return _by_code(_code_rank)
    if column == MESSAGE:
        return _by_message()
    if column == EVENTS:
        return lambda r: len(r.events)
    if column == SINCE:
        return _by_since(since)
    raise ValueError(f"no column {column}")


def sort_order(
    rows: Sequence[Recipient], sort: Sort, since: Mapping[str, datetime]
) -> list[int] | None:
    """Row positions in sorted order, or None when `sort` keeps the carrier's order."""
    if not sort.active:
        return None
    if sort.column is None:
        return list(range(len(rows) - 1, -1, -1))
    keys = list(map(sort_key(sort.column, since), rows))
    return sorted(range(len(rows)), key=keys.__getitem__, reverse=sort.descending)


class Reordered(Sequence[Recipient]):
    """`base` in `order`, as a view: sorting 100,000 rows builds no second list of them
    (rows are read a screenful at a time)."""

    __slots__ = ("_base", "_order")

    def __init__(self, base: Sequence[Recipient], order: Sequence[int]) -> None:
        self._base, self._order = base, order

    @overload
    def __getitem__(self, i: int) -> Recipient: ...
    @overload
    def __getitem__(self, i: slice) -> list[Recipient]: ...
    def __getitem__(self, i: int | slice) -> Recipient | list[Recipient]:
        if isinstance(i, slice):
            return [self._base[j] for j in self._order[i]]
        return self._base[self._order[i]]

    def __len__(self) -> int:
        return len(self._order)

    def __iter__(self) -> Iterator[Recipient]:
        return map(self._base.__getitem__, self._order)


class RankedIndex(Mapping[str, int]):
    """Number → sorted row, from number → row of `base` and each base row's sorted rank.

    Filling a 100,000-entry dict in sorted order costs ~150 ms of cache misses; this is
    one list in base order (~10 ms), looked up a row at a time."""

    __slots__ = ("_rank", "_where")

    def __init__(self, where: Mapping[str, int], order: Sequence[int]) -> None:
        rank = [0] * len(order)
        for shown_row, base_row in enumerate(order):
            rank[base_row] = shown_row
        self._where, self._rank = where, rank

    def __getitem__(self, number: str) -> int:
        return self._rank[self._where[number]]

    def __len__(self) -> int:
        return len(self._where)

    def __iter__(self) -> Iterator[str]:
        return iter(self._where)
