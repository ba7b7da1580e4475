"""Salvage the complete `[[sends]]` entries of a watch list TOML cannot parse whole.

A file cut short (a full disk, a killed editor, a bad copy) fails to parse as a whole,
yet usually only its last entry is damaged. Each entry is parsed on its own, so one
bad entry costs that entry, not the list. Checking what an entry means is the watch
list's job; this module only finds the tables that are still whole.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from itertools import pairwise
from typing import Any

ENTRY_HEADER = re.compile(r"^\s*\[\[\s*sends\s*\]\]")
_DAMAGED_TEXT = "\ufffd"  # bytes that were not UTF-8, decoded as the replacement character


@dataclass(frozen=True, slots=True)
class Salvage:
    """The document rebuilt from the parts that parse, and what was dropped."""

    data: dict[str, Any] = field(default_factory=dict)
    entries: int = 0
    """How many `[[sends]]` headers the file has: the sends it meant to hold."""
    dropped: tuple[int, ...] = ()
    """First line of each part that did not parse (1 is the part before any entry)."""


def _parse_part(lines: list[str], undecodable: bool) -> dict[str, Any] | None:
    text = "".join(lines)
    if undecodable and _DAMAGED_TEXT in text:
        return None  # a guessed character in an id would make another send
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError:
        return None


def salvage(text: str, *, undecodable: bool = False) -> Salvage:
    """Every part of `text` (the top, then each entry) that parses on its own.

    `undecodable` says the text came from bytes that were not all UTF-8: a part holding
    a replacement character is dropped rather than trusted.
    """
    lines = text.splitlines(keepends=True)
    if lines and not lines[-1].endswith("\n") and "[[sends]]".startswith(lines[-1].strip()):
        lines.pop()  # cut inside the next entry's header: the entry before it is whole
    starts = [i for i, line in enumerate(lines) if ENTRY_HEADER.match(line)]
    bounds = [0, *starts, len(lines)]
    data: dict[str, Any] = {}
    sends: list[Any] = []
    dropped: list[int] = []
    for index, (start, end) in enumerate(pairwise(bounds)):
        part = _parse_part(lines[start:end], undecodable)
        if index == 0:
            if part is None:
                dropped.append(1)
            else:
                data = {k: v for k, v in part.items() if k != "sends"}
            continue
        entry = part.get("sends") if part is not None else None
        if isinstance(entry, list) and len(entry) == 1:
            sends.extend(entry)
        else:
            dropped.append(start + 1)
    if sends:
        data["sends"] = sends
    return Salvage(data, len(starts), tuple(dropped))
