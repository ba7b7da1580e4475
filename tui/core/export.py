"""One send's recipients as CSV or JSON, for a spreadsheet or a ticket.

Pure, so the monitor (in a thread) and `sendwatch export` build the same bytes. Server
text is data: JSON keeps it exactly (its escapes make it safe to print); CSV writes it as
one line with control characters shown as symbols, as the screen does, and never as a
formula (`neutralise`). The Deliveries resource gives no time per event: the API times
are the send's createDate and completeDate, and the only time per recipient is when
sendwatch first saw its outcome. Both kinds are named as such in every column; a
first-seen time from sendwatch's first read of the send is flagged (`…_at_first_read`):
the outcome was already so then, since a moment nobody saw.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterator, Mapping, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Final, Literal

import platformdirs

from tui.core.api import codes
from tui.core.api.errors import SendwatchError
from tui.core.api.model import Delivery, Recipient, TrackingEvent
from tui.core.mask import mask_number
from tui.core.store.atomic import StorageError, atomic_write
from tui.core.store.watchlist import WatchedSend
from tui.core.text import safe_text
from tui.core.timefmt import SeenTimes

Format = Literal["csv", "json"]
FORMATS: Final[tuple[Format, ...]] = ("csv", "json")

FORMULA_TRIGGERS: Final = frozenset("=+-@\t\r\0＝＋－＠")
"""A cell starting with one of these is read as a formula by some spreadsheet (OWASP's
list, plus NUL and the full-width forms some spreadsheets fold to ASCII)."""

RECIPIENT_COLUMNS: Final = (
    "mobile_number",
    "outcome",
    "code",
    "code_name",
    "last_status_code",
    "last_message",
    "last_description",
    "event_count",
    "sendwatch_outcome_first_seen_utc",
    "sendwatch_outcome_at_first_read",
    "api_send_created_utc",
    "api_send_completed_utc",
)
EVENT_COLUMNS: Final = (
    "event_number",
    "event_status_code",
    "event_message",
    "event_standard_code",
    "event_description",
)
"""With every raw event: one row per event, the recipient's columns repeated first."""


class ExportError(SendwatchError):
    """The export file could not be written (a read-only folder, a full disk)."""

    exit_code = 73  # sysexits EX_CANTCREAT: the output file cannot be created


def neutralise(cell: str) -> str:
    """`cell` as a spreadsheet shows it but never runs it: a leading `'` when it starts
    like a formula, spaces in front included (`' =1+1'` is a formula to some)."""
    if not cell:
        return cell
    if cell[0] in FORMULA_TRIGGERS or cell.lstrip(" ")[:1] in FORMULA_TRIGGERS:
        return "'" + cell
    return cell


def _cell(value: object) -> str:
    """Server text for a CSV cell: one safe line, never a formula."""
    return neutralise(safe_text(value))


def _utc(moment: datetime | None) -> str:
    return "" if moment is None else moment.astimezone(UTC).isoformat(timespec="milliseconds")


def _number(recipient: Recipient, mask: bool) -> str:
    number = recipient.mobile_number
    return mask_number(number) if mask else number


def _code_name(recipient: Recipient) -> str:
    info = codes.describe(recipient.outcome_code)
    return info.name if info is not None else ""


def _at_first_read(seen: datetime | None, blind: SeenTimes) -> bool | None:
    """Was the outcome first seen at a blind read (so only "already so by then")?"""
    return None if seen is None else blind.bound(seen)


def _last(recipient: Recipient) -> TrackingEvent | None:
    return recipient.events[-1] if recipient.events else None


# --- CSV ----------------------------------------------------------------------------


def csv_rows(
    delivery: Delivery,
    recipients: Sequence[Recipient],
    since: Mapping[str, datetime],
    *,
    events: bool = False,
    mask: bool = False,
    blind: Sequence[datetime] = (),
) -> Iterator[list[str]]:
    """The header, then a row per recipient (or per event, with `events`). `blind`: the
    send's blind reads (`SendState.blind_reads`)."""
    yield [*RECIPIENT_COLUMNS, *(EVENT_COLUMNS if events else ())]
    created, completed = _utc(delivery.create_date), _utc(delivery.complete_date)
    times = SeenTimes(blind=tuple(blind))
    for r in recipients:
        last = _last(r)
        seen = since.get(r.mobile_number)
        at_first = _at_first_read(seen, times)
        row = [
            _cell(_number(r, mask)),
            r.outcome.value,
            "" if r.outcome_code is None else str(r.outcome_code),
            _code_name(r),
            _cell(last.status_code if last else None),
            _cell(last.message if last else None),
            _cell(last.description if last else None),
            str(len(r.events)),
            _utc(seen),
            "" if at_first is None else str(at_first).lower(),
            created,
            completed,
        ]
        if not events:
            yield row
            continue
        for n, e in enumerate(r.events, 1):
            code = "" if e.standard_code is None else str(e.standard_code)
            yield [*row, str(n), _cell(e.status_code), _cell(e.message), code, _cell(e.description)]


