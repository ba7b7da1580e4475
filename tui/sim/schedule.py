"""A send's whole future, drawn once: its phase times and every recipient's carrier events.

Nothing here sleeps or ticks. Each event gets a sim time when the send is created, so the
Deliveries body at any moment is "the events whose time has come" (see `send.py`). Events
are pre-serialized JSON fragments sorted by time, which is what makes a 100,000-recipient
body cheap: one bisect and one join.

Realism, drawn per recipient from the send's seeded RNG:
- 3000 Enroute → 3001 SentToCarrier → 4000 Delivered, raw codes as in the doc example;
- some get 2000 DeliveredToAggregator first ("0", "DELIVERED TO Air2Web"), a few only 2000
  (shared codes, where the aggregator's word is final), a few fail at the aggregator (2502);
- about 8% fail at the carrier (4500, 4501, 4503, 4505);
- about 3% wait at 3002 AcceptedByCarrier for a while before their final answer;
- about 5% of the delivered get an earlier-stage event (3001 or 2000) after their 4000, as in
  the doc example, so "highest code wins" matters.
"""

from __future__ import annotations

import json
import random
from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass

from tui.sim.facts import STANDARD_CODES

NEW_SECONDS = 2.0
QUEUING_SECONDS = 3.0

# Raw aggregator codes. Documented: 0, 20 and 200 (docs/api.md §3). The rest are [I]nvented in
# the same style; clients must not key on them.
_RAW: dict[int, tuple[str, str]] = {
    2000: ("0", "DELIVERED TO Air2Web"),
    2502: ("3", "Invalid destination address"),
    3000: ("20", "NA"),
    3001: ("20", "Message sent to carrier"),
    3002: ("21", "Accepted by carrier"),
    4000: ("200", "Carrier Success"),
    4500: ("400", "Undeliverable"),
    4501: ("408", "Message expired"),
    4503: ("403", "Rejected by carrier"),
    4505: ("404", "Invalid destination address"),
}
_FAILURES = (4500, 4500, 4501, 4503, 4503, 4505)


def _suffix(code: int) -> str:
    raw, message = _RAW[code]
    description = STANDARD_CODES[code].description
    return (
        f',"statusCode":{json.dumps(raw)},"message":{json.dumps(message)}'
        f',"standardStatusCode":"{code}","description":{json.dumps(description)}}}'
    )


SUFFIX: dict[int, str] = {code: _suffix(code) for code in _RAW}


@dataclass(frozen=True, slots=True)
class Timeline:
    """When a send enters each phase, in sim POSIX seconds; `ended` is Finished or Error."""

    created: float
    queuing: float
    started: float
    ended: float
    error: bool


@dataclass(frozen=True, slots=True)
class Schedule:
    timeline: Timeline
    times: list[float]
    fragments: list[str]


def spread_seconds(recipients: int, pace: float) -> float:
    """How long dispatch takes: ~50 recipients a second after a short start-up, × pace."""
    return pace * (2.0 + 0.02 * recipients)


def generate_numbers(rng: random.Random, n: int) -> list[str]:
    """`n` distinct 11-digit US-style numbers ("1" + 10 digits), in a shuffled order."""
    first = rng.randrange(2_000_000_000, 5_000_000_000)
    step = rng.randrange(7, 30_000)
    numbers = [f"1{first + i * step}" for i in range(n)]
    rng.shuffle(numbers)
    return numbers


def build(
    rng: random.Random,
    numbers: Sequence[str],
    *,
    created: float,
    begin: float,
    pace: float,
    error: bool,
) -> Schedule:
    """Draw the timeline and every event of a send whose work begins at `begin`."""
    queuing = begin + NEW_SECONDS * pace
    started = queuing + QUEUING_SECONDS * pace
    m = len(numbers)
    spread = spread_seconds(m, pace)
    error_at = started + spread * (0.25 + 0.35 * rng.random()) if error else 0.0

    times: list[float] = []
    fragments: list[str] = []
    add_time, add_fragment = times.append, fragments.append
    rand, sfx, dumps = rng.random, SUFFIX, json.dumps
    for i, number in enumerate(numbers):
        head = '{"mobileNumber":' + dumps(number)
        t = started + spread * (i + rand()) / m
        r = rand()
        if r < 0.01:
            add_time(t + pace * (0.2 + rand()))
            add_fragment(head + sfx[2502])
            continue
        if r < 0.04:
            add_time(t + pace * (0.1 + 0.4 * rand()))
            add_fragment(head + sfx[2000])
            continue
        if r < 0.16:
            add_time(t)
            add_fragment(head + sfx[2000])
        t += pace * (0.1 + 0.5 * rand())
        add_time(t)
        add_fragment(head + sfx[3000])
        t += pace * (0.2 + 1.3 * rand())
        add_time(t)
        add_fragment(head + sfx[3001])
        r = rand()
        if r < 0.03:
            t += pace * (0.5 + 2.5 * rand())
            add_time(t)
            add_fragment(head + sfx[3002])
            t += pace * (20.0 + 40.0 * rand())
            final = 4501 if rand() < 0.33 else 4000
        elif r < 0.11:
            t += pace * (1.0 + 9.0 * rand())
            final = _FAILURES[int(rand() * len(_FAILURES))]
        else:
            t += pace * (1.0 + 5.0 * rand())
            final = 4000
        add_time(t)
        add_fragment(head + sfx[final])
        if final == 4000:
            r = rand()
            if r < 0.05:
                add_time(t + pace * (1.0 + 7.0 * rand()))
                add_fragment(head + sfx[3001 if r < 0.03 else 2000])

    order = sorted(range(len(times)), key=times.__getitem__)
    sorted_times = [times[i] for i in order]
    sorted_fragments = [fragments[i] for i in order]
    if error:
        # Some recipients always got somewhere before the job broke.
        if sorted_times:
            error_at = max(error_at, sorted_times[0] + 0.5 * pace)
        keep = bisect_right(sorted_times, error_at)
        del sorted_times[keep:], sorted_fragments[keep:]
        ended = error_at
    else:
        ended = (sorted_times[-1] if sorted_times else started) + 0.5 * pace
    return Schedule(
        Timeline(created, queuing, started, ended, error), sorted_times, sorted_fragments
    )


_CODE_OF_SUFFIX = {suffix: code for code, suffix in SUFFIX.items()}
_NUMBER_END = ',"statusCode"'


def reached(schedule: Schedule) -> dict[str, tuple[float, int, float]]:
    """Per number that got any event: when its first event came, its highest code, and
    when that came. Read back from the fragments (only the history route asks, so a
    send never pays for it at creation); a broken job's cut-off events are not there."""
    found: dict[str, tuple[float, int, float]] = {}
    code_of, end = _CODE_OF_SUFFIX, _NUMBER_END
    for at, fragment in zip(schedule.times, schedule.fragments, strict=True):
        cut = fragment.index(end)
        head = fragment[16:cut]  # the JSON string after '{"mobileNumber":'
        number = head[1:-1] if "\\" not in head else json.loads(head)
        code = code_of[fragment[cut:]]
        seen = found.get(number)
        if seen is None:
            found[number] = (at, code, at)
        elif code > seen[1]:
            found[number] = (seen[0], code, at)
    return found
