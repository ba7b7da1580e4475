"""Right answers gone wrong: a Deliveries body with the wrong shape, hostile text or bulk.

Each function takes the body the request would have got and returns what a misbehaving
server (or proxy, or a future API version) sends instead. A body that is not a JSON
object (an error reply) is passed through: only a real answer is mangled.
"""

from __future__ import annotations

import json
from typing import Any

BIG_PADDING = 2 * 1024 * 1024
"""Bytes of unknown field a "big" reply carries: enough to be parsed off the event loop,
small enough that a test polling it for minutes stays fast."""

LONE_SURROGATES = " \ud800 half a pair \udfff"
"""Legal JSON escapes (`\\ud800`), but no UTF-8 encoder, terminal or SQLite takes them."""

HOSTILE_TEXT = (
    "[bold red]PWNED[/] [link=https://evil.example]click[/link] "
    "\x1b[2J\x1b]0;owned\x07\x1b[31m red \u202edesrever\u202c\u200b <script>x</script> $(rm)"
)
"""Rich markup, ANSI and OSC escapes, a bidi override, a zero-width space, HTML, a shell
substitution: text a monitor must show literally, never obey."""


def _decoded(body: bytes) -> dict[str, Any] | None:
    try:
        value = json.loads(body)
    except ValueError:
        return None
    return value if isinstance(value, dict) else None


def _encoded(value: object) -> bytes:
    return json.dumps(value).encode("ascii")  # ensure_ascii: a lone half becomes \udXXX


def wrong_shape(body: bytes, pick: int) -> bytes:
    """JSON that is not a Deliveries resource; `pick` chooses which of five ways."""
    value = _decoded(body) or {"status": "Started", "tracking": []}
    shapes: list[object] = [
        [value],  # an array around the object
        None,
        {**value, "tracking": {"items": value.get("tracking")}},  # an object, not a list
        {**value, "tracking": "unavailable"},
        {"data": value},  # an envelope the API never had
    ]
    return _encoded(shapes[pick % len(shapes)])


def with_text(body: bytes, text: str) -> bytes:
    """The same answer with `text` added to the message and to every event's own text."""
    value = _decoded(body)
    if value is None:
        return body
    if isinstance(value.get("message"), str):
        value["message"] += text
    for entry in value.get("tracking") or ():
        if isinstance(entry, dict):
            for key in ("message", "description"):
                if isinstance(entry.get(key), str):
                    entry[key] += text
    return _encoded(value)


def padded(body: bytes, size: int = BIG_PADDING) -> bytes:
    """The same answer with an unknown field of `size` bytes, as a newer API might send."""
    value = _decoded(body)
    if value is None:
        return body
    value["simPadding"] = "x" * size
    return _encoded(value)
