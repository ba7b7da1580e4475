"""A row's cell texts, made safe, measured and fitted to their columns.

Everything a server sends (numbers, codes, carrier messages) passes `safe_text` here,
so it is drawn as literal text: it can neither inject terminal escape sequences nor
break the layout. Rich is used only to count terminal cells.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date, datetime
from typing import Final

from rich.cells import cell_len, set_cell_size

from tui.core.api.codes import Outcome
from tui.core.api.model import Recipient
from tui.core.glyphs import GLYPH, OUTCOME_WORDS
from tui.core.mask import mask_in
from tui.core.text import safe_text
from tui.core.timefmt import SeenTimes
from tui.ui.widgets.grid.carrier import carrier_text

__all__ = [
    "LOCAL",
    "OUTCOME_LABELS",
    "OUTCOME_WIDTH",
    "Cells",
    "carrier_text",
    "cells",
    "code_text",
    "fit",
    "measure",
]

OUTCOME_LABELS: Final[Mapping[Outcome, str]] = OUTCOME_WORDS
"""Outcome word and symbol: the grid never relies on colour alone."""

OUTCOME_WIDTH: Final = max(cell_len(label) for label in OUTCOME_LABELS.values())

Cells = tuple[str, str, str, str, str, str]
"""Number, outcome, status code, last carrier message, events, first seen by sendwatch."""

LOCAL: Final = SeenTimes()
"""First-seen times in local time, none of them only an upper bound."""


def code_text(recipient: Recipient) -> str:
    """The status code and its name, or what the entry has instead."""
    return recipient.code_words


def cells(
    recipient: Recipient,
    since: datetime | None,
    today: date,
    mask: Callable[[str], str] | None = None,
    times: SeenTimes = LOCAL,
) -> Cells:
    """The six cell texts of a row, already made safe (the only per-row text work).

    With `mask`, the number is drawn masked, in its own cell and wherever the carrier's
    text quotes it; the recipient keeps the real one (search matches that). `times` says
    in which zone `since` is shown, and whether it is only "already so by then"."""
    last = recipient.events[-1] if recipient.events else None
    number, carrier = recipient.mobile_number, carrier_text(last)
    if mask is not None:
        number, carrier = mask(number), mask_in(carrier, number, mask)
    return (
        safe_text(number),
        OUTCOME_LABELS[recipient.outcome],
        safe_text(code_text(recipient)),
        safe_text(carrier),
        str(len(recipient.events)),
        times.short(since, today),
    )


def measure(
    recipient: Recipient, since: datetime | None, today: date, times: SeenTimes = LOCAL
) -> tuple[int, int, int]:
    """Cell widths of the number, code and since texts: the columns that size to fit.

    The real number is measured even while numbers are masked (its mask never needs
    more room than the column gets), so toggling the mask never moves a column."""
    return (
        cell_len(safe_text(recipient.mobile_number)),
        cell_len(safe_text(code_text(recipient))),
        cell_len(times.short(since, today)),
    )


def fit(text: str, width: int, right: bool = False) -> str:
    """`text` padded or cut (with an ellipsis) to exactly `width` cells."""
    if width <= 0:
        return ""
    length = cell_len(text)
    if length > width:
        return set_cell_size(text, width - 1) + GLYPH["ellipsis"]
    if length == width:
        return text
    pad = " " * (width - length)
    return pad + text if right else text + pad
