"""The ticket note: what a failed-send ticket needs first, in short Markdown."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

from tui.core.api.errors import InvalidTokenId, UnexpectedServerError
from tui.core.api.model import SendKind
from tui.core.api.parse import parse_delivery
from tui.core.state import SendState
from tui.core.store.watchlist import WatchedSend
from tui.core.ticket import FAILED_LISTED, failure_breakdown, ticket_note

SEND = WatchedSend(
    "acme", "MzA6Nzg6MA", "c21NCNSDN2sMMWM2miosdjEHH", SendKind.MESSAGE_LIST, "Black Friday"
)
READ = datetime(2020, 11, 25, 19, 5, 0, tzinfo=UTC)


def body(codes: list[int | None], status: str = "Finished") -> dict[str, Any]:
    return {
        "message": "Sale!",
        "count": len(codes),
        "createDate": "2020-11-25T23:01:04.147",  # MC time: 05:01 UTC the next day
        "completeDate": None,
        "status": status,
        "tracking": [
            {"mobileNumber": f"1555{n:07d}", "statusCode": "x", "message": "m"}
            | ({} if code is None else {"standardStatusCode": str(code)})
            for n, code in enumerate(codes)
        ],
    }


def state(codes: list[int | None], **kwargs: Any) -> SendState:
    return SendState(SEND, parse_delivery(body(codes)), fetched_at=READ, **kwargs)


def test_breakdown_is_failing_codes_largest_first() -> None:
    recipients = parse_delivery(body([4503] * 3 + [4501] * 5 + [4000] * 9 + [4505] * 3)).recipients
    assert failure_breakdown(recipients) == [(4501, 5), (4503, 3), (4505, 3)]
    assert failure_breakdown(parse_delivery(body([4000, 3001, None])).recipients) == []


def test_the_note_names_the_send_and_says_when_in_utc_and_mc_time() -> None:
    note = ticket_note(state([4000, 4000, 3001]))
    lines = note.splitlines()
    assert lines[0] == "### Black Friday"
    assert "- Message id: `MzA6Nzg6MA`" in lines
    assert "- Token id: `c21NCNSDN2sMMWM2miosdjEHH`" in lines
    assert "- Kind: messageList · profile: acme" in lines
    assert "- Status: Finished" in lines
    assert "- Created (API): 2020-11-26 05:01:04 UTC / 2020-11-25 23:01:04 MC time (UTC−6)" in lines
    assert "- Completed (API): —" in lines
    assert "- Last read by sendwatch: 2020-11-25 19:05:00 UTC" in lines
    assert (
        "- Recipients: 3 seen of 3 (the API's count) · 2 delivered · 0 failed · 1 pending · "
        "0 unknown"
    ) in lines
    assert "Failures" not in note and "Failed numbers" not in note


def test_failures_by_code_and_the_first_failed_numbers_then_how_many_more() -> None:
    codes: list[int | None] = [4000, 4501] + [4503] * 60
    note = ticket_note(state(codes))
    assert "**Failures by code** (61)\n\n- 4503 Rejected: 60\n- 4501 Expired: 1\n" in note
    assert f"**Failed numbers** ({FAILED_LISTED} of 61)" in note
    fence = note.split("```")[1].strip().splitlines()
    assert len(fence) == FAILED_LISTED
    assert fence[0] == "15550000001  4501 Expired"
    assert fence[1] == "15550000002  4503 Rejected"
    assert note.rstrip().endswith("and 11 more")


def test_all_failed_numbers_listed_when_they_fit() -> None:
    note = ticket_note(state([4503, 4000]))
    assert "(1 of 1)" in note and "more" not in note


def test_masking_hides_every_number() -> None:
    note = ticket_note(state([4503, 4503]), mask=True)
    assert "1555•••0000  4503 Rejected" in note
    assert "15550000000" not in note and "15550000001" not in note


def test_no_data_and_a_failed_read_with_its_reference_id() -> None:
    error = UnexpectedServerError("3f1c-9a", messages=["boom"])
    note = ticket_note(SendState(SEND, error=error))
    assert "- No data: the send has not been read successfully yet" in note
    assert "- Last read failed: " in note
    assert "- Reference id: `3f1c-9a`" in note
    stale = ticket_note(state([4000], error=InvalidTokenId(SEND.token_id)))
    assert "Last read failed: the server says token id" in stale
    assert "Reference id" not in stale


def test_server_and_user_text_cannot_break_out() -> None:
    hostile = "\x1b]52;c;ZXZpbA==\x07"
    send = WatchedSend("acme", "MzA6Nzg6MA", "c21NCNSDN2sMMWM2miosdjEHH", SendKind.MESSAGE_CONTACT)
    data = body([4503], status=hostile)
    data["tracking"][0]["mobileNumber"] = "```\n" + hostile
    note = ticket_note(SendState(send, parse_delivery(data), fetched_at=READ))
    assert "\x1b" not in note and "\x07" not in note
    assert note.count("```") == 2  # a number cannot close the fence


def test_the_note_says_when_sendwatch_first_read_the_send() -> None:
    first = datetime(2020, 11, 25, 19, 2, tzinfo=UTC)
    note = ticket_note(replace(state([4000]), first_read=first))
    assert (
        "- First read by sendwatch: 2020-11-25 19:02:00 UTC (what it showed had already "
        "happened by then)"
    ) in note.splitlines()
    assert "First read" not in ticket_note(state([4000]))
