"""Decode a big Deliveries body a slice of `tracking` at a time.

`json.loads` holds the GIL for its whole run: on a 44 MB body that froze the UI thread
for ~200 ms even though parsing ran in a worker. Decoding the tracking array in ~1 MB
slices lets the event loop run between slices, and only one slice of raw dicts is
alive at once. Any slice boundary that falls where it should not (inside a string or a
nested value) makes that slice invalid JSON, and the caller falls back to a plain
`json.loads` of the whole body, so the result is never different, only faster.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

SLICE_BYTES = 1 << 20

# JSON whitespace only: `\s` also matches \f and \v, which would be cut out of a body that
# `json.loads` refuses, and the slices would be read where the whole body is not.
_WS = rb"[ \t\n\r]*"
_TRACKING = re.compile(rb'"tracking"' + _WS + b":" + _WS + rb"\[")
_BETWEEN_ENTRIES = re.compile(rb"\}" + _WS + b"," + _WS + rb"\{")


def split_tracking(body: bytes) -> tuple[dict[str, Any], Iterator[bytes]] | None:
    """The body without its tracking entries, and the entries as JSON-array slices.

    None when the body does not have the plain shape `{…, "tracking": [ … ] }` with the
    array last; the caller then decodes it whole.
    """
    key = _TRACKING.search(body)
    close = body.rfind(b"]")
    if key is None or close < key.end() or body[close + 1 :].strip() != b"}":
        return None
    try:
        head = json.loads(body[: key.start()] + b'"tracking":[]' + body[close + 1 :])
    except ValueError:
        return None
    if type(head) is not dict or head.get("tracking") != []:
        return None
    return head, _slices(body, key.end(), close)


def _slices(body: bytes, start: int, end: int) -> Iterator[bytes]:
    """`[entry, …]` pieces of about SLICE_BYTES, cut only between two entries."""
    while start < end:
        cut = _BETWEEN_ENTRIES.search(body, min(start + SLICE_BYTES, end), end)
        if cut is None:
            yield b"[" + body[start:end] + b"]"
            return
        yield b"[" + body[start : cut.start() + 1] + b"]"
        start = cut.end() - 1
