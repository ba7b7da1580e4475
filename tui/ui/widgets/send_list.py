"""The sidebar: one two-line entry per watched send, repainted only when its text changes."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import datetime

from rich.text import Text
from textual.binding import Binding
from textual.geometry import Region
from textual.message import Message
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from tui.core.api.codes import Outcome
from tui.core.api.model import Phase
from tui.core.glyphs import OUTCOME_SYMBOL, PHASE_SYMBOL, STALE
from tui.core.state import SendState
from tui.core.text import safe_text
from tui.core.timefmt import fmt_local

PHASE_STYLE = {
    Phase.FINISHED: "green",
    Phase.ERROR: "bold red",
    Phase.STARTED: "cyan",
    Phase.QUEUING: "cyan",
}


def entry_text(state: SendState, now: datetime, width: int = 32) -> Text:
    """Two lines cut to `width`: symbol and name; status word, counts, last good read."""
    delivery = state.delivery
    first, second = Text(), Text()
    if delivery is None:
        symbol, word, style = (
            ("✗", "failed", "bold red") if state.error else ("…", "loading", "dim")
        )
    else:
        symbol, word = PHASE_SYMBOL[delivery.phase], safe_text(delivery.status, limit=10)
        style = PHASE_STYLE.get(delivery.phase, "")
    first.append(f"{symbol} ", style=style)
    first.append(safe_text(state.send.display_name), style="bold")
    first.truncate(width, overflow="ellipsis")
    second.append(f"  {word}", style=style)
    if state.error is not None:  # before the counts, so a narrow sidebar never cuts it
        second.append(f" {STALE} stale" if delivery else " (see details)", style="bold yellow")
    if delivery is not None:
        counts = delivery.counts
        for outcome, tint in ((Outcome.DELIVERED, "green"), (Outcome.FAILED, "red")):
            second.append(f" {OUTCOME_SYMBOL[outcome]}{counts.of(outcome):,}", style=tint)
        if counts.pending:
            second.append(f" {OUTCOME_SYMBOL[Outcome.PENDING]}{counts.pending:,}")
    if state.error is None and state.fetched_at is not None:
        second.append(f" {fmt_local(state.fetched_at, now=now, seconds=False)}", style="dim")
    second.truncate(width, overflow="ellipsis")
    return Text("\n").join([first, second])


class SendList(OptionList):
    """Watched sends in watch-list order. Selection is the highlighted entry."""

    BINDINGS = [
        Binding("j", "cursor_down", "Down", show=False, id="sidebar.down"),
        Binding("k", "cursor_up", "Up", show=False, id="sidebar.up"),
        Binding("shift+up", "move(-1)", "Move up", show=False, id="sidebar.move_up"),
        Binding("shift+down", "move(1)", "Move down", show=False, id="sidebar.move_down"),
    ]

    def __init__(self, *, now: Callable[[], datetime], id: str | None = None) -> None:
        super().__init__(id=id)
        self._now = now
        self._texts: dict[str, str] = {}
        self._states: dict[str, SendState] = {}
        self._order: list[str] = []
        self._width_built = 0

    @property
    def selected_key(self) -> str | None:
        index = self.highlighted
        return self._order[index] if index is not None and index < len(self._order) else None

    @property
    def entry_width(self) -> int:
        width = self.scrollable_content_region.width
        return max(width - 2, 12) if width else 30

    def set_sends(self, states: Iterable[SendState], selected: str | None = None) -> None:
        """Replace every entry (start, add, remove, reorder): rare, so a full rebuild is fine."""
        self._states = {s.key: s for s in states}
        self._order = list(self._states)
        self._rebuild()
        if self._order:
            index = self._order.index(selected) if selected in self._order else 0
            self.highlighted = index

    def _rebuild(self) -> None:
        width = self.entry_width
        now = self._now()
        texts = {key: entry_text(s, now, width) for key, s in self._states.items()}
        self._texts = {key: text.plain for key, text in texts.items()}
        highlighted = self.highlighted
        self.set_options(Option(text, id=key) for key, text in texts.items())
        if highlighted is not None and highlighted < len(self._order):
            self.highlighted = highlighted

    def on_resize(self) -> None:
        if self._order and self._width_built != self.entry_width:
            self._width_built = self.entry_width
            self._rebuild()

    def update_state(self, state: SendState) -> bool:
        """Repaint one entry, only when what it shows changed. True if it repainted."""
        if state.key not in self._texts:
            return False
        self._states[state.key] = state
        text = entry_text(state, self._now(), self.entry_width)
        if self._texts[state.key] == text.plain:
            return False
        self._texts[state.key] = text.plain
        try:
            self._repaint_entry(state.key, text)
        except AttributeError:  # OptionList internals moved: take the slow, safe road
            self.replace_option_prompt(state.key, text)
        return True

    def _repaint_entry(self, key: str, text: Text) -> None:
        """Swap one entry's prompt and repaint only its two lines.

        `replace_option_prompt` drops every cached line and repaints the whole list: with
        many in-flight sends that was most of the monitor's CPU and terminal bytes.
        Entries are always two lines, so nothing else can move.
        """
        option = self.get_option(key)
        option._set_prompt(text)
        cache = self._option_render_cache
        for cache_key in [k for k in cache.keys() if k[0] is option]:  # noqa: SIM118 (no __iter__)
            cache.discard(cache_key)
        y = self._index_to_line[self.get_option_index(key)] - self.scroll_offset.y
        if -2 < y < self.size.height:
            self.refresh(Region(0, y, self.size.width, 2))

    def select_key(self, key: str) -> None:
        if key in self._order:
            self.highlighted = self._order.index(key)

    def action_move(self, delta: int) -> None:
        self.post_message(self.MoveRequested(delta))

    class MoveRequested(Message):
        """Shift+arrow: the app reorders the watch list and persists it."""

        def __init__(self, delta: int) -> None:
            super().__init__()
            self.delta = delta
