"""Small and plain terminals: nothing cut mid-number at 80×24, `\\` hides the sidebar,
`--plain` draws ASCII without animation, NO_COLOR keeps choices apart, themes persist."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import pytest
from textual.app import App, ComposeResult
from textual.widgets import Input, RadioSet

from tests import test_app
from tests.test_app import Env, has_data, running, screen, text_of, until
from tui.cli.args import build_parser
from tui.cli.launch import with_flags
from tui.core.api.errors import SendwatchError
from tui.core.api.parse import parse_delivery
from tui.core.glyphs import GLYPH, is_ascii, use_ascii
from tui.core.state import SendState
from tui.core.store.ui_state import load_ui_state, save_theme, ui_state_path
from tui.core.store.watchlist import WatchedSend
from tui.ui.app import SendwatchApp, css_path
from tui.ui.screens.add_send import AddSendScreen
from tui.ui.widgets.choice import ChoiceButton, TickBox
from tui.ui.widgets.send_detail import summary_text
from tui.ui.widgets.send_entry import entry_pieces, plain
from tui.ui.widgets.send_list import STALE_ROOM, SendList

pytestmark = pytest.mark.usefixtures("utc")
env = test_app.env
"""test_app's fixture: one user's files and the simulator they point at."""

NOW = datetime(2026, 11, 26, 12, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def unicode_after() -> Iterator[None]:
    """The glyph set is process-wide: every test here leaves the Unicode one behind."""
    yield
    use_ascii(False)


def big_state(label: str, delivered: int, failed: int, pending: int) -> SendState:
    send = WatchedSend("p", f"M{label}", f"T{label}", "messageContact", label, NOW)
    tracking = (
        [{"mobileNumber": f"1{i}", "standardStatusCode": "4000"} for i in range(delivered)]
        + [{"mobileNumber": f"2{i}", "standardStatusCode": "4501"} for i in range(failed)]
        + [{"mobileNumber": f"3{i}", "standardStatusCode": "1000"} for i in range(pending)]
    )
    body = {"status": "Started", "count": 20_000, "tracking": tracking}
    return SendState(send, delivery=parse_delivery(body), fetched_at=NOW)


class SidebarApp(App[None]):
    """The sidebar with the monitor's own stylesheet (its width rules live there)."""

    CSS_PATH = css_path()
    HORIZONTAL_BREAKPOINTS = SendwatchApp.HORIZONTAL_BREAKPOINTS

    def compose(self) -> ComposeResult:
        yield SendList(id="sidebar", now=lambda: NOW)


# --------------------------------------------------------------------------- the sidebar


async def test_at_80_columns_the_sidebar_widens_so_no_count_is_left_out() -> None:
    app = SidebarApp()
    async with app.run_test(size=(80, 24)) as pilot:
        sidebar = app.query_one(SendList)
        sidebar.set_entries([big_state("Blast", 1265, 111, 244)], 0)
        await pilot.pause()
        second = sidebar.entry_plain(0).split(" | ")[1]
        assert "✓1,265 ✗111 …244" in second, second
        assert not second.endswith(" …"), "no count left out"
        assert sidebar.outer_size.width <= 30, "the detail pane keeps the rest"


async def test_the_sidebar_is_only_as_wide_as_its_entries_need() -> None:
    app = SidebarApp()
    async with app.run_test(size=(120, 40)) as pilot:
        sidebar = app.query_one(SendList)
        sidebar.set_entries([big_state("Short", 3, 0, 0)], 0)
        await pilot.pause()
        narrow = sidebar.outer_size.width
        first, second = entry_pieces(big_state("Short", 3, 0, 0), NOW)
        need = max(len(plain(first)), len(plain(second)) + STALE_ROOM)
        assert narrow == max(20, need + 2 + 1), "text, room to go stale, marker, blank, border"
        failing = replace(big_state("Short", 3, 0, 0), error=SendwatchError("HTTP 500"))
        sidebar.update_entry(0, failing)
        await pilot.pause()
        assert "⚠ stale" in sidebar.entry_plain(0)
        assert sidebar.outer_size.width == narrow, "a failing read moves nothing"
        sidebar.update_entry(0, big_state("Short", 1234, 10, 5))
        await pilot.pause()
        assert sidebar.outer_size.width > narrow, "a count that grew widens it"
        assert "✓1,234 ✗10 …5" in sidebar.entry_plain(0)


