"""How the monitor shows things, as the user toggled it: one copy every screen reads."""

from __future__ import annotations

from dataclasses import dataclass

from tui.core.mask import MASK, PLAIN_MASK, mask_number


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
