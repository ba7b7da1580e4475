"""The sidebar: two lines per watched send, drawn with Textual's Line API.

The widget shows what it is handed (`set_entries`, `update_entry`) and keeps only render
caches: each entry's text pieces (`send_entry.entry_pieces`) and a small LRU of Strips.
Repainting an entry refreshes its two lines and nothing else, and a state that draws the
same text repaints nothing, so a poll that changes nothing writes nothing to the terminal.

Entries are addressed by index, in the order last given to `set_entries`. Messages tell
the user's intent only: `select()` and `set_entries()` never post `Highlighted`.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Sequence
from datetime import datetime
from typing import ClassVar, Final

from rich.cells import cell_len
from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.binding import Binding, BindingType
from textual.cache import LRUCache
from textual.geometry import Region, Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip

from tui.core.glyphs import GLYPH
from tui.core.state import SendState
from tui.ui.display import Display
from tui.ui.widgets.navigation import CursorKeys, cursor_bindings
from tui.ui.widgets.send_entry import Line, Piece, Role, entry_lines, entry_pieces, fit_line, plain
from tui.ui.widgets.styles import layer_style

__all__ = ["Line", "Piece", "Role", "SendList", "entry_lines"]

MARKER: Final = "▌"
"""Drawn left of the cursor entry: it stays visible without colour (NO_COLOR, 16 colours);
`GLYPH["marker"]` (">" under `--plain`) is what is drawn."""
STALE_ROOM: Final = len(" ⚠ stale")
"""Kept free on every entry's second line for the mark a failing read adds."""
GUTTER: Final = 2
"""Cells of an entry that are not text: the marker column and a blank one at the right."""

_LINES_PER_ENTRY: Final = 2
_CACHE_SIZE: Final = 256
_NORMAL, _CURSOR_FOCUSED, _CURSOR_BLURRED = 0, 1, 2


