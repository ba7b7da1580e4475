"""The tracking grid: keys, messages, repaint economy at 100k rows, hostile text."""

from __future__ import annotations

import time
from datetime import UTC, date, datetime, timedelta

import pytest
from textual.app import App, ComposeResult
from textual.strip import Strip

from tui.core.api.codes import Outcome
from tui.core.api.model import Recipient, TrackingEvent, make_recipient
from tui.core.text import safe_text
from tui.core.timefmt import fmt_short
from tui.ui.widgets.grid.sorting import Sort
from tui.ui.widgets.recipient_grid import RecipientGrid

SIZE = (120, 40)
HOSTILE = "\x1b[31mred\x1b]0;title\x07 [bold]x[/bold]"


def number(i: int) -> str:
    return f"1555{i:07d}"


def recipient(i: int, code: int | None = 4000, message: str = "Carrier Success") -> Recipient:
    n = number(i)
    events = (
        TrackingEvent("20", "NA", 3000, "Message enroute"),
        TrackingEvent("200", message, code, "Delivered to handset"),
    )
    return make_recipient(n, events)


def mixed(count: int) -> list[Recipient]:
    """Recipients cycling through delivered, failed, pending and unknown outcomes."""
    cycle = (4000, 4500, 3001, 3400)
    return [recipient(i, cycle[i % 4]) for i in range(count)]


class CountingGrid(RecipientGrid):
    """Counts the lines it is asked to render and the rows whose text it builds."""

    def __init__(self) -> None:
        super().__init__(id="grid")
        self.lines: list[int] = []
        self.cells_built = 0

    def render_line(self, y: int) -> Strip:
        self.lines.append(y)
        return super().render_line(y)

    def _cells(self, recipient: Recipient) -> tuple[str, str, str, str, str, str]:
        self.cells_built += 1
        return super()._cells(recipient)

    def reset(self) -> None:
        self.lines.clear()
        self.cells_built = 0


class GridApp(App[None]):
    def __init__(self) -> None:
        super().__init__()
        self.selected: list[RecipientGrid.Selected] = []
        self.moved: list[RecipientGrid.CursorMoved] = []
        self.filters: list[RecipientGrid.FilterChanged] = []

    def compose(self) -> ComposeResult:
        yield CountingGrid()

    @property
    def grid(self) -> CountingGrid:
        return self.query_one(CountingGrid)

    def on_recipient_grid_selected(self, message: RecipientGrid.Selected) -> None:
        self.selected.append(message)

    def on_recipient_grid_cursor_moved(self, message: RecipientGrid.CursorMoved) -> None:
        self.moved.append(message)

    def on_recipient_grid_filter_changed(self, message: RecipientGrid.FilterChanged) -> None:
        self.filters.append(message)


def screen_text(grid: RecipientGrid) -> list[str]:
    return [grid.render_line(y).text for y in range(grid.size.height)]


def background(strip: Strip) -> object:
    style = next(iter(strip)).style
    assert style is not None
    return style.bgcolor


def visible_height(grid: RecipientGrid) -> int:
    return grid.scrollable_content_region.height


@pytest.fixture(scope="module")
def big() -> list[Recipient]:
    return mixed(100_000)


# ---------------------------------------------------------------- keys and messages


async def test_keys_move_the_cursor() -> None:
    app = GridApp()
    async with app.run_test(size=SIZE) as pilot:
        grid = app.grid
        grid.set_data(mixed(500))
        await pilot.pause()
        page = visible_height(grid) - 1
        steps = [
            ("down", 1),
            ("j", 2),
            ("k", 1),
            ("up", 0),
            ("up", 0),
            ("pagedown", page),
            ("pagedown", 2 * page),
            ("pageup", page),
            ("G", 499),
            ("g", 0),
            ("end", 499),
            ("home", 0),
        ]
        for key, expected in steps:
            await pilot.press(key)
            assert grid.cursor_row == expected, key
        await pilot.press("G")
        await pilot.pause()
        top = grid.scroll_offset.y
        assert top <= 499 < top + page, "the cursor row must be scrolled into view"
        assert grid.render_line(visible_height(grid) - 1).text.startswith(f" {number(499)}")


