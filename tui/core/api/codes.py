"""The standard SMS status codes (`standardStatusCode`) and what each means for a recipient.

Source: Marketing Cloud's SMS status code guide (docs/api.md §3). A recipient's outcome is
the highest code seen; polling stops on the job's status, never on a recipient's code.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Outcome(StrEnum):
    """What a status code means for the person holding the phone."""

    DELIVERED = "delivered"
    FAILED = "failed"
    PENDING = "pending"
    UNKNOWN = "unknown"


@dataclass(frozen=True, slots=True)
class StatusCode:
    code: int
    name: str
    meaning: str
    outcome: Outcome


_D, _F, _P, _U = Outcome.DELIVERED, Outcome.FAILED, Outcome.PENDING, Outcome.UNKNOWN

STANDARD_CODES: dict[int, StatusCode] = {
    c.code: c
    for c in (
        StatusCode(1000, "QueuedToSfmcSendService", "Queued in Marketing Cloud", _P),
        StatusCode(1500, "QueueFailureToSfmcSendService", "Could not be queued", _F),
        StatusCode(1501, "ValidationError", "Failed validation before sending", _F),
        StatusCode(
            2000,
            "DeliveredToAggregator",
            "Handed to the aggregator (final for shared codes)",
            _D,
        ),
        StatusCode(2500, "FailedToAggregator", "The aggregator refused it", _F),
        StatusCode(2501, "UnknownToAggregator", "The aggregator gave no clear answer", _U),
        StatusCode(
            2502,
            "FailedToAggregatorDueToInvalidDestinationAddress",
            "The aggregator rejected the number",
            _F,
        ),
        StatusCode(2600, "ThrottledToAggregator", "Throttled; retries exhausted", _F),
        StatusCode(2601, "SocketExceptionToAggregator", "Connection to aggregator failed", _F),
        StatusCode(3000, "Enroute", "On its way to the carrier", _P),
        StatusCode(3001, "SentToCarrier", "Sent to the carrier", _P),
        StatusCode(3002, "AcceptedByCarrier", "Accepted by the carrier", _P),
        StatusCode(3400, "Unknown", "The carrier's answer is unknown", _U),
        StatusCode(4000, "Delivered", "Delivered to the handset", _D),
        StatusCode(4500, "Undeliverable", "The carrier could not deliver it", _F),
        StatusCode(4501, "Expired", "Expired before it could be delivered", _F),
        StatusCode(4502, "Deleted", "Deleted by the carrier", _F),
        StatusCode(4503, "Rejected", "Rejected by the carrier (spam, loop or billing)", _F),
        StatusCode(
            4504, "FailedDueToUnknownSubscriber", "The carrier does not know the number", _F
        ),
        StatusCode(4505, "FailedDueToInvalidDestinationAddress", "The number is not valid", _F),
    )
}


def describe(code: int | None) -> StatusCode | None:
    """The table entry for a code, or None for a code the table does not know."""
    return None if code is None else STANDARD_CODES.get(code)


def code_words(code: int | None, fallback: str) -> str:
    """A status code as the grid's code column names it: `4503 Rejected`, `4999 unlisted
    code`, or `fallback` (an old-shape entry's own label) when there is no code."""
    info = describe(code)
    if info is not None:
        return f"{info.code} {info.name}"
    if code is not None:
        return f"{code} unlisted code"
    return fallback


def outcome_of(code: int | None) -> Outcome:
    entry = describe(code)
    return entry.outcome if entry else Outcome.UNKNOWN


def code_label(value: int | str | None) -> str:
    """`4000 Delivered` for a known code (int or digits), the value itself otherwise."""
    text = "" if value is None else str(value).strip()
    entry = describe(int(text)) if text.isdigit() else None
    return f"{entry.code} {entry.name}" if entry else text
