"""The `?` screen: every key the caller hands in, grouped by where it works."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import ClassVar

from rich.cells import cell_len
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.widgets import Static

from tui.ui.keys import as_binding, describe, key_display, own_bindings
from tui.ui.screens.dialog import Dialog
from tui.ui.widgets.footer import SteadyFooter

__all__ = ["HelpScreen"]


class HelpScreen(Dialog[None]):
    """Lists `sections` — (title, bindings) pairs — as key and description; Esc/q/? close.

    Pass the bindings the way they are declared (e.g. `SomeWidget.BINDINGS`); a binding
    with several keys ("up,k") is shown once with all of them.
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "close", "Close", id="help.close"),
        Binding("q", "close", "Close", show=False, id="help.close_q"),
        Binding("question_mark", "close", "Close", show=False, id="help.close_question"),
    ]

    DEFAULT_CSS = """
    HelpScreen > #help-dialog {
        padding: 0;
    }
    HelpScreen #help-body {
        height: auto;
        max-height: 100%;
        padding: 0 1;
        background: $panel;
    }
    HelpScreen .help-section {
        padding-left: 2;
    }
    HelpScreen .help-title {
        text-style: bold;
        color: $primary;
        margin-top: 1;
    }
    HelpScreen #help-palette {
        color: $text-muted;
    }
    """

    def __init__(
        self,
        sections: Sequence[tuple[str, Sequence[BindingType]]],
        *,
        name: str | None = None,
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self.sections = [(title, [as_binding(b) for b in bs]) for title, bs in sections]

    def _rows(self, bindings: Iterable[Binding]) -> list[tuple[str, str]]:
        return [(key_display(self.app, b), describe(b)) for b in bindings]

    def _close_hint(self) -> str:
        keys = " or ".join(key_display(self.app, b) for b in own_bindings(type(self)))
        return f"{keys} closes this list; ↑ ↓ pgup pgdn scroll it."

    def compose(self) -> ComposeResult:
        with Vertical(id="help-dialog", classes="dialog") as dialog:
            dialog.border_title = Text("Keys")
            with VerticalScroll(id="help-body"):
                yield Static(Text(self._close_hint()), id="help-palette")
                for n, (title, bindings) in enumerate(self.sections):
                    yield Static(Text(title), classes="help-title", id=f"help-title-{n}")
                    rows = self._rows(bindings)
                    width = max((cell_len(key) for key, _ in rows), default=0)
                    body = Text(
                        "\n".join(
                            f"{key}{' ' * (width - cell_len(key))}  {desc}" for key, desc in rows
                        )
                        or "(no keys)"
                    )
                    yield Static(body, classes="help-section", id=f"help-section-{n}")
        yield SteadyFooter()

    def on_mount(self) -> None:
        self.query_one("#help-body", VerticalScroll).focus()

    def action_close(self) -> None:
        self.dismiss(None)
