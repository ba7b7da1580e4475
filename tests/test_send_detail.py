"""The detail pane: colours come from the theme, server text stays text, status has words."""

from __future__ import annotations

from datetime import UTC, datetime

from rich.segment import Segment
from textual.app import App, ComposeResult
from textual.color import Color
from textual.content import Content
from textual.geometry import Region
from textual.widgets import Static

from tui.core.api.errors import SendwatchError
from tui.core.api.parse import parse_delivery
from tui.core.state import SendState
from tui.core.store.watchlist import WatchedSend
from tui.ui.widgets.send_detail import (
    SendDetail,
    counts_text,
    problem_text,
    step_texts,
    summary_text,
)

NOW = datetime(2026, 11, 26, 12, 0, tzinfo=UTC)
TEXT_STYLES = frozenset({"bold", "italic", "underline", "reverse", "dim", "not", "on"})


def state(*, message: str = "Hello", error: bool = False, warning: str | None = None) -> SendState:
    send = WatchedSend("p", "MSG", "TOK", "messageContact", "label", NOW)
    codes = ["4000"] * 6 + ["4505"] * 3 + ["3000"] * 1
    tracking = [{"mobileNumber": str(i), "standardStatusCode": c} for i, c in enumerate(codes)]
    body = {"status": "Started", "count": 10, "message": message, "tracking": tracking}
    return SendState(
        send,
        parse_delivery(body),
        fetched_at=NOW,
        error=SendwatchError("HTTP 500") if error else None,
        error_at=NOW if error else None,
        observed=(("New", NOW), ("Started", NOW)),
        warning=warning,
    )


def all_contents(s: SendState) -> list[Content]:
    assert s.delivery is not None
    return [
        summary_text(s, mc_time=False, now=NOW, interval=5),
        *step_texts(s, NOW),
        counts_text(s.delivery, 80),
        problem_text(s, NOW),
    ]


def test_every_colour_is_a_theme_variable() -> None:
    for content in all_contents(state(error=True, warning="odd reply")):
        for span in content.spans:
            assert isinstance(span.style, str), span
            for word in span.style.split():
                assert word.startswith("$") or word in TEXT_STYLES, (content.plain, span)


def test_outcomes_are_told_in_words_and_symbols() -> None:
    counts = state().delivery
    line = counts_text(counts, 80).plain.split("\n")[0]
    assert line == "✓ 6 delivered 60% · ✗ 3 failed 30% · … 1 pending 10%"


def test_server_text_is_literal() -> None:
    summary = summary_text(
        state(message="[b]50%[/b] off \x1b[5m"), mc_time=False, now=NOW, interval=5
    )
    assert summary.plain.split("\n")[0] == "[b]50%[/b] off ␛[5m"
    assert all(span.style != "b" for span in summary.spans)


class DetailApp(App[None]):
    def compose(self) -> ComposeResult:
        yield SendDetail(id="detail", now=lambda: NOW)

    def on_mount(self) -> None:
        self.query_one(SendDetail).show(state(error=True), now=NOW, interval=5)


def colour_of(app: App[None], selector: str, text: str) -> tuple[int, int, int]:
    widget = app.query_one(selector, Static)
    strips = widget.render_lines(Region(0, 0, *widget.outer_size))
    segments: list[Segment] = [segment for strip in strips for segment in strip]
    for segment in segments:
        if text in segment.text and segment.style and segment.style.color:
            return segment.style.color.get_truecolor()
    raise AssertionError(f"{text!r} not drawn in {selector}")


def theme_colour(app: App[None], variable: str) -> tuple[int, int, int]:
    return Color.parse(app.get_css_variables()[variable]).rich_color.get_truecolor()


async def test_a_theme_change_repaints_the_detail_pane_in_the_new_colours() -> None:
    app = DetailApp()
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        seen = []
        for theme in ("textual-dark", "textual-light"):
            app.theme = theme
            await pilot.pause()
            delivered = colour_of(app, "#counts", "6 delivered")
            assert delivered == theme_colour(app, "text-success"), theme
            assert colour_of(app, "#counts", "3 failed") == theme_colour(app, "text-error")
            assert colour_of(app, "#counts", "1 pending") == theme_colour(app, "text-warning")
            assert colour_of(app, "#step-0", "✓ New") == theme_colour(app, "text-success")
            assert colour_of(app, "#step-2", "● Started") == theme_colour(app, "text-primary")
            seen.append(delivered)
        assert seen[0] != seen[1], "the two themes' greens differ: the pane followed"