async def test_enter_posts_selected_with_the_cursor_recipient() -> None:
    app = GridApp()
    async with app.run_test(size=SIZE) as pilot:
        data = mixed(50)
        app.grid.set_data(data)
        await pilot.press("j", "j", "j", "enter")
        await pilot.pause()
        assert len(app.selected) == 1
        assert app.selected[0].recipient is data[3]
        assert app.selected[0].index == 3
        assert app.selected[0].control is app.grid
        assert [m.index for m in app.moved] == [0, 1, 2, 3]
        assert app.moved[-1].recipient is data[3]


async def test_click_moves_the_cursor_and_hover_repaints_nothing() -> None:
    app = GridApp()
    async with app.run_test(size=SIZE) as pilot:
        grid = app.grid
        grid.set_data(mixed(100))
        await pilot.pause()
        grid.reset()
        for y in range(2, 12):
            await pilot.hover(CountingGrid, offset=(10, y))
        await pilot.pause()
        assert grid.lines == []
        await pilot.click(CountingGrid, offset=(10, 6))  # header is line 0, row 0 line 1
        await pilot.pause()
        assert grid.cursor_row == 5
        # Textual may read a line again to find the style under the mouse; what matters
        # is that only the old and the new cursor lines are repainted and rebuilt.
        assert set(grid.lines) == {1, 6}
        assert grid.cells_built == 2


# ---------------------------------------------------------------- 100k rows


async def test_100k_rows_render_only_what_is_visible(big: list[Recipient]) -> None:
    app = GridApp()
    async with app.run_test(size=SIZE) as pilot:
        grid = app.grid
        await pilot.pause()
        grid.reset()
        grid.set_data(big)
        assert grid.cells_built <= 1_000, "column widths must come from a bounded sample"
        await pilot.pause()
        height = grid.size.height
        assert grid.row_count == 100_000
        assert 0 < len(grid.lines) <= 2 * height
        assert grid.cells_built <= 1_000 + 2 * height

        grid.reset()
        grid.refresh()
        await pilot.pause()
        assert 0 < len(grid.lines) <= 2 * height
        assert grid.cells_built == 0, "a plain repaint is served from the strip cache"

        grid.reset()
        await pilot.press("G")
        await pilot.pause()
        assert grid.cursor_row == 99_999
        assert 0 < len(grid.lines) <= 2 * height
        assert grid.cells_built <= height
        assert number(99_999) in grid.render_line(visible_height(grid) - 1).text

        grid.reset()
        await pilot.press("pageup", "pageup", "g")
        await pilot.pause()
        assert len(grid.lines) <= 6 * height


async def test_identical_data_repaints_nothing(big: list[Recipient]) -> None:
    app = GridApp()
    async with app.run_test(size=SIZE) as pilot:
        grid = app.grid
        since = {r.mobile_number: datetime(2024, 1, 1, tzinfo=UTC) for r in big[:50]}
        grid.set_data(big, since)
        await pilot.press("j")
        await pilot.pause()
        moved = len(app.moved)
        grid.reset()
        grid.set_data(big, dict(since))  # same objects
        grid.set_data([recipient(i, r.outcome_code) for i, r in enumerate(big)], since)  # equal
        await pilot.pause()
        assert grid.lines == []
        assert len(app.moved) == moved, "no CursorMoved when nothing moved"


async def test_one_changed_visible_row_repaints_one_line() -> None:
    app = GridApp()
    async with app.run_test(size=SIZE) as pilot:
        grid = app.grid
        data = mixed(1_000)
        grid.set_data(data)
        await pilot.pause()

        grid.reset()
        changed = list(data)
        changed[3] = recipient(3, 4502, "Unknown subscriber")  # fits the code column
        grid.set_data(changed)
        await pilot.pause()
        assert grid.lines == [4]
        assert grid.cells_built <= 2  # measured for the column widths, then drawn
        assert "Unknown subscriber" in grid.render_line(4).text
        assert "✗ failed" in grid.render_line(4).text


