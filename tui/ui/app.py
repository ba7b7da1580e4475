"""The Textual app: where the config, watch list, history and refresher meet the screens.

Data flows one way: the core refresher publishes `SendState`s, the app hands each to the
monitor screen as a `SendUpdated` message, and the monitor's view-model and widgets take
it from there. The app itself only starts things, stops them, and shows help.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import ClassVar

from textual.app import App
from textual.binding import Binding, BindingType
from textual.filter import LineFilter
from textual.screen import Screen
from textual.worker import Worker, WorkerState

from tui.core.api.errors import SendwatchError
from tui.core.api.profile import Profile
from tui.core.api.secrets import end_running_commands
from tui.core.clock import Clock, SystemClock
from tui.core.glyphs import use_ascii
from tui.core.refresher import Fetcher, Refresher
from tui.core.state import SendState
from tui.core.store.config import Config
from tui.core.store.history import KEEP_REMOVED, History
from tui.core.store.watchlist import WatchList
from tui.ui.ascii_filter import ASCII_FILTER
from tui.ui.clipboard import Clipboard, driver_class
from tui.ui.display import Display, DisplayChanged
from tui.ui.keys import binding_ids, help_sections, keymap_problems
from tui.ui.monitor import MonitorScreen, SendUpdated
from tui.ui.palette import SendCommands
from tui.ui.palette_find import ActionCommands, NumberCommands
from tui.ui.saving import WatchListWriter
from tui.ui.screens.help import HelpScreen
from tui.ui.screens.recipient import RecipientScreen
from tui.ui.services import Services
from tui.ui.signals import SignalStop
from tui.ui.terminal_title import TerminalTitle
from tui.ui.theme_memory import ThemeMemory
from tui.ui.time_labels import zone_word
from tui.ui.view_model import MonitorModel

log = logging.getLogger("sendwatch.app")


def css_path() -> Path:
    """styles/ sits inside the package once installed, beside it in a checkout."""
    package = Path(__file__).resolve().parent.parent
    for folder in (package / "styles", package.parent / "styles"):
        if (folder / "sendwatch.tcss").is_file():
            return folder / "sendwatch.tcss"
    raise FileNotFoundError("sendwatch.tcss is missing from this installation")


class SendwatchApp(App[None]):
    TITLE = "sendwatch"
    CSS_PATH = css_path()
    COMMANDS = App.COMMANDS | {SendCommands, NumberCommands, ActionCommands}
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (100, "-wide")]
    HELP_TITLE: ClassVar[str] = "Everywhere"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("q", "quit", "Quit", tooltip="Quit sendwatch", id="app.quit"),
        Binding(
            "question_mark", "help", "Help", key_display="?", tooltip="This list", id="app.help"
        ),
        Binding(
            "ctrl+p",
            "command_palette",
            "Palette",
            show=False,
            priority=True,
            tooltip="Command palette: go to a send, find a number in all, run actions",
            id="app.palette",
        ),
        Binding(
            "m",
            "mask",
            "Mask",
            show=False,
            tooltip="Mask numbers for screen sharing (1555•••5510), or show them",
            id="app.mask",
        ),
        Binding(
            "t",
            "toggle_time",
            "MC time",
            show=False,
            tooltip="Every time on screen in Marketing Cloud time (UTC−6), or local",
            id="app.time",
        ),
    ]

    def __init__(
        self,
        config: Config,
        watchlist: WatchList,
        *,
        history: History | None = None,
        refresher: Refresher | None = None,
        client_factory: Callable[[Profile], Fetcher] | None = None,
        clock: Clock | None = None,
        banner: str | None = None,
        ui_state: Path | None = None,
    ) -> None:
        super().__init__()
        self.config = config
        self.watchlist = watchlist
        self.history = history
        self.clock = clock or SystemClock()
        self.banner = banner
        self.model = MonitorModel(watchlist.sends, watchlist.selected)
        self.refresher = refresher or Refresher(
            config, self.publish, history=history, client_factory=client_factory, clock=self.clock
        )
        self.writer = WatchListWriter(self)
        plain = config.settings.plain
        self.display_options = Display(masked=config.settings.mask_numbers, plain=plain)
        use_ascii(plain)  # process-wide, like the terminal it is for
        if plain:
            self.animation_level = "none"
            self.add_class("-plain")  # ASCII borders (styles/sendwatch.tcss)
        self.themes = ThemeMemory(self, ui_state)
        self.copies = Clipboard(config.settings.clipboard)
        """Where copies go; the driver this app builds hands it the terminal."""
        self.terminal_title = TerminalTitle()
        """The terminal's title (how many sends need attention); restored on exit."""
        self.driver_class = driver_class(self.driver_class, self.copies, self.terminal_title)
        self.services = Services(
            config,
            watchlist,
            history,
            self.clock,
            self.refresher,
            self.model,
            self.writer,
            self.display_options,
            clipboard=self.copies,
            title=self.terminal_title,
        )
        self.prune_worker: Worker[None] | None = None
        """Drops the history of sends removed long ago; tests wait for it."""
        self._help: HelpScreen | None = None
        self.set_keymap(dict(config.keymap))
        self.monitor = MonitorScreen(self.services)
        self.signals = SignalStop(self)
        """SIGTERM and SIGHUP quit as `q` does (exit 143, 129), terminal restored."""

    @property
    def interval(self) -> float:
        return self.refresher.interval

    def get_line_filters(self) -> Sequence[LineFilter]:
        """Textual's filters, then (under `--plain`) the last of the Unicode made ASCII."""
        filters = super().get_line_filters()
        return [*filters, ASCII_FILTER] if self.display_options.plain else filters

    def get_default_screen(self) -> Screen[None]:
        return self.monitor

    def on_mount(self) -> None:
        self.signals.install()
        self.themes.restore()
        for state in self.model.states:
            self.refresher.watch(state.send)
        self.run_worker(self.refresher.run(), name="refresher", exit_on_error=False)
        if self.history is not None:
            self.prune_worker = self.run_worker(
                self._prune_history, name="prune", thread=True, exit_on_error=False
            )
        if self.banner:
            self.notify(self.banner, title="sendwatch", timeout=8, markup=False)
        problems = keymap_problems(self.config.keymap, binding_ids(self.help_sections()))
        if problems:
            self.notify("\n".join(problems), severity="warning", timeout=15, markup=False)

    def publish(self, state: SendState) -> None:
        """The refresher's callback (same thread, same loop): hand the state on."""
        self.monitor.post_message(SendUpdated(state))

    def _prune_history(self) -> None:
        """Off the UI thread: the first prune of a big file reads every row."""
        assert self.history is not None
        keep = set(self.model.keys)
        try:
            self.history.prune(keep, before=self.clock.now() - KEEP_REMOVED)
        except (SendwatchError, OSError) as exc:  # the next poll's save reports real trouble
            log.warning("history not pruned: %s", exc)

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.worker.name == "refresher" and event.state is WorkerState.ERROR:
            self.notify(
                f"the refresher stopped: {event.worker.error}; restart sendwatch",
                severity="error",
                timeout=30,
                markup=False,
            )

    def on_unmount(self) -> None:
        """On quit (or SIGTERM, SIGHUP) every write asked for is finished first; the
        debounced selection write would come too late, so it is done now; the terminal
        gets its own title back while the driver can still write."""
        self.terminal_title.restore()
        self.signals.remove()
        end_running_commands()  # a hung client_secret_command would hold the exit
        self.writer.flush()
        key = self.model.selected
        if key != self.watchlist.selected:
            with contextlib.suppress(SendwatchError, OSError):  # nowhere left to say so
                self.watchlist.select(key)

    def action_mask(self) -> None:
        """On every screen (the drill-down's number too); only how numbers are drawn."""
        display = self.display_options
        display.masked = not display.masked
        for screen in self.screen_stack:
            screen.post_message(DisplayChanged())
        self.notify("Numbers masked" if display.masked else "Numbers shown", timeout=2)

    def action_toggle_time(self) -> None:
        """`t` on every screen: API times as Marketing Cloud wrote them, the rest in UTC−6."""
        display = self.display_options
        display.mc_time = not display.mc_time
        for screen in self.screen_stack:
            screen.post_message(DisplayChanged())
        self.notify(f"Times in {zone_word(display.mc_time)}", timeout=2)

    # ---- help ------------------------------------------------------------------------
    def help_sections(self) -> list[tuple[str, list[Binding]]]:
        """Every key, by where it works, with the keymap applied (for `?` and the README)."""
        screens = [self.monitor, RecipientScreen()]
        return help_sections(self, screens, self.config.keymap)

    def action_help(self) -> None:
        if self._help is None:  # built once: the keys never change while running
            self._help = HelpScreen(self.help_sections())
            self.install_screen(self._help, name="help")
        self.push_screen("help")
