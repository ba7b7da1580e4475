"""The terminal's title: how many sends need attention, seen from another tab or window.

Written as OSC 2 through the running driver's public `write()` (the same hand-over as
the clipboard's, see `clipboard.driver_class`). The title the terminal had is pushed
on its title stack first (`CSI 22 ; 0 t`) and popped on exit (`CSI 23 ; 0 t`); a
terminal without the stack is left with the bare product name, never a stale count.
Only counts and the product name are written, so no server text reaches the terminal.
"""

from __future__ import annotations

from tui.core.alerts import PRODUCT, title_text
from tui.ui.clipboard import Write

PUSH_TITLE = "\x1b[22;0t"
POP_TITLE = "\x1b[23;0t"


def osc_title(text: str) -> str:
    """The sequence setting the window title to `text` (made of our own words only)."""
    return f"\x1b]2;{text}\a"


class TerminalTitle:
    """Writes the title only when it changes: an idle monitor writes nothing."""

    def __init__(self) -> None:
        self._write: Write | None = None
        self._shown: str | None = None

    def attach(self, write: Write) -> None:
        """Where titles go: the running driver's `write`, or a test's recorder."""
        self._write = write

    def show(self, count: int) -> None:
        """Title the terminal for `count` sends needing attention."""
        text = title_text(count)
        if self._write is None or text == self._shown:
            return
        if self._shown is None:
            self._write(PUSH_TITLE)
        self._write(osc_title(text))
        self._shown = text

    def restore(self) -> None:
        """Give the terminal its own title back (on exit)."""
        if self._write is None or self._shown is None:
            return
        self._write(osc_title(PRODUCT) + POP_TITLE)
        self._shown = None
