"""The monitor screen: the sidebar of watched sends, the selected send's detail pane, and
every key that acts on them.

It keeps the one view-model (`MonitorModel`): states published by the refresher land
there, and the sidebar and detail pane are handed what to draw from it.
"""

from __future__ import annotations

from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal
from textual.message import Message
from textual.timer import Timer
from textual.widgets import Header, Static

from tui.core.api.errors import remedy_of
from tui.core.glyphs import GLYPH
from tui.core.history_reads import MessageHistoryReads
from tui.core.state import SendState
from tui.core.store.watchlist import WatchedSend
from tui.ui.alerting import Alerting
from tui.ui.display import DisplayChanged
from tui.ui.screens.recipient import RecipientScreen
from tui.ui.services import Services
from tui.ui.watch_edits import WatchListEdits
from tui.ui.widgets.footer import SteadyFooter
from tui.ui.widgets.recipient_grid import RecipientGrid
from tui.ui.widgets.send_detail import SendDetail
from tui.ui.widgets.send_list import SendList

SELECTION_SAVE_DELAY = 1.5
"""Seconds the selection must stay put before it is written to the watch list."""
EMPTY_HINT = "No sends watched yet.\n\nPress a to add one, or run `sendwatch demo` to try the app."


class SendUpdated(Message):
    """The refresher published a new state for one send."""

    def __init__(self, state: SendState) -> None:
        super().__init__()
        self.state = state


