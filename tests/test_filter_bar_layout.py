"""The filter bar's chips and the breakdown's window, laid out without an app."""

from __future__ import annotations

from tui.core.api.codes import Outcome
from tui.core.api.model import OutcomeCounts
from tui.core.breakdown import breakdown
from tui.ui.widgets.code_breakdown import SEPARATOR, item_text, more_left, more_right, window
from tui.ui.widgets.filter_bar import CLEAR_CODES, BarState, chips, width_of
from tui.ui.widgets.grid.sorting import Sort

COUNTS = OutcomeCounts(delivered=106, failed=10, pending=0, unknown=0)


def texts(state: BarState, width: int) -> list[str]:
    return [c.text.strip() for c in chips(state, width)]


def test_wide_chips_name_each_outcome_with_its_count_in_the_f_order() -> None:
    assert texts(BarState(COUNTS), 120) == [
        "All 116",
        "✗ failed 10",
        "… pending 0",
        "✓ delivered 106",
        "? unknown 0",
    ]


def test_narrow_chips_keep_symbol_and_count_and_never_exceed_what_fits() -> None:
    state = BarState(COUNTS, Outcome.FAILED, frozenset({4503}), Sort(5, True))
    wide = chips(state, 200)
    assert [c.text.strip() for c in wide][-2:] == ["code 4503 Rejected ×", "sort Seen ▼"]
    medium = texts(state, width_of(wide) - 1)
    assert medium[1] == "✗ failed 10" and medium[-2] == "code 4503 ×", "the name goes first"
    short = chips(state, 60)
    assert [c.text.strip() for c in short] == [
        "All 116",
        "✗ 10",
        "… 0",
        "✓ 106",
        "? 0",
        "code 4503 ×",
        "Seen ▼",
    ]
    assert width_of(short) <= 60


def test_the_lit_chip_is_the_grids_filter_and_empty_chips_are_muted() -> None:
    laid = chips(BarState(COUNTS, Outcome.FAILED), 120)
    lit = [c for c in laid if "reverse" in c.style]
    assert [c.target for c in lit] == [Outcome.FAILED]
    pending = next(c for c in laid if c.target is Outcome.PENDING)
    assert pending.style == "$foreground-muted", "0 recipients: muted, still clickable"
    assert next(c for c in laid if c.target is None).text.strip() == "All 116"
    code = chips(BarState(COUNTS, None, frozenset({None})), 120)[-1]
    assert code.target == CLEAR_CODES and code.text.strip() == "code no standard code ×"
    note = chips(BarState(COUNTS, sort=Sort(None, True)), 120)[-1]
    assert not note.clickable and note.text == "sort carrier order ▼"


def test_no_data_yet_shows_zero_counts() -> None:
    assert texts(BarState(), 120)[0] == "All 0"


def test_the_breakdown_window_keeps_the_selected_code_in_view() -> None:
    widths = [20] * 6
    assert window(widths, 0, 80) == (0, 3)  # 3 × 20 + 2 separators + "▸ 3 more"
    start, end = window(widths, 5, 80)
    assert end == 6 and start > 0
    used = len(more_left()) + sum(widths[start:end]) + len(SEPARATOR) * (end - start - 1)
    assert used <= 80
    assert window(widths, 3, 80)[0] <= 3 < window(widths, 3, 80)[1]
    assert window([200], 0, 40) == (0, 1), "one code wider than the line is still shown"
    assert window([], 0, 40) == (0, 0)
    assert more_right(3) == " ▸ 3 more"


def test_a_breakdown_item_names_its_code_and_cuts_a_long_name() -> None:
    invalid, rejected = breakdown({4503: 312, 4505: 1_200})
    assert item_text(invalid) == "✗ 4505 FailedDueToI… 1,200"
    assert item_text(invalid, 60) == "✗ 4505 FailedDueToInvalidDestinationAddress 1,200"
    assert item_text(rejected) == "✗ 4503 Rejected 312"
