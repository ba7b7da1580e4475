"""The real monitor with two bench hooks, for byte counts in a pty (see refresh.py).

`python -m tests.bench.launcher STATUS_FILE` starts `SendwatchApp` exactly as
`sendwatch` does (config, watch list and history from the XDG dirs of the environment),
with one difference: its refresher's client is a `SmsClient` that, after its `fetch`
(real HTTP to the simulator, real parse), can change the selected send's second
recipient by appending a copy of its last event - a change of that one row's "Events"
column only (same outcome, same counts, same everything else).

- SIGUSR1: the next poll of the selected send changes that row (one more event each
  time), and a poll is started now (`Refresher.refresh_now`).
- SIGUSR2: a poll of the selected send is started now, with nothing changed.

No keys are involved, so nothing but the poll can make the app write. After each fetch
returns, and after each `SendUpdated` has been handled, a line is appended to STATUS_FILE.
"""

from __future__ import annotations

import asyncio
import signal
import sys
from dataclasses import replace
from pathlib import Path
from typing import Any

from textual import on

from tui.cli.launch import freeze_startup_objects
from tui.core.api.client import SmsClient
from tui.core.api.model import Delivery, Recipient, SendKind
from tui.core.api.profile import Profile
from tui.core.store.config import load_config
from tui.core.store.history import History
from tui.core.store.watchlist import WatchList
from tui.ui.app import SendwatchApp
from tui.ui.monitor import MonitorScreen, SendUpdated

STATUS = Path(sys.argv[1])
EDITS = {"count": 0}


def note(text: str) -> None:
    with STATUS.open("a") as f:
        f.write(text + "\n")


def edited(delivery: Delivery, times: int) -> Delivery:
    if times <= 0 or len(delivery.recipients) < 2:
        return delivery
    recipients = list(delivery.recipients)
    r = recipients[1]
    recipients[1] = Recipient(r.mobile_number, r.events + (r.events[-1],) * times, r.outcome_code)
    return replace(delivery, recipients=tuple(recipients), event_count=delivery.event_count + times)


class BenchClient(SmsClient):
    async def fetch(
        self, kind: SendKind, message_id: str, token_id: str, *, previous: Delivery | None = None
    ) -> Delivery:
        delivery = await super().fetch(kind, message_id, token_id, previous=previous)
        delivery = edited(delivery, EDITS["count"])
        note(f"fetched {EDITS['count']}")
        return delivery


def client_factory(profile: Profile) -> BenchClient:
    return BenchClient(profile)


class BenchMonitor(MonitorScreen):
    @on(SendUpdated)
    def _noted(self, message: SendUpdated) -> None:
        state = message.state
        if state.delivery is not None:
            self.call_after_refresh(note, f"shown {len(state.delivery.recipients)}")


class BenchApp(SendwatchApp):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.monitor = BenchMonitor(self.services)

    def on_mount(self) -> None:
        loop = asyncio.get_running_loop()
        loop.add_signal_handler(signal.SIGUSR1, self._poll_changed)
        loop.add_signal_handler(signal.SIGUSR2, self._poll_same)
        note("mounted")

    def _poll_changed(self) -> None:
        EDITS["count"] += 1
        self._poll_same()

    def _poll_same(self) -> None:
        key = self.model.selected
        if key is not None:
            self.refresher.refresh_now(key)


def main() -> None:
    config = load_config()
    watchlist = WatchList()
    watchlist.load()
    history = History()
    app = BenchApp(config, watchlist, history=history, client_factory=client_factory)
    freeze_startup_objects()  # as `sendwatch` does
    app.run()


if __name__ == "__main__":
    main()
