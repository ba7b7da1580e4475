"""The simulator's mangling faults (shape, surrogate, hostile, big), clearing faults, and a
stop that really takes the server down (the soak test's refused connections)."""

from __future__ import annotations

import json
from collections.abc import Iterator

import httpx
import pytest

from tests.test_sim import get_deliveries
from tui.core.api.errors import BadResponse
from tui.core.api.parse import parse_delivery_bytes
from tui.sim import Fault, Simulator
from tui.sim.mangle import BIG_PADDING, HOSTILE_TEXT

Send = tuple[str, str, str]


@pytest.fixture
def http(sim: Simulator) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=sim.url, timeout=10) as client:
        yield client


@pytest.fixture
def send(sim: Simulator) -> Send:
    """(message id, token id, access token) of a small send."""
    message_id = sim.add_message("hi")
    return message_id, sim.create_send(message_id, 3), sim.issue_token()


def test_fault_shape_is_json_that_is_no_deliveries_resource(
    sim: Simulator, http: httpx.Client, send: Send
) -> None:
    sim.inject(send[1], Fault("shape", times=10))
    bodies = {get_deliveries(http, *send).content for _ in range(10)}
    assert len(bodies) > 2, "the shapes vary"
    for body in bodies:
        json.loads(body)
        with pytest.raises(BadResponse):
            parse_delivery_bytes(body, None)
    assert parse_delivery_bytes(get_deliveries(http, *send).content, None).status == "New"


def test_fault_surrogate_puts_lone_halves_into_the_text(
    sim: Simulator, http: httpx.Client, send: Send
) -> None:
    sim.advance(60)
    sim.inject(send[1], Fault("surrogate"))
    body = get_deliveries(http, *send).content
    assert b"\\ud800" in body and b"\\udfff" in body
    assert "\ud800" in json.loads(body)["message"]
    delivery = parse_delivery_bytes(body, None)
    assert delivery.message.startswith("hi") and "\ufffd" in delivery.message
    assert all("\ufffd" in (r.events[-1].description or "") for r in delivery.recipients)


def test_fault_hostile_adds_markup_and_escapes_to_every_text(
    sim: Simulator, http: httpx.Client, send: Send
) -> None:
    sim.advance(60)
    sim.inject(send[1], Fault("hostile"))
    data = json.loads(get_deliveries(http, *send).content)
    assert data["message"] == "hi" + HOSTILE_TEXT
    assert data["status"] == "Finished" and len(data["tracking"]) >= 3
    assert all(e["description"].endswith(HOSTILE_TEXT) for e in data["tracking"])


def test_fault_big_pads_the_right_answer(sim: Simulator, http: httpx.Client, send: Send) -> None:
    sim.inject(send[1], Fault("big"))
    reply = get_deliveries(http, *send)
    assert len(reply.content) > BIG_PADDING
    assert parse_delivery_bytes(reply.content, None).status == "New"


def test_clear_faults_disarms_every_target(sim: Simulator, http: httpx.Client, send: Send) -> None:
    sim.inject(send[1], Fault("http500", times=None))
    sim.inject_auth(Fault("http503", times=None))
    assert get_deliveries(http, *send).status_code == 500
    sim.clear_faults()
    assert get_deliveries(http, *send).status_code == 200
    assert http.post("/v2/token", json={}).status_code == 400  # its own answer, not a 503


def test_stop_closes_kept_alive_connections_and_start_brings_it_back(
    sim: Simulator, http: httpx.Client, send: Send
) -> None:
    assert get_deliveries(http, *send).status_code == 200  # a kept-alive connection now
    port = int(sim.url.rsplit(":", 1)[1])
    sim.stop()
    with pytest.raises(httpx.TransportError):
        get_deliveries(http, *send)
    with pytest.raises(httpx.ConnectError):
        get_deliveries(http, *send)
    sim.start(port=port)
    assert get_deliveries(http, *send).status_code == 200
