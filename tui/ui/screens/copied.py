"""What a copy sent, shown whatever the route: OSC 52 can be dropped without a word.

The text sits in a read-only TextArea, so it can be scrolled and selected here, and
selected by the terminal itself (shift+drag in most) when the clipboard never got it.
"""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.widgets import Footer, Static, TextArea

from tui.ui.clipboard import COPY_LIMIT, Copied
from tui.ui.screens.dialog import Dialog

__all__ = ["CopiedScreen", "route_words"]

_SENT = {
    "osc52": 'Sent by OSC 52 (clipboard = "osc52").',
    "tmux": "Sent by OSC 52 through tmux's passthrough "
    '(clipboard = "tmux"; needs tmux\'s allow-passthrough on).',
}
_NOT_SENT = {
    "off": 'Not sent to the clipboard: clipboard = "off" in config.toml.',
    "tmux": 'Not sent: clipboard = "tmux", but there is no terminal to write to.',
}
SELECT = "select the text below with your terminal (shift+drag in most)"
DROPPED = (
    f"Terminals, SSH and tmux may drop OSC 52 silently: if your clipboard did not change, {SELECT}."
)


def route_words(copied: Copied) -> str:
    """Which route was used and what that means, in a sentence or three."""
    if not copied.sent:
        words = _NOT_SENT.get(copied.route, "Not sent.")
        return f"{words} {SELECT.capitalize()}."
    words = f"{_SENT[copied.route]} {DROPPED}"
    if copied.full_bytes is not None:
        words += (
            f"\nCut to the first {COPY_LIMIT:,} bytes (what OSC 52 carries reliably); "
            f"the whole text was {copied.full_bytes:,} bytes."
        )
    return words


class CopiedScreen(Dialog[None]):
    """Shows `copied`: what it is, how it was sent, and the text itself. Esc closes."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "close", "Close", id="copied.close"),
        Binding("q", "close", "Close", show=False, id="copied.close_q"),
    ]

    DEFAULT_CSS = """
    CopiedScreen > #copied-dialog {
        width: 100;
    }
    CopiedScreen #copied-route {
        color: $text-muted;
        margin-bottom: 1;
    }
    CopiedScreen #copied-text {
        height: auto;
        max-height: 70vh;
    }
    """

    def __init__(
        self,
        copied: Copied,
        *,
        name: str | None = None,
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self.copied = copied

    def compose(self) -> ComposeResult:
        verb = "Copied" if self.copied.sent else "Not copied"
        with Vertical(id="copied-dialog", classes="dialog") as dialog:
            dialog.border_title = Text(f"{verb}: {self.copied.what}")
            yield Static(Text(route_words(self.copied)), id="copied-route")
            yield TextArea(self.copied.text, read_only=True, soft_wrap=True, id="copied-text")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one(TextArea).focus()

    def action_close(self) -> None:
        self.dismiss(None)
