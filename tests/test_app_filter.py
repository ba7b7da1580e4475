"""The filter bar, the sort and the breakdown by code in the real app, against the simulator,
at 80×24 and by keyboard (and a click or two)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from rich.cells import cell_len

from tests.test_app import Env, env, running, screen, until
from tests.test_app_share import downloads, finished_send, read_rows, toasts
from tui.core.api.codes import Outcome
from tui.core.breakdown import breakdown_of
from tui.ui.app import SendwatchApp
from tui.ui.screens.export_options import ExportScreen
from tui.ui.screens.help import HelpScreen
from tui.ui.widgets.code_breakdown import CodeBreakdown
from tui.ui.widgets.filter_bar import FilterBar
from tui.ui.widgets.grid.sorting import Sort

__all__ = ["downloads", "env"]  # fixtures, used by name below

pytestmark = pytest.mark.usefixtures("utc")

N = 60


def bar_text(app: SendwatchApp) -> str:
    return app.monitor.query_one(FilterBar).render().plain


def codes_text(app: SendwatchApp) -> str:
    return app.monitor.query_one(CodeBreakdown).render().plain


def chip_x(app: SendwatchApp, starts: str) -> int:
    """Where the chip whose text starts with `starts` begins on the bar."""
    bar = app.monitor.query_one(FilterBar)
    x = 0
    for chip in bar._laid:
        if chip.text.strip().startswith(starts):
            return x + 1
        x += cell_len(chip.text) + 1
    raise AssertionError(f"no chip {starts!r} on {bar_text(app)!r}")


async def campaign(env: Env, pilot: Any, app: SendwatchApp) -> None:
    await finished_send(env, app, pilot, N)
    await pilot.pause()


async def test_the_bar_shows_counts_and_f_lights_the_next_chip(env: Env) -> None:
    env.watch(env.send("Campaign", N))
    env.sim.advance(600)
    app = env.app()
    async with running(app) as pilot:
        await campaign(env, pilot, app)
        delivery = app.model.selected_state.delivery  # type: ignore[union-attr]
        assert delivery is not None
        counts = delivery.counts
        assert 0 < counts.failed < N, "the seed should give some failures"
        text = bar_text(app)
        assert f"All {N}" in text and f"✗ {counts.failed}" in text
        assert f"✓ {counts.delivered}" in text, text
        assert "Campaign" in screen(app) and text in screen(app), "the bar is on screen"
        grid = app.monitor.detail.grid
        await pilot.press("enter", "f")  # the grid, then the failed chip
        assert grid.outcome_filter is Outcome.FAILED and grid.row_count == counts.failed
        bar = app.monitor.query_one(FilterBar)
        assert bar.state.outcome is Outcome.FAILED and bar.state.counts == counts
        (lit,) = [c for c in bar._laid if "reverse" in c.style]
        assert lit.text.strip() == f"✗ {counts.failed}"
        await pilot.press("F", "F")  # back through all to unknown
        assert grid.outcome_filter is Outcome.UNKNOWN
        if counts.unknown == 0:
            assert f"The unknown chip hides all {N} recipients" in screen(app)
            assert "Number" in screen(app), "the header stays"

        await pilot.click(FilterBar, offset=(chip_x(app, "All"), 0))
        assert grid.outcome_filter is None and grid.row_count == N
        await pilot.click(FilterBar, offset=(chip_x(app, "✓"), 0))
        assert grid.outcome_filter is Outcome.DELIVERED

        await pilot.press("s", "s", "s")  # by status code
        header = next(line for line in screen(app).splitlines() if "Number" in line)
        assert grid.rows.sort == Sort(2) and "▲" in header.split("Status cod")[1], header
        assert bar_text(app).endswith("Status code ▲")
        await pilot.press("S")
        assert grid.rows.sort == Sort(2, descending=True)
        assert bar_text(app).endswith("Status code ▼")


async def test_b_then_enter_filters_the_grid_to_a_code_and_x_exports_those_rows(
    env: Env, downloads: Path
) -> None:
    env.watch(env.send("Campaign", N))
    env.sim.advance(600)
    app = env.app()
    async with running(app, notifications=True) as pilot:
        await campaign(env, pilot, app)
        grid = app.monitor.detail.grid
        delivery = app.model.selected_state.delivery  # type: ignore[union-attr]
        ranked = breakdown_of(delivery)
        top = ranked[0]
        assert top.outcome is Outcome.FAILED, "failures first"
        assert codes_text(app).startswith(f"✗ {top.name[:10]}"), codes_text(app)
        assert codes_text(app) in screen(app)

        await pilot.press("b")
        breakdown = app.monitor.query_one(CodeBreakdown)
        assert app.focused is breakdown
        await pilot.press("enter")
        assert grid.rows.codes == frozenset({top.code})
        assert grid.row_count == top.count
        assert {r.outcome_code for r in grid.visible_recipients()} == {top.code}
        assert f"code {top.code}" in bar_text(app) and "×" in bar_text(app)
        assert f"code {top.code}" in screen(app)
        await pilot.press("enter")  # again: every code
        assert grid.rows.codes is None and grid.row_count == N

        await pilot.press("right", "enter")  # the second code
        second = ranked[1]
        assert grid.rows.codes == frozenset({second.code}) and grid.row_count == second.count

        await pilot.press("x")
        await until(pilot, lambda: isinstance(app.screen, ExportScreen), "the export dialog")
        assert f"{second.count} of {N} recipients of Campaign (the grid's filter)" in screen(app)
        await pilot.press("enter")
        await until(pilot, lambda: "Wrote" in toasts(app), "the toast")
        (written,) = downloads.iterdir()
        rows = read_rows(written)
        assert [r["mobile_number"] for r in rows] == [
            r.mobile_number for r in grid.visible_recipients()
        ]
        assert {r["code"] for r in rows} == {str(second.code)}

        app.monitor.query_one(CodeBreakdown).reach()
        await pilot.pause()
        await pilot.press("escape")  # clears the code filter, stays
        assert grid.rows.codes is None and app.focused is breakdown
        await pilot.press("escape")  # nothing to clear: back to the grid
        assert app.focused is grid


async def test_clicking_a_code_filters_and_the_chips_cross_clears_it(env: Env) -> None:
    env.watch(env.send("Campaign", N))
    env.sim.advance(600)
    app = env.app()
    async with running(app) as pilot:
        await campaign(env, pilot, app)
        grid = app.monitor.detail.grid
        top = breakdown_of(app.model.selected_state.delivery)[0]  # type: ignore[union-attr]
        await pilot.click(CodeBreakdown, offset=(2, 0))
        assert grid.rows.codes == frozenset({top.code})
        assert app.focused is app.monitor.query_one(CodeBreakdown)
        await pilot.click(FilterBar, offset=(chip_x(app, "code"), 0))
        assert grid.rows.codes is None and grid.row_count == N


async def test_tab_still_goes_from_the_sidebar_to_the_grid_and_help_lists_the_keys(
    env: Env,
) -> None:
    env.watch(env.send("Campaign", N))
    env.sim.advance(600)
    app = env.app()
    async with running(app) as pilot:
        await campaign(env, pilot, app)
        await pilot.press("tab")
        assert app.focused is app.monitor.detail.grid
        await pilot.press("b", "tab")  # the breakdown is left like any widget
        assert app.focused is app.monitor.detail.grid
        await pilot.press("shift+tab")
        assert app.focused is app.monitor.send_list, "passed by on the way back"
        await pilot.press("question_mark")
        await until(pilot, lambda: isinstance(app.screen, HelpScreen), "help")
        text = screen(app)
        for words in ("Codes (breakdown)", "Next outcome chip", "Flip the sort direction"):
            assert words in text or words in str(app.help_sections()), words
