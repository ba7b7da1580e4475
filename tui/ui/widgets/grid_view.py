"""The keys that choose what the grid shows: which outcome (f/F) and in which order (s/S).

Beside the grid rather than in it, like `navigation.py`'s cursor keys: the grid only says
what it shows (`rows`) and takes a new filter or sort (`set_filter`, `set_sort`). The filter
bar above the grid shows both, so nothing here is a hidden mode.
"""

from __future__ import annotations

from textual.binding import Binding

from tui.core.api.codes import Outcome
from tui.ui.widgets.grid.rows import Codes, Rows, next_filter
from tui.ui.widgets.grid.sorting import Sort

__all__ = ["ViewKeys", "view_bindings"]


def view_bindings() -> list[Binding]:
    """f/F step the outcome chips, s/S the sort column and its direction."""
    return [
        Binding(
            "f",
            "cycle_filter",
            "Filter",
            tooltip="Next outcome chip: failed, pending, delivered, unknown, then all",
            id="grid.filter",
        ),
        Binding(
            "F",
            "cycle_filter(-1)",
            "Filter back",
            show=False,
            tooltip="Previous outcome chip",
            id="grid.filter_back",
        ),
        Binding(
            "s",
            "cycle_sort",
            "Sort",
            tooltip="Sort by the next column (▲ in its header), then the carrier's order",
            id="grid.sort",
        ),
        Binding(
            "S",
            "cycle_sort(True)",
            "Sort ▲▼",
            show=False,
            tooltip="Flip the sort direction (▲ ascending, ▼ descending)",
            id="grid.sort_flip",
        ),
    ]


class ViewKeys:
    """The actions behind `view_bindings`, for a grid that says what it shows."""

    @property
    def rows(self) -> Rows:
        raise NotImplementedError

    def set_filter(self, outcome: Outcome | None, codes: Codes | None = None) -> None:
        raise NotImplementedError

    def set_sort(self, sort: Sort) -> None:
        raise NotImplementedError

    def action_cycle_filter(self, step: int = 1) -> None:
        """The next (or previous) outcome chip; a code filter gives way to it."""
        self.set_filter(next_filter(self.rows.outcome, step))

    def action_cycle_sort(self, flip: bool = False) -> None:
        sort = self.rows.sort
        self.set_sort(sort.flipped() if flip else sort.next_column())
