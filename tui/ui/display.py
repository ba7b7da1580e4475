"""How the monitor shows things, as the user toggled it: one copy every screen reads."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from textual.message import Message

from tui.core.mask import MASK, PLAIN_MASK, mask_in, mask_number

Mask = Callable[[str], str]
"""How a mobile number is shown: widgets are handed one (None: as it is)."""


@dataclass(slots=True)
class Display:
    """Toggles that change how data is drawn, never the data itself."""

    masked: bool = False
    """`m`: mobile numbers are shown masked (search still matches the real ones)."""
    mc_time: bool = False
    """`t`: API times as Marketing Cloud sent them, instead of local time."""
    plain: bool = False
    """`--plain`: ASCII glyphs and no animation."""

    def number(self, number: str) -> str:
        """A mobile number as it may be shown now."""
        if not self.masked:
            return number
        return mask_number(number, mask=PLAIN_MASK if self.plain else MASK)

    def number_in(self, text: str, number: str) -> str:
        """`text` as it may be shown now: `number` masked wherever it occurs."""
        return mask_in(text, number, self.number) if self.masked else text

    @property
    def mask(self) -> Mask | None:
        """What a widget is handed to draw numbers with: None while they are shown."""
        return self.number if self.masked else None


class DisplayChanged(Message, bubble=False):
    """A `Display` toggle flipped: the screen repaints what it draws with it."""
