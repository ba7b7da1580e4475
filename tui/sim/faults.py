"""Injected trouble: what can go wrong, how often, and what the wire then carries.

A `Fault` is armed on one send's Deliveries GET (by token id) or on the token endpoints.
Faults fire in the order they were injected; "latency" delays and lets the next fault (or
the normal answer) follow; "shape", "surrogate", "hostile" and "big" mangle the normal
answer (mangle.py), "trickle" slows it, every other kind replaces it. Whether a fault fires is
decided by a `random.Random` seeded from (seed, target), so runs repeat exactly.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, replace
from typing import Literal, get_args

from tui.sim import mangle
from tui.sim.replies import Reply, catalogue_error, gateway_error

FaultKind = Literal[
    "latency",
    "http500",
    "http429",
    "http503",
    "malformed",
    "html",
    "drop",
    "unexpected",
    "trickle",
    "shape",
    "surrogate",
    "hostile",
    "big",
]
FAULT_KINDS: frozenset[str] = frozenset(get_args(FaultKind))
REWRITES: frozenset[str] = frozenset(
    {"malformed", "trickle", "shape", "surrogate", "hostile", "big"}
)
"""The kinds that change the normal answer rather than replace it: it must be computed."""

MAINTENANCE_PAGE = (
    b"<!DOCTYPE html>\n<html><head><title>Scheduled Maintenance</title></head>"
    b"<body><h1>Marketing Cloud is undergoing scheduled maintenance.</h1>"
    b"<p>Please try again later.</p></body></html>\n"
)


@dataclass(frozen=True, slots=True)
class Fault:
    """One kind of trouble. `times=None` fires forever; `seconds` is real time: the delay
    of "latency", the pause between bytes of "trickle" (1 s when 0)."""

    kind: FaultKind
    times: int | None = 1
    probability: float = 1.0
    seconds: float = 0.0
    retry_after: float | None = 5

    def __post_init__(self) -> None:
        if self.kind not in FAULT_KINDS:
            raise ValueError(f"unknown fault kind {self.kind!r}")
        if self.times is not None and self.times < 1:
            raise ValueError("times must be 1 or more, or None for forever")
        if not 0.0 <= self.probability <= 1.0:
            raise ValueError("probability must be between 0 and 1")
        if self.seconds < 0:
            raise ValueError("seconds must be 0 or more")


@dataclass(slots=True)
class _Armed:
    fault: Fault
    remaining: int | None


class FaultQueue:
    """The faults armed on one target, with their remaining counts and their own RNG."""

    def __init__(self, rng: random.Random) -> None:
        self._rng = rng
        self._armed: list[_Armed] = []

    def add(self, fault: Fault) -> None:
        self._armed.append(_Armed(fault, fault.times))

    def __len__(self) -> int:
        return len(self._armed)

    def draw(self) -> list[Fault]:
        """The faults that fire on this request: any latencies, then at most one answer."""
        fired: list[Fault] = []
        for slot in list(self._armed):
            fault = slot.fault
            if fault.probability < 1.0 and self._rng.random() >= fault.probability:
                continue
            if slot.remaining is not None:
                slot.remaining -= 1
                if slot.remaining == 0:
                    self._armed.remove(slot)
            fired.append(fault)
            if fault.kind != "latency":
                break
        return fired


def _retry_after(value: float) -> str:
    return f"{value:g}"


def fault_reply(fault: Fault, normal: Reply, ref: str) -> Reply:
    """The reply a firing fault puts on the wire instead of `normal`.

    `normal` is what the request would have got; "malformed" cuts it short, because a
    truncated body is how broken JSON really arrives (a proxy timeout mid-transfer).
    """
    kind = fault.kind
    if kind == "trickle":  # the right answer, at a byte a second: only a deadline ends it
        return replace(normal, trickle=fault.seconds or 1.0)
    if kind == "shape":  # a 200 of JSON that is not a Deliveries resource
        return replace(normal, body=mangle.wrong_shape(normal.body, int(ref[:8], 16)))
    if kind == "surrogate":
        return replace(normal, body=mangle.with_text(normal.body, mangle.LONE_SURROGATES))
    if kind == "hostile":
        return replace(normal, body=mangle.with_text(normal.body, mangle.HOSTILE_TEXT))
    if kind == "big":
        return replace(normal, body=mangle.padded(normal.body))
    if kind == "drop":
        return Reply(0, drop=True)
    if kind == "malformed":
        body = normal.body or b'{"status":"Started"}'
        return Reply(normal.status, body[: max(1, len(body) // 2)], headers=normal.headers)
    if kind == "html":
        # A 200 maintenance page: the status alone does not reveal that it is not the API.
        return Reply(200, MAINTENANCE_PAGE, content_type="text/html; charset=utf-8")
    if kind == "unexpected":
        return catalogue_error(
            [
                "An unexpected error occurred, please contact Customer Support "
                f"with reference id {ref}."
            ]
        )
    if kind == "http500":
        return gateway_error(500, "Internal Server Error", 500, referenceId=ref)
    if kind == "http429":
        if fault.retry_after is None:
            # docs/api.md §7: 50200 "temporarily blocked" comes without a Retry-After.
            return gateway_error(429, "Your requests are temporarily blocked.", 50200)
        reply = gateway_error(
            429, "Rate limit exceeded", 50100, retryAfter=_number(fault.retry_after)
        )
        return _with_header(reply, "Retry-After", _retry_after(fault.retry_after))
    if kind == "http503":
        reply = gateway_error(503, "Service Unavailable", 50300)
        if fault.retry_after is None:
            return reply
        return _with_header(reply, "Retry-After", _retry_after(fault.retry_after))
    raise AssertionError(f"fault kind {kind!r} has no reply")  # latency never gets here


def _number(value: float) -> float | int:
    return int(value) if float(value).is_integer() else value


def _with_header(reply: Reply, name: str, value: str) -> Reply:
    return Reply(
        reply.status,
        reply.body,
        reply.content_type,
        (*reply.headers, (name, value)),
    )
