"""A number's message history from MobileConnect: the MTs sent to it and its MO replies.

`GET /sms/v1/messageContact/{messageId}/history/{tokenId}/mobileNumber/{number}` answers
`{count, createDate, status:"Active", history:[{type:"MT"/"MO", message, date}]}`
(docs/api.md §2.3). Everything in it is server text: kept as sent here (bounded), made
safe where it is drawn. A reply that is not that shape is a `BadResponse`, never another
kind of exception, however hostile.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any

from tui.core.api.errors import BadResponse
from tui.core.api.json_body import decode_reply, without_lone_surrogates
from tui.core.api.model import parse_mc_date

MAX_ENTRIES = 1000
"""The most recent entries kept; older ones are counted in `dropped` (a hostile reply
could list millions, and the drill-down shows a handful)."""
MAX_MESSAGE_CHARS = 2000
"""Message text beyond this is cut: a concatenated SMS is at most ~1,600 characters."""


class Direction(StrEnum):
    SENT = "MT"
    """Mobile-terminated: sent to the number."""
    REPLY = "MO"
    """Mobile-originated: the number wrote in."""
    OTHER = "other"
    """A `type` the documentation does not name (kept in `type_raw`)."""


class ReplyKind(StrEnum):
    """What MobileConnect does with a reply whose first word is a keyword [I]."""

    OPT_OUT = "opted out"
    HELP = "asked for help"
    OPT_IN = "opted back in"


# The CTIA keywords US short codes must honour; MobileConnect's defaults include STOP and
# HELP (docs/api.md §2.3, [I]). Matched on the reply's first word, as keywords are.
KEYWORDS: dict[str, ReplyKind] = {
    **dict.fromkeys(("STOP", "STOPALL", "UNSUBSCRIBE", "CANCEL", "END", "QUIT"), ReplyKind.OPT_OUT),
    **dict.fromkeys(("HELP", "INFO"), ReplyKind.HELP),
    **dict.fromkeys(("START", "UNSTOP"), ReplyKind.OPT_IN),
}
_FIRST_WORD = re.compile(r"\s*([A-Za-z]+)")


@dataclass(frozen=True, slots=True)
class HistoryEntry:
    direction: Direction
    type_raw: str
    message: str
    date: datetime | None
    date_raw: str | None

    @property
    def keyword(self) -> str | None:
        """The reply's first word, upper-cased, when it is a keyword in `KEYWORDS`."""
        if self.direction is not Direction.REPLY:
            return None
        m = _FIRST_WORD.match(self.message)
        word = m.group(1).upper() if m else None
        return word if word in KEYWORDS else None

    @property
    def reply_kind(self) -> ReplyKind | None:
        word = self.keyword
        return None if word is None else KEYWORDS[word]


@dataclass(frozen=True, slots=True)
class MessageHistory:
    mobile_number: str
    status: str | None
    count: int | None
    create_date: datetime | None
    create_date_raw: str | None
    entries: tuple[HistoryEntry, ...]
    """Oldest first; entries without a readable date last, in the order sent."""
    skipped: int = 0
    """Entries that were not objects."""
    dropped: int = 0
    """Older entries left out beyond MAX_ENTRIES."""

    @property
    def keyword_replies(self) -> tuple[HistoryEntry, ...]:
        return tuple(e for e in self.entries if e.reply_kind is not None)


def _text(value: object) -> str | None:
    if isinstance(value, str):
        return value
    if isinstance(value, bool) or value is None or isinstance(value, (dict, list)):
        return None
    return str(value)


def _int(value: object) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.strip().isascii():
        try:
            return int(value.strip())
        except ValueError:
            return None
    return None


def _bounded(text: str) -> str:
    return text if len(text) <= MAX_MESSAGE_CHARS else text[: MAX_MESSAGE_CHARS - 1] + "…"


def _entry(raw: Mapping[str, Any]) -> HistoryEntry:
    type_raw = _bounded(_text(raw.get("type")) or "")
    kind = type_raw.strip().upper()
    direction = Direction(kind) if kind in ("MT", "MO") else Direction.OTHER
    date_raw = _text(raw.get("date"))
    return HistoryEntry(
        direction=direction,
        type_raw=type_raw,
        message=_bounded(_text(raw.get("message")) or ""),
        date=parse_mc_date(date_raw),
        date_raw=_bounded(date_raw) if date_raw else None,
    )


def _order(entry: HistoryEntry) -> tuple[bool, float]:
    return (entry.date is None, entry.date.timestamp() if entry.date else 0.0)


def parse_message_history(body: object, mobile_number: str) -> MessageHistory:
    """A MessageHistory from decoded JSON; BadResponse when it is not a history reply."""
    if not isinstance(body, Mapping):
        raise BadResponse(f"expected a JSON object, got {type(body).__name__}")
    raw_entries = body.get("history")
    if raw_entries is None and "status" not in body:
        raise BadResponse("the history reply has neither 'history' nor 'status'")
    if raw_entries is not None and not isinstance(raw_entries, list):
        raise BadResponse(f"'history' is {type(raw_entries).__name__}, not a list")
    entries = [_entry(e) for e in raw_entries or () if isinstance(e, Mapping)]
    skipped = len(raw_entries or ()) - len(entries)
    entries.sort(key=_order)
    dropped = max(0, len(entries) - MAX_ENTRIES)
    create_raw = _text(body.get("createDate"))
    status = _text(body.get("status"))
    return MessageHistory(
        mobile_number=mobile_number,
        status=_bounded(status) if status else None,
        count=_int(body.get("count")),
        create_date=parse_mc_date(create_raw),
        create_date_raw=_bounded(create_raw) if create_raw else None,
        entries=tuple(entries[dropped:]),
        skipped=skipped,
        dropped=dropped,
    )


def parse_message_history_bytes(body: bytes, mobile_number: str) -> MessageHistory:
    """Decode and parse a reply body; anything that is not JSON is a BadResponse."""
    decoded = decode_reply(without_lone_surrogates(body), "a history reply")
    return parse_message_history(decoded, mobile_number)
