"""A search's matches drawn over the grid's rows: the matched digits or code words lit.

Drawn on the rows on screen only, after the row's strip comes out of the grid's cache, so
a new search repaints without rebuilding a single row. Spans are worked out from what the
cell shows: with numbers masked the whole number cell is lit, since the matched digits
may be the hidden ones.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from rich.cells import cell_len
from rich.segment import Segment
from rich.style import Style
from textual.strip import Strip

from tui.core.api.model import Recipient
from tui.core.search import Matches, QueryKind, digits_span
from tui.core.text import safe_text
from tui.ui.widgets.grid.cells import code_text
from tui.ui.widgets.grid.columns import CODE, GAP, NUMBER

__all__ = ["MatchMarks", "cell_starts", "light", "spans"]

Mask = Callable[[str], str]
"""How numbers are drawn now (None: as they are)."""

Span = tuple[int, int]
"""(first cell, cells) on the line."""


def cell_starts(widths: Sequence[int]) -> list[int]:
    """Where each column's text starts on a line (a dropped column: where it would)."""
    starts, x = [], 0
    for width in widths:
        starts.append(x + GAP)
        if width:
            x += GAP + width
    return starts


def _within(text: str, start: int, end: int, width: int) -> Span | None:
    """`text[start:end]` as (offset, cells) in a cell `width` wide (cut texts end in …)."""
    offset = cell_len(text[:start])
    cells = cell_len(text[start:end])
    if cell_len(text) > width:  # drawn cut, with an ellipsis in its last cell
        cells = min(cells, width - 1 - offset)
    return (offset, cells) if cells > 0 else None


def _number_span(recipient: Recipient, digits: str, width: int, mask: Mask | None) -> Span | None:
    number = recipient.mobile_number
    shown = safe_text(number if mask is None else mask(number))
    found = None if shown != number else digits_span(number, digits)
    if found is None:  # the digits are hidden (or drawn otherwise): light the whole cell
        return (0, min(cell_len(shown), width)) if width else None
    return _within(number, found[0], found[1], width)


def _code_span(recipient: Recipient, matches: Matches, width: int) -> Span | None:
    text = safe_text(code_text(recipient))
    query = matches.query
    needle = query.words if query.kind is QueryKind.TEXT else query.digits
    at = text.casefold().find(needle) if needle else -1
    if at < 0 or len(text.casefold()) != len(text):
        return (0, min(cell_len(text), width)) if width else None
    return _within(text, at, at + len(needle), width)


def spans(
    recipient: Recipient, row: int, matches: Matches, widths: Sequence[int], mask: Mask | None
) -> list[Span]:
    """The cells to light on `row`'s line: in its number cell, its code cell, or both."""
    starts = cell_starts(widths)
    lit: list[Span] = []
    if row in matches.by_number and widths[NUMBER]:
        found = _number_span(recipient, matches.query.digits, widths[NUMBER], mask)
        if found is not None:
            lit.append((starts[NUMBER] + found[0], found[1]))
    if row in matches.by_code and widths[CODE]:
        found = _code_span(recipient, matches, widths[CODE])
        if found is not None:
            lit.append((starts[CODE] + found[0], found[1]))
    return lit


def light(strip: Strip, lit: Sequence[Span], style: Style) -> Strip:
    """`strip` with `style` laid over the `lit` cells."""
    for start, cells in lit:
        total = strip.cell_length
        end = min(start + cells, total)
        if start >= end:
            continue
        head, middle, tail = strip.divide([start, end, total])
        middle = Strip(Segment.apply_style(list(middle), post_style=style), middle.cell_length)
        strip = Strip.join([head, middle, tail])
    return strip


@dataclass(frozen=True, slots=True)
class MatchMarks:
    """A search's matches and the style they are lit with."""

    matches: Matches
    style: Style

    def draw(
        self,
        strip: Strip,
        recipient: Recipient,
        row: int,
        widths: Sequence[int],
        *,
        mask: Mask | None,
        scroll_x: int = 0,
    ) -> Strip:
        """`strip` (a whole row's line, scrolled by `scroll_x`) with its matches lit."""
        if row not in self.matches.by_number and row not in self.matches.by_code:
            return strip
        lit = [(x - scroll_x, n) for x, n in spans(recipient, row, self.matches, widths, mask)]
        visible = [(max(0, x), n - max(0, -x)) for x, n in lit if x + n > 0]
        return light(strip, visible, self.style)
