"""SIGTERM and SIGHUP end the app the way `q` does, not by the default action.

Killed outright, the app would leave the terminal in the alternate screen with mouse
reporting on and the cursor hidden, and lose watch-list writes still waiting. Here the
event loop turns the signal into `app.exit()`: Textual restores the terminal, the app's
unmount flushes the writes, and the process exits 128 + the signal's number (143, 129),
as a shell reports a program the signal ended. A second signal while that runs ends the
process at once (the default action), for a user who means it.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
from collections.abc import Callable
from typing import Any

from textual.app import App

STOP_SIGNALS = (signal.SIGTERM, signal.SIGHUP)
SIGNAL_EXIT_CODES = frozenset(128 + signum for signum in STOP_SIGNALS)
"""143 and 129: the app's return code when a signal stopped it (not a crash)."""

_Handler = Callable[[int, Any], Any] | int | None


class SignalStop:
    """Installs the handlers on the running loop; `remove()` puts the old ones back."""

    def __init__(self, app: App[Any]) -> None:
        self._app = app
        self._loop: asyncio.AbstractEventLoop | None = None
        self._before: dict[int, _Handler] = {}
        self._stopping = False

    def install(self) -> None:
        loop = asyncio.get_running_loop()
        for signum in STOP_SIGNALS:
            previous = signal.getsignal(signum)
            try:
                loop.add_signal_handler(signum, self._stop, signum)
            except (RuntimeError, ValueError, NotImplementedError):  # not the main thread
                continue
            self._before[signum] = previous
        self._loop = loop

    def _stop(self, signum: int) -> None:
        if self._stopping:  # asked twice: the default action, now
            self.remove()
            signal.signal(signum, signal.SIG_DFL)
            os.kill(os.getpid(), signum)
            return
        self._stopping = True
        self._app.exit(return_code=128 + signum)

    def remove(self) -> None:
        """Back to what the process had before (a test's loop outlives the app)."""
        loop, self._loop = self._loop, None
        if loop is None:
            return
        for signum, previous in self._before.items():
            with contextlib.suppress(RuntimeError, ValueError):
                loop.remove_signal_handler(signum)
                signal.signal(signum, previous)
        self._before.clear()
