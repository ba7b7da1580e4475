"""The drill-down's "Message history (MobileConnect)" section, driven by Pilot: on fixed
replies (tests/snapshot_apps/screens_app.py), and in the real app against the simulator."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from textual.app import App
from textual.pilot import Pilot

from tests.snapshot_apps.screens_app import HOSTILE, MessageHistoryOf, recipient_app, recipients
from tests.test_app import Env, has_data, running, text_of, until
from tests.test_app import env as env  # the fixture, which tests below take by name
from tests.test_screens import screen_text, static_text
from tui.core.api.errors import (
    AuthError,
    BadResponse,
    NetworkError,
    RequestRejected,
    SendwatchError,
)
from tui.sim import Fault
from tui.ui.display import Display, DisplayChanged
from tui.ui.screens.recipient import RecipientScreen
from tui.ui.widgets.message_history import WORKER_GROUP, MessageHistoryView

SIZE = (80, 24)
FIRST, OLD_SHAPE, HOSTILE_ONE = (r.mobile_number for r in recipients())

pytestmark = pytest.mark.usefixtures("utc")


async def read(pilot: Pilot[Any]) -> None:
    """Let the section's reads land (they are workers on the event loop)."""
    app = pilot.app
    await pilot.pause()
    reads = [w for w in app.workers if w.group == WORKER_GROUP]
    if reads:  # an empty list would mean "every worker"
        await app.workers.wait_for_complete(reads)
    await pilot.pause()


def note(app: App[Any]) -> str:
    widget = app.screen.query_one("#mh-note")
    return static_text(app, "#mh-note") if widget.display else ""


def body(app: App[Any]) -> list[str]:
    widget = app.screen.query_one("#mh-body")
    return static_text(app, "#mh-body").splitlines() if widget.display else []


# --------------------------------------------------------------------------- fixed replies


async def test_sent_and_replies_are_listed_and_stop_is_called_out() -> None:
    app = recipient_app(0)
    async with app.run_test(size=SIZE) as pilot:
        await read(pilot)
        assert static_text(app, "#mh-title") == "Message history (MobileConnect) · API, local time"
        assert note(app) == "Replied STOP at 2020-11-25 19:03:10: opted out"
        assert body(app) == [
            "→ MT  2020-11-25 19:01:05  Your code is 123456",
            "← MO  2020-11-25 19:03:10  STOP",
            "→ MT  2020-11-25 19:03:12  You are unsubscribed.",
        ]
        shown = screen_text(app)
        assert "Message history (MobileConnect)" in shown and "Observed by sendwatch" in shown
        assert "← MO  2020-11-25 19:03:10  STOP" in shown  # on screen at 80×24, not cut


async def test_mc_time_shows_the_dates_as_marketing_cloud_wrote_them() -> None:
    app = recipient_app(0, display=Display(mc_time=True, plain=True))
    async with app.run_test(size=(120, 40)) as pilot:
        await read(pilot)
        title = static_text(app, "#mh-title")
        assert title == "Message history (MobileConnect) · API, MC time, UTC−6"
        assert note(app) == "Replied STOP at 2020-11-25T13:03:10 MC: opted out"
        assert body(app)[:2] == [
            "-> MT  2020-11-25T13:01:05.2 MC  Your code is 123456",
            "<- MO  2020-11-25T13:03:10 MC  STOP",
        ]


async def test_a_number_without_history_says_so_and_hostile_text_is_literal() -> None:
    app = recipient_app(1)
    async with app.run_test(size=(120, 40)) as pilot:
        await read(pilot)
        assert body(app) == ["no messages on record for this number"] and note(app) == ""
        await pilot.press("n")
        await read(pilot)
        assert body(app)[1] == "← MO  2020-11-25 19:02:00  ␛[31m[bold]x[/bold]<U+202E>"
        shown = screen_text(app)
        assert "[31m[bold]x[/bold]" in shown
        assert "\x1b" not in shown and "\u202e" not in shown


