"""Local checks of message and token ids, so a typo never costs a request.

Real ids are base64 or base64url text (docs/api.md §1); we accept that alphabet and say
exactly what is wrong with anything else.
"""

from __future__ import annotations

import re
from urllib.parse import quote

from tui.core.api.errors import InvalidId

MAX_ID_LENGTH = 128
_ALLOWED = re.compile(r"[A-Za-z0-9+/=_-]+")
MAX_NUMBER_LENGTH = 20
_DIGITS = re.compile(r"[0-9]+")


def id_problem(value: str) -> str | None:
    """Why `value` cannot be an id, in a few words; None when it can."""
    if not value:
        return "it is empty"
    if value != value.strip():
        return "it has spaces around it"
    if "://" in value or value.startswith("www."):
        return "it looks like a URL; paste only the id"
    if len(value) > MAX_ID_LENGTH:
        return f"it is {len(value):,} characters long (at most {MAX_ID_LENGTH})"
    if not _ALLOWED.fullmatch(value):
        bad = next(ch for ch in value if not _ALLOWED.fullmatch(ch))
        shown = repr(bad) if bad.isprintable() else f"U+{ord(bad):04X}"
        return f"it contains {shown} (ids use letters, digits and + / = _ -)"
    return None


def check_id(field: str, value: str) -> str:
    """Return `value` if it can be an id, else raise InvalidId naming the field."""
    problem = id_problem(value)
    if problem:
        raise InvalidId(field, value, problem)
    return value


def check_number(value: str) -> str:
    """Return `value` if it can be a mobile number in a URL: ASCII digits with the country
    code and no separators (docs/api.md §2.1), at most MAX_NUMBER_LENGTH of them. A number
    comes from the server's tracking, so this is also what keeps '..' or '?' out of a path.
    """
    if not value:
        problem = "it is empty"
    elif len(value) > MAX_NUMBER_LENGTH:
        problem = f"it is {len(value):,} characters long (at most {MAX_NUMBER_LENGTH})"
    elif not _DIGITS.fullmatch(value):
        problem = "numbers are digits only, with the country code and no + or separators"
    else:
        return value
    raise InvalidId("mobile number", value, problem)


def path_segment(value: str) -> str:
    """Percent-encode an id for a URL path; '/' in base64 must not split the path."""
    return quote(value, safe="")
