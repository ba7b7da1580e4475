"""The sidebar repaints only the entry whose text changed: many in-flight sends stay cheap."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

from textual.app import App, ComposeResult
from textual.strip import Strip

from tui.core.api.parse import parse_delivery
from tui.core.state import SendState
from tui.core.store.watchlist import WatchedSend
from tui.ui.widgets.send_list import SendList

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
        sidebar.set_sends(states, states[0].key)
        await pilot.pause()
        sidebar.lines.clear()
        assert sidebar.update_state(state(3, delivered=7))
        await pilot.pause()
        assert sorted(sidebar.lines) == [6, 7]  # entry 3 = lines 6 and 7
        assert "✓7" in text_of(sidebar)


async def test_an_update_that_changes_nothing_repaints_nothing() -> None:
    app = ListApp()
    async with app.run_test(size=(40, 30)) as pilot:
        sidebar = app.query_one(CountingList)
        states = [state(n) for n in range(5)]
        sidebar.set_sends(states, None)
        await pilot.pause()
        sidebar.lines.clear()
        assert not sidebar.update_state(replace(states[2], failures=0))
        await pilot.pause()
        assert sidebar.lines == []
