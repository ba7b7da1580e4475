"""What the monitor screen works with, handed to it by the app (never fetched back from
it), so screens depend on these parts and not on the app that assembles them."""

from __future__ import annotations

from dataclasses import dataclass, field

from tui.core.clock import Clock
from tui.core.refresher import Refresher
from tui.core.store.config import Config
from tui.core.store.history import History
from tui.core.store.watchlist import WatchList
from tui.ui.clipboard import Clipboard
from tui.ui.display import Display
from tui.ui.saving import WatchListWriter
from tui.ui.terminal_title import TerminalTitle
from tui.ui.view_model import MonitorModel


@dataclass(frozen=True, slots=True)
class Services:
    config: Config
    watchlist: WatchList
    history: History | None
    clock: Clock
    refresher: Refresher
    model: MonitorModel
    writer: WatchListWriter
    display: Display
    clipboard: Clipboard = field(default_factory=Clipboard)
    title: TerminalTitle = field(default_factory=TerminalTitle)
