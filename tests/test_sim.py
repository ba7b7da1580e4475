"""The simulator over real HTTP: auth, send validation, Deliveries, progression, faults."""

from __future__ import annotations

import json
import re
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest

from tui.core.api.errors import InvalidTokenId, UnexpectedServerError, from_error_messages
from tui.core.api.model import SendKind
from tui.core.api.parse import parse_delivery_bytes
from tui.sim import Fault, Simulator

CREDS = {
    "grant_type": "client_credentials",
    "client_id": Simulator.CLIENT_ID,
    "client_secret": Simulator.CLIENT_SECRET,
}
MC_DATE = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{1,3})?")
START = datetime(2024, 3, 5, 14, 0, 0, tzinfo=UTC)


@pytest.fixture
def http(sim: Simulator) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=sim.url, timeout=10) as client:
        yield client


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def v2_token(http: httpx.Client, **overrides: str) -> str:
    reply = http.post("/v2/token", json={**CREDS, **overrides})
    assert reply.status_code == 200, reply.text
    return str(reply.json()["access_token"])


def get_deliveries(
    http: httpx.Client, message_id: str, token_id: str, token: str, kind: str = "messageContact"
) -> httpx.Response:
    return http.get(f"/sms/v1/{kind}/{message_id}/deliveries/{token_id}", headers=bearer(token))


def body_of(http: httpx.Client, message_id: str, token_id: str, token: str) -> dict[str, Any]:
    reply = get_deliveries(http, message_id, token_id, token)
    assert reply.status_code == 200, reply.text
    data: dict[str, Any] = reply.json()
    return data


def finish(sim: Simulator, token_id: str) -> None:
    """Advance exactly to the end of a send (tokens are issued long-lived where needed)."""
    ended = sim.sends[token_id].schedule.timeline.ended
    sim.advance(max(0.0, ended - sim.now().timestamp()) + 0.01)


# -- token endpoints ----------------------------------------------------------------------


def test_v2_token_reports_a_second_less_and_points_back_at_the_sim(
    sim: Simulator, http: httpx.Client
) -> None:
    reply = http.post("/v2/token", json={**CREDS, "scope": "sms_read", "account_id": "100000001"})
    assert reply.status_code == 200
    data = reply.json()
    assert data["token_type"] == "Bearer"
    assert data["expires_in"] == 1079
    assert data["scope"] == "sms_read"
    assert data["rest_instance_url"] == sim.url + "/"
    assert data["soap_instance_url"].startswith(sim.url + "/")
    assert sim.stats.token_v2 == 1


@pytest.mark.parametrize(
    "override", [{"client_secret": "wrong"}, {"client_id": "nobody"}], ids=["secret", "id"]
)
def test_v2_token_refuses_bad_credentials(http: httpx.Client, override: dict[str, str]) -> None:
    reply = http.post("/v2/token", json={**CREDS, **override})
    assert reply.status_code == 401
    assert reply.json() == {
        "error": "invalid_client",
        "error_description": "Invalid client ID. Use the client ID in Marketing Cloud "
        "Installed Packages.",
        "error_uri": "https://developer.salesforce.com/docs",
    }


def test_v2_token_refuses_other_grant_types_and_wrong_accounts(http: httpx.Client) -> None:
    reply = http.post("/v2/token", json={**CREDS, "grant_type": "password"})
    assert reply.status_code == 400
    assert reply.json()["error"] == "unsupported_grant_type"
    reply = http.post("/v2/token", json={**CREDS, "account_id": "999"})
    assert reply.status_code == 400
    assert reply.json()["error"] == "invalid_grant"


def test_v2_token_accepts_a_form_body(http: httpx.Client) -> None:
    assert http.post("/v2/token", data=CREDS).status_code == 200


