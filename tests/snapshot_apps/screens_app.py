"""Fixed-data hosts for the dialog and drill-down screens (snapshots and Pilot tests).

Nothing here reads the clock: every time is a fixed 2020 datetime, so `fmt_local`
prints a full date whatever day the tests run (set TZ=UTC for stable hours).
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from typing import Any

from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import Static

from tui.core.api.message_history import MessageHistory, parse_message_history
from tui.core.api.model import Recipient
from tui.core.api.parse import parse_delivery
from tui.ui.display import Display

HOSTILE = "\x1b[31m[bold]x[/bold]\u202e"

BODY: dict[str, Any] = {
    "message": "Your code is 123456",
    "count": 3,
    "createDate": "2020-11-25T13:01:04.147",
    "completeDate": "2020-11-25T13:01:55.197",
    "status": "Finished",
    "tracking": [
        {
            "mobileNumber": "15555550100",
            "statusCode": "1000",
            "message": "Queued",
            "standardStatusCode": 1000,
            "description": "Queued in Marketing Cloud",
        },
        {
            "mobileNumber": "15555550100",
            "statusCode": "DELIVRD",
            "message": "Delivered",
            "standardStatusCode": 4000,
            "description": "The carrier confirmed delivery to the handset of the subscriber",
        },
        {
            "mobileNumber": "15555550100",
            "statusCode": "3001",
            "message": "SentToCarrier",
            "standardStatusCode": 3001,
            "description": "Sent to the carrier",
        },
        {
            "mobileNumber": "15555550100",
            "statusCode": "2000",
            "message": "Handed over",
            "standardStatusCode": 2000,
            "description": "Handed to the aggregator",
        },
        {"mobileNumber": "15555550101", "statusCode": "20", "message": "NA"},
        {
            "mobileNumber": "15555550102",
            "statusCode": HOSTILE,
            "message": HOSTILE,
            "standardStatusCode": 4503,
            "description": HOSTILE,
        },
    ],
}

T0 = datetime(2020, 11, 25, 19, 1, 10, tzinfo=UTC)
T1 = datetime(2020, 11, 25, 19, 1, 55, tzinfo=UTC)

HISTORY: dict[str, list[tuple[str, datetime]]] = {
    "15555550100": [("… pending", T0), ("✓ delivered", T1)],
}
SINCE: dict[str, datetime] = {"15555550100": T1}


MC_HISTORY: dict[str, dict[str, Any]] = {
    "15555550100": {
        "count": 3,
        "createDate": "2020-11-25T13:01:04.147",
        "status": "Active",
        "history": [
            {"type": "MT", "message": "Your code is 123456", "date": "2020-11-25T13:01:05.2"},
            {"type": "MO", "message": "STOP", "date": "2020-11-25T13:03:10"},
            {"type": "MT", "message": "You are unsubscribed.", "date": "2020-11-25T13:03:12"},
        ],
    },
    "15555550102": {
        "status": "Active",
        "history": [
            {"type": "MT", "message": "Your code is 123456", "date": "2020-11-25T13:01:05"},
            {"type": "MO", "message": HOSTILE, "date": "2020-11-25T13:02:00"},
        ],
    },
}
"""MobileConnect history replies by number; any other number has none."""


class MessageHistoryOf:
    """A drill-down MobileConnect reader over fixed replies, parsed as the client parses
    them. It records what it is asked; a number can be held on a gate or fail."""

    def __init__(
        self,
        replies: dict[str, dict[str, Any]] | None = None,
        *,
        gates: dict[str, asyncio.Event] | None = None,
        errors: dict[str, BaseException] | None = None,
    ) -> None:
        self.replies = MC_HISTORY if replies is None else replies
        self.gates = gates or {}
        self.errors = errors or {}
        self.asked: list[tuple[str, str]] = []

    async def __call__(self, send_key: str, mobile_number: str) -> MessageHistory:
        self.asked.append((send_key, mobile_number))
        gate = self.gates.get(mobile_number)
        if gate is not None:
            await gate.wait()
        error = self.errors.get(mobile_number)
        if error is not None:
            raise error
        body = self.replies.get(mobile_number, {"status": "Active", "history": []})
        return parse_message_history(body, mobile_number)


def recipients() -> tuple[Recipient, ...]:
    return parse_delivery(BODY).recipients


def history(number: str, wait: bool = True) -> Sequence[tuple[str, datetime]]:
    return HISTORY.get(number, [])


class HistoryOf:
    """A drill-down history from a function of (number, wait), recording the send keys
    it is asked for."""

    def __init__(self, read: Callable[[str, bool], Sequence[tuple[str, datetime]] | None]) -> None:
        self.read = read
        self.send_keys: list[str] = []

    def outcome_history(
        self, send_key: str, mobile_number: str, *, wait: bool = True
    ) -> Sequence[tuple[str, datetime]] | None:
        self.send_keys.append(send_key)
        return self.read(mobile_number, wait)


HELP_SECTIONS: list[tuple[str, list[Binding]]] = [
    (
        "Watch list",
        [
            Binding("a", "add", "Add a send", id="sidebar.add"),
            Binding("d,delete", "remove", "Remove the send", id="sidebar.remove"),
            Binding("ctrl+r", "refresh", "Refresh now", id="app.refresh"),
        ],
    ),
    (
        "Recipients",
        [
            Binding("up,k", "up", "Up", id="grid.up"),
            Binding("enter", "open", "Open the drill-down", id="grid.open"),
            Binding("f", "filter", "Filter by outcome", id="grid.filter"),
        ],
    ),
]


class ScreenHost(App[None]):
    """Shows a plain base screen and pushes the screen `make` builds, recording results."""

    def __init__(self, make: Callable[[], Screen[Any]]) -> None:
        super().__init__()
        self.make = make
        self.results: list[Any] = []

    def compose(self) -> ComposeResult:
        yield Static("sendwatch (test host)")

    def on_mount(self) -> None:
        self.push_screen(self.make(), self.results.append)


def add_send_app(profiles: Sequence[str] = ("acme", "globex")) -> ScreenHost:
    from tui.ui.screens.add_send import AddSendScreen

    return ScreenHost(lambda: AddSendScreen(profiles, profiles[0] if profiles else None))


def recipient_app(
    index: int = 0,
    message_history: MessageHistoryOf | None = None,
    display: Display | None = None,
) -> ScreenHost:
    from tui.ui.screens.recipient import RecipientScreen

    reader = MessageHistoryOf() if message_history is None else message_history
    return ScreenHost(
        lambda: RecipientScreen(
            recipients(),
            index,
            send_key="reset-send",
            send_name="Password reset",
            since=SINCE,
            history=HistoryOf(history),
            message_history=reader,
            display=display,
        )
    )


def help_app() -> ScreenHost:
    from tui.ui.screens.help import HelpScreen

    return ScreenHost(lambda: HelpScreen(HELP_SECTIONS))


if __name__ == "__main__":
    import sys

    which = sys.argv[1] if len(sys.argv) > 1 else "recipient"
    apps: dict[str, Callable[[], ScreenHost]] = {
        "add": add_send_app,
        "recipient": recipient_app,
        "help": help_app,
    }
    apps[which]().run()
