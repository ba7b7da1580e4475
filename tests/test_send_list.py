"""The sidebar repaints only the entry whose text changed: many in-flight sends stay cheap."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

import pytest
from rich.cells import cell_len
from textual import on
from textual.app import App, ComposeResult
from textual.color import Color
from textual.message import Message
from textual.strip import Strip

from tui.core.api.errors import SendwatchError
from tui.core.api.parse import parse_delivery
from tui.core.state import SendState
from tui.core.store.watchlist import WatchedSend
from tui.ui.widgets.send_entry import MORE, Piece, Role, entry_pieces, fit_line, plain
from tui.ui.widgets.send_list import SendList, entry_lines

NOW = datetime(2026, 11, 26, 12, 0, tzinfo=UTC)


class CountingList(SendList):
    def __init__(self) -> None:
        super().__init__(id="sidebar", now=lambda: NOW)
        self.lines: list[int] = []

    def render_line(self, y: int) -> Strip:
        self.lines.append(y)
        return super().render_line(y)


class ListApp(App[None]):
    def compose(self) -> ComposeResult:
        yield CountingList()


def state(n: int, delivered: int = 0) -> SendState:
    send = WatchedSend("p", f"MSG{n}", f"TOK{n}", "messageContact", f"send {n}", NOW)
    tracking = [{"mobileNumber": str(i), "standardStatusCode": "4000"} for i in range(delivered)]
    body = {"status": "Started", "count": 10, "tracking": tracking}
    return SendState(send, delivery=parse_delivery(body), fetched_at=NOW)


def text_of(sidebar: SendList) -> str:
    return "\n".join(sidebar.render_line(y).text for y in range(sidebar.size.height))


async def test_one_update_repaints_two_lines_and_shows_the_news() -> None:
    app = ListApp()
    async with app.run_test(size=(40, 30)) as pilot:
        sidebar = app.query_one(CountingList)
        states = [state(n) for n in range(20)]
        sidebar.set_entries(states, 0)
        await pilot.pause()
        sidebar.lines.clear()
        assert sidebar.update_entry(3, state(3, delivered=7))
        await pilot.pause()
        assert sorted(sidebar.lines) == [6, 7]  # entry 3 = lines 6 and 7
        assert "✓7" in text_of(sidebar)


async def test_an_update_that_changes_nothing_repaints_nothing() -> None:
    app = ListApp()
    async with app.run_test(size=(40, 30)) as pilot:
        sidebar = app.query_one(CountingList)
        states = [state(n) for n in range(5)]
        sidebar.set_entries(states, None)
        await pilot.pause()
        sidebar.lines.clear()
        assert not sidebar.update_entry(2, replace(states[2], failures=0))
        await pilot.pause()
        assert sidebar.lines == []


# --------------------------------------------------------------------------- entry text


def big(n: int = 0, *, error: bool = False, label: str | None = None) -> SendState:
    """A send with thousands of each outcome, optionally with its last read failed."""
    send = WatchedSend("p", f"MSG{n}", f"TOK{n}", "messageContact", label or f"send {n}", NOW)
    codes = ["4000"] * 1234 + ["4505"] * 56 + ["3000"] * 7890
    tracking = [{"mobileNumber": str(i), "standardStatusCode": c} for i, c in enumerate(codes)]
    body = {"status": "Started", "count": 10_000, "tracking": tracking}
    failure = SendwatchError("HTTP 500") if error else None
    return SendState(send, parse_delivery(body), fetched_at=NOW, error=failure, error_at=NOW)


def test_an_entry_tells_status_by_symbol_and_word_with_a_role_per_piece() -> None:
    first, second = entry_lines(state(1, delivered=7), NOW, 40)
    assert plain(first) == "◑ send 1"
    assert plain(second) == "  Started ✓7 ✗0 read 12:00"  # pending counts only what was seen
    roles = {piece.text: piece.role for piece in (*first, *second)}
    assert roles["◑ "] is roles[" Started"] is Role.ACTIVE
    assert roles["send 1"] is Role.NAME
    assert (roles[" ✓7"], roles[" ✗0"], roles[" read 12:00"]) == (
        Role.DELIVERED,
        Role.FAILED,
        Role.MUTED,
    )


def test_labels_and_statuses_are_literal_text() -> None:
    send = WatchedSend("p", "M", "T", "messageContact", "[b]Sale[/b]", NOW)
    first, second = entry_lines(SendState(send), NOW, 40)
    assert (plain(first), plain(second)) == ("… [b]Sale[/b]", "  loading")
    delivery = parse_delivery({"status": "[i]\x1b[5mGo", "count": 1, "tracking": []})
    first, second = entry_lines(SendState(send, delivery, fetched_at=NOW), NOW, 40)
    assert plain(second).startswith("  [i]␛[5mGo ✓0")


def test_the_stale_mark_comes_before_the_counts_and_survives_a_narrow_sidebar() -> None:
    second = entry_lines(big(error=True), NOW, 23)[1]  # a narrow sidebar's text
    assert plain(second).startswith("  ⚠ stale ✓1,234"), "the word goes before a count"
    assert Piece(" ⚠ stale", Role.STALE, whole=True) in second
    wider = entry_lines(big(error=True), NOW, 35)[1]
    assert plain(wider).startswith("  Started ⚠ stale ✓1,234")


def test_a_narrow_line_never_cuts_a_count_and_says_when_it_left_some_out() -> None:
    pieces = entry_pieces(big(), NOW)[1]
    assert plain(pieces) == "  Started ✓1,234 ✗56 …7,890 read 12:00"
    for width in range(4, 40):
        line = fit_line(pieces, width)
        text = plain(line)
        assert cell_len(text) <= width, (width, text)
        for piece in line:  # every count shown is shown whole
            assert piece in pieces or not piece.whole or piece.text in MORE, (width, text)
        if width >= cell_len(plain(pieces)):
            assert line == pieces
    # The read time goes first, without a mark: the counts are all there.
    assert plain(fit_line(pieces, 27)) == "  Started ✓1,234 ✗56 …7,890"
    # Then the status word (line 1's symbol tells it too), before any count.
    assert plain(fit_line(pieces, 23)) == "  ✓1,234 ✗56 …7,890"
    # Then whole counts are left out, and " …" says so.
    assert plain(fit_line(pieces, 16)) == "  ✓1,234 ✗56 …"
    assert plain(fit_line(pieces, 13)) == "  ✓1,234 …"


def test_a_long_label_is_cut_with_an_ellipsis_not_inside_a_number() -> None:
    first = entry_lines(big(label="Reminders batch 123456"), NOW, 20)[0]
    assert plain(first) == "◑ Reminders batch…"
    first = entry_lines(big(label="Batch 123456 reminders"), NOW, 14)[0]
    assert plain(first) == "◑ Batch…", "not 12345…: that reads as another number"
    first = entry_lines(big(label="123456 reminders"), NOW, 7)[0]
    assert plain(first) == "◑ 1234…", "unless nothing else is left"
    first = entry_lines(big(label="Black Friday blast"), NOW, 14)[0]
    assert plain(first) == "◑ Black Frida…"


# --------------------------------------------------------------------------- keys, mouse


class Recorder(App[None]):
    """The sidebar alone, recording every message it posts."""

    def __init__(self, count: int = 5) -> None:
        super().__init__()
        self.count = count
        self.messages: list[Message] = []

    def compose(self) -> ComposeResult:
        yield CountingList()

    def on_mount(self) -> None:
        sidebar = self.query_one(CountingList)
        sidebar.set_entries([state(n) for n in range(self.count)], None)
        sidebar.focus()

    @on(SendList.Highlighted)
    @on(SendList.Opened)
    @on(SendList.MoveRequested)
    def record(self, message: Message) -> None:
        self.messages.append(message)

    def said(self) -> list[tuple[str, int]]:
        said = [
            (type(m).__name__, m.delta if isinstance(m, SendList.MoveRequested) else m.index)
            for m in self.messages
            if isinstance(m, SendList.Highlighted | SendList.Opened | SendList.MoveRequested)
        ]
        self.messages.clear()
        return said


async def test_keys_move_the_cursor_and_say_so_and_programmatic_moves_do_not() -> None:
    app = Recorder(count=30)
    async with app.run_test(size=(40, 12)) as pilot:
        sidebar = app.query_one(CountingList)
        await pilot.pause()
        assert sidebar.selected == 0 and app.said() == []  # set_entries posts nothing
        await pilot.press("j", "down", "k")
        assert sidebar.selected == 1
        assert app.said() == [("Highlighted", 1), ("Highlighted", 2), ("Highlighted", 1)]
        await pilot.press("up", "up")  # at the top: one move, then nothing
        assert app.said() == [("Highlighted", 0)]
        await pilot.press("pagedown")
        assert sidebar.selected == 6  # a page: 12 lines, two per entry
        await pilot.press("end")
        assert sidebar.selected == 29
        await pilot.press("pageup", "home")
        assert sidebar.selected == 0
        assert app.said() == [
            ("Highlighted", 6),
            ("Highlighted", 29),
            ("Highlighted", 23),
            ("Highlighted", 0),
        ]
        sidebar.select(4)
        await pilot.pause()
        assert sidebar.selected == 4 and app.said() == []
        await pilot.press("enter", "shift+down", "shift+up")
        assert sidebar.selected == 4, "moving a send is the app's job"
        assert app.said() == [("Opened", 4), ("MoveRequested", 1), ("MoveRequested", -1)]


async def test_the_cursor_stays_on_screen() -> None:
    app = Recorder(count=30)
    async with app.run_test(size=(40, 12)) as pilot:
        sidebar = app.query_one(CountingList)
        await pilot.press("end")
        await pilot.pause()
        assert [line.rstrip() for line in text_of(sidebar).splitlines()[-2:]] == [
            "▌◑ send 29",
            "▌  Started ✓0 ✗0 read 12:00",
        ]
        sidebar.select(3)
        await pilot.pause()
        assert sidebar.scroll_offset.y == 6
        assert text_of(sidebar).splitlines()[0].startswith("▌◑ send 3")


async def test_a_cursor_move_repaints_the_two_entries_only() -> None:
    app = Recorder(count=5)
    async with app.run_test(size=(40, 12)) as pilot:
        sidebar = app.query_one(CountingList)
        await pilot.pause()
        sidebar.lines.clear()
        await pilot.press("j")
        await pilot.pause()
        assert sorted(sidebar.lines) == [0, 1, 2, 3]


async def test_a_click_selects_and_a_double_click_opens() -> None:
    app = Recorder(count=5)
    async with app.run_test(size=(40, 12)) as pilot:
        sidebar = app.query_one(CountingList)
        await pilot.click(CountingList, offset=(5, 7))  # entry 3's second line
        assert sidebar.selected == 3
        assert app.said() == [("Highlighted", 3)]
        await pilot.double_click(CountingList, offset=(5, 2))
        assert sidebar.selected == 1
        assert ("Opened", 1) in app.said()


async def test_a_message_from_before_a_rebuild_says_it_is_not_current() -> None:
    app = Recorder(count=5)
    async with app.run_test(size=(40, 12)) as pilot:
        sidebar = app.query_one(CountingList)
        await pilot.press("j")
        (moved,) = app.messages
        assert isinstance(moved, SendList.Highlighted) and moved.current
        sidebar.set_entries([state(n) for n in (1, 0)], 1)
        assert not moved.current
        by_hand = SendList.Highlighted(1)  # as an app does to reuse its handler
        assert by_hand.current and by_hand.index == 1 and by_hand.control is None
        assert sidebar.entry_plain(0).startswith("◑ send 1 | ")


# --------------------------------------------------------------------------- styles


def colour_of(strip: Strip, text: str) -> tuple[int, int, int] | None:
    for segment in strip:
        if text in segment.text and segment.style and segment.style.color:
            return segment.style.color.get_truecolor()
    raise AssertionError(f"{text!r} not in {strip.text!r}")


def theme_colour(app: App[None], variable: str) -> tuple[int, int, int]:
    colour = Color.parse(app.get_css_variables()[variable]).rich_color.get_truecolor()
    return colour


async def test_a_theme_change_repaints_the_sidebar_in_the_new_colours() -> None:
    app = Recorder(count=2)
    async with app.run_test(size=(40, 12)) as pilot:
        sidebar = app.query_one(CountingList)
        sidebar.update_entry(1, state(1, delivered=7))
        await pilot.pause()
        seen = []
        for theme in ("textual-dark", "textual-light"):
            app.theme = theme
            await pilot.pause()
            line = sidebar.render_line(3)
            assert colour_of(line, "✓7") == theme_colour(app, "text-success"), theme
            assert colour_of(line, "✗0") == theme_colour(app, "text-error"), theme
            assert colour_of(line, "Started") == theme_colour(app, "text-primary"), theme
            seen.append(colour_of(line, "✓7"))
        assert seen[0] != seen[1], "the two themes' greens differ: the sidebar followed"


async def test_the_cursor_entry_shows_without_colour(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NO_COLOR", "1")
    app = Recorder(count=3)
    async with app.run_test(size=(40, 12)) as pilot:
        sidebar = app.query_one(CountingList)
        await pilot.press("j")
        await pilot.pause()
        for y in range(6):
            line = sidebar.render_line(y)
            cursor = y in (2, 3)
            assert line.text.startswith("▌" if cursor else " "), y
            text = [s for s in line if s.text.strip() and s.text != "▌"]
            assert all(bool(s.style and s.style.reverse) is cursor for s in text), y
        sidebar.blur()
        await pilot.pause()
        assert sidebar.render_line(2).text.startswith("▌"), "blurred, it still shows"
