"""The search line under the grid: `/` opens it, what is typed is matched at once, the
count says where the cursor is among the matches, ⏎ goes back to the grid, Esc clears.

Hidden (no room taken) until `/`. Letters are query text here, so n/N belong to the
grid; on the line ↓/↑ move between matches instead.
"""

from __future__ import annotations

from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal
from textual.content import Content
from textual.widgets import Input, Static

from tui.ui.widgets.search_grid import SearchGrid

PLACEHOLDER = "number, code (4503) or name (Rejected)"


class SearchBar(Horizontal):
    """The line a grid search is typed in (a `SearchLine` for its `SearchGrid`)."""

    HELP_TITLE: ClassVar[str] = "Search line"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("down", "step(True)", "Next match", tooltip="Next match", id="search.next"),
        Binding(
            "up", "step(False)", "Previous match", tooltip="Previous match", id="search.previous"
        ),
        Binding(
            "escape",
            "cancel",
            "Clear",
            tooltip="Clear the search and close the line",
            id="search.cancel",
        ),
    ]
    DEFAULT_CSS = """
    SearchBar {
        height: 1;
        display: none;
        background: $panel;
        & > #search-prompt { width: 2; color: $text-accent; text-style: bold; }
        & > Input { width: 1fr; height: 1; border: none; padding: 0; background: $panel; }
        & > #search-status { width: auto; min-width: 8; padding: 0 1; color: $text-muted; }
    }
    SearchBar.-open { display: block; }
    """

    def __init__(self, grid: SearchGrid, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.grid = grid
        grid.search_line = self

    def compose(self) -> ComposeResult:
        yield Static(Content("/"), id="search-prompt")
        yield Input(placeholder=PLACEHOLDER, id="search-input", compact=True)
        yield Static(Content(), id="search-status")

    @property
    def input(self) -> Input:
        return self.query_one(Input)

    # ---- SearchLine ----------------------------------------------------------------
    def open(self, query: str) -> None:
        self.add_class("-open")
        field = self.input
        if field.value != query:
            field.value = query  # (its Changed message runs the search again)
        field.focus()
        field.select_all()

    def close(self) -> None:
        self.remove_class("-open")
        field = self.input
        with field.prevent(Input.Changed):
            field.value = ""
        self.show_status("")

    def show_status(self, text: str) -> None:
        self.query_one("#search-status", Static).update(Content(text))

    # ---- what the user does on the line ------------------------------------------------
    @on(Input.Changed, "#search-input")
    def _changed(self, event: Input.Changed) -> None:
        event.stop()
        if self.has_class("-open"):
            self.grid.search_for(event.value)

    @on(Input.Submitted, "#search-input")
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.grid.confirm_search()

    def action_step(self, forward: bool) -> None:
        self.grid.step_match(forward)

    def action_cancel(self) -> None:
        self.grid.clear_search()
