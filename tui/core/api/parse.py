"""Deliveries bodies into Delivery objects: a typed fast path and a tolerant one.

Well-formed tracking entries (the five documented keys, text or null) are decoded by
msgspec straight into untracked structs (entries.py), a ~1 MB slice at a time
(chunked.py), with no dict and few new strings per entry. A slice msgspec refuses (a
number where text belongs, an unknown key, a non-object, invalid UTF-8...) goes through
`json.loads` and the tolerant reader instead, and a body that is not the plain shape is
decoded whole: the result is the same Delivery either way.
"""

from __future__ import annotations

import gc
import json
import threading
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from itertools import repeat
from operator import attrgetter
from typing import Any

from tui.core.api import entries
from tui.core.api.chunked import split_tracking
from tui.core.api.errors import BadResponse
from tui.core.api.json_body import decode_reply, without_lone_surrogates
from tui.core.api.model import (
    Delivery,
    Recipient,
    TrackingEvent,
    count_codes,
    count_outcomes,
    parse_mc_date,
    phase_of,
)

Events = tuple[TrackingEvent, ...]


# ---------------------------------------------------------------- shared events and steps


class _Step:
    """One event sequence, shared by every recipient that has it, and where one more
    event leads (`after`, keyed like `_SHARED_EVENTS`).

    A body has a handful of distinct sequences and up to 100,000 recipients: one tuple
    per sequence saves 100,000 tuples a read and lets a poll tell an unchanged recipient
    by identity. Following `after` costs one dict lookup per entry, where finding the
    event and then the sequence took two and a tuple of ids (~150 ms of 300 at 311,000
    events).
    """

    __slots__ = ("after", "best", "events")

    def __init__(self, events: Events, best: int | None) -> None:
        self.events = events
        self.best = best
        self.after: dict[object, _Step] = {}

    def then(self, event: TrackingEvent) -> _Step:
        code, best = event.standard_code, self.best
        if code is not None and (best is None or code > best):
            best = code
        return _Step((*self.events, event), best)


_SHARED_EVENTS: dict[tuple[object, ...], TrackingEvent] = {}
"""Every distinct status seen lately, one object each, shared across bodies and polls."""
_SHARED_LIMIT = 4096
_root = _Step((), None)
_steps = 0


def _grow(step: _Step, raw: tuple[object, ...]) -> _Step:
    """The step after `step` for these raw values; 1, 1.0 and True are different statuses.

    Only all-text keys are stored raw; no number, bool or tagged key equals one. Raises
    TypeError for an unhashable value (a list or object where text belongs).
    """
    global _steps
    key = raw if all(v is None or type(v) is str for v in raw) else tuple(map(_key, raw))
    after = step.after.get(key)
    if after is None:
        event = _SHARED_EVENTS.get(key)
        if event is None:
            event = _SHARED_EVENTS[key] = _event(key)
        after = step.after[key] = step.then(event)
        _steps += 1
    return after


def _key(value: object) -> object:
    """Strings as they are; anything else tagged with its type (True and 1 differ)."""
    return value if type(value) is str or value is None else (type(value).__name__, value)


def _event(values: tuple[object, ...]) -> TrackingEvent:
    code, message, standard, description = (v[1] if type(v) is tuple else v for v in values)
    return TrackingEvent(_text(code), _text(message), _int(standard), _text(description))


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


# ---------------------------------------------------------------- reading tracking


_new_recipient = tuple.__new__
_events_of = attrgetter("events")
_best_of = attrgetter("best")


