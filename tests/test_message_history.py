"""A number's MobileConnect message history: parsing untrusted replies, and
`SmsClient.history` against the simulator over real HTTP (docs/api.md §2.3)."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest

from tests.test_client import (
    MID,
    TID,
    Sleeps,
    a_send,
    client_mod_fault,
    env,  # noqa: F401  (autouse: the secrets the profiles name)
    mock_client,
    sim_client,
    sim_profile,
    stat,
)
from tui.cli.demo import DEMO_PROFILE, DEMO_SECRET_ENV, demo_config
from tui.core.api.errors import (
    ApiError,
    AuthError,
    BadResponse,
    InvalidId,
    InvalidTokenId,
    NetworkError,
    RateLimited,
    RequestRejected,
    ServerError,
    TokenNotForMessage,
    UsageError,
)
from tui.core.api.message_history import (
    MAX_ENTRIES,
    MAX_MESSAGE_CHARS,
    Direction,
    ReplyKind,
    parse_message_history,
    parse_message_history_bytes,
)
from tui.core.api.model import SendKind
from tui.core.history_reads import MessageHistoryReads
from tui.core.refresher import Refresher
from tui.core.store.watchlist import WatchedSend
from tui.sim import Simulator

MC = SendKind.MESSAGE_CONTACT

NUMBER = "15555550100"
DOC_SHAPE: dict[str, Any] = {
    "count": 3,
    "createDate": "2020-11-25T13:01:04.147",
    "status": "Active",
    "history": [
        {"type": "MO", "message": "stop please", "date": "2020-11-25T13:05:00.51"},
        {"type": "MT", "message": "Your code is 123456", "date": "2020-11-25T13:01:05"},
        {"type": "MT", "message": "You have been unsubscribed.", "date": "2020-11-25T13:05:02"},
    ],
}
HOSTILE = "\x1b[31m[bold]x[/bold]\u202e"


# --------------------------------------------------------------------------- parsing


def test_the_documented_shape_is_read_oldest_first_with_mc_dates() -> None:
    history = parse_message_history(DOC_SHAPE, NUMBER)
    assert history.mobile_number == NUMBER
    assert (history.count, history.status) == (3, "Active")
    assert history.create_date == datetime(2020, 11, 25, 19, 1, 4, 147000, tzinfo=UTC)
    assert [e.direction for e in history.entries] == [
        Direction.SENT,
        Direction.REPLY,
        Direction.SENT,
    ]
    first = history.entries[0]
    assert first.message == "Your code is 123456"
    assert first.date == datetime(2020, 11, 25, 19, 1, 5, tzinfo=UTC)  # UTC−6, no offset
    assert first.date_raw == "2020-11-25T13:01:05"
    (stop,) = history.keyword_replies
    assert (stop.keyword, stop.reply_kind) == ("STOP", ReplyKind.OPT_OUT)
    assert history.skipped == history.dropped == 0


@pytest.mark.parametrize(
    ("text", "keyword", "kind"),
    [
        ("STOP", "STOP", ReplyKind.OPT_OUT),
        ("  Stop!", "STOP", ReplyKind.OPT_OUT),
        ("unsubscribe me", "UNSUBSCRIBE", ReplyKind.OPT_OUT),
        ("help", "HELP", ReplyKind.HELP),
        ("START", "START", ReplyKind.OPT_IN),
        ("Stopping by later", None, None),
        ("Who is this? STOP", None, None),
        ("", None, None),
    ],
)
def test_keywords_are_the_replys_first_word(
    text: str, keyword: str | None, kind: ReplyKind | None
) -> None:
    body = {"history": [{"type": "mo", "message": text, "date": "2020-01-01T00:00:00"}]}
    (entry,) = parse_message_history(body, NUMBER).entries
    assert entry.direction is Direction.REPLY
    assert (entry.keyword, entry.reply_kind) == (keyword, kind)


def test_an_mt_saying_stop_is_no_reply() -> None:
    body = {"history": [{"type": "MT", "message": "STOP to opt out"}]}
    (entry,) = parse_message_history(body, NUMBER).entries
    assert entry.keyword is None and entry.reply_kind is None


@pytest.mark.parametrize(
    "body",
    [
        {"count": 0, "createDate": "2020-11-25T13:01:04", "status": "Active", "history": []},
        {"status": "Active"},
        {"history": [], "count": "0"},
    ],
)
def test_an_empty_history(body: dict[str, Any]) -> None:
    history = parse_message_history(body, NUMBER)
    assert history.entries == ()
    assert history.keyword_replies == ()


@pytest.mark.parametrize(
    ("body", "words"),
    [
        ([], "expected a JSON object, got list"),
        ("Active", "expected a JSON object, got str"),
        (None, "expected a JSON object, got NoneType"),
        ({}, "neither 'history' nor 'status'"),
        ({"count": 2}, "neither 'history' nor 'status'"),
        ({"status": "Active", "history": {"type": "MT"}}, "'history' is dict, not a list"),
        ({"history": "MT,MO"}, "'history' is str, not a list"),
    ],
)
def test_a_reply_of_another_shape_is_a_bad_response(body: object, words: str) -> None:
    with pytest.raises(BadResponse, match=words):
        parse_message_history(body, NUMBER)


@pytest.mark.parametrize(
    ("raw", "words"),
    [
        (b"<!DOCTYPE html><html>maintenance</html>", "HTML"),
        (b'{"status":"Active","history":[{"type":"MT"', "invalid JSON"),
        (b"", "invalid JSON"),
        (b"\xff\xfe not utf-8", "invalid JSON"),
        (b"[" * 100_000 + b"]" * 100_000, "invalid JSON"),  # deeper than json.loads goes
    ],
)
def test_bytes_that_are_not_json_are_a_bad_response(raw: bytes, words: str) -> None:
    with pytest.raises(BadResponse, match=words):
        parse_message_history_bytes(raw, NUMBER)


def test_a_lone_surrogate_in_a_reply_becomes_u_fffd() -> None:
    raw = b'{"status":"Active","history":[{"type":"MO","message":"ST\\ud800OP","date":null}]}'
    history = parse_message_history_bytes(raw, NUMBER)
    assert history.entries[0].message == "ST\ufffdOP"


def test_hostile_and_odd_entries_are_kept_raw_skipped_or_bounded() -> None:
    body = {
        "count": True,
        "createDate": {"$date": 1},
        "status": HOSTILE,
        "history": [
            "not an object",
            None,
            7,
            {"type": "MO", "message": HOSTILE, "date": "not a date"},
            {"type": "XX" * 50, "message": 12345, "date": "2020-11-25T13:01:05"},
            {"type": None, "message": ["a", "list"], "date": {"d": 1}},
            {"type": "MT", "message": "y" * (MAX_MESSAGE_CHARS * 3), "date": "9999-12-31T23:59:59"},
        ],
    }
    history = parse_message_history(body, NUMBER)
    assert history.skipped == 3
    assert history.count is None and history.create_date is None
    assert history.status == HOSTILE  # kept as sent; drawn through safe_text
    dated, *undated = history.entries
    assert dated.direction is Direction.OTHER and dated.message == "12345"
    assert dated.type_raw == "XX" * 50
    hostile, listed, long = undated  # no readable date: last, in the order sent
    assert hostile.message == HOSTILE and hostile.date is None and hostile.date_raw == "not a date"
    assert listed.direction is Direction.OTHER and listed.message == "" and listed.date is None
    assert listed.date_raw is None
    assert len(long.message) == MAX_MESSAGE_CHARS and long.message.endswith("…")
    assert long.date is None  # year 9999: outside what any send is dated


def test_only_the_latest_entries_are_kept_and_the_rest_counted() -> None:
    entries = [
        {"type": "MT", "message": f"m{i}", "date": f"2020-01-01T00:{i // 60:02d}:{i % 60:02d}"}
        for i in range(MAX_ENTRIES + 25)
    ]
    history = parse_message_history({"history": entries[::-1]}, NUMBER)
    assert history.dropped == 25
    assert len(history.entries) == MAX_ENTRIES
    assert (
        history.entries[0].message == "m25"
        and history.entries[-1].message == f"m{MAX_ENTRIES + 24}"
    )


# --------------------------------------------------------------------------- the client, mocked


async def test_the_url_quotes_every_segment_and_sends_the_bearer_token() -> None:
    client, seen = mock_client(lambda r: httpx.Response(200, json=DOC_SHAPE))
    history = await client.history("ab/cd+ef==", TID, NUMBER)
    assert len(history.entries) == 3
    (request,) = seen
    assert request.url.raw_path.decode() == (
        f"/sms/v1/messageContact/ab%2Fcd%2Bef%3D%3D/history/{TID}/mobileNumber/{NUMBER}"
    )
    assert request.headers["Authorization"].startswith("Bearer ")


@pytest.mark.parametrize(
    "number",
    ["", "+15555550100", "1-555-555-0100", "../../deliveries", "1555?x=1", "١٢٣", "1" * 21],
)
async def test_a_number_that_cannot_be_one_sends_nothing(number: str) -> None:
    client, seen = mock_client(lambda r: httpx.Response(200, json=DOC_SHAPE))
    with pytest.raises(InvalidId, match="mobile number") as info:
        await client.history(MID, TID, number)
    assert info.value.exit_code == 2 and seen == []


async def test_a_hostile_reply_is_a_bad_response_after_the_usual_retries() -> None:
    client, seen = mock_client(lambda r: httpx.Response(200, json=[HOSTILE]), retries=2)
    with pytest.raises(BadResponse, match="expected a JSON object"):
        await client.history(MID, TID, NUMBER)
    assert len(seen) == 3


async def test_a_big_reply_is_parsed_in_a_thread(monkeypatch: pytest.MonkeyPatch) -> None:
    import threading

    from tui.core.api import client as client_mod

    threads: list[threading.Thread] = []
    real = client_mod.parse_message_history_bytes

    def spy(body: bytes, number: str) -> Any:
        threads.append(threading.current_thread())
        return real(body, number)

    monkeypatch.setattr(client_mod, "parse_message_history_bytes", spy)
    monkeypatch.setattr(client_mod, "THREAD_PARSE_BYTES", 10)
    client, _ = mock_client(lambda r: httpx.Response(200, json=DOC_SHAPE))
    await client.history(MID, TID, NUMBER)
    assert threads and threads[0] is not threading.main_thread()


# --------------------------------------------------------------------------- the client, on the sim


def replying(sim: Simulator, token_id: str, word: str) -> str:
    """A number of the send whose replies include `word` (the sim draws them by seed)."""
    for number in sim.sends[token_id].numbers:
        if any(
            e.type == "MO" and e.message.upper().startswith(word)
            for e in sim.history_entries(token_id, number)
        ):
            return number
    raise AssertionError(f"no number replies {word}: make the send bigger")


async def test_the_history_agrees_with_the_send_and_shows_replies(sim: Simulator) -> None:
    mid, tid = a_send(sim, 400)
    sim.advance(3 * 3600)  # the send is over and every reply is in
    stopper = replying(sim, tid, "STOP")
    async with sim_client(sim) as client:
        history = await client.history(mid, tid, stopper)
        delivery = await client.fetch(MC, mid, tid)
    mt, mo, answer = history.entries
    assert (mt.direction, mt.message) == (Direction.SENT, "Your code is 1234")
    assert mo.direction is Direction.REPLY and mo.reply_kind is ReplyKind.OPT_OUT
    assert answer.direction is Direction.SENT and mt.date and mo.date and answer.date
    assert mt.date < mo.date < answer.date
    assert history.status == "Active" and history.count == 3
    assert history.create_date == delivery.create_date
    # The MT is dated at the number's first carrier event in the Deliveries body.
    schedule = sim.sends[tid].schedule
    first = min(t for t, f in zip(schedule.times, schedule.fragments, strict=True) if stopper in f)
    assert abs(mt.date.timestamp() - first) < 0.001
    recipient = delivery.recipient(stopper)
    assert recipient is not None and recipient.outcome_code in (2000, 4000)  # it was delivered
    assert stat(sim, "history") == 1


async def test_before_its_turn_a_number_has_no_entries_and_then_its_mt(sim: Simulator) -> None:
    mid, tid = a_send(sim, ["15555550101", "15555550102"])
    async with sim_client(sim) as client:
        before = await client.history(mid, tid, "15555550101")
        sim.advance(3600)
        after = await client.history(mid, tid, "15555550101")
    assert before.entries == () and before.count == 0
    assert [e.direction for e in after.entries][:1] == [Direction.SENT]


async def test_a_number_the_send_never_had_is_a_404_and_a_bad_one_a_400(sim: Simulator) -> None:
    mid, tid = a_send(sim, ["15555550101"])
    async with sim_client(sim) as client:
        with pytest.raises(RequestRejected, match="Not Found") as missing:
            await client.history(mid, tid, "15555550199")
        with pytest.raises(RequestRejected, match="Invalid phone number") as short:
            await client.history(mid, tid, "1555")
    assert missing.value.status == 404 and short.value.status == 400


async def test_an_unsubscribed_number_has_an_empty_history(sim: Simulator) -> None:
    mid = sim.add_message("hi")
    tid = sim.create_send(mid, ["15555550101", "15555550102"], unsubscribed=1)
    sim.advance(3600)
    gone = sim.sends[tid].unsubscribed[0]
    async with sim_client(sim) as client:
        history = await client.history(mid, tid, gone)
    assert history.entries == () and history.status == "Active"


async def test_the_catalogue_errors_are_the_deliveries_ones(sim: Simulator) -> None:
    mid, _ = a_send(sim, ["15555550101"])
    _, other = a_send(sim, ["15555550101"])
    async with sim_client(sim) as client:
        with pytest.raises(InvalidTokenId):
            await client.history(mid, "BBBBBBBBBBBBBBBBBBBB", "15555550101")
        with pytest.raises(TokenNotForMessage):
            await client.history(mid, other, "15555550101")
    assert stat(sim, "history") == 2  # not retried


async def test_a_messagelist_send_has_no_history_route(sim: Simulator) -> None:
    mid = sim.add_message("hi", kind="messageList")
    tid = sim.create_send(mid, ["15555550101"])
    token = sim.issue_token()
    reply = httpx.get(
        f"{sim.url}/sms/v1/messageList/{mid}/history/{tid}/mobileNumber/15555550101",
        headers={"Authorization": f"Bearer {token}"},
    )
    assert reply.status_code == 404 and reply.json()["message"] == "Not Found"
    async with sim_client(sim) as client:
        # The client asks the messageContact route, which does not know a list's message.
        with pytest.raises(ApiError, match="not valid") as info:
            await client.history(mid, tid, "15555550101")
    assert info.value.status == 400


async def test_history_faults_are_its_own_and_retried_like_deliveries(sim: Simulator) -> None:
    mid, tid = a_send(sim, ["15555550101"])
    sim.advance(3600)
    sim.inject(tid, client_mod_fault(sim, "http500", times=1), route="history")
    sleeps = Sleeps()
    async with sim_client(sim, sleep=sleeps) as client:
        await client.fetch(MC, mid, tid)  # the deliveries route does not spend it
        history = await client.history(mid, tid, "15555550101")
        assert history.entries
        assert stat(sim, "history") == 2 and len(sleeps.waits) == 1
        for kind, error in (
            ("html", BadResponse),
            ("malformed", BadResponse),
            ("drop", NetworkError),
            ("http503", ServerError),
        ):
            # One more than the client's 3 retries: every attempt fails, none is left over.
            fault = client_mod_fault(sim, kind, times=4, retry_after=None)
            sim.inject(tid, fault, route="history")
            with pytest.raises(error):
                await client.history(mid, tid, "15555550101")
        sim.inject(tid, client_mod_fault(sim, "http429", times=1, retry_after=600), route="history")
        with pytest.raises(RateLimited):
            await client.history(mid, tid, "15555550101")


async def test_a_revoked_token_is_refreshed_once_and_a_second_401_is_an_auth_error(
    sim: Simulator,
) -> None:
    mid, tid = a_send(sim, ["15555550101"])
    async with sim_client(sim) as client:
        await client.history(mid, tid, "15555550101")
        sim.revoke_tokens()
        await client.history(mid, tid, "15555550101")  # a new token, then the read
        assert stat(sim, "token_v2") == 2
    static = sim.issue_token()
    profile = sim_profile(sim, "token", access_token=static)
    async with sim_client(sim, profile) as client:
        sim.revoke_tokens()
        with pytest.raises(AuthError):
            await client.history(mid, tid, "15555550101")


def test_the_sims_reply_is_the_documented_shape(sim: Simulator) -> None:
    mid, tid = a_send(sim, ["15555550101"])
    sim.advance(3600)
    token = sim.issue_token()
    reply = httpx.get(
        f"{sim.url}/sms/v1/messageContact/{mid}/history/{tid}/mobileNumber/15555550101",
        headers={"Authorization": f"Bearer {token}"},
    )
    assert reply.status_code == 200
    body = reply.json()
    assert list(body) == ["count", "createDate", "status", "history"]
    assert body["status"] == "Active" and body["count"] == len(body["history"]) == 1
    (entry,) = body["history"]
    assert set(entry) == {"type", "message", "date"} and entry["type"] == "MT"
    assert json.dumps(body).isascii()


# --------------------------------------------------------------------------- through the refresher


async def test_the_drilldowns_reads_share_the_refreshers_client(
    sim: Simulator, tmp_path: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(DEMO_SECRET_ENV, Simulator.CLIENT_SECRET)
    made: list[Any] = []

    def factory(profile: Any) -> Any:
        made.append(sim_client(sim, profile))
        return made[-1]

    refresher = Refresher(demo_config(sim, tmp_path), lambda state: None, client_factory=factory)
    mid, tid = a_send(sim, ["15555550101"])
    lmid = sim.add_message("hi", kind="messageList")
    ltid = sim.create_send(lmid, ["15555550101"])
    contact = WatchedSend(DEMO_PROFILE, mid, tid, SendKind.MESSAGE_CONTACT, "c")
    listed = WatchedSend(DEMO_PROFILE, lmid, ltid, SendKind.MESSAGE_LIST, "l")
    refresher.watch(contact)
    refresher.watch(listed)
    reads = MessageHistoryReads(refresher)
    sim.advance(600)
    try:
        first = await reads(contact.key, "15555550101")
        again = await reads(contact.key, "15555550101")
        assert first.entries and again == first
        assert len(made) == 1 and stat(sim, "token_v2") == 1  # one client, one token
        with pytest.raises(UsageError, match="messageContact sends only"):
            await reads(listed.key, "15555550101")
        with pytest.raises(UsageError, match="no longer watched"):
            await reads("gone", "15555550101")
        assert stat(sim, "history") == 2
    finally:
        await made[0].aclose()


async def test_a_client_without_the_history_route_is_said_so(sim: Simulator, tmp_path: Any) -> None:
    class FetchOnly:
        async def fetch(self, *args: Any, **kwargs: Any) -> Any:
            raise AssertionError("not called")

        async def aclose(self) -> None:
            pass

    refresher = Refresher(
        demo_config(sim, tmp_path), lambda s: None, client_factory=lambda p: FetchOnly()
    )
    send = WatchedSend(DEMO_PROFILE, MID, TID, SendKind.MESSAGE_CONTACT, "c")
    refresher.watch(send)
    with pytest.raises(UsageError, match="cannot read message history"):
        await MessageHistoryReads(refresher)(send.key, "15555550101")