class MonitorScreen(WatchListEdits):
    """The sends and the selected one; owns the keys that change them."""

    HELP_TITLE: ClassVar[str] = "Monitor"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("a", "add", "Add", tooltip="Watch another send", id="monitor.add"),
        Binding(
            "e", "edit_label", "Label", tooltip="Edit the selected send's label", id="monitor.edit"
        ),
        Binding(
            "d", "remove", "Remove", tooltip="Stop watching the selected send", id="monitor.remove"
        ),
        Binding(
            "u",
            "undo",
            "Undo",
            show=False,
            tooltip="Bring back the last removed send",
            id="monitor.undo",
        ),
        Binding(
            "r", "refresh", "Refresh", tooltip="Read the selected send now", id="monitor.refresh"
        ),
        Binding("p", "pause", "Pause", tooltip="Pause or resume all polling", id="monitor.pause"),
        Binding("p", "resume", "Resume", tooltip="Resume polling", id="monitor.pause"),
        Binding(
            "b",
            "breakdown",
            "Codes",
            show=False,
            tooltip="Why it fails: recipients by status code; Enter on one filters the grid",
            id="monitor.breakdown",
        ),
        Binding(
            "backslash",
            "toggle_sidebar",
            "Sidebar",
            show=False,
            key_display="\\",
            tooltip="Hide the sidebar (the detail pane takes the width), or show it",
            id="monitor.sidebar",
        ),
        Binding(
            "x",
            "export",
            "Export",
            show=False,
            tooltip="Export the recipients the grid shows to CSV or JSON",
            id="monitor.export",
        ),
        Binding(
            "y",
            "copy",
            "Copy",
            show=False,
            tooltip="Copy what has focus: number, ids (sidebar), reference id (error box)",
            id="monitor.copy",
        ),
        Binding(
            "Y",
            "copy_ticket",
            "Ticket note",
            show=False,
            tooltip="Copy a ticket note: ids, status, times, counts, failures by code",
            id="monitor.ticket",
        ),
    ]

    def __init__(self, services: Services) -> None:
        super().__init__()
        self.services = services
        self._selection_timer: Timer | None = None
        self._undo: list[tuple[int, WatchedSend]] = []
        self._recipient_screen: RecipientScreen | None = None
        self._told: set[tuple[str, str]] = set()
        self.alerting = Alerting(self, services)

    @property
    def send_list(self) -> SendList:
        return self.query_one(SendList)

    @property
    def detail(self) -> SendDetail:
        return self.query_one(SendDetail)

    # ---- layout -------------------------------------------------------------------
    def compose(self) -> ComposeResult:
        yield Header(icon=GLYPH["icon"])
        with Horizontal(id="main"):
            services = self.services
            now, display = services.clock.now, services.display
            yield SendList(
                id="sidebar", now=now, profiles=services.config.profiles, display=display
            )
            yield SendDetail(id="detail", now=now, display=display)
            yield Static(EMPTY_HINT, id="empty")
        yield SteadyFooter()

    def on_mount(self) -> None:
        self.send_list.set_entries(self.model.states, self.model.selected_index)
        self.send_list.focus()
        self.detail.grid.set_mask(self.services.display.mask)
        self._show_selected()
        self._update_subtitle()

    # ---- updates from the refresher -------------------------------------------------
    @on(SendUpdated)
    def _on_send_updated(self, message: SendUpdated) -> None:
        state = message.state
        previous, index = self.model.state(state.key), self.model.index(state.key)
        if previous is None or index is None:
            return  # a read that landed after its send was removed
        self.model.apply(state)
        self.alerting.observe(previous, state)
        self.send_list.update_entry(index, state)
        if state.key == self.model.selected:
            self._show_selected()
        self._update_subtitle()
        if state.warning and state.warning != previous.warning:
            self.notify(state.warning, severity="warning", markup=False)
        if state.error is not None and state.error is not previous.error:
            self._tell_profile_problem(state)

    def _tell_profile_problem(self, state: SendState) -> None:
        """A problem of the profile, not of the send (no such profile, no secret): one toast
        per profile and problem, however many of its sends report it; the detail pane of
        each says what to do."""
        remedy = remedy_of(state.error) if state.error is not None else None
        told = (state.send.profile, str(state.error))
        if remedy is None or told in self._told:
            return
        self._told.add(told)
        self.notify(
            f"{state.error}\nTo fix: {remedy}.",
            title=f"Profile {state.send.profile}",
            severity="error",
            timeout=20,
            markup=False,
        )

    def on_resize(self) -> None:
        self._update_subtitle()  # the header's room decides how attention is worded

    def _update_subtitle(self) -> None:
        mode = "paused" if self.services.refresher.paused else "live"
        if self.services.display.masked:  # so whoever shares the screen knows
            mode += " · masked"
        if self.services.display.mc_time:  # every time on screen is in UTC−6 (`t`)
            mode += " · MC time"
        state = self.model.selected_state
        subtitle = f"{state.send.profile} · {mode}" if state is not None else mode
        room = self.app.size.width - len(f"{self.app.title} — {subtitle} · ")
        if attention := self.alerting.summary(room):
            subtitle += f" · {attention}"
        if self.app.sub_title != subtitle:
            self.app.sub_title = subtitle

    def _show_selected(self) -> None:
        state = self.model.selected_state
        detail = self.detail
        detail.display = state is not None
        self.query_one("#empty").display = state is None
        if state is not None:
            detail.show(
                state, now=self.services.clock.now(), interval=self.services.refresher.interval
            )

    # ---- selection ---------------------------------------------------------------
    @on(SendList.Highlighted)
    def _on_highlight(self, message: SendList.Highlighted) -> None:
        if message.current and self.model.select_index(message.index):
            self._selection_changed()

    def _selection_changed(self) -> None:
        self.detail.clear()
        self._show_selected()
        self._update_subtitle()
        if self._selection_timer is not None:
            self._selection_timer.stop()
        self._selection_timer = self.set_timer(SELECTION_SAVE_DELAY, self._save_selection)

    @on(SendList.Opened)
    def _on_sidebar_enter(self) -> None:
        self.detail.grid.focus()

    def _save_selection(self) -> None:
        key = self.model.selected
        watchlist = self.services.watchlist
        if key != watchlist.selected:
            self.services.writer.save(lambda: watchlist.select(key))

    def select_send(self, key: str) -> None:
        """Select a send by key (the command palette): as if the user moved to it."""
        index = self.model.index(key)
        if index is not None and self.model.select(key):
            self.send_list.select(index)
            self._selection_changed()

    # ---- watch-list edits ----------------------------------------------------------
    def _rebuild_list(self, selected: str | None) -> None:
        """Show the watch list as the file now has it (another window may have edited it)."""
        rebuilt = self.model.rebuild(self.services.watchlist.sends, selected)
        refresher = self.services.refresher
        for key in rebuilt.removed:
            refresher.unwatch(key)
        for send in rebuilt.added:
            refresher.watch(send)
        self.send_list.set_entries(self.model.states, self.model.selected_index)
        self.detail.clear()
        self._show_selected()
        self._update_subtitle()

    @on(SendList.MoveRequested)
    def _on_move(self, message: SendList.MoveRequested) -> None:
        send = self._selected_send()
        if send is not None:
            key, watchlist = send.key, self.services.watchlist
            self.services.writer.save(
                lambda: watchlist.move(key, message.delta), lambda _: self._rebuild_list(key)
            )

    # ---- refresh and view ----------------------------------------------------------------
    def action_refresh(self) -> None:
        key = self.model.selected
        if key is not None:
            self.services.refresher.refresh_now(key)
            self.notify("Refreshing…", timeout=1.5)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """`p` is one key shown as Pause or Resume: the footer tells which it does now."""
        if action in ("pause", "resume"):
            return self.services.refresher.paused == (action == "resume")
        return True

    def action_resume(self) -> None:
        self.action_pause()

    def action_pause(self) -> None:
        refresher = self.services.refresher
        refresher.set_paused(not refresher.paused)
        self.refresh_bindings()
        self._update_subtitle()
        self.notify(
            "Polling paused (r still refreshes)" if refresher.paused else "Polling resumed",
            timeout=2,
        )

    @on(DisplayChanged)
    def _on_display_changed(self) -> None:
        """`m`, `t`: the grid redraws its visible rows, the sidebar and detail their times."""
        self.detail.grid.set_mask(self.services.display.mask)
        self.send_list.set_entries(self.model.states, self.model.selected_index)
        self._show_selected()
        self._update_subtitle()

    def action_breakdown(self) -> None:
        if self.model.selected_state is not None:
            self.detail.breakdown.reach()

    def action_toggle_sidebar(self) -> None:
        """Small terminals: the grid gets the sidebar's columns; the cursor stays put."""
        sidebar = self.send_list
        had_focus = self.focused in (sidebar, None)
        sidebar.display = not sidebar.display
        if not sidebar.display and had_focus:
            self.detail.grid.focus()
        elif sidebar.display and self.focused is None:
            sidebar.focus()

    @on(RecipientGrid.Selected)
    def _on_recipient(self, message: RecipientGrid.Selected) -> None:
        state = self.model.selected_state
        if state is None or state.delivery is None:
            return
        recipients = self.detail.grid.visible_recipients()
        if self._recipient_screen is None:  # built once: reopening then costs no compose
            self._recipient_screen = RecipientScreen(
                history=self.services.history,
                message_history=MessageHistoryReads(self.services.refresher),
                display=self.services.display,
                copy_number=self.copy_number,
                now=self.services.clock.now,
            )
            self.app.install_screen(self._recipient_screen, name="recipient")
        self._recipient_screen.show_recipients(
            recipients,
            message.index,
            send_key=state.key,
            send_name=state.send.display_name,
            since=state.since,
            blind=state.blind_reads,
        )
        self.app.push_screen("recipient")