async def test_backslash_hides_the_sidebar_and_gives_the_grid_its_width(env: Env) -> None:
    send = env.send("Hide me", 5)
    env.watch(send)
    app = env.app()
    async with running(app) as pilot:
        await until(pilot, lambda: has_data(app, send.key), "the first read")
        grid = app.monitor.detail.grid
        before = grid.size.width
        await pilot.press("backslash")
        await pilot.pause()
        assert not app.monitor.send_list.display
        assert app.focused is grid, "the focus left the hidden sidebar"
        assert grid.size.width > before
        await pilot.press("backslash")
        await pilot.pause()
        assert app.monitor.send_list.display
        assert grid.size.width == before


# --------------------------------------------------------------------------- the detail


def test_the_time_zone_hint_comes_right_after_the_first_time() -> None:
    """A long line (MC time, a completed send) is cut at its end: never the hint."""
    created = "2026-11-26T05:59:59.668"
    body = {
        "status": "Finished",
        "count": 1,
        "createDate": created,
        "completeDate": "2026-11-26T06:59:59.668",
        "tracking": [],
    }
    send = WatchedSend("p", "M", "T", "messageContact", "x", NOW)
    state = SendState(send, delivery=parse_delivery(body), fetched_at=NOW)
    text = summary_text(state, mc_time=True, now=NOW, interval=5).plain
    line = text.splitlines()[2]
    assert line.startswith("API created 05:59:59 (MC time, UTC−6; t) · completed")
    assert line.index("; t)") < 60, "the hint fits however narrow the pane"


# --------------------------------------------------------------------------- --plain


def test_plain_is_a_flag_of_monitor_and_demo_and_a_setting(env: Env) -> None:
    parser = build_parser()
    for argv in (["--plain"], ["monitor", "--plain"], ["demo", "--plain"]):
        config = with_flags(env.config, parser.parse_args(argv))
        assert config.settings.plain, argv
    assert not with_flags(env.config, parser.parse_args(["demo"])).settings.plain


def test_the_ascii_set_has_only_ascii_and_the_entry_uses_it() -> None:
    use_ascii(True)
    assert is_ascii() and all(glyph.isascii() for glyph in GLYPH.values())
    first, second = entry_pieces(big_state("Batch", 12, 3, 4), NOW)
    text = plain(first) + plain(second)
    assert text.isascii(), text
    assert "+12 x3 *4" in text
    use_ascii(False)
    assert "✓12 ✗3 …4" in plain(entry_pieces(big_state("Batch", 12, 3, 4), NOW)[1])


async def test_plain_draws_ascii_and_turns_animation_off(env: Env) -> None:
    from msgspec import structs

    send = env.send("Plain", 5)
    env.watch(send)
    env.config = structs.replace(
        env.config, settings=structs.replace(env.config.settings, plain=True)
    )
    app = env.app()
    assert app.animation_level == "none"
    async with running(app) as pilot:
        await until(pilot, lambda: has_data(app, send.key), "the first read")
        sidebar = app.monitor.send_list
        drawn = "".join(sidebar.render_line(y).text for y in range(2))
        assert drawn.isascii(), drawn
        assert drawn.startswith(">"), "the cursor marker"
        assert text_of(app, "#counts").isascii()
        assert app.has_class("-plain")
        await pilot.press("a")
        await until(pilot, lambda: isinstance(app.screen, AddSendScreen), "the add dialog")
        fields = list(app.screen.query(Input))
        assert fields and not any(field.cursor_blink for field in fields), "no blinking"


# --------------------------------------------------------------------------- NO_COLOR