@pytest.mark.parametrize(
    ("error", "words"),
    [
        (
            NetworkError("timeout", "GET https://x.example/sms/v1/… timed out"),
            "could not be read: network error (timeout): GET https://x.example/sms/v1/… timed out",
        ),
        (
            RequestRejected("not found (HTTP 404)", status=404),
            "MobileConnect has no history for this number (HTTP 404)",
        ),
        (
            AuthError("profile 'p': access denied (HTTP 403); the package may lack…", status=403),
            "could not be read: profile 'p': access denied (HTTP 403); the package may lack…",
        ),
        (
            BadResponse("the server sent HTML, not a history reply"),
            "could not be read: bad reply: the server sent HTML, not a history reply",
        ),
        (
            SendwatchError(f"odd {HOSTILE}"),
            "could not be read: odd ␛[31m[bold]x[/bold]<U+202E>",
        ),
        (RuntimeError("a bug"), "could not be read: internal error (RuntimeError)"),
    ],
    ids=["network", "404", "auth", "bad-reply", "hostile", "bug"],
)
async def test_a_failed_read_says_why_and_the_drilldown_still_works(
    error: BaseException, words: str
) -> None:
    reader = MessageHistoryOf(errors={FIRST: error})
    app = recipient_app(0, reader)
    async with app.run_test(size=SIZE) as pilot:
        await read(pilot)
        assert note(app) == f"{words} (r reads again)" and body(app) == []
        assert app.screen.query_one("#mh-note").has_class("-failure")
        await pilot.press("n")  # the rest works
        await read(pilot)
        assert static_text(app, "#rc-number") == OLD_SHAPE
        assert body(app) == ["no messages on record for this number"]
        await pilot.press("p")  # back: a failed read is tried again
        await read(pilot)
        assert reader.asked.count(("reset-send", FIRST)) == 2
        assert note(app).startswith(words)
        assert isinstance(app.screen, RecipientScreen) and app.is_running


async def test_reads_are_kept_for_the_session_and_r_reads_again() -> None:
    reader = MessageHistoryOf()
    app = recipient_app(0, reader)
    async with app.run_test(size=SIZE) as pilot:
        await read(pilot)
        await pilot.press("n", "p")
        await read(pilot)
        assert reader.asked == [("reset-send", FIRST), ("reset-send", OLD_SHAPE)]
        reader.replies = {FIRST: {"status": "Active", "history": []}}
        gate = reader.gates[FIRST] = asyncio.Event()
        await pilot.press("r")
        assert note(app) == "reading…" and body(app) == []  # forgotten, not shown stale
        gate.set()
        await read(pilot)
        assert reader.asked[-1] == ("reset-send", FIRST) and len(reader.asked) == 3
        assert body(app) == ["no messages on record for this number"] and note(app) == ""


async def test_a_late_reply_for_another_recipient_is_not_shown() -> None:
    """n while a read is in flight, then p back to a number already read: the slow read
    lands, and must not replace what is on screen (it is kept for when n comes back)."""
    gate = asyncio.Event()
    reader = MessageHistoryOf(gates={OLD_SHAPE: gate})
    app = recipient_app(0, reader)
    async with app.run_test(size=SIZE) as pilot:
        await read(pilot)
        await pilot.press("n")
        await pilot.pause()
        assert note(app) == "reading…"
        await pilot.press("p")
        await pilot.pause()
        assert note(app).startswith("Replied STOP")
        reader.replies = {OLD_SHAPE: {"history": [{"type": "MO", "message": "late"}]}}
        gate.set()
        await read(pilot)
        assert static_text(app, "#rc-number") == FIRST
        assert note(app).startswith("Replied STOP") and "late" not in screen_text(app)
        await pilot.press("n")
        await pilot.pause()
        assert body(app) == ["← MO  —  late"]
        assert len(reader.asked) == 2  # from the session's reads: no third request


async def test_the_reused_screen_never_shows_another_sends_history() -> None:
    gate = asyncio.Event()
    reader = MessageHistoryOf(gates={FIRST: gate})
    app = recipient_app(0, reader)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, RecipientScreen)
        screen.show_recipients(recipients(), 0, send_key="other-send", send_name="Other")
        await pilot.pause()
        gate.set()  # the first send's read lands now
        await read(pilot)
        assert reader.asked == [("reset-send", FIRST), ("other-send", FIRST)]
        view = screen.query_one(MessageHistoryView)
        assert view.key == ("other-send", FIRST)
        assert ("reset-send", FIRST) not in view.cache  # cancelled: one read at a time
        assert note(app).startswith("Replied STOP")


async def test_without_a_reader_the_section_says_not_available() -> None:
    from tests.snapshot_apps.screens_app import ScreenHost

    app = ScreenHost(lambda: RecipientScreen(recipients(), 0, send_name="s"))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert note(app) == "not available"
        await pilot.press("r")  # nothing to read again: no error
        assert note(app) == "not available"


# --------------------------------------------------------------------------- the real app


