"""The dialogs, the recipient drill-down and the help screen, driven by keyboard at 80×24."""

from __future__ import annotations

import threading
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

import pytest
from rich.text import Text
from textual import events
from textual.app import App
from textual.pilot import Pilot
from textual.widgets import DataTable, Input, Select, Static

from tests.snapshot_apps.screens_app import (
    HELP_SECTIONS,
    HOSTILE,
    HistoryOf,
    ScreenHost,
    add_send_app,
    help_app,
    recipient_app,
    recipients,
)
from tui.core.api.model import SendKind
from tui.core.api.parse import parse_delivery
from tui.core.store.history import HistoryError
from tui.core.store.watchlist import WatchedSend, send_key
from tui.ui.screens.add_send import AddSendResult, AddSendScreen
from tui.ui.screens.confirm import ConfirmScreen
from tui.ui.screens.help import HelpScreen
from tui.ui.screens.recipient import RecipientScreen, why_line
from tui.ui.screens.text_prompt import TextPromptScreen
from tui.ui.widgets.message_history import WORKER_GROUP as MESSAGE_HISTORY_READS

SIZE = (80, 24)
MSG = "MzA6Nzg6MA"
TOKEN = "c21NCNSDN2sMMWM2miosdjEHH"


pytestmark = pytest.mark.usefixtures("utc")


def screen_text(app: App[Any]) -> str:
    """What the terminal shows right now, as plain text lines."""
    strips = app.screen._compositor.render_strips()
    return "\n".join(strip.text for strip in strips)


async def history_read(pilot: Pilot[Any]) -> None:
    """The drill-down reads histories in workers (observed: a thread; MobileConnect: on
    the loop): wait for them to land."""
    app = pilot.app
    await pilot.pause()
    reads = [w for w in app.workers if w.group in ("history", MESSAGE_HISTORY_READS)]
    if reads:  # an empty list would mean "every worker", the refresher's too
        await app.workers.wait_for_complete(reads)
    await pilot.pause()


def static_text(app: App[Any], selector: str) -> str:
    content = app.screen.query_one(selector, Static).content
    assert isinstance(content, Text), f"{selector} must hold rich Text, not markup"
    return content.plain


async def paste(pilot: Pilot[Any], text: str) -> None:
    focused = pilot.app.focused
    assert focused is not None
    focused.post_message(events.Paste(text))
    await pilot.pause()


async def type_text(pilot: Pilot[Any], text: str) -> None:
    await pilot.press(*["space" if ch == " " else ch for ch in text])


def watched_key(profile: str, kind: SendKind, message_id: str, token_id: str) -> str:
    """The key the watch list uses, built by WatchedSend, so the formats agree."""
    return WatchedSend(profile, message_id, token_id, kind).key


# --------------------------------------------------------------------------- add a send


def add_app(
    profiles: Sequence[str] = ("acme", "globex"),
    default: str | None = "acme",
    existing: Sequence[str] = (),
    config_path: str | None = None,
) -> ScreenHost:
    return ScreenHost(lambda: AddSendScreen(profiles, default, existing, config_path=config_path))


async def test_add_invalid_id_shows_the_reason_as_you_type_and_refuses_submit() -> None:
    app = add_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert app.focused is not None and app.focused.id == "message-id"
        await type_text(pilot, "ab")
        assert static_text(app, "#message-id-error") == ""
        await type_text(pilot, " c")
        assert static_text(app, "#message-id-error") == (
            "message id: it contains ' ' (ids use letters, digits and + / = _ -)"
        )
        assert app.screen.query_one("#message-id", Input).has_class("-invalid")
        await pilot.press("tab")
        await paste(pilot, TOKEN)
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, AddSendScreen)
        assert app.results == []
        assert "Fix the field marked above" in static_text(app, "#form-error")
        assert app.focused is not None and app.focused.id == "message-id"
        # Correcting the id clears the reason as you type.
        await pilot.press("end", "backspace", "backspace")
        assert static_text(app, "#message-id-error") == ""
        assert not app.screen.query_one("#message-id", Input).has_class("-invalid")


