"""More of the command palette (ctrl+p): a number across every watched send, and actions.

Digits typed in the palette find that number in every send's data as last read
("15555550102 in Black Friday: ✗ 4501 Expired"); choosing a hit selects the send and puts
the grid's cursor on the number. The actions are the monitor's own key bindings (pause,
refresh, export, MC time, mask, find) plus the outcome filters, each run as its key would.
Numbers are shown as the mask says: the search itself runs on the real ones.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from functools import partial
from typing import Final

from textual.app import App
from textual.binding import Binding
from textual.command import DiscoveryHit, Hit, Hits, Provider
from textual.dom import DOMNode
from textual.widget import Widget

from tui.core.api.codes import Outcome
from tui.core.finding import NumberFinder, number_query
from tui.core.search import digits_key
from tui.ui.keys import key_display, own_bindings, remapped
from tui.ui.monitor import MonitorScreen
from tui.ui.palette import literal

HIT_LIMIT: Final = 20
"""Number hits shown at most: more means the number typed is not yet specific."""

_FINDER = NumberFinder()
"""Each send's search index, kept while its data is (one palette opening to the next)."""


def _monitor(provider: Provider) -> MonitorScreen | None:
    """The monitor, when the palette was opened over it (not over a drill-down)."""
    screen = provider.screen
    return screen if isinstance(screen, MonitorScreen) else None


def go_to_number(monitor: MonitorScreen, key: str, number: str) -> None:
    """Select the send and put the grid's cursor on `number` (clearing a filter that
    hides it)."""
    monitor.select_send(key)
    grid = monitor.detail.grid
    if not grid.move_to_number(number):
        grid.set_filter(None)
        grid.move_to_number(number)
    grid.focus()


class NumberCommands(Provider):
    """One hit per match of a number (3 digits or more) in any watched send."""

    async def search(self, query: str) -> Hits:
        monitor = _monitor(self)
        found = number_query(query)
        if found is None or monitor is None:
            return
        sends = [
            (s.key, s.send.display_name, s.delivery.recipients)
            for s in monitor.model.states
            if s.delivery is not None
        ]
        hits = _FINDER.hits(found, sends, limit=HIT_LIMIT + 1)
        show = monitor.services.display.number
        for hit in hits[:HIT_LIMIT]:
            text = literal(hit.line(show))
            exact = digits_key(hit.number) == found.digits
            yield Hit(
                1.0 if exact else 0.9,
                text,
                partial(go_to_number, monitor, hit.send_key, hit.number),
                text=text,
            )
        if len(hits) > HIT_LIMIT:
            yield Hit(
                0.1,
                f"More than {HIT_LIMIT} numbers match: type more digits",
                lambda: None,
                help="Or / in the grid finds every match of the selected send",
            )


ACTIONS: Final = (
    ("monitor.pause", "Pause or resume polling"),
    ("monitor.refresh", "Refresh the selected send now"),
    ("grid.search", "Find in the grid: a number, a code or a name"),
    ("monitor.export", "Export the grid's recipients to CSV or JSON"),
    ("app.time", "Toggle times: Marketing Cloud (UTC−6) or local"),
    ("app.mask", "Mask or show mobile numbers"),
    ("monitor.ticket", "Copy a ticket note for the selected send"),
    ("monitor.add", "Watch another send"),
)
"""Binding id → what the palette calls it (its help says the key and what it does)."""

FILTERS: Final[tuple[tuple[Outcome | None, str], ...]] = (
    (Outcome.FAILED, "Filter: failed recipients only"),
    (Outcome.PENDING, "Filter: pending recipients only"),
    (Outcome.DELIVERED, "Filter: delivered recipients only"),
    (Outcome.UNKNOWN, "Filter: unknown recipients only"),
    (None, "Filter: every recipient (no filter)"),
)


class ActionCommands(Provider):
    """The monitor's actions by name, for whoever would rather type than remember keys."""

    def _commands(self) -> Iterator[tuple[str, Callable[[], object], str]]:
        monitor = _monitor(self)
        if monitor is None:
            return
        grid = monitor.detail.grid
        nodes: list[Widget | App[object]] = [monitor, grid, self.app]
        keymap = monitor.services.config.keymap
        bindings: dict[str, tuple[Widget | App[object], Binding]] = {}
        for node in nodes:
            for cls in type(node).__mro__:
                for binding in own_bindings(cls) if issubclass(cls, DOMNode) else ():
                    if binding.id and binding.id not in bindings:
                        bindings[binding.id] = (node, remapped(binding, keymap))
        has_send = monitor.model.selected_state is not None
        for binding_id, title in ACTIONS:
            if binding_id not in bindings or (binding_id.startswith("grid.") and not has_send):
                continue
            node, binding = bindings[binding_id]
            key = key_display(self.app, binding)
            help_text = f"{key} · {binding.tooltip or binding.description}"
            yield title, partial(node.run_action, binding.action), help_text
        if has_send:
            for outcome, title in FILTERS:
                yield title, partial(grid.set_filter, outcome), "f cycles the filter"

    async def discover(self) -> Hits:
        for title, command, help_text in self._commands():
            yield DiscoveryHit(title, command, help=literal(help_text))

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for title, command, help_text in self._commands():
            score = matcher.match(title)
            if score > 0:
                yield Hit(score, matcher.highlight(title), command, help=literal(help_text))
