"""Reading a reply that is not data: which typed error it is, in the API's own words.

The catalogue messages, the gateway's shapes, HTML from a proxy, an empty body: each
becomes one `tui.core.api.errors` type with the server's messages kept (redacted).
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from typing import Any

from tui.core.api.errors import (
    ApiError,
    AuthError,
    BadResponse,
    RateLimited,
    RequestRejected,
    ServerError,
    from_error_messages,
)
from tui.core.api.http import profile_where, retry_after_of, server_text
from tui.core.api.profile import Profile

_REFERENCE = re.compile(r"reference id[:\s]+([A-Za-z0-9._-]+)", re.I)


def decode(body: bytes) -> Any:
    if not body:
        return None
    try:
        return json.loads(body)
    except (ValueError, RecursionError):
        return None


def messages_of(decoded: Any) -> list[str]:
    """Server messages from any documented error shape, redacted and bounded."""
    found: list[str] = []
    if not isinstance(decoded, Mapping):
        return found
    errors = decoded.get("errors")
    if isinstance(errors, list):
        for item in errors:
            if isinstance(item, str) and item.strip():
                found.append(item.strip())
            elif isinstance(item, Mapping):
                text = item.get("message") or item.get("description")
                if isinstance(text, str) and text.strip():
                    found.append(text.strip())
    elif isinstance(errors, str) and errors.strip():
        found.append(errors.strip())
    if not found:
        for key in ("message", "error_description", "error"):
            text = decoded.get(key)
            if isinstance(text, str) and text.strip():
                found.append(text.strip())
                break
    return [server_text(m) for m in found]


def _reference_id(decoded: Any, messages: Sequence[str]) -> str | None:
    if isinstance(decoded, Mapping):
        for key in ("referenceId", "reference_id", "requestId", "request_id"):
            value = decoded.get(key)
            if isinstance(value, str | int) and not isinstance(value, bool) and str(value):
                return server_text(str(value))
    for text in messages:
        m = _REFERENCE.search(text)
        if m:
            return m.group(1)
    return None


def _looks_like_html(body: bytes) -> bool:
    head = body[:200].lstrip().lower()
    return head.startswith((b"<!doctype", b"<html", b"<head", b"<body", b"<?xml"))


def _non_json(status: int, body: bytes) -> str:
    if not body.strip():
        return f"HTTP {status} with an empty body"
    kind = "an HTML page" if _looks_like_html(body) else "a body that is not JSON"
    return f"HTTP {status} with {kind}"


# --------------------------------------------------------------------------- client


class Unauthorized(Exception):
    """A 401: the caller refreshes the token once and tries again."""

    def __init__(self, messages: Sequence[str]) -> None:
        super().__init__("401")
        self.messages = tuple(messages)


def error_for(
    status: int,
    headers: Mapping[str, str],
    body: bytes,
    profile: Profile,
    message_id: str,
    token_id: str,
) -> Exception:
    """The typed error a non-2xx reply means (`Unauthorized` for a 401, which the client
    answers with one token refresh)."""
    decoded = decode(body)
    messages = messages_of(decoded)
    ids = _ids_text(message_id, token_id)
    if status == 401:
        return Unauthorized(messages)
    if status == 403:
        said = f": {'; '.join(messages)}" if messages else ""
        return AuthError(
            f"{profile_where(profile)}: access denied (HTTP 403{said}); the package "
            "may lack the sms_read/sms_send scope, or the URL is for another stack",
            status=403,
            messages=messages,
        )
    if status == 429:
        wait = retry_after_of(headers, decoded)
        return RateLimited(wait, status=429, messages=messages)
    if status >= 500:
        wait = retry_after_of(headers, decoded) if status == 503 else None
        return ServerError(
            status,
            retry_after=wait,
            messages=messages,
            reference_id=_reference_id(decoded, messages),
        )
    if decoded is None or not isinstance(decoded, Mapping):
        return BadResponse(f"{ids}: {_non_json(status, body)}", status=status)
    errors = decoded.get("errors")
    if isinstance(errors, list) and messages:
        return from_error_messages(
            messages, message_id=message_id, token_id=token_id, status=status
        )
    if messages:
        return RequestRejected(
            f"{ids}: request refused (HTTP {status}: {'; '.join(messages)})",
            status=status,
            messages=messages,
            reference_id=_reference_id(decoded, messages),
        )
    if status == 404:
        return RequestRejected(f"{ids}: not found (HTTP 404)", status=status)
    return ApiError(f"{ids}: unexpected HTTP {status}", status=status)


def _ids_text(message_id: str, token_id: str) -> str:
    if token_id:
        return f"message id {message_id}, token id {token_id}"
    return f"message id {message_id}"