class SendList(CursorKeys, ScrollView, can_focus=True):
    """Watched sends in watch-list order, with a cursor entry (the selected send)."""

    HELP_TITLE: ClassVar[str] = "Sends (sidebar)"

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "send-list--cursor",
        "send-list--marker",
        *(f"send-list--{role}" for role in Role if role is not Role.PLAIN),
    }

    DEFAULT_CSS = """
    SendList {
        height: 1fr;
        overflow-x: hidden;
        background: $surface;
        color: $foreground;
        & > .send-list--cursor {
            background: $block-cursor-blurred-background;
            text-style: $block-cursor-blurred-text-style;
        }
        &:focus > .send-list--cursor {
            color: $block-cursor-foreground;
            background: $block-cursor-background;
            text-style: $block-cursor-text-style;
        }
        &:nocolor > .send-list--cursor { text-style: reverse; }
        & > .send-list--marker { color: $text-accent; }
        & > .send-list--name { text-style: bold; }
        & > .send-list--finished { color: $text-success; }
        & > .send-list--error { color: $text-error; text-style: bold; }
        & > .send-list--active { color: $text-primary; }
        & > .send-list--muted { color: $text-muted; }
        & > .send-list--stale { color: $text-warning; text-style: bold; }
        & > .send-list--delivered { color: $text-success; }
        & > .send-list--failed { color: $text-error; }
    }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        *cursor_bindings("sidebar", "send", "sends"),
        Binding(
            "enter",
            "open",
            "Open",
            show=False,
            tooltip="Open the selected send's recipients (focus the grid)",
            id="sidebar.open",
        ),
        Binding(
            "shift+up",
            "move(-1)",
            "Move up",
            show=False,
            tooltip="Move up: the selected send swaps with the one above",
            id="sidebar.move_up",
        ),
        Binding(
            "shift+down",
            "move(1)",
            "Move down",
            show=False,
            tooltip="Move down: the selected send swaps with the one below",
            id="sidebar.move_down",
        ),
    ]

    class _SidebarMessage(Message):
        """Knows the sidebar that sent it (for `@on(..., "#sidebar")`), when it has one."""

        def __init__(self, sidebar: SendList | None) -> None:
            super().__init__()
            self.sidebar = sidebar
            self.version = sidebar.version if sidebar is not None else None

        @property
        def control(self) -> SendList | None:
            return self.sidebar

        @property
        def current(self) -> bool:
            """No `set_entries` since this was sent: its index still means the same entry.

            Messages travel through queues: a rebuild (a watch-list save landing) can come
            between a key press and its handler. Always True for one built by hand.
            """
            return self.sidebar is None or self.version == self.sidebar.version

    class Highlighted(_SidebarMessage):
        """The user moved the cursor to entry `index` (keys or mouse; never `select()`)."""

        def __init__(self, index: int, sidebar: SendList | None = None) -> None:
            super().__init__(sidebar)
            self.index = index

    class Opened(_SidebarMessage):
        """Enter (or a double click) on entry `index`: the app focuses the grid."""

        def __init__(self, index: int, sidebar: SendList | None = None) -> None:
            super().__init__(sidebar)
            self.index = index

    class MoveRequested(_SidebarMessage):
        """Shift+arrow on the cursor entry: the app reorders the watch list and saves it."""

        def __init__(self, delta: int, sidebar: SendList | None = None) -> None:
            super().__init__(sidebar)
            self.delta = delta

    def __init__(
        self,
        *,
        now: Callable[[], datetime],
        profiles: Collection[str] = (),
        display: Display | None = None,
        name: str | None = None,
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self._now = now
        self.display_options = display or Display()
        """How read times are shown (`t`): the monitor's own; `set_entries` redraws."""
        self._profiles = frozenset(profiles)
        self._show_profile = False
        self._entries: list[tuple[Line, Line]] = []
        self._needs: list[int] = []
        """Cells each entry's text takes whole: the sidebar is as wide as the widest."""
        self._cursor: int | None = None
        self._version = 0
        self._strips: LRUCache[tuple[int, int, int], Strip] = LRUCache(_CACHE_SIZE)
        self._strips_size = (0, 0)
        self._styles_memo: dict[str, Style] = {}

    # ------------------------------------------------------------------ the API

    @property
    def selected(self) -> int | None:
        """The cursor entry's index; None only when there are no entries."""
        return self._cursor

    @property
    def entry_count(self) -> int:
        return len(self._entries)

    @property
    def version(self) -> int:
        """Bumped by every `set_entries`: an older message's index may mean another entry."""
        return self._version

    def set_entries(self, states: Sequence[SendState], selected: int | None) -> None:
        """Show `states` in this order (start, add, remove, reorder): a full rebuild.

        The cursor goes to `selected` (clamped; the first entry when None). Each entry
        names its profile when more than one is configured or in use. Posts nothing.
        """
        now = self._now()
        in_use = self._profiles | {state.send.profile for state in states}
        self._show_profile = len(in_use) > 1
        self._entries = [self._pieces(state, now) for state in states]
        self._needs = [_need(entry) for entry in self._entries]
        self._version += 1
        self._strips.clear()
        count = len(self._entries)
        self._cursor = None if count == 0 else max(0, min(selected or 0, count - 1))
        self.virtual_size = Size(0, count * _LINES_PER_ENTRY)
        self.refresh(layout=True)
        self._scroll_to_cursor()

    def update_entry(self, index: int, state: SendState) -> bool:
        """Show a new state for entry `index`; repaint its two lines only if they draw
        differently at the current width. True if it repainted."""
        if not 0 <= index < len(self._entries):
            return False
        old = self._entries[index]
        new = self._pieces(state, self._now())
        self._entries[index] = new  # kept even when unchanged here: a wider sidebar shows more
        # Never narrower until the next rebuild: a poll must not make the panes jump.
        need, self._needs[index] = max(self._needs), max(self._needs[index], _need(new))
        if max(self._needs) != need:
            self.refresh(layout=True)  # a count grew a digit: widen (within max-width)
        if old == new or self._shown(old) == self._shown(new):
            return False
        self._repaint(index)
        return True

    def _pieces(self, state: SendState, now: datetime) -> tuple[Line, Line]:
        mc = self.display_options.mc_time
        return entry_pieces(state, now, profile=self._show_profile, mc_time=mc)

    def select(self, index: int) -> None:
        """Put the cursor on entry `index` (clamped) and scroll it into view. Posts nothing."""
        self._set_cursor(index)

    def entry_plain(self, index: int) -> str:
        """Entry `index` as shown at the current width, its two lines joined with " | "."""
        return " | ".join(plain(line) for line in self._shown(self._entries[index]))

    # ------------------------------------------------------------------ cursor

    def _set_cursor(self, index: int, *, user: bool = False) -> None:
        count = len(self._entries)
        if count == 0:
            return
        index = max(0, min(index, count - 1))
        old = self._cursor
        if index != old:
            self._cursor = index
            if old is not None:
                self._repaint(old)
            self._repaint(index)
            if user:
                self.post_message(self.Highlighted(index, self))
        self._scroll_to_cursor()

    def _scroll_to_cursor(self) -> None:
        if self._cursor is None:
            return
        top, height = self.scroll_offset.y, self.scrollable_content_region.height
        first = self._cursor * _LINES_PER_ENTRY
        if first < top:
            self.scroll_to(y=first, animate=False)
        elif height and first + _LINES_PER_ENTRY > top + height:
            self.scroll_to(y=first + _LINES_PER_ENTRY - height, animate=False)

    def cursor_at(self) -> tuple[int, int, int] | None:
        if self._cursor is None:
            return None
        page = max(1, self.scrollable_content_region.height // _LINES_PER_ENTRY)
        return self._cursor, len(self._entries), page

    def go_to(self, index: int) -> None:
        self._set_cursor(index, user=True)

    def action_open(self) -> None:
        if self._cursor is not None:
            self.post_message(self.Opened(self._cursor, self))

    def action_move(self, delta: int) -> None:
        if self._cursor is not None:
            self.post_message(self.MoveRequested(delta, self))

    def on_click(self, event: events.Click) -> None:
        offset = event.get_content_offset(self)
        if offset is None:
            return
        index = (offset.y + self.scroll_offset.y) // _LINES_PER_ENTRY
        if index < len(self._entries):
            self._set_cursor(index, user=True)
            if event.chain >= 2:
                self.action_open()

    def on_resize(self, event: events.Resize) -> None:
        # Entries (and a cursor) may arrive before the first layout: keep the cursor in view.
        self.call_after_refresh(self._scroll_to_cursor)

    def on_focus(self, event: events.Focus) -> None:
        if self._cursor is not None:
            self._repaint(self._cursor)  # the cursor looks different with the focus

    def on_blur(self, event: events.Blur) -> None:
        if self._cursor is not None:
            self._repaint(self._cursor)

    # ------------------------------------------------------------------ rendering

    def get_content_width(self, container: Size, viewport: Size) -> int:
        """`width: auto`: as wide as the widest entry's text (CSS max-width caps it)."""
        return max(self._needs, default=0) + GUTTER

    def _text_width(self) -> int:
        """Cells for an entry's text: the content less the marker column and a blank one."""
        return self.scrollable_content_region.width - GUTTER

    def _shown(self, lines: tuple[Line, Line]) -> tuple[Line, ...]:
        """What `lines` draw at the current width (all of them before the first layout)."""
        width = self._text_width()
        return tuple(fit_line(line, width) for line in lines) if width > 0 else lines

    def _repaint(self, index: int) -> None:
        """Drop entry `index`'s strips and refresh its two lines if they are on screen."""
        for row in range(_LINES_PER_ENTRY):
            for state in (_NORMAL, _CURSOR_FOCUSED, _CURSOR_BLURRED):
                self._strips.discard((index, row, state))
        y = index * _LINES_PER_ENTRY - self.scroll_offset.y
        if -_LINES_PER_ENTRY < y < self.size.height:
            self.refresh(Region(0, y, self.size.width, _LINES_PER_ENTRY))

    def _style(self, name: str) -> Style:
        """The style of a component class, to add over the base or the cursor fill.

        A partial style drops alpha (`$text-muted` is "auto 60%": it would come out white),
        so colours and the cursor's background are taken blended over this widget's.
        """
        style = self._styles_memo.get(name)
        if style is None:
            if name == "base":
                style = self.rich_style
            elif name == "cursor":
                style = self.get_component_rich_style("send-list--cursor")
            elif name == "cursor-text":  # a cursor colour of its own wins over the roles'
                partial = self.get_component_rich_style("send-list--cursor", partial=True)
                cursor = self._style("cursor")
                style = Style(color=cursor.color) if partial.color is not None else Style()
            elif name == Role.PLAIN:
                style = Style()
            else:
                style = layer_style(self, f"send-list--{name}")
            self._styles_memo[name] = style
        return style

    def notify_style_update(self) -> None:
        """A theme or focus change: colours come from CSS, so every cached strip is stale."""
        super().notify_style_update()
        self._styles_memo.clear()
        self._strips.clear()

    def render_line(self, y: int) -> Strip:
        width = self.size.width
        base = self._style("base")
        index, row = divmod(y + self.scroll_offset.y, _LINES_PER_ENTRY)
        if index >= len(self._entries):
            return Strip.blank(width, base)
        size = (width, self.scrollable_content_region.width)
        if size != self._strips_size:
            self._strips.clear()
            self._strips_size = size
        state = _NORMAL
        if index == self._cursor:
            state = _CURSOR_FOCUSED if self.has_focus else _CURSOR_BLURRED
        key = (index, row, state)
        strip = self._strips.get(key)
        if strip is None:
            strip = self._render_entry_line(self._entries[index][row], state, base, width)
            self._strips.set(key, strip)
        return strip

    def _render_entry_line(self, line: Line, state: int, base: Style, width: int) -> Strip:
        fill, over = base, Style()
        if state != _NORMAL:
            fill, over = base + self._style("cursor"), self._style("cursor-text")
        marker = (
            Segment(GLYPH["marker"], base + self._style("marker")) if state else Segment(" ", base)
        )
        segments = [marker]
        segments.extend(
            Segment(piece.text, fill + self._style(piece.role) + over)
            for piece in fit_line(line, self._text_width())
        )
        content = self.scrollable_content_region.width
        strip = Strip(segments).adjust_cell_length(max(content, 1), fill)
        return strip.extend_cell_length(width, base) if width > content else strip


def _need(entry: tuple[Line, Line]) -> int:
    """Cells an entry's two lines take with every piece shown whole, and room for the
    stale mark: a read that fails does not move the detail pane (nor redraw its bar)."""
    first, second = entry
    stale = 0 if any(piece.role is Role.STALE for piece in second) else STALE_ROOM
    return max(cell_len(plain(first)), cell_len(plain(second)) + stale)