def to_csv(rows: Iterator[list[str]]) -> str:
    out = io.StringIO()
    csv.writer(out).writerows(rows)  # the excel dialect: quoted as needed, CRLF lines
    return out.getvalue()


# --- JSON ---------------------------------------------------------------------------


def _event_json(event: TrackingEvent) -> dict[str, Any]:
    return {
        "statusCode": event.status_code,
        "message": event.message,
        "standardStatusCode": event.standard_code,
        "description": event.description,
    }


def _recipient_json(
    r: Recipient, since: Mapping[str, datetime], events: bool, mask: bool, blind: SeenTimes
) -> dict[str, Any]:
    last = _last(r)
    seen = since.get(r.mobile_number)
    body: dict[str, Any] = {
        "mobileNumber": _number(r, mask),
        "outcome": r.outcome.value,
        "code": r.outcome_code,
        "codeName": _code_name(r) or None,
        "lastStatusCode": last.status_code if last else None,
        "lastMessage": last.message if last else None,
        "lastDescription": last.description if last else None,
        "eventCount": len(r.events),
        "sendwatchOutcomeFirstSeen": _utc(seen) or None,
        "sendwatchOutcomeAtFirstRead": _at_first_read(seen, blind),
    }
    if events:
        body["events"] = [_event_json(e) for e in r.events]
    return body


def send_json(send: WatchedSend, delivery: Delivery) -> dict[str, Any]:
    """The send an export is of: ids, and what the API said of it (times in UTC and as sent)."""
    c = delivery.counts
    return {
        "label": send.label,
        "profile": send.profile,
        "kind": send.kind.value,
        "messageId": send.message_id,
        "tokenId": send.token_id,
        "status": delivery.status,
        "message": delivery.message,
        "count": delivery.count,
        "apiCreateDate": _utc(delivery.create_date) or None,
        "apiCompleteDate": _utc(delivery.complete_date) or None,
        "apiCreateDateRaw": delivery.create_date_raw,
        "apiCompleteDateRaw": delivery.complete_date_raw,
        "recipients": len(delivery.recipients),
        "outcomes": {
            "delivered": c.delivered,
            "failed": c.failed,
            "pending": c.pending,
            "unknown": c.unknown,
        },
    }


def to_json(
    send: WatchedSend,
    delivery: Delivery,
    recipients: Sequence[Recipient],
    since: Mapping[str, datetime],
    *,
    exported_at: datetime,
    events: bool = False,
    mask: bool = False,
    blind: Sequence[datetime] = (),
) -> str:
    times = SeenTimes(blind=tuple(blind))
    body = {
        "exportedAt": _utc(exported_at),
        "masked": mask,
        "send": send_json(send, delivery),
        "exported": len(recipients),
        "recipients": [_recipient_json(r, since, events, mask, times) for r in recipients],
    }
    return json.dumps(body, indent=2, ensure_ascii=False) + "\n"


# --- both ---------------------------------------------------------------------------


def export_bytes(
    fmt: Format,
    send: WatchedSend,
    delivery: Delivery,
    recipients: Sequence[Recipient],
    since: Mapping[str, datetime],
    *,
    exported_at: datetime,
    events: bool = False,
    mask: bool = False,
    bom: bool = False,
    blind: Sequence[datetime] = (),
) -> bytes:
    """The file's bytes: UTF-8 (a lone surrogate from the server becomes `?`). `bom` starts
    a CSV with a byte-order mark, which Excel needs to read UTF-8 (masks, accents)."""
    if fmt == "json":
        text = to_json(
            send,
            delivery,
            recipients,
            since,
            exported_at=exported_at,
            events=events,
            mask=mask,
            blind=blind,
        )
    else:
        rows = csv_rows(delivery, recipients, since, events=events, mask=mask, blind=blind)
        text = to_csv(rows)
        if bom:
            text = "\ufeff" + text
    return text.encode("utf-8", "replace")


def write_export(path: Path, data: bytes) -> None:
    """Write the file whole or not at all, readable by its owner only (it holds numbers)."""
    try:
        atomic_write(path, data, mode=0o600)
    except StorageError as exc:
        raise ExportError(str(exc)) from exc


# --- where ----------------------------------------------------------------------------

_UNSAFE = re.compile(r"[^A-Za-z0-9]+")


def _slug(text: str, limit: int) -> str:
    return _UNSAFE.sub("-", text).strip("-")[:limit].strip("-")


def default_name(send: WatchedSend, fmt: Format, now: datetime) -> str:
    """`sendwatch-black-friday-MzA6Nzg6MA-c21NCNSDN2sM-20201125T190110Z.csv`."""
    parts = ["sendwatch", _slug(send.label, 40).lower(), _slug(send.message_id, 16)]
    parts += [_slug(send.token_id, 12), now.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")]
    return "-".join(p for p in parts if p) + f".{fmt}"


def default_folder() -> Path:
    """The user's downloads folder when it exists, else the current one."""
    downloads = Path(platformdirs.user_downloads_dir())
    return downloads if downloads.is_dir() else Path.cwd()
