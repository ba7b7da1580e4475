"""The grid's column layout without an app; and what the pure grid parts may import."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tui.ui.widgets.grid.columns import (
    CODE,
    EVENTS,
    GAP,
    MESSAGE,
    NUMBER,
    SINCE,
    Columns,
    sample,
)

ROOT = Path(__file__).resolve().parent.parent
FRESH = Columns(outcome=11)  # "✓ delivered"
MEASURED = FRESH.widen([(11, 34, 8)])  # a 4504 code name is 34 cells: capped


def line_length(widths: tuple[int, ...]) -> int:
    shown = [w for w in widths if w]
    return sum(shown) + GAP * len(shown) + 1  # one blank cell ends the line


def test_widths_come_from_a_bounded_sample_of_head_and_tail() -> None:
    rows = list(range(100_000))
    taken = sample(rows)
    assert len(taken) == 640
    assert list(taken[:512]) == rows[:512] and list(taken[-128:]) == rows[-128:]
    few = rows[:640]
    assert sample(few) is few


def test_number_and_code_widen_within_their_caps_and_never_shrink() -> None:
    assert (MEASURED.number, MEASURED.code, MEASURED.since) == (11, 30, 8)
    wide = FRESH.widen([(50, 100, 12), (3, 3, 3)])
    assert (wide.number, wide.code, wide.since) == (20, 30, 12), "since has no cap"
    assert MEASURED.widen([(1, 1, 1)]) is MEASURED
    assert FRESH.widen([]) is FRESH
    assert (FRESH.number, FRESH.code, FRESH.since) == (6, 11, 5), "headers set the minimum"


def test_a_very_wide_grid_gives_code_its_width_and_message_the_rest() -> None:
    widths = MEASURED.widths(200)
    assert widths[NUMBER] == 11 and widths[CODE] == 30 and widths[SINCE] == 8
    assert widths[EVENTS] == 6
    assert widths[MESSAGE] == 200 - MEASURED.needed() + 14 - (30 - 11)
    assert widths[MESSAGE] >= 40
    assert line_length(widths) == 200


@pytest.mark.parametrize("total", [86, 100, 120])
def test_spare_width_goes_to_the_carrier_message_before_a_long_code_name(total: int) -> None:
    """At 120 columns the grid is ~86 wide: the message was cut at 14 cells while the code
    column took all 30 for "4505 FailedDueToInvalidDestin…"."""
    widths = MEASURED.widths(total)
    assert widths[MESSAGE] > 14
    assert widths[CODE] >= 16, '"4000 Delivered" stays whole'
    assert widths[MESSAGE] >= min(40, total - MEASURED.needed() + 14 - (16 - 11))
    assert line_length(widths) == total


def test_a_short_code_column_leaves_everything_else_to_the_message() -> None:
    short = FRESH.widen([(11, 14, 8)])
    widths = short.widths(120)
    assert widths[CODE] == 14
    assert widths[MESSAGE] == 120 - short.needed() + 14 - (14 - 11)


def test_a_narrow_grid_drops_the_message_then_the_events() -> None:
    full = MEASURED.needed()
    assert MEASURED.hidden(full) == frozenset()
    assert MEASURED.hidden(full - 1) == {MESSAGE}
    without_message = MEASURED.needed(frozenset({MESSAGE}))
    assert MEASURED.hidden(without_message) == {MESSAGE}
    assert MEASURED.hidden(without_message - 1) == {MESSAGE, EVENTS}
    assert MEASURED.hidden(1) == {MESSAGE, EVENTS}, "number, outcome, code, since stay"
    assert MEASURED.min_width == MEASURED.needed(frozenset({MESSAGE, EVENTS}))

    widths = MEASURED.widths(full - 1)
    assert widths[MESSAGE] == 0 and widths[EVENTS] == 6
    widths = MEASURED.widths(MEASURED.min_width)
    assert widths[MESSAGE] == 0 and widths[EVENTS] == 0
    assert widths[CODE] == 11, "the code column shrinks to its minimum last"


@pytest.mark.parametrize("columns", [FRESH, MEASURED, FRESH.widen([(20, 30, 12)])])
def test_every_total_is_filled_exactly_while_the_message_shows(columns: Columns) -> None:
    for total in range(columns.min_width, 250):
        widths = columns.widths(total)
        assert all(w >= 0 for w in widths)
        assert widths[CODE] >= 11
        if widths[MESSAGE]:
            assert widths[MESSAGE] >= 14
            assert line_length(widths) == total, total
        else:
            assert line_length(widths) <= total, total
        assert widths == columns.widths(total), "the same answer every time"


def test_the_grid_parts_load_no_textual_and_rows_and_columns_no_rich() -> None:
    code = (
        "import sys; import tui.ui.widgets.grid.rows, tui.ui.widgets.grid.columns;"
        "first = {m.split('.')[0] for m in sys.modules} & {'textual', 'rich'};"
        "import tui.ui.widgets.grid.cells, tui.ui.widgets.grid.lines;"
        "then = {m.split('.')[0] for m in sys.modules} & {'textual', 'rich'};"
        "print(sorted(first), sorted(then))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT
    )
    assert out.stdout.split() == ["[]", "['rich']"]
