"""What every request to Marketing Cloud shares: the httpx client, transport failures,
Retry-After, and server text made safe to show.

Both the token providers (auth.py) and the REST client (client.py) build on this, so
neither needs the other.
"""

from __future__ import annotations

import asyncio
import contextlib
import email.utils
import errno
import importlib.util
import logging
import math
import os
import socket
import ssl
import sys
import time
from collections.abc import AsyncIterator, Callable, Mapping
from datetime import UTC
from typing import Any

import httpx

import tui
from tui.core.api.errors import ConfigError, NetworkError, redact
from tui.core.api.profile import Profile

DEFAULT_TIMEOUT = 15.0
MAX_SERVER_TEXT = 300
"""Server text longer than this is cut: it goes into one-line messages."""


class _RedactFilter(logging.Filter):
    """Blank tokens out of httpx's own log lines (it logs full URLs, query included)."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            text = record.getMessage()
        except Exception:  # a broken record is the logging module's problem, not ours
            return True
        clean = redact(text)
        if clean != text:
            record.msg, record.args = clean, None
        return True


_REDACT_FILTER = _RedactFilter()
for _name in ("httpx", "httpcore"):
    _logger = logging.getLogger(_name)
    if not any(isinstance(f, _RedactFilter) for f in _logger.filters):
        _logger.addFilter(_REDACT_FILTER)

# httpcore imports `sniffio` inside every async request to learn the event loop, and
# anyio 4 no longer installs it: each failed import searched sys.path again (a dozen
# stat calls a request, a tenth of an idle monitor's CPU). None in sys.modules makes
# the miss immediate; httpcore then assumes asyncio, which is what we run.
if "sniffio" not in sys.modules and importlib.util.find_spec("sniffio") is None:
    sys.modules["sniffio"] = None  # type: ignore[assignment]


def profile_where(profile: Profile) -> str:
    """How errors name a profile: `profile 'prod'`."""
    return f"profile {profile.name!r}"


def request_deadline(profile: Profile | None) -> float:
    """Seconds one request may take in all: the profile's `timeout`."""
    return profile.timeout if profile and profile.timeout > 0 else DEFAULT_TIMEOUT


@contextlib.asynccontextmanager
async def within(seconds: float, what: str = "") -> AsyncIterator[None]:
    """Connect, headers and the whole body within `seconds`, else a timeout NetworkError
    (`what` names the request: " to GET /sms/v1/…", never a query).

    httpx's timeout bounds each read, not the request: a server sending a byte a second
    would hold a request, and its concurrency slot, for as long as it liked.
    """
    try:
        async with asyncio.timeout(seconds):
            yield
    except TimeoutError:
        raise NetworkError("timeout", f"no complete reply{what} within {seconds:g} s") from None


def build_http_client(
    profile: Profile | None = None, *, max_connections: int = 10
) -> httpx.AsyncClient:
    """An httpx client for one profile: verified TLS, env proxies, keep-alive pool.

    TLS verification is always on; `profile.ca_bundle` adds a CA file (corporate
    proxies). Proxies come from the environment (HTTPS_PROXY, NO_PROXY, ...).
    """
    total = request_deadline(profile)
    timeout = httpx.Timeout(total, connect=min(5.0, total / 2))
    verify: ssl.SSLContext | bool = True
    if profile is not None and profile.ca_bundle:
        path = os.path.expanduser(profile.ca_bundle)
        try:
            verify = ssl.create_default_context(cafile=path)
        except (OSError, ssl.SSLError) as exc:
            raise ConfigError(
                profile_where(profile), f"cannot use ca_bundle {path!r}: {exc}"
            ) from None
    return httpx.AsyncClient(
        timeout=timeout,
        verify=verify,
        trust_env=True,
        follow_redirects=False,
        http1=True,
        http2=False,
        limits=httpx.Limits(
            max_connections=max_connections,
            max_keepalive_connections=max_connections,
            keepalive_expiry=30.0,
        ),
        headers={"User-Agent": f"sendwatch/{tui.__version__}", "Accept": "application/json"},
    )


# --------------------------------------------------------------------------- failures


def _cause_chain(exc: BaseException) -> list[BaseException]:
    chain: list[BaseException] = []
    seen: set[int] = set()
    cur: BaseException | None = exc
    while cur is not None and id(cur) not in seen:
        seen.add(id(cur))
        chain.append(cur)
        cur = cur.__cause__ or cur.__context__
    return chain