async def test_add_empty_ids_are_reported_only_on_submit() -> None:
    app = add_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert static_text(app, "#message-id-error") == ""
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.results == []
        assert static_text(app, "#message-id-error") == "message id: it is empty"
        assert static_text(app, "#token-id-error") == "token id: it is empty"
        assert "the fields" in static_text(app, "#form-error")


async def test_add_valid_send_returns_stripped_ids() -> None:
    app = add_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await paste(pilot, f"  {MSG} \n")
        assert app.screen.query_one("#message-id", Input).value == MSG
        await pilot.press("enter")  # next field
        assert app.focused is not None and app.focused.id == "token-id"
        await type_text(pilot, " T0k=  ")  # typed spaces: not an error, dropped
        assert static_text(app, "#token-id-error") == ""
        await pilot.press("enter")
        assert app.focused is not None and app.focused.id == "label"
        assert app.screen.query_one("#token-id", Input).value == "T0k="  # stripped on leave
        await type_text(pilot, "reset")
        await pilot.press("enter")  # the last field submits
        await pilot.pause()
    assert app.results == [AddSendResult("acme", MSG, "T0k=", SendKind.MESSAGE_CONTACT, "reset")]


async def test_add_stripped_ids_still_flag_inner_spaces_from_a_paste() -> None:
    app = add_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await paste(pilot, "  MzA6 Nzg6MA  ")
        assert app.screen.query_one("#message-id", Input).value == "MzA6 Nzg6MA"
        assert "it contains ' '" in static_text(app, "#message-id-error")


async def test_add_profile_and_kind_are_chosen_by_keyboard() -> None:
    app = add_app(default="globex")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert app.screen.query_one("#profile", Select).value == "globex"
        await pilot.press("shift+tab")  # to the kind
        assert app.focused is not None and app.focused.id == "kind"
        await pilot.press("right", "enter")
        await pilot.press("tab")
        await paste(pilot, MSG)
        await pilot.press("tab")
        await paste(pilot, TOKEN)
        await pilot.press("ctrl+s")
        await pilot.pause()
    assert app.results == [AddSendResult("globex", MSG, TOKEN, SendKind.MESSAGE_LIST, "")]
    got = app.results[0]
    assert send_key(got.profile, got.kind, got.message_id, got.token_id) == watched_key(
        "globex", SendKind.MESSAGE_LIST, MSG, TOKEN
    )


async def test_add_refuses_a_send_that_is_already_watched() -> None:
    existing = [watched_key("acme", SendKind.MESSAGE_CONTACT, MSG, TOKEN)]
    app = add_app(existing=existing)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await paste(pilot, MSG)
        await pilot.press("tab")
        await paste(pilot, TOKEN)
        assert "already watched" in static_text(app, "#form-error")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.results == []
        assert isinstance(app.screen, AddSendScreen)
        # The same ids as a MessageList send are a different send.
        app.screen.query_one("#kind").focus()
        await pilot.press("right", "enter")
        assert static_text(app, "#form-error") == ""
        await pilot.press("ctrl+s")
        await pilot.pause()
    assert [r.kind for r in app.results] == [SendKind.MESSAGE_LIST]


async def test_add_escape_returns_none() -> None:
    app = add_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await type_text(pilot, "ab")
        await pilot.press("escape")
        await pilot.pause()
    assert app.results == [None]


async def test_add_with_one_profile_shows_it_without_a_select() -> None:
    app = add_app(profiles=["acme"], default=None)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert not app.screen.query(Select)
        assert static_text(app, "#profile-only").startswith("acme")
        await paste(pilot, MSG)
        await pilot.press("tab")
        await paste(pilot, TOKEN)
        await pilot.press("ctrl+s")
        await pilot.pause()
    assert [r.profile for r in app.results] == ["acme"]


async def test_add_without_profiles_says_how_to_add_one() -> None:
    app = add_app(profiles=[], default=None, config_path="/home/me/.config/sendwatch/config.toml")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        shown = screen_text(app)
        assert "No profiles are configured" in shown
        assert "/home/me/.config/sendwatch/config.toml" in shown
        assert not app.screen.query(Input)
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.results == []
        await pilot.press("escape")
        await pilot.pause()
    assert app.results == [None]


