"""The drill-down: one recipient's outcome, why it is that, and every carrier event.

The outcome is the highest standard code seen, not the last event (docs/DESIGN.md); this
screen says so in words and marks the deciding event. Every string that came from the
server is drawn as literal text after `safe_text`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, datetime
from typing import ClassVar, Final, Protocol

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.widgets import DataTable, Static

from tui.core.api.codes import Outcome
from tui.core.api.errors import SendwatchError
from tui.core.api.model import Recipient
from tui.core.text import safe_text
from tui.core.timefmt import SeenTimes
from tui.ui.display import Display, DisplayChanged
from tui.ui.screens.recipient_words import (
    event_summary,
    observed_lines,
    outcome_line,
    raw_words,
    why_line,
)
from tui.ui.time_labels import seen_times, zone_word
from tui.ui.widgets.footer import SteadyFooter
from tui.ui.widgets.message_history import HistoryReader, MessageHistoryView

__all__ = ["RecipientScreen", "event_summary", "why_line"]

MARKER: Final = "▶"


class OutcomeHistory(Protocol):
    """What the drill-down reads of the history (`History` is one)."""

    def outcome_history(
        self, send_key: str, mobile_number: str, *, wait: bool = True
    ) -> Sequence[tuple[str, datetime]] | None:
        """Outcome changes, oldest first; with wait=False, None while the store is busy."""


class RecipientScreen(Screen[None]):
    """One recipient of a send, chosen from `recipients` by `index`; n/p walk the list."""

    HELP_TITLE: ClassVar[str] = "Recipient details"

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "back", "Back", tooltip="Back to the send", id="recipient.back"),
        Binding("n", "step(1)", "Next", tooltip="Next recipient", id="recipient.next"),
        Binding("p", "step(-1)", "Previous", tooltip="Previous recipient", id="recipient.previous"),
        Binding(
            "y,c",
            "copy_number",
            "Copy number",
            tooltip="Copy the number to the clipboard (masked while numbers are masked)",
            id="recipient.copy",
        ),
        Binding(
            "r",
            "reread_history",
            "Re-read",
            show=False,  # the footer is full at 80 columns; a failed read names the key
            tooltip="Read the number's MobileConnect message history again",
            id="recipient.reread",
        ),
    ]

    DEFAULT_CSS = """
    RecipientScreen {
        layout: vertical;
    }
    RecipientScreen #rc-head {
        height: 1;
        background: $panel;
        padding: 0 1;
    }
    RecipientScreen #rc-number {
        width: 1fr;
        text-style: bold;
        color: $text;
    }
    RecipientScreen #rc-position {
        width: auto;
        color: $text-muted;
    }
    RecipientScreen #rc-send {
        padding: 0 1;
        color: $text-muted;
    }
    RecipientScreen #rc-outcome {
        padding: 0 1;
        text-style: bold;
    }
    RecipientScreen #rc-outcome.-delivered { color: $text-success; }
    RecipientScreen #rc-outcome.-failed { color: $text-error; }
    RecipientScreen #rc-outcome.-pending { color: $text-warning; }
    RecipientScreen #rc-outcome.-unknown { color: $text-muted; }
    RecipientScreen #rc-why {
        padding: 0 1;
    }
    RecipientScreen .rc-title {
        padding: 0 1;
        margin-top: 1;
        text-style: bold;
        color: $primary;
    }
    RecipientScreen #rc-events {
        height: 1fr;
        min-height: 4;
        margin: 0 1;
    }
    RecipientScreen #rc-detail {
        padding: 0 1;
        height: auto;
        max-height: 4;
        color: $text-muted;
    }
    RecipientScreen #rc-history {
        padding: 0 1;
        height: auto;
    }
    RecipientScreen #rc-histories { height: auto; }
    RecipientScreen #rc-observed { width: auto; max-width: 50%; height: auto; }
    RecipientScreen #rc-observed > Static { width: auto; }
    """

    def __init__(
        self,
        recipients: Sequence[Recipient] = (),
        index: int = 0,
        *,
        send_key: str = "",
        send_name: str = "",
        since: Mapping[str, datetime] | None = None,
        blind: Sequence[datetime] = (),
        history: OutcomeHistory | None = None,
        message_history: HistoryReader | None = None,
        now: Callable[[], datetime] | None = None,
        display: Display | None = None,
        copy_number: Callable[[str], None] | None = None,
        name: str | None = None,
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self.history = history
        self.message_history = message_history
        self.now = now or (lambda: datetime.now(UTC))
        self.display_options = display or Display()
        """How numbers are drawn: the monitor's own, so `m` here masks there too."""
        self.copier = copy_number
        """How the monitor copies a number (its clipboard route, masking, the modal)."""
        self.show_recipients(
            recipients, index, send_key=send_key, send_name=send_name, since=since, blind=blind
        )

    @property
    def recipient(self) -> Recipient | None:
        return self.recipients[self.index] if self.recipients else None

    def show_recipients(
        self,
        recipients: Sequence[Recipient],
        index: int,
        *,
        send_key: str,
        send_name: str,
        since: Mapping[str, datetime] | None = None,
        blind: Sequence[datetime] = (),
    ) -> None:
        """Point the screen at `recipients` of the send `send_key`, on row `index`; `blind`
        are the send's blind reads (what was first seen at one was already so by then).

        Built once and pointed at each new choice, so reopening the drill-down costs no
        compose (Enter stays under 50 ms at 100,000 rows); the send's key is what its
        observed history is read by, so it is set before anything is shown.
        """
        self.recipients = recipients
        self.index = max(0, min(index, len(recipients) - 1)) if recipients else 0
        self.send_key, self.send_name, self.since = send_key, send_name, since
        self.blind = tuple(blind)
        if self.is_mounted:
            self.query_one("#rc-send", Static).update(Text(f"send: {safe_text(send_name)}"))
            self._show()
            self.query_one("#rc-events", DataTable).focus()

    # ------------------------------------------------------------------ layout

    def compose(self) -> ComposeResult:
        with Horizontal(id="rc-head"):
            yield Static(id="rc-number")
            yield Static(id="rc-position")
        yield Static(Text(f"send: {safe_text(self.send_name)}"), id="rc-send")
        yield Static(id="rc-outcome")
        yield Static(id="rc-why")
        yield Static(
            Text(f"Events, in carrier order ({MARKER} set the outcome)"), classes="rc-title"
        )
        table: DataTable[Text] = DataTable(id="rc-events", cursor_type="row", zebra_stripes=True)
        yield table
        yield Static(id="rc-detail")
        with Horizontal(id="rc-histories"):
            with Vertical(id="rc-observed"):
                yield Static(id="rc-observed-title", classes="rc-title")
                yield Static(id="rc-history")
            yield MessageHistoryView(
                self.message_history, display=self.display_options, now=self.now, id="rc-mc"
            )
        yield SteadyFooter()

    def on_mount(self) -> None:
        table = self.query_one("#rc-events", DataTable)
        for label, key in (
            ("#", "n"),
            ("status", "status"),
            ("message", "message"),
            ("code", "code"),
            ("name", "name"),
            ("description", "description"),
        ):
            table.add_column(Text(label), key=key)
        self._show()
        table.focus()

    # ------------------------------------------------------------------ content

    def _times(self) -> SeenTimes:
        return seen_times(self.display_options, self.blind)

    def _show(self) -> None:
        mc = self.display_options.mc_time
        title = self.query_one("#rc-observed-title", Static)
        title.update(Text.assemble("Observed by sendwatch", (f" · {zone_word(mc)}", "not bold")))
        recipient = self.recipient
        table = self.query_one("#rc-events", DataTable)
        table.clear()
        position = self.query_one("#rc-position", Static)
        if recipient is None:
            self.query_one("#rc-number", Static).update(Text("no recipients"))
            position.update(Text(""))
            for part in ("#rc-outcome", "#rc-why", "#rc-detail", "#rc-history"):
                self.query_one(part, Static).update(Text(""))
            self.query_one(MessageHistoryView).show(self.send_key, None)
            return
        number = self.display_options.number(safe_text(recipient.mobile_number))
        self.query_one("#rc-number", Static).update(Text(safe_text(number, limit=40)))
        where = f"recipient {self.index + 1:,} of {len(self.recipients):,}"
        position.update(Text(f"numbers masked · {where}" if self.display_options.masked else where))

        outcome = self.query_one("#rc-outcome", Static)
        for o in Outcome:
            outcome.set_class(o is recipient.outcome, f"-{o.value}")
        seen = self.since.get(recipient.mobile_number) if self.since else None
        outcome.update(Text(outcome_line(recipient, seen, self._times(), self.now())))
        self.query_one("#rc-why", Static).update(Text(f"Why: {self._hide(why_line(recipient))}"))

        deciding_row = recipient.deciding_index
        for i, event in enumerate(recipient.events):
            is_deciding = i == deciding_row
            info = event.code_info
            table.add_row(
                Text(f"{MARKER if is_deciding else ' '}{i + 1}"),
                Text(self._safe(event.status_code, limit=16)),
                Text(self._safe(event.message, limit=24)),
                Text("" if event.standard_code is None else str(event.standard_code)),
                Text(info.name if info else ""),
                Text(self._safe(event.description, limit=60)),
                key=str(i),
            )
        table.move_cursor(row=deciding_row, animate=False)
        self._show_detail(deciding_row)
        self._show_history(recipient)
        self.query_one(MessageHistoryView).show(self.send_key, recipient.mobile_number)

    def _show_detail(self, row: int) -> None:
        recipient = self.recipient
        detail = self.query_one("#rc-detail", Static)
        if recipient is None or not 0 <= row < len(recipient.events):
            detail.update(Text(""))
            return
        event = recipient.events[row]
        info = event.code_info
        head = f"Event {row + 1}: {event_summary(event)}"
        if info is not None:
            head += f" — {info.meaning}"
        lines = [head, f"carrier: {raw_words(event)}"]
        if event.description:
            lines.append(f"server: {safe_text(event.description)}")
        detail.update(Text(self._hide("\n".join(lines))))

    def _show_history(self, recipient: Recipient) -> None:
        target = self.query_one("#rc-history", Static)
        if self.history is None:
            target.update(Text("not available"))
            return
        number = recipient.mobile_number
        seen = self._history_of(number, wait=False)  # an indexed read: well under 1 ms
        if seen is None:
            target.update(Text("reading…"))
            self._read_history(self.send_key, number)
        else:
            self._render_history(seen)

    def _history_of(
        self, number: str, *, wait: bool, send_key: str | None = None
    ) -> list[tuple[str, datetime]] | str | None:
        assert self.history is not None
        try:
            seen = self.history.outcome_history(send_key or self.send_key, number, wait=wait)
        except (SendwatchError, OSError) as exc:
            return f"could not be read: {exc}"
        return None if seen is None else list(seen)

    @work(thread=True, exclusive=True, group="history", exit_on_error=False)
    def _read_history(self, send_key: str, number: str) -> None:
        """Off the UI thread: the store is busy, say with a 100,000-recipient write."""
        seen = self._history_of(number, wait=True, send_key=send_key)
        self.app.call_from_thread(self._history_landed, send_key, number, seen or [])

    def _history_landed(
        self, send_key: str, number: str, seen: list[tuple[str, datetime]] | str
    ) -> None:
        recipient = self.recipient
        # Not when the app quit, or n/p or another send moved on, while it was read.
        if (
            self.is_mounted
            and recipient is not None
            and (self.send_key, recipient.mobile_number) == (send_key, number)
        ):
            self._render_history(seen)

    def _render_history(self, seen: list[tuple[str, datetime]] | str) -> None:
        target = self.query_one("#rc-history", Static)
        if isinstance(seen, str):
            target.update(Text(self._hide(safe_text(seen))))
            return
        target.update(Text("\n".join(observed_lines(seen, self._times(), self.now()))))

    def _hide(self, text: str) -> str:
        """`text` (already safe) with this recipient's number masked in it, when masked."""
        recipient = self.recipient
        if recipient is None:
            return text
        return self.display_options.number_in(text, safe_text(recipient.mobile_number))

    def _safe(self, value: str | None, *, limit: int) -> str:
        """Server text made safe and masked, then cut: a cut never leaves digits unmasked."""
        return safe_text(self._hide(safe_text(value)), limit=limit)

    @on(DisplayChanged)
    def _redisplay(self) -> None:
        """`m` was pressed: redraw with the same event under the cursor."""
        if self.is_mounted:
            table = self.query_one("#rc-events", DataTable)
            row = table.cursor_row
            self._show()
            table.move_cursor(row=row, animate=False)

    @on(DataTable.RowHighlighted, "#rc-events")
    def _row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        self._show_detail(event.cursor_row)

    # ------------------------------------------------------------------ actions

    def action_back(self) -> None:
        self.dismiss(None)

    def action_step(self, delta: int) -> None:
        target = self.index + delta
        if not self.recipients:
            return
        if target < 0:
            self.notify("This is the first recipient.", markup=False)
            return
        if target >= len(self.recipients):
            self.notify("This is the last recipient.", markup=False)
            return
        self.index = target
        self._show()

    def action_reread_history(self) -> None:
        self.query_one(MessageHistoryView).reread()

    def action_copy_number(self) -> None:
        recipient = self.recipient
        if recipient is None:
            return
        if self.copier is not None:
            self.copier(recipient.mobile_number)
            return
        number = self.display_options.number(safe_text(recipient.mobile_number))
        self.app.copy_to_clipboard(number)
        masked = " (masked: m shows the number)" if self.display_options.masked else ""
        self.notify(f"Copied {number} to the clipboard{masked}.", markup=False)
