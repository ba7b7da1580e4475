"""The grid's sort without an app: the column cycle, each column's order, stable ties."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from tui.core.api.model import Recipient, TrackingEvent, make_recipient
from tui.ui.widgets.grid import sorting
from tui.ui.widgets.grid.columns import CODE, EVENTS, HEADERS, MESSAGE, NUMBER, OUTCOME, SINCE
from tui.ui.widgets.grid.sorting import SORT_CYCLE, UNSORTED, Sort, sort_order

T0 = datetime(2024, 11, 25, 12, 0, tzinfo=UTC)


def rec(number: str, code: int | None, message: str = "m", events: int = 1) -> Recipient:
    event = TrackingEvent("200", message, code, "NA")
    return make_recipient(number, [event] * events)


def ordered(
    rows: list[Recipient], sort: Sort, since: dict[str, datetime] | None = None
) -> list[str]:
    order = sort_order(rows, sort, since or {})
    assert order is not None
    return [rows[i].mobile_number for i in order]


def test_s_steps_through_every_column_then_the_carriers_order() -> None:
    seen, sort = [], UNSORTED
    for _ in SORT_CYCLE:
        sort = sort.next_column()
        seen.append(sort.column)
    assert seen == [*range(len(HEADERS)), None]
    assert Sort(SINCE, True).next_column() == Sort(None), "a new column starts ascending"
    assert Sort(NUMBER).next_column(-1) == Sort(None)
    assert Sort(CODE).flipped() == Sort(CODE, True) and Sort(CODE, True).flipped() == Sort(CODE)


def test_describe_and_active() -> None:
    assert not UNSORTED.active and UNSORTED.describe() == "carrier order"
    assert Sort(None, True).active and Sort(None, True).describe() == "carrier order ▼"
    assert Sort(SINCE).describe() == "Seen ▲" and Sort(EVENTS, True).describe() == "Events ▼"


def test_the_carriers_order_is_no_order_and_flipped_is_newest_first() -> None:
    rows = [rec(str(i), 4000) for i in range(4)]
    assert sort_order(rows, UNSORTED, {}) is None
    assert ordered(rows, Sort(None, True)) == ["3", "2", "1", "0"]


def test_each_column_sorts_by_what_it_shows() -> None:
    rows = [
        rec("c", 4000, "Delivered", 2),
        rec("a", 4503, "rejected", 3),
        rec("d", None, "Old shape", 1),
        rec("b", 3001, "Accepted", 1),
    ]
    since = {"a": T0 + timedelta(seconds=5), "b": T0, "c": T0 + timedelta(seconds=9)}
    assert ordered(rows, Sort(NUMBER)) == ["a", "b", "c", "d"]
    # failed, unknown (no code), pending, delivered: as the breakdown lists them
    assert ordered(rows, Sort(OUTCOME)) == ["a", "d", "b", "c"]
    assert ordered(rows, Sort(CODE)) == ["b", "c", "a", "d"], "no code sorts last"
    assert ordered(rows, Sort(MESSAGE)) == ["b", "c", "d", "a"], "case does not count"
    assert ordered(rows, Sort(EVENTS)) == ["d", "b", "c", "a"]
    assert ordered(rows, Sort(SINCE), since) == ["b", "a", "c", "d"], "never seen sorts last"
    assert ordered(rows, Sort(SINCE, True), since) == ["d", "c", "a", "b"]


def test_ties_keep_the_carriers_order_both_ways() -> None:
    rows = [rec(f"n{i}", (4000, 4503)[i % 2]) for i in range(6)]
    assert ordered(rows, Sort(CODE)) == ["n0", "n2", "n4", "n1", "n3", "n5"]
    assert ordered(rows, Sort(CODE, True)) == ["n1", "n3", "n5", "n0", "n2", "n4"]


def test_a_huge_code_still_sorts_before_no_code() -> None:
    rows = [rec("none", None), rec("huge", 10**30), rec("small", 1)]
    assert ordered(rows, Sort(CODE)) == ["small", "huge", "none"]


def test_a_carrier_message_shared_by_many_rows_is_worked_out_once(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    calls: list[object] = []
    real = sorting.carrier_text

    def counting(event: TrackingEvent | None) -> str:
        calls.append(event)
        return real(event)

    monkeypatch.setattr(sorting, "carrier_text", counting)
    shared = [TrackingEvent("200", f"text {n}", 4000, "NA") for n in range(3)]
    rows = [make_recipient(f"n{i}", [shared[i % 3]]) for i in range(3000)]
    order = sort_order(rows, Sort(MESSAGE), {})
    assert order is not None and len(order) == 3000
    assert len(calls) == 3, "once per shared event, not once per row"


def test_an_unknown_column_is_a_bug_said_as_such() -> None:
    with pytest.raises(ValueError, match="no column 9"):
        sorting.sort_key(9, {})


def test_the_sorted_views_read_like_a_list_and_a_dict() -> None:
    rows = [rec(n, 4000) for n in "dacb"]
    order = sort_order(rows, Sort(NUMBER), {})
    assert order == [1, 3, 2, 0]
    shown = sorting.Reordered(rows, order)
    assert len(shown) == 4 and shown[0] is rows[1] and shown[-1] is rows[0]
    assert shown[1:3] == [rows[3], rows[2]] and list(shown) == [rows[i] for i in order]
    index = sorting.RankedIndex({r.mobile_number: i for i, r in enumerate(rows)}, order)
    assert dict(index) == {"a": 0, "b": 1, "c": 2, "d": 3}
    assert index.get("zz") is None and len(index) == 4
