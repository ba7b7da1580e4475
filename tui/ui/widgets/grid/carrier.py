"""The carrier's words on an event, as a cell and a sort key show them.

Apart from `cells` (which needs Rich to measure text) so that the sort, and with it the
rows, load no terminal library.
"""

from __future__ import annotations

from tui.core.api.model import TrackingEvent

__all__ = ["carrier_text"]


def carrier_text(event: TrackingEvent | None) -> str:
    """The carrier's message and description, without placeholders or repeats."""
    if event is None:
        return ""
    parts: list[str] = []
    for part in (event.message, event.description):
        if part and part.strip() and part.strip().upper() != "NA" and part not in parts:
            parts.append(part.strip())
    return " · ".join(parts)
