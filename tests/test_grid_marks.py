"""The grid's search marks: which cells of a row are lit, masked or not, cut or not."""

from __future__ import annotations

from rich.segment import Segment
from rich.style import Style
from textual.strip import Strip

from tui.core.api.model import Recipient, TrackingEvent
from tui.core.mask import mask_number
from tui.core.search import Index
from tui.ui.widgets.grid.marks import MatchMarks, cell_starts, light, spans

WIDTHS = (12, 11, 16, 0, 6, 8)  # number, outcome, code, (message dropped), events, since
LIT = Style(underline=True)


def rec(number: str, code: int) -> Recipient:
    return Recipient(number, (TrackingEvent(str(code), None, code, None),), code)


ROWS = [rec("15555550102", 4503), rec("+1 555-555-0199", 4000), rec("15555554503", 4000)]


def lit_spans(query: str, row: int, mask: bool = False, widths: tuple[int, ...] = WIDTHS) -> list:
    matches = Index.of(ROWS).find(query)
    return spans(ROWS[row], row, matches, widths, mask_number if mask else None)


def test_columns_start_after_their_gap_and_a_dropped_one_takes_no_room() -> None:
    assert cell_starts(WIDTHS) == [1, 14, 26, 43, 43, 50]


def test_the_matched_digits_are_lit_and_only_they() -> None:
    assert lit_spans("0102", 0) == [(1 + 7, 4)]
    wide = (16, *WIDTHS[1:])
    assert lit_spans("5550199", 1, widths=wide) == [(1 + 7, 8)]  # "555-0199": the dash too
    assert lit_spans("5550199", 1) == [(1 + 7, 4)]  # drawn "+1 555-555-…": up to the …
    assert lit_spans("0102", 1) == []  # not a match: nothing lit


def test_masked_numbers_light_their_whole_masked_cell() -> None:
    assert lit_spans("0102", 0, mask=True) == [(1, len("1555•••0102"))]


def test_a_code_lights_its_digits_in_the_code_cell_and_a_name_its_words() -> None:
    assert lit_spans("4503", 0) == [(26, 4)]  # by code
    assert lit_spans("4503", 2) == [(1 + 7, 4)]  # by number
    assert lit_spans("rejected", 0) == [(26 + 5, 8)]


def test_a_cut_cell_never_lights_past_its_ellipsis() -> None:
    narrow = (12, 11, 8, 0, 6, 8)  # "4503 Rejected" drawn "4503 Re…"
    assert lit_spans("rejected", 0, widths=narrow) == [(26 + 5, 2)]


def test_light_lays_the_style_over_exactly_those_cells() -> None:
    strip = Strip([Segment(" 15555550102 ", Style(bold=True))], 13)
    out = light(strip, [(8, 4)], LIT)
    assert out.text == strip.text and out.cell_length == 13
    assert "".join(s.text for s in out if s.style and s.style.underline) == "0102"
    assert all(s.style and s.style.bold for s in out)  # the row's own style stays
    assert light(strip, [(20, 3)], LIT).text == strip.text  # off the line: nothing


def test_marks_follow_the_horizontal_scroll() -> None:
    matches = Index.of(ROWS).find("0102")
    marks = MatchMarks(matches, LIT)
    line = Strip([Segment(" 15555550102 " + " " * 40)], 53)
    scrolled = line.crop(5, 53)
    out = marks.draw(scrolled, ROWS[0], 0, WIDTHS, mask=None, scroll_x=5)
    assert "".join(s.text for s in out if s.style and s.style.underline) == "0102"
    assert marks.draw(line, ROWS[1], 1, WIDTHS, mask=None) is line  # not a match
