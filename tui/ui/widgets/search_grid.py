"""The recipient grid with search: `/` opens the search line, n/N move between matches,
Esc clears, and the matched digits or code words are lit on the rows on screen.

A subclass, so the grid itself stays a plain Line-API view: matching is `core.search`'s
(an index built once per data, queried per keystroke), drawing the matches is
`grid.marks`'s, and the line the user types in is `SearchBar` (search_bar.py), handed
to the grid as a `SearchLine`. Matching always runs on the real numbers; the marks follow
the mask (a masked number lights its whole cell).
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from datetime import datetime
from typing import Any, ClassVar, Protocol

from textual import on
from textual.actions import SkipAction
from textual.binding import Binding, BindingType
from textual.strip import Strip

from tui.core.api.model import Recipient
from tui.core.search import Index, Matches, parse
from tui.ui.widgets.grid.marks import MatchMarks
from tui.ui.widgets.recipient_grid import RecipientGrid
from tui.ui.widgets.styles import layer_style

__all__ = ["SearchGrid", "SearchLine", "search_bindings", "status_text"]

MATCH_CLASS = "search-grid--match"


class SearchLine(Protocol):
    """Where the query is typed and the count shown (the grid never composes it)."""

    def open(self, query: str) -> None: ...

    def close(self) -> None: ...

    def show_status(self, text: str) -> None: ...


def search_bindings(scope: str = "grid") -> list[Binding]:
    return [
        Binding(
            "slash",
            "search",
            "Find",
            key_display="/",
            tooltip="Find: a number (+ - spaces ok), a code (4503), a name (Rejected)",
            id=f"{scope}.search",
        ),
        *(
            Binding(key, action, words, show=False, tooltip=words, id=f"{scope}.{name}")
            for key, action, words, name in (
                ("n", "next_match", "Next match", "next_match"),
                ("N", "previous_match", "Previous match", "previous_match"),
                ("escape", "clear_search", "Clear the search", "clear_search"),
            )
        ),
    ]


def status_text(matches: Matches | None, cursor: int) -> str:
    """`3 of 12`, `12 matches` (the cursor is elsewhere), `no match`, or nothing."""
    if matches is None or not matches.query.text:
        return ""
    count = len(matches)
    if not count:
        return "no match"
    at = matches.position(cursor)
    if at is None:
        return f"{count:,} match{'es' if count > 1 else ''}"
    return f"{at + 1:,} of {count:,}"


class SearchGrid(RecipientGrid):
    """The grid, searchable (see the module's docstring)."""

    HELP_TITLE: ClassVar[str] = "Search (grid)"
    BINDINGS: ClassVar[list[BindingType]] = list(search_bindings())
    COMPONENT_CLASSES: ClassVar[set[str]] = {MATCH_CLASS}
    DEFAULT_CSS = """
    SearchGrid > .search-grid--match {
        background: $accent 45%;
        color: $foreground;
        text-style: bold underline;
    }
    """

    def __init__(self, **grid_options: Any) -> None:
        """Takes what `RecipientGrid` takes."""
        super().__init__(**grid_options)
        self.search_line: SearchLine | None = None
        self._query = ""
        self._index: Index | None = None
        self._matches: Matches | None = None
        self._marks: MatchMarks | None = None
        self._origin = 0
        self._following = False

    # ---- what the search line and the palette call -----------------------------------
    @property
    def matches(self) -> Matches | None:
        """The current search's matches (None: no search)."""
        return self._matches

    def search_for(self, text: str) -> None:
        """Match `text` now; the cursor goes to the first match from where `/` was pressed."""
        self._query = text
        self._rematch()
        matches = self._matches
        target = matches.first_from(self._origin) if matches is not None else None
        if target is not None:
            self.go_to(target)
        self._show_status()

    def confirm_search(self) -> None:
        """⏎ on the line: back to the grid, on a match (the one typing went to)."""
        matches = self._matches
        if matches is not None and matches.position(self.cursor_row) is None:
            target = matches.first_from(self.cursor_row)
            if target is not None:
                self.go_to(target)
        self.focus()
        self._show_status()

    def step_match(self, forward: bool = True) -> None:
        self._follow()
        matches = self._matches
        if matches is None:
            self.notify("No search: press / to find a number, a code or a name", timeout=3)
            return
        target = matches.step(self.cursor_row, forward)
        if target is None:
            self.notify(f"No match for {matches.query.text!r}", timeout=3, markup=False)
            return
        self.go_to(target)
        self._show_status()

    def clear_search(self) -> None:
        self._query = ""
        self._index = self._matches = self._marks = None
        if self.search_line is not None:
            self.search_line.close()
        self.focus()
        self.refresh()

    # ---- keys ------------------------------------------------------------------------
    def action_search(self) -> None:
        self._origin = self.cursor_row
        if self.search_line is not None:
            self.search_line.open(self._query)

    def action_next_match(self) -> None:
        self.step_match(True)

    def action_previous_match(self) -> None:
        self.step_match(False)

    def action_clear_search(self) -> None:
        if self._matches is None:
            raise SkipAction()  # Esc means nothing here: let it go on up
        self.clear_search()

    # ---- following the data ------------------------------------------------------------
    def set_data(
        self,
        recipients: Sequence[Recipient],
        since: Mapping[str, datetime] | None = None,
        changed: Collection[str] | None = None,
        in_place: bool = False,
        positions: Mapping[str, int] | None = None,
    ) -> None:
        super().set_data(recipients, since, changed, in_place, positions)
        self._follow()

    def _follow(self) -> None:
        """New rows (a poll, the filter, another send): the search runs on them."""
        self._following = False
        if self._matches is not None and (
            self._index is None or self._index.source is not self.rows.shown
        ):
            self._rematch()
            self._show_status()

    def _rematch(self) -> None:
        query = parse(self._query)
        if not query.text:
            self._matches = self._marks = None
            self.refresh()
            return
        shown = self.rows.shown
        if self._index is None or self._index.source is not shown:
            self._index = Index.of(shown)
        self._matches = self._index.find(query)
        self._marks = MatchMarks(self._matches, layer_style(self, MATCH_CLASS))
        self.refresh()

    @on(RecipientGrid.FilterChanged)
    def _view_changed(self) -> None:
        """The filter (or another view of the rows) changed: the search runs on it. (A
        message the grid posts itself, so a new filter signature needs nothing here.)"""
        self._follow()

    @on(RecipientGrid.CursorMoved)
    def _cursor_moved(self) -> None:
        if self._matches is not None:
            self._show_status()

    def _show_status(self) -> None:
        if self.search_line is not None:
            self.search_line.show_status(status_text(self._matches, self.cursor_row))

    def notify_style_update(self) -> None:
        super().notify_style_update()
        if self._marks is not None:
            self._marks = MatchMarks(self._marks.matches, layer_style(self, MATCH_CLASS))

    # ---- drawing -----------------------------------------------------------------------
    def render_line(self, y: int) -> Strip:
        strip = super().render_line(y)
        marks = self._marks
        if marks is None or y == 0:
            return strip
        index = self._index
        if index is not None and index.source is not self.rows.shown and not self._following:
            self._following = True  # rows changed by a path that does not tell us
            self.call_later(self._follow)
        row = y - 1 + self.scroll_offset.y
        recipient = self.recipient_at(row)
        if recipient is None:
            return strip
        # The widths and mask the line was just drawn with (the grid's own bookkeeping).
        widths = self._columns.widths(self._strips_width)
        return marks.draw(
            strip, recipient, row, widths, mask=self._mask, scroll_x=self.scroll_offset.x
        )