async def test_a_wider_code_widens_the_column_and_repaints_all() -> None:
    app = GridApp()
    async with app.run_test(size=SIZE) as pilot:
        grid = app.grid
        data = [recipient(i, 4000) for i in range(100)]
        grid.set_data(data)
        await pilot.pause()
        grid.reset()
        changed = list(data)
        changed[3] = recipient(3, 4504)
        grid.set_data(changed)
        await pilot.pause()
        assert len(grid.lines) >= visible_height(grid)
        assert "4504 FailedDueToUnknownSubscr…" in grid.render_line(4).text
        assert "✗ failed" in grid.render_line(4).text


async def test_changed_row_off_screen_is_not_painted_but_not_stale() -> None:
    app = GridApp()
    async with app.run_test(size=SIZE) as pilot:
        grid = app.grid
        data = mixed(1_000)
        grid.set_data(data)
        await pilot.pause()
        assert "Carrier Success" in grid.render_line(3).text  # row 2 is now in the cache

        await pilot.press("G")
        await pilot.pause()
        grid.reset()
        changed = list(data)
        changed[2] = recipient(2, 4000, "Late receipt")
        grid.set_data(changed)
        await pilot.pause()
        assert grid.lines == []

        await pilot.press("g")
        await pilot.pause()
        assert "Late receipt" in grid.render_line(3).text


async def test_since_change_repaints_that_row() -> None:
    app = GridApp()
    async with app.run_test(size=SIZE) as pilot:
        grid = app.grid
        data = mixed(100)
        when = datetime(2020, 5, 1, 12, 0, tzinfo=UTC)
        grid.set_data(data, {data[0].mobile_number: when})
        await pilot.pause()
        grid.reset()
        grid.set_data(data, {data[0].mobile_number: when, data[5].mobile_number: when})
        await pilot.pause()
        assert grid.lines == [6]
        assert grid.render_line(6).text.rstrip().endswith("2020-05-01")


# ---------------------------------------------------------------- cursor across updates


async def test_cursor_keeps_its_number_when_rows_are_reordered_or_added() -> None:
    app = GridApp()
    async with app.run_test(size=SIZE) as pilot:
        grid = app.grid
        data = mixed(300)
        grid.set_data(data)
        await pilot.press("j", "j", "j", "j", "j")
        assert grid.cursor_row == 5
        grid.set_data(list(reversed(data)))
        assert grid.cursor_row == 294
        assert grid.recipient_at(grid.cursor_row) is data[5]
        await pilot.pause()
        top = grid.scroll_offset.y
        assert top <= 294 < top + visible_height(grid) - 1

        grid.set_data([recipient(9_000 + i) for i in range(10)] + data)
        assert grid.cursor_recipient is data[5]
        assert grid.cursor_row == 15

        assert grid.move_to_number(number(42))
        assert grid.cursor_row == 52
        assert not grid.move_to_number("no such number")
        assert grid.cursor_row == 52


async def test_cursor_is_clamped_when_rows_disappear() -> None:
    app = GridApp()
    async with app.run_test(size=SIZE) as pilot:
        grid = app.grid
        grid.set_data(mixed(100))
        await pilot.press("G")
        grid.set_data(mixed(10)[::-1][:4])
        assert grid.cursor_row == 3
        grid.set_data([])
        assert grid.cursor_row == 0
        assert grid.recipient_at(0) is None


# ---------------------------------------------------------------- filter


