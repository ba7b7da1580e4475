"""Deliveries bodies into Delivery objects, built to survive whatever a server sends."""

from __future__ import annotations

import gc
import json
import threading
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from typing import Any

from tui.core.api.chunked import SLICE_BYTES, split_tracking
from tui.core.api.errors import BadResponse
from tui.core.api.model import (
    Delivery,
    Recipient,
    TrackingEvent,
    count_outcomes,
    parse_mc_date,
    phase_of,
)

_gc_lock = threading.Lock()
_gc_pauses = 0
_gc_was_enabled = False


@contextmanager
def _gc_paused() -> Iterator[None]:
    """No cycle collection while a body is being built.

    A parse makes only acyclic objects plus short-lived scratch; collections during it
    would walk them again and again while holding the GIL (the UI thread waits), and
    scratch that outlived a few of them would count towards a full collection later.
    Counted, because two sends can be parsed in two threads at once.
    """
    global _gc_pauses, _gc_was_enabled
    with _gc_lock:
        if _gc_pauses == 0:
            _gc_was_enabled = gc.isenabled()
            gc.disable()
        _gc_pauses += 1
    try:
        yield
    finally:
        with _gc_lock:
            _gc_pauses -= 1
            if _gc_pauses == 0 and _gc_was_enabled:
                gc.enable()


def _text(value: object) -> str | None:
    if value is None or isinstance(value, (dict, list)):
        return None
    return value if isinstance(value, str) else str(value)


def _int(value: object) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str):
        try:
            return int(value.strip())
        except ValueError:
            return None
    return None


def _event(values: tuple[object, ...]) -> TrackingEvent:
    code, message, standard, description = (v[1] if type(v) is tuple else v for v in values)
    return TrackingEvent(_text(code), _text(message), _int(standard), _text(description))


Events = tuple[TrackingEvent, ...]

_SHARED_EVENTS: dict[tuple[object, ...], TrackingEvent] = {}
"""Every distinct status seen lately, one object each, shared across bodies and polls."""
_SHARED_SEQUENCES: dict[tuple[int, int], tuple[Events, TrackingEvent, Events]] = {}
"""(id(events), id(event)) -> (events, event, events + (event,)): every distinct event
sequence is one shared tuple too. A body has a handful of distinct sequences and up to
100,000 recipients; sharing them saves 100,000 tuples a read, and lets a poll tell an
unchanged recipient by identity. Each entry holds its key's objects, so ids stay valid."""
_SHARED_LIMIT = 4096


class _TrackingReader:
    """Events grouped by number in carrier order, fed in one or many slices."""

    def __init__(self) -> None:
        if len(_SHARED_EVENTS) > _SHARED_LIMIT or len(_SHARED_SEQUENCES) > _SHARED_LIMIT:
            _SHARED_EVENTS.clear()  # a hostile server inventing statuses
            _SHARED_SEQUENCES.clear()
        self.by_number: dict[str, Events] = {}
        self.count = self.skipped = 0

    def feed(self, raw: Iterable[object]) -> None:
        shared, sequences, by_number = _SHARED_EVENTS, _SHARED_SEQUENCES, self.by_number
        count = self.count
        for entry in raw:
            if type(entry) is not dict:
                if not isinstance(entry, Mapping):
                    self.skipped += 1
                    continue
                entry = dict(entry)
            number = entry.get("mobileNumber")
            if type(number) is not str:
                number = _text(number)
            if not number:
                self.skipped += 1
                continue
            get = entry.get
            raw = (get("statusCode"), get("message"), get("standardStatusCode"), get("description"))
            try:
                # Only all-text keys are stored raw; no number, bool or tagged key equals one.
                event = shared.get(raw) or _shared_event(raw)
            except TypeError:  # a list or object where text belongs: unhashable, parse alone
                event = _event(tuple(map(_key, raw)))
            before = by_number.get(number, ())
            step = sequences.get((id(before), id(event)))
            if step is None:
                step = sequences[id(before), id(event)] = (before, event, (*before, event))
            by_number[number] = step[2]
            count += 1
        self.count = count

    def recipients(self, previous: Delivery | None) -> tuple[Recipient, ...]:
        """Recipients in order of first appearance; an unchanged one is the previous object.

        Reusing them keeps a poll of 100,000 recipients from making 100,000 new
        long-lived objects for the cycle collector to walk.
        """
        before = previous.recipient if previous is not None else _no_recipient
        best: dict[int, int | None] = {}
        result: list[Recipient] = []
        for number, events in self.by_number.items():
            old = before(number)
            if old is not None and (old.events is events or old.events == events):
                result.append(old)
                continue
            code = best.get(id(events), -1)
            if code == -1:
                code = best[id(events)] = _best_code(events)
            result.append(Recipient(number, events, code))
        return tuple(result)

    def positions(self) -> dict[str, int]:
        return dict(zip(self.by_number, range(len(self.by_number)), strict=True))