def test_v1_request_token_gives_an_hour_long_working_token(
    sim: Simulator, http: httpx.Client
) -> None:
    reply = http.post(
        "/v1/requestToken?legacy=1",
        json={"clientId": Simulator.CLIENT_ID, "clientSecret": Simulator.CLIENT_SECRET},
    )
    assert reply.status_code == 200
    assert reply.json()["expiresIn"] == 3600
    message_id = sim.add_message("hi")
    token_id = sim.create_send(message_id, 2)
    sim.advance(3599)
    assert (
        get_deliveries(http, message_id, token_id, reply.json()["accessToken"]).status_code == 200
    )
    sim.advance(1)
    assert (
        get_deliveries(http, message_id, token_id, reply.json()["accessToken"]).status_code == 401
    )
    assert sim.stats.token_v1 == 1


def test_v1_request_token_refuses_bad_credentials(http: httpx.Client) -> None:
    reply = http.post("/v1/requestToken", json={"clientId": "x", "clientSecret": "y"})
    assert reply.status_code == 401
    assert reply.json() == {"message": "Unauthorized", "errorcode": 1, "documentation": ""}


# -- bearer and query auth ----------------------------------------------------------------


def test_bearer_and_query_tokens_both_work_and_the_log_redacts_the_query(
    sim: Simulator, http: httpx.Client
) -> None:
    token = v2_token(http)
    message_id = sim.add_message("hi")
    token_id = sim.create_send(message_id, 1)
    path = f"/sms/v1/messageContact/{message_id}/deliveries/{token_id}"
    assert http.get(path, headers=bearer(token)).status_code == 200
    assert http.get(path, params={"access_token": token, "x": "1"}).status_code == 200
    by_header, by_query = sim.requests[-2:]
    assert (by_header.had_bearer, by_header.query) == (True, "")
    assert (by_query.had_bearer, by_query.query) == (False, "access_token=[redacted]&x=1")
    assert token not in repr(sim.requests)


def test_missing_token_gets_a_challenge_without_an_error_code(
    sim: Simulator, http: httpx.Client
) -> None:
    message_id = sim.add_message("hi")
    reply = http.get(f"/sms/v1/messageContact/{message_id}/deliveries/{'a' * 25}")
    assert reply.status_code == 401
    assert reply.json()["message"] == "Not Authorized"
    assert reply.json()["errorcode"] == 0
    assert reply.headers["WWW-Authenticate"] == 'Bearer realm="sim"'


def test_token_expires_in_sim_time_with_an_invalid_token_challenge(
    sim: Simulator, http: httpx.Client
) -> None:
    sim.token_ttl = 300
    token = v2_token(http)
    message_id = sim.add_message("hi")
    token_id = sim.create_send(message_id, 1)
    sim.advance(299.5)
    assert get_deliveries(http, message_id, token_id, token).status_code == 200
    sim.advance(0.5)
    reply = get_deliveries(http, message_id, token_id, token)
    assert reply.status_code == 401
    challenge = reply.headers["WWW-Authenticate"]
    assert challenge.startswith("Bearer ")
    assert 'error="invalid_token"' in challenge
    assert 'error_description="The access token expired"' in challenge


def test_revoked_tokens_fail_and_new_ones_work(sim: Simulator, http: httpx.Client) -> None:
    old = v2_token(http)
    issued = sim.issue_token()
    message_id = sim.add_message("hi")
    token_id = sim.create_send(message_id, 1)
    assert get_deliveries(http, message_id, token_id, issued).status_code == 200
    sim.revoke_tokens()
    for token in (old, issued):
        reply = get_deliveries(http, message_id, token_id, token)
        assert reply.status_code == 401
        assert "revoked" in reply.headers["WWW-Authenticate"]
    assert get_deliveries(http, message_id, token_id, v2_token(http)).status_code == 200


def test_a_garbage_token_is_invalid(sim: Simulator, http: httpx.Client) -> None:
    message_id = sim.add_message("hi")
    reply = get_deliveries(http, message_id, "a" * 25, "not-a-token")
    assert reply.status_code == 401
    assert 'error="invalid_token"' in reply.headers["WWW-Authenticate"]


# -- send ---------------------------------------------------------------------------------


def post_send(
    http: httpx.Client, token: str, message_id: str, body: object, kind: str = "messageContact"
) -> httpx.Response:
    return http.post(f"/sms/v1/{kind}/{message_id}/send", json=body, headers=bearer(token))


