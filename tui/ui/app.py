"""The monitor: a sidebar of watched sends, a detail pane, and the refresher behind them.

Data flows one way: the core refresher publishes `SendState`s, they arrive here as
`SendUpdated` messages, and only the widgets of the send that changed repaint.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable
from datetime import UTC, datetime
from functools import partial
from pathlib import Path
from typing import TypeVar

from textual import on
from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.command import DiscoveryHit, Hit, Hits, Provider
from textual.containers import Horizontal
from textual.message import Message
from textual.timer import Timer
from textual.widgets import Footer, Header, Static
from textual.worker import Worker, WorkerState

from tui.core.api.errors import SendwatchError
from tui.core.refresher import Refresher
from tui.core.state import SendState
from tui.core.store.config import Config
from tui.core.store.history import KEEP_REMOVED, History
from tui.core.store.watchlist import WatchedSend, WatchList
from tui.core.text import safe_text
from tui.ui.screens.add_send import AddSendResult, AddSendScreen
from tui.ui.screens.confirm import ConfirmScreen
from tui.ui.screens.help import HelpScreen
from tui.ui.screens.recipient import RecipientScreen
from tui.ui.screens.text_prompt import TextPromptScreen
from tui.ui.widgets.recipient_grid import RecipientGrid
from tui.ui.widgets.send_detail import SendDetail
from tui.ui.widgets.send_list import SendList

log = logging.getLogger("sendwatch.app")
_T = TypeVar("_T")

SELECTION_SAVE_DELAY = 1.5
EMPTY_HINT = "No sends watched yet.\n\nPress a to add one, or run `sendwatch demo` to try the app."


def css_path() -> Path:
    """styles/ sits inside the package once installed, beside it in a checkout."""
    package = Path(__file__).resolve().parent.parent
    for folder in (package / "styles", package.parent / "styles"):
        if (folder / "sendwatch.tcss").is_file():
            return folder / "sendwatch.tcss"
    raise FileNotFoundError("sendwatch.tcss is missing from this installation")


class SendUpdated(Message):
    """The refresher published a new state for one send."""

    def __init__(self, state: SendState) -> None:
        super().__init__()
        self.state = state


def _literal(text: str) -> str:
    """Text the palette shows as is: it reads prompts as markup, and textual's own
    `escape` leaves `[50%]` alone, which markup then swallows."""
    return safe_text(text).replace("[", "\\[")


class SendCommands(Provider):
    """Command palette: jump to any watched send by label or id."""

    def _candidates(self) -> list[tuple[str, Callable[[], None], str]]:
        app = self.app
        assert isinstance(app, SendwatchApp)
        # The palette reads prompts and help as markup: labels are text, so escape them.
        return [
            (
                _literal(f"{s.display_name}  {s.message_id} {s.token_id}"),
                partial(app.select_send, s.key),
                _literal(f"{s.kind} on profile {s.profile}"),
            )
            for s in app.watchlist.sends
        ]

    async def discover(self) -> Hits:
        for text, command, help_text in self._candidates():
            yield DiscoveryHit(f"Go to {text}", command, help=help_text)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for text, command, help_text in self._candidates():
            score = matcher.match(text)
            if score > 0:
                yield Hit(score, matcher.highlight(text), command, help=help_text)


class SendwatchApp(App[None]):
    TITLE = "sendwatch"
    CSS_PATH = css_path()
    COMMANDS = App.COMMANDS | {SendCommands}
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (100, "-wide")]
    BINDINGS = [
        Binding("q", "quit", "Quit", tooltip="Quit sendwatch", id="app.quit"),
        Binding(
            "question_mark", "help", "Help", key_display="?", tooltip="This list", id="app.help"
        ),
        Binding("a", "add", "Add", tooltip="Watch another send", id="app.add"),
        Binding(
            "e", "edit_label", "Label", tooltip="Edit the selected send's label", id="app.edit"
        ),
        Binding(
            "d", "remove", "Remove", tooltip="Stop watching the selected send", id="app.remove"
        ),
        Binding(
            "u",
            "undo",
            "Undo",
            show=False,
            tooltip="Bring back the last removed send",
            id="app.undo",
        ),
        Binding("r", "refresh", "Refresh", tooltip="Read the selected send now", id="app.refresh"),
        Binding("p", "pause", "Pause", tooltip="Pause or resume all polling", id="app.pause"),
        Binding(
            "t",
            "toggle_time",
            "MC time",
            show=False,
            tooltip="Created/completed as Marketing Cloud sent them (UTC−6), or local",
            id="app.time",
        ),
    ]
    MONITOR_ACTIONS = frozenset(
        {"add", "edit_label", "remove", "undo", "refresh", "pause", "toggle_time"}
    )

    def __init__(
        self,
        config: Config,
        watchlist: WatchList,
        *,
        history: History | None = None,
        refresher: Refresher | None = None,
        now: Callable[[], datetime] = lambda: datetime.now(UTC),
        banner: str | None = None,
    ) -> None:
        super().__init__()
        self.config = config
        self.watchlist = watchlist
        self.history = history
        self.now = now
        self.banner = banner
        self.refresher = refresher or Refresher(config, self._publish, history=history, now=now)
        self._states: dict[str, SendState] = {}
        self._undo: list[tuple[int, WatchedSend]] = []
        self._writing = asyncio.Lock()
        self._selection_timer: Timer | None = None
        self._selected_key: str | None = watchlist.selected
        self._recipient_screen: RecipientScreen | None = None
        self._history_key = ""
        self._help_installed = False

    # ---- layout -------------------------------------------------------------------
    def compose(self) -> ComposeResult:
        yield Header(icon="≋")
        with Horizontal(id="main"):
            yield SendList(id="sidebar", now=self.now)
            yield SendDetail(id="detail", now=self.now)
            yield Static(EMPTY_HINT, id="empty")
        yield Footer()

    @property
    def send_list(self) -> SendList:
        return self.query_one(SendList)

    @property
    def detail(self) -> SendDetail:
        return self.query_one(SendDetail)

    def on_mount(self) -> None:
        for send in self.watchlist.sends:
            self._states[send.key] = SendState(send)
            self.refresher.watch(send)
        self.send_list.set_entries(
            list(self._states.values()), self._index_of(self.watchlist.selected)
        )
        self.send_list.focus()
        self._selection_changed()
        self._update_subtitle()
        self.run_worker(self.refresher.run(), name="refresher", exit_on_error=False)
        if self.history is not None:
            self.run_worker(self._prune_history, name="prune", thread=True, exit_on_error=False)
        if self.banner:
            self.notify(self.banner, title="sendwatch", timeout=8, markup=False)

    def _prune_history(self) -> None:
        """Off the UI thread: the first prune of a big file reads every row."""
        assert self.history is not None
        keep = {send.key for send in self.watchlist.sends}
        try:
            self.history.prune(keep, before=self.now() - KEEP_REMOVED)
        except (SendwatchError, OSError) as exc:  # the next poll's save reports real trouble
            log.warning("history not pruned: %s", exc)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Monitor keys belong to the monitor: hidden and inert on other screens."""
        if action in self.MONITOR_ACTIONS:
            return self.screen is self.screen_stack[0]
        return True

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.worker.name == "refresher" and event.state is WorkerState.ERROR:
            self.notify(
                f"the refresher stopped: {event.worker.error}; restart sendwatch",
                severity="error",
                timeout=30,
                markup=False,
            )

    def _publish(self, state: SendState) -> None:
        self.post_message(SendUpdated(state))

    # ---- updates from the refresher -------------------------------------------------
    @on(SendUpdated)
    def _on_send_updated(self, message: SendUpdated) -> None:
        state = message.state
        if state.key not in self._states:
            return
        previous = self._states[state.key]
        self._states[state.key] = state
        self.send_list.update_entry(list(self._states).index(state.key), state)
        if state.key == self._sidebar_key():
            self._show_selected()
        self._update_subtitle()
        if state.became_final and state.delivery is not None:
            self._announce_final(state)
        if state.warning and state.warning != previous.warning:
            self.notify(state.warning, severity="warning", markup=False)

    def _announce_final(self, state: SendState) -> None:
        assert state.delivery is not None
        counts = state.delivery.counts
        error = state.delivery.phase.value == "Error"
        self.notify(
            f"{counts.delivered:,} delivered, {counts.failed:,} failed, {counts.pending:,} pending",
            title=safe_text(f"{state.send.display_name}: {state.delivery.status}"),
            severity="error" if error else "information",
            markup=False,
        )
        if self.config.settings.bell:
            self.bell()

    def _update_subtitle(self) -> None:
        errors = sum(1 for s in self._states.values() if s.error is not None)
        mode = "paused" if self.refresher.paused else "live"
        if errors:
            mode += f" · {errors} error{'s' if errors > 1 else ''}"
        key = self._sidebar_key()
        profile = self._states[key].send.profile if key in self._states else None
        subtitle = f"{profile} · {mode}" if profile else mode
        if self.sub_title != subtitle:
            self.sub_title = subtitle

    def _show_selected(self) -> None:
        key = self._sidebar_key()
        detail = self.detail
        detail.display = key is not None
        self.query_one("#empty").display = key is None
        if key is None:
            return
        detail.show(
            self._states[key],
            now=self.now(),
            interval=self.refresher.interval,
        )

    # ---- selection ---------------------------------------------------------------
    def _index_of(self, key: str | None) -> int | None:
        keys = list(self._states)
        return keys.index(key) if key in keys else None

    def _sidebar_key(self) -> str | None:
        index = self.send_list.selected
        keys = list(self._states)
        return keys[index] if index is not None and index < len(keys) else None

    @on(SendList.Highlighted, "#sidebar")
    def _on_highlight(self, message: SendList.Highlighted) -> None:
        if message.current:
            self._selection_changed()

    def _selection_changed(self) -> None:
        self._selected_key = self._sidebar_key()
        self.detail.clear()
        self._show_selected()
        self._update_subtitle()
        if self._selection_timer is not None:
            self._selection_timer.stop()
        self._selection_timer = self.set_timer(SELECTION_SAVE_DELAY, self._save_selection)

    @on(SendList.Opened, "#sidebar")
    def _on_sidebar_enter(self) -> None:
        self.detail.grid.focus()

    def _save_selection(self) -> None:
        key = self._selected_key
        if key != self.watchlist.selected:
            self._save(lambda: self.watchlist.select(key))

    def select_send(self, key: str) -> None:
        index = self._index_of(key)
        if index is not None and index != self.send_list.selected:
            self.send_list.select(index)
            self._selection_changed()

    def on_unmount(self) -> None:
        key = self._selected_key
        if key != self.watchlist.selected:
            with contextlib.suppress(SendwatchError, OSError):  # nowhere left to say so
                self.watchlist.select(key)

    # ---- watch-list edits ----------------------------------------------------------
    def _save(
        self,
        write: Callable[[], _T],
        then: Callable[[_T], None] | None = None,
        failed: Callable[[], None] | None = None,
    ) -> None:
        """Run a watch-list write, then `then(result)`; on failure tell the user, call
        `failed` and keep what is on screen.

        The write runs in a thread, one at a time and in order, from a worker of its
        own: an fsync on a network home, or another window holding the lock (up to
        LOCK_TIMEOUT), must stall neither the screen nor the app's messages.
        """

        async def run() -> None:
            async with self._writing:
                try:
                    result = await asyncio.to_thread(write)
                except (SendwatchError, OSError) as exc:
                    self.notify(
                        str(exc), title="Watch list not saved", severity="error", markup=False
                    )
                    if failed is not None:
                        failed()
                    return
            if then is not None:
                then(result)

        self.run_worker(run(), group="watchlist")

    def _rebuild_list(self, selected: str | None) -> None:
        """Show the watch list as the file now has it (another window may have edited it)."""
        old = self._states
        self._states = {s.key: old.get(s.key) or SendState(s) for s in self.watchlist.sends}
        for key in old.keys() - self._states.keys():
            self.refresher.unwatch(key)
        for send in self.watchlist.sends:
            if send.key not in old:
                self.refresher.watch(send)
        self.send_list.set_entries(list(self._states.values()), self._index_of(selected))
        self._selection_changed()

    def action_add(self) -> None:
        profiles = sorted(self.config.profiles)
        screen = AddSendScreen(
            profiles,
            self.config.settings.default_profile,
            existing_keys=set(self._states),
            config_path=str(self.config.path),
        )
        self.push_screen(screen, self._added)

    def _added(self, result: AddSendResult | None) -> None:
        if result is None:
            return
        send = WatchedSend(
            profile=result.profile,
            message_id=result.message_id,
            token_id=result.token_id,
            kind=result.kind,
            label=result.label,
            added=self.now(),
        )
        self._save(lambda: self.watchlist.add(send), lambda _: self._show_and_read(send.key))

    def _show_and_read(self, key: str) -> None:
        """A send is (back) on the list: show it selected and read it now."""
        self._rebuild_list(key)
        self.refresher.refresh_now(key)

    def _selected_send(self) -> WatchedSend | None:
        key = self._sidebar_key()
        return self._states[key].send if key in self._states else None

    def _relabelled(self, updated: WatchedSend | None) -> None:
        if updated is not None:
            self.refresher.update_send(updated)

    def action_edit_label(self) -> None:
        send = self._selected_send()
        if send is None:
            return

        def done(label: str | None) -> None:
            if label is None or label == send.label:
                return
            self._save(lambda: self.watchlist.set_label(send.key, label), self._relabelled)

        self.push_screen(
            TextPromptScreen(
                "Label for this send", value=send.label, placeholder="e.g. Black Friday"
            ),
            done,
        )

    def action_remove(self) -> None:
        send = self._selected_send()
        if send is None:
            return

        def done(confirmed: bool | None) -> None:
            if not confirmed:
                return
            self._save(lambda: self.watchlist.remove(send.key), removed)

        def removed(entry: tuple[int, WatchedSend] | None) -> None:
            if entry is not None:
                self._undo.append(entry)
            index = max(0, (entry[0] if entry else 0) - 1)
            sends = self.watchlist.sends
            self._rebuild_list(sends[min(index, len(sends) - 1)].key if sends else None)
            self.notify(f"Removed {send.display_name}. Press u to undo.", markup=False)

        self.push_screen(
            ConfirmScreen(
                f"Stop watching {send.display_name}?",
                f"{send.kind} {send.message_id} / {send.token_id} on profile {send.profile}",
            ),
            done,
        )

    def action_undo(self) -> None:
        if not self._undo:
            self.notify("Nothing to undo", severity="warning")
            return
        index, send = self._undo.pop()

        def restored(_: object) -> None:
            self._show_and_read(send.key)
            self.notify(f"Restored {send.display_name}", markup=False)

        def failed() -> None:
            self._undo.append((index, send))

        self._save(lambda: self.watchlist.restore(index, send), restored, failed)

    @on(SendList.MoveRequested)
    def _on_move(self, message: SendList.MoveRequested) -> None:
        send = self._selected_send()
        if send is not None:
            key = send.key
            self._save(
                lambda: self.watchlist.move(key, message.delta), lambda _: self._rebuild_list(key)
            )

    # ---- refresh and view ----------------------------------------------------------------
    def action_refresh(self) -> None:
        key = self._sidebar_key()
        if key is not None:
            self.refresher.refresh_now(key)
            self.notify("Refreshing…", timeout=1.5)

    def action_pause(self) -> None:
        self.refresher.set_paused(not self.refresher.paused)
        self._update_subtitle()
        self.notify(
            "Polling paused (r still refreshes)" if self.refresher.paused else "Polling resumed",
            timeout=2,
        )

    def action_toggle_time(self) -> None:
        self.detail.mc_time = not self.detail.mc_time
        self._show_selected()

    def action_help(self) -> None:
        if not self._help_installed:  # built once: the keys never change
            sections = [
                ("Everywhere", list(self.BINDINGS)),
                ("Sends (sidebar)", list(SendList.BINDINGS)),
                ("Recipients (grid)", list(RecipientGrid.BINDINGS)),
                ("Recipient details", list(RecipientScreen.BINDINGS)),
            ]
            self.install_screen(HelpScreen(sections), name="help")
            self._help_installed = True
        self.push_screen("help")

    @on(RecipientGrid.Selected)
    def _on_recipient(self, message: RecipientGrid.Selected) -> None:
        key = self._sidebar_key()
        state = self._states.get(key) if key else None
        if state is None or state.delivery is None:
            return
        recipients = self.detail.grid.visible_recipients()
        name = state.send.display_name
        if self._recipient_screen is None:
            history = self.history
            self._recipient_screen = RecipientScreen(
                recipients,
                message.index,
                send_name=name,
                since=state.since,
                history=(
                    lambda number, wait: history.outcome_history(
                        self._history_key, number, wait=wait
                    )
                )
                if history
                else None,
                now=self.now,
            )
            self.install_screen(self._recipient_screen, name="recipient")
        else:
            self._recipient_screen.show_recipients(
                recipients, message.index, send_name=name, since=state.since
            )
        self._history_key = state.key
        self.push_screen("recipient")
