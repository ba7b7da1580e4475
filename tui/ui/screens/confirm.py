"""A yes/no question. The safe answer has the focus, so a stray Enter never destroys."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Static

from tui.core.text import safe_text
from tui.ui.screens.dialog import Dialog
from tui.ui.widgets.footer import SteadyFooter

__all__ = ["ConfirmScreen"]


class ConfirmScreen(Dialog[bool]):
    """Ask `question`; dismisses with True for `yes`, False for `no`.

    `y` answers yes and `n`/Esc no from anywhere; Enter presses the focused button,
    which starts on `no`. The question and detail are shown as literal text.
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("y", "answer(True)", "Yes", id="confirm.yes"),
        Binding("n", "answer(False)", "No", id="confirm.no"),
        Binding("escape", "cancel", "Cancel", id="confirm.cancel"),
        Binding("left", "app.focus_previous", "Previous", show=False, id="confirm.left"),
        Binding("right", "app.focus_next", "Next", show=False, id="confirm.right"),
    ]

    DEFAULT_CSS = """
    ConfirmScreen > #confirm-dialog {
        width: 60;
        border: round $warning;
        padding: 1 2 0 2;
    }
    ConfirmScreen #confirm-question {
        text-style: bold;
    }
    ConfirmScreen #confirm-detail {
        color: $text-muted;
        margin-top: 1;
    }
    ConfirmScreen #confirm-buttons {
        height: auto;
        margin-top: 1;
        align-horizontal: right;
    }
    ConfirmScreen #confirm-buttons > Button {
        margin-left: 2;
    }
    """

    def __init__(
        self,
        question: str,
        detail: str = "",
        yes: str = "Remove",
        no: str = "Cancel",
        *,
        name: str | None = None,
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self.question = question
        self.detail = detail
        self.yes_label = yes
        self.no_label = no

    def compose(self) -> ComposeResult:
        with Vertical(id="confirm-dialog", classes="dialog"):
            yield Static(Text(safe_text(self.question)), id="confirm-question")
            if self.detail:
                lines = (safe_text(line) for line in self.detail.splitlines())
                yield Static(Text("\n".join(lines)), id="confirm-detail")
            with Horizontal(id="confirm-buttons"):
                yield Button(
                    Text(f"{safe_text(self.yes_label)} (y)"),
                    variant="error",
                    id="yes",
                    compact=True,
                )
                yield Button(Text(f"{safe_text(self.no_label)} (n)"), id="no", compact=True)
        yield SteadyFooter()

    def on_mount(self) -> None:
        self.query_one("#no", Button).focus()

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.dismiss(event.button.id == "yes")

    def action_answer(self, yes: bool) -> None:
        self.dismiss(yes)

    def action_cancel(self) -> None:
        self.dismiss(False)
