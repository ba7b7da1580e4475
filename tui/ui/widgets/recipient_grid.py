"""The tracking grid: one row per recipient, drawn with Textual's Line API.

A thin widget over the pure parts in `grid/`: `rows` (filter, index, what new data
changes), `columns` (widths, narrow layouts), `cells` (safe cell texts) and `lines` (cells
as styled segments). Only the lines on screen are ever rendered. Each rendered row is kept
as a `Strip` in a bounded LRU keyed by (row key, width, cursor state), so scrolling back is
cheap and a poll that changes nothing repaints nothing.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from datetime import date, datetime
from typing import ClassVar, Final

from textual import events
from textual.binding import Binding, BindingType
from textual.cache import LRUCache
from textual.geometry import Region, Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip

from tui.core.api.codes import Outcome
from tui.core.api.model import Recipient
from tui.core.text import safe_text
from tui.core.timefmt import SeenTimes
from tui.ui.display import Mask
from tui.ui.widgets.grid.cells import LOCAL, OUTCOME_LABELS, OUTCOME_WIDTH, Cells, cells, measure
from tui.ui.widgets.grid.columns import HEADERS, WIDEN_SAMPLE, Columns, sample
from tui.ui.widgets.grid.lines import STYLE_NAMES, Palette, empty_line, header_line, row_line
from tui.ui.widgets.grid.rows import FILTER_CYCLE, Codes, Rows, diff
from tui.ui.widgets.grid.sorting import Sort
from tui.ui.widgets.grid_view import ViewKeys, view_bindings
from tui.ui.widgets.navigation import CursorKeys, cursor_bindings
from tui.ui.widgets.styles import layer_style

__all__ = ["FILTER_CYCLE", "HEADERS", "OUTCOME_LABELS", "RecipientGrid", "safe_text"]

_CACHE_SIZE: Final = 1024
_HEADER: Final = object()  # the header's strip cache key, unlike any row key


class RecipientGrid(CursorKeys, ViewKeys, ScrollView, can_focus=True):
    """One row per recipient with a fixed header row and a cursor row."""

    HELP_TITLE: ClassVar[str] = "Recipients (grid)"

    COMPONENT_CLASSES: ClassVar[set[str]] = {f"recipient-grid--{n}" for n in STYLE_NAMES}

    DEFAULT_CSS = """
    RecipientGrid {
        height: 1fr;
        background: $surface;
        color: $foreground;
        & > .recipient-grid--header { text-style: bold; background: $panel; color: $foreground; }
        & > .recipient-grid--cursor {
            background: $block-cursor-blurred-background;
            color: $block-cursor-blurred-foreground;
            text-style: $block-cursor-blurred-text-style;
        }
        &:focus > .recipient-grid--cursor {
            background: $block-cursor-background;
            color: $block-cursor-foreground;
            text-style: $block-cursor-text-style;
        }
        & > .recipient-grid--delivered { color: $text-success; }
        & > .recipient-grid--failed { color: $text-error; }
        & > .recipient-grid--pending { color: $text-warning; }
        & > .recipient-grid--unknown { color: $text-muted; }
        & > .recipient-grid--muted { color: $text-muted; }
        & > .recipient-grid--empty { color: $text-muted; text-style: italic; }
    }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        *cursor_bindings("grid", "recipient", "recipients"),
        Binding(
            "enter",
            "select",
            "Open",
            tooltip="Open this recipient: its events, its outcome and why",
            id="grid.open",
        ),
        *view_bindings(),
    ]

    class _GridMessage(Message):
        grid: RecipientGrid | None = None

        @property
        def control(self) -> RecipientGrid | None:
            return self.grid

    class _RowMessage(_GridMessage):
        def __init__(
            self, recipient: Recipient, index: int, *, grid: RecipientGrid | None = None
        ) -> None:
            super().__init__()
            self.recipient, self.index, self.grid = recipient, index, grid

    class Selected(_RowMessage):
        """Enter (or a double click) on a recipient: the app opens its drill-down."""

    class CursorMoved(_RowMessage):
        """The cursor is on a different row or recipient."""

    class FilterChanged(_GridMessage):
        """The filters or the sort changed (`outcome` None: any outcome)."""

        def __init__(self, outcome: Outcome | None, *, grid: RecipientGrid | None = None) -> None:
            super().__init__()
            self.outcome, self.grid = outcome, grid

    def __init__(
        self,
        *,
        name: str | None = None,
        id: str | None = None,
        classes: str | None = None,
        disabled: bool = False,
        today: Callable[[], date] = date.today,
    ) -> None:
        super().__init__(name=name, id=id, classes=classes, disabled=disabled)
        self._clock = today
        self._today = today()
        self._data = Rows()
        self._columns = Columns(OUTCOME_WIDTH)
        self._cursor = 0
        self._announced: tuple[int, str] | None = None
        self._empty_message = "No tracking events yet"
        self._strips: LRUCache[tuple[object, int, object], Strip] = LRUCache(_CACHE_SIZE)
        self._strips_width = -1
        self._palette_memo: Palette | None = None
        self._mask: Mask | None = None
        self._times = LOCAL

    # ------------------------------------------------------------------ public API

    @property
    def rows(self) -> Rows:
        """The data shown: recipients, filter, shown rows and their number index."""
        return self._data

    @property
    def row_count(self) -> int:
        """Rows shown (after the outcome filter)."""
        return len(self._data.shown)

    @property
    def total_count(self) -> int:
        """Recipients in the data, ignoring the filter."""
        return len(self._data.recipients)

    @property
    def cursor_row(self) -> int:
        """Index of the cursor row in the shown rows (0 when there are none)."""
        return self._cursor

    @cursor_row.setter
    def cursor_row(self, index: int) -> None:
        self._set_cursor(index)

    @property
    def cursor_recipient(self) -> Recipient | None:
        return self.recipient_at(self._cursor)

    @property
    def outcome_filter(self) -> Outcome | None:
        return self._data.outcome

    def recipient_at(self, index: int) -> Recipient | None:
        """The recipient on shown row `index`, or None when there is no such row."""
        shown = self._data.shown
        return shown[index] if 0 <= index < len(shown) else None

    def visible_recipients(self) -> tuple[Recipient, ...]:
        """The shown rows in order (after the filter): what `Selected.index` points into."""
        shown = self._data.shown
        return shown if isinstance(shown, tuple) else tuple(shown)

    def move_to_number(self, mobile_number: str) -> bool:
        """Put the cursor on `mobile_number`; False when that number is not shown."""
        index = self._data.find(mobile_number)
        if index is None:
            return False
        self._set_cursor(index)
        return True

    def set_empty_message(self, message: str) -> None:
        """What to show while there are no recipients (e.g. why the send has none yet)."""
        message = safe_text(message)
        if message != self._empty_message:
            self._empty_message = message
            if not self._data.shown:
                self.refresh()

    def set_mask(self, mask: Mask | None) -> None:
        """Draw numbers with `mask` (None: as they are). Repaints the lines on screen only:
        the strip cache is dropped (1,024 strips at most), no row is visited."""
        if mask == self._mask:
            return
        self._mask = mask
        self._strips.clear()
        self.refresh()

    def set_times(self, times: SeenTimes) -> None:
        """Draw the Seen column with `times` (its zone, which times are upper bounds):
        the columns are measured again and the lines on screen repainted."""
        if times == self._times:
            return
        self._times = times
        self._today = self._clock()
        self._fit_columns(sample(self._data.shown), fresh=True)
        self._strips.clear()
        self.refresh()

    def set_filter(self, outcome: Outcome | None, codes: Codes | None = None) -> None:
        """Show only recipients with `outcome` and one of `codes` (None: any); the cursor
        keeps its number."""
        if (outcome, codes) != (self._data.outcome, self._data.codes):
            self._install(self._data.filtered(outcome, codes), self.cursor_recipient)
            self.post_message(self.FilterChanged(outcome, grid=self))

    def set_sort(self, sort: Sort) -> None:
        """Order the rows by `sort` (sorted once here, again only when data changes it)."""
        if sort != self._data.sort:
            self._install(self._data.sorted(sort), self.cursor_recipient)
            self.post_message(self.FilterChanged(self._data.outcome, grid=self))

    def set_data(
        self,
        recipients: Sequence[Recipient],
        since: Mapping[str, datetime] | None = None,
        changed: Collection[str] | None = None,
        in_place: bool = False,
        positions: Mapping[str, int] | None = None,
    ) -> None:
        """Replace the data; repaint only rows that changed and are on screen.

        `changed` (numbers whose rows may differ, as the refresher computes them) lets a
        poll of 100,000 recipients skip comparing every row; `in_place` vouches that the
        old rows are still first and in order, which saves checking 100,000 numbers.
        `positions` (each number's index in `recipients`, as a Delivery has it) spares
        building a 100,000-entry index on the UI thread. All three arguments are kept,
        not copied: callers must not mutate them afterwards.
        """
        old = self._data
        update = diff(
            old, recipients, since, changed=changed, in_place=in_place, positions=positions
        )
        if update.replace_all:
            self._install(update.rows, self.cursor_recipient)
            return
        self._data = update.rows
        if update.appended:
            self.virtual_size = Size(self._columns.min_width, len(update.rows.shown) + 1)
            top, visible = self._visible_rows()
            if update.appended.start < top + visible:  # new rows landed on screen
                self.refresh()
        elif not update.rows.shown and bool(old.recipients) != bool(recipients):
            self.refresh()  # the empty-state message depends on whether any data exists
        self._repaint_rows(update.changed)

    # ------------------------------------------------------------------ data plumbing

    def _install(self, rows: Rows, keep: Recipient | None) -> None:
        """Take rows whose order changed: re-measure, repaint everything, follow `keep`."""
        self._data = rows
        self._fit_columns(sample(rows.shown), fresh=True)
        self._strips.clear()
        self.virtual_size = Size(self._columns.min_width, len(rows.shown) + 1)
        target = self._cursor if keep is None else rows.index.get(keep.mobile_number, self._cursor)
        self._cursor = -1  # force the cursor bookkeeping below
        self._set_cursor(target)
        self.refresh()

    def _repaint_rows(self, rows: Sequence[int]) -> None:
        if not rows:
            return
        data = self._data
        if self._fit_columns(data.shown[i] for i in rows[:WIDEN_SAMPLE]):
            self.refresh()
        else:
            for i in rows:
                key = data.key(i)
                for state in (0, 1, 2):
                    self._strips.discard((key, self._strips_width, state))
            self._refresh_rows(rows)
        self._announce()

    def _fit_columns(self, rows: Iterable[Recipient], *, fresh: bool = False) -> bool:
        """Widen the columns to fit `rows` (from the minimum when `fresh`); True if changed,
        and then every drawn line is stale. Three cells are measured, on 640 rows at most."""
        since, today = self._data.since, self._today
        start = Columns(OUTCOME_WIDTH) if fresh else self._columns
        times = self._times
        columns = start.widen(measure(r, since.get(r.mobile_number), today, times) for r in rows)
        if columns == self._columns:
            return False
        self._columns = columns
        self._strips.clear()
        self.virtual_size = Size(columns.min_width, self.virtual_size.height)
        return True

    def _cells(self, recipient: Recipient) -> Cells:
        """A row's cell texts (a method, so a test can count the rows whose text is built)."""
        since = self._data.since.get(recipient.mobile_number)
        return cells(recipient, since, self._today, self._mask, self._times)

    # ------------------------------------------------------------------ rendering

    def _palette(self) -> Palette:
        if self._palette_memo is None:
            self._palette_memo = Palette.of(
                self.rich_style,
                lambda name: layer_style(self, f"recipient-grid--{name}"),
            )
        return self._palette_memo

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._palette_memo = None
        self._strips.clear()

    def render_lines(self, crop: Region) -> list[Strip]:
        today = self._clock()
        if today != self._today:  # "since" shows the time only for today's changes
            self._today = today
            self._strips.clear()
            self._fit_columns(sample(self._data.shown), fresh=True)
        return super().render_lines(crop)

    def render_line(self, y: int) -> Strip:
        width = self.size.width
        palette = self._palette()
        data = self._data
        if not data.shown and y:  # the header stays; the message says what hides the rows
            if y != max(1, self.size.height // 2 - 1):
                return Strip.blank(width, palette.base)
            return Strip(empty_line(palette, data.why_empty(self._empty_message), width), width)
        # Lay the columns out in the area left of the scrollbar; the strip itself spans
        # the whole widget (the scrollbar is drawn over its tail).
        total = max(self.scrollable_content_region.width, self._columns.min_width)
        if total != self._strips_width:
            self._strips.clear()
            self._strips_width = total
        if y == 0:
            key = (_HEADER, total, data.sort)
            strip = self._strips.get(key)
            if strip is None:
                line = header_line(palette, self._columns.widths(total), data.sort, total)
                self._strips.set(key, strip := Strip(line, total))
        else:
            index = y - 1 + self.scroll_offset.y
            if index >= len(data.shown):
                return Strip.blank(width, palette.base)
            strip = self._render_row(index, total, palette)
        scroll_x = self.scroll_offset.x
        if total != width or scroll_x:
            strip = strip.crop_extend(scroll_x, scroll_x + width, palette.base)
        return strip

    def _render_row(self, index: int, total: int, palette: Palette) -> Strip:
        state = 0 if index != self._cursor else (1 if self.has_focus else 2)
        cache_key = (self._data.key(index), total, state)
        strip = self._strips.get(cache_key)
        if strip is None:
            recipient = self._data.shown[index]
            texts = self._cells(recipient)
            widths = self._columns.widths(total)
            line = row_line(palette, texts, recipient.outcome, widths, total, cursor=bool(state))
            strip = Strip(line, total)
            self._strips.set(cache_key, strip)
        return strip

    # ------------------------------------------------------------------ cursor

    def _visible_rows(self) -> tuple[int, int]:
        """(first shown row index, how many rows fit under the header)."""
        return self.scroll_offset.y, max(1, self.scrollable_content_region.height - 1)

    def _refresh_rows(self, rows: Iterable[int]) -> None:
        """Repaint the lines of those `rows` that are on screen."""
        top, visible = self._visible_rows()
        width = max(self.size.width, self.virtual_size.width)
        for i in rows:
            if top <= i < top + visible:
                self.refresh(Region(0, i - top + 1, width, 1))

    def _set_cursor(self, index: int) -> None:
        count = len(self._data.shown)
        index = 0 if count == 0 else max(0, min(index, count - 1))
        old = self._cursor
        if index != old:
            self._cursor = index
            self._refresh_rows((old, index) if 0 <= old < count else (index,))
        self._scroll_to_cursor()
        self._announce()

    def _scroll_to_cursor(self) -> None:
        if not self._data.shown:
            return
        top, visible = self._visible_rows()
        index = self._cursor
        if index < top:
            self.scroll_to(y=index, animate=False)
        elif index >= top + visible:
            self.scroll_to(y=index - visible + 1, animate=False)

    def _announce(self) -> None:
        recipient = self.cursor_recipient
        if recipient is None:
            self._announced = None
            return
        current = (self._cursor, recipient.mobile_number)
        if current != self._announced:
            self._announced = current
            self.post_message(self.CursorMoved(recipient, self._cursor, grid=self))

    # ------------------------------------------------------------------ actions, mouse

    def cursor_at(self) -> tuple[int, int, int] | None:
        count = len(self._data.shown)
        return (self._cursor, count, self._visible_rows()[1]) if count else None

    def go_to(self, index: int) -> None:
        self._set_cursor(index)

    def action_select(self) -> None:
        recipient = self.cursor_recipient
        if recipient is not None:
            self.post_message(self.Selected(recipient, self._cursor, grid=self))

    def on_resize(self, event: events.Resize) -> None:
        # Data (and a cursor) may arrive before the first layout: keep the cursor in view.
        self.call_after_refresh(self._scroll_to_cursor)

    def on_click(self, event: events.Click) -> None:
        offset = event.get_content_offset(self)
        if offset is None or offset.y < 1 or not self._data.shown:
            return
        index = offset.y - 1 + self.scroll_offset.y
        if index < len(self._data.shown):
            self._set_cursor(index)
            if event.chain >= 2:
                self.action_select()
