"""Why a send fails, in one line: recipients by standard code, failures first.

`✗ 4503 Rejected 312 · ✗ 4501 Expired 40 · … 3001 SentToCarrier 88`: the first question
of every failed-send ticket. `b` focuses it; ←/→ move between codes, Enter shows only
that code's recipients in the grid (Enter again, or Esc, shows them all; Esc then goes
back to the grid). Tab passes it by, so Tab still goes from the sidebar to the grid. The line is
windowed on the selected code, so a long list scrolls rather than wraps. The widget draws
the ranked codes it is handed (`tui.core.breakdown`) and says what was chosen; the grid
does the filtering.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar, Final

from rich.cells import cell_len, set_cell_size
from textual import events
from textual.binding import Binding, BindingType
from textual.content import Content
from textual.message import Message
from textual.widget import Widget

from tui.core.breakdown import CodeCount
from tui.core.glyphs import GLYPH, OUTCOME_SYMBOL
from tui.ui.widgets.filter_bar import MUTED, OUTCOME_STYLE
from tui.ui.widgets.grid.rows import Codes

__all__ = ["CodeBreakdown", "item_text", "window"]

NAME_MAX: Final = 18
"""Cells a code's name gets, except the selected one's (shown whole)."""
SEPARATOR: Final = " · "
SELECTED_ROOM: Final = 24
"""Cells kept beside the selected code's name: symbol, count, the ◂ and ▸ marks."""
LABEL: Final = "By code: "


def item_text(item: CodeCount, limit: int = NAME_MAX) -> str:
    """`✗ 4503 Rejected 312`; a name longer than `limit` cells cut."""
    name = item.name
    if cell_len(name) > limit:
        name = set_cell_size(name, max(limit - 1, 4)) + "…"
    return f"{OUTCOME_SYMBOL[item.outcome]} {name} {item.count:,}"


def more_left() -> str:
    return f"{GLYPH['more-left']} "


def more_right(hidden: int) -> str:
    return f" {GLYPH['more-right']} {hidden} more"


def window(widths: Sequence[int], selected: int, width: int) -> tuple[int, int]:
    """The items [start, end) drawn in `width` cells: from the first, or as far left as
    keeps `selected` in view (room is left for the ◂ and ▸ marks)."""
    if not widths:
        return 0, 0
    selected = max(0, min(selected, len(widths) - 1))
    start = 0
    while True:
        end, used = start, cell_len(more_left()) if start else 0
        while end < len(widths):
            need = widths[end] + (len(SEPARATOR) if end > start else 0)
            tail = cell_len(more_right(len(widths) - end - 1)) if end + 1 < len(widths) else 0
            if used + need + tail > width and end > start:
                break
            used += need
            end += 1
        if selected < end or start == selected:
            return start, max(end, start + 1)
        start += 1


