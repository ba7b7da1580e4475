"""Grid lines without an app: exactly as wide as asked, styled, hostile text inert."""

from __future__ import annotations

from datetime import date

import pytest
from rich.segment import Segment
from rich.style import Style

from tui.core.api.codes import Outcome
from tui.core.api.model import TrackingEvent, make_recipient
from tui.ui.widgets.grid.cells import OUTCOME_WIDTH, cells
from tui.ui.widgets.grid.columns import EVENTS, NUMBER, SINCE, Columns
from tui.ui.widgets.grid.lines import STYLE_NAMES, Palette, empty_line, header_line, row_line
from tui.ui.widgets.grid.sorting import Sort

TODAY = date(2024, 11, 25)
ESCAPES = "\x1b[31mred\x1b]0;title\x07\x9b2J"
MARKUP = "[red]x[/red] [bold]y"
WIDE = "短信送达📱"


def is_plain(text: str) -> bool:
    return not any(ord(c) < 0x20 or 0x7F <= ord(c) < 0xA0 or c in "\u202e\u2066" for c in text)


def event(message: str | None = "Carrier Success", code: int | None = 4000) -> TrackingEvent:
    return TrackingEvent("200", message, code, "Delivered to handset")


PALETTE = Palette.of(
    Style(color="white", bgcolor="black"),
    lambda name: {"cursor": Style(bgcolor="blue"), "failed": Style(color="red")}.get(name, Style()),
)
COLUMNS = Columns(OUTCOME_WIDTH).widen([(11, 14, 8)])


def text_of(segments: list[Segment]) -> str:
    return "".join(s.text for s in segments)


@pytest.mark.parametrize("total", [COLUMNS.min_width, 60, 120])
def test_a_hostile_row_is_exactly_as_wide_as_its_line(total: int) -> None:
    hostile = make_recipient(f"{WIDE}{ESCAPES}", [event(f"{MARKUP}{ESCAPES}{WIDE}", 4500)])
    texts = cells(hostile, None, TODAY)
    for cursor in (False, True):
        line = row_line(PALETTE, texts, Outcome.FAILED, COLUMNS.widths(total), total, cursor=cursor)
        assert Segment.get_line_length(line) == total
        assert all(is_plain(s.text) and not s.control for s in line)
    if total >= 120:
        assert "[red]x[/red]" in text_of(line)


def test_a_row_colours_its_outcome_and_the_cursor_row() -> None:
    texts = cells(make_recipient("15550000001", [event(code=4500)]), None, TODAY)
    widths = COLUMNS.widths(80)
    plain = row_line(PALETTE, texts, Outcome.FAILED, widths, 80)
    under = row_line(PALETTE, texts, Outcome.FAILED, widths, 80, cursor=True)
    outcome = next(s for s in plain if "failed" in s.text)
    assert outcome.style is not None and outcome.style.color is not None
    assert outcome.style.color.name == "red"
    assert all(
        s.style is not None and s.style.bgcolor == Style(bgcolor="blue").bgcolor for s in under
    )
    assert text_of(plain) == text_of(under)


def test_header_marks_the_sorted_column_and_empty_line_is_centred() -> None:
    widths = COLUMNS.widths(80)
    plain = text_of(header_line(PALETTE, widths, Sort(), 80))
    assert plain.split()[:2] == ["Number", "Outcome"] and "▲" not in plain
    assert text_of(header_line(PALETTE, widths, Sort(None, True), 80)) == plain
    by_since = text_of(header_line(PALETTE, widths, Sort(SINCE), 80))
    assert by_since.rstrip().endswith("Seen ▲") and len(by_since) == 80
    down = text_of(header_line(PALETTE, widths, Sort(NUMBER, True), 80))
    assert down.split()[:3] == ["Number", "▼", "Outcome"]
    events = text_of(header_line(PALETTE, widths, Sort(EVENTS), 80))
    assert "Event▲" in events, "a narrow column keeps its arrow, its name is cut"
    assert len(events) == 80

    line = empty_line(PALETTE, "No tracking events yet", 40)
    assert text_of(line) == " " * 9 + "No tracking events yet" + " " * 9
    assert Segment.get_line_length(empty_line(PALETTE, WIDE * 10, 15)) == 15


def test_the_palette_asks_for_every_style_it_draws() -> None:
    asked: list[str] = []
    Palette.of(Style(), lambda name: asked.append(name) or Style())
    assert set(asked) == set(STYLE_NAMES)
