"""`m` in the real app against the simulator over HTTP: the grid, the sidebar, the header,
the drill-down and toasts; the setting and `--mask` at launch."""

from __future__ import annotations

import gc

import pytest
from msgspec import structs

from tests import test_app
from tests.test_app import (
    Env,
    entries,
    has_data,
    running,
    screen,
    text_of,
    until,
)
from tui.cli.main import main
from tui.core.mask import mask_number
from tui.ui.app import SendwatchApp
from tui.ui.screens.recipient import RecipientScreen
from tui.ui.widgets.recipient_grid import RecipientGrid

pytestmark = pytest.mark.usefixtures("utc")
env = test_app.env
"""test_app's fixture: one user's files and the simulator they point at."""

COUNT = 12


def grid_numbers(grid: RecipientGrid) -> list[str]:
    """The number column of every row line the grid renders now."""
    return [grid.render_line(1 + i).text.split()[0] for i in range(grid.row_count)]


async def test_m_masks_every_number_on_the_monitor_and_the_drilldown_and_back(env: Env) -> None:
    send = env.send("Masked", COUNT)
    env.sim.advance(120)
    env.watch(send)
    app = env.app()
    async with running(app, (120, 40), notifications=True) as pilot:
        grid = app.monitor.detail.grid
        await until(pilot, lambda: has_data(app, send.key) and grid.row_count == COUNT, "rows")
        real = [r.mobile_number for r in grid.visible_recipients()]
        assert grid_numbers(grid) == real
        assert "masked" not in app.sub_title

        await pilot.press("m")
        await until(pilot, lambda: "Numbers masked" in screen(app), "the toast")
        assert app.sub_title.endswith(" · masked")
        assert grid_numbers(grid) == [mask_number(n) for n in real]
        shown = screen(app)
        assert not any(n in shown for n in real), "a real number is still on screen"
        assert not any(n in e for n in real for e in entries(app))
        # Only the drawing changed: the data, and so search, keep the real numbers.
        assert [r.mobile_number for r in grid.visible_recipients()] == real
        assert grid.move_to_number(real[5]) and grid.cursor_row == 5

        await pilot.press("enter")  # the sidebar's enter focuses the grid
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, RecipientScreen), "the drill-down")
        assert text_of(app, "#rc-number") == mask_number(real[5])
        assert text_of(app, "#rc-position").startswith("numbers masked · ")
        assert not any(n in screen(app) for n in real)

        app.clear_notifications()
        await pilot.press("m")  # on the drill-down too
        await until(pilot, lambda: text_of(app, "#rc-number") == real[5], "the real number")
        assert "Numbers shown" in screen(app)
        assert text_of(app, "#rc-position") == f"recipient 6 of {COUNT}"

        await pilot.press("escape")
        await until(pilot, lambda: not isinstance(app.screen, RecipientScreen), "back")
        assert grid_numbers(grid) == real, "the monitor follows what the drill-down chose"
        assert "masked" not in app.sub_title


async def test_the_setting_starts_masked(env: Env) -> None:
    settings = structs.replace(env.config.settings, mask_numbers=True)
    env.config = structs.replace(env.config, settings=settings)
    send = env.send("Masked from the start", COUNT)
    env.sim.advance(120)
    env.watch(send)
    app = env.app()
    async with running(app) as pilot:
        grid = app.monitor.detail.grid
        await until(pilot, lambda: has_data(app, send.key) and grid.row_count == COUNT, "rows")
        real = [r.mobile_number for r in grid.visible_recipients()]
        assert app.display_options.masked and app.sub_title.endswith(" · masked")
        assert not any(n in screen(app) for n in real)
        assert grid.render_line(1).text.split()[0] == mask_number(real[0])
        await pilot.press("m")
        await until(pilot, lambda: real[0] in screen(app), "the real numbers")


@pytest.mark.parametrize(
    ("argv", "masked"), [(["--mask"], True), (["demo", "--mask"], True), (["demo"], False)]
)
def test_mask_at_launch_starts_the_app_masked(
    argv: list[str], masked: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    started: list[SendwatchApp] = []

    def run(self: SendwatchApp, *args: object, **kwargs: object) -> None:
        started.append(self)

    monkeypatch.setattr(SendwatchApp, "run", run)
    try:
        assert main(argv) == 0
    finally:
        gc.unfreeze()
    (app,) = started
    assert app.display_options.masked is masked
    if app.history is not None:
        app.history.close()
