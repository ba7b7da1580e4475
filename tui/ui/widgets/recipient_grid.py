"""The tracking grid: one row per recipient, drawn with Textual's Line API.

Only the lines on screen are ever rendered. Each rendered row is kept as a `Strip` in a
bounded LRU keyed by (row key, width, cursor state), so scrolling back is cheap and a
poll that changes nothing repaints nothing. Column widths come from a bounded sample of
rows, never from a scan of all of them.

Everything a server sends (numbers, codes, carrier messages) is drawn as literal text
after `safe_text` has replaced control characters, so it can neither inject terminal
escape sequences nor break the layout.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from datetime import date, datetime
from typing import ClassVar, Final

from rich.cells import cell_len, set_cell_size
from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.binding import Binding, BindingType
from textual.cache import LRUCache
from textual.geometry import Region, Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip

from tui.core.api import codes
from tui.core.api.codes import Outcome
from tui.core.api.model import Recipient, TrackingEvent
from tui.core.glyphs import OUTCOME_WORDS
from tui.core.text import safe_text
from tui.core.timefmt import fmt_short

__all__ = ["FILTER_CYCLE", "OUTCOME_LABELS", "RecipientGrid", "safe_text"]


def _fit(text: str, width: int, right: bool = False) -> str:
    """Pad or truncate (with an ellipsis) `text` to exactly `width` cells."""
    if width <= 0:
        return ""
    length = cell_len(text)
    if length > width:
        return set_cell_size(text, width - 1) + "…"
    if length == width:
        return text
    pad = " " * (width - length)
    return pad + text if right else text + pad


# --------------------------------------------------------------------------- cells

OUTCOME_LABELS: Final[Mapping[Outcome, str]] = OUTCOME_WORDS
"""Outcome word and symbol: the grid never relies on colour alone."""

FILTER_CYCLE: Final[tuple[Outcome | None, ...]] = (
    None,
    Outcome.FAILED,
    Outcome.PENDING,
    Outcome.DELIVERED,
    Outcome.UNKNOWN,
)
"""The order `f` cycles the outcome filter through (None shows every recipient)."""

HEADERS: Final = ("Number", "Outcome", "Status code", "Last carrier message", "Events", "Since")
_NUMBER, _OUTCOME, _CODE, _MESSAGE, _EVENTS, _SINCE = range(6)

_OUTCOME_WIDTH: Final = max(cell_len(label) for label in OUTCOME_LABELS.values())
_EVENTS_WIDTH: Final = 6
_SINCE_MIN: Final = 5  # the header; values widen it (8 for today, 12 for older)
_NUMBER_MIN, _NUMBER_MAX = 6, 20
_CODE_MIN, _CODE_MAX = 11, 30
_MESSAGE_MIN: Final = 14
_GAP: Final = 1  # blank cells to the left of every column
_DROP_ORDER: Final = (_MESSAGE, _EVENTS)  # left out, in this order, when the grid is narrow

_SAMPLE_HEAD: Final = 512
_WIDEN_SAMPLE: Final = 64  # changed rows measured per poll for a wider code or number
_SAMPLE_TAIL: Final = 128
_CACHE_SIZE: Final = 1024

Cells = tuple[str, str, str, str, str, str]


def _code_text(recipient: Recipient) -> str:
    info = codes.describe(recipient.outcome_code)
    if info is not None:
        return f"{info.code} {info.name}"
    if recipient.outcome_code is not None:
        return f"{recipient.outcome_code} unlisted code"
    if not recipient.events:
        return "no status"
    return recipient.outcome_label  # old-shape entry: raw statusCode / message


def _carrier_text(event: TrackingEvent | None) -> str:
    if event is None:
        return ""
    parts: list[str] = []
    for part in (event.message, event.description):
        if part and part.strip() and part.strip().upper() != "NA" and part not in parts:
            parts.append(part.strip())
    return " · ".join(parts)


def _same_row(old: Recipient, new: Recipient) -> bool:
    """Would `new` draw exactly like `old`? (same number assumed)."""
    if old is new:
        return True
    if old.outcome_code != new.outcome_code or old.outcome is not new.outcome:
        return False
    if len(old.events) != len(new.events):
        return False
    return not old.events or old.events[-1] == new.events[-1]


# --------------------------------------------------------------------------- widget


class RecipientGrid(ScrollView, can_focus=True):
    """One row per recipient with a fixed header row and a cursor row."""

    HELP_TITLE: ClassVar[str] = "Recipients (grid)"

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "recipient-grid--header",
        "recipient-grid--cursor",
        "recipient-grid--delivered",
        "recipient-grid--failed",
        "recipient-grid--pending",
        "recipient-grid--unknown",
        "recipient-grid--muted",
        "recipient-grid--empty",
    }

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
        Binding("up,k", "cursor_up", "Up", show=False, id="recipient_grid.cursor_up"),
        Binding("down,j", "cursor_down", "Down", show=False, id="recipient_grid.cursor_down"),
        Binding("pageup", "cursor_page_up", "Page up", show=False, id="recipient_grid.page_up"),
        Binding(
            "pagedown", "cursor_page_down", "Page down", show=False, id="recipient_grid.page_down"
        ),
        Binding("home,g", "cursor_first", "First", show=False, id="recipient_grid.first"),
        Binding("end,G", "cursor_last", "Last", show=False, id="recipient_grid.last"),
        Binding("enter", "select", "Open", id="recipient_grid.select"),
        Binding("f", "cycle_filter", "Filter", id="recipient_grid.filter"),
    ]

    class _RowMessage(Message):
        def __init__(
            self, recipient: Recipient, index: int, *, grid: RecipientGrid | None = None
        ) -> None:
            super().__init__()
            self.recipient = recipient
            self.index = index
            self.grid = grid

        @property
        def control(self) -> RecipientGrid | None:
            return self.grid

    class Selected(_RowMessage):
        """Enter (or a double click) on a recipient: the app opens its drill-down."""

    class CursorMoved(_RowMessage):
        """The cursor is on a different row or recipient."""

    class FilterChanged(Message):
        """The outcome filter changed (None: every recipient is shown)."""

        def __init__(self, outcome: Outcome | None, *, grid: RecipientGrid | None = None) -> None:
            super().__init__()
            self.outcome = outcome
            self.grid = grid

        @property
        def control(self) -> RecipientGrid | None:
            return self.grid

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
        self._all: Sequence[Recipient] = ()
        self._rows: Sequence[Recipient] = ()
        self._index: Mapping[str, int] = {}
        self._positions: Mapping[str, int] | None = None  # the caller's, for all recipients
        self._unique = True
        self._since: Mapping[str, datetime] = {}
        self._filter: Outcome | None = None
        self._cursor = 0
        self._announced: tuple[int, str] | None = None
        self._empty_message = "No tracking events yet"
        self._number_width = _NUMBER_MIN
        self._code_width = _CODE_MIN
        self._since_width = _SINCE_MIN
        self._strips: LRUCache[tuple[object, int, int], Strip] = LRUCache(_CACHE_SIZE)
        self._strips_width = -1
        self._header: tuple[tuple[int, Outcome | None], Strip] | None = None
        self._styles_memo: dict[str, Style] = {}
        self._today = today()

    # ------------------------------------------------------------------ public API

    @property
    def row_count(self) -> int:
        """Rows shown (after the outcome filter)."""
        return len(self._rows)

    @property
    def total_count(self) -> int:
        """Recipients in the data, ignoring the filter."""
        return len(self._all)

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
        return self._filter

    def recipient_at(self, index: int) -> Recipient | None:
        """The recipient on shown row `index`, or None when there is no such row."""
        if 0 <= index < len(self._rows):
            return self._rows[index]
        return None

    def visible_recipients(self) -> tuple[Recipient, ...]:
        """The shown rows in order (after the filter): what `Selected.index` points into."""
        rows = self._rows
        return rows if isinstance(rows, tuple) else tuple(rows)

    def move_to_number(self, mobile_number: str) -> bool:
        """Put the cursor on `mobile_number`; False when that number is not shown."""
        index = self._index.get(mobile_number)
        if index is None or not self._unique:
            index = next(
                (i for i, r in enumerate(self._rows) if r.mobile_number == mobile_number), None
            )
        if index is None:
            return False
        self._set_cursor(index)
        return True

    def set_empty_message(self, message: str) -> None:
        """What to show while there are no recipients (e.g. why the send has none yet)."""
        message = safe_text(message)
        if message != self._empty_message:
            self._empty_message = message
            if not self._rows:
                self.refresh()

    def set_filter(self, outcome: Outcome | None) -> None:
        """Show only recipients with `outcome` (None: all); the cursor keeps its number."""
        if outcome == self._filter:
            return
        keep = self.cursor_recipient
        self._filter = outcome
        rows = self._filtered(self._all)
        self._install_rows(rows, keep, self._positions if rows is self._all else None)
        self.post_message(self.FilterChanged(outcome, grid=self))

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
        new_since = since if since is not None else {}
        old_all, old_rows, old_since = self._all, self._rows, self._since
        new_rows = self._filtered(recipients)
        self._all, self._since = recipients, new_since
        if positions is not None and len(positions) != len(recipients):
            positions = None  # not an index of these recipients
        self._positions = positions
        if new_rows is not recipients:
            positions = None  # filtered: it does not index the shown rows

        if changed is not None:
            if not self._kept_in_order(new_rows, in_place):
                self._install_rows(new_rows, self.cursor_recipient, positions)
                return
            self._take_appended(new_rows, positions)
            self._repaint_rows(sorted(self._index[n] for n in changed if n in self._index))
            return
        rows_changed = self._diff(old_rows, new_rows, old_since, new_since)
        if rows_changed is None:  # shape changed: rows added, removed or reordered
            self._install_rows(new_rows, self.cursor_recipient, positions)
            return
        self._rows = new_rows
        if not new_rows and bool(old_all) != bool(recipients):
            self.refresh()  # the empty-state message depends on whether any data exists
        self._repaint_rows(rows_changed)

    def _kept_in_order(self, rows: Sequence[Recipient], in_place: bool) -> bool:
        """Are the shown rows still first, in the same order (new ones only appended)?"""
        if not (self._rows and self._unique) or len(rows) < len(self._rows):
            return False
        if in_place and self._filter is None:  # the refresher checked, off the UI thread
            return True
        return all(
            a is b or a.mobile_number == b.mobile_number
            for a, b in zip(self._rows, rows, strict=False)
        )

    def _take_appended(
        self, rows: Sequence[Recipient], positions: Mapping[str, int] | None
    ) -> None:
        """Same rows in the same order, maybe new ones at the end: extend, don't rebuild."""
        old_count = len(self._rows)
        self._rows = rows
        if positions is None and len(rows) > old_count:
            index = dict(self._index)  # a copy: the index may be a caller's
            for i in range(old_count, len(rows)):
                index.setdefault(rows[i].mobile_number, i)
            positions = index
        if positions is not None:
            self._index = positions
        if len(rows) == old_count:
            return
        self._unique = len(self._index) == len(rows)
        self.virtual_size = Size(self._min_width(), len(rows) + 1)
        top, visible = self._visible_rows()
        if old_count < top + visible:  # new rows landed on screen
            self.refresh()

    def _repaint_rows(self, rows: list[int]) -> None:
        if not rows:
            return
        if self._widen_columns(self._rows[i] for i in rows[:_WIDEN_SAMPLE]):
            self._clear_strips()
            self.refresh()
        else:
            top, visible = self._visible_rows()
            width = max(self.size.width, self.virtual_size.width)
            for i in rows:
                key = self._row_key(i)
                for state in (0, 1, 2):
                    self._strips.discard((key, self._strips_width, state))
                if top <= i < top + visible:
                    self.refresh(Region(0, i - top + 1, width, 1))
        self._announce()

    # ------------------------------------------------------------------ data plumbing

    def _filtered(self, recipients: Sequence[Recipient]) -> Sequence[Recipient]:
        if self._filter is None:
            return recipients
        wanted = self._filter
        return [r for r in recipients if r.outcome is wanted]

    def _diff(
        self,
        old: Sequence[Recipient],
        new: Sequence[Recipient],
        old_since: Mapping[str, datetime],
        new_since: Mapping[str, datetime],
    ) -> list[int] | None:
        """Indices of rows that draw differently, or None when the rows' order changed."""
        if len(old) != len(new) or not self._unique:
            return None
        since_same = old_since == new_since
        changed: list[int] = []
        for i, (a, b) in enumerate(zip(old, new, strict=True)):
            if a is b and since_same:
                continue
            number = b.mobile_number
            if a.mobile_number != number:
                return None
            if not _same_row(a, b) or (
                not since_same and old_since.get(number) != new_since.get(number)
            ):
                changed.append(i)
        return changed

    def _install_rows(
        self,
        rows: Sequence[Recipient],
        keep: Recipient | None,
        positions: Mapping[str, int] | None = None,
    ) -> None:
        """Take new rows whose order changed: reindex, re-measure, repaint everything."""
        self._rows = rows
        if positions is None:
            positions = {r.mobile_number: i for i, r in enumerate(rows)}
        self._index = positions
        self._unique = len(self._index) == len(rows)
        self._measure_columns()
        self._clear_strips()
        self._header = None
        self.virtual_size = Size(self._min_width(), len(rows) + 1 if rows else 0)
        target = self._cursor
        if keep is not None:
            found = self._index.get(keep.mobile_number)
            if found is not None:
                target = found
        self._cursor = -1  # force the cursor bookkeeping below
        self._set_cursor(target)
        self.refresh()

    def _row_key(self, index: int) -> object:
        return self._rows[index].mobile_number if self._unique else index

    # ------------------------------------------------------------------ columns

    def _cells(self, recipient: Recipient) -> Cells:
        """The six cell texts of a row, already made safe (the only per-row text work)."""
        last = recipient.events[-1] if recipient.events else None
        return (
            safe_text(recipient.mobile_number),
            OUTCOME_LABELS[recipient.outcome],
            safe_text(_code_text(recipient)),
            safe_text(_carrier_text(last)),
            str(len(recipient.events)),
            fmt_short(self._since.get(recipient.mobile_number), self._today),
        )

    def _measure_columns(self) -> None:
        """Column widths from a bounded sample: the head and the tail of the rows."""
        rows = self._rows
        if len(rows) <= _SAMPLE_HEAD + _SAMPLE_TAIL:
            sample: Sequence[Recipient] = rows
        else:
            sample = [*rows[:_SAMPLE_HEAD], *rows[-_SAMPLE_TAIL:]]
        self._number_width = _NUMBER_MIN
        self._code_width = _CODE_MIN
        self._since_width = _SINCE_MIN
        self._widen_columns(sample)

    def _widen_columns(self, rows: Iterable[Recipient]) -> bool:
        """Grow the number/code columns (within caps) to fit `rows`; True if they grew."""
        widths = before = (self._number_width, self._code_width, self._since_width)
        since, today = self._since, self._today
        for recipient in rows:  # only the three measured cells: this runs on 640 rows
            number = recipient.mobile_number
            widths = (
                max(widths[0], min(cell_len(safe_text(number)), _NUMBER_MAX)),
                max(widths[1], min(cell_len(safe_text(_code_text(recipient))), _CODE_MAX)),
                max(widths[2], cell_len(fmt_short(since.get(number), today))),
            )
        grew = widths != before
        self._number_width, self._code_width, self._since_width = widths
        if grew:
            self._header = None
            self.virtual_size = Size(self._min_width(), self.virtual_size.height)
        return grew

    def _needed(self, hidden: frozenset[int]) -> int:
        """Cells a line needs with `hidden` columns left out (code and message at minimum)."""
        widths = {
            _NUMBER: self._number_width,
            _OUTCOME: _OUTCOME_WIDTH,
            _CODE: _CODE_MIN,
            _MESSAGE: _MESSAGE_MIN,
            _EVENTS: _EVENTS_WIDTH,
            _SINCE: self._since_width,
        }
        shown = [w for column, w in widths.items() if column not in hidden]
        return sum(shown) + len(shown) * _GAP + 1

    def _hidden(self, total: int) -> frozenset[int]:
        """Columns dropped so a narrow grid still shows number, outcome, code and since."""
        hidden: frozenset[int] = frozenset()
        for column in _DROP_ORDER:
            if self._needed(hidden) <= total:
                break
            hidden |= {column}
        return hidden

    def _min_width(self) -> int:
        return self._needed(frozenset(_DROP_ORDER))

    def _widths(self, total: int) -> tuple[int, ...]:
        """Column widths for a line `total` cells wide; code and message share the rest."""
        hidden = self._hidden(total)
        rest = total - self._needed(hidden) + _CODE_MIN
        message = 0
        if _MESSAGE not in hidden:
            rest += _MESSAGE_MIN
            code = min(self._code_width, max(_CODE_MIN, rest - _MESSAGE_MIN))
            message = max(_MESSAGE_MIN, rest - code)
        else:
            code = max(_CODE_MIN, min(self._code_width, rest))
        return (
            self._number_width,
            _OUTCOME_WIDTH,
            code,
            message,
            0 if _EVENTS in hidden else _EVENTS_WIDTH,
            self._since_width,
        )

    # ------------------------------------------------------------------ styles

    def _style(self, name: str) -> Style:
        style = self._styles_memo.get(name)
        if style is None:
            if name == "base":
                style = self.rich_style
            else:
                style = self.get_component_rich_style(f"recipient-grid--{name}", partial=True)
            self._styles_memo[name] = style
        return style

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._styles_memo.clear()
        self._clear_strips()
        self._header = None

    def _clear_strips(self) -> None:
        self._strips.clear()

    # ------------------------------------------------------------------ rendering

    def render_lines(self, crop: Region) -> list[Strip]:
        today = self._clock()
        if today != self._today:  # "since" shows the time only for today's changes
            self._today = today
            self._clear_strips()
            self._measure_columns()
        return super().render_lines(crop)

    def render_line(self, y: int) -> Strip:
        width = self.size.width
        base = self._style("base")
        rows = self._rows
        if not rows:
            return self._render_empty(y, width, base)
        # Lay the columns out in the area left of the scrollbar; the strip itself spans
        # the whole widget (the scrollbar is drawn over its tail).
        total = max(self.scrollable_content_region.width, self._min_width())
        if y == 0:
            strip = self._render_header(total, base)
        else:
            index = y - 1 + self.scroll_offset.y
            if index >= len(rows):
                return Strip.blank(width, base)
            strip = self._render_row(index, total, base)
        scroll_x = self.scroll_offset.x
        if total != width or scroll_x:
            strip = strip.crop_extend(scroll_x, scroll_x + width, base)
        return strip

    def _render_empty(self, y: int, width: int, base: Style) -> Strip:
        if y != max(0, self.size.height // 2 - 1):
            return Strip.blank(width, base)
        if self._all and self._filter is not None:
            text = f"No {self._filter.value} recipients (f: change the filter)"
        else:
            text = self._empty_message
        text = set_cell_size(text, min(cell_len(text), width))
        left = max(0, (width - cell_len(text)) // 2)
        segments = [Segment(" " * left, base), Segment(text, base + self._style("empty"))]
        return Strip(segments).adjust_cell_length(width, base)

    def _render_header(self, total: int, base: Style) -> Strip:
        key = (total, self._filter)
        if self._header is not None and self._header[0] == key:
            return self._header[1]
        labels = list(HEADERS)
        if self._filter is not None:
            labels[_OUTCOME] = f"f:{self._filter.value}"
        style = base + self._style("header")
        strip = self._join(labels, self._widths(total), [style] * 6, style, total)
        self._header = (key, strip)
        return strip

    def _render_row(self, index: int, total: int, base: Style) -> Strip:
        if total != self._strips_width:
            self._strips.clear()
            self._strips_width = total
        state = 0 if index != self._cursor else (1 if self.has_focus else 2)
        cache_key = (self._row_key(index), total, state)
        strip = self._strips.get(cache_key)
        if strip is not None:
            return strip
        recipient = self._rows[index]
        cells = self._cells(recipient)
        row = base + self._style("cursor") if state else base
        muted = row + self._style("muted") if not state else row
        outcome = base + self._style(recipient.outcome.value)
        if state:
            outcome += self._style("cursor")
        styles = [row, outcome, row, row, muted, muted]
        strip = self._join(list(cells), self._widths(total), styles, row, total)
        self._strips.set(cache_key, strip)
        return strip

    @staticmethod
    def _join(
        texts: list[str], widths: tuple[int, ...], styles: list[Style], fill: Style, total: int
    ) -> Strip:
        gap = " " * _GAP
        segments: list[Segment] = []
        for column, (text, width, style) in enumerate(zip(texts, widths, styles, strict=True)):
            if width == 0:
                continue
            segments.append(Segment(gap, fill))
            segments.append(Segment(_fit(text, width, right=column == _EVENTS), style))
        return Strip(segments).adjust_cell_length(total, fill)

    # ------------------------------------------------------------------ cursor

    def _visible_rows(self) -> tuple[int, int]:
        """(first shown row index, how many rows fit under the header)."""
        return self.scroll_offset.y, max(1, self.scrollable_content_region.height - 1)

    def _refresh_row(self, index: int) -> None:
        top, visible = self._visible_rows()
        if top <= index < top + visible:
            width = max(self.size.width, self.virtual_size.width)
            self.refresh(Region(0, index - top + 1, width, 1))

    def _set_cursor(self, index: int) -> None:
        count = len(self._rows)
        index = 0 if count == 0 else max(0, min(index, count - 1))
        old = self._cursor
        if index != old:
            self._cursor = index
            if 0 <= old < count:
                self._refresh_row(old)
            self._refresh_row(index)
        self._scroll_to_cursor()
        self._announce()

    def _scroll_to_cursor(self) -> None:
        if not self._rows:
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

    def action_cursor_up(self) -> None:
        self._set_cursor(self._cursor - 1)

    def action_cursor_down(self) -> None:
        self._set_cursor(self._cursor + 1)

    def action_cursor_page_up(self) -> None:
        self._set_cursor(self._cursor - self._visible_rows()[1])

    def action_cursor_page_down(self) -> None:
        self._set_cursor(self._cursor + self._visible_rows()[1])

    def action_cursor_first(self) -> None:
        self._set_cursor(0)

    def action_cursor_last(self) -> None:
        self._set_cursor(len(self._rows) - 1)

    def action_select(self) -> None:
        recipient = self.cursor_recipient
        if recipient is not None:
            self.post_message(self.Selected(recipient, self._cursor, grid=self))

    def action_cycle_filter(self) -> None:
        position = FILTER_CYCLE.index(self._filter)
        self.set_filter(FILTER_CYCLE[(position + 1) % len(FILTER_CYCLE)])

    def on_resize(self, event: events.Resize) -> None:
        # Data (and a cursor) may arrive before the first layout: keep the cursor in view.
        self.call_after_refresh(self._scroll_to_cursor)

    def on_click(self, event: events.Click) -> None:
        offset = event.get_content_offset(self)
        if offset is None or offset.y < 1 or not self._rows:
            return
        index = offset.y - 1 + self.scroll_offset.y
        if index < len(self._rows):
            self._set_cursor(index)
            if event.chain >= 2:
                self.action_select()
