"""A message definition and a send as the server keeps them, and a send's Deliveries body.

The body is a pure function of (schedule, moment): the phase from the timeline, and the
events whose time has come. Bodies are cached by (phase, event count), so polling a large
finished send costs a dictionary lookup's worth of work.
"""

from __future__ import annotations

import json
import threading
from bisect import bisect_right
from dataclasses import dataclass, field

from tui.sim.clock import mc_date
from tui.sim.facts import Phase, SendKind
from tui.sim.schedule import Schedule, reached

DEFAULT_KEYWORDS: frozenset[str] = frozenset({"JOIN", "JOINSMS", "STOP", "HELP"})


@dataclass(frozen=True, slots=True)
class Message:
    """A MobileConnect message definition: its API key, owner, text and code's keywords."""

    message_id: str
    kind: SendKind
    client_id: str
    text: str
    keywords: frozenset[str] = DEFAULT_KEYWORDS


@dataclass(eq=False)
class Send:
    token_id: str
    message_id: str
    kind: SendKind
    client_id: str
    text: str
    numbers: tuple[str, ...]
    unsubscribed: tuple[str, ...]
    pace: float
    schedule: Schedule
    _cache: tuple[tuple[Phase, int], bytes] | None = field(default=None, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)
    _positions: dict[str, int] | None = field(default=None, repr=False)
    _reached: dict[str, tuple[float, int, float]] | None = field(default=None, repr=False)

    @property
    def count(self) -> int:
        """Numbers in the request minus the unsubscribed ones (docs/api.md §2.2)."""
        return len(self.numbers)

    def position(self, number: str) -> int | None:
        """The number's index in `numbers`; the index is built on the first question, as
        only the history route asks (a 100,000-number send never pays for it otherwise)."""
        with self._lock:
            if self._positions is None:
                self._positions = {n: i for i, n in enumerate(self.numbers)}
            return self._positions.get(number)

    def reached(self, number: str) -> tuple[float, int, float] | None:
        """(first event time, highest code, when that came) of a number the send reached;
        built on the first question, as only the history route asks (two threads asking
        at once may both build it: the same value)."""
        known = self._reached
        if known is None:  # outside the lock: a scan of 100,000 numbers takes ~0.5 s
            known = reached(self.schedule)
            with self._lock:
                self._reached = known
        return known.get(number)

    def phase(self, moment: float) -> Phase:
        line = self.schedule.timeline
        if moment < line.queuing:
            return Phase.NEW
        if moment < line.started:
            return Phase.QUEUING
        if moment < line.ended:
            return Phase.STARTED
        return Phase.ERROR if line.error else Phase.FINISHED

    def visible_events(self, moment: float) -> int:
        if self.phase(moment).final:
            return len(self.schedule.times)
        return bisect_right(self.schedule.times, moment)

    def body(self, moment: float) -> bytes:
        """The Deliveries JSON at `moment`; `completeDate` is absent until the send ends."""
        phase = self.phase(moment)
        shown = self.visible_events(moment)
        key = (phase, shown)
        with self._lock:
            if self._cache is not None and self._cache[0] == key:
                return self._cache[1]
        line = self.schedule.timeline
        complete = f'"completeDate":"{mc_date(line.ended)}",' if phase.final else ""
        head = (
            f'{{"message":{json.dumps(self.text)},"count":{self.count},'
            f'"createDate":"{mc_date(line.created)}",{complete}'
            f'"status":"{phase.value}","tracking":['
        )
        data = (head + ",".join(self.schedule.fragments[:shown]) + "]}").encode("ascii")
        with self._lock:
            self._cache = (key, data)
        return data