async def test_filter_cycles_through_outcomes() -> None:
    app = GridApp()
    async with app.run_test(size=SIZE) as pilot:
        grid = app.grid
        data = mixed(40)
        grid.set_data(data)
        await pilot.press("j", "j", "j", "j", "j")  # row 5: a failed recipient
        assert grid.cursor_recipient is data[5]

        expected = [
            (Outcome.FAILED, 10),
            (Outcome.PENDING, 10),
            (Outcome.DELIVERED, 10),
            (Outcome.UNKNOWN, 10),
            (None, 40),
        ]
        for outcome, rows in expected:
            before = grid.cursor_recipient
            await pilot.press("f")
            await pilot.pause()
            assert grid.outcome_filter is outcome
            assert grid.row_count == rows
            shown = [grid.recipient_at(i) for i in range(grid.row_count)]
            if outcome is not None:
                assert all(r is not None and r.outcome is outcome for r in shown)
                header = grid.render_line(0).text
                assert header.split()[:2] == ["Number", "Outcome"], "the filter bar names it"
            if before is not None and (outcome is None or before.outcome is outcome):
                assert grid.cursor_recipient is before, "cursor keeps its number"
            if outcome is Outcome.FAILED:
                assert grid.cursor_recipient is data[5]
                await pilot.press("enter")
                selected = app.selected[-1]
                assert grid.visible_recipients()[selected.index] is data[5]
        assert [m.outcome for m in app.filters] == [o for o, _ in expected]
        assert grid.total_count == 40


async def test_filter_with_no_match_says_so() -> None:
    app = GridApp()
    async with app.run_test(size=SIZE) as pilot:
        grid = app.grid
        grid.set_data([recipient(i, 4000) for i in range(5)])
        await pilot.press("f")
        await pilot.pause()
        assert grid.row_count == 0
        assert any("The failed chip hides all 5 recipients" in line for line in screen_text(grid))


async def test_shift_f_steps_the_chips_back() -> None:
    app = GridApp()
    async with app.run_test(size=SIZE) as pilot:
        app.grid.set_data(mixed(40))
        seen = []
        for _ in range(5):
            await pilot.press("F")
            seen.append(app.grid.outcome_filter)
        assert seen == [Outcome.UNKNOWN, Outcome.DELIVERED, Outcome.PENDING, Outcome.FAILED, None]


async def test_f_drops_a_code_filter_for_the_next_chip() -> None:
    app = GridApp()
    async with app.run_test(size=SIZE) as pilot:
        grid = app.grid
        grid.set_data(mixed(40))
        grid.set_filter(None, frozenset({4500}))
        await pilot.pause()
        assert grid.row_count == 10 and grid.rows.codes == frozenset({4500})
        await pilot.press("f")
        assert grid.outcome_filter is Outcome.FAILED and grid.rows.codes is None


async def test_an_empty_filter_result_keeps_the_header_and_says_what_hides_it() -> None:
    app = GridApp()
    async with app.run_test(size=(80, 20)) as pilot:
        grid = app.grid
        grid.set_data([recipient(i, 4000) for i in range(5)])
        grid.set_filter(None, frozenset({4503}))
        await pilot.pause()
        lines = [line.strip() for line in screen_text(grid) if line.strip()]
        assert lines[0].split()[:2] == ["Number", "Outcome"]
        assert lines[1:] == ["The code 4503 chip hides all 5 recipients (f/F)"]


# ---------------------------------------------------------------- sort


async def test_s_sorts_by_each_column_with_an_arrow_and_shift_s_flips_it() -> None:
    app = GridApp()
    async with app.run_test(size=SIZE) as pilot:
        grid = app.grid
        data = [recipient(i, (4000, 4503, 3001)[i % 3], f"text {9 - i}") for i in range(9)]
        grid.set_data(data)
        await pilot.press("j", "j", "j", "j")  # row 4: number(4)
        await pilot.press("s")
        assert grid.rows.sort == Sort(0)
        assert grid.render_line(0).text.split()[:3] == ["Number", "▲", "Outcome"]
        await pilot.press("S")
        assert grid.rows.sort == Sort(0, descending=True)
        assert grid.render_line(0).text.split()[:3] == ["Number", "▼", "Outcome"]
        assert [r.mobile_number for r in grid.visible_recipients()] == [
            number(i) for i in reversed(range(9))
        ]
        assert grid.cursor_recipient is data[4], "the cursor keeps its number"
        await pilot.press("s")  # Outcome, ascending: failed first
        assert grid.rows.sort == Sort(1)
        outcomes = [r.outcome for r in grid.visible_recipients()]
        assert outcomes == [Outcome.FAILED] * 3 + [Outcome.PENDING] * 3 + [Outcome.DELIVERED] * 3
        await pilot.press("s", "s")  # status code, then the carrier's message
        assert [r.mobile_number for r in grid.visible_recipients()] == [
            number(i) for i in reversed(range(9))
        ]
        await pilot.press("s", "s", "s")  # events, since, then the carrier's order
        assert grid.rows.sort == Sort() and grid.visible_recipients() == tuple(data)
        assert "▲" not in grid.render_line(0).text
        assert [type(m) for m in app.filters] == [RecipientGrid.FilterChanged] * 8
        await pilot.press("enter")
        assert app.selected[-1].recipient is data[4]
        assert grid.visible_recipients()[app.selected[-1].index] is data[4]


