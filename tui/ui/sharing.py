"""Handing an answer on: the monitor's export (`x`), copy (`y`) and ticket note (`Y`).

A base of `MonitorScreen` that keeps these actions out of it; the bindings themselves
are declared on `MonitorScreen` (help and the README list a screen's own bindings).
Exports, copies and notes follow the `m` masking as it is when the key is pressed.
"""

from __future__ import annotations

from collections.abc import Sequence

from textual import work
from textual.screen import Screen

from tui.core.api.errors import ApiError
from tui.core.api.model import Recipient
from tui.core.export import ExportError, default_folder, default_name, export_bytes, write_export
from tui.core.state import SendState
from tui.core.text import safe_text
from tui.core.ticket import ticket_note
from tui.ui.screens.copied import CopiedScreen
from tui.ui.screens.export_options import ExportRequest, ExportScreen
from tui.ui.services import Services
from tui.ui.widgets.recipient_grid import RecipientGrid

PROBLEM_BOX = "problem"
"""The detail pane's error box (widgets/send_detail.py): `y` there copies the reference id."""


class SharingActions(Screen[None]):
    """Export, copy and ticket-note actions on the selected send."""

    services: Services

    # ---- copy ----------------------------------------------------------------------
    def copy_text(self, text: str, what: str) -> None:
        """Send `text` by the configured route and show what was sent."""
        copied = self.services.clipboard.copy(self.app, text, what)
        self.app.push_screen(CopiedScreen(copied))

    def copy_number(self, number: str) -> None:
        """Copy a mobile number as it is shown (masked while `m` is on)."""
        self.copy_text(safe_text(self.services.display.number(number)), "mobile number")

    def action_copy(self) -> None:
        state = self.services.model.selected_state
        focused = self.focused
        if isinstance(focused, RecipientGrid):
            recipient = focused.cursor_recipient
            if recipient is None:
                self.notify("No recipient here to copy.", severity="warning")
            else:
                self.copy_number(recipient.mobile_number)
            return
        if state is None:
            self.notify("No send selected.", severity="warning")
            return
        if focused is not None and focused.id == PROBLEM_BOX and state.error is not None:
            error = state.error
            if isinstance(error, ApiError) and error.reference_id:
                self.copy_text(safe_text(error.reference_id), "reference id")
            else:
                self.copy_text(safe_text(error), "error message (it has no reference id)")
            return
        send = state.send  # the sidebar, or nothing focused: both ids, as `status` takes them
        self.copy_text(f"{send.message_id} {send.token_id}", "message id and token id")

    def action_copy_ticket(self) -> None:
        state = self.services.model.selected_state
        if state is None:
            self.notify("No send selected.", severity="warning")
            return
        self.copy_text(ticket_note(state, mask=self.services.display.masked), "ticket note")

    # ---- export --------------------------------------------------------------------
    def action_export(self) -> None:
        state = self.services.model.selected_state
        if state is None or state.delivery is None:
            self.notify("Nothing to export yet: the send has no data.", severity="warning")
            return
        recipients = self.query_one(RecipientGrid).visible_recipients()
        if not recipients:
            self.notify("The grid shows no recipients: nothing to export.", severity="warning")
            return
        total = len(state.delivery.recipients)
        what = f"{len(recipients):,} of {total:,} recipients of {state.send.display_name}"
        if len(recipients) < total:
            what += " (the grid's filter)"
        mask = self.services.display.masked
        if mask:
            what += ", numbers masked"
        path = default_folder() / default_name(state.send, "csv", self.services.clock.now())

        def chosen(request: ExportRequest | None) -> None:
            if request is not None:
                self._write_export(request, state, recipients, mask)

        self.app.push_screen(ExportScreen(path, what), chosen)

    @work(thread=True, group="export", exit_on_error=False)
    def _write_export(
        self,
        request: ExportRequest,
        state: SendState,
        recipients: Sequence[Recipient],
        mask: bool,
    ) -> None:
        """Off the UI thread: 100,000 rows take a while to build and to write."""
        assert state.delivery is not None
        try:
            data = export_bytes(
                request.fmt,
                state.send,
                state.delivery,
                recipients,
                state.since,
                exported_at=self.services.clock.now(),
                events=request.events,
                mask=mask,
                bom=True,
                blind=state.blind_reads,
            )
            write_export(request.path, data)
        except ExportError as exc:
            self._tell(f"Export failed: {exc}", error=True)
        except Exception as exc:  # a bug: said, never a crash of the monitor
            self._tell(f"Export failed (a bug): {type(exc).__name__}: {exc}", error=True)
        else:
            rows = f"{len(recipients):,} recipient{'s' if len(recipients) != 1 else ''}"
            self._tell(f"Wrote {rows} ({request.fmt.upper()}) to {request.path}")

    def _tell(self, text: str, *, error: bool = False) -> None:
        self.app.call_from_thread(
            self.notify,
            safe_text(text),
            title="Export",
            severity="error" if error else "information",
            timeout=12,
            markup=False,
        )
