"""Typed errors, one per entry of the API's error catalogue plus transport failures.

Every error carries a one-line human message naming the id involved, and an exit code
for the headless commands. No message ever contains a token or secret: anything that
could (URLs, server text) goes through `redact` first.
"""

from __future__ import annotations

import errno
import re
from collections.abc import Sequence
from typing import ClassVar

from tui.core.text import echoed, safe_text

_SECRET_QUERY = re.compile(
    r"(?i)\b(access_token|accessToken|client_secret|clientSecret|refresh_token|token)=[^&\s\"']*"
)
_BEARER = re.compile(r"(?i)\bbearer\s+[A-Za-z0-9._~+/=-]+")


def describe_os_error(exc: OSError) -> str:
    """A few plain words for the failures users can act on; strerror for the rest."""
    if exc.errno in (errno.ENOSPC, errno.EDQUOT):
        return "the disk is full"
    if exc.errno == errno.EROFS:
        return "the file system is read-only"
    if exc.errno in (errno.EACCES, errno.EPERM):
        return "permission denied"
    return exc.strerror or type(exc).__name__


def redact(text: str) -> str:
    """Blank out tokens and secrets in URLs and headers before text is shown or logged."""
    return _BEARER.sub("Bearer [redacted]", _SECRET_QUERY.sub(r"\1=[redacted]", text))


class SendwatchError(Exception):
    """Base of every error sendwatch reports; `str()` is the one-line message."""

    exit_code: ClassVar[int] = 3
    retryable: ClassVar[bool] = False

    def __init__(self, message: str) -> None:
        super().__init__(redact(message))

    @property
    def message(self) -> str:
        return str(self.args[0])


class UsageError(SendwatchError):
    """Bad input caught before anything was sent."""

    exit_code = 2


class InvalidId(UsageError):
    def __init__(self, field: str, value: str, reason: str) -> None:
        self.field, self.value, self.reason = field, value, reason
        super().__init__(f"{field} {echoed(value)} is not valid: {reason}")


class ConfigError(UsageError):
    """The config (or the environment it names) is wrong: no retry can fix it.

    `remedy` says what the user must do instead, when the raiser knows better than
    the general advice of `remedy_of`.
    """

    def __init__(
        self, path: str, detail: str, *, line: int | None = None, remedy: str | None = None
    ) -> None:
        self.path, self.detail, self.line = path, detail, line
        self.remedy = remedy
        where = f"{path}:{line}" if line else path
        super().__init__(f"{where}: {detail}")


CONFIG_REMEDY = "fix it in config.toml, then restart sendwatch"
"""What to do about a config error whose raiser named nothing more precise."""


def remedy_of(error: BaseException) -> str | None:
    """What the user must do when reading again cannot help (a profile that is missing
    or cannot get a secret); None for errors a retry, or `r`, may fix."""
    if isinstance(error, ConfigError):
        return error.remedy or CONFIG_REMEDY
    return None