async def test_a_sorted_100k_poll_repaints_only_the_changed_rows_and_sorts_once(
    big: list[Recipient],
) -> None:
    """Sorting 100,000 rows happens on `s`, not on every poll that leaves the order be."""
    app = GridApp()
    async with app.run_test(size=SIZE) as pilot:
        grid = app.grid
        positions = {r.mobile_number: i for i, r in enumerate(big)}
        grid.set_data(big, positions=positions)
        await pilot.pause()
        started = time.perf_counter()
        await pilot.press("s", "s", "s")  # by status code
        took = time.perf_counter() - started
        assert grid.rows.sort == Sort(2) and grid.row_count == 100_000
        print(f"three sorts of 100,000 rows, drawn: {took * 1000:.0f} ms")
        await pilot.press("g")  # the cursor followed its number: back to the top
        await pilot.pause()
        top = grid.visible_recipients()[1]
        polled = list(big)
        at = positions[top.mobile_number]
        polled[at] = recipient(at, top.outcome_code, "A new carrier message")  # same code
        grid.reset()
        grid.set_data(polled, None, changed={top.mobile_number}, in_place=True, positions=positions)
        await pilot.pause()
        assert grid.lines == [2], "row 1 under the header, nothing else"
        assert "A new carrier message" in grid.render_line(2).text
        assert grid.visible_recipients()[1] is polled[at]


# ---------------------------------------------------------------- text safety


async def test_hostile_carrier_message_is_shown_literally() -> None:
    app = GridApp()
    async with app.run_test(size=SIZE) as pilot:
        grid = app.grid
        evil_number = "1555\x1b[2J0001\u202e"
        grid.set_data([recipient(0, 4500, HOSTILE), Recipient(evil_number, (), None)])
        await pilot.pause()
        line = grid.render_line(1)
        text = line.text
        assert "[bold]x[/bold]" in text
        assert "red" in text and "title" in text
        for strip in (grid.render_line(y) for y in range(grid.size.height)):
            for segment in strip:
                assert not any(
                    ord(c) < 0x20 or 0x7F <= ord(c) < 0xA0 or c in "\u202e\u2066"
                    for c in segment.text
                ), segment
                assert not segment.control
        assert "1555␛[2J0001" in grid.render_line(2).text
        # The layout holds: every line is exactly as wide as the widget.
        assert {s.cell_length for s in (grid.render_line(y) for y in range(5))} == {grid.size.width}


def test_safe_cell_replaces_every_control_character() -> None:
    assert safe_text(HOSTILE) == "␛[31mred␛]0;title␇ [bold]x[/bold]"
    assert safe_text("a\r\nb\tc") == "a  b c"
    assert safe_text("x\u009b31m\u0085y") == "x\ufffd31m\ufffdy"
    assert safe_text("\u202eabc\u2066d\u2069\u200f") == "<U+202E>abc<U+2066>d<U+2069><U+200F>"
    assert safe_text("line\u2028two") == "line two"
    assert safe_text("bad\ud800") == "bad\ufffd"
    assert safe_text("del\x7f") == "del␡"
    assert safe_text("plain [b]text[/b] ✓") == "plain [b]text[/b] ✓"
    assert safe_text(None) == ""
    assert safe_text(42) == "42"


