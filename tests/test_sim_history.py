"""The simulator's history route over raw HTTP: what it answers, when, and its faults."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest

from tui.sim import Fault, Simulator
from tui.sim.contact import HELP_ANSWER, STOP_ANSWER

START = datetime(2024, 3, 5, 14, 0, 0, tzinfo=UTC)


@pytest.fixture
def http(sim: Simulator) -> Iterator[httpx.Client]:
    sim.token_ttl = 10 * 24 * 3600  # tests move sim time by hours
    with httpx.Client(base_url=sim.url, timeout=10) as client:
        client.headers["Authorization"] = f"Bearer {sim.issue_token()}"
        yield client


def path(message_id: str, token_id: str, number: str, kind: str = "messageContact") -> str:
    return f"/sms/v1/{kind}/{message_id}/history/{token_id}/mobileNumber/{number}"


def history(http: httpx.Client, message_id: str, token_id: str, number: str) -> list[Any]:
    reply = http.get(path(message_id, token_id, number))
    assert reply.status_code == 200, reply.text
    entries: list[Any] = reply.json()["history"]
    return entries


def test_the_route_needs_a_token_and_matches_literals_case_insensitively(
    sim: Simulator, http: httpx.Client
) -> None:
    mid = sim.add_message("hi")
    tid = sim.create_send(mid, ["15555550101"])
    sim.advance(600)
    bare = httpx.get(sim.url + path(mid, tid, "15555550101"))
    assert bare.status_code == 401
    shouting = f"/SMS/V1/MESSAGECONTACT/{mid}/HISTORY/{tid}/MOBILENUMBER/15555550101"
    assert http.get(shouting).status_code == 200
    assert http.post(path(mid, tid, "15555550101")).status_code == 404
    assert http.get(path(mid, tid, "15555550101", "messageList")).status_code == 404
    assert sim.stats.history == 2 and sim.stats.deliveries == 0  # a 404 is no history read


def test_replies_come_later_than_the_mt_and_keywords_get_an_answer(
    sim: Simulator, http: httpx.Client
) -> None:
    mid = sim.add_message("Sale today")
    tid = sim.create_send(mid, 2000)
    sim.advance(60)  # every MT is out; replies come minutes later
    send = sim.sends[tid]
    planned = {n: sim.history_entries(tid, n) for n in send.numbers}
    repliers = [n for n, entries in planned.items() if any(e.type == "MO" for e in entries)]
    assert 50 < len(repliers) < 150  # about 5% of the delivered
    words = {e.message for n in repliers for e in planned[n] if e.type == "MO"}
    assert {"STOP", "HELP"} <= words
    stopper = next(n for n in repliers if planned[n][1].message == "STOP")
    helper = next(n for n in repliers if planned[n][1].message == "HELP")
    assert [e["type"] for e in history(http, mid, tid, stopper)] == ["MT"]
    sim.advance(7200)
    stop = history(http, mid, tid, stopper)
    assert [(e["type"], e["message"]) for e in stop] == [
        ("MT", "Sale today"),
        ("MO", "STOP"),
        ("MT", STOP_ANSWER),
    ]
    assert stop[0]["date"] < stop[1]["date"] < stop[2]["date"]  # one format: text order works
    assert [e["message"] for e in history(http, mid, tid, helper)][1:] == ["HELP", HELP_ANSWER]


def test_the_same_seed_gives_the_same_replies() -> None:
    def replies(seed: int) -> list[tuple[str, str, float]]:
        sim = Simulator(seed=seed, time_scale=0, start=START)
        tid = sim.create_send(sim.add_message("hi"), 500)
        return [
            (n, e.message, e.at)
            for n in sim.sends[tid].numbers
            for e in sim.history_entries(tid, n)
            if e.type == "MO"
        ]

    assert replies(7) == replies(7)
    assert replies(7) != replies(8)


def test_a_broken_job_has_no_mt_for_the_numbers_after_the_break(sim: Simulator) -> None:
    tid = sim.create_send(sim.add_message("hi"), 300, error=True)
    sim.advance(3600)
    send = sim.sends[tid]
    reached = {f.split('"')[3] for f in send.schedule.fragments}
    for number in send.numbers:
        entries = sim.history_entries(tid, number)
        assert bool(entries) == (number in reached), number


def test_faults_are_armed_per_route_and_the_admin_route_takes_one(
    sim: Simulator, http: httpx.Client
) -> None:
    mid = sim.add_message("hi")
    tid = sim.create_send(mid, ["15555550101"])
    deliveries = f"/sms/v1/messageContact/{mid}/deliveries/{tid}"
    sim.inject(tid, Fault("http500"))
    assert http.get(path(mid, tid, "15555550101")).status_code == 200
    assert http.get(deliveries).status_code == 500
    sim.inject(tid, Fault("http503"), route="history")
    assert http.get(deliveries).status_code == 200
    assert http.get(path(mid, tid, "15555550101")).status_code == 503
    armed = http.post("/_sim/faults", json={"kind": "html", "tokenId": tid, "route": "history"})
    assert armed.status_code == 201
    page = http.get(path(mid, tid, "15555550101"))
    assert page.status_code == 200 and page.text.startswith("<!DOCTYPE html>")
    assert http.get(path(mid, tid, "15555550101")).status_code == 200
    bad = http.post("/_sim/faults", json={"kind": "html", "tokenId": tid, "route": "sends"})
    assert bad.status_code == 400 and "route" in bad.json()["error"]
    with pytest.raises(ValueError, match="route"):
        sim.inject(tid, Fault("drop"), route="sends")  # type: ignore[arg-type]
    assert http.get("/_sim/state").json()["stats"]["history"] == 4