# --------------------------------------------------------------------------- confirm


def confirm_app(question: str = "Remove this send?", detail: str = "") -> ScreenHost:
    return ScreenHost(lambda: ConfirmScreen(question, detail))


@pytest.mark.parametrize(
    ("keys", "answer"),
    [(["y"], True), (["escape"], False), (["n"], False), (["enter"], False)],
)
async def test_confirm_keys(keys: list[str], answer: bool) -> None:
    app = confirm_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press(*keys)
        await pilot.pause()
    assert app.results == [answer]


async def test_confirm_focus_starts_on_cancel_and_tab_reaches_remove() -> None:
    app = confirm_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert app.focused is not None and app.focused.id == "no"
        await pilot.press("left")
        assert app.focused is not None and app.focused.id == "yes"
        await pilot.press("enter")
        await pilot.pause()
    assert app.results == [True]


async def test_confirm_shows_question_and_detail_literally() -> None:
    app = confirm_app(f"Remove {HOSTILE}?", "line one\nline [i]two[/i]")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        shown = screen_text(app)
    assert "[31m[bold]x[/bold]<U+202E>?" in shown
    assert "line [i]two[/i]" in shown
    assert "\x1b" not in shown


# --------------------------------------------------------------------------- text prompt


def prompt_app(value: str = "old label", max_length: int = 80) -> ScreenHost:
    return ScreenHost(
        lambda: TextPromptScreen("Label for [b]send[/b]", value, "a label", max_length)
    )


async def test_text_prompt_returns_the_edited_text() -> None:
    app = prompt_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert "Label for [b]send[/b]" in screen_text(app)
        await pilot.press("end")
        await type_text(pilot, " 2 ")
        await pilot.press("enter")
        await pilot.pause()
    assert app.results == ["old label 2"]


async def test_text_prompt_replaces_the_selected_value_and_respects_max_length() -> None:
    app = prompt_app(max_length=5)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await type_text(pilot, "abcdefgh")
        await pilot.press("enter")
        await pilot.pause()
    assert app.results == ["abcde"]


async def test_text_prompt_escape_returns_none() -> None:
    app = prompt_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await type_text(pilot, "new")
        await pilot.press("escape")
        await pilot.pause()
    assert app.results == [None]


# --------------------------------------------------------------------------- drill-down


def capture_notes(app: App[Any]) -> list[str]:
    notes: list[str] = []

    def notify(message: str, **_: Any) -> None:
        notes.append(message)

    app.notify = notify  # type: ignore[method-assign]
    return notes


def table_rows(app: App[Any]) -> list[list[str]]:
    table = app.screen.query_one("#rc-events", DataTable)
    rows = []
    for i in range(table.row_count):
        cells = table.get_row_at(i)
        assert all(isinstance(c, Text) for c in cells), "DataTable cells must be Text"
        rows.append([c.plain for c in cells])
    return rows


def test_why_line_names_the_highest_code_and_the_last_event() -> None:
    first, old_shape, single = recipients()
    assert why_line(first) == (
        "4000 Delivered is the highest standard code among 4 events "
        "(highest wins; the last event was 2000 DeliveredToAggregator)."
    )
    assert why_line(old_shape) == "No standard codes; showing the carrier's raw status."
    assert why_line(single) == "4503 Rejected is the highest standard code among 1 event."


def test_why_line_counts_events_without_codes_and_an_unknown_code() -> None:
    (r,) = parse_delivery(
        {
            "status": "Finished",
            "tracking": [
                {"mobileNumber": "1", "standardStatusCode": 9999},
                {"mobileNumber": "1", "statusCode": "ACK", "message": "ok"},
            ],
        }
    ).recipients
    assert why_line(r) == (
        "9999 (not in the standard code table) is the highest standard code among 2 events, "
        "1 with a standard code (highest wins; the last event was 'ACK ok' with no "
        "standard code)."
    )