def replier(env: Env, word: str, recipients: int = 400) -> tuple[Any, str]:
    """A finished send with a number whose replies include `word`, every reply in."""
    send = env.send("Sale", recipients)
    for number in env.sim.sends[send.token_id].numbers:
        entries = env.sim.history_entries(send.token_id, number)
        if any(e.type == "MO" and e.message.upper().startswith(word) for e in entries):
            env.sim.advance(6 * 3600)
            return send, number
    raise AssertionError(f"nobody replies {word}")


async def open_number(app: Any, pilot: Pilot[None], number: str) -> None:
    grid = app.monitor.detail.grid
    await until(pilot, lambda: grid.row_count > 0, "the rows")
    assert grid.move_to_number(number)
    grid.focus()
    await pilot.press("enter")
    await until(pilot, lambda: isinstance(app.screen, RecipientScreen), "the drill-down")


async def test_the_app_reads_the_history_from_the_simulator(env: Env) -> None:
    send, number = replier(env, "STOP")
    env.watch(send)
    app = env.app()
    async with running(app) as pilot:
        await until(pilot, lambda: has_data(app, send.key), "the first read")
        await open_number(app, pilot, number)
        await until(pilot, lambda: "Replied" in text_of(app, "#mh-note"), "the history")
        assert text_of(app, "#mh-note").endswith(": opted out")
        lines = text_of(app, "#mh-body").splitlines()
        assert lines[0].startswith("→ MT ") and lines[0].endswith("Message for Sale")
        assert lines[1].startswith("← MO ")
        assert env.sim.stats.history == 1
        await pilot.press("escape")
        await until(pilot, lambda: not isinstance(app.screen, RecipientScreen), "back")
        await pilot.press("enter")  # the same number again: from the session's read
        await until(pilot, lambda: isinstance(app.screen, RecipientScreen), "again")
        assert "Replied" in text_of(app, "#mh-note") and env.sim.stats.history == 1
        await pilot.press("r")
        await until(pilot, lambda: env.sim.stats.history == 2, "the re-read")


async def test_an_error_from_the_simulator_is_shown_in_the_section(env: Env) -> None:
    send = env.send("Sale", 5)
    env.sim.advance(600)
    env.sim.inject(send.token_id, Fault("unexpected", times=1), route="history")
    env.watch(send)
    app = env.app()
    async with running(app) as pilot:
        await until(pilot, lambda: has_data(app, send.key), "the first read")
        number = env.sim.sends[send.token_id].numbers[0]
        await open_number(app, pilot, number)
        await until(pilot, lambda: "unexpected error" in text_of(app, "#mh-note"), "the error")
        assert "reference id" in text_of(app, "#mh-note")
        assert text_of(app, "#rc-number")  # the drill-down itself is whole
        await pilot.press("r")  # the fault fired once: now it reads
        await until(pilot, lambda: "→ MT" in text_of(app, "#mh-body"), "the history")
        assert not app.screen.query_one("#mh-note").display


async def test_masking_hides_the_number_where_the_section_quotes_it() -> None:
    quoting = {FIRST: {"history": [{"type": "MO", "message": f"this is {FIRST}, call me"}]}}
    url = f"GET https://x.example/sms/v1/messageContact/M/history/T/mobileNumber/{FIRST}"
    for reader in (
        MessageHistoryOf(quoting),
        MessageHistoryOf(errors={FIRST: NetworkError("timeout", f"{url} timed out")}),
    ):
        app = recipient_app(0, reader, display=Display(masked=True))
        async with app.run_test(size=(120, 40)) as pilot:
            await read(pilot)
            shown = f"{note(app)}\n{chr(10).join(body(app))}"
            assert FIRST not in shown and FIRST not in screen_text(app)
            assert Display(masked=True).number(FIRST) in shown


async def test_masking_redraws_a_failed_read_without_reading_it_again() -> None:
    """`m` (the app's key) flips the display and tells the screen, which redraws."""
    display = Display()
    reader = MessageHistoryOf(errors={FIRST: BadResponse(f"cut-off JSON for {FIRST}")})
    app = recipient_app(0, reader, display=display)
    async with app.run_test(size=SIZE) as pilot:
        await read(pilot)
        assert FIRST in note(app)
        display.masked = True
        app.screen.post_message(DisplayChanged())
        await read(pilot)
        assert note(app).startswith("could not be read: bad reply: cut-off JSON for ")
        assert FIRST not in note(app) and display.number(FIRST) in note(app)
        assert len(reader.asked) == 1
