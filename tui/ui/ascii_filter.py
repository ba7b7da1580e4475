"""`--plain`'s last pass: the Unicode sendwatch's own text and Textual's widgets still draw
(`·` between words, `…` where Textual cuts a line, `▌` down a toast's edge, `⏎` in the
footer) becomes ASCII on its way to the terminal.

The glyph tables (core/glyphs.py) already give sendwatch's symbols an ASCII set; this
catches the rest in one place instead of in every string. Each character maps to one
ASCII character of the same width, so no layout moves.
"""

from __future__ import annotations

from typing import Final

from rich.segment import Segment
from textual.color import Color
from textual.filter import LineFilter

TO_ASCII: Final = str.maketrans(
    {
        "·": "|",
        "—": "-",
        "–": "-",
        "…": "~",
        "≤": "<",
        "▲": "^",
        "▼": "v",
        "▸": ">",
        "◂": "<",
        "⏎": "<",
        "•": "*",
        "≋": "~",
        "✓": "+",
        "✗": "x",
        "●": "*",
        "○": "o",
        "◑": "*",
        "◔": "*",
        "⚠": "!",
        "▌": "|",
        "▐": "|",
        "▏": "|",
        "▕": "|",
        "▊": "|",
        "▎": "|",
        "▔": "-",
        "▁": "_",
        "▂": "_",
        "▃": "_",
        "▄": "_",
        "▅": "#",
        "▆": "#",
        "▇": "#",
        "█": "#",
        "▓": "X",
        "▒": "=",
        "░": "-",
        "─": "-",
        "│": "|",
        "╭": "+",
        "╮": "+",
        "╰": "+",
        "╯": "+",
        "━": "-",
        "┃": "|",
        "→": ">",
        "←": "<",
        "↑": "^",
        "↓": "v",
        "−": "-",
    }
)
"""Single-width characters to single ASCII characters (widths never change)."""


class AsciiFilter(LineFilter):
    """Replaces the characters in `TO_ASCII`; styles are kept as they are."""

    def apply(self, segments: list[Segment], background: Color) -> list[Segment]:
        return [
            segment
            if segment.control or segment.text.isascii()
            else Segment(segment.text.translate(TO_ASCII), segment.style)
            for segment in segments
        ]


ASCII_FILTER: Final = AsciiFilter()
"""One instance: strips cache their filtered copies by filter."""
