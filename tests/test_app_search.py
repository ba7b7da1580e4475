"""Find in the real app, against the simulator: `/` in the grid (count, ⏎, n/N, Esc), the
marks on screen (masked or not), the search following new data, and the palette's number
hits across sends and its actions."""

from __future__ import annotations

import pytest
from textual.command import CommandList, CommandPalette
from textual.pilot import Pilot

from tests.test_app import (
    Env,
    all_have_data,
    env,
    running,
    screen,
    selected_key,
    text_of,
    type_text,
    until,
)
from tui.core.api.codes import Outcome
from tui.ui.app import SendwatchApp
from tui.ui.keys import binding_ids
from tui.ui.palette_find import ACTIONS
from tui.ui.widgets.search_bar import SearchBar
from tui.ui.widgets.search_grid import SearchGrid

__all__ = ["env"]  # the fixture, used by name below

pytestmark = pytest.mark.usefixtures("utc")

NUMBERS = [f"1555555{n:04d}" for n in range(40)] + ["447700900123"]
"""Ten of them (…0010 to …0019) hold the digits 1555555001."""


def grid_of(app: SendwatchApp) -> SearchGrid:
    return app.monitor.detail.grid


def status(app: SendwatchApp) -> str:
    return text_of(app, "#search-status")


def rows_with(app: SendwatchApp, digits: str) -> list[int]:
    return [i for i, r in enumerate(grid_of(app).rows.shown) if digits in r.mobile_number]


def lit(app: SendwatchApp) -> str:
    """The text lit as a match on the cursor's line, as the grid draws it now."""
    grid = grid_of(app)
    strip = grid.render_line(grid.cursor_row - grid.scroll_offset.y + 1)
    return "".join(s.text for s in strip if s.style is not None and s.style.underline)


async def finished(env: Env, pilot: Pilot[None], app: SendwatchApp) -> None:
    await until(pilot, lambda: all_have_data(app), "every first read")
    await until(pilot, lambda: grid_of(app).total_count == len(NUMBERS), "every recipient")


async def test_slash_finds_counts_and_n_and_shift_n_move_and_esc_clears(env: Env) -> None:
    send = env.send("Black Friday", NUMBERS)
    env.sim.advance(3600)
    env.watch(send)
    app = env.app()
    async with running(app) as pilot:
        await finished(env, pilot, app)
        grid = grid_of(app)
        bar = app.monitor.query_one(SearchBar)
        assert not bar.display
        await pilot.press("enter")  # the sidebar hands the focus to the grid
        assert app.focused is grid
        await pilot.press("slash")
        assert bar.display and app.focused is bar.input
        await type_text(pilot, "+1 555 555-001")  # as pasted from a ticket
        expected = rows_with(app, "1555555001")
        assert len(expected) == 10
        await until(pilot, lambda: status(app) == "1 of 10", "the count")
        assert grid.cursor_row == expected[0]  # typing went to the first match
        assert "/ +1 555 555-001" in screen(app) and "1 of 10" in screen(app)
        assert lit(app) == grid.cursor_recipient.mobile_number[:10]  # type: ignore[union-attr]

        await pilot.press("down")  # on the line, ↓/↑ step (n would be typed)
        assert grid.cursor_row == expected[1]
        await pilot.press("enter")  # back to the grid, on the match
        assert app.focused is grid and grid.cursor_row == expected[1]
        await pilot.press("n")
        assert grid.cursor_row == expected[2] and status(app) == "3 of 10"
        await pilot.press("N", "N", "N")
        assert grid.cursor_row == expected[-1] and status(app) == "10 of 10"  # wrapped
        await pilot.press("n")
        assert grid.cursor_row == expected[0]

        await pilot.press("escape")
        assert not bar.display and grid.matches is None and lit(app) == ""
        await pilot.press("escape", "n")  # nothing to clear, nothing to step: no harm
        assert app.focused is grid and app.is_running

        await pilot.press("slash")
        await type_text(pilot, "99999")
        await until(pilot, lambda: status(app) == "no match", "no match")
        await pilot.press("escape")  # on the line: clears too
        assert not bar.display and app.focused is grid


async def test_a_code_or_a_name_matches_the_status_code_column(env: Env) -> None:
    send = env.send("Black Friday", NUMBERS)
    env.sim.advance(3600)
    env.watch(send)
    app = env.app()
    async with running(app) as pilot:
        await finished(env, pilot, app)
        grid = grid_of(app)
        code = grid.rows.shown[0].outcome_code
        label = grid.rows.shown[0].outcome_label
        coded = [i for i, r in enumerate(grid.rows.shown) if r.outcome_code == code]
        await pilot.press("enter", "slash")
        await type_text(pilot, label.lower())
        await until(pilot, lambda: grid.matches is not None and len(grid.matches) > 0, "matches")
        assert grid.matches is not None and list(grid.matches.rows) == coded
        assert lit(app) and label.lower().startswith(lit(app).lower())  # the words typed
        await pilot.press("escape", "slash")
        await type_text(pilot, str(code))  # four digits: the code (and numbers with them)
        await until(
            pilot, lambda: grid.matches is not None and str(code) == grid.matches.query.text, "code"
        )
        assert grid.matches is not None and set(coded) <= set(grid.matches.rows)


