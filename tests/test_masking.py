"""Masking numbers for screen sharing, part by part: cells, the grid at 100,000 rows, the
drill-down, the setting and the launch flag. The real app end to end is in
tests/test_masking_app.py."""

from __future__ import annotations

import argparse
from datetime import date
from pathlib import Path

import pytest
from textual.widgets import DataTable

from tests.snapshot_apps.screens_app import ScreenHost
from tests.test_recipient_grid import GridApp, mixed, number, visible_height
from tests.test_screens import capture_notes, screen_text, static_text
from tui.cli.args import build_parser
from tui.cli.launch import with_flags
from tui.core.api.errors import ConfigError
from tui.core.api.model import TrackingEvent, make_recipient
from tui.core.mask import mask_number
from tui.core.store.config import Config, load_config
from tui.ui.display import Display, DisplayChanged
from tui.ui.screens.recipient import RecipientScreen
from tui.ui.widgets.grid.cells import cells, measure

TODAY = date(2024, 11, 25)
QUOTED = "15555550102"
QUOTING = make_recipient(
    QUOTED,
    [
        TrackingEvent("20", "NA", 3000, "Message enroute"),
        TrackingEvent("500", f"Reject {QUOTED}", 4503, f"Mobile number {QUOTED} is invalid"),
    ],
)
OTHER = make_recipient("15555550103", [TrackingEvent("200", "OK", 4000, "Delivered")])


# --------------------------------------------------------------------------- Display


def test_display_masks_only_while_masked_and_only_the_number() -> None:
    display = Display()
    assert display.mask is None
    assert display.number(QUOTED) == QUOTED
    assert display.number_in(f"Mobile number {QUOTED} is invalid", QUOTED).endswith(
        f"{QUOTED} is invalid"
    )
    display.masked = True
    assert display.mask is not None and display.mask(QUOTED) == "1555•••0102"
    assert display.number_in(f"+{QUOTED} and {QUOTED}", QUOTED) == "+1555•••0102 and 1555•••0102"
    display.plain = True
    assert display.number(QUOTED) == "1555***0102"


# --------------------------------------------------------------------------- cells


def test_a_masked_row_hides_the_number_in_its_cell_and_in_the_carrier_text() -> None:
    plain = cells(QUOTING, None, TODAY)
    masked = cells(QUOTING, None, TODAY, mask_number)
    assert plain[0] == QUOTED and QUOTED in plain[3]
    assert masked[0] == "1555•••0102"
    assert masked[3] == "Reject 1555•••0102 · Mobile number 1555•••0102 is invalid"
    assert masked[1:3] == plain[1:3] and masked[4:] == plain[4:]
    assert QUOTING.mobile_number == QUOTED, "the data keeps the real number"


def test_a_hostile_number_is_masked_and_still_made_safe() -> None:
    hostile = make_recipient("1\x1b[2J5550000\x07", [TrackingEvent("200", "OK", 4000, None)])
    texts = cells(hostile, None, TODAY, mask_number)
    assert texts[0] == "1␛[2•••000␇"
    assert "\x1b" not in texts[0] and "\x07" not in texts[0]


def test_columns_are_sized_for_the_real_number_so_masking_moves_nothing() -> None:
    assert measure(QUOTING, None, TODAY)[0] == len(QUOTED)


# --------------------------------------------------------------------------- the grid


async def test_toggling_the_mask_on_100k_rows_builds_only_the_visible_rows() -> None:
    app = GridApp()
    async with app.run_test(size=(120, 40)) as pilot:
        grid = app.grid
        grid.set_data(mixed(100_000))
        await pilot.press("pagedown", "pagedown")
        await pilot.pause()
        top = grid.scroll_offset.y
        rows = visible_height(grid) - 1  # under the header
        shown = [number(top + i) for i in range(rows)]
        assert [grid.render_line(1 + i).text.split()[0] for i in range(rows)] == shown
        header = grid.render_line(0).text

        display = Display(masked=True)
        grid.reset()
        grid.set_mask(display.mask)
        await pilot.pause()
        assert grid.cells_built == rows, "exactly the rows on screen were drawn again"
        assert 0 < len(grid.lines) <= 2 * grid.size.height
        lines = [grid.render_line(1 + i).text for i in range(rows)]
        assert [line.split()[0] for line in lines] == [mask_number(n) for n in shown]
        assert not any(n in line for n, line in zip(shown, lines, strict=True))
        assert grid.render_line(0).text == header, "no column moved"

        grid.reset()
        grid.set_mask(display.mask)  # the same masking again: nothing to repaint
        await pilot.pause()
        assert grid.lines == [] and grid.cells_built == 0

        grid.set_mask(None)
        await pilot.pause()
        assert grid.render_line(1).text.split()[0] == shown[0]
        assert grid.move_to_number(shown[3]), "the data keeps the real numbers"