class ApiError(SendwatchError):
    """The server answered, but not with data."""

    exit_code = 3

    def __init__(
        self,
        message: str,
        *,
        status: int | None = None,
        messages: Sequence[str] = (),
        reference_id: str | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.messages = tuple(redact(m) for m in messages)
        self.reference_id = reference_id


SERVER_SAID = "Marketing Cloud said:"
"""What comes before the server's own words, wherever they are shown."""


def server_words(error: BaseException) -> tuple[str, ...]:
    """The server's own messages, word for word, that our explanation does not already
    quote: engineers paste them in a ticket and search the docs for them."""
    if not isinstance(error, ApiError):
        return ()
    ours = str(error)
    words = (m.strip() for m in error.messages)
    return tuple(dict.fromkeys(w for w in words if w and w not in ours))


def server_said(error: BaseException, *, limit: int = 300) -> str:
    """`"Token id X is not valid for this client."` (each message quoted, made safe for
    the terminal), or "" when the server said nothing more than our explanation."""
    return " · ".join(f'"{safe_text(w, limit=limit)}"' for w in server_words(error))


class InvalidMessageId(ApiError):
    def __init__(
        self, message_id: str, status: int | None = 400, messages: Sequence[str] = ()
    ) -> None:
        self.message_id = message_id
        super().__init__(
            f"the server says message id {message_id} is not valid",
            status=status,
            messages=messages,
        )


class InvalidTokenId(ApiError):
    def __init__(
        self, token_id: str, status: int | None = 400, messages: Sequence[str] = ()
    ) -> None:
        self.token_id = token_id
        super().__init__(
            f"the server says token id {token_id} is not valid", status=status, messages=messages
        )


class TokenNotForClient(ApiError):
    def __init__(
        self, token_id: str, status: int | None = 400, messages: Sequence[str] = ()
    ) -> None:
        self.token_id = token_id
        super().__init__(
            f"token id {token_id} belongs to another client or business unit",
            status=status,
            messages=messages,
        )


class TokenNotForMessage(ApiError):
    def __init__(
        self, token_id: str, message_id: str, status: int | None = 400, messages: Sequence[str] = ()
    ) -> None:
        self.token_id, self.message_id = token_id, message_id
        super().__init__(
            f"token id {token_id} is not a send of message id {message_id}",
            status=status,
            messages=messages,
        )


class UnexpectedServerError(ApiError):
    """The catalogue's 'unexpected error … reference id {0}': Support needs that id."""

    retryable = True

    def __init__(
        self, reference_id: str | None, status: int | None = 400, messages: Sequence[str] = ()
    ) -> None:
        ref = f" (reference id {reference_id}: quote it to Support)" if reference_id else ""
        super().__init__(
            f"Marketing Cloud had an unexpected error{ref}",
            reference_id=reference_id,
            status=status,
            messages=messages,
        )


class RequestRejected(ApiError):
    """A 400 (or 404/409/415) whose messages the catalogue does not name."""


class AuthError(ApiError):
    """Credentials refused, token rejected, or missing privileges."""


class RateLimited(ApiError):
    retryable = True

    def __init__(
        self, retry_after: float | None, status: int | None = 429, messages: Sequence[str] = ()
    ) -> None:
        self.retry_after = retry_after
        wait = f"; retry after {retry_after:g} s" if retry_after is not None else ""
        super().__init__(f"rate limited by Marketing Cloud{wait}", status=status, messages=messages)


class ServerError(ApiError):
    """A 5xx; `retry_after` is set when a 503 says when to come back."""

    retryable = True

    def __init__(
        self,
        status: int,
        *,
        retry_after: float | None = None,
        messages: Sequence[str] = (),
        reference_id: str | None = None,
    ) -> None:
        self.retry_after = retry_after
        ref = f" (reference id {reference_id})" if reference_id else ""
        wait = f"; retry after {retry_after:g} s" if retry_after is not None else ""
        super().__init__(
            f"server error (HTTP {status}){ref}{wait}",
            status=status,
            messages=messages,
            reference_id=reference_id,
        )


class BadResponse(ApiError):
    """The reply was not what the API documents: HTML, broken JSON, wrong shape."""

    retryable = True

    def __init__(
        self, detail: str, status: int | None = None, messages: Sequence[str] = ()
    ) -> None:
        self.detail = detail
        super().__init__(f"bad reply: {detail}", status=status, messages=messages)


class NetworkError(SendwatchError):
    """No usable answer: timeout, connect-timeout, refused, reset, dns, tls or other.

    `reason` is the low-level cause as the system put it (redacted), for a report that
    must say exactly what failed (`sendwatch profiles test`).
    """

    exit_code = 4
    retryable = True

    def __init__(self, kind: str, detail: str, *, reason: str = "") -> None:
        self.kind = kind
        self.reason = redact(reason)
        super().__init__(f"network error ({kind}): {detail}")


_CATALOGUE: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"^Message id (?P<a>.+?) is not valid\.?$", re.I), "message"),
    (re.compile(r"^Token id (?P<a>.+?) is not valid for this client\.?$", re.I), "client"),
    (re.compile(r"^Token ?id (?P<a>.+?) is not valid for MessageId (?P<b>.+?)\.?$", re.I), "pair"),
    (re.compile(r"^Token id (?P<a>.+?) is not valid\.?$", re.I), "token"),
    (re.compile(r"unexpected error.*reference id (?P<a>[^\s.]+)", re.I), "unexpected"),
)


def from_error_messages(
    messages: Sequence[str], *, message_id: str, token_id: str, status: int = 400
) -> ApiError:
    """Map an `{"errors": [...]}` body to the most specific catalogue error, keeping all."""
    for text in messages:
        for pattern, kind in _CATALOGUE:
            m = pattern.search(text.strip())
            if not m:
                continue
            if kind == "message":
                return InvalidMessageId(m["a"], status=status, messages=messages)
            if kind == "token":
                return InvalidTokenId(m["a"], status=status, messages=messages)
            if kind == "client":
                return TokenNotForClient(m["a"], status=status, messages=messages)
            if kind == "pair":
                return TokenNotForMessage(m["a"], m["b"], status=status, messages=messages)
            return UnexpectedServerError(m["a"], status=status, messages=messages)
    joined = "; ".join(messages) or f"HTTP {status} with no message"
    return RequestRejected(f"request refused: {joined}", status=status, messages=messages)
