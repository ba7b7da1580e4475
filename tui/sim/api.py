"""Routing of the Marketing Cloud API routes: a request in, a `Reply` out.

Path segments are split on "/" first and percent-decoded after, so an id holding an
encoded "/" stays one segment. Literal segments match case-insensitively, as the real
gateway's do [I]. Counters and the request log are updated here, before any injected
latency, so a test can see a request that is still being delayed.
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from urllib.parse import parse_qs, unquote

from tui.sim.facts import SendKind
from tui.sim.faults import REWRITES, Fault, fault_reply
from tui.sim.replies import Reply, insufficient_scope, not_authorized, not_found
from tui.sim.world import AUTH_FAULTS, RequestRecord, World, fault_key

_KINDS = {kind.value.lower(): kind for kind in SendKind}
_ACCESS_TOKEN = re.compile(r"(?i)(^|&)(access_token=)[^&]*")


@dataclass(frozen=True, slots=True)
class Request:
    method: str
    path: str
    query: str
    headers: Mapping[str, str]
    """Header names lower-cased."""
    body: bytes
    base_url: str
    """Scheme and host the client used, ending in "/" (for `rest_instance_url`)."""

    @property
    def bearer(self) -> str | None:
        value = self.headers.get("authorization", "")
        scheme, _, token = value.partition(" ")
        return (token.strip() or None) if scheme.lower() == "bearer" else None

    @property
    def query_token(self) -> str | None:
        values = parse_qs(self.query, keep_blank_values=True).get("access_token")
        return values[0] if values else None

    def json(self) -> object:
        """The body decoded: JSON, or a form for the token endpoint; None if unreadable."""
        if "application/x-www-form-urlencoded" in self.headers.get("content-type", ""):
            form = parse_qs(self.body.decode("utf-8", "replace"), keep_blank_values=True)
            return {key: values[-1] for key, values in form.items()}
        if not self.body.strip():
            return None
        try:
            decoded: object = json.loads(self.body)
        except (ValueError, RecursionError):
            return None
        return decoded


def _route(request: Request) -> tuple[str, list[str]]:
    """(route name, decoded variable segments); route "" means not found."""
    raw = request.path.split("/")
    if raw[0] != "":
        return "", []
    parts = [unquote(p) for p in raw[1:]]
    low = [p.lower() for p in parts]
    method = request.method
    if method == "POST" and low == ["v2", "token"]:
        return "token_v2", []
    if method == "POST" and low == ["v1", "requesttoken"]:
        return "token_v1", []
    if len(low) >= 5 and low[:2] == ["sms", "v1"] and low[2] in _KINDS:
        if method == "POST" and len(low) == 5 and low[4] == "send":
            return "sends", [low[2], parts[3]]
        if method == "GET" and len(low) == 6 and low[4] == "deliveries":
            return "deliveries", [low[2], parts[3], parts[5]]
        history = len(low) == 8 and low[4] == "history" and low[6] == "mobilenumber"
        if method == "GET" and history and low[2] == "messagecontact":
            return "history", [low[2], parts[3], parts[5], parts[7]]
    return "", []


def handle(world: World, request: Request) -> Reply:
    route, args = _route(request)
    world.count(route or None)
    reply = _dispatch(world, request, route, args)
    world.record(
        RequestRecord(
            method=request.method,
            path=request.path,
            query=_ACCESS_TOKEN.sub(r"\1\2[redacted]", request.query),
            had_bearer=request.bearer is not None,
            status=None if reply.drop else reply.status,
        )
    )
    return reply


def _dispatch(world: World, request: Request, route: str, args: list[str]) -> Reply:
    if route == "token_v2":
        return _with_faults(
            world, AUTH_FAULTS, lambda: world.token_v2(request.json(), request.base_url)
        )
    if route == "token_v1":
        return _with_faults(world, AUTH_FAULTS, lambda: world.token_v1(request.json()))
    if not route:
        return not_found()
    token = request.bearer or request.query_token
    client_id, why = world.check_token(token)
    if client_id is None:
        return not_authorized("invalid_token" if why else None, why)
    if not world.allows(token, route):
        return insufficient_scope()
    kind = _KINDS[args[0]]
    if route == "sends":
        return world.send(kind, args[1], request.json(), client_id)
    # Faults come after the token check: a bad token still gets its 401 first.
    if route == "history":
        return _with_faults(
            world,
            fault_key(args[2], "history"),
            lambda: world.history(args[1], args[2], args[3], client_id),
        )
    return _with_faults(world, args[2], lambda: world.deliveries(kind, args[1], args[2], client_id))


def _with_faults(world: World, key: str, answer: Callable[[], Reply]) -> Reply:
    """Apply the faults armed on `key`; the real answer is computed only if it is needed."""
    fired: list[Fault] = world.draw_faults(key)
    for fault in fired:
        if fault.kind == "latency":
            time.sleep(fault.seconds)  # real time, outside every lock
    final = next((f for f in fired if f.kind != "latency"), None)
    if final is None:
        return answer()
    normal = answer() if final.kind in REWRITES else Reply(200)
    return fault_reply(final, normal, world.reference_id())
