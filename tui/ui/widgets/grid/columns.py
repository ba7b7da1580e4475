"""The grid's columns: widths from measured cells, and which columns a narrow grid drops.

Works on cell widths only (measuring text is `cells.measure`'s job), so no terminal
library is needed here. Widths come from a bounded sample of rows, never from a scan of
all of them: 100,000 rows cost no more to lay out than 640.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from functools import lru_cache
from typing import Final, TypeVar

__all__ = [
    "CODE",
    "DROP_ORDER",
    "EVENTS",
    "GAP",
    "HEADERS",
    "MESSAGE",
    "NUMBER",
    "OUTCOME",
    "SINCE",
    "WIDEN_SAMPLE",
    "Columns",
    "sample",
]

HEADERS: Final = ("Number", "Outcome", "Status code", "Last carrier message", "Events", "Seen")
"""`Seen`: when sendwatch first saw the outcome (`≤`: already so at its first read)."""
NUMBER, OUTCOME, CODE, MESSAGE, EVENTS, SINCE = range(6)

EVENTS_WIDTH: Final = 6
SINCE_MIN: Final = 5  # the header and a gap; values widen it (8 today, 9 with ≤, 12 older)
NUMBER_MIN, NUMBER_MAX = 6, 20
CODE_MIN, CODE_MAX = 11, 30
MESSAGE_MIN: Final = 14
CODE_FAIR: Final = 16  # "4000 Delivered" whole: what the code gets before the message grows
MESSAGE_WANT: Final = 40  # a carrier message and description, before the code grows past fair
GAP: Final = 1  # blank cells to the left of every column
DROP_ORDER: Final = (MESSAGE, EVENTS)  # left out, in this order, when the grid is narrow

SAMPLE_HEAD: Final = 512
SAMPLE_TAIL: Final = 128
WIDEN_SAMPLE: Final = 64  # changed rows measured per poll for a wider code or number

T = TypeVar("T")


def sample(rows: Sequence[T]) -> Sequence[T]:
    """The rows column widths are measured on: the head and the tail."""
    if len(rows) <= SAMPLE_HEAD + SAMPLE_TAIL:
        return rows
    return [*rows[:SAMPLE_HEAD], *rows[-SAMPLE_TAIL:]]


@dataclass(frozen=True, slots=True)
class Columns:
    """The widths the cells asked for: fixed outcome, measured number, code and since."""

    outcome: int
    number: int = NUMBER_MIN
    code: int = CODE_MIN
    since: int = SINCE_MIN

    def widen(self, measured: Iterable[tuple[int, int, int]]) -> Columns:
        """Grown (number and code within their caps) to fit (number, code, since) widths."""
        number, code, since = self.number, self.code, self.since
        for n, c, s in measured:
            number = max(number, min(n, NUMBER_MAX))
            code = max(code, min(c, CODE_MAX))
            since = max(since, s)
        if (number, code, since) == (self.number, self.code, self.since):
            return self
        return replace(self, number=number, code=code, since=since)

    def needed(self, hidden: frozenset[int] = frozenset()) -> int:
        """Cells a line needs with `hidden` columns left out (code and message at minimum)."""
        widths = (self.number, self.outcome, CODE_MIN, MESSAGE_MIN, EVENTS_WIDTH, self.since)
        shown = [w for column, w in enumerate(widths) if column not in hidden]
        return sum(shown) + len(shown) * GAP + 1

    @property
    def min_width(self) -> int:
        """The narrowest line: number, outcome, code and since always fit."""
        return _min_width(self)

    def hidden(self, total: int) -> frozenset[int]:
        """Columns dropped so a line `total` cells wide still shows the others whole."""
        hidden: frozenset[int] = frozenset()
        for column in DROP_ORDER:
            if self.needed(hidden) <= total:
                break
            hidden |= {column}
        return hidden

    def widths(self, total: int) -> tuple[int, ...]:
        """Column widths (0: dropped) for a line `total` cells wide; code and message
        share what the others leave, the message first (see `_share`)."""
        return _widths(self, total)


@lru_cache(maxsize=16)
def _min_width(columns: Columns) -> int:
    """Cached: every drawn line asks."""
    return columns.needed(frozenset(DROP_ORDER))


@lru_cache(maxsize=64)
def _widths(columns: Columns, total: int) -> tuple[int, ...]:
    """Cached: every drawn row asks, and the answer changes only with a resize or a widening."""
    hidden = columns.hidden(total)
    rest = total - columns.needed(hidden) + CODE_MIN
    message = 0
    if MESSAGE not in hidden:
        rest += MESSAGE_MIN
        code = _share(columns.code, rest)
        message = rest - code
    else:
        code = max(CODE_MIN, min(columns.code, rest))
    return (
        columns.number,
        columns.outcome,
        code,
        message,
        0 if EVENTS in hidden else EVENTS_WIDTH,
        columns.since,
    )


def _share(code: int, rest: int) -> int:
    """The code's part of `rest` cells shared with the message.

    The carrier's words say more than a code name cut short, so the code gets its
    measured width only once the message has `MESSAGE_WANT` cells; before that it gets
    `CODE_FAIR` (the code and a short name) and the message all the rest.
    """
    fair = min(CODE_FAIR, rest - MESSAGE_MIN)
    return min(code, max(CODE_MIN, fair, rest - MESSAGE_WANT))
