"""A one-line text prompt (used to edit a send's label)."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.widgets import Input, Static

from tui.core.store.watchlist import MAX_LABEL
from tui.core.text import safe_text
from tui.ui.screens.dialog import Dialog
from tui.ui.widgets.footer import SteadyFooter

__all__ = ["TextPromptScreen"]


class TextPromptScreen(Dialog[str | None]):
    """Ask for one line of text; dismisses with it (spaces around it removed, possibly
    empty, which means "clear"), or None when cancelled with Esc."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "accept", "Save", priority=True, id="text_prompt.accept"),
        Binding("escape", "cancel", "Cancel", id="text_prompt.cancel"),
    ]

    DEFAULT_CSS = """
    TextPromptScreen > #prompt-dialog {
        width: 64;
    }
    TextPromptScreen #prompt-hint {
        color: $text-muted;
    }
    """

    def __init__(
        self,
        title: str,
        value: str = "",
        placeholder: str = "",
        max_length: int = MAX_LABEL,
        *,
        name: str | None = None,
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self.prompt_title = title
        self.initial_value = value
        self.placeholder = placeholder
        self.max_length = max_length

    def compose(self) -> ComposeResult:
        with Vertical(id="prompt-dialog", classes="dialog") as dialog:
            dialog.border_title = Text(safe_text(self.prompt_title))
            yield Input(
                value=safe_text(self.initial_value)[: self.max_length],
                placeholder=safe_text(self.placeholder),
                max_length=self.max_length,
                id="prompt-input",
            )
            hint = f"enter saves · esc cancels · at most {self.max_length} characters"
            yield Static(Text(hint), id="prompt-hint")
        yield SteadyFooter()

    def on_mount(self) -> None:
        self.query_one("#prompt-input", Input).focus()

    def action_accept(self) -> None:
        self.dismiss(self.query_one("#prompt-input", Input).value.strip())

    def action_cancel(self) -> None:
        self.dismiss(None)
