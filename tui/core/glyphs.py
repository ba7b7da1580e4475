"""Words and symbols for states, so nothing is told by colour alone."""

from __future__ import annotations

from tui.core.api.codes import Outcome
from tui.core.api.model import Phase

PHASE_SYMBOL: dict[Phase, str] = {
    Phase.NEW: "○",
    Phase.QUEUING: "◔",
    Phase.STARTED: "◑",
    Phase.FINISHED: "✓",
    Phase.ERROR: "✗",
    Phase.UNKNOWN: "?",
}

OUTCOME_SYMBOL: dict[Outcome, str] = {
    Outcome.DELIVERED: "✓",
    Outcome.FAILED: "✗",
    Outcome.PENDING: "…",
    Outcome.UNKNOWN: "?",
}

OUTCOME_WORDS: dict[Outcome, str] = {o: f"{OUTCOME_SYMBOL[o]} {o.value}" for o in Outcome}
"""`✓ delivered`, `✗ failed`…: how every screen names an outcome."""

STALE = "⚠"
