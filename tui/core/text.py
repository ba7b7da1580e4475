"""Make server text safe to put on a terminal: it is data, never control sequences."""

from __future__ import annotations

import re
import unicodedata
from typing import Final


def visible(char: str) -> str:
    """An invisible character as text: `<U+200B>`."""
    return f"<U+{ord(char):04X}>"


def _build_table() -> dict[int, str]:
    table: dict[int, str] = {}
    for code in range(0x20):  # C0 controls -> visible control pictures (ESC -> "␛")
        table[code] = chr(0x2400 + code)
    for code in (0x09, 0x0A, 0x0B, 0x0C, 0x0D):  # whitespace controls -> a space: one line
        table[code] = " "
    table[0x7F] = "\u2421"  # DEL -> "␡"
    for code in range(0x80, 0xA0):  # C1 controls (CSI, OSC, NEL...)
        table[code] = "\ufffd"
    for code in (0x2028, 0x2029):  # line / paragraph separators
        table[code] = " "
    # Invisible format characters (zero-width spaces and joiners, BOM, bidi marks,
    # embeddings, overrides and isolates) are shown by name: a number can't read
    # backwards, and two numbers that differ only by one don't look equal.
    for code in (
        0x00AD,
        0x061C,
        0x180E,
        *range(0x200B, 0x2010),
        *range(0x202A, 0x202F),
        *range(0x2060, 0x2070),
        0xFEFF,
    ):
        table[code] = visible(chr(code))
    for code in range(0xD800, 0xE000):  # lone surrogates cannot be written to a terminal
        table[code] = "\ufffd"
    return table


_SAFE_TABLE: Final = _build_table()


def _rest(text: str) -> str:
    """What the table leaves unprintable (other spaces, private use, unassigned...)."""
    return "".join(
        c if c.isprintable() else " " if unicodedata.category(c).startswith("Z") else visible(c)
        for c in text
    )


def safe_text(value: object, *, limit: int | None = None) -> str:
    """One printable line: controls shown as symbols, invisible characters by name (a
    bidi override as `<U+202E>`), markup left literal.

    Callers still render the result as plain text (never markup); this only makes sure
    nothing in it is an escape sequence or breaks the layout.
    """
    text = value if isinstance(value, str) else ("" if value is None else str(value))
    if not text.isprintable():  # every character we replace is non-printable
        text = text.translate(_SAFE_TABLE)
        if not text.isprintable():
            text = _rest(text)
    if limit is not None and len(text) > limit:
        return text[: max(limit - 1, 0)] + "…"
    return text


ECHO_LIMIT: Final = 40
"""Characters of a value the user gave that an error message repeats."""


def echoed(value: object, *, limit: int = ECHO_LIMIT) -> str:
    """A value the user gave, quoted for a one-line error and cut to a readable length.

    A 10 KB paste in an id must not become a 10 KB error line: its first `limit`
    characters are enough to recognise it, and its length says what went wrong.
    `'AAAA…'… (10,326 characters)`. Quoted as repr does, so controls stay escaped.
    """
    text = value if isinstance(value, str) else str(value)
    if len(text) <= limit:
        return repr(text)
    return f"{text[:limit]!r}… ({len(text):,} characters)"


_LONG_QUOTED: Final = re.compile(r"'((?:[^'\\]|\\.){" + str(ECHO_LIMIT + 1) + r",})'")


def cut_quoted(message: str, *, limit: int = ECHO_LIMIT) -> str:
    """Every long value another library quoted in `message` ("invalid float value:
    '…'", argparse) cut the way `echoed` cuts ours."""
    return _LONG_QUOTED.sub(lambda m: f"'{m[1][:limit]}'… ({len(m[1]):,} characters)", message)
