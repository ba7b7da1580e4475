"""What one sidebar entry says: two lines of text pieces, each with a style role.

Pure (no Textual), so the wording and the narrow-width rules are tested without an app;
`SendList` turns the pieces into Strips, styling each role with a component class so the
colours come from the theme. Status is told by symbol and word, never by colour alone.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from enum import StrEnum
from typing import Final, NamedTuple

from rich.cells import cell_len, get_character_cell_size

from tui.core.api.codes import Outcome
from tui.core.api.model import Phase
from tui.core.glyphs import GLYPH, OUTCOME_SYMBOL, PHASE_SYMBOL
from tui.core.state import SendState
from tui.core.text import safe_text
from tui.core.timefmt import fmt_local

__all__ = [
    "MORE",
    "Line",
    "Piece",
    "Role",
    "entry_lines",
    "entry_pieces",
    "fit_line",
    "plain",
    "profile_tag",
]


class Role(StrEnum):
    """How a piece is styled; `SendList` maps each to its `send-list--<role>` class."""

    PLAIN = "plain"
    NAME = "name"
    FINISHED = "finished"
    ERROR = "error"
    ACTIVE = "active"
    MUTED = "muted"
    STALE = "stale"
    DELIVERED = "delivered"
    FAILED = "failed"


class Piece(NamedTuple):
    """A run of text in one role.

    `whole` pieces (counts, the stale mark, the read time) are shown whole or not at
    all: a count cut to "✓1,2…" would read as a different number. `optional` pieces (the
    read time, then the status word) are the first left out when a line is too long, the
    rightmost first. `right` pieces (the profile tag) are drawn at the right edge, the
    rest fitted into what is left, so a long label is cut before the tag is; they go only
    when the line is too narrow for both.
    """

    text: str
    role: Role = Role.PLAIN
    whole: bool = False
    optional: bool = False
    right: bool = False


Line = tuple[Piece, ...]

MORE: Final = " …"
"""Stands for whole pieces left out at the end of a narrow line (" ~" under `--plain`)."""
PROFILE_TAG: Final = 9
"""Most cells a profile tag takes ("@" and the name, cut with "…")."""
MIN_BESIDE_TAG: Final = 8
"""Fewest cells left for the symbol and the label before the tag is dropped instead."""

PHASE_ROLE: Final = {
    Phase.FINISHED: Role.FINISHED,
    Phase.ERROR: Role.ERROR,
    Phase.STARTED: Role.ACTIVE,
    Phase.QUEUING: Role.ACTIVE,
}


def plain(line: Iterable[Piece]) -> str:
    return "".join(piece.text for piece in line)


def profile_tag(profile: str) -> Piece:
    """`@prod` at the right of the first line, when several profiles are about."""
    text = "@" + safe_text(profile)
    if cell_len(text) > PROFILE_TAG:
        text = _cut(text, PROFILE_TAG)
    return Piece(" " + text, Role.MUTED, whole=True, right=True)


def entry_pieces(
    state: SendState, now: datetime, *, profile: bool = False, mc_time: bool = False
) -> tuple[Line, Line]:
    """The entry at any width: symbol, name (and the profile tag when `profile`); status
    word, stale mark, counts, when sendwatch last read it (in MC time with `mc_time`)."""
    delivery = state.delivery
    if delivery is None:
        failed = state.error is not None
        symbol, word, role = (
            (PHASE_SYMBOL[Phase.ERROR], "failed", Role.ERROR)
            if failed
            else (GLYPH["loading"], "loading", Role.MUTED)
        )
    else:
        symbol, word = PHASE_SYMBOL[delivery.phase], safe_text(delivery.status, limit=10)
        role = PHASE_ROLE.get(delivery.phase, Role.PLAIN)
    first: Line = (
        Piece(f"{symbol} ", role, whole=True),
        Piece(safe_text(state.send.display_name), Role.NAME),
    )
    if profile:
        first = (*first, profile_tag(state.send.profile))
    # The word goes before a count does: line 1's symbol still tells the status.
    second = [Piece(" "), Piece(f" {word}", role, optional=delivery is not None)]
    if state.error is not None:  # before the counts, so a narrow sidebar never cuts it
        mark = f" {GLYPH['stale']} stale" if delivery else " (see details)"
        second.append(Piece(mark, Role.STALE, whole=True))
    if delivery is not None:
        counts = delivery.counts
        for outcome, tint in ((Outcome.DELIVERED, Role.DELIVERED), (Outcome.FAILED, Role.FAILED)):
            second.append(Piece(f" {OUTCOME_SYMBOL[outcome]}{counts.of(outcome):,}", tint, True))
        if counts.pending:
            pending = f" {OUTCOME_SYMBOL[Outcome.PENDING]}{counts.pending:,}"
            second.append(Piece(pending, whole=True))
    if state.error is None and state.fetched_at is not None:
        read = f" read {fmt_local(state.fetched_at, now=now, seconds=False, mc=mc_time)}"
        second.append(Piece(read, Role.MUTED, whole=True, optional=True))
    return first, tuple(second)


def _cut(text: str, width: int) -> str:
    """`text` in at most `width` cells, ending in "…"; not inside a number when avoidable."""
    if width <= 0:
        return ""
    used, end = 0, 0
    while end < len(text) and used + get_character_cell_size(text[end]) <= width - 1:
        used += get_character_cell_size(text[end])
        end += 1
    head = text[:end]
    if head and head[-1].isdigit() and end < len(text) and text[end] in "0123456789,.":
        before = head.rstrip("0123456789,.")
        if before.strip():  # "Batch…", not "Batch 12345…": that reads as another number
            head = before
    return head.rstrip() + GLYPH["ellipsis"]


def fit_line(line: Line, width: int) -> Line:
    """`line` in at most `width` cells.

    Optional pieces go first; then pieces are kept from the left, a cuttable one is cut
    with "…", and whole ones that do not fit are left out, with `MORE` in their place.
    """
    if width <= 0:
        return ()
    tail = tuple(piece for piece in line if piece.right)
    if tail:
        head = tuple(piece for piece in line if not piece.right)
        room = width - cell_len(plain(tail))
        if room < MIN_BESIDE_TAG:
            return fit_line(head, width)
        fitted = fit_line(head, room)
        gap = room - cell_len(plain(fitted))
        return (*fitted, Piece(" " * gap), *tail) if gap else (*fitted, *tail)
    if cell_len(plain(line)) <= width:
        return line
    kept = line
    for n in reversed(range(len(line))):
        if line[n].optional:
            kept = (*kept[:n], *kept[n + 1 :])
            if cell_len(plain(kept)) <= width:
                return kept
    out: list[Piece] = []
    used = 0
    for piece in kept:
        size = cell_len(piece.text)
        if used + size + cell_len(MORE) <= width:
            out.append(piece)
            used += size
        elif not piece.whole:
            out.append(piece._replace(text=_cut(piece.text, width - used)))
            break
        else:
            room = width - used
            if room > 0:
                out.append(Piece(f" {GLYPH['ellipsis']}"[-room:], Role.MUTED))
            break
    return tuple(out)


def entry_lines(
    state: SendState, now: datetime, width: int, *, profile: bool = False, mc_time: bool = False
) -> tuple[Line, Line]:
    """The two lines of a sidebar entry fitted to `width` cells."""
    first, second = entry_pieces(state, now, profile=profile, mc_time=mc_time)
    return fit_line(first, width), fit_line(second, width)
