"""Watch-list writes from the UI: in a thread, one at a time, in the order asked.

A write takes a lock and an fsync; on a network home, or while another window holds the
lock (up to LOCK_TIMEOUT), that must stall neither the screen nor the app's messages.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any, TypeVar

from textual.app import App

from tui.core.api.errors import SendwatchError

T = TypeVar("T")


class WatchListWriter:
    """Runs each write in a thread from a worker of its own, then its follow-up."""

    def __init__(self, app: App[Any]) -> None:
        self._app = app
        self._turn = asyncio.Lock()

    def save(
        self,
        write: Callable[[], T],
        then: Callable[[T], None] | None = None,
        failed: Callable[[], None] | None = None,
    ) -> None:
        """Run `write`, then `then(result)`; on failure say so, call `failed` and keep
        what is on screen."""

        async def run() -> None:
            async with self._turn:
                try:
                    result = await asyncio.to_thread(write)
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
