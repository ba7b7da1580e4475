"""The drill-down's "Message history (MobileConnect)": what the API says went to a number
and what it sent back, read when a recipient is shown.

The read is a worker on the event loop (the app's client lives there), so the screen
never waits for it. Results are kept per (send, number) for the session; `reread()`
forgets one and reads it again. A reply is only drawn if the screen still shows the
recipient it was read for: n/p, or another send, may have moved on while it was read.
Every failure is a line in this section, never an exception out of it.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Sequence
from datetime import UTC, datetime
from typing import Final, Protocol

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Static

from tui.core.api.errors import ApiError, SendwatchError
from tui.core.api.message_history import Direction, HistoryEntry, MessageHistory
from tui.core.text import safe_text
from tui.ui.display import Display
from tui.ui.time_labels import api_time, zone_word

log = logging.getLogger("sendwatch.ui")

TITLE: Final = "Message history (MobileConnect)"
ENTRIES_SHOWN: Final = 4
"""The most recent entries listed; older ones are counted."""
CALLOUTS_SHOWN: Final = 2
"""Keyword replies called out above the list (the most recent)."""
CACHE_SIZE: Final = 1000
WORKER_GROUP: Final = "mc-history"
"""Tests and snapshots wait for this group's workers."""

Key = tuple[str, str]
"""(send key, mobile number)."""


class HistoryReader(Protocol):
    """Reads a number's history on a watched send (`MessageHistoryReads` is one)."""

    def __call__(self, send_key: str, mobile_number: str) -> Awaitable[MessageHistory]: ...


def _arrow(entry: HistoryEntry, plain: bool) -> str:
    if entry.direction is Direction.SENT:
        return "-> MT" if plain else "→ MT"
    if entry.direction is Direction.REPLY:
        return "<- MO" if plain else "← MO"
    return f"?  {safe_text(entry.type_raw, limit=8) or 'no type'}"


def callouts(history: MessageHistory, *, mc_time: bool, now: datetime) -> list[str]:
    """'Replied STOP at 19:03:10: opted out' for the most recent keyword replies."""
    lines = []
    for entry in history.keyword_replies[-CALLOUTS_SHOWN:]:
        when = api_time(entry.date, entry.date_raw, mc=mc_time, now=now)
        lines.append(f"Replied {entry.keyword} at {when}: {entry.reply_kind}")
    return lines


def entry_lines(history: MessageHistory, *, display: Display, now: datetime) -> list[str]:
    """The list under the callouts, newest last, one line each."""
    entries: Sequence[HistoryEntry] = history.entries
    if not entries:
        return ["no messages on record for this number"]
    lines = []
    earlier = len(entries) - ENTRIES_SHOWN + history.dropped
    if earlier > 0:
        lines.append(f"… {earlier:,} earlier")
        entries = entries[-ENTRIES_SHOWN:]
    for entry in entries:
        when = api_time(entry.date, entry.date_raw, mc=display.mc_time, now=now)
        # Masked before it is cut, so a cut never leaves a quoted number's digits showing.
        shown = display.number_in(safe_text(entry.message), safe_text(history.mobile_number))
        text = safe_text(shown, limit=200) or "(no text)"
        lines.append(f"{_arrow(entry, display.plain)}  {when}  {text}")
    if history.skipped:
        lines.append(f"({history.skipped:,} unreadable entries left out)")
    if history.status and history.status.strip().lower() != "active":
        lines.append(f"status: {safe_text(history.status, limit=40)}")
    return lines


def failure_words(error: BaseException) -> str:
    """Why the history is not shown, in the error's own words."""
    if isinstance(error, ApiError) and error.status == 404:
        return "MobileConnect has no history for this number (HTTP 404)"
    if isinstance(error, SendwatchError):
        return f"could not be read: {safe_text(str(error), limit=300)}"
    return f"could not be read: internal error ({type(error).__name__})"


