"""The MobileConnect API's facts as the simulator states them, from the API notes (docs/api.md).

Deliberately not imported from the client's core: if both read one table, a wrong entry is
mirrored by the server and never caught. `tests/test_sim_facts.py` compares the two.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta, timezone
from enum import StrEnum

MC_TZ = timezone(timedelta(hours=-6), "CST")
"""Marketing Cloud system time: UTC−6 all year (docs/api.md §6); America/Chicago would add DST."""


class SendKind(StrEnum):
    """The two send resources; both share the Deliveries shape (docs/api.md §2.3)."""

    MESSAGE_CONTACT = "messageContact"
    MESSAGE_LIST = "messageList"


HISTORY_TYPES = ("MT", "MO")
"""A history entry's `type`: sent to the number, or sent by it (docs/api.md §2.3)."""


class Phase(StrEnum):
    """A send's job `status` (docs/api.md §3), in the order a job moves through them."""

    NEW = "New"
    QUEUING = "Queuing"
    STARTED = "Started"
    FINISHED = "Finished"
    ERROR = "Error"

    @property
    def final(self) -> bool:
        return self in (Phase.FINISHED, Phase.ERROR)


@dataclass(frozen=True, slots=True)
class StandardCode:
    """A `standardStatusCode`: its documented name and the `description` the sim sends."""

    name: str
    description: str


STANDARD_CODES: dict[int, StandardCode] = {
    1000: StandardCode("QueuedToSfmcSendService", "Queued to the send service"),
    1500: StandardCode("QueueFailureToSfmcSendService", "Could not queue to the send service"),
    1501: StandardCode("ValidationError", "Failed validation"),
    2000: StandardCode(
        "DeliveredToAggregator", "Handed to the aggregator (final for shared codes)"
    ),
    2500: StandardCode("FailedToAggregator", "Failed to reach the aggregator"),
    2501: StandardCode("UnknownToAggregator", "The aggregator's answer is unknown"),
    2502: StandardCode(
        "FailedToAggregatorDueToInvalidDestinationAddress", "The aggregator rejected the number"
    ),
    2600: StandardCode("ThrottledToAggregator", "Throttled by the aggregator, retries exhausted"),
    2601: StandardCode("SocketExceptionToAggregator", "Socket error talking to the aggregator"),
    3000: StandardCode("Enroute", "Message enroute"),
    3001: StandardCode("SentToCarrier", "Sent to the carrier"),
    3002: StandardCode("AcceptedByCarrier", "Accepted by the carrier"),
    3400: StandardCode("Unknown", "Status unknown"),
    4000: StandardCode("Delivered", "Delivered to handset"),
    4500: StandardCode("Undeliverable", "The carrier could not deliver it"),
    4501: StandardCode("Expired", "Expired before it could be delivered"),
    4502: StandardCode("Deleted", "Deleted by the carrier"),
    4503: StandardCode("Rejected", "Rejected by the carrier (spam, loop or billing)"),
    4504: StandardCode("FailedDueToUnknownSubscriber", "The carrier does not know the subscriber"),
    4505: StandardCode("FailedDueToInvalidDestinationAddress", "The number is not valid"),
}
"""docs/api.md §3. 3000 and 4000 carry the doc example's own descriptions; the docs publish no
others, so the rest are ours."""
