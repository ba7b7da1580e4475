"""The frame every modal dialog shares: centred, bordered, at most the terminal's size."""

from __future__ import annotations

from typing import TypeVar

from textual import events, on
from textual.screen import ModalScreen
from textual.widgets import Input

ResultT = TypeVar("ResultT")


class Dialog(ModalScreen[ResultT]):
    """A modal screen whose content sits in one container with the class `dialog`."""

    DEFAULT_CSS = """
    Dialog {
        align: center middle;
    }
    Dialog > .dialog {
        width: 76;
        max-width: 100%;
        height: auto;
        max-height: 100%;
        border: round $primary;
        border-title-color: $text;
        border-title-style: bold;
        background: $panel;
        padding: 0 1;
    }
    """

    @on(events.Mount)
    def _still_cursor(self) -> None:
        """`--plain` turns animation off: the text cursor stops blinking too."""
        if self.app.animation_level == "none":
            for field in self.query(Input):
                field.cursor_blink = False
