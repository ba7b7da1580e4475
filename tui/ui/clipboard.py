"""Copying over SSH: the clipboard belongs to the terminal, so a copy is a request to it.

That request is OSC 52 (`ESC ] 52 ; c ; base64 BEL`), which Textual's
`App.copy_to_clipboard` writes (route `osc52`). tmux drops it from an application unless
tmux has `set-clipboard on`; route `tmux` wraps it in tmux's passthrough instead
(`ESC P tmux ;` … `ESC \\`, each ESC inside doubled; tmux needs `allow-passthrough on`),
written through the running driver's public `write()`. Route `off` sends nothing. A
terminal or SSH client may still drop either without a word, so the monitor always
shows what was copied (`screens/copied.py`).
"""

from __future__ import annotations

import base64
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Final, Protocol

from textual.app import App
from textual.driver import Driver

from tui.core.store.config import ClipboardRoute

COPY_LIMIT: Final = 74_994
"""Bytes of text one copy carries at most. hterm and the osc52 scripts modelled on it
send at most 100,000 bytes of sequence: 7 of `ESC ] 52 ; c ;`, 1 of BEL and 99,992 of
base64, which is 74,994 bytes of text. Longer sequences are dropped or shown as text."""

Write = Callable[[str], None]


def osc52(text: str) -> str:
    """The sequence that sets the clipboard to `text` (the bytes Textual writes)."""
    return f"\x1b]52;c;{base64.b64encode(text.encode('utf-8')).decode('ascii')}\a"


def tmux_passthrough(sequence: str) -> str:
    """`sequence` wrapped so tmux hands it to the terminal outside it, unread."""
    return "\x1bPtmux;" + sequence.replace("\x1b", "\x1b\x1b") + "\x1b\\"


def cap(text: str, limit: int = COPY_LIMIT) -> tuple[str, bool]:
    """`text` cut to at most `limit` UTF-8 bytes, at the last whole line when there is one
    (never inside a character); True when it was cut."""
    data = text.encode("utf-8")
    if len(data) <= limit:
        return text, False
    head = data[:limit].decode("utf-8", "ignore")
    end = head.rfind("\n")
    return (head[: end + 1] if end > 0 else head), True


@dataclass(frozen=True, slots=True)
class Copied:
    """What a copy did, for the modal that shows it."""

    what: str
    """What was copied, in words: "the number", "ticket note"."""
    text: str
    """The text the clipboard was sent (after the cap)."""
    route: ClipboardRoute
    sent: bool
    """Whether anything was written to the terminal."""
    full_bytes: int | None = None
    """The text's size before the cap, when it was cut."""


class Clipboard:
    """The configured route, and (for `tmux`) where raw sequences are written."""

    def __init__(self, route: ClipboardRoute = "osc52") -> None:
        self.route: ClipboardRoute = route
        self._write: Write | None = None

    def attach(self, write: Write) -> None:
        """Where the `tmux` route writes: the running driver's `write` (the app's driver
        class hands it over), or a test's recorder."""
        self._write = write

    def copy(self, app: App[Any], text: str, what: str) -> Copied:
        shown, cut = cap(text)
        full = len(text.encode("utf-8")) if cut else None
        sent = False
        if self.route == "osc52":
            app.copy_to_clipboard(shown)
            sent = True
        elif self.route == "tmux" and self._write is not None:
            self._write(tmux_passthrough(osc52(shown)))
            sent = True
        return Copied(what, shown, self.route, sent, full)


class Writes(Protocol):
    """A part that writes to the terminal itself (the clipboard, the title)."""

    def attach(self, write: Write) -> None: ...


def driver_class(base: type[Driver], *takers: Writes) -> type[Driver]:
    """`base` handing its public `write` to each of `takers` once the app builds it
    (Textual offers no other public way to the terminal; the headless test driver is
    not built from this class, so tests attach a recorder instead)."""

    def __init__(self: Driver, app: App[Any], **kwargs: Any) -> None:
        base.__init__(self, app, **kwargs)
        for taker in takers:
            taker.attach(self.write)

    return type(base.__name__, (base,), {"__init__": __init__})