# ---------------------------------------------------------------- cells


async def test_row_shows_outcome_word_code_name_events_and_since() -> None:
    app = GridApp()
    async with app.run_test(size=SIZE) as pilot:
        grid = app.grid
        now = datetime.now().astimezone()
        old_shape = [
            make_recipient(number(7), [TrackingEvent("500", "Carrier Reject", None, None)])
        ]
        grid.set_data(
            [recipient(0, 4000), recipient(1, 3001), *old_shape],
            {number(0): now},
        )
        await pilot.pause()
        header, first, second, third = (grid.render_line(y).text for y in range(4))
        assert header.split()[:3] == ["Number", "Outcome", "Status"]
        assert "✓ delivered" in first and "4000 Delivered" in first
        assert "Carrier Success · Delivered to handset" in first
        assert now.strftime("%H:%M:%S") in first
        assert first.split()[-2:] == ["2", now.strftime("%H:%M:%S")]
        assert "… pending" in second and "3001 SentToCarrier" in second
        assert "? unknown" in third and "500 Carrier Reject" in third


def test_format_since_is_compact_local_time() -> None:
    when = datetime(2024, 11, 25, 19, 20, 4).astimezone()
    assert fmt_short(when, when.date()) == "19:20:04"
    assert fmt_short(when, when.date() + timedelta(days=3)) == "Nov 25 19:20"
    assert fmt_short(when, date(2026, 1, 1)) == "2024-11-25"
    assert fmt_short(None, date(2026, 1, 1)) == ""


