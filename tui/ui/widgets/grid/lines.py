"""Grid lines as Rich segments: the header, a row, the empty-state message.

Each line comes out exactly `total` cells wide, so the widget only wraps it in a strip
and caches it. Styles come in a `Palette` resolved once from the widget's CSS.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Final

from rich.cells import cell_len, set_cell_size
from rich.segment import Segment
from rich.style import Style

from tui.core.api.codes import Outcome
from tui.ui.widgets.grid.cells import fit
from tui.ui.widgets.grid.columns import EVENTS, GAP, HEADERS
from tui.ui.widgets.grid.sorting import Sort

__all__ = ["STYLE_NAMES", "Palette", "empty_line", "header_line", "row_line"]

STYLE_NAMES: Final = ("header", "empty", "cursor", "muted", *(o.value for o in Outcome))
"""The styles a palette asks its widget for (component classes `recipient-grid--NAME`)."""


@dataclass(frozen=True, slots=True)
class Palette:
    """The styles lines are drawn with, combined once rather than for every row."""

    base: Style
    header: Style
    empty: Style
    cursor: Style
    muted: Style
    outcomes: Mapping[Outcome, tuple[Style, Style]]
    """Each outcome's style off and under the cursor."""

    @classmethod
    def of(cls, base: Style, style: Callable[[str], Style]) -> Palette:
        """The styles `style` gives for `STYLE_NAMES` (partial, as CSS has them) over `base`."""
        cursor = style("cursor")
        return cls(
            base,
            base + style("header"),
            base + style("empty"),
            base + cursor,
            base + style("muted"),
            {o: (base + style(o.value), base + style(o.value) + cursor) for o in Outcome},
        )


def header_line(palette: Palette, widths: Sequence[int], sort: Sort, total: int) -> list[Segment]:
    """Column names; the sorted column's name ends in its arrow (▲ ascending, ▼ descending),
    kept even when the name is cut to fit."""
    labels = list(HEADERS)
    if sort.column is not None:
        name, width = labels[sort.column], widths[sort.column]
        fits = len(name) + 2 <= width  # the names are ASCII: one cell a character
        labels[sort.column] = f"{name} {sort.arrow}" if fits else name[: width - 1] + sort.arrow
    style = palette.header
    return _join(labels, widths, [style] * len(labels), style, total)


def row_line(
    palette: Palette,
    texts: Sequence[str],
    outcome: Outcome,
    widths: Sequence[int],
    total: int,
    *,
    cursor: bool = False,
) -> list[Segment]:
    """One recipient's cells (already safe) in their columns; the outcome in its colour."""
    row = palette.cursor if cursor else palette.base
    muted = row if cursor else palette.muted
    styles = [row, palette.outcomes[outcome][cursor], row, row, muted, muted]
    return _join(texts, widths, styles, row, total)


def empty_line(palette: Palette, text: str, width: int) -> list[Segment]:
    """`text` centred (cut to fit) on a line `width` cells wide."""
    text = set_cell_size(text, min(cell_len(text), width))
    left = max(0, (width - cell_len(text)) // 2)
    segments = [Segment(" " * left, palette.base), Segment(text, palette.empty)]
    return Segment.adjust_line_length(segments, width, palette.base)


def _join(
    texts: Sequence[str], widths: Sequence[int], styles: Sequence[Style], fill: Style, total: int
) -> list[Segment]:
    """Each text fitted to its column after a gap; the cells are counted, not re-measured."""
    gap = " " * GAP
    segments: list[Segment] = []
    used = 0
    for column, (text, width, style) in enumerate(zip(texts, widths, styles, strict=True)):
        if width == 0:
            continue
        segments.append(Segment(gap, fill))
        segments.append(Segment(fit(text, width, right=column == EVENTS), style))
        used += GAP + width
    if used > total:  # narrower than the columns' minimum: cut
        return Segment.adjust_line_length(segments, total, fill)
    if used < total:
        segments.append(Segment(" " * (total - used), fill))
    return segments