class _TrackingReader:
    """Events grouped by number in carrier order, fed in one or many slices."""

    def __init__(self) -> None:
        global _root, _steps
        if _steps > _SHARED_LIMIT or len(_SHARED_EVENTS) > _SHARED_LIMIT:
            _SHARED_EVENTS.clear()  # a hostile server inventing statuses
            _root, _steps = _Step((), None), 0
        self.root = _root
        self.by_number: dict[str, _Step] = {}
        self.count = self.skipped = 0

    def feed_entries(self, decoded: list[entries.Entry]) -> None:
        """The fast path: every value is already text or None."""
        by_number, root = self.by_number, self.root
        skipped = 0
        for e in decoded:
            number = e.mobile_number
            if not number:
                skipped += 1
                continue
            raw = (e.status_code, e.message, e.standard_status_code, e.description)
            step = by_number.get(number, root)
            by_number[number] = step.after.get(raw) or _grow(step, raw)
        self.count += len(decoded) - skipped
        self.skipped += skipped

    def feed(self, raw: Iterable[object]) -> None:
        """The tolerant path, for whatever `json.loads` made of the entries."""
        by_number, root = self.by_number, self.root
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
            values = (
                get("statusCode"),
                get("message"),
                get("standardStatusCode"),
                get("description"),
            )
            step = by_number.get(number, root)
            try:
                by_number[number] = step.after.get(values) or _grow(step, values)
            except TypeError:  # unhashable: parse alone
                by_number[number] = step.then(_event(tuple(map(_key, values))))
            count += 1
        self.count = count

    def recipients(self, previous: Delivery | None) -> tuple[Recipient, ...]:
        """Recipients in order of first appearance; an unchanged one is the previous object.

        Reusing them keeps a poll of 100,000 recipients from making 100,000 new
        long-lived objects for the cycle collector to walk. A first read builds them
        without a Python call each (`tuple.__new__` over zips: ~4x faster).
        """
        steps = self.by_number
        if previous is None or not previous.positions:
            events, best = map(_events_of, steps.values()), map(_best_of, steps.values())
            return tuple(
                map(_new_recipient, repeat(Recipient), zip(steps, events, best, strict=True))
            )
        positions, old_recipients = previous.positions, previous.recipients
        result: list[Recipient] = []
        for number, step in steps.items():
            index = positions.get(number)
            if index is not None:
                old = old_recipients[index]
                if old.events is step.events or old.events == step.events:
                    result.append(old)
                    continue
            result.append(Recipient(number, step.events, step.best))
        return tuple(result)

    def positions(self) -> dict[str, int]:
        return dict(zip(self.by_number, range(len(self.by_number)), strict=True))


# ---------------------------------------------------------------- bodies


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


def parse_delivery_bytes(body: bytes, previous: Delivery | None = None) -> Delivery:
    """Decode and parse a response body; anything that is not JSON is a BadResponse."""
    body = without_lone_surrogates(body)
    with _gc_paused():
        sliced = _parse_in_slices(body, previous)
        if sliced is not None:
            return sliced
        return parse_delivery(decode_reply(body, "a Deliveries reply"), previous)


def _parse_in_slices(body: bytes, previous: Delivery | None) -> Delivery | None:
    """The plain-shape path (see chunked.py); None when the body needs a whole decode."""
    split = split_tracking(body)
    if split is None:
        return None
    head, slices = split
    reader = _TrackingReader()
    for piece in slices:
        try:
            decoded = entries.decode(piece)
        except (ValueError, RecursionError):  # msgspec.DecodeError: not the documented shape
            try:
                reader.feed(_loads_tracking(piece))
            except (ValueError, RecursionError):
                return None
        else:
            reader.feed_entries(decoded)
    return _delivery(head, reader, previous)


def _loads_tracking(piece: bytes) -> Any:
    """A slice as `json.loads` reads it in the whole body: as deeply nested, and called a
    frame deeper than `decode_reply`, so refused at any depth the whole body would be. (The
    limit counts stack frames and JSON levels; a bare slice, a level shallower, was read
    where the whole body was refused.)"""
    return json.loads(b'{"tracking":' + piece + b"}")["tracking"]


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
    code_counts = count_codes(recipients)
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
        counts=count_outcomes(recipients, code_counts),
        positions=reader.positions(),
        code_counts=code_counts,
    )