class KindApp(App[None]):
    def compose(self) -> ComposeResult:
        with RadioSet():
            yield ChoiceButton("MessageContact", value=True)
            yield ChoiceButton("MessageList")
        yield TickBox("Include every raw event")


@pytest.mark.parametrize("ascii_set", [False, True])
async def test_the_two_kind_buttons_differ_without_colour(
    monkeypatch: pytest.MonkeyPatch, ascii_set: bool
) -> None:
    monkeypatch.setenv("NO_COLOR", "1")
    use_ascii(ascii_set)
    app = KindApp()
    async with app.run_test() as pilot:
        app.query_one(RadioSet).focus()
        await pilot.pause()
        on, off = app.query(ChoiceButton)
        on_text, off_text = on.render().plain, off.render().plain
        assert on_text.split()[0] != off_text.split()[0], (on_text, off_text)
        assert ("(*)" if ascii_set else "●") in on_text
        assert ("( )" if ascii_set else "▐ ▌") in off_text
        reversed_ = [span for span in on.render().spans if "reverse" in str(span.style)]
        assert reversed_, "the focused choice is reversed"
        assert not [span for span in off.render().spans if "reverse" in str(span.style)]
        box = app.query_one(TickBox)
        unticked = box.render().plain
        box.toggle()
        await pilot.pause()
        ticked = box.render().plain
        assert unticked != ticked
        assert ("[ ]" if ascii_set else "▐ ▌") in unticked
        assert ("[x]" if ascii_set else "▐X▌") in ticked


# --------------------------------------------------------------------------- themes


def test_a_saved_theme_is_read_back_and_a_damaged_file_is_the_defaults(tmp_path: Path) -> None:
    path = tmp_path / "ui.json"
    assert load_ui_state(path).theme is None
    save_theme("nord", path)
    assert load_ui_state(path).theme == "nord"
    assert json.loads(path.read_text()) == {"theme": "nord"}
    assert path.stat().st_mode & 0o777 == 0o600
    path.write_text("{not json")
    assert load_ui_state(path).theme is None
    path.write_text(json.dumps({"theme": "x" * 500}))
    assert load_ui_state(path).theme is None


async def test_the_chosen_theme_is_the_one_the_next_start_opens_with(env: Env) -> None:
    app = env.app()
    async with running(app) as pilot:
        assert app.theme != "nord"
        app.theme = "nord"
        await pilot.pause()
        await pilot.pause()
    assert load_ui_state(ui_state_path()).theme == "nord"
    again = env.app()
    async with running(again) as pilot:
        await pilot.pause()
        assert again.theme == "nord"


async def test_a_saved_theme_that_no_longer_exists_is_ignored(env: Env) -> None:
    save_theme("gone-theme")
    app = env.app()
    async with running(app) as pilot:
        await pilot.pause()
        assert app.theme == "textual-dark"


async def test_under_plain_every_screen_reaches_the_terminal_as_ascii(env: Env) -> None:
    """What Textual draws itself (the `…` of a cut line, a toast's edge, `⏎` in the
    footer) and sendwatch's own punctuation (`·`, `—`, `≤`) too: nothing but ASCII."""
    from msgspec import structs

    send = env.send("Plain", 30)
    env.sim.advance(60)
    env.watch(send)
    env.config = structs.replace(
        env.config, settings=structs.replace(env.config.settings, plain=True)
    )
    app = env.app()
    async with running(app, notifications=True) as pilot:
        await until(pilot, lambda: has_data(app, send.key), "the first read")
        shown = {"monitor": screen(app)}
        for key, name in (("tab", "grid"), ("b", "breakdown"), ("?", "help")):
            await pilot.press(key)
            await pilot.pause()
            shown[name] = screen(app)
        await pilot.press("escape")
        await pilot.press("Y")
        await pilot.pause()
        shown["ticket"] = screen(app)
    for name, text in shown.items():
        odd = sorted({c for c in text if not c.isascii()})
        assert not odd, f"{name}: {odd}"
    assert "·" not in shown["monitor"] and "|" in shown["monitor"]
