"""The export dialog: format, whether to include every raw event, and where to write.

The path starts as the default (downloads folder or the current one, a name made of the
send's label, ids and the time); switching the format switches its extension.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Checkbox, Footer, Input, Label, RadioSet, Static

from tui.core.export import FORMATS, Format
from tui.core.text import safe_text
from tui.ui.screens.dialog import Dialog
from tui.ui.widgets.choice import ChoiceButton, TickBox

__all__ = ["ExportRequest", "ExportScreen"]


@dataclass(frozen=True, slots=True)
class ExportRequest:
    path: Path
    fmt: Format
    events: bool


class ExportScreen(Dialog[ExportRequest | None]):
    """Ask how to export; dismisses with an `ExportRequest`, or None (Esc)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "submit", "Export", id="export.submit"),
        Binding("escape", "cancel", "Cancel", id="export.cancel"),
    ]

    DEFAULT_CSS = """
    ExportScreen .export-row {
        height: auto;
    }
    ExportScreen .export-row > Label {
        width: 8;
        padding: 1 0 0 0;
    }
    ExportScreen #export-format {
        layout: horizontal;
        width: 1fr;
    }
    ExportScreen #export-format > RadioButton {
        width: auto;
        margin-right: 2;
    }
    ExportScreen #export-path {
        width: 1fr;
    }
    ExportScreen #export-what {
        color: $text-muted;
    }
    ExportScreen #export-buttons {
        height: auto;
        align-horizontal: right;
    }
    ExportScreen #export-buttons > Button {
        margin-left: 2;
    }
    """

    def __init__(
        self,
        path: Path,
        what: str,
        *,
        name: str | None = None,
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self.default_path = path
        self.what = what

    def compose(self) -> ComposeResult:
        with Vertical(id="export-dialog", classes="dialog") as dialog:
            dialog.border_title = Text("Export recipients")
            yield Static(Text(safe_text(self.what)), id="export-what")
            with Horizontal(classes="export-row"):
                yield Label("Format")
                with RadioSet(id="export-format"):
                    yield ChoiceButton("CSV", value=True, id="fmt-csv")
                    yield ChoiceButton("JSON", id="fmt-json")
            yield TickBox("Include every raw event", id="export-events")
            with Horizontal(classes="export-row"):
                yield Label("File")
                yield Input(str(self.default_path), id="export-path")
            yield Static(id="export-note")
            with Horizontal(id="export-buttons"):
                yield Button("Export (enter)", variant="primary", id="export", compact=True)
                yield Button("Cancel (esc)", id="cancel", compact=True)
        yield Footer()

    def on_mount(self) -> None:
        self._show_plan()
        self.query_one("#export-path", Input).focus()

    @property
    def fmt(self) -> Format:
        pressed = self.query_one("#export-format", RadioSet).pressed_button
        return FORMATS[1] if pressed is not None and pressed.id == "fmt-json" else FORMATS[0]

    @property
    def events(self) -> bool:
        return self.query_one("#export-events", Checkbox).value

    @property
    def path(self) -> Path:
        return Path(self.query_one("#export-path", Input).value.strip()).expanduser().absolute()

    @on(RadioSet.Changed, "#export-format")
    def _format_changed(self) -> None:
        field = self.query_one("#export-path", Input)
        path = Path(field.value)
        if path.suffix.lower() in (f".{f}" for f in FORMATS):
            field.value = str(path.with_suffix(f".{self.fmt}"))
        self._show_plan()

    @on(Checkbox.Changed, "#export-events")
    @on(Input.Changed, "#export-path")
    def _show_plan(self) -> None:
        """What Enter will write, in words (the radio and checkbox marks are colour to
        some terminals), and what the write would trip over: a folder, a file to replace."""
        if self.fmt == "json":
            plan = "JSON, every raw event listed" if self.events else "JSON, no raw events"
        else:
            plan = "CSV, one row per event" if self.events else "CSV, one row per recipient"
        path = self.path
        if path.is_dir():
            plan += " · that is a folder: add a file name"
        elif path.exists():
            plan += " · that file exists: it will be replaced"
        self.query_one("#export-note", Static).update(Text(f"Writes {plan}."))

    @on(Input.Submitted, "#export-path")
    @on(Button.Pressed, "#export")
    def action_submit(self) -> None:
        if not self.query_one("#export-path", Input).value.strip():
            self.query_one("#export-note", Static).update(Text("Give a file to write."))
        elif not self.path.is_dir():
            self.dismiss(ExportRequest(self.path, self.fmt, self.events))

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)