# --------------------------------------------------------------------------- drill-down


def masked_screen(display: Display) -> ScreenHost:
    return ScreenHost(lambda: RecipientScreen([QUOTING, OTHER], 0, send_name="s", display=display))


async def test_the_drilldown_masks_its_number_events_detail_and_copy() -> None:
    display = Display(masked=True)
    app = masked_screen(display)
    async with app.run_test(size=(120, 40)) as pilot:
        notes = capture_notes(app)
        await pilot.pause()
        assert static_text(app, "#rc-number") == "1555•••0102"
        assert static_text(app, "#rc-position") == "numbers masked · recipient 1 of 2"
        table = app.screen.query_one("#rc-events", DataTable)
        last = [str(cell) for cell in table.get_row_at(1)]
        assert last[2] == "Reject 1555•••0102"
        assert last[5] == "Mobile number 1555•••0102 is invalid"
        assert "server: Mobile number 1555•••0102 is invalid" in static_text(app, "#rc-detail")
        assert "carrier: '500 Reject 1555•••0102'" in static_text(app, "#rc-detail")
        assert QUOTED not in screen_text(app)

        await pilot.press("c")
        assert app.clipboard == "1555•••0102", "a masked number is copied masked"
        assert notes == ["Copied 1555•••0102 to the clipboard (masked: m shows the number)."]

        await pilot.press("up")  # the first event: kept under the cursor when redrawn
        display.masked = False
        app.screen.post_message(DisplayChanged())
        await pilot.pause()
        assert static_text(app, "#rc-number") == QUOTED
        assert static_text(app, "#rc-position") == "recipient 1 of 2"
        assert table.cursor_row == 0
        assert static_text(app, "#rc-detail").startswith("Event 1: 3000")
        await pilot.press("c")
        assert app.clipboard == QUOTED and notes[-1] == f"Copied {QUOTED} to the clipboard."


async def test_the_drilldown_masks_the_next_recipient_too() -> None:
    app = masked_screen(Display(masked=True))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("n")
        assert static_text(app, "#rc-number") == "1555•••0103"
        assert "15555550103" not in screen_text(app)


# --------------------------------------------------------------------------- setting, flag


def test_mask_numbers_is_a_setting_off_by_default(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text("[settings]\nbell = false\n")
    assert load_config(path).settings.mask_numbers is False
    path.write_text("[settings]\nmask_numbers = true\n")
    assert load_config(path).settings.mask_numbers is True
    path.write_text("[settings]\nmask_numbers = 'yes'\n")
    with pytest.raises(ConfigError, match=r"settings\.mask_numbers"):
        load_config(path)


@pytest.mark.parametrize(
    ("argv", "masked"),
    [
        ([], False),
        (["--mask"], True),
        (["monitor"], False),
        (["monitor", "--mask"], True),
        (["--mask", "demo"], True),
        (["demo", "--mask", "--seed", "3"], True),
        (["demo"], False),
    ],
)
def test_mask_flag_before_or_after_the_command(argv: list[str], masked: bool) -> None:
    args = build_parser().parse_args(argv)
    assert args.mask is masked
    config = with_flags(Config(Path("config.toml")), args)
    assert config.settings.mask_numbers is masked


def test_the_flag_never_unmasks_what_the_setting_masks() -> None:
    from msgspec import structs

    base = Config(Path("config.toml"))
    masked = structs.replace(base, settings=structs.replace(base.settings, mask_numbers=True))
    assert with_flags(masked, argparse.Namespace(mask=False)).settings.mask_numbers is True
    assert with_flags(masked, None) is masked
