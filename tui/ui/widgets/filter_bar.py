"""The filter bar over the grid: outcome chips with counts, the code filter, the sort.

What the grid shows is never a hidden mode: the chip `f`/`F` moved to is lit, a code
filter set from the breakdown is a chip of its own (`×` clears it) and a sort other than
the carrier's order is named. Chips are clickable too. The bar draws what it is handed
(counts from the send's read, filters and sort from the grid) and repaints only when that
changed.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import ClassVar, Final, Literal

from rich.cells import cell_len
from textual import events
from textual.content import Content
from textual.message import Message
from textual.widget import Widget

from tui.core.api.codes import Outcome
from tui.core.api.model import OutcomeCounts
from tui.core.breakdown import code_name
from tui.core.glyphs import OUTCOME_SYMBOL
from tui.ui.widgets.grid.rows import FILTER_CYCLE, Codes
from tui.ui.widgets.grid.sorting import UNSORTED, Sort

__all__ = ["CLEAR_CODES", "BarState", "Chip", "FilterBar", "Target", "chips"]

CLEAR_CODES: Final = "clear-codes"
Target = Outcome | None | Literal["clear-codes"]
"""What a click on a chip does: show that outcome (None: all), or drop the code filter."""

OUTCOME_STYLE: Final = {
    Outcome.DELIVERED: "$text-success",
    Outcome.FAILED: "$text-error",
    Outcome.PENDING: "$text-warning",
    Outcome.UNKNOWN: "$foreground-muted",
}
MUTED: Final = "$foreground-muted"
GAP: Final = " "


@dataclass(frozen=True, slots=True)
class BarState:
    """Everything the bar shows; equal states draw alike."""

    counts: OutcomeCounts | None = None
    """The read's outcome counts (None: no data yet)."""
    outcome: Outcome | None = None
    codes: Codes | None = None
    sort: Sort = UNSORTED


@dataclass(frozen=True, slots=True)
class Chip:
    text: str
    style: str
    target: Target = None
    clickable: bool = True
    """False: a note (the sort), not a filter."""


def _outcome_chip(state: BarState, outcome: Outcome | None, long: bool) -> Chip:
    counts = state.counts
    n = 0 if counts is None else counts.total if outcome is None else counts.of(outcome)
    if outcome is None:
        text, style = f"All {n:,}", ""
    else:
        symbol = OUTCOME_SYMBOL[outcome]
        text = f"{symbol} {outcome.value} {n:,}" if long else f"{symbol} {n:,}"
        style = OUTCOME_STYLE[outcome]
    if outcome == state.outcome:
        return Chip(f" {text} ", f"bold reverse {style}".strip(), outcome)
    if n == 0:
        style = MUTED
    return Chip(f" {text} ", style, outcome)


def _layout(state: BarState, long: bool, long_codes: bool) -> list[Chip]:
    laid = [_outcome_chip(state, outcome, long) for outcome in FILTER_CYCLE]
    if state.codes is not None:
        names = sorted(code_name(c) for c in state.codes)
        text = ", ".join(names) if long_codes else ", ".join(n.split()[0] for n in names)
        laid.append(Chip(f" code {text} × ", "bold reverse $text-accent", CLEAR_CODES))
    if state.sort.active:
        note = f"sort {state.sort.describe()}" if long else state.sort.describe()
        laid.append(Chip(note, MUTED, clickable=False))
    return laid


def width_of(laid: Sequence[Chip]) -> int:
    return sum(cell_len(c.text) for c in laid) + len(GAP) * max(len(laid) - 1, 0)


def chips(state: BarState, width: int) -> list[Chip]:
    """The chips, with outcome words and code names when they fit in `width`, else without
    the code's name, else short (symbol and count). Longer than that is cut where drawn."""
    for long, long_codes in ((True, True), (True, False)):
        laid = _layout(state, long, long_codes)
        if width_of(laid) <= width:
            return laid
    return _layout(state, long=False, long_codes=False)


class FilterBar(Widget):
    """One line of chips; clicking a chip asks for its filter (`ChipClicked`)."""

    DEFAULT_CSS: ClassVar[str] = """
    FilterBar {
        height: 1;
        width: 1fr;
        text-wrap: nowrap;
        text-overflow: ellipsis;
    }
    """

    class ChipClicked(Message):
        """A chip was clicked: show its outcome (None: all), or drop the code filter."""

        def __init__(self, target: Target) -> None:
            super().__init__()
            self.target = target

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.state = BarState()
        self._laid: list[Chip] = []

    def show(self, state: BarState) -> None:
        """Draw `state`; nothing is repainted when it is what the bar already shows."""
        if state != self.state:
            self.state = state
            self.refresh()

    def render(self) -> Content:
        self._laid = chips(self.state, self.content_size.width)
        return Content(GAP).join(Content.styled(c.text, c.style) for c in self._laid)

    def on_click(self, event: events.Click) -> None:
        offset = event.get_content_offset(self)
        if offset is None:
            return
        x = 0
        for chip in self._laid:
            end = x + cell_len(chip.text)
            if x <= offset.x < end and chip.clickable:
                self.post_message(self.ChipClicked(chip.target))
                return
            x = end + len(GAP)
