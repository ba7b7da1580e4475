"""Parsing Deliveries bodies: the seed example, both shapes, and what a server gets wrong."""

from __future__ import annotations

import gc
import json
import threading
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from functools import partial

import pytest

from tests.examples import NEW_SHAPE, SEED_BODY
from tui.core.api import parse
from tui.core.api.codes import STANDARD_CODES, Outcome, outcome_of
from tui.core.api.errors import BadResponse
from tui.core.api.json_body import decode_reply, without_lone_surrogates
from tui.core.api.model import MC_TZ, Delivery, Phase
from tui.core.api.parse import parse_delivery, parse_delivery_bytes


def test_seed_example_parses_as_the_issue_says() -> None:
    d = parse_delivery_bytes(SEED_BODY)
    assert d.status == "Finished" and d.phase is Phase.FINISHED
    assert d.count == 1
    assert d.create_date == datetime(2013, 4, 25, 15, 1, 4, 147000, tzinfo=MC_TZ)
    assert d.create_date.utcoffset() == timedelta(hours=-6)
    assert d.complete_date is not None
    assert d.complete_date.astimezone(UTC) == datetime(2013, 4, 25, 21, 1, 55, 197000, tzinfo=UTC)
    assert len(d.recipients) == 1
    r = d.recipients[0]
    assert r.mobile_number == "15555555510"
    assert r.outcome_code is None and r.outcome is Outcome.UNKNOWN
    assert r.outcome_label == "20 NA"  # old shape falls back to the raw code and message
    assert d.duration == timedelta(seconds=51, microseconds=50000)


def test_mc_time_is_fixed_minus_six_even_in_summer() -> None:
    d = parse_delivery({**NEW_SHAPE, "createDate": "2024-07-04T12:00:00"})
    assert d.create_date is not None
    assert d.create_date.astimezone(UTC).hour == 18  # America/Chicago would give 17


def test_highest_standard_code_wins_not_the_last_event() -> None:
    d = parse_delivery(NEW_SHAPE)
    (r,) = d.recipients
    assert len(r.events) == 4
    assert r.outcome_code == 4000 and r.outcome is Outcome.DELIVERED
    assert r.deciding_event.message == "Carrier Success"
    assert d.counts.delivered == 1 and d.counts.total == 1


def test_failure_code_outranks_delivered() -> None:
    body = {
        "status": "Finished",
        "tracking": [
            {"mobileNumber": "1", "standardStatusCode": "4000"},
            {"mobileNumber": "1", "standardStatusCode": "4503"},
            {"mobileNumber": "2", "standardStatusCode": "3001"},
        ],
    }
    d = parse_delivery(body)
    assert [r.outcome for r in d.recipients] == [Outcome.FAILED, Outcome.PENDING]
    assert d.recipients[0].outcome_label == "Rejected"


@pytest.mark.parametrize("missing", [{}, {"completeDate": None}, {"completeDate": ""}])
def test_complete_date_missing_null_or_empty(missing: dict[str, object]) -> None:
    body = {"status": "Started", "createDate": "2026-11-26T10:00:00.6", **missing}
    d = parse_delivery(body)
    assert d.complete_date is None and d.complete_date_raw is None and d.duration is None
    assert d.create_date is not None and d.create_date.microsecond == 600000


@pytest.mark.parametrize(
    ("raw", "expected"),
    [(1, 1), ("12", 12), (" 7 ", 7), (None, None), ("lots", None), (True, None)],
)
def test_count_int_or_numeric_string(raw: object, expected: int | None) -> None:
    assert parse_delivery({"status": "New", "count": raw}).count == expected


@pytest.mark.parametrize("tracking", [None, [], "absent"])
def test_tracking_missing_null_or_empty(tracking: object) -> None:
    body: dict[str, object] = {"status": "New"}
    if tracking != "absent":
        body["tracking"] = tracking
    d = parse_delivery(body)
    assert d.recipients == () and d.event_count == 0