async def test_drilldown_shows_outcome_why_and_events_in_carrier_order() -> None:
    app = recipient_app(0)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, RecipientScreen)
        assert static_text(app, "#rc-number") == "15555550100"
        assert static_text(app, "#rc-position") == "recipient 1 of 3"
        assert static_text(app, "#rc-outcome") == (
            "✓ delivered · 4000 Delivered · first seen by sendwatch 2020-11-25 19:01:55"
        )
        assert static_text(app, "#rc-why") == f"Why: {why_line(recipients()[0])}"
        rows = table_rows(app)
        assert [r[0] for r in rows] == [" 1", "▶2", " 3", " 4"]
        assert [r[3] for r in rows] == ["1000", "4000", "3001", "2000"]
        assert rows[1][1:5] == ["DELIVRD", "Delivered", "4000", "Delivered"]
        table = app.screen.query_one("#rc-events", DataTable)
        assert table.cursor_row == 1
        assert "Event 2: 4000 Delivered — Delivered to the handset" in static_text(
            app, "#rc-detail"
        )
        await pilot.press("up")
        assert static_text(app, "#rc-detail").startswith("Event 1: 1000 QueuedToSfmcSendService")


async def test_drilldown_old_shape_recipient_shows_the_raw_status() -> None:
    app = recipient_app(1)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert static_text(app, "#rc-outcome") == "? unknown · 20 NA (the carrier's raw status)"
        assert "No standard codes" in static_text(app, "#rc-why")
        assert table_rows(app) == [["▶1", "20", "NA", "", "", ""]]


async def test_drilldown_n_and_p_move_and_stop_at_the_ends() -> None:
    app = recipient_app(0)
    async with app.run_test(size=SIZE) as pilot:
        notes = capture_notes(app)
        await pilot.pause()
        await pilot.press("p")
        assert static_text(app, "#rc-position") == "recipient 1 of 3"
        assert notes == ["This is the first recipient."]
        await pilot.press("n")
        assert static_text(app, "#rc-position") == "recipient 2 of 3"
        assert static_text(app, "#rc-number") == "15555550101"
        await pilot.press("n", "n")
        assert static_text(app, "#rc-position") == "recipient 3 of 3"
        assert notes[-1] == "This is the last recipient."
        await pilot.press("p")
        assert static_text(app, "#rc-number") == "15555550101"
        assert len(table_rows(app)) == 1


async def test_drilldown_renders_hostile_server_text_literally() -> None:
    app = recipient_app(2)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        row = table_rows(app)[0]
        assert "[31m[bold]x[/b" in row[1]  # the status column is short: truncated
        for cell in (row[1], row[2], row[5]):
            assert "\x1b" not in cell and "\u202e" not in cell
        for cell in (row[2], row[5]):
            assert "[31m[bold]x[/bold]" in cell
        shown = screen_text(app)
        assert "[31m[bold]x[/bold]" in shown
        assert "\x1b" not in shown and "\u202e" not in shown


async def test_drilldown_history_section() -> None:
    app = recipient_app(0)
    async with app.run_test(size=SIZE) as pilot:
        await history_read(pilot)
        assert "Observed by sendwatch" in screen_text(app)
        assert static_text(app, "#rc-history") == (
            "2020-11-25 19:01:10  … pending\n2020-11-25 19:01:55  ✓ delivered"
        )
        await pilot.press("n")
        await history_read(pilot)
        assert static_text(app, "#rc-history") == "none recorded"


async def test_drilldown_history_is_read_off_the_ui_thread_and_survives_errors() -> None:
    """A history locked by another window for seconds must not freeze the UI, and a
    failed read is a line on screen, not a traceback."""
    gate = threading.Event()
    threads: list[threading.Thread] = []

    def history(number: str, wait: bool) -> list[tuple[str, datetime]] | None:
        if not wait:
            return None  # busy: the screen must read in a thread
        threads.append(threading.current_thread())
        if number.endswith("0"):
            gate.wait(timeout=5)
            return [("4000", datetime(2020, 1, 2, 3, 4, 5, tzinfo=UTC))]
        raise HistoryError("history.sqlite3: database is locked [31m")

    app = ScreenHost(
        lambda: RecipientScreen(recipients(), 0, send_name="s", history=HistoryOf(history))
    )
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert static_text(app, "#rc-history") == "reading…", "the UI runs while it reads"
        await pilot.press("n")  # move on before the slow read is done
        gate.set()
        await history_read(pilot)
        shown = static_text(app, "#rc-history")
        assert shown == "could not be read: history.sqlite3: database is locked [31m"
        assert threading.main_thread() not in threads


