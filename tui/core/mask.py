"""Masking mobile numbers for screen sharing: `15555555510` → `1555•••5510`.

One function, so the sidebar, grid, drill-down, toasts, copies, ticket notes and exports
hide the same digits. Search always runs on the real number; only what is shown is masked.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Final

MASK: Final = "•••"
PLAIN_MASK: Final = "***"
"""The mask in ASCII, for `--plain` terminals."""


def mask_number(number: str, *, mask: str = MASK) -> str:
    """The number with its middle hidden: the first 4 and last 4 characters stay when it
    is long enough to keep most of it hidden, else only the last 2."""
    if len(number) >= 11:
        return f"{number[:4]}{mask}{number[-4:]}"
    if len(number) >= 5:
        return f"{mask}{number[-2:]}"
    return mask


def mask_in(text: str, number: str, mask: Callable[[str], str] = mask_number) -> str:
    """`text` with every occurrence of `number` masked: server messages quote the number
    ("Mobile number 15555550102 is invalid")."""
    return text.replace(number, mask(number)) if number and number in text else text