def test_send_lists_every_problem_in_one_400(sim: Simulator, http: httpx.Client) -> None:
    message_id = sim.add_message("hi")
    reply = post_send(
        http,
        sim.issue_token(),
        message_id,
        {
            "mobileNumbers": ["1-317-555-1212", "13175551212", "123"],
            "Subscribe": True,
            "Override": True,
            "messageText": "  ",
        },
    )
    assert reply.status_code == 400
    assert reply.json() == {
        "errors": [
            "1-317-555-1212 is not a numeric string",
            "Invalid phone number",
            "Keyword cannot be blank when Subscribe or Resubscribe are true.",
            "Cannot override message text with a blank message.",
        ]
    }
    assert sim.sends == {}


@pytest.mark.parametrize(
    ("body", "error"),
    [
        ({}, "The count of mobile numbers or subscribers cannot be zero."),
        ({"mobileNumbers": []}, "The count of mobile numbers or subscribers cannot be zero."),
        (
            {
                "mobileNumbers": ["13175551212"],
                "Subscribers": [{"MobileNumber": "13175551213", "SubscriberKey": "k"}],
            },
            "An array of mobile numbers and an array of subscribers cannot be provided at the "
            "same time.",
        ),
        (
            {"Subscribers": [{"MobileNumber": "13175551213"}]},
            "A subscriber object must have both a mobile number and subscriber key defined.",
        ),
        (
            {"mobileNumbers": ["13175551212"], "keyword": "JOIN"},
            "Keyword is not necessary when Subscribe and Resubscribe are false.",
        ),
        (
            {"mobileNumbers": ["13175551212"], "Resubscribe": "true", "keyword": "TestKeyword"},
            "Keyword TestKeyword is invalid for the code on the message",
        ),
        (
            {"mobileNumbers": ["13175551212"], "messageText": "hello"},
            "MessageText is not applicable when Override is false.",
        ),
        (
            {"mobileNumbers": [str(13175550000 + i) for i in range(251)]},
            "The count of mobile numbers or subscribers cannot exceed 250.",
        ),
        ({"mobileNumbers": ["1234567"]}, "Invalid phone number"),
        ({"mobileNumbers": ["13175551212"], "SendTime": "soon"}, "SendTime soon is not valid."),
        ([1, 2], "The request body must be a JSON object."),
    ],
)
def test_send_validation_messages(
    sim: Simulator, http: httpx.Client, body: object, error: str
) -> None:
    reply = post_send(http, sim.issue_token(), sim.add_message("hi"), body)
    assert reply.status_code == 400
    assert reply.json()["errors"] == [error]


def test_send_refuses_a_blank_message_without_override(sim: Simulator, http: httpx.Client) -> None:
    reply = post_send(
        http, sim.issue_token(), sim.add_message(""), {"mobileNumbers": ["13175551212"]}
    )
    assert reply.json()["errors"] == ["Message is blank and no override message was provided."]


def test_send_refuses_bad_and_foreign_message_ids(sim: Simulator, http: httpx.Client) -> None:
    sim.add_client("other", "secret")
    foreign = sim.add_message("theirs", client_id="other")
    token = sim.issue_token()
    body = {"mobileNumbers": ["13175551212"]}
    assert post_send(http, token, "cI217sdksi3", body).json() == {
        "errors": ["Message id cI217sdksi3 is not valid."]
    }
    assert post_send(http, token, foreign, body).json() == {
        "errors": [f"Message {foreign} is not valid for the client."]
    }


def test_send_accepts_any_key_case_and_string_flags_and_answers_202(
    sim: Simulator, http: httpx.Client
) -> None:
    message_id = sim.add_message("hi")
    reply = post_send(
        http,
        sim.issue_token(),
        message_id,
        {
            "MOBILENUMBERS": ["13175551212", "447700900123"],
            "subscribe": "true",
            "KEYWORD": "join",
            "override": True,
            "MessageText": "Overridden",
        },
    )
    assert reply.status_code == 202
    token_id = reply.json()["tokenId"]
    assert re.fullmatch(r"[A-Za-z0-9_-]{25}", token_id)
    send = sim.sends[token_id]
    assert send.numbers == ("13175551212", "447700900123")
    assert send.text == "Overridden"
    assert sim.stats.sends == 1


