"""Finding recipients in a send: by a number's digits, a status code, or a code's name.

A query is read the way a support engineer types it: digits (with `+`, spaces, dashes,
dots or brackets as pasted from a ticket) match numbers by substring, whatever separators
the number itself has; exactly four digits (`4503`) also match that status code; anything
with letters (`Rejected`, `4503 rej`) matches the status code column's text, case aside.

The search always runs on the real numbers, never on what a mask shows. An index is built
once per data (a digits-only key per number, a small id per status text) so a keystroke
over 100,000 recipients is one pass of `in` tests, not a rebuild.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Sequence
from dataclasses import dataclass, field
from enum import Enum
from typing import Final

from tui.core.api.model import Recipient

__all__ = [
    "Index",
    "Matches",
    "Query",
    "QueryKind",
    "digits_key",
    "digits_span",
    "parse",
]

_NON_DIGITS: Final = re.compile(r"\D")
_NUMBER_CHARS: Final = re.compile(r"[\d\s+\-.()/]+")
CODE_DIGITS: Final = 4
"""Status codes have four digits: a query of exactly four is also a code."""


class QueryKind(Enum):
    EMPTY = "empty"
    NUMBER = "number"
    """Digits only (as typed, separators aside): numbers by substring."""
    NUMBER_OR_CODE = "number or code"
    """Exactly four digits: numbers containing them, and recipients with that code."""
    TEXT = "text"
    """Letters: the status code column's text (code and name), case aside."""


@dataclass(frozen=True, slots=True)
class Query:
    text: str
    """What was typed, trimmed."""
    kind: QueryKind
    digits: str = ""
    """The digits of a number query."""
    words: str = ""
    """A text query, casefolded."""

    @property
    def code(self) -> int | None:
        """The status code a four-digit query names."""
        return int(self.digits) if self.kind is QueryKind.NUMBER_OR_CODE else None


def parse(text: str) -> Query:
    """How a typed query is read (see the module's docstring)."""
    text = text.strip()
    if not text:
        return Query(text, QueryKind.EMPTY)
    if _NUMBER_CHARS.fullmatch(text) and any(c.isdigit() for c in text):
        digits = digits_key(text)
        if not digits:  # digits of other scripts: not a phone number anyone types
            return Query(text, QueryKind.TEXT, words=text.casefold())
        four = len(digits) == CODE_DIGITS and text.isdigit()
        return Query(text, QueryKind.NUMBER_OR_CODE if four else QueryKind.NUMBER, digits)
    return Query(text, QueryKind.TEXT, words=" ".join(text.casefold().split()))


def digits_key(number: str) -> str:
    """The ASCII digits of `number`, in order: what a number query is matched against."""
    if number.isascii() and number.isdigit():
        return number
    return _NON_DIGITS.sub("", number.encode("ascii", "ignore").decode())


def digits_span(number: str, digits: str) -> tuple[int, int] | None:
    """Where in `number` (characters, separators included) the first run of `digits`
    is, or None: what to highlight of a matched number."""
    if not digits:
        return None
    key = digits_key(number)
    found = key.find(digits)
    if found < 0:
        return None
    positions = [i for i, c in enumerate(number) if c.isascii() and c.isdigit()]
    return positions[found], positions[found + len(digits) - 1] + 1


@dataclass(frozen=True, slots=True)
class Matches:
    """The rows a query matched, sorted; which matched by number and which by code."""

    query: Query
    rows: Sequence[int] = ()
    by_number: frozenset[int] = frozenset()
    by_code: frozenset[int] = frozenset()

    def __len__(self) -> int:
        return len(self.rows)

    def position(self, row: int) -> int | None:
        """The match's place (0-based) when `row` is one, else None."""
        at = bisect_left(self.rows, row)
        return at if at < len(self.rows) and self.rows[at] == row else None

    def step(self, row: int, forward: bool = True) -> int | None:
        """The next match after `row` (or before it), wrapping around; None when none."""
        if not self.rows:
            return None
        if forward:
            at = bisect_right(self.rows, row)
            return self.rows[at % len(self.rows)]
        at = bisect_left(self.rows, row) - 1
        return self.rows[at]  # -1 wraps to the last

    def first_from(self, row: int) -> int | None:
        """The first match at `row` or after it, wrapping around: where typing jumps."""
        if not self.rows:
            return None
        at = bisect_left(self.rows, row)
        return self.rows[at % len(self.rows)]


@dataclass(slots=True)
class Index:
    """What a query is matched against, built once per list of recipients."""

    source: Sequence[Recipient]
    keys: list[str] = field(default_factory=list)
    """Each row's digits-only number."""
    word_ids: list[int] = field(default_factory=list)
    """Each row's status text, as an index into `words`."""
    words: list[str] = field(default_factory=list)
    """The distinct status texts, casefolded (a few dozen, whatever the row count)."""
    codes: list[int | None] = field(default_factory=list)

    @classmethod
    def of(cls, recipients: Sequence[Recipient]) -> Index:
        keys = [digits_key(r.mobile_number) for r in recipients]
        codes = [r.outcome_code for r in recipients]
        ids: dict[object, int] = {}
        words: list[str] = []
        word_ids: list[int] = []
        for recipient, code in zip(recipients, codes, strict=True):
            # A standard code names itself; an old-shape entry's label is its own.
            key: object = code if code is not None else ("label", recipient.code_words)
            n = ids.get(key)
            if n is None:
                n = ids[key] = len(words)
                words.append(recipient.code_words.casefold())
            word_ids.append(n)
        return cls(recipients, keys, word_ids, words, codes)

    def __len__(self) -> int:
        return len(self.keys)

    def find(self, query: Query | str) -> Matches:
        """The rows `query` matches, in row order."""
        if isinstance(query, str):
            query = parse(query)
        if query.kind is QueryKind.EMPTY:
            return Matches(query)
        if query.kind is QueryKind.TEXT:
            wanted = {n for n, text in enumerate(self.words) if query.words in text}
            rows = [i for i, n in enumerate(self.word_ids) if n in wanted] if wanted else []
            return Matches(query, rows, by_code=frozenset(rows))
        digits = query.digits
        numbers = [i for i, key in enumerate(self.keys) if digits in key]
        code = query.code
        if code is None:
            return Matches(query, numbers, by_number=frozenset(numbers))
        coded = [i for i, c in enumerate(self.codes) if c == code]
        rows = sorted(set(numbers).union(coded)) if coded else numbers
        return Matches(query, rows, frozenset(numbers), frozenset(coded))