async def test_empty_state_shows_a_centred_message() -> None:
    app = GridApp()
    async with app.run_test(size=SIZE) as pilot:
        grid = app.grid
        await pilot.pause()
        header, *lines = [line for line in screen_text(grid) if line.strip()]
        assert header.split()[:2] == ["Number", "Outcome"], "the header never disappears"
        assert [line.strip() for line in lines] == ["No tracking events yet"]
        left = len(lines[0]) - len(lines[0].lstrip())
        assert abs(left - (grid.size.width - len("No tracking events yet")) // 2) <= 1
        grid.set_empty_message("Send is Queuing\x1b[5m")
        await pilot.pause()
        assert any("Send is Queuing␛[5m" in line for line in screen_text(grid))
        await pilot.press("enter", "j", "G", "f")  # nothing to act on: no crash, no message
        assert app.selected == []


async def test_theme_change_is_not_served_from_a_stale_cache() -> None:
    app = GridApp()
    async with app.run_test(size=SIZE) as pilot:
        grid = app.grid
        grid.set_data(mixed(20))
        await pilot.pause()
        before = grid.render_line(3).text, background(grid.render_line(3))
        app.theme = "textual-light" if app.theme != "textual-light" else "textual-dark"
        await pilot.pause()
        after = grid.render_line(3).text, background(grid.render_line(3))
        assert after[0] == before[0]
        assert after[1] != before[1]


class PreloadedApp(App[None]):
    def compose(self) -> ComposeResult:
        grid = RecipientGrid()
        grid.set_data(mixed(200))  # before the grid is mounted or sized
        assert grid.move_to_number(number(150))
        yield grid


async def test_data_and_cursor_set_before_mount_are_shown() -> None:
    app = PreloadedApp()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        grid = app.query_one(RecipientGrid)
        assert grid.cursor_row == 150
        lines = [grid.render_line(y).text for y in range(grid.size.height)]
        assert any(line.startswith(f" {number(150)}") for line in lines)


# ---------------------------------------------------------------- the refresher's hint


async def test_changed_hint_repaints_only_the_named_rows(big: list[Recipient]) -> None:
    """With the refresher's `changed` set, a 100k poll never compares every row."""
    app = GridApp()
    async with app.run_test(size=SIZE) as pilot:
        grid = app.grid
        grid.set_data(big)
        await pilot.pause()
        grid.reset()
        polled = list(big)
        polled[2] = recipient(2, 4502, "Unknown subscriber")
        polled[50_000] = recipient(50_000, 4502, "Unknown subscriber")
        grid.set_data(polled, None, changed={number(2), number(50_000)})
        await pilot.pause()
        assert grid.lines == [3]  # row 2 under the header; row 50,000 is off screen
        assert grid.cells_built <= 4
        assert "Unknown subscriber" in grid.render_line(3).text
        grid.cursor_row = 50_000
        await pilot.pause()
        assert "Unknown subscriber" in screen_text(grid)[1 + 50_000 - grid.scroll_offset.y]


@pytest.mark.parametrize("in_place", [False, True])
async def test_changed_hint_with_new_rows_at_the_end_keeps_the_cursor(in_place: bool) -> None:
    app = GridApp()
    async with app.run_test(size=SIZE) as pilot:
        grid = app.grid
        data = mixed(1_000)
        grid.set_data(data)
        await pilot.press("j", "j")
        grid.reset()
        grown = [*data, *(recipient(i, 3001) for i in range(1_000, 1_200))]
        new = {number(i) for i in range(1_000, 1_200)}
        grid.set_data(grown, None, changed=new, in_place=in_place)
        await pilot.pause()
        assert grid.row_count == 1_200 and grid.cursor_row == 2
        assert grid.cells_built <= 200, "only the new rows are measured, none redrawn"
        assert grid.move_to_number(number(1_150)) and grid.cursor_row == 1_150


async def test_changed_hint_is_ignored_when_the_order_changed() -> None:
    """A hint is only trusted for the rows it was computed on; a reorder redraws all."""
    app = GridApp()
    async with app.run_test(size=SIZE) as pilot:
        grid = app.grid
        data = mixed(100)
        grid.set_data(data)
        await pilot.pause()
        flipped = list(reversed(data))
        grid.set_data(flipped, None, changed=set())
        await pilot.pause()
        first = grid.recipient_at(0)
        assert first is not None and first.mobile_number == number(99)
        assert grid.cursor_row == 99, "the cursor follows its number"
        assert number(0) in screen_text(grid)[1 + 99 - grid.scroll_offset.y]


def positions_of(rows: list[Recipient]) -> dict[str, int]:
    return {r.mobile_number: i for i, r in enumerate(rows)}


async def test_a_callers_positions_index_the_rows_and_are_never_changed() -> None:
    """Switching to a 100k send must not rebuild a 100k index on the UI thread."""
    app = GridApp()
    async with app.run_test(size=SIZE) as pilot:
        grid = app.grid
        data = mixed(1_000)
        positions = positions_of(data)
        snapshot = dict(positions)
        grid.set_data(data, positions=positions)
        await pilot.pause()
        assert grid.rows.index is positions
        assert grid.move_to_number(number(700)) and grid.cursor_row == 700
        grown = [*data, *(recipient(i, 3001) for i in range(1_000, 1_010))]
        grid.set_data(grown, changed={number(1_005)}, in_place=True)  # no positions
        await pilot.pause()
        assert positions == snapshot, "a borrowed index is copied before it grows"
        assert grid.move_to_number(number(1_005)) and grid.cursor_row == 1_005


async def test_positions_are_ignored_when_they_do_not_index_the_shown_rows() -> None:
    app = GridApp()
    async with app.run_test(size=SIZE) as pilot:
        grid = app.grid
        data = mixed(100)
        grid.set_data(data, positions={number(0): 0})  # wrong length: not for these rows
        assert grid.rows.index == positions_of(data)
        grid.set_filter(Outcome.FAILED)
        positions = positions_of(data)
        grid.set_data(list(data), positions=positions)
        assert grid.rows.index is not positions, "the filtered rows have their own index"
        assert grid.move_to_number(number(5)) and grid.recipient_at(grid.cursor_row) == data[5]
        grid.set_filter(None)
        assert grid.rows.index is positions, "back to all rows: the caller's index again"
        await pilot.pause()
