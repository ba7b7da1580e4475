"""Finding a number across every watched send: the palette's number hits and `sendwatch find`.

One line per match, the same in both: `15555550102 in Black Friday: ✗ 4501 Expired`. The
number is matched by digits (as `search.parse` reads a query); the line is built with a
caller's `show` for the number, so a mask hides it wherever it is shown.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Final

from tui.core.api.codes import Outcome, code_words, outcome_of
from tui.core.api.model import Recipient
from tui.core.glyphs import OUTCOME_SYMBOL
from tui.core.search import Index, Query, QueryKind, digits_key, parse

__all__ = ["MIN_DIGITS", "NumberFinder", "NumberHit", "hits_in_history", "number_query"]

MIN_DIGITS: Final = 3
"""Fewer digits than this match half of every send: not worth a list of hits."""


@dataclass(frozen=True, slots=True)
class NumberHit:
    number: str
    send_key: str
    send_name: str
    outcome: Outcome
    code: str
    """The status code column's words: `4501 Expired`."""
    seen: datetime | None = None
    """When sendwatch first saw this outcome (history hits only)."""

    def line(self, show: Callable[[str], str] = str) -> str:
        """`15555550102 in Black Friday: ✗ 4501 Expired`, the number as `show` draws it."""
        symbol = OUTCOME_SYMBOL[self.outcome]
        return f"{show(self.number)} in {self.send_name}: {symbol} {self.code}"


def number_query(text: str, min_digits: int = MIN_DIGITS) -> Query | None:
    """`text` as a number query, or None when it is not one (letters, too few digits)."""
    query = parse(text)
    if query.kind not in (QueryKind.NUMBER, QueryKind.NUMBER_OR_CODE):
        return None
    return query if len(query.digits) >= min_digits else None


def _hit(recipient: Recipient, key: str, name: str) -> NumberHit:
    return NumberHit(recipient.mobile_number, key, name, recipient.outcome, recipient.code_words)


class NumberFinder:
    """Number hits in sends' recipients; each send's index is kept while its data is."""

    def __init__(self, size: int = 16) -> None:
        self._indexes: OrderedDict[str, Index] = OrderedDict()
        self._size = size

    def index(self, key: str, recipients: Sequence[Recipient]) -> Index:
        """The index of `recipients`, built again only when the send has new data."""
        index = self._indexes.get(key)
        if index is None or index.source is not recipients:
            index = Index.of(recipients)
            self._indexes[key] = index
        self._indexes.move_to_end(key)
        while len(self._indexes) > self._size:
            self._indexes.popitem(last=False)
        return index

    def hits(
        self,
        query: Query,
        sends: Iterable[tuple[str, str, Sequence[Recipient]]],
        limit: int | None = None,
    ) -> list[NumberHit]:
        """Hits of a number query in (key, name, recipients) sends, in their order."""
        found: list[NumberHit] = []
        for key, name, recipients in sends:
            index = self.index(key, recipients)
            digits = query.digits
            for row, number_key in enumerate(index.keys):
                if digits in number_key:
                    found.append(_hit(recipients[row], key, name))
                    if limit is not None and len(found) >= limit:
                        return found
        return found


def _stored(text: str) -> tuple[Outcome, str]:
    """The history keeps codes as decimal text, old-shape labels verbatim, '' for none."""
    if text.isascii() and text.isdecimal():
        code = int(text)
        return outcome_of(code), code_words(code, text)
    return Outcome.UNKNOWN, text or "no status"


def hits_in_history(
    query: Query, key: str, name: str, current: Mapping[str, tuple[str, datetime]]
) -> list[NumberHit]:
    """Hits in a send as last seen (`History.current`: number → stored outcome, since)."""
    digits = query.digits
    hits = []
    for number, (text, seen) in current.items():
        if digits in digits_key(number):
            outcome, words = _stored(text)
            hits.append(NumberHit(number, key, name, outcome, words, seen))
    return hits