def test_subscribers_send_and_opted_out_numbers_are_left_out_unless_resubscribed(
    sim: Simulator, http: httpx.Client
) -> None:
    sim.opt_out("15555552254")
    token = sim.issue_token()
    message_id = sim.add_message("hi")
    subscribers = [
        {"MobileNumber": "15555554410", "SubscriberKey": "a", "Attributes": {"FirstName": "M"}},
        {"MobileNumber": "15555552254", "SubscriberKey": "b"},
    ]
    plain = post_send(http, token, message_id, {"Subscribers": subscribers}).json()["tokenId"]
    again = post_send(
        http,
        token,
        message_id,
        {"Subscribers": subscribers, "Resubscribe": True, "keyword": "JOIN"},
    ).json()["tokenId"]
    assert sim.sends[plain].count == 1
    assert sim.sends[again].count == 2


def test_future_send_time_stays_new_until_then(sim: Simulator, http: httpx.Client) -> None:
    later = datetime.fromtimestamp(sim.now().timestamp() + 600, UTC).strftime("%Y-%m-%d %H:%M")
    message_id = sim.add_message("hi")
    token = sim.issue_token()
    reply = post_send(
        http, token, message_id, {"mobileNumbers": ["13175551212"], "SendTime": later}
    )
    token_id = reply.json()["tokenId"]
    sim.advance(500)
    assert body_of(http, message_id, token_id, token)["status"] == "New"
    sim.advance(120)
    assert body_of(http, message_id, token_id, token)["status"] != "New"


def test_message_list_send_and_deliveries(sim: Simulator, http: httpx.Client) -> None:
    token = sim.issue_token()
    list_id = sim.add_message("list text", kind=SendKind.MESSAGE_LIST)
    reply = post_send(
        http,
        token,
        list_id,
        {"TargetListIds": ["abc"], "simRecipients": 30, "simUnsubscribed": 4},
        kind="messageList",
    )
    assert reply.status_code == 202
    token_id = reply.json()["tokenId"]
    finish(sim, token_id)
    reply = get_deliveries(http, list_id, token_id, token, kind="messageList")
    data = reply.json()
    assert (data["status"], data["count"], data["message"]) == ("Finished", 26, "list text")
    bad = post_send(http, token, list_id, {"OverrideMessageText": True}, kind="messageList")
    assert bad.json()["errors"] == ["Cannot override message text with a blank message."]


# -- deliveries: errors -------------------------------------------------------------------


def test_deliveries_catalogue_errors(sim: Simulator, http: httpx.Client) -> None:
    sim.add_client("other", "secret")
    token = sim.issue_token()
    mine = sim.add_message("mine")
    second = sim.add_message("second")
    list_id = sim.add_message("list", kind=SendKind.MESSAGE_LIST)
    theirs = sim.add_message("theirs", client_id="other")
    my_send = sim.create_send(mine, 1)
    their_send = sim.create_send(theirs, 1)

    def errors(message_id: str, token_id: str, kind: str = "messageContact") -> list[str]:
        reply = get_deliveries(http, message_id, token_id, token, kind)
        assert reply.status_code == 400
        return list(reply.json()["errors"])

    assert errors("cI217sdksi3", my_send) == ["Message id cI217sdksi3 is not valid."]
    assert errors(mine, "c21N!") == ["Token id c21N! is not valid."]
    assert errors("bad!", "c21N!") == [
        "Message id bad! is not valid.",
        "Token id c21N! is not valid.",
    ]
    assert errors(theirs, my_send) == [f"Message id {theirs} is not valid."]
    assert errors(list_id, my_send, "messageList") == [
        f"TokenId {my_send} is not valid for MessageId {list_id}."
    ]
    assert errors(mine, my_send, "messageList") == [f"Message id {mine} is not valid."]
    assert errors(mine, "c21NCNSDN2sMMWM2miosdjEHH") == [
        "Token id c21NCNSDN2sMMWM2miosdjEHH is not valid."
    ]
    assert errors(mine, their_send) == [f"Token id {their_send} is not valid for this client."]
    assert errors(second, my_send) == [f"TokenId {my_send} is not valid for MessageId {second}."]