async def test_drilldown_history_not_available_and_long_history() -> None:
    when = datetime(2020, 1, 2, 3, 4, 5, tzinfo=UTC)
    many = [(f"state {i}", when) for i in range(8)]
    app = ScreenHost(
        lambda: RecipientScreen(
            recipients(),
            0,
            send_name="s",
            history=HistoryOf(lambda n, _: many if n.endswith("0") else []),
        )
    )
    async with app.run_test(size=SIZE) as pilot:
        await history_read(pilot)
        lines = static_text(app, "#rc-history").splitlines()
        assert lines[0] == "… 3 earlier changes"
        assert lines[1:] == [f"2020-01-02 03:04:05  state {i}" for i in range(3, 8)]
    bare = ScreenHost(lambda: RecipientScreen(recipients(), 0, send_name="s"))
    async with bare.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert static_text(bare, "#rc-history") == "not available"
        assert "since" not in static_text(bare, "#rc-outcome")


async def test_drilldown_copy_and_back() -> None:
    app = recipient_app(0)
    async with app.run_test(size=SIZE) as pilot:
        notes = capture_notes(app)
        await pilot.pause()
        await pilot.press("c")
        assert app.clipboard == "15555550100"
        assert notes == ["Copied 15555550100 to the clipboard."]
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, RecipientScreen)
    assert app.results == [None]


# --------------------------------------------------------------------------- help


async def test_help_lists_every_binding_given() -> None:
    app = help_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        shown = screen_text(app)
        assert "esc or q or ? closes this list" in shown  # from the help's own bindings
        for title, bindings in HELP_SECTIONS:
            assert title in shown
            for binding in bindings:
                assert binding.description in shown
        assert "d / del  Remove the send" in shown
        assert "^r" in shown


@pytest.mark.parametrize("key", ["escape", "q", "question_mark"])
async def test_help_closes(key: str) -> None:
    app = help_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press(key)
        await pilot.pause()
        assert not isinstance(app.screen, HelpScreen)
    assert app.results == [None]


async def test_help_scrolls_when_it_is_long() -> None:
    from textual.binding import Binding

    sections = [(f"Part {i}", [Binding(f"f{i}", "x", f"Action {i}")]) for i in range(1, 13)]
    app = ScreenHost(lambda: HelpScreen(sections))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert "Action 12" not in screen_text(app)
        await pilot.press("end")
        await pilot.pause()
        assert "Action 12" in screen_text(app)


# --------------------------------------------------------------------------- snapshots


INVALID_ID_KEYS = ["a", "b", "space", "c"]


async def _no_blink(pilot: Pilot[Any]) -> None:
    await pilot.pause()
    for widget in pilot.app.screen.query(Input):
        widget.cursor_blink = False


def test_snapshot_add_invalid_id_80x24(snap_compare: Any) -> None:
    assert snap_compare(add_send_app(), press=INVALID_ID_KEYS, run_before=_no_blink)


def test_snapshot_add_invalid_id_120x40(snap_compare: Any) -> None:
    assert snap_compare(
        add_send_app(),
        press=INVALID_ID_KEYS,
        terminal_size=(120, 40),
        run_before=_no_blink,
    )


def test_snapshot_drilldown_80x24(snap_compare: Any) -> None:
    assert snap_compare(recipient_app(0), run_before=history_read)


def test_snapshot_drilldown_120x40(snap_compare: Any) -> None:
    assert snap_compare(recipient_app(0), terminal_size=(120, 40), run_before=history_read)


def test_snapshot_help_80x24(snap_compare: Any) -> None:
    assert snap_compare(help_app())
