"""The detail pane: summary, status progression, counts, last error, and the grid.

Each part is rebuilt from a `SendState` and repainted only when its text changed, so
a poll that changes nothing costs nothing on the terminal.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.content import Content, Span
from textual.widgets import Static

from tui.core.api.codes import Outcome
from tui.core.api.errors import SERVER_SAID, remedy_of, server_said
from tui.core.api.model import PROGRESSION, Delivery, Phase, phase_of
from tui.core.glyphs import GLYPH, OUTCOME_SYMBOL, PHASE_SYMBOL
from tui.core.state import SendState
from tui.core.text import safe_text
from tui.core.timefmt import fmt_duration, fmt_local
from tui.ui.widgets.search_bar import SearchBar
from tui.ui.widgets.search_grid import SearchGrid

# Styles name theme variables, resolved when drawn: a theme change repaints in its colours.
# Muted is $foreground-muted: Content draws $text-muted ("auto 60%") as full white.
SUCCESS, ERROR, WARNING, MUTED, CURRENT = (
    "$text-success",
    "$text-error",
    "$text-warning",
    "$foreground-muted",
    "bold $text-primary",
)
OUTCOME_STYLE = {
    Outcome.DELIVERED: SUCCESS,
    Outcome.FAILED: ERROR,
    Outcome.PENDING: WARNING,  # as the grid has them
    Outcome.UNKNOWN: MUTED,
}
CURRENT_STYLE = {Phase.FINISHED: f"bold {SUCCESS}", Phase.ERROR: f"bold {ERROR}"}
BAR_GLYPH = {outcome: f"bar-{outcome.value}" for outcome in Outcome}
"""Names in `GLYPH` (Unicode blocks, or ASCII under `--plain`)."""

Part = str | tuple[str, str]
"""Literal text, or (literal text, style): never markup, so server text stays text."""


def _when(delivery_raw: str | None, dt: datetime | None, mc_time: bool, now: datetime) -> str:
    if mc_time:
        return f"{safe_text(delivery_raw)} MC" if delivery_raw else "—"
    return fmt_local(dt, now=now)


def summary_text(state: SendState, *, mc_time: bool, now: datetime, interval: float) -> Content:
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
    zone = "MC time, UTC−6" if mc_time else "local"
    created = _when(delivery.create_date_raw, delivery.create_date, mc_time, now)
    parts.append(f"Created {created}")
    parts.append((f" ({zone}; t toggles)", MUTED))  # first: a long line cuts its end
    if delivery.complete_date:
        done = _when(delivery.complete_date_raw, delivery.complete_date, mc_time, now)
        parts.append(f" · completed {done} · took {fmt_duration(delivery.duration)}")
    elif delivery.create_date and state.fetched_at:
        running = fmt_duration(state.fetched_at - delivery.create_date)
        parts.append(f" · running for {running} at last read")
    parts.append("\n")
    read = fmt_local(state.fetched_at, now=now, seconds=False) if state.fetched_at else "—"
    if delivery.phase.final:
        parts.append((f"Final read at {read}; polling stopped (r reads again)", MUTED))
    else:
        parts.append((f"Read at {read}; polling every {interval:g}s", MUTED))
    return Content.assemble(*parts)


def step_texts(state: SendState, now: datetime) -> list[Content]:
    """Four cells: New, Queuing, Started, then Finished or Error."""
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
            parts.append(fmt_local(at, now=now))
            later = [t for t in seen.values() if t > at]
            if later and step is not phase:
                parts.append((f" {fmt_duration(min(later) - at)}", MUTED))
        cells.append(Content.assemble(*parts))
    return cells


def _base(delivery: Delivery) -> int:
    """What percentages are of: the send's count, or the recipients seen if more."""
    return max(delivery.count or 0, len(delivery.recipients))


def _outcomes_line(delivery: Delivery, percentages: bool) -> Content:
    counts, base = delivery.counts, _base(delivery)
    parts: list[Part] = []
    for outcome in Outcome:
        n = counts.of(outcome)
        if n == 0 and outcome is Outcome.UNKNOWN:
            continue
        pct = f" {100 * n / base:.0f}%" if percentages and base and n else ""
        if parts:
            parts.append(f" {GLYPH['separator']} ")
        label = f"{OUTCOME_SYMBOL[outcome]} {n:,} {outcome.value}{pct}"
        parts.append((label, OUTCOME_STYLE[outcome]))
    return Content.assemble(*parts)


def counts_text(delivery: Delivery | None, width: int) -> Content:
    """Outcome counts in words (with % of the send when they fit), then a bar."""
    if delivery is None:
        return Content()
    line = _outcomes_line(delivery, percentages=True)
    if line.cell_length > width:
        line = _outcomes_line(delivery, percentages=False)
    seen, base = len(delivery.recipients), _base(delivery)
    count = "—" if delivery.count is None else f"{delivery.count:,}"
    totals = f" {seen:,} seen of {count}"
    parts: list[Part] = []
    bar_width = max(width - len(totals) - 1, 8)
    used = 0
    if base:
        for outcome in Outcome:
            cells = min(round(bar_width * delivery.counts.of(outcome) / base), bar_width - used)
            used += cells
            parts.append((GLYPH[BAR_GLYPH[outcome]] * cells, OUTCOME_STYLE[outcome]))
    parts.append((GLYPH["bar-empty"] * (bar_width - used), MUTED))
    parts.append((totals, "bold"))
    return Content("\n").join([line, Content.assemble(*parts)])