def test_catalogue_errors_parse_into_the_core_error_types(
    sim: Simulator, http: httpx.Client
) -> None:
    message_id = sim.add_message("hi")
    reply = get_deliveries(http, message_id, "c21NCNSDN2sMMWM2miosdjEHH", sim.issue_token())
    error = from_error_messages(
        reply.json()["errors"], message_id=message_id, token_id="c21NCNSDN2sMMWM2miosdjEHH"
    )
    assert isinstance(error, InvalidTokenId)
    assert error.token_id == "c21NCNSDN2sMMWM2miosdjEHH"


def test_percent_encoded_ids_are_decoded(sim: Simulator, http: httpx.Client) -> None:
    token = sim.issue_token()
    message_id = sim.add_message("hi")
    token_id = sim.create_send(message_id, 2)
    encode = "".join
    enc_message = encode(f"%{b:02X}" for b in message_id.encode())
    enc_token = encode(f"%{b:02X}" for b in token_id.encode())
    reply = get_deliveries(http, enc_message, enc_token, token)
    assert reply.status_code == 200
    assert sim.requests[-1].path.endswith(enc_token)
    reply = get_deliveries(http, message_id, "abc%2Fdefghijklmnopq%3D", token)
    assert reply.json()["errors"] == ["Token id abc/defghijklmnopq= is not valid."]


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", "/sms/v1/messageContact/MzA6Nzg6MA/nothing/x"),
        ("GET", "//sms/v1/messageContact/MzA6Nzg6MA/deliveries/abc"),
        ("GET", "/v2/token"),
        ("POST", "/sms/v1/messageContact/MzA6Nzg6MA/deliveries/abc"),
        ("GET", "/"),
    ],
)
def test_unknown_paths_get_the_gateway_404(http: httpx.Client, method: str, path: str) -> None:
    reply = http.request(method, path)
    assert reply.status_code == 404
    assert reply.json() == {
        "documentation": "https://code.docs.exacttarget.com/rest/errors/404",
        "errorcode": 404,
        "message": "Not Found",
    }


# -- deliveries: progression --------------------------------------------------------------


def test_progression_new_queuing_started_finished(sim: Simulator, http: httpx.Client) -> None:
    sim.token_ttl = 10**6
    token = v2_token(http)
    message_id = sim.add_message("Test Delivery Receipt")
    token_id = sim.create_send(message_id, 5)
    seen = []
    for step in (0.0, 2.0, 3.0):
        sim.advance(step)
        data = body_of(http, message_id, token_id, token)
        seen.append(data["status"])
        assert "completeDate" not in data
        assert data["tracking"] == []
    assert seen == ["New", "Queuing", "Started"]
    finish(sim, token_id)
    data = body_of(http, message_id, token_id, token)
    assert data["status"] == "Finished"
    assert data["message"] == "Test Delivery Receipt"
    assert data["count"] == 5
    assert MC_DATE.fullmatch(data["createDate"])
    assert MC_DATE.fullmatch(data["completeDate"])
    assert data["completeDate"] > data["createDate"]
    assert {e["mobileNumber"] for e in data["tracking"]} == set(sim.sends[token_id].numbers)
    for entry in data["tracking"]:
        assert list(entry) == [
            "mobileNumber",
            "statusCode",
            "message",
            "standardStatusCode",
            "description",
        ]
        assert all(isinstance(v, str) for v in entry.values())


def test_dates_are_mc_system_time_utc_minus_six() -> None:
    with Simulator(seed=3, time_scale=0, start=START) as sim:
        message_id = sim.add_message("hi")
        token_id = sim.create_send(message_id, 1)
        data = json.loads(sim.body(token_id))
    assert data["createDate"] == "2024-03-05T08:00:00"


def test_events_grow_as_time_passes_and_keep_their_order(
    sim: Simulator, http: httpx.Client
) -> None:
    token = sim.issue_token()
    message_id = sim.add_message("hi")
    token_id = sim.create_send(message_id, 200)
    sim.advance(5 + 1)
    early = body_of(http, message_id, token_id, token)["tracking"]
    sim.advance(3)
    later = body_of(http, message_id, token_id, token)["tracking"]
    assert 0 < len(early) < len(later)
    assert later[: len(early)] == early
    same_number = early[0]["mobileNumber"]
    assert len([e for e in later if e["mobileNumber"] == same_number]) > len(
        [e for e in early if e["mobileNumber"] == same_number]
    )


