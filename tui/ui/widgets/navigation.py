"""The keys that move a cursor through a list, the same in every list of the monitor.

Each list names its things ("send"/"sends"); the keys, actions and help words follow,
and each binding gets an id under the list's scope (`sidebar.down`, `grid.first`…) so
`[keymap]` can remap it.
"""

from __future__ import annotations

from textual.binding import Binding


def cursor_bindings(scope: str, one: str, many: str) -> list[Binding]:
    """up/down (and k/j), a page up/down, first/last (home/g, end/G)."""
    keys = (
        ("up,k", "cursor_up", "Up", f"Previous {one}", "up"),
        ("down,j", "cursor_down", "Down", f"Next {one}", "down"),
        ("pageup", "cursor_page_up", "Page up", f"A page of {many} up", "page_up"),
        ("pagedown", "cursor_page_down", "Page down", f"A page of {many} down", "page_down"),
        ("home,g", "cursor_first", "First", f"First {one}", "first"),
        ("end,G", "cursor_last", "Last", f"Last {one}", "last"),
    )
    return [
        Binding(key, action, words, show=False, tooltip=tip, id=f"{scope}.{name}")
        for key, action, words, tip, name in keys
    ]


class CursorKeys:
    """The actions behind `cursor_bindings`, for a list that says where its cursor is."""

    def cursor_at(self) -> tuple[int, int, int] | None:
        """(cursor index, how many items, items in a page); None when the list is empty."""
        raise NotImplementedError

    def go_to(self, index: int) -> None:
        """Move the cursor to `index`, clamped, as the user asked."""
        raise NotImplementedError

    def _step(self, delta: int, pages: int = 0) -> None:
        where = self.cursor_at()
        if where is not None:
            index, _, page = where
            self.go_to(index + delta + pages * page)

    def action_cursor_up(self) -> None:
        self._step(-1)

    def action_cursor_down(self) -> None:
        self._step(1)

    def action_cursor_page_up(self) -> None:
        self._step(0, -1)

    def action_cursor_page_down(self) -> None:
        self._step(0, 1)

    def action_cursor_first(self) -> None:
        if self.cursor_at() is not None:
            self.go_to(0)

    def action_cursor_last(self) -> None:
        where = self.cursor_at()
        if where is not None:
            self.go_to(where[1] - 1)
