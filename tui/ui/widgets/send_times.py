"""The detail pane's times: the summary (API created/completed, then what sendwatch
observed and when it last read) and the status progression as sendwatch first saw it.

Every time here says what it is, in the zone `t` chose; a status first seen at a blind
read (the send's first, or a restart's) is marked `≤`: it was already so by then.
"""

from __future__ import annotations

from datetime import datetime

from textual.content import Content

from tui.core.api.model import PROGRESSION, Phase, phase_of
from tui.core.glyphs import GLYPH, PHASE_SYMBOL
from tui.core.state import SendState
from tui.core.text import safe_text
from tui.core.timefmt import UPPER_BOUND, SeenTimes, fmt_duration, fmt_local
from tui.ui.time_labels import api_time, zone_word

# As in send_detail: theme variables, resolved when drawn.
SUCCESS, ERROR, MUTED, CURRENT = (
    "$text-success",
    "$text-error",
    "$foreground-muted",
    "bold $text-primary",
)
CURRENT_STYLE = {Phase.FINISHED: f"bold {SUCCESS}", Phase.ERROR: f"bold {ERROR}"}

Part = str | tuple[str, str]
"""Literal text, or (literal text, style): never markup, so server text stays text."""


def observed_line(
    state: SendState, *, mc_time: bool, now: datetime, interval: float, width: int
) -> str:
    """`Observed by sendwatch (≤ …): read 10:42, polling every 5s`, as long as fits."""
    read = fmt_local(state.fetched_at, now=now, seconds=False, mc=mc_time)
    if state.final:
        tails = (
            f"final read {read}; polling stopped (r reads again)",
            f"final read {read}, stopped (r)",
            f"final {read}, stopped",
        )
    elif state.pace is not None and state.pace.note:  # a large send read less often
        every = f"every {state.pace.interval:g}s"
        tails = (f"read {read}, {state.pace.note}", f"read {read}, unchanged: {every}", every)
    else:
        tails = (
            f"read {read}, polling every {interval:g}s",
            f"read {read}, every {interval:g}s",
            f"read {read}, every {interval:g}s",
        )
    heads = (
        f"Observed by sendwatch ({UPPER_BOUND} already so at its first read)",
        f"Observed by sendwatch ({UPPER_BOUND} at first read)",
        f"Observed ({UPPER_BOUND} first read)",
    )
    lines = [f"{head}: {tail}" for head, tail in zip(heads, tails, strict=True)]
    return next((line for line in lines if len(line) <= width), lines[-1])


def api_times(state: SendState, *, mc_time: bool, now: datetime) -> str:
    """`created 10:39:02 · completed 10:41:10 · took 2m 08s`: the API's times (the
    subtitle and the zone note say which zone; the MC time drawn like local)."""
    delivery = state.delivery
    assert delivery is not None
    created = api_time(
        delivery.create_date, delivery.create_date_raw, mc=mc_time, now=now, compact=True
    )
    text = f"created {created}"
    if delivery.complete_date:
        raw = delivery.complete_date_raw
        done = api_time(delivery.complete_date, raw, mc=mc_time, now=now, compact=True)
        text += f" · completed {done} · took {fmt_duration(delivery.duration)}"
    elif delivery.create_date and state.fetched_at:
        text += f" · running {fmt_duration(state.fetched_at - delivery.create_date)} at last read"
    return text


def summary_text(
    state: SendState, *, mc_time: bool, now: datetime, interval: float, width: int = 200
) -> Content:
    """Message, ids, then the API's times and what sendwatch observed: each names itself."""
    send, delivery = state.send, state.delivery
    parts: list[Part] = []
    if delivery is not None:
        parts.append(safe_text(delivery.message) or "(no message text)")
    elif state.error is not None:
        parts.append(("No data: the first read failed (below).", "bold"))
    else:
        parts.append(("Waiting for the first read…", MUTED))
    parts.append("\n")
    parts.append((f"{send.kind} ", MUTED))
    parts.append(f"{send.message_id} / {send.token_id}")
    parts.append((f"  profile {send.profile}", MUTED))
    if delivery is None:
        return Content.assemble(*parts)
    parts.append("\n")
    parts.append(("API ", MUTED))
    # The zone hint right after the first time: a long line is cut at its end, never there.
    first, *rest = api_times(state, mc_time=mc_time, now=now).split(" · ", 1)
    parts.append(first)
    parts.append((f" ({zone_word(mc_time)}; t)", MUTED))
    if rest:
        parts.append(f" · {rest[0]}")
    parts.append("\n")
    line = observed_line(state, mc_time=mc_time, now=now, interval=interval, width=width)
    parts.append((line, MUTED))
    return Content.assemble(*parts)


def step_texts(state: SendState, now: datetime, times: SeenTimes | None = None) -> list[Content]:
    """Four cells: New, Queuing, Started, then Finished or Error, each with when sendwatch
    first saw it (`≤`: already so at a blind read, so no duration is claimed from it)."""
    times = times or SeenTimes(blind=state.blind_reads)
    phase = state.delivery.phase if state.delivery else None
    steps = list(PROGRESSION)
    if phase is Phase.ERROR:
        steps[-1] = Phase.ERROR
    seen: dict[Phase, datetime] = {}
    for status, first in state.observed:
        seen.setdefault(phase_of(status), first)
    reached = steps.index(phase) if phase in steps else -1
    cells = []
    for i, step in enumerate(steps):
        at = seen.get(step)
        if step is phase:
            style = CURRENT_STYLE.get(step, CURRENT)
            mark = PHASE_SYMBOL[step] if step in CURRENT_STYLE else GLYPH["current"]
        elif i < reached:
            mark, style = (GLYPH["done"], SUCCESS) if at else (GLYPH["skipped"], MUTED)
        else:
            mark, style = GLYPH["todo"], MUTED
        parts: list[Part] = [(f"{mark} {step.value}", style), "\n"]
        if at is None:
            parts.append(("not seen" if i < reached else "", MUTED))
        else:
            parts.append(times.long(at, now))
            later = [t for t in seen.values() if t > at]
            if later and step is not phase and not times.bound(at):
                parts.append((f" {fmt_duration(min(later) - at)}", MUTED))
        cells.append(Content.assemble(*parts))
    return cells
