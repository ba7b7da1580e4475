"""Watch-list writes from the UI: in a thread, one at a time, in the order asked.

A write takes a lock and an fsync; on a network home, or while another window holds the
lock (up to LOCK_TIMEOUT), that must stall neither the screen nor the app's messages.
Every write asked for is done, even when the app quits (or is sent SIGTERM) while it
waits: `flush()` at unmount waits for them, and quitting never cancels one.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

from textual.app import App

from tui.core.api.errors import SendwatchError

T = TypeVar("T")


class WatchListWriter:
    """Runs each write on one thread of its own (so in order), then its follow-up."""

    def __init__(self, app: App[Any]) -> None:
        self._app = app
        self._thread = ThreadPoolExecutor(max_workers=1, thread_name_prefix="watchlist")
        self._closed = False

    def save(
        self,
        write: Callable[[], T],
        then: Callable[[T], None] | None = None,
        failed: Callable[[], None] | None = None,
    ) -> None:
        """Run `write`, then `then(result)`; on failure say so, call `failed` and keep
        what is on screen."""
        if self._closed:  # the app is going: write now, nobody is left to follow up
            with contextlib.suppress(SendwatchError, OSError):
                write()
            return
        # Queued now, not when a worker gets to it: a quit cancels workers, not this.
        done = asyncio.wrap_future(self._thread.submit(write))

        async def run() -> None:
            try:
                result = await asyncio.shield(done)  # a cancelled worker keeps the write
            except (SendwatchError, OSError) as exc:
                self._app.notify(
                    str(exc), title="Watch list not saved", severity="error", markup=False
                )
                if failed is not None:
                    failed()
                return
            if then is not None:
                then(result)

        self._app.run_worker(run(), group="watchlist")

    def flush(self) -> None:
        """Wait until every write asked for so far is on disk (quit, SIGTERM, SIGHUP)."""
        self._closed = True
        self._thread.shutdown(wait=True)
