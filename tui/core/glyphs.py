"""Words and symbols for states, so nothing is told by colour alone.

Two sets: Unicode, and ASCII for `--plain` terminals (a serial console, a font without
the symbols, a screen reader). The tables are module-level dicts that `use_ascii` refills
in place, so every importer sees the set chosen at start: a terminal is one per process.
"""

from __future__ import annotations

from typing import Final

from tui.core.api.codes import Outcome
from tui.core.api.model import Phase

_PHASE_UNICODE: Final = {
    Phase.NEW: "○",
    Phase.QUEUING: "◔",
    Phase.STARTED: "◑",
    Phase.FINISHED: "✓",
    Phase.ERROR: "✗",
    Phase.UNKNOWN: "?",
}
_PHASE_ASCII: Final = {
    Phase.NEW: "o",
    Phase.QUEUING: ":",
    Phase.STARTED: ">",
    Phase.FINISHED: "+",
    Phase.ERROR: "x",
    Phase.UNKNOWN: "?",
}
_OUTCOME_UNICODE: Final = {
    Outcome.DELIVERED: "✓",
    Outcome.FAILED: "✗",
    Outcome.PENDING: "…",
    Outcome.UNKNOWN: "?",
}
_OUTCOME_ASCII: Final = {
    Outcome.DELIVERED: "+",
    Outcome.FAILED: "x",
    Outcome.PENDING: "*",
    Outcome.UNKNOWN: "?",
}
_NAMED_UNICODE: Final = {
    "stale": "⚠",
    "ellipsis": "…",
    "loading": "…",
    "marker": "▌",
    "current": "●",
    "done": "✓",
    "skipped": "–",
    "todo": "○",
    "bar-delivered": "█",
    "bar-failed": "▓",
    "bar-pending": "▒",
    "bar-unknown": "░",
    "bar-empty": "·",
    "separator": "·",
    "icon": "≋",
    "more-left": "◂",
    "more-right": "▸",
}
_NAMED_ASCII: Final = {
    "stale": "!",
    "ellipsis": "~",
    "loading": "*",
    "marker": ">",
    "current": "*",
    "done": "+",
    "skipped": "-",
    "todo": "o",
    "bar-delivered": "#",
    "bar-failed": "X",
    "bar-pending": "=",
    "bar-unknown": "-",
    "bar-empty": ".",
    "separator": "|",
    "icon": "~",
    "more-left": "<",
    "more-right": ">",
}

PHASE_SYMBOL: dict[Phase, str] = dict(_PHASE_UNICODE)
OUTCOME_SYMBOL: dict[Outcome, str] = dict(_OUTCOME_UNICODE)
OUTCOME_WORDS: dict[Outcome, str] = {}
"""`✓ delivered`, `✗ failed`…: how every screen names an outcome."""
GLYPH: dict[str, str] = dict(_NAMED_UNICODE)
"""Every other symbol by name: `GLYPH["stale"]`, `GLYPH["ellipsis"]`…"""

STALE = "⚠"
"""The Unicode stale mark (`GLYPH["stale"]` follows `--plain`)."""


def use_ascii(plain: bool) -> None:
    """Refill every table with the ASCII set (`plain`) or the Unicode one."""
    PHASE_SYMBOL.update(_PHASE_ASCII if plain else _PHASE_UNICODE)
    OUTCOME_SYMBOL.update(_OUTCOME_ASCII if plain else _OUTCOME_UNICODE)
    OUTCOME_WORDS.update({o: f"{OUTCOME_SYMBOL[o]} {o.value}" for o in Outcome})
    GLYPH.update(_NAMED_ASCII if plain else _NAMED_UNICODE)


def is_ascii() -> bool:
    """Whether the ASCII set is in use."""
    return GLYPH["ellipsis"] == _NAMED_ASCII["ellipsis"]


use_ascii(False)
