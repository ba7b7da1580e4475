"""Reply bodies into JSON values, the same way for every route: lone surrogate escapes
made U+FFFD first, and a body that is not JSON a BadResponse that says what it was."""

from __future__ import annotations

import json
import re
from typing import Any

from tui.core.api.errors import BadResponse

_SURROGATE_ESCAPE = re.compile(
    rb"(?<!\\)((?:\\\\)*)"  # an even run of backslashes: what follows is an escape
    rb"(\\u[dD][89abAB][0-9a-fA-F]{2}\\u[dD][c-fC-F][0-9a-fA-F]{2}"  # a pair: kept
    rb"|\\u[dD][89a-fA-F][0-9a-fA-F]{2})"  # a lone half
)


def _keep_pairs(match: re.Match[bytes]) -> bytes:
    escape = match.group(2)
    return match.group(0) if len(escape) == 12 else match.group(1) + b"\\ufffd"


def without_lone_surrogates(body: bytes) -> bytes:
    """`body` with each lone surrogate escape (`"\\ud800"`, legal JSON) made U+FFFD.

    Decoded, such a half is a str no terminal, file or SQLite can take (UTF-8 has no
    encoding for it): replaced here, before any decoder, it never reaches one. A body
    without `\\ud`/`\\uD` (nearly all) is returned as is after one fast scan.
    """
    if body.find(b"\\ud") < 0 and body.find(b"\\uD") < 0:
        return body
    return _SURROGATE_ESCAPE.sub(_keep_pairs, body)


def decode_reply(body: bytes, what: str) -> Any:
    """`json.loads` of a body already passed through `without_lone_surrogates`; `what`
    names the reply expected ("a Deliveries reply") when it is HTML or broken JSON.

    It calls `json.loads` itself, one frame below its caller, so the nesting depth refused
    is the same on every path (see parse.py `_loads_tracking`)."""
    try:
        return json.loads(body)
    except (ValueError, RecursionError) as exc:
        snippet = body[:40].decode("utf-8", "replace").strip()
        kind = "HTML" if snippet.lower().startswith(("<!doctype", "<html")) else "invalid JSON"
        raise BadResponse(f"the server sent {kind}, not {what}") from exc
