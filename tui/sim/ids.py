"""Ids that look like Marketing Cloud's, and the format checks behind its "not valid" errors.

Message ids are unpadded base64 of "<n>:78:0" (docs/api.md §1: `MzA6Nzg6MA` is "30:78:0").
Send tokens imitate the documented example `c21NCNSDN2sMMWM2miosdjEHH`: 25 characters of
base64url text. Access tokens are long opaque JWT-like strings.
"""

from __future__ import annotations

import base64
import binascii
import random
import re
import string
import uuid

_TOKEN_ALPHABET = string.ascii_letters + string.digits + "-_"
_MESSAGE_PLAIN = re.compile(rb"[0-9]+:[0-9]+:[0-9]+")
# Inferred: the real server's notion of a well-formed token id is not documented. We accept
# any base64/base64url text of a plausible length and call everything else "not valid".
_TOKEN_FORMAT = re.compile(r"[A-Za-z0-9+/=_-]{16,64}")


def message_id(n: int) -> str:
    return base64.b64encode(f"{n}:78:0".encode()).decode("ascii").rstrip("=")


def is_message_id(value: str) -> bool:
    """True when `value` decodes like a real message id ("<n>:<n>:<n>" in base64)."""
    if not value or len(value) > 64:
        return False
    try:
        raw = base64.b64decode(value + "=" * (-len(value) % 4), validate=True)
    except (binascii.Error, ValueError):
        return False
    return _MESSAGE_PLAIN.fullmatch(raw) is not None


def token_id(rng: random.Random) -> str:
    return "".join(rng.choice(_TOKEN_ALPHABET) for _ in range(25))


def is_token_id(value: str) -> bool:
    return _TOKEN_FORMAT.fullmatch(value) is not None


def access_token(rng: random.Random) -> str:
    """An opaque bearer token; real v2 tokens are long JWT-like strings starting 'eyJ'."""
    body = "".join(rng.choice(_TOKEN_ALPHABET) for _ in range(120))
    return f"eyJhbGciOiJIUzI1NiIsImtpZCI6IjQiLCJ2ZXIiOiIxIiwidHlwIjoiSldUIn0.{body}"


def reference_id(rng: random.Random) -> str:
    """A GUID for "unexpected error" replies: Support asks for it, so it must be quotable."""
    return str(uuid.UUID(int=rng.getrandbits(128), version=4))