def network_kind(exc: httpx.TransportError) -> str:
    """Classify a transport failure: connect-timeout (no connection was made), timeout,
    refused, reset, dns, tls or other."""
    if isinstance(exc, httpx.ConnectTimeout):
        return "connect-timeout"
    if isinstance(exc, httpx.TimeoutException):
        return "timeout"
    chain = _cause_chain(exc)
    for cause in chain:
        if isinstance(cause, ssl.SSLError | ssl.CertificateError):
            return "tls"
        if isinstance(cause, socket.gaierror):
            return "dns"
        if isinstance(cause, ConnectionRefusedError):
            return "refused"
        if isinstance(cause, ConnectionResetError | BrokenPipeError | ConnectionAbortedError):
            return "reset"
        if isinstance(cause, OSError) and cause.errno == errno.ECONNREFUSED:
            return "refused"
    text = " ".join(str(c) for c in chain).lower()
    if "certificate" in text or "ssl" in text or "tls" in text:
        return "tls"
    if (
        "name or service not known" in text
        or "nodename nor servname" in text
        or "getaddrinfo" in text
        or "temporary failure in name resolution" in text
    ):
        return "dns"
    if "connection refused" in text or "errno 111" in text:
        return "refused"
    if isinstance(exc, httpx.ReadError | httpx.WriteError):
        return "reset"
    if isinstance(exc, httpx.RemoteProtocolError) and (
        "disconnect" in text or "closed" in text or "incomplete" in text
    ):
        return "reset"
    return "other"


_KIND_TEXT = {
    "timeout": "timed out",
    "connect-timeout": "timed out connecting",
    "refused": "connection refused",
    "reset": "connection dropped",
    "dns": "host name not found",
    "tls": "TLS/certificate problem",
    "other": "transport failure",
}


def where(request: httpx.Request | None) -> str:
    """` on GET https://host/path`: never the query, which may hold a token."""
    if request is None:
        return ""
    url = request.url
    return f" on {request.method} {url.scheme}://{url.netloc.decode('ascii', 'replace')}{url.path}"


def network_error(exc: httpx.TransportError, request: httpx.Request | None = None) -> NetworkError:
    """Map an httpx transport exception to NetworkError with a detail free of secrets.

    The detail names the host and path (never the query, which may hold a token) and the
    low-level reason, passed through `redact` in case it quoted a URL.
    """
    kind = network_kind(exc)
    if request is None:
        try:
            request = exc.request
        except RuntimeError:
            request = None
    reason = str(exc).strip() or type(exc).__name__
    if len(reason) > MAX_SERVER_TEXT:
        reason = reason[:MAX_SERVER_TEXT] + "…"
    detail = redact(f"{_KIND_TEXT[kind]}{where(request)} ({reason})")
    return NetworkError(kind, detail, reason=reason)


def server_text(text: str) -> str:
    """One line of server-supplied text, bounded and redacted."""
    line = " ".join(text.split())
    if len(line) > MAX_SERVER_TEXT:
        line = line[:MAX_SERVER_TEXT] + "…"
    return redact(line)


# --------------------------------------------------------------------------- Retry-After


def parse_retry_after(value: str | None, *, now: Callable[[], float] = time.time) -> float | None:
    """Seconds to wait from a Retry-After header: delta seconds or an HTTP-date."""
    if value is None:
        return None
    text = value.strip()
    if not text:
        return None
    try:
        seconds = float(text)
    except ValueError:
        try:
            when = email.utils.parsedate_to_datetime(text)
        except (TypeError, ValueError, IndexError):
            return None
        if when.tzinfo is None:
            when = when.replace(tzinfo=UTC)
        return max(0.0, when.timestamp() - now())
    if not math.isfinite(seconds):
        return None
    return max(0.0, seconds)


def _body_retry_after(decoded: Any) -> float | None:
    if not isinstance(decoded, Mapping):
        return None
    value = decoded.get("retryAfter", decoded.get("retry_after"))
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float) and math.isfinite(value):
        return max(0.0, float(value))
    if isinstance(value, str):
        return parse_retry_after(value)
    return None


def retry_after_of(headers: Mapping[str, str], decoded: Any = None) -> float | None:
    """The wait a 429/503 asks for: Retry-After header, else the body's `retryAfter`."""
    header = parse_retry_after(headers.get("Retry-After"))
    return header if header is not None else _body_retry_after(decoded)