def test_error_send_stops_part_way_with_status_error(sim: Simulator, http: httpx.Client) -> None:
    sim.token_ttl = 10**6
    token = sim.issue_token()
    message_id = sim.add_message("hi")
    token_id = sim.create_send(message_id, 200, error=True)
    finish(sim, token_id)
    data = body_of(http, message_id, token_id, token)
    assert data["status"] == "Error"
    assert "completeDate" in data
    reached = {e["mobileNumber"] for e in data["tracking"]}
    assert 0 < len(reached) < data["count"] == 200
    sim.advance(10_000)
    assert len(body_of(http, message_id, token_id, token)["tracking"]) == len(data["tracking"])


def test_unsubscribed_recipients_are_left_out_of_count_and_tracking(
    sim: Simulator, http: httpx.Client
) -> None:
    token = sim.issue_token()
    message_id = sim.add_message("hi")
    numbers = [str(13175550000 + i) for i in range(20)]
    token_id = sim.create_send(message_id, numbers, unsubscribed=6)
    finish(sim, token_id)
    data = body_of(http, message_id, token_id, token)
    assert data["count"] == 14
    reached = {e["mobileNumber"] for e in data["tracking"]}
    assert reached == set(sim.sends[token_id].numbers)
    assert reached.isdisjoint(sim.sends[token_id].unsubscribed)
    assert len(sim.sends[token_id].unsubscribed) == 6


def test_a_large_send_has_late_lower_codes_pending_3002_and_failures(
    sim: Simulator, http: httpx.Client
) -> None:
    token = sim.issue_token()
    message_id = sim.add_message("hi")
    token_id = sim.create_send(message_id, 2000)
    timeline = sim.sends[token_id].schedule.timeline
    sim.advance((timeline.started + timeline.ended) / 2 - sim.now().timestamp())
    middle = parse_delivery_bytes(get_deliveries(http, message_id, token_id, token).content)
    assert any(r.outcome_code == 3002 for r in middle.recipients)
    finish(sim, token_id)
    final = parse_delivery_bytes(get_deliveries(http, message_id, token_id, token).content)
    late = [
        r for r in final.recipients if (r.events[-1].standard_code or 0) < (r.outcome_code or 0)
    ]
    assert late, "some recipient should get an earlier-stage code after its final one"
    assert {r.outcome_code for r in late} == {4000}
    codes = {r.outcome_code for r in final.recipients}
    assert {2000, 4000} <= codes
    assert codes & {4500, 4501, 4503, 4505, 2502}
    assert final.counts.pending == 0
    raw = {(e.standard_code, e.status_code, e.message) for r in final.recipients for e in r.events}
    assert {(3000, "20", "NA"), (3001, "20", "Message sent to carrier")} <= raw
    assert {(4000, "200", "Carrier Success"), (2000, "0", "DELIVERED TO Air2Web")} <= raw


def test_same_seed_same_bodies_other_seed_other_bodies() -> None:
    def run(seed: int) -> tuple[str, bytes]:
        with Simulator(seed=seed, time_scale=0, start=START) as sim:
            message_id = sim.add_message("hi")
            token_id = sim.create_send(message_id, 300, unsubscribed=10)
            sim.advance(9)
            middle = sim.body(token_id)
            sim.advance(1000)
            token = sim.issue_token()
            with httpx.Client(base_url=sim.url) as client:
                final = get_deliveries(client, message_id, token_id, token).content
            return token_id, middle + final

    assert run(7) == run(7)
    assert run(7) != run(8)


def test_a_100k_recipient_body(sim: Simulator, http: httpx.Client) -> None:
    message_id = sim.add_message("big")
    token_id = sim.create_send(message_id, 100_000)
    finish(sim, token_id)
    reply = get_deliveries(http, message_id, token_id, sim.issue_token())
    data = reply.json()
    assert data["count"] == 100_000
    assert len(data["tracking"]) >= 200_000
    assert len({e["mobileNumber"] for e in data["tracking"]}) == 100_000


