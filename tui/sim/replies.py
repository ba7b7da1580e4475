"""HTTP replies as plain values, and builders for every error shape the real API uses.

Handlers return a `Reply`; only `server.py` touches sockets. Shapes (docs/api.md §4, §5):
gateway errors `{"message","errorcode","documentation"}`, catalogue errors
`{"errors":[...]}`, OAuth2 errors `{"error","error_description","error_uri"}`.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field

ERROR_DOCS = (
    "https://developer.salesforce.com/docs/atlas.en-us.mc-apis.meta/mc-apis/error-handling.htm"
)
NOT_FOUND_DOCS = "https://code.docs.exacttarget.com/rest/errors/404"
OAUTH_DOCS = "https://developer.salesforce.com/docs"
JSON_TYPE = "application/json; charset=utf-8"


@dataclass(frozen=True, slots=True)
class Reply:
    """What to send back. `drop=True` means close the socket without answering;
    `trickle` > 0 sends the body one byte every `trickle` seconds."""

    status: int
    body: bytes = b""
    content_type: str = JSON_TYPE
    headers: tuple[tuple[str, str], ...] = field(default_factory=tuple)
    drop: bool = False
    trickle: float = 0.0


def json_reply(status: int, payload: object, headers: Sequence[tuple[str, str]] = ()) -> Reply:
    return Reply(status, json.dumps(payload).encode("utf-8"), headers=tuple(headers))


def catalogue_error(messages: Sequence[str], status: int = 400) -> Reply:
    """The SMS routes' documented error body: every problem found, in one array."""
    return json_reply(status, {"errors": list(messages)})


def gateway_error(status: int, message: str, errorcode: int, **extra: object) -> Reply:
    payload: dict[str, object] = {"message": message, "errorcode": errorcode}
    payload.update(extra)
    payload["documentation"] = ERROR_DOCS
    return json_reply(status, payload)


def not_found() -> Reply:
    # The old gateway's 404 fixture, verbatim (docs/api.md §4, S15).
    return json_reply(
        404, {"documentation": NOT_FOUND_DOCS, "errorcode": 404, "message": "Not Found"}
    )


def not_authorized(error: str | None, description: str | None) -> Reply:
    """401 for the API routes. `error=None` when no token came at all (RFC 6750 §3.1)."""
    challenge = 'Bearer realm="sim"'
    if error is not None:
        challenge += f', error="{error}", error_description="{description}"'
    return json_reply(
        401,
        {"documentation": ERROR_DOCS, "errorcode": 0, "message": "Not Authorized"},
        headers=[("WWW-Authenticate", challenge)],
    )


def insufficient_scope() -> Reply:
    """403 for a token whose scopes do not open the route. [I] The gateway's privileges
    codes are 20000-20002 (docs/api.md §4); this text is our own."""
    return gateway_error(403, "Insufficient privileges to complete this action.", 20000)


def oauth_error(status: int, error: str, description: str) -> Reply:
    return json_reply(
        status, {"error": error, "error_description": description, "error_uri": OAUTH_DOCS}
    )
