"""The `/_sim/` control routes, for driving a standalone simulator (`sendwatch sim`).

They need no token, are left out of `stats` and `requests`, and answer JSON; a bad
request gets 400 `{"error": "..."}`. See the package docstring for the list.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any, cast

from tui.sim.facts import SendKind
from tui.sim.faults import FAULT_KINDS, Fault, FaultKind
from tui.sim.replies import Reply, json_reply, not_found
from tui.sim.world import AUTH_FAULTS, FAULT_ROUTES, World, fault_key

PREFIX = "/_sim/"
DEFAULT_TEXT = "Your order has shipped. Reply STOP to opt out."


def _iso(ts: float) -> str:
    return datetime.fromtimestamp(ts, UTC).isoformat()


def _bad(message: str) -> Reply:
    return json_reply(400, {"error": message})


def handle_admin(world: World, method: str, path: str, body: bytes) -> Reply:
    name = path[len(PREFIX) :]
    try:
        payload: Any = json.loads(body) if body.strip() else {}
    except ValueError:
        return _bad("the body is not JSON")
    if not isinstance(payload, Mapping):
        return _bad("the body must be a JSON object")
    try:
        if method == "GET" and name == "state":
            return json_reply(200, state(world))
        if method == "POST" and name == "advance":
            seconds = payload.get("seconds")
            if isinstance(seconds, bool) or not isinstance(seconds, (int, float)):
                return _bad("seconds must be a number")
            world.clock.advance(float(seconds))
            return json_reply(200, {"now": _iso(world.clock.time())})
        if method == "POST" and name == "sends":
            return _create_send(world, payload)
        if method == "POST" and name == "faults":
            return _arm_fault(world, payload)
        if method == "POST" and name == "revoke":
            with world.lock:
                world.auth.revoke_all()
            return json_reply(200, {"revoked": True})
    except (KeyError, ValueError, TypeError) as exc:
        return _bad(str(exc.args[0]) if exc.args else type(exc).__name__)
    return not_found()


def _create_send(world: World, payload: Mapping[str, Any]) -> Reply:
    client_id = payload.get("clientId") or _default_client(world)
    message_id = payload.get("messageId")
    if message_id is None:
        kind = SendKind(payload.get("kind", SendKind.MESSAGE_CONTACT.value))
        text = payload.get("text", DEFAULT_TEXT)
        if not isinstance(text, str):
            raise TypeError("text must be a string")
        message_id = world.add_message(text, kind, client_id)
    recipients = payload.get("recipients", 10)
    if not isinstance(recipients, (int, list)) or isinstance(recipients, bool):
        raise TypeError("recipients must be a count or a list of numbers")
    send = world.create_send(
        message_id,
        recipients if isinstance(recipients, int) else [str(n) for n in recipients],
        client_id=client_id,
        unsubscribed=int(payload.get("unsubscribed", 0)),
        error=bool(payload.get("error", False)),
        pace=float(payload.get("pace", 1.0)),
    )
    return json_reply(
        201,
        {
            "messageId": message_id,
            "tokenId": send.token_id,
            "kind": send.kind.value,
            "count": send.count,
        },
    )


def _default_client(world: World) -> str:
    with world.lock:
        return next(iter(world.auth.clients))


def _arm_fault(world: World, payload: Mapping[str, Any]) -> Reply:
    kind = payload.get("kind")
    if kind not in FAULT_KINDS:
        raise ValueError(f"kind must be one of {sorted(FAULT_KINDS)}")
    fault = Fault(
        kind=cast(FaultKind, kind),
        times=payload.get("times", 1),
        probability=float(payload.get("probability", 1.0)),
        seconds=float(payload.get("seconds", 0.0)),
        retry_after=payload.get("retryAfter", 5),
    )
    token_id = payload.get("tokenId")
    route = payload.get("route", "deliveries")
    if route not in FAULT_ROUTES:
        raise ValueError(f"route must be one of {sorted(FAULT_ROUTES)}")
    key = AUTH_FAULTS if token_id is None else fault_key(str(token_id), route)
    world.inject(key, fault)
    return json_reply(201, {"armed": kind, "target": token_id or "auth"})


def state(world: World) -> dict[str, Any]:
    """A summary for humans and scripts: clock, counters, messages, sends and their phase."""
    with world.lock:
        now = world.clock.time()
        stats = world.stats
        messages = list(world.messages.values())
        sends = list(world.sends.values())
    return {
        "now": _iso(now),
        "stats": {
            "token_v1": stats.token_v1,
            "token_v2": stats.token_v2,
            "deliveries": stats.deliveries,
            "sends": stats.sends,
            "history": stats.history,
            "total": stats.total,
        },
        "messages": [
            {
                "messageId": m.message_id,
                "kind": m.kind.value,
                "clientId": m.client_id,
                "text": m.text,
            }
            for m in messages
        ],
        "sends": [
            {
                "tokenId": s.token_id,
                "messageId": s.message_id,
                "kind": s.kind.value,
                "clientId": s.client_id,
                "status": s.phase(now).value,
                "count": s.count,
                "eventsShown": s.visible_events(now),
                "eventsTotal": len(s.schedule.times),
                "endsAt": _iso(s.schedule.timeline.ended),
            }
            for s in sends
        ],
    }
