"""The grid's rows without an app: filter, number index, and what new data means."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from tui.core.api.codes import Outcome
from tui.core.api.model import Recipient, TrackingEvent, make_recipient
from tui.ui.widgets.grid import rows as rows_module
from tui.ui.widgets.grid.columns import CODE, NUMBER
from tui.ui.widgets.grid.rows import (
    FILTER_CYCLE,
    Rows,
    diff,
    draws_alike,
    index_of,
    next_filter,
    shown_rows,
)
from tui.ui.widgets.grid.sorting import UNSORTED, Sort

CYCLE = (4000, 4500, 3001, 3400)  # delivered, failed, pending, unknown


def number(i: int) -> str:
    return f"1555{i:07d}"


def recipient(i: int, code: int | None = 4000, message: str = "Carrier Success") -> Recipient:
    return make_recipient(number(i), [TrackingEvent("200", message, code, "Delivered")])


def mixed(count: int) -> list[Recipient]:
    return [recipient(i, CYCLE[i % 4]) for i in range(count)]


def positions_of(rows: list[Recipient]) -> dict[str, int]:
    return {r.mobile_number: i for i, r in enumerate(rows)}


# ---------------------------------------------------------------- filter and index


def test_the_filter_keeps_only_its_outcome_in_order() -> None:
    data = [*mixed(40), Recipient("no events", (), None)]
    assert shown_rows(data, None) is data
    for outcome in Outcome:
        assert shown_rows(data, outcome) == [r for r in data if r.outcome is outcome]
    assert [r.mobile_number for r in shown_rows(data, Outcome.FAILED)][:2] == [number(1), number(5)]


def test_the_filter_cycle_visits_every_outcome_then_all() -> None:
    seen = [next_filter(None)]
    while seen[-1] is not None:
        seen.append(next_filter(seen[-1]))
    assert seen == [*FILTER_CYCLE[1:], None]
    assert set(seen) == {*Outcome, None}


def test_index_maps_numbers_to_shown_rows() -> None:
    data = mixed(10)
    rows = Rows.of(data)
    assert rows.index == positions_of(data) and rows.unique
    assert rows.find(number(7)) == 7 and rows.key(7) == number(7)
    assert rows.find("no such number") is None

    failed = Rows.of(data, outcome=Outcome.FAILED)
    assert failed.index == {number(1): 0, number(5): 1, number(9): 2}
    assert failed.find(number(5)) == 1
    assert failed.find(number(4)) is None, "a filtered-out number is not shown"


def test_duplicate_numbers_are_keyed_by_row_and_found_first() -> None:
    a, b = recipient(1), recipient(2)
    again = recipient(1, 4500)
    rows = Rows.of([a, b, again])
    assert not rows.unique
    assert len(rows.index) == 2
    assert [rows.key(i) for i in range(3)] == [0, 1, 2], "numbers would share a cache entry"
    assert rows.find(number(1)) == 0
    assert index_of([a, b, again]) == {number(1): 2, number(2): 1}


def test_a_callers_positions_are_the_index_only_for_unfiltered_rows() -> None:
    data = mixed(20)
    positions = positions_of(data)
    rows = Rows.of(data, positions=positions)
    assert rows.index is positions

    wrong = Rows.of(data, positions={number(0): 0})
    assert wrong.positions is None and wrong.index == positions

    failed = rows.filtered(Outcome.FAILED)
    assert failed.positions is positions and failed.index is not positions
    assert failed.index == positions_of([r for r in data if r.outcome is Outcome.FAILED])
    assert failed.filtered(None).index is positions, "back to all rows: the caller's index"


# ---------------------------------------------------------------- diff without a hint


def test_the_same_or_equal_rows_change_nothing() -> None:
    data = mixed(100)
    since = {number(3): datetime(2024, 1, 1, tzinfo=UTC)}
    old = Rows.of(data, since)
    for new in (data, [recipient(i, r.outcome_code) for i, r in enumerate(data)]):
        update = diff(old, new, dict(since))
        assert not update.replace_all and update.changed == [] and not update.appended
        assert update.rows.shown is new and update.rows.index is old.index


def test_a_changed_row_or_since_is_named() -> None:
    data = mixed(100)
    old = Rows.of(data)
    changed = list(data)
    changed[3] = recipient(3, 4502, "Unknown subscriber")
    assert diff(old, changed).changed == [3]

    when = datetime(2020, 5, 1, tzinfo=UTC)
    update = diff(old, data, {number(5): when})
    assert update.changed == [5] and update.rows.since == {number(5): when}


def test_added_removed_or_moved_rows_replace_all() -> None:
    data = mixed(100)
    old = Rows.of(data)
    for new in (data[::-1], data[:-1], [*data, recipient(100)], [data[1], data[0], *data[2:]]):
        update = diff(old, new)
        assert update.replace_all
        assert update.rows.shown == shown_rows(new, None)
        assert update.rows.index == positions_of(new)


def test_rows_with_duplicate_numbers_always_replace_all() -> None:
    data = [recipient(1), recipient(1, 4500)]
    assert diff(Rows.of(data), list(data)).replace_all


def test_draws_alike_compares_what_a_row_shows() -> None:
    base = recipient(1)
    assert draws_alike(base, base) and draws_alike(base, recipient(1))
    assert not draws_alike(base, recipient(1, 4500))
    assert not draws_alike(base, recipient(1, message="Other"))
    two = make_recipient(number(1), [*base.events, *base.events])
    assert not draws_alike(base, two), "the event count is a cell"


# ---------------------------------------------------------------- diff with the refresher's hint


def test_hint_in_place_repaints_only_the_named_rows_in_row_order() -> None:
    data = mixed(1_000)
    old = Rows.of(data, positions=positions_of(data))
    polled = list(data)
    polled[500] = recipient(500, 4502)
    polled[2] = recipient(2, 4502)
    update = diff(old, polled, changed={number(500), number(2), "gone"}, in_place=True)
    assert not update.replace_all and not update.appended
    assert update.changed == [2, 500]
    assert update.rows.shown is polled


def test_hint_with_rows_appended_grows_a_copy_of_the_index() -> None:
    data = mixed(1_000)
    positions = positions_of(data)
    snapshot = dict(positions)
    old = Rows.of(data, positions=positions)
    grown = [*data, *(recipient(i, 3001) for i in range(1_000, 1_010))]
    new = {number(i) for i in range(1_000, 1_010)}
    for in_place in (False, True):
        update = diff(old, grown, changed=new, in_place=in_place)
        assert not update.replace_all
        assert update.appended == range(1_000, 1_010)
        assert update.changed == list(range(1_000, 1_010))
        assert update.rows.index == positions_of(grown)
        assert positions == snapshot, "a borrowed index is copied before it grows"

    given = positions_of(grown)
    update = diff(old, grown, changed=new, positions=given)
    assert update.rows.index is given, "the caller's positions for the new rows"


def test_hint_is_ignored_when_the_order_changed() -> None:
    data = mixed(100)
    old = Rows.of(data)
    update = diff(old, data[::-1], changed=set())
    assert update.replace_all and update.rows.find(number(99)) == 0
    assert diff(Rows.of([]), data, changed=set()).replace_all, "nothing was shown before"
    duplicated = Rows.of([recipient(1), recipient(1)])
    assert diff(duplicated, duplicated.shown, changed=set()).replace_all


def test_in_place_is_trusted_for_all_rows_but_checked_under_a_filter() -> None:
    data = mixed(40)
    # The refresher vouches for the unfiltered rows: the numbers are not compared.
    assert not diff(Rows.of(data), data[::-1], changed=set(), in_place=True).replace_all

    old = Rows.of(data, outcome=Outcome.FAILED)
    assert old.outcome is Outcome.FAILED
    inserted = [recipient(1_000, 4500), *data]  # a new failed row before the old ones
    update = diff(old, inserted, changed={number(1_000)}, in_place=True)
    assert update.replace_all and update.rows.shown[0].mobile_number == number(1_000)

    appended = [*data, recipient(1_000, 4500), recipient(1_001, 4000)]
    update = diff(old, appended, changed={number(1_000), number(1_001)}, in_place=True)
    assert not update.replace_all
    assert update.appended == range(10, 11), "only the new failed row is shown"
    assert update.changed == [10]
    assert update.rows.outcome is Outcome.FAILED


# ---------------------------------------------------------------- the code filter


def test_the_code_filter_keeps_only_its_codes_and_combines_with_the_outcome() -> None:
    data = [*mixed(40), Recipient("old shape", (TrackingEvent("1", "x", None, None),), None)]
    assert shown_rows(data, None, frozenset({4500})) == [r for r in data if r.outcome_code == 4500]
    assert shown_rows(data, None, frozenset({None})) == [data[-1]], "no standard code"
    assert shown_rows(data, Outcome.FAILED, frozenset({4500, 4000})) == shown_rows(
        data, Outcome.FAILED
    )
    assert shown_rows(data, Outcome.DELIVERED, frozenset({4500})) == []
    rows = Rows.of(data).filtered(None, frozenset({3001}))
    assert rows.codes == frozenset({3001}) and len(rows.shown) == 10 and rows.filtered_out
    assert rows.filtered(None).codes is None and not rows.filtered(None).filtered_out


def test_in_place_is_checked_under_a_code_filter() -> None:
    data = mixed(40)
    old = Rows.of(data, codes=frozenset({4500}))
    inserted = [recipient(1_000, 4500), *data]
    update = diff(old, inserted, changed={number(1_000)}, in_place=True)
    assert update.replace_all and update.rows.shown[0].mobile_number == number(1_000)
    assert update.rows.codes == frozenset({4500})


def test_an_empty_grid_says_which_chips_hide_how_many() -> None:
    data = [recipient(i, 4000) for i in range(1_200)]
    assert Rows.of([]).why_empty("No tracking events yet") == "No tracking events yet"
    assert Rows.of(data).why_empty("x") == "x"
    failed = Rows.of(data, outcome=Outcome.FAILED)
    assert failed.why_empty("x") == "The failed chip hides all 1,200 recipients (f/F)"
    code = Rows.of(data, codes=frozenset({4503}))
    assert code.why_empty("x") == "The code 4503 chip hides all 1,200 recipients (f/F)"
    both = Rows.of(data, outcome=Outcome.FAILED, codes=frozenset({4503, None}))
    assert both.why_empty("x") == (
        "The failed and code 4503, none chips hide all 1,200 recipients (f/F)"
    )


# ---------------------------------------------------------------- sorted rows


def test_sorted_rows_are_indexed_in_their_order_and_filters_keep_the_sort() -> None:
    data = mixed(20)
    rows = Rows.of(data, positions=positions_of(data)).sorted(Sort(CODE))
    codes = [r.outcome_code for r in rows.shown]
    assert codes == sorted(codes) and rows.sort == Sort(CODE)
    assert rows.index == positions_of(list(rows.shown))
    assert rows.find(number(7)) == [r.mobile_number for r in rows.shown].index(number(7))
    failed = rows.filtered(Outcome.FAILED)
    assert failed.sort == Sort(CODE) and {r.outcome for r in failed.shown} == {Outcome.FAILED}
    assert rows.sorted(UNSORTED).shown is data, "back to the carrier's order"


@pytest.fixture
def sorts(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """How many rows were sorted from scratch, call by call."""
    calls: list[int] = []
    real = rows_module.sort_order

    def counting(rows: Any, sort: Sort, since: Any) -> Any:
        calls.append(len(rows))
        return real(rows, sort, since)

    monkeypatch.setattr(rows_module, "sort_order", counting)
    return calls


def test_a_poll_that_changes_no_sort_key_keeps_the_order_and_names_the_rows(
    sorts: list[int],
) -> None:
    data = mixed(1_000)
    old = Rows.of(data, positions=positions_of(data), sort=Sort(CODE, descending=True))
    polled = list(data)
    polled[3] = recipient(3, 3400, "another message, same code")  # 3 had 3400 already
    sorts.clear()
    for in_place in (True, False):
        update = diff(
            old, polled, changed={number(3)}, in_place=in_place, positions=positions_of(polled)
        )
        assert not update.replace_all and sorts == [], "no sort"
        assert update.changed == [old.index[number(3)]]
        assert update.rows.shown[old.index[number(3)]] is polled[3], "the new row object"
        assert [r.mobile_number for r in update.rows.shown] == [r.mobile_number for r in old.shown]
    nothing = diff(old, polled, changed=set(), in_place=True, positions=positions_of(polled))
    assert not nothing.replace_all and nothing.changed == [] and sorts == []


def test_a_poll_that_changes_a_sort_key_or_adds_rows_sorts_again(sorts: list[int]) -> None:
    data = mixed(1_000)
    old = Rows.of(data, positions=positions_of(data), sort=Sort(CODE))
    polled = list(data)
    polled[3] = recipient(3, 4000)  # from 3400 to 4000: it moves
    sorts.clear()
    update = diff(old, polled, changed={number(3)}, in_place=True, positions=positions_of(polled))
    assert sorts == [1_000] and update.replace_all
    assert update.rows.find(number(3)) is not None
    codes = [r.outcome_code for r in update.rows.shown]
    assert codes == sorted(codes, key=lambda c: -1 if c is None else c)

    grown = [*data, recipient(1_000, 3001)]
    sorts.clear()
    update = diff(old, grown, changed={number(1_000)}, in_place=True, positions=positions_of(grown))
    assert sorts == [1_001] and update.replace_all


def test_a_sorted_poll_without_a_hint_compares_rows_after_sorting() -> None:
    data = mixed(100)
    old = Rows.of(data, sort=Sort(NUMBER, descending=True))
    same = diff(old, [recipient(i, r.outcome_code) for i, r in enumerate(data)])
    assert not same.replace_all and same.changed == []
    changed = list(data)
    changed[10] = recipient(10, 4000, "Other text")  # 10 was 4500: the number sort holds
    update = diff(old, changed)
    assert not update.replace_all
    assert update.changed == [old.index[number(10)]]


def test_carrier_order_reversed_keeps_its_order_across_polls(sorts: list[int]) -> None:
    data = mixed(100)
    old = Rows.of(data, positions=positions_of(data), sort=Sort(None, descending=True))
    assert old.shown[0] is data[-1]
    polled = list(data)
    polled[0] = recipient(0, 4503)
    sorts.clear()
    update = diff(old, polled, changed={number(0)}, in_place=True, positions=positions_of(polled))
    assert sorts == [] and not update.replace_all and update.changed == [99]