# -- faults -------------------------------------------------------------------------------


@pytest.fixture
def send(sim: Simulator) -> tuple[str, str, str]:
    """(message id, token id, access token) of a small send."""
    message_id = sim.add_message("hi")
    return message_id, sim.create_send(message_id, 3), sim.issue_token()


def test_fault_latency_delays_then_answers(
    sim: Simulator, http: httpx.Client, send: tuple[str, str, str]
) -> None:
    sim.inject(send[1], Fault("latency", seconds=0.3))
    began = time.monotonic()
    assert get_deliveries(http, *send).status_code == 200
    assert time.monotonic() - began >= 0.3
    assert sim.stats.deliveries == 1


def test_fault_http500_has_a_reference_id_then_clears(
    sim: Simulator, http: httpx.Client, send: tuple[str, str, str]
) -> None:
    sim.inject(send[1], Fault("http500", times=2))
    for _ in range(2):
        reply = get_deliveries(http, *send)
        assert reply.status_code == 500
        data = reply.json()
        assert (data["message"], data["errorcode"]) == ("Internal Server Error", 500)
        assert re.fullmatch(r"[0-9a-f-]{36}", data["referenceId"])
    assert get_deliveries(http, *send).status_code == 200


def test_fault_unexpected_is_the_catalogue_400(
    sim: Simulator, http: httpx.Client, send: tuple[str, str, str]
) -> None:
    sim.inject(send[1], Fault("unexpected"))
    reply = get_deliveries(http, *send)
    assert reply.status_code == 400
    error = from_error_messages(reply.json()["errors"], message_id=send[0], token_id=send[1])
    assert isinstance(error, UnexpectedServerError)
    assert error.reference_id and len(error.reference_id) == 36


def test_fault_http429_with_and_without_retry_after(
    sim: Simulator, http: httpx.Client, send: tuple[str, str, str]
) -> None:
    sim.inject(send[1], Fault("http429", retry_after=0.5))
    sim.inject(send[1], Fault("http429", retry_after=None))
    first = get_deliveries(http, *send)
    assert (first.status_code, first.headers["Retry-After"]) == (429, "0.5")
    assert first.json()["errorcode"] == 50100
    assert first.json()["retryAfter"] == 0.5
    second = get_deliveries(http, *send)
    assert second.status_code == 429
    assert "Retry-After" not in second.headers
    assert second.json()["errorcode"] == 50200


def test_fault_http503_forever_until_cleared_by_count(
    sim: Simulator, http: httpx.Client, send: tuple[str, str, str]
) -> None:
    sim.inject(send[1], Fault("http503", times=None))
    for _ in range(4):
        reply = get_deliveries(http, *send)
        assert (reply.status_code, reply.headers["Retry-After"]) == (503, "5")
        assert reply.json()["errorcode"] == 50300


def test_fault_malformed_is_not_json(
    sim: Simulator, http: httpx.Client, send: tuple[str, str, str]
) -> None:
    sim.inject(send[1], Fault("malformed"))
    reply = get_deliveries(http, *send)
    assert reply.status_code == 200
    assert reply.headers["content-type"].startswith("application/json")
    with pytest.raises(json.JSONDecodeError):
        json.loads(reply.content)


def test_fault_html_is_a_200_html_page(
    sim: Simulator, http: httpx.Client, send: tuple[str, str, str]
) -> None:
    sim.inject(send[1], Fault("html"))
    reply = get_deliveries(http, *send)
    assert reply.headers["content-type"].startswith("text/html")
    assert reply.text.startswith("<!DOCTYPE html>")


def test_fault_drop_closes_without_an_answer(
    sim: Simulator, http: httpx.Client, send: tuple[str, str, str]
) -> None:
    sim.inject(send[1], Fault("drop"))
    with pytest.raises(httpx.RemoteProtocolError):
        get_deliveries(http, *send)
    assert sim.requests[-1].status is None
    assert get_deliveries(http, *send).status_code == 200


