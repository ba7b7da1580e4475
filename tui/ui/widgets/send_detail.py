"""The detail pane: summary, status progression, counts, the breakdown by code, last
error, the filter bar and the grid.

Each part is rebuilt from a `SendState` and repainted only when its text changed, so
a poll that changes nothing costs nothing on the terminal.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.content import Content, Span
from textual.widgets import Static

from tui.core.api.codes import Outcome
from tui.core.api.errors import SERVER_SAID, remedy_of, server_said
from tui.core.api.model import Delivery
from tui.core.breakdown import breakdown_of
from tui.core.glyphs import GLYPH, OUTCOME_SYMBOL
from tui.core.state import SendState
from tui.core.text import safe_text
from tui.core.timefmt import fmt_local, today_in
from tui.ui.display import Display
from tui.ui.time_labels import seen_times
from tui.ui.widgets.code_breakdown import CodeBreakdown
from tui.ui.widgets.filter_bar import CLEAR_CODES, BarState, FilterBar
from tui.ui.widgets.recipient_grid import RecipientGrid
from tui.ui.widgets.search_bar import SearchBar
from tui.ui.widgets.search_grid import SearchGrid
from tui.ui.widgets.send_times import step_texts, summary_text

__all__ = ["SendDetail", "counts_text", "problem_text", "step_texts", "summary_text"]

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
BAR_GLYPH = {outcome: f"bar-{outcome.value}" for outcome in Outcome}
"""Names in `GLYPH` (Unicode blocks, or ASCII under `--plain`)."""

Part = str | tuple[str, str]
"""Literal text, or (literal text, style): never markup, so server text stays text."""


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

    def __init__(
        self, *, now: Callable[[], datetime], display: Display | None = None, id: str | None = None
    ) -> None:
        super().__init__(id=id)
        self._now = now
        self.display_options = display or Display()
        """How times are shown (`t`): the monitor's own."""
        self._interval = 0.0
        self._shown: dict[str, tuple[str, tuple[Span, ...]]] = {}
        self._state: SendState | None = None
        self._grid_key: str | None = None
        self._grid_delivery: Delivery | None = None

    def compose(self) -> ComposeResult:
        yield Static(id="summary")
        with Horizontal(id="stepper"):
            for n in range(4):
                yield Static(classes="step", id=f"step-{n}")
        yield Static(id="counts")
        yield ProblemBox(id="problem")
        yield CodeBreakdown(id="breakdown")  # over the bar and the grid it filters
        yield FilterBar(id="filter-bar")
        grid = SearchGrid(id="grid", today=self._today)
        yield grid
        yield SearchBar(grid, id="search")

    def _today(self) -> date:
        """Today where the times are shown: the grid's Seen drops the date for today."""
        return today_in(self._now(), self.display_options.mc_time)

    @property
    def grid(self) -> SearchGrid:
        return self.query_one(SearchGrid)

    @property
    def breakdown(self) -> CodeBreakdown:
        return self.query_one(CodeBreakdown)

    # ---- filter and sort: the grid holds them; the bar and the breakdown show them ----
    def _show_view(self) -> None:
        rows, delivery = self.grid.rows, self._grid_delivery
        counts = delivery.counts if delivery is not None else None
        self.query_one(FilterBar).show(BarState(counts, rows.outcome, rows.codes, rows.sort))
        self.breakdown.show(breakdown_of(delivery), rows.codes)

    @on(RecipientGrid.FilterChanged)
    def _on_view_changed(self) -> None:
        self._show_view()

    @on(FilterBar.ChipClicked)
    def _on_chip(self, message: FilterBar.ChipClicked) -> None:
        grid = self.grid
        if message.target == CLEAR_CODES:
            grid.set_filter(grid.rows.outcome)
        else:
            grid.set_filter(message.target)

    @on(CodeBreakdown.Chosen)
    def _on_code(self, message: CodeBreakdown.Chosen) -> None:
        self.grid.set_filter(None, message.codes)

    @on(CodeBreakdown.Left)
    def _on_breakdown_left(self) -> None:
        self.grid.focus()

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
            self._put_summary(self._state, self._now())

    def _put_summary(self, state: SendState, now: datetime) -> None:
        width = self.query_one("#summary").content_region.width or 200
        mc, interval = self.display_options.mc_time, self._interval
        self._put(
            "summary", summary_text(state, mc_time=mc, now=now, interval=interval, width=width)
        )

    def show(self, state: SendState, *, now: datetime, interval: float) -> None:
        self._state, self._interval = state, interval
        times = seen_times(self.display_options, state.blind_reads)
        self._put_summary(state, now)
        for n, cell in enumerate(step_texts(state, now, times)):
            self._put(f"step-{n}", cell)
        self.grid.set_times(times)
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
            self._show_view()
        self.grid.set_empty_message(empty_message(state))

    def clear(self) -> None:
        """Forget what is shown: the next `show()` redraws everything."""
        self._shown.clear()
        self._grid_key, self._grid_delivery = None, None