class CodeBreakdown(Widget, can_focus=True):
    """Codes with their recipient counts; Enter on one filters the grid to it."""

    HELP_TITLE: ClassVar[str] = "Codes (breakdown)"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "left,up",
            "move(-1)",
            "Previous",
            show=False,
            tooltip="Previous code",
            id="breakdown.previous",
        ),
        Binding(
            "right,down", "move(1)", "Next", show=False, tooltip="Next code", id="breakdown.next"
        ),
        Binding(
            "enter",
            "choose",
            "Only this code",
            tooltip="Show only this code's recipients in the grid (again: all)",
            id="breakdown.filter",
        ),
        Binding(
            "escape",
            "clear",
            "All codes",
            tooltip="Every code's recipients again; with none chosen, back to the grid",
            id="breakdown.clear",
        ),
    ]

    DEFAULT_CSS: ClassVar[str] = """
    CodeBreakdown {
        height: 1;
        width: 1fr;
        text-wrap: nowrap;
        text-overflow: ellipsis;
        &:focus { background: $boost; }
    }
    """

    class Left(Message):
        """Esc with no code chosen: the user is done here."""

    class Chosen(Message):
        """Show only `codes` in the grid (None: every code)."""

        def __init__(self, codes: Codes | None) -> None:
            super().__init__()
            self.codes = codes

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.items: tuple[CodeCount, ...] = ()
        self.active: Codes | None = None
        self.selected = 0
        self._reachable = False
        self._spans: list[tuple[int, int, int]] = []  # (start x, end x, item) as drawn

    # ---- what it shows ---------------------------------------------------------------
    def show(self, items: tuple[CodeCount, ...], active: Codes | None) -> None:
        """Draw `items` with `active` marked; the selection stays on its code."""
        if (items, active) == (self.items, self.active):
            return
        code = self.selected_item.code if self.selected_item is not None else None
        self.items, self.active = items, active
        codes = [i.code for i in items]
        if active is not None and len(active) == 1 and next(iter(active)) in codes:
            self.selected = codes.index(next(iter(active)))
        elif code in codes:
            self.selected = codes.index(code)
        self.selected = max(0, min(self.selected, len(items) - 1))
        self.refresh()

    @property
    def selected_item(self) -> CodeCount | None:
        return self.items[self.selected] if 0 <= self.selected < len(self.items) else None

    def render(self) -> Content:
        if not self.items:
            return Content.styled("By code: no recipients yet", MUTED)
        width = self.content_size.width
        focused, chosen = self.has_focus, self.selected
        whole = max(NAME_MAX, width - SELECTED_ROOM)  # the selected code's name: all that fits
        texts = [
            item_text(i, whole if focused and n == chosen else NAME_MAX)
            for n, i in enumerate(self.items)
        ]
        label = LABEL if width_of(texts) + len(LABEL) <= width else ""
        start, end = window([cell_len(t) for t in texts], self.selected, width - len(label))
        parts: list[Content] = [Content.styled(label, MUTED)] if label else []
        x = len(label)
        if start:
            parts.append(Content.styled(more_left(), MUTED))
            x += cell_len(more_left())
        self._spans = []
        for n in range(start, end):
            if n > start:
                parts.append(Content.styled(SEPARATOR, MUTED))
                x += len(SEPARATOR)
            item = self.items[n]
            style = OUTCOME_STYLE[item.outcome]
            if self.active is not None and item.code in self.active:
                style = f"bold underline {style}"
            if focused and n == self.selected:
                style = f"reverse {style}"
            parts.append(Content.styled(texts[n], style))
            self._spans.append((x, x + cell_len(texts[n]), n))
            x += cell_len(texts[n])
        if end < len(self.items):
            parts.append(Content.styled(more_right(len(self.items) - end), MUTED))
        return Content.assemble(*parts)

    # ---- focus, keys and clicks ------------------------------------------------------
    def allow_focus(self) -> bool:
        """Only once asked (`reach`): the widget is in the Tab chain only while focused."""
        return self._reachable

    def reach(self) -> None:
        """Take the focus (`b`, a click)."""
        self._reachable = True
        self.screen.set_focus(self)  # now, not later: keys typed right after b land here

    def action_move(self, step: int) -> None:
        if self.items:
            self.selected = max(0, min(self.selected + step, len(self.items) - 1))
            self.refresh()

    def action_choose(self) -> None:
        item = self.selected_item
        if item is None:
            return
        chosen = frozenset({item.code})
        self.post_message(self.Chosen(None if self.active == chosen else chosen))

    def action_clear(self) -> None:
        """Every code again; with none chosen, back to the grid (`Left`)."""
        self.post_message(self.Chosen(None) if self.active is not None else self.Left())

    def on_focus(self) -> None:
        self.refresh()

    def on_blur(self) -> None:
        self._reachable = False
        self.refresh()

    def on_click(self, event: events.Click) -> None:
        offset = event.get_content_offset(self)
        if offset is None:
            return
        for start, end, n in self._spans:
            if start <= offset.x < end:
                self.reach()
                self.selected = n
                self.action_choose()
                return


def width_of(texts: Sequence[str]) -> int:
    """Cells all `texts` take on one line, separators included."""
    return sum(map(cell_len, texts)) + len(SEPARATOR) * max(len(texts) - 1, 0)