async def test_the_search_runs_on_real_numbers_while_masked(env: Env) -> None:
    send = env.send("Black Friday", NUMBERS)
    env.sim.advance(3600)
    env.watch(send)
    app = env.app()
    async with running(app) as pilot:
        await finished(env, pilot, app)
        await pilot.press("enter", "m")
        await until(pilot, lambda: "masked" in str(app.sub_title), "masked")
        await pilot.press("slash")
        await type_text(pilot, "900123")  # hidden digits of 447700900123
        await until(pilot, lambda: status(app) == "1 of 1", "the match")
        grid = grid_of(app)
        assert grid.cursor_recipient is not None
        assert grid.cursor_recipient.mobile_number == "447700900123"
        assert "447700900123" not in screen(app)
        assert lit(app) == "4477•••0123"  # the whole cell: the digits are the hidden ones
        await pilot.press("enter", "m")
        await until(pilot, lambda: "masked" not in str(app.sub_title), "shown")
        assert lit(app) == "900123"  # shown: exactly the digits that matched


async def test_the_search_follows_new_data_and_another_send(env: Env) -> None:
    other = env.send("Other", ["15555550011", "16666666666"])
    env.sim.advance(3600)
    live = env.send("Live", NUMBERS, pace=0.5)  # just started: few recipients seen yet
    env.watch(live, other)
    app = env.app()
    async with running(app) as pilot:
        await until(pilot, lambda: all_have_data(app), "every first read")
        grid = grid_of(app)
        await pilot.press("enter", "slash")
        await type_text(pilot, "1555555001")
        await pilot.press("enter")
        seen_now = len(rows_with(app, "1555555001"))
        assert seen_now < 10
        env.sim.advance(3600)  # the rest of the live send's recipients arrive
        await until(pilot, lambda: status(app).endswith(" 10") or status(app) == "10 matches",
                    f"all ten (first {seen_now})")  # fmt: skip
        await pilot.press("f")  # the filter: the search runs on what is shown
        shown = rows_with(app, "1555555001")
        assert grid.matches is not None and list(grid.matches.rows) == shown
        grid.set_filter(None)
        app.monitor.select_send(other.key)  # another send: the search stays, on its rows
        await until(pilot, lambda: grid.total_count == 2, "the other send")
        assert grid.matches is not None and list(grid.matches.rows) == rows_with(app, "1555555001")
        assert len(grid.matches) == 1


async def open_palette(pilot: Pilot[None], text: str) -> None:
    await pilot.press("ctrl+p")
    await until(pilot, lambda: isinstance(pilot.app.screen, CommandPalette), "the palette")
    await type_text(pilot, text)


async def test_the_palette_finds_a_number_in_every_send_and_goes_there(env: Env) -> None:
    friday = env.send("Black Friday", NUMBERS)
    reminders = env.send("Reminders", ["16666666666", "15555550033"])
    env.sim.advance(3600)
    env.watch(friday, reminders)
    app = env.app()
    async with running(app) as pilot:
        await until(pilot, lambda: all_have_data(app), "every first read")
        assert selected_key(app) == friday.key
        await open_palette(pilot, "555 0033")

        def offered() -> bool:
            text = screen(app)
            return "15555550033 in Black Friday: " in text and "15555550033 in Reminders: " in text

        await until(pilot, offered, "a hit in each send")
        line = next(s for s in screen(app).splitlines() if "in Reminders:" in s)
        assert any(f"{code} " in line for code in ("4000", "2000", "45", "25", "15", "34"))
        options = app.screen.query_one(CommandList)
        prompts = [str(options.get_option_at_index(i).prompt) for i in range(options.option_count)]
        options.highlighted = next(i for i, p in enumerate(prompts) if "in Reminders" in p)
        await pilot.press("enter")
        await until(pilot, lambda: not isinstance(app.screen, CommandPalette), "palette closed")
        await until(pilot, lambda: selected_key(app) == reminders.key, "the jump")
        grid = grid_of(app)
        assert grid.cursor_recipient is not None
        assert grid.cursor_recipient.mobile_number == "15555550033"
        assert app.focused is grid

        await pilot.press("m")
        await until(pilot, lambda: "masked" in str(app.sub_title), "masked")
        await open_palette(pilot, "0033")
        await until(pilot, lambda: "1555•••0033 in Reminders" in screen(app), "masked hits")
        assert "15555550033" not in screen(app)
        await pilot.press("escape")


async def test_the_palette_runs_actions_by_name(env: Env) -> None:
    send = env.send("Black Friday", NUMBERS)
    env.sim.advance(3600)
    env.watch(send)
    app = env.app()
    async with running(app) as pilot:
        await finished(env, pilot, app)
        await open_palette(pilot, "pause or resume")
        await until(pilot, lambda: "p · Pause or resume all polling" in screen(app), "offered")
        await pilot.press("enter")
        await until(pilot, lambda: app.refresher.paused, "paused")
        await open_palette(pilot, "failed recipients only")
        await until(pilot, lambda: "Filter: failed recipients only" in screen(app), "offered")
        await pilot.press("enter")
        await until(pilot, lambda: grid_of(app).outcome_filter is Outcome.FAILED, "filtered")
        await open_palette(pilot, "find in the grid")
        await until(pilot, lambda: "Find in the grid" in screen(app), "offered")
        await pilot.press("enter")
        bar = app.monitor.query_one(SearchBar)
        await until(pilot, lambda: app.focused is bar.input, "the search line")


async def test_help_lists_the_search_keys(env: Env) -> None:
    env.watch(env.send("Black Friday", 3))
    app = env.app()
    async with running(app) as pilot:
        await pilot.pause()
        ids = binding_ids(app.help_sections())
        for expected in ("search", "next_match", "previous_match", "clear_search", "open"):
            assert f"grid.{expected}" in ids
        assert {"search.next", "search.previous", "search.cancel"} <= ids
        assert {binding_id for binding_id, _ in ACTIONS} <= ids, "a palette action lost its key"