def test_fault_probability_is_seeded(sim: Simulator, http: httpx.Client) -> None:
    def pattern(seed: int) -> list[int]:
        with Simulator(seed=seed, time_scale=0) as other, httpx.Client(base_url=other.url) as c:
            message_id = other.add_message("hi")
            token_id = other.create_send(message_id, 1)
            other.inject(token_id, Fault("http500", times=None, probability=0.5))
            token = other.issue_token()
            return [get_deliveries(c, message_id, token_id, token).status_code for _ in range(30)]

    first = pattern(5)
    assert first == pattern(5)
    assert {200, 500} == set(first)


def test_auth_faults_hit_both_token_endpoints(sim: Simulator, http: httpx.Client) -> None:
    sim.inject_auth(Fault("http503", times=2, retry_after=1))
    assert http.post("/v2/token", json=CREDS).status_code == 503
    legacy = {"clientId": Simulator.CLIENT_ID, "clientSecret": Simulator.CLIENT_SECRET}
    assert http.post("/v1/requestToken", json=legacy).status_code == 503
    assert http.post("/v2/token", json=CREDS).status_code == 200
    assert (sim.stats.token_v2, sim.stats.token_v1) == (2, 1)


def test_fault_arguments_are_checked() -> None:
    with pytest.raises(ValueError):
        Fault("nope")  # type: ignore[arg-type]
    with pytest.raises(ValueError):
        Fault("http500", times=0)
    with pytest.raises(ValueError):
        Fault("http500", probability=1.5)


# -- counters, admin routes, lifecycle ----------------------------------------------------


def test_stats_count_each_endpoint(sim: Simulator, http: httpx.Client) -> None:
    token = v2_token(http)
    message_id = sim.add_message("hi")
    reply = post_send(http, token, message_id, {"mobileNumbers": ["13175551212"]})
    token_id = reply.json()["tokenId"]
    for _ in range(3):
        get_deliveries(http, message_id, token_id, token)
    http.get("/nope")
    http.get("/_sim/state")
    stats = sim.stats
    assert (stats.token_v2, stats.token_v1, stats.sends, stats.deliveries) == (1, 0, 1, 3)
    assert stats.total == 6
    assert len(sim.requests) == 6


def test_admin_routes_drive_a_standalone_sim(sim: Simulator, http: httpx.Client) -> None:
    created = http.post("/_sim/sends", json={"recipients": 12, "unsubscribed": 2, "pace": 0.5})
    assert created.status_code == 201
    ids = created.json()
    assert ids["count"] == 10
    before = sim.now()
    assert http.post("/_sim/advance", json={"seconds": 90}).status_code == 200
    assert (sim.now() - before).total_seconds() == pytest.approx(90)
    state = http.get("/_sim/state").json()
    (summary,) = state["sends"]
    assert (summary["tokenId"], summary["status"]) == (ids["tokenId"], "Finished")
    assert summary["eventsShown"] == summary["eventsTotal"] > 0
    armed = http.post("/_sim/faults", json={"tokenId": ids["tokenId"], "kind": "http500"})
    assert armed.status_code == 201
    token = sim.issue_token()
    assert get_deliveries(http, ids["messageId"], ids["tokenId"], token).status_code == 500
    assert http.post("/_sim/revoke").status_code == 200
    assert get_deliveries(http, ids["messageId"], ids["tokenId"], token).status_code == 401
    assert http.post("/_sim/advance", json={"seconds": "x"}).status_code == 400
    assert http.post("/_sim/faults", json={"kind": "nope"}).status_code == 400
    assert sim.stats.total == 2


def test_context_manager_starts_and_stops() -> None:
    with Simulator(seed=0, time_scale=0) as sim:
        url = sim.url
        assert httpx.post(url + "/v2/token", json=CREDS).status_code == 200
    assert not sim.running
    with pytest.raises(httpx.ConnectError):
        httpx.post(url + "/v2/token", json=CREDS, timeout=2)


def test_first_message_id_is_the_docs_example(sim: Simulator) -> None:
    assert sim.add_message("a") == "MzA6Nzg6MA"
    assert sim.add_message("b") == "MzE6Nzg6MA"
