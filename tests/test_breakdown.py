"""Recipients by standard code (tui/core/breakdown.py): the ranking, and the tally a parse
makes once."""

from __future__ import annotations

import json

from tui.core.api.codes import Outcome
from tui.core.api.model import TrackingEvent, count_codes, make_recipient
from tui.core.api.parse import parse_delivery_bytes as parse_delivery
from tui.core.breakdown import CodeCount, breakdown, breakdown_of, code_name, failure_breakdown


def body(codes: list[int | None]) -> bytes:
    tracking = [
        {
            "mobileNumber": f"1555{i:07d}",
            "statusCode": "200",
            "message": "m",
            "standardStatusCode": code,
            "description": "d",
        }
        for i, code in enumerate(codes)
    ]
    return json.dumps({"status": "Finished", "count": len(codes), "tracking": tracking}).encode()


def test_failures_come_first_largest_first_then_unknown_pending_delivered() -> None:
    ranked = breakdown({4000: 500, 3001: 88, 4503: 312, 4501: 40, 3400: 2, 4505: 40, None: 7})
    assert [(i.code, i.count) for i in ranked] == [
        (4503, 312),
        (4501, 40),  # a tie: the lower code first
        (4505, 40),
        (None, 7),  # unknown: no standard code sorts after a code of the same count…
        (3400, 2),
        (3001, 88),
        (4000, 500),
    ]
    assert [i.outcome for i in ranked[:3]] == [Outcome.FAILED] * 3
    assert ranked[0] == CodeCount(4503, 312, Outcome.FAILED)
    assert ranked[0].name == "4503 Rejected"


def test_ties_within_a_group_put_a_code_before_no_code() -> None:
    ranked = breakdown({None: 3, 3400: 3, 9999: 3})
    assert [i.code for i in ranked] == [3400, 9999, None]


def test_codes_are_named_even_unlisted_or_missing() -> None:
    assert code_name(4501) == "4501 Expired"
    assert code_name(7777) == "7777 unlisted code"
    assert code_name(None) == "no standard code"


def test_empty_counts_and_zero_counts_give_nothing() -> None:
    assert breakdown({}) == ()
    assert breakdown({4503: 0}) == ()
    assert breakdown_of(None) == ()


def test_a_parsed_read_carries_its_tally_and_the_counts_agree() -> None:
    codes = [4503, 4503, 4000, 3001, None, 4501, 4503]
    delivery = parse_delivery(body(codes))
    assert dict(delivery.code_counts) == {4503: 3, 4000: 1, 3001: 1, None: 1, 4501: 1}
    assert dict(delivery.code_counts) == count_codes(delivery.recipients)
    assert delivery.counts.failed == 4 and delivery.counts.unknown == 1
    ranked = breakdown_of(delivery)
    assert [(i.code, i.count) for i in ranked][:2] == [(4503, 3), (4501, 1)]
    assert sum(i.count for i in ranked) == len(delivery.recipients)


def test_a_read_without_a_tally_is_counted() -> None:
    from dataclasses import replace

    delivery = parse_delivery(body([4503, 4000]))
    bare = replace(delivery, code_counts={})
    assert [(i.code, i.count) for i in breakdown_of(bare)] == [(4503, 1), (4000, 1)]


def test_the_ticket_notes_failures_are_the_breakdowns_failed_codes() -> None:
    events = [TrackingEvent("1", "m", c, "d") for c in (4501, 4503, 4000, 3001)]
    recipients = [make_recipient(f"n{i}", [events[i % 4]]) for i in range(9)]
    assert failure_breakdown(recipients) == [(4501, 3), (4503, 2)]
