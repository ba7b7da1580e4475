"""Alerts: which reads of a send deserve a toast, and which sends need a look.

Each rule is a condition on a send's state (status Finished, status Error, failed share
above N %, no progress for N minutes). An alert fires when a read shows the send
crossing into its condition, so once per transition, never on every poll; the first
read of a send only says where it starts (a send already finished is not news).
"No progress" is measured on the injected clock's `now`, handed in by the caller.

Plain Python: the UI turns `Alert`s into toasts and the bell (`ui/alerting.py`).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Literal

from tui.core.api.model import Delivery, OutcomeCounts, Phase
from tui.core.state import SendState
from tui.core.store.alert_rules import AlertConfig, Rules
from tui.core.text import safe_text

PRODUCT = "sendwatch"

Severity = Literal["information", "warning", "error"]


class AlertKind(StrEnum):
    FINISHED = "finished"
    ERROR = "error"
    FAILING = "failing"
    STALLED = "stalled"


HELD = frozenset({AlertKind.FAILING, AlertKind.STALLED})
"""Kinds whose condition can end again; while one holds, the send needs attention."""


class Attention(StrEnum):
    """Why a send needs a look, most pressing first (a send counts once, as its first)."""

    READ_ERROR = "error"
    STALE = "stale"
    IN_ERROR = "in Error"
    FAILING = "failing"
    STALLED = "stalled"


@dataclass(frozen=True, slots=True)
class Alert:
    """One rule that fired: what the toast says, and whether to ring the bell."""

    key: str
    kind: AlertKind
    title: str
    message: str
    severity: Severity
    bell: bool


Progress = tuple[str, OutcomeCounts, int, int]


def _progress(delivery: Delivery) -> Progress:
    """What changes when a send moves on: status, counts, events, recipients."""
    return (delivery.status, delivery.counts, delivery.event_count, len(delivery.recipients))


def failed_percent(delivery: Delivery) -> float | None:
    total = delivery.counts.total
    return None if total == 0 else 100 * delivery.counts.failed / total


class AlertWatch:
    """The rules of the config applied to every read; remembers, per send, when it last
    moved on and which held conditions are on, so each alert fires once."""

    def __init__(self, config: AlertConfig, *, bell: bool) -> None:
        self.config = config
        self.bell = bell
        self._moved: dict[str, tuple[Progress, datetime]] = {}
        self._held: dict[str, frozenset[AlertKind]] = {}

    def rules(self, state: SendState) -> Rules:
        send = state.send
        return self.config.rules_for(send.label, send.message_id, bell=self.bell)

    def observe(self, previous: SendState, state: SendState, now: datetime) -> list[Alert]:
        """The alerts `state` fires, `previous` being the read before it. A failed read
        says nothing new about the send (its data is the last good read's)."""
        delivery = state.delivery
        if delivery is None or state.error is not None:
            return []
        key, rules = state.key, self.rules(state)
        progress = _progress(delivery)
        moved = self._moved.get(key)
        if moved is None or moved[0] != progress:
            self._moved[key] = moved = (progress, now)
        before = self._held.get(key, frozenset())
        held = frozenset(self._holding(rules, delivery, now - moved[1]))
        self._held[key] = held
        was = previous.delivery
        if was is None:  # the first read: where the send starts, not news
            return []
        fired = list(held - before)
        if rules.finished and delivery.phase is Phase.FINISHED and was.phase is not Phase.FINISHED:
            fired.append(AlertKind.FINISHED)
        if rules.error and delivery.phase is Phase.ERROR and was.phase is not Phase.ERROR:
            fired.append(AlertKind.ERROR)
        return [self._alert(state, kind, rules, now - moved[1]) for kind in _ordered(fired)]

    def held(self, key: str) -> frozenset[AlertKind]:
        """The held conditions on for a send now (failing, stalled)."""
        return self._held.get(key, frozenset())

    def keep(self, keys: Iterable[str]) -> None:
        """Forget sends no longer watched (watched again, they start afresh)."""
        wanted = set(keys)
        for memory in (self._moved, self._held):
            for key in [k for k in memory if k not in wanted]:
                del memory[key]

    def _holding(self, rules: Rules, delivery: Delivery, still: timedelta) -> list[AlertKind]:
        kinds = []
        limit, share = rules.failed_over_percent, failed_percent(delivery)
        if limit is not None and share is not None and share > limit:
            kinds.append(AlertKind.FAILING)
        minutes = rules.stalled_minutes
        if minutes is not None and not delivery.phase.final and still >= timedelta(minutes=minutes):
            kinds.append(AlertKind.STALLED)
        return kinds

    def _alert(self, state: SendState, kind: AlertKind, rules: Rules, still: timedelta) -> Alert:
        assert state.delivery is not None
        delivery, name = state.delivery, safe_text(state.send.display_name)
        counts = delivery.counts
        status = safe_text(delivery.status)
        severity: Severity = "warning"
        if kind is AlertKind.FAILING:
            title = f"{name}: {failed_percent(delivery) or 0:.0f}% failed"
            message = (
                f"{counts.failed:,} of {counts.total:,} recipients failed "
                f"(the alert is above {rules.failed_over_percent:g}%)"
            )
        elif kind is AlertKind.STALLED:
            title = f"{name}: no progress"
            message = (
                f"Nothing has changed for {still.total_seconds() / 60:.0f} min (status {status})"
            )
        else:
            title = f"{name}: {status}"
            message = (
                f"{counts.delivered:,} delivered, {counts.failed:,} failed, "
                f"{counts.pending:,} pending"
            )
            severity = "error" if kind is AlertKind.ERROR else "information"
        return Alert(state.key, kind, title, message, severity, rules.bell)


def _ordered(kinds: Iterable[AlertKind]) -> list[AlertKind]:
    order = list(AlertKind)
    return sorted(set(kinds), key=order.index)


def attention(state: SendState, held: frozenset[AlertKind]) -> Attention | None:
    """Why `state` needs a look (the most pressing reason), or None."""
    if state.error is not None:
        return Attention.STALE if state.stale else Attention.READ_ERROR
    if state.delivery is not None and state.delivery.phase is Phase.ERROR:
        return Attention.IN_ERROR
    if AlertKind.FAILING in held:
        return Attention.FAILING
    if AlertKind.STALLED in held:
        return Attention.STALLED
    return None


def attention_summary(reasons: Sequence[Attention], room: int | None = None) -> str:
    """ "2 need attention: 1 error, 1 stale" (empty when none do); when that is longer
    than `room`, the kinds alone, which add up to the count: "⚠ 1 error, 1 stale"."""
    if not reasons:
        return ""
    counts = Counter(reasons)
    kinds = ", ".join(f"{counts[r]} {r.value}" for r in Attention if counts[r])
    verb = "needs" if len(reasons) == 1 else "need"
    full = f"{len(reasons)} {verb} attention: {kinds}"
    return full if room is None or len(full) <= room else f"⚠ {kinds}"


def title_text(count: int) -> str:
    """The terminal title: the product name and a count, never any server text."""
    if count <= 0:
        return PRODUCT
    return f"{PRODUCT} — {count} {'needs' if count == 1 else 'need'} attention"
