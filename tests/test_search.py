"""The search core: how a typed query is read, what it matches, and moving between matches."""

from __future__ import annotations

import time
from datetime import UTC, datetime

import pytest

from tui.core.api.codes import Outcome
from tui.core.api.model import Recipient, TrackingEvent
from tui.core.finding import NumberFinder, NumberHit, hits_in_history, number_query
from tui.core.search import Index, QueryKind, digits_key, digits_span, parse


def event(code: int | None, status: str | None = None, message: str | None = None) -> TrackingEvent:
    return TrackingEvent(status or (str(code) if code else None), message, code, None)


def rec(number: str, code: int | None = 4000, **kwargs: str) -> Recipient:
    return Recipient(number, (event(code, **kwargs),), code)


ROWS = (
    rec("15555550102", 4501),
    rec("+1 555-555-0199", 4000),
    rec("15555554503", 4000),  # its last digits are a code
    rec("447700900123", 4503),
    rec("15555550300", None, status="DELIVRD", message="ok"),  # old shape
    rec("15555550400", 4999),  # a code the table does not know
)


@pytest.mark.parametrize(
    ("typed", "kind", "digits"),
    [
        ("", QueryKind.EMPTY, ""),
        ("   ", QueryKind.EMPTY, ""),
        ("0102", QueryKind.NUMBER_OR_CODE, "0102"),
        ("4503", QueryKind.NUMBER_OR_CODE, "4503"),
        ("+4503", QueryKind.NUMBER, "4503"),  # a + says "number"
        ("45-03", QueryKind.NUMBER, "4503"),
        ("+1 (555) 555-0102", QueryKind.NUMBER, "15555550102"),
        ("555.555", QueryKind.NUMBER, "555555"),
        ("Rejected", QueryKind.TEXT, ""),
        ("4503 rej", QueryKind.TEXT, ""),
        ("+", QueryKind.TEXT, ""),
    ],
)
def test_a_query_is_read_as_typed(typed: str, kind: QueryKind, digits: str) -> None:
    query = parse(typed)
    assert (query.kind, query.digits) == (kind, digits)


def test_digits_keys_and_spans_skip_separators() -> None:
    assert digits_key("+1 555-555-0199") == "15555550199"
    assert digits_key("15555550102") == "15555550102"
    assert digits_key("١٢٣") == ""  # other scripts' digits are no phone number here
    assert digits_span("+1 555-555-0199", "5550199") == (7, 15)
    assert digits_span("15555550102", "0102") == (7, 11)
    assert digits_span("15555550102", "999") is None


def rows_of(query: str) -> list[str]:
    index = Index.of(ROWS)
    return [ROWS[i].mobile_number for i in index.find(query).rows]


def test_digits_match_numbers_by_substring_with_or_without_separators() -> None:
    assert rows_of("0102") == ["15555550102"]
    assert rows_of("+1 555 555 0199") == ["+1 555-555-0199"]
    assert rows_of("5550199") == ["+1 555-555-0199"]
    assert rows_of("555-0") == [
        "15555550102",
        "+1 555-555-0199",
        "15555550300",
        "15555550400",
    ]
    assert rows_of("99999") == []


def test_four_digits_match_the_code_and_numbers_and_say_which() -> None:
    index = Index.of(ROWS)
    matches = index.find("4503")
    assert matches.rows == [2, 3]
    assert matches.by_number == {2} and matches.by_code == {3}
    assert rows_of("4999") == ["15555550400"]  # an unlisted code still matches
    assert rows_of("+4503") == ["15555554503"]  # a number only


def test_names_match_the_status_code_text_case_aside() -> None:
    assert rows_of("Rejected") == ["447700900123"]
    assert rows_of("expired") == ["15555550102"]
    assert rows_of("4503 rej") == ["447700900123"]
    assert rows_of("delivered") == ["+1 555-555-0199", "15555554503"]
    assert rows_of("DELIVRD") == ["15555550300"]  # an old-shape entry's own label
    assert rows_of("unlisted") == ["15555550400"]
    assert rows_of("nothing like it") == []


def test_moving_between_matches_wraps_around() -> None:
    matches = Index.of(ROWS).find("555")
    assert matches.rows == [0, 1, 2, 4, 5]
    assert matches.step(0) == 1 and matches.step(3) == 4 and matches.step(5) == 0
    assert matches.step(0, forward=False) == 5 and matches.step(4, forward=False) == 2
    assert matches.first_from(3) == 4 and matches.first_from(6) == 0
    assert matches.position(4) == 3 and matches.position(3) is None
    empty = Index.of(ROWS).find("999999")
    assert empty.step(0) is None and empty.first_from(0) is None and len(empty) == 0


def test_a_keystroke_over_100k_recipients_is_quick() -> None:
    """The index is built once; each query is a pass of `in` tests (generous bound: a
    slow shared machine, yet a per-keystroke rebuild or regex would blow it)."""
    events = {c: (event(c),) for c in (4000, 4501, 4503)}
    rows = [
        Recipient(f"1555{5550000 + i * 7}", events[c], c)
        for i, c in zip(range(100_000), [4000, 4501, 4503] * 40_000, strict=False)
    ]
    index = Index.of(rows)
    started = time.perf_counter()
    for typed in ("5", "55", "555", "5555", "55555", "Rejected", "4503"):
        index.find(typed)
    assert (time.perf_counter() - started) / 7 < 0.15
    assert len(index.find("15555550007")) == 1


def test_number_hits_across_sends_reuse_each_index_until_the_data_changes() -> None:
    finder = NumberFinder()
    first, second = ROWS[:3], ROWS[3:]
    sends = [("k1", "Black Friday", first), ("k2", "Reminders", second)]
    query = number_query("555-0")
    assert query is not None
    hits = finder.hits(query, sends)
    assert [h.line() for h in hits] == [
        "15555550102 in Black Friday: ✗ 4501 Expired",
        "+1 555-555-0199 in Black Friday: ✓ 4000 Delivered",
        "15555550300 in Reminders: ? DELIVRD ok",
        "15555550400 in Reminders: ? 4999 unlisted code",
    ]
    index = finder.index("k1", first)
    assert finder.index("k1", first) is index
    assert finder.index("k1", ROWS[:2]) is not index
    assert len(finder.hits(query, sends, limit=2)) == 2
    masked = hits[0].line(lambda n: n[:4] + "•••" + n[-4:])
    assert masked == "1555•••0102 in Black Friday: ✗ 4501 Expired"


def test_only_numbers_with_enough_digits_are_number_queries() -> None:
    assert number_query("Rejected") is None
    assert number_query("55") is None
    assert number_query("555") is not None and number_query("4503") is not None


def test_hits_in_history_read_the_stored_outcomes() -> None:
    seen = datetime(2026, 1, 5, tzinfo=UTC)
    current = {"15555550102": ("4501", seen), "15555550300": ("DELIVRD", seen), "1999": ("", seen)}
    query = number_query("555")
    assert query is not None
    hits = hits_in_history(query, "k", "Black Friday", current)
    assert hits == [
        NumberHit("15555550102", "k", "Black Friday", Outcome.FAILED, "4501 Expired", seen),
        NumberHit("15555550300", "k", "Black Friday", Outcome.UNKNOWN, "DELIVRD", seen),
    ]