@pytest.mark.parametrize("frac", ["", ".5", ".51", ".147", ".1234567"])
def test_fractional_seconds_of_any_length(frac: str) -> None:
    d = parse_delivery({"status": "New", "createDate": f"2026-11-26T10:00:00{frac}"})
    assert d.create_date is not None and d.create_date.tzinfo is not None


def test_unknown_status_kept_verbatim_and_extra_fields_ignored() -> None:
    d = parse_delivery({"status": "Paused", "shiny": {"x": 1}, "tracking": []})
    assert d.status == "Paused" and d.phase is Phase.UNKNOWN


def test_unknown_standard_code_is_unknown_outcome() -> None:
    d = parse_delivery(
        {"status": "Finished", "tracking": [{"mobileNumber": "1", "standardStatusCode": "9999"}]}
    )
    (r,) = d.recipients
    assert r.outcome_code == 9999 and r.outcome is Outcome.UNKNOWN
    assert r.outcome_label == "code 9999"


def test_hostile_entries_are_skipped_and_counted() -> None:
    body = {
        "status": "Started",
        "tracking": [
            "nonsense",
            {"statusCode": "20"},
            {"mobileNumber": 15555555510, "statusCode": 200, "standardStatusCode": 4000},
            {"mobileNumber": "2", "message": {"nested": True}},
        ],
    }
    d = parse_delivery(body)
    assert d.skipped_entries == 2
    assert [r.mobile_number for r in d.recipients] == ["15555555510", "2"]
    assert d.recipients[0].events[0].status_code == "200"
    assert d.recipients[1].events[0].message is None


@pytest.mark.parametrize(
    ("body", "fragment"),
    [
        (b"<!DOCTYPE html><html>Bad gateway</html>", "HTML"),
        (b'{"status": "Finished",', "invalid JSON"),
        (b"[1, 2]", "expected a JSON object"),
        (b'{"count": 1}', "no 'status'"),
        (b'{"status": "New", "tracking": {"a": 1}}', "'tracking' is dict"),
        (b"\xff\xfe garbage", "invalid JSON"),
    ],
)
def test_bad_bodies_raise_bad_response(body: bytes, fragment: str) -> None:
    with pytest.raises(BadResponse, match=fragment):
        parse_delivery_bytes(body)


def test_recipients_keep_order_of_first_appearance() -> None:
    tracking = [{"mobileNumber": n, "standardStatusCode": "3000"} for n in ["3", "1", "3", "2"]]
    d = parse_delivery({"status": "Started", "tracking": tracking})
    assert [r.mobile_number for r in d.recipients] == ["3", "1", "2"]
    assert d.event_count == 4


def test_repeated_strings_are_shared() -> None:
    tracking = [
        {"mobileNumber": str(n), "statusCode": "200", "message": "Carrier Success"}
        for n in range(3)
    ]
    raw = json.dumps({"status": "Started", "tracking": tracking}).encode()
    d = parse_delivery_bytes(raw)
    first, second = d.recipients[0].events[0], d.recipients[1].events[0]
    assert first.message is second.message


def test_code_table_matches_api_md() -> None:
    assert len(STANDARD_CODES) == 20
    assert outcome_of(4000) is Outcome.DELIVERED
    assert outcome_of(2000) is Outcome.DELIVERED
    assert outcome_of(3001) is Outcome.PENDING
    assert all(outcome_of(c) is Outcome.FAILED for c in (1500, 2502, 2600, 4500, 4505))
    assert outcome_of(None) is Outcome.UNKNOWN and outcome_of(1234) is Outcome.UNKNOWN


# ---------------------------------------------------------------- big bodies in slices


def _big_body(entries: list[dict[str, object]], **head: object) -> bytes:
    return json.dumps(
        {"status": "Started", "count": len(entries), **head, "tracking": entries}
    ).encode()


def _entries(n: int, message: str = "Carrier Success") -> list[dict[str, object]]:
    return [
        {
            "mobileNumber": f"1555{i:07d}",
            "statusCode": "200",
            "message": message,
            "standardStatusCode": "4000" if i % 3 else "4500",
            "description": "d",
        }
        for i in range(n)
    ]