class MessageHistoryView(Vertical):
    """Title, keyword callouts and entries; `show(send_key, number)` points it at one."""

    DEFAULT_CSS = """
    MessageHistoryView {
        height: auto;
        width: 1fr;
    }
    MessageHistoryView > Static {
        padding: 0 1;
        height: auto;
    }
    MessageHistoryView #mh-title {
        margin-top: 1;
        text-style: bold;
        color: $primary;
        text-wrap: nowrap;
        text-overflow: ellipsis;
    }
    MessageHistoryView #mh-note.-callout {
        text-style: bold;
        color: $text-warning;
    }
    MessageHistoryView #mh-note.-failure { color: $text-error; }
    MessageHistoryView #mh-note.-quiet { color: $text-muted; }
    MessageHistoryView #mh-body {
        text-wrap: nowrap;
        text-overflow: ellipsis;
    }
    """

    def __init__(
        self,
        reader: HistoryReader | None,
        *,
        display: Display | None = None,
        now: Callable[[], datetime] | None = None,
        id: str | None = None,
    ) -> None:
        super().__init__(id=id)
        self.reader = reader
        self.display_options = display or Display()
        self.now = now or (lambda: datetime.now(UTC))
        self.key: Key | None = None
        """What is shown."""
        self.reading: Key | None = None
        """What the one read in flight is for."""
        self.cache: dict[Key, MessageHistory] = {}
        self.failures: dict[Key, str] = {}
        """The last failed read of a key, shown until it is read again."""

    def compose(self) -> ComposeResult:
        yield Static(id="mh-title")
        yield Static(id="mh-note")
        yield Static(id="mh-body")

    def on_mount(self) -> None:
        self.redraw()

    # ------------------------------------------------------------------ pointing

    def show(self, send_key: str, mobile_number: str | None) -> None:
        """Show this number's history: from this session's reads, else read it now. A
        failed read is tried again when the user comes back to the number, not when the
        screen is only redrawn (`m`, `t`): `r` does that."""
        key = None if mobile_number is None else (send_key, mobile_number)
        failed_here = key == self.key and key in self.failures
        self.key = key
        if key is not None and key not in self.cache and key != self.reading and not failed_here:
            self._start(key)
        if self.is_mounted:
            self.redraw()

    def reread(self) -> None:
        """Forget what was read of the shown number and read it again."""
        if self.key is not None:
            self.cache.pop(self.key, None)
            self._start(self.key)
            self.redraw()

    def _start(self, key: Key) -> None:
        if self.reader is None:
            return
        self.failures.pop(key, None)
        self.reading = key
        self._read(key)

    @work(exclusive=True, group=WORKER_GROUP, exit_on_error=False)
    async def _read(self, key: Key) -> None:
        """Exclusive: a new read cancels the one before, so one at most is in flight."""
        assert self.reader is not None
        try:
            history = await self.reader(*key)
        except Exception as exc:  # every failure, a bug's too, stays in this section
            if not isinstance(exc, SendwatchError):
                log.exception("reading the message history failed")
            self.failures[key] = failure_words(exc)
        else:
            self.cache[key] = history
            if len(self.cache) > CACHE_SIZE:
                del self.cache[next(iter(self.cache))]
        finally:
            if self.reading == key:
                self.reading = None
        if key == self.key and self.is_mounted:  # n/p or another send may have moved on
            self.redraw()

    # ------------------------------------------------------------------ drawing

    def redraw(self) -> None:
        """Draw the shown key from what is known (also after `t` changed the times).

        The note wraps (a failure's reference id must stay readable); the entries are one
        line each, cut at the edge.
        """
        display = self.display_options
        title = Text(TITLE)
        title.append(f" · API, {zone_word(display.mc_time)}", style="not bold")
        self.query_one("#mh-title", Static).update(title)
        key, note, kind, lines = self.key, "", "", []
        if self.reader is None:
            note, kind = "not available", "-quiet"
        elif key is None:
            pass
        elif key in self.cache:
            now = self.now()
            history = self.cache[key]
            note, kind = "\n".join(callouts(history, mc_time=display.mc_time, now=now)), "-callout"
            lines = entry_lines(history, display=display, now=now)
        elif key in self.failures:
            failure = display.number_in(self.failures[key], safe_text(key[1]))  # URLs name it
            note, kind = f"{failure} (r reads again)", "-failure"
        else:
            note, kind = "reading…", "-quiet"
        shown = self.query_one("#mh-note", Static)
        shown.display = bool(note)
        shown.set_classes(kind)
        shown.update(Text(note))
        body = self.query_one("#mh-body", Static)
        body.display = bool(lines)
        body.update(Text("\n".join(lines)))