def problem_text(state: SendState, now: datetime) -> Content:
    """The last error and what happens next; empty when the last fetch worked."""
    parts: list[Part] = []
    remedy = remedy_of(state.error) if state.error is not None else None
    if state.error is not None and remedy is not None:
        # Reading again cannot help: say what to do, and that the profile is the cause.
        parts.append((f"{GLYPH['stale']} Cannot read this send: ", "bold"))
        parts.append(safe_text(str(state.error), limit=300))
        parts.append(f"\nTo fix: {safe_text(remedy, limit=300)}.")
        profile = safe_text(state.send.profile)
        parts.append((f" (Every send of profile {profile} needs it.)", MUTED))
    elif state.error is not None:
        failed_at = fmt_local(state.error_at, now=now)
        parts.append((f"{GLYPH['stale']} Fetch failed at {failed_at}: ", "bold"))
        parts.append(safe_text(str(state.error), limit=300))
        if said := server_said(state.error):  # word for word, to quote in a ticket
            parts += [(f"\n{SERVER_SAID} ", MUTED), said]
        notes = []
        if state.delivery is not None:
            notes.append(f"Showing the last good read from {fmt_local(state.fetched_at, now=now)}.")
        if state.next_poll_at is not None:
            times = "once" if state.failures == 1 else f"{state.failures} times in a row"
            notes.append(f"Failed {times}; next try at {fmt_local(state.next_poll_at, now=now)}.")
        else:
            notes.append("Not retrying on its own: press r to try again.")
        parts.append(("\n" + " ".join(notes), MUTED))
    if state.warning:
        if parts:
            parts.append("\n")
        parts.append((f"{GLYPH['stale']} {safe_text(state.warning, limit=200)}", WARNING))
    return Content.assemble(*parts)


FIXED_HEIGHT = frozenset({"counts", "step-0", "step-1", "step-2", "step-3"})
"""Parts styled with a fixed height (styles/sendwatch.tcss)."""
NO_WRAP = frozenset({"summary"})
"""Parts styled `text-wrap: nowrap`: as high as their number of lines."""


def empty_message(state: SendState) -> str:
    """What the grid says while it has no rows."""
    if state.delivery is not None:
        return f"No tracking events yet (status {safe_text(state.delivery.status)})"
    if state.error is not None:
        return "No recipients: the first read failed"
    return "Waiting for the first read…"


class ProblemBox(Static, can_focus=True):
    """The last error; focusable, so `y` there copies its reference id."""


class SendDetail(Vertical):
    """Shows one send; `show()` is cheap to call on every refresher update."""

    def __init__(self, *, now: Callable[[], datetime], id: str | None = None) -> None:
        super().__init__(id=id)
        self._now = now
        self._shown: dict[str, tuple[str, tuple[Span, ...]]] = {}
        self._state: SendState | None = None
        self._grid_key: str | None = None
        self._grid_delivery: Delivery | None = None
        self.mc_time = False

    def compose(self) -> ComposeResult:
        yield Static(id="summary")
        with Horizontal(id="stepper"):
            for n in range(4):
                yield Static(classes="step", id=f"step-{n}")
        yield Static(id="counts")
        yield ProblemBox(id="problem")
        grid = SearchGrid(id="grid", today=lambda: self._now().astimezone().date())
        yield grid
        yield SearchBar(grid, id="search")

    @property
    def grid(self) -> SearchGrid:
        return self.query_one(SearchGrid)

    def _put(self, widget_id: str, text: Content) -> None:
        """Update a Static only if its text changed."""
        key = (text.plain, tuple(text.spans))
        old = self._shown.get(widget_id)
        if old == key:
            return
        self._shown[widget_id] = key
        widget = self.query_one(f"#{widget_id}", Static)
        # A layout pass repaints the whole screen, grid included: only a text that can
        # change its widget's height needs one. Counts and steps have fixed heights; the
        # summary does not wrap, so its height is its number of lines.
        if widget_id in FIXED_HEIGHT:
            layout = False
        elif widget_id in NO_WRAP:
            layout = old is None or old[0].count("\n") != text.plain.count("\n")
        else:
            layout = True
        widget.update(text, layout=layout)
        if widget_id == "problem":
            widget.display = bool(text.plain)
            # What to do about a profile problem takes a line or two more: room for it.
            error = self._state.error if self._state is not None else None
            widget.set_class(error is not None and remedy_of(error) is not None, "-remedy")
            widget.set_class(error is not None and bool(server_said(error)), "-said")

    def on_resize(self) -> None:
        if self._state is not None:
            counts = self.query_one("#counts")
            self._put("counts", counts_text(self._state.delivery, counts.size.width or 60))

    def show(self, state: SendState, *, now: datetime, interval: float) -> None:
        self._state = state
        self._put("summary", summary_text(state, mc_time=self.mc_time, now=now, interval=interval))
        for n, cell in enumerate(step_texts(state, now)):
            self._put(f"step-{n}", cell)
        self._put("counts", counts_text(state.delivery, self.query_one("#counts").size.width or 60))
        self._put("problem", problem_text(state, now))
        delivery = state.delivery
        if state.key != self._grid_key or delivery is not self._grid_delivery:
            # The refresher's `changed` is relative to the read before: usable only when
            # the grid shows exactly that read of the same send.
            follows = state.key == self._grid_key and self._grid_delivery is not None
            self.grid.set_data(
                delivery.recipients if delivery else (),
                state.since,
                changed=state.changed if follows else None,
                in_place=follows and state.in_place,
                positions=delivery.positions if delivery else None,
            )
            self._grid_key, self._grid_delivery = state.key, delivery
        self.grid.set_empty_message(empty_message(state))

    def clear(self) -> None:
        """Forget what is shown: the next `show()` redraws everything."""
        self._shown.clear()
        self._grid_key, self._grid_delivery = None, None