def test_a_big_body_is_read_in_slices_with_the_same_result(monkeypatch: pytest.MonkeyPatch) -> None:
    from tui.core.api import chunked

    monkeypatch.setattr(chunked, "SLICE_BYTES", 4096)
    body = _big_body(_entries(3000))
    seen: list[bytes] = []
    real = chunked._slices

    def spy(*args: object) -> object:
        for piece in real(*args):  # type: ignore[arg-type]
            seen.append(piece)
            yield piece

    monkeypatch.setattr(chunked, "_slices", spy)
    sliced = parse._parse_in_slices(body, None)
    assert sliced is not None and len(seen) > 10, "it really went slice by slice"
    assert sliced == parse_delivery(json.loads(body))


@pytest.mark.parametrize(
    "body",
    [
        # a boundary-looking sequence inside a string: that slice is invalid, so whole decode
        _big_body(_entries(50, message='x"},{"mobileNumber":"666","standardStatusCode":"4000')),
        _big_body(_entries(50, message="},{")),
        # tracking not last, a nested value, duplicated keys: not the plain shape
        json.dumps({"tracking": _entries(50), "status": "Finished"}).encode(),
        _big_body([{"mobileNumber": "1", "message": [{"a": 1}, {"b": 2}]}, *_entries(50)]),
        b'{"status": "New", "tracking": [], "tracking": [{"mobileNumber": "9"}]}',
        # \f and \v are not JSON whitespace: json.loads refuses these, so must the slices
        b'{"status": "New", "tracking": ['
        + b"}\x0c,".join(
            b'{"mobileNumber": "%d", "message": "%s"' % (i, b"x" * 64) for i in range(9)
        )
        + b"}]}",
        b'{"status": "New", "tracking"\x0b:[{"mobileNumber": "1"}]}',
    ],
)
def test_odd_bodies_read_exactly_as_a_whole_decode(
    body: bytes, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tui.core.api import chunked

    monkeypatch.setattr(chunked, "SLICE_BYTES", 64)
    try:
        expected: object = parse_delivery(json.loads(body))
    except ValueError:
        expected = BadResponse
    try:
        got: object = parse_delivery_bytes(body)
    except BadResponse:
        got = BadResponse
    assert got == expected


def test_a_broken_big_body_is_still_a_bad_response() -> None:
    body = _big_body(_entries(20))
    with pytest.raises(BadResponse):
        parse_delivery_bytes(body[:-30] + b"}")


@pytest.mark.parametrize(
    "raw", ["9999-12-31T23:59:59", "0001-01-01T00:00:00", "2026-02-30T10:00:00"]
)
def test_dates_that_cannot_be_shown_are_kept_raw(raw: str) -> None:
    d = parse_delivery({"status": "Finished", "createDate": raw, "completeDate": raw})
    assert d.create_date is None and d.create_date_raw == raw
    assert d.duration is None


def test_a_repeated_deciding_code_marks_only_its_first_event() -> None:
    tracking = [
        {"mobileNumber": "1", "statusCode": "200", "standardStatusCode": "4000"},
        {"mobileNumber": "1", "statusCode": "20", "standardStatusCode": "3001"},
        {"mobileNumber": "1", "statusCode": "200", "standardStatusCode": "4000"},
    ]
    (r,) = parse_delivery({"status": "Finished", "tracking": tracking}).recipients
    assert r.events[0] is r.events[2], "identical events are one shared object"
    assert r.deciding_index == 0 and r.deciding_event is r.events[0]


def test_unchanged_recipients_are_reused_from_the_previous_read() -> None:
    """A poll of a big send must not rebuild 100,000 identical objects (GC stalls)."""
    entries = _entries(300)
    first = parse_delivery_bytes(_big_body(entries))
    entries[7] = {**entries[7], "standardStatusCode": "4503"}
    second = parse_delivery_bytes(_big_body(entries), first)
    assert second.recipients[0] is first.recipients[0]
    assert second.recipients[7] is not first.recipients[7]
    assert second.recipients[7].outcome_code == 4503
    assert second == parse_delivery_bytes(_big_body(entries))


def test_recipients_with_the_same_events_share_one_tuple() -> None:
    """The cycle collector walks every tuple a read keeps: one per recipient made the
    full collection after a 100,000-recipient read stall the UI for ~120 ms."""
    tracking = [
        {"mobileNumber": str(n), "standardStatusCode": code}
        for code in ("1000", "3001", "4000")
        for n in range(50)
    ]
    tracking.append({"mobileNumber": "7", "standardStatusCode": "4503"})
    d = parse_delivery({"status": "Finished", "tracking": tracking})
    sequences = {id(r.events) for r in d.recipients}
    assert len(sequences) == 2, "one tuple for the 49 alike, one for number 7"
    assert [e.standard_code for e in d.recipients[7].events] == [1000, 3001, 4000, 4503]
    assert d.recipients[7].outcome_code == 4503 and d.recipients[8].outcome_code == 4000


def test_a_read_keeps_one_tracked_object_per_recipient_at_most() -> None:
    """An O(n) slip in what a read keeps alive for the collector shows up here."""
    entries = _entries(3000)
    gc.collect()
    before = len(gc.get_objects())
    d = parse_delivery_bytes(_big_body(entries))
    gc.collect()
    kept = len(gc.get_objects()) - before
    assert len(d.recipients) == 3000
    assert kept <= 3000 + 100, f"{kept} objects for 3,000 recipients"


def test_the_collector_is_off_during_a_parse_and_back_after_any_outcome() -> None:
    seen: list[bool] = []

    class Probe(list[object]):
        def __iter__(self) -> Iterator[object]:
            seen.append(gc.isenabled())
            return super().__iter__()

    assert gc.isenabled()
    parse_delivery({"status": "Started", "tracking": Probe([{"mobileNumber": "1"}])})
    assert seen and not any(seen) and gc.isenabled()
    with pytest.raises(BadResponse):
        parse_delivery_bytes(b"<html>")
    assert gc.isenabled()


def test_overlapping_parses_in_two_threads_leave_the_collector_on() -> None:
    gate = threading.Barrier(2)

    def read() -> None:
        with parse._gc_paused():
            gate.wait(timeout=5)  # both inside at once
            parse_delivery({"status": "Started", "tracking": []})

    threads = [threading.Thread(target=read) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert gc.isenabled()


def test_values_that_compare_equal_are_still_different_statuses() -> None:
    """True == 1 == 1.0 in Python; a shared-event cache keyed on raw values would mix them."""
    tracking = [
        {"mobileNumber": str(n), "standardStatusCode": value, "statusCode": value}
        for n, value in enumerate([True, 1, 1.0, "1", None, [1]])
    ]
    d = parse_delivery({"status": "Started", "tracking": tracking})
    assert [r.events[0].standard_code for r in d.recipients] == [None, 1, 1, 1, None, None]
    assert [r.events[0].status_code for r in d.recipients] == ["True", "1", "1.0", "1", None, None]


# ---------------------------------------------------------------- fast path = tolerant path


def _dumped(tracking: object, **head: object) -> bytes:
    return json.dumps({"status": "Started", **head, "tracking": tracking}).encode()


_OLD = {"mobileNumber": "15555555510", "statusCode": "20", "message": "NA"}
# Bodies msgspec decodes (the documented shapes, however incomplete)...
WELL_FORMED: list[bytes] = [
    SEED_BODY,
    json.dumps(NEW_SHAPE).encode(),
    json.dumps(NEW_SHAPE, indent=2).encode(),
    _dumped([*json.loads(json.dumps(NEW_SHAPE))["tracking"], _OLD, {**_OLD, "mobileNumber": "2"}]),
    _dumped([]),
    _dumped([], count="12"),
    _dumped(_entries(40), count=" 40 ", completeDate=None),
    _dumped(_entries(5), completeDate="", createDate="2026-11-26T10:00:00.6"),
    _dumped([{"mobileNumber": "1", "statusCode": None, "message": "x"}, {"mobileNumber": ""}]),
    _dumped([{"mobileNumber": None}, {}, {"message": "no number"}]),
    _dumped([{"mobileNumber": "1", "message": 'Zustellung \u00fcber \U0001f4e8 "q" \\ /'}]),
    b'{"status":"Started","tracking":[{"mobileNumber":"1","message":"a","message":"b"}]}',
    b'{"status":"Started","tracking":[{"mobile\\u004eumber":"1","message":"\\u00e9"}]}',
    b'{"status":"Started","tracking":[{"mobileNumber":"1"}\r\n ,\t{"mobileNumber":"2"}] }',
]
# ...and bodies it refuses, in whole or in one slice, which the tolerant path reads.
ODD: list[bytes] = [
    _dumped([{"mobileNumber": 15555555510, "statusCode": 200, "standardStatusCode": 4000}]),
    _dumped([{"mobileNumber": "1", "standardStatusCode": v} for v in (True, 1, 1.0, "1", [1])]),
    _dumped([{"mobileNumber": "1", "message": {"nested": True}}, "nonsense", None, 7]),
    _dumped([{"mobileNumber": "1", "statusCode": "200", "carrier": "new field"}]),
    _dumped([*_entries(30), {"mobileNumber": "9", "message": ["a"]}, *_entries(30)]),
    _dumped(_entries(3), count=10**30),
    _dumped(_entries(3), count=1.0, message=["x"], completeDate=5),
    b'{"status":"Started","tracking":[{"mobileNumber":"1","message":"\\ud800"}]}',
    b'{"status":"Started","tracking":[{"mobileNumber":"1","x":NaN,"y":1e999}]}',
    b'{"status":"Started","tracking":[{"mobileNumber":"1","message":"\xed\xa0\x80"}]}',
    b'\xef\xbb\xbf{"status":"Started","tracking":[{"mobileNumber":"1"}]}',
    b'{"tracking":[{"mobileNumber":"1"}],"status":"Finished"}',
    b'{"status":"New","tracking":[],"tracking":[{"mobileNumber":"9"}]}',
    b'{"status":"New","tracking":null}',
    b'{"status":"New"}',
    # what json.loads refuses must stay a BadResponse, however the slices look
    b'{"status":"Started","tracking":[{"mobileNumber":"1","x":"\xff"}]}',
    b'{"status":"Started","tracking":[{"mobileNumber":"1"}\x0c,{"mobileNumber":"2"}]}',
    b'{"status":"Started","tracking"\x0b:[{"mobileNumber":"1"}]}',
    b'{"status":"Started","tracking":[{"mobileNumber":"1","x":' + b"[" * 995 + b"]" * 995 + b"}]}",
    b'{"status":"Started","tracking":[{"mobileNumber":"1"},]}',
    b'{"status":"Started","tracking":[{"mobileNumber":"1"}]',
    b"<html>Bad gateway</html>",
]


def _read(parse_it: Callable[[], Delivery]) -> tuple[object, ...]:
    """What a parse gives, so that two can be compared: a Delivery and its index, or the
    error; positions are not part of Delivery's equality."""
    try:
        d = parse_it()
    except BadResponse as exc:
        return ("BadResponse", str(exc))
    return (d, dict(d.positions), [type(e) for r in d.recipients for e in r.events])


@pytest.mark.parametrize("slice_bytes", [1 << 20, 64])
@pytest.mark.parametrize("body", WELL_FORMED + ODD)
def test_every_path_gives_the_tolerant_result(
    body: bytes, slice_bytes: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tui.core.api import chunked

    monkeypatch.setattr(chunked, "SLICE_BYTES", slice_bytes)
    expected = _read(
        lambda: parse_delivery(decode_reply(without_lone_surrogates(body), "a Deliveries reply"))
    )
    assert _read(lambda: parse_delivery_bytes(body)) == expected
    assert _read(lambda: parse_delivery_bytes(body)) == expected, "again, values now known"


@pytest.mark.parametrize("body", WELL_FORMED)
def test_documented_shapes_never_take_the_tolerant_path(
    body: bytes, monkeypatch: pytest.MonkeyPatch
) -> None:
    def refuse(*args: object) -> None:
        raise AssertionError("the tolerant reader ran")

    monkeypatch.setattr(parse._TrackingReader, "feed", refuse)
    parse_delivery_bytes(body)


def test_values_never_seen_are_learnt_and_too_many_stay_plain(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from tui.core.api import chunked, entries

    monkeypatch.setattr(chunked, "SLICE_BYTES", 256)
    monkeypatch.setattr(entries, "_values", [set() for _ in entries.EVENT_FIELDS])
    monkeypatch.setattr(entries, "_known", None)
    tame = _entries(200)
    wild = [{**e, "message": f"id {i}"} for i, e in enumerate(_entries(400))]
    for tracking in (tame, tame, wild, wild, tame):
        body = _big_body(tracking)
        assert parse_delivery_bytes(body) == parse_delivery(json.loads(body))
    status_codes, messages = entries._values[0], entries._values[1]
    assert status_codes == {"200"} and messages is None, "message had 400 values"
    (first,) = entries.decode(b'[{"mobileNumber":"1","statusCode":"200"}]')
    (second,) = entries.decode(b'[{"mobileNumber":"2","statusCode":"200"}]')
    assert first.status_code is second.status_code, "a known value is one string"


@pytest.mark.parametrize("frames", [0, 7, 60, "thread"])
def test_nesting_too_deep_for_the_whole_body_is_too_deep_for_a_slice(
    frames: int | str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """json.loads refuses nesting by the depth of the stack as well as of the JSON: read
    bare, a slice (shallower than in the body) was accepted at depths where the whole
    body was refused, and gave a Delivery for a BadResponse."""

    def body(depth: int) -> bytes:
        deep = b"[" * depth + b"]" * depth
        return b'{"status":"Started","tracking":[{"mobileNumber":"1","x":' + deep + b"}]}"

    def read_all(extra: int) -> list[tuple[object, ...]]:
        if extra:
            return read_all(extra - 1)
        return [_read(partial(parse_delivery_bytes, body(d))) for d in range(1, 1001)]

    def run() -> list[tuple[object, ...]]:
        if frames != "thread":
            return read_all(int(frames))
        result: list[list[tuple[object, ...]]] = []
        worker = threading.Thread(target=lambda: result.append(read_all(0)))
        worker.start()
        worker.join()
        return result[0]

    sliced = run()
    monkeypatch.setattr(parse, "_parse_in_slices", lambda body, previous: None)
    whole = run()
    assert sliced == whole
    assert sliced[0] != sliced[-1], "the range spans the depth json.loads refuses"


def _with_escapes(status: str, number: str) -> bytes:
    """A body whose status and number carry JSON escapes written as is (json.dumps would
    escape the backslash)."""
    body = {**NEW_SHAPE, "status": "@S@", "tracking": [{**NEW_SHAPE["tracking"][0]}]}
    body["tracking"][0]["mobileNumber"] = "@N@"
    text = json.dumps(body).replace("@S@", status).replace("@N@", number)
    return text.encode()


@pytest.mark.parametrize("slices", [False, True])
def test_lone_surrogates_are_replaced_at_the_parse_boundary(
    slices: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`"\\ud800"` is legal JSON but no text a terminal, a file or SQLite can hold."""
    if not slices:  # the whole-body path too
        monkeypatch.setattr(parse, "split_tracking", lambda body: None)
    d = parse_delivery_bytes(_with_escapes(r"Fin\ud800ished", r"1555\uDC005555510"))
    assert d.status == "Fin\ufffdished"
    assert d.recipients[0].mobile_number == "1555\ufffd5555510"
    for text in (d.status, d.recipients[0].mobile_number, *map(str, d.recipients[0].events)):
        text.encode("utf-8")  # storable


def test_surrogate_pairs_and_escaped_backslashes_are_left_alone() -> None:
    d = parse_delivery_bytes(_with_escapes(r"Finished \ud83d\ude00", r"1555\\ud8005510"))
    assert d.status == "Finished \U0001f600"
    assert d.recipients[0].mobile_number == "1555\\ud8005510"