def _no_recipient(number: str) -> None:
    return None


def _shared_event(raw: tuple[object, object, object, object]) -> TrackingEvent:
    """The shared event for these raw values; 1, 1.0 and True are different statuses."""
    if all(v is None or type(v) is str for v in raw):
        key: tuple[object, ...] = raw
    else:
        key = tuple(map(_key, raw))
    event = _SHARED_EVENTS.get(key)
    if event is None:
        event = _SHARED_EVENTS[key] = _event(key)
    return event


def _key(value: object) -> object:
    """Strings as they are; anything else tagged with its type (True and 1 differ)."""
    return value if type(value) is str or value is None else (type(value).__name__, value)


def _best_code(events: Events) -> int | None:
    best = None
    for event in events:
        code = event.standard_code
        if code is not None and (best is None or code > best):
            best = code
    return best


def parse_delivery(body: object, previous: Delivery | None = None) -> Delivery:
    """Build a Delivery from decoded JSON; raise BadResponse when it is not one.

    `previous` (the last read of the same send) lets unchanged recipients be reused.
    """
    with _gc_paused():
        reader = _TrackingReader()
        if isinstance(body, Mapping):
            tracking = body.get("tracking")
            if isinstance(tracking, list):
                reader.feed(tracking)
        return _delivery(body, reader, previous)


def _delivery(body: object, reader: _TrackingReader, previous: Delivery | None) -> Delivery:
    if not isinstance(body, Mapping):
        raise BadResponse(f"expected a JSON object, got {type(body).__name__}")
    status = _text(body.get("status"))
    if status is None:
        raise BadResponse("the reply has no 'status'")
    tracking = body.get("tracking")
    if tracking is not None and not isinstance(tracking, list):
        raise BadResponse(f"'tracking' is {type(tracking).__name__}, not a list")
    recipients = reader.recipients(previous)
    create_raw = _text(body.get("createDate"))
    complete_raw = _text(body.get("completeDate"))
    return Delivery(
        message=_text(body.get("message")) or "",
        count=_int(body.get("count")),
        status=status,
        phase=phase_of(status),
        create_date=parse_mc_date(create_raw),
        complete_date=parse_mc_date(complete_raw),
        create_date_raw=create_raw or None,
        complete_date_raw=complete_raw or None,
        recipients=recipients,
        event_count=reader.count,
        skipped_entries=reader.skipped,
        counts=count_outcomes(recipients),
        positions=reader.positions(),
    )


def _parse_in_slices(body: bytes, previous: Delivery | None) -> Delivery | None:
    """The big-body path (see chunked.py); None when the body needs a whole decode."""
    split = split_tracking(body)
    if split is None:
        return None
    head, slices = split
    reader = _TrackingReader()
    try:
        for piece in slices:
            reader.feed(json.loads(piece))
    except (ValueError, RecursionError):
        return None
    return _delivery(head, reader, previous)


def parse_delivery_bytes(body: bytes, previous: Delivery | None = None) -> Delivery:
    """Decode and parse a response body; anything that is not JSON is a BadResponse."""
    with _gc_paused():
        if len(body) > SLICE_BYTES:
            sliced = _parse_in_slices(body, previous)
            if sliced is not None:
                return sliced
        return parse_delivery(_decode(body), previous)


def _decode(body: bytes) -> Any:
    try:
        return json.loads(body)
    except (ValueError, RecursionError) as exc:
        snippet = body[:40].decode("utf-8", "replace").strip()
        kind = "HTML" if snippet.lower().startswith(("<!doctype", "<html")) else "invalid JSON"
        raise BadResponse(f"the server sent {kind}, not a Deliveries reply") from exc
