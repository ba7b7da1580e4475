"""The MobileConnect REST client: URLs, auth, retries and typed errors over httpx.

`SmsClient.fetch` reads one send's Deliveries resource; `SmsClient.history` reads one
number's message history on a send; `SmsClient.send` starts a MessageContact send. Every
failure surfaces as a `tui.core.api.errors` type; no access token or secret ever appears
in an exception message, a log line or a repr.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable, Mapping, Sequence
from types import TracebackType
from typing import Any, Self, TypeVar

import httpx

from tui.core.api.auth import TokenProvider, make_provider
from tui.core.api.errors import (
    ApiError,
    AuthError,
    BadResponse,
    ConfigError,
    NetworkError,
    RateLimited,
    ServerError,
    UsageError,
    redact,
)
from tui.core.api.http import (
    build_http_client,
    network_error,
    profile_where,
    request_deadline,
    within,
)
from tui.core.api.ids import check_id, check_number, path_segment
from tui.core.api.message_history import MessageHistory, parse_message_history_bytes
from tui.core.api.model import Delivery, SendKind
from tui.core.api.parse import parse_delivery_bytes
from tui.core.api.profile import Profile
from tui.core.api.replies import Unauthorized, decode, error_for
from tui.core.api.retry import CLIENT_RETRIES, RetryPolicy

log = logging.getLogger("sendwatch.client")


T = TypeVar("T")
A = TypeVar("A")

THREAD_PARSE_BYTES = 256 * 1024
"""Bodies larger than this are joined and parsed in a worker thread: copying a 44 MB
body into one bytes object took 70-110 ms on the event loop (its page faults included)."""
MAX_BODY_BYTES = 64 * 1024 * 1024
"""A reply larger than this is refused (BadResponse) instead of filling memory."""


# --------------------------------------------------------------------------- reply parsing


class _NotSent(Exception):
    """A transport failure before the request left this machine (safe to repeat a POST)."""

    def __init__(self, error: NetworkError) -> None:
        super().__init__(str(error))
        self.error = error


def off_the_loop(parse: Callable[[bytes, A], T], arg: A) -> Callable[[bytes], Awaitable[T]]:
    """`parse(body, arg)` run in a thread for a body big enough to stall the event loop,
    inline otherwise (a thread costs more than a small parse)."""

    async def run(body: bytes) -> T:
        if len(body) > THREAD_PARSE_BYTES:
            return await asyncio.to_thread(parse, body, arg)
        return parse(body, arg)

    return run


class SmsClient:
    """One profile's connection to the SMS REST API.

    Network errors, 5xx and malformed replies are tried again up to `retries` times, as
    long as `policy` (one rule for every retry loop; see retry.py) says a retry can help
    and when; a 401 refreshes the token and retries exactly once. Other 4xx never retry.
    """

    def __init__(
        self,
        profile: Profile,
        *,
        http: httpx.AsyncClient | None = None,
        auth: TokenProvider | None = None,
        retries: int = 3,
        policy: RetryPolicy = CLIENT_RETRIES,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        self.profile = profile
        self._owns_http = http is None
        self._http = http if http is not None else build_http_client(profile)
        self.auth = auth if auth is not None else make_provider(profile, self._http)
        self.retries = max(0, retries)
        self.policy = policy
        self._sleep = sleep
        self._closed = False

    def __repr__(self) -> str:
        return f"<SmsClient profile={self.profile.name!r} mode={self.profile.auth!r}>"

    __str__ = __repr__

    # -- lifecycle

    async def aclose(self) -> None:
        if self._closed:
            return
        self._closed = True
        if self._owns_http:
            await self._http.aclose()

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.aclose()

    # -- API

    async def fetch(
        self,
        kind: SendKind,
        message_id: str,
        token_id: str,
        *,
        previous: Delivery | None = None,
    ) -> Delivery:
        """Read a send's Deliveries resource and parse it (reusing what `previous` had)."""
        path = self._deliveries_path(kind, message_id, token_id)

        parse = off_the_loop(parse_delivery_bytes, previous)
        return await self._call(
            "GET", path, message_id=message_id, token_id=token_id, on_success=parse
        )

    async def history(self, message_id: str, token_id: str, mobile_number: str) -> MessageHistory:
        """Read a number's MT/MO history on a messageContact send (docs/api.md §2.3), with the
        same token, retries and typed errors as `fetch`."""
        check_id("message id", message_id)
        check_id("token id", token_id)
        check_number(mobile_number)
        path = (
            f"/sms/v1/messageContact/{path_segment(message_id)}/history/"
            f"{path_segment(token_id)}/mobileNumber/{path_segment(mobile_number)}"
        )

        parse = off_the_loop(parse_message_history_bytes, mobile_number)
        return await self._call(
            "GET", path, message_id=message_id, token_id=token_id, on_success=parse
        )

    async def send(
        self,
        message_id: str,
        mobile_numbers: Sequence[str],
        *,
        message_text: str | None = None,
    ) -> str:
        """POST a MessageContact send; return the new tokenId.

        A send is not idempotent: it is retried only when the request certainly did not
        reach the server (connection refused, DNS, connect timeout, 401 refresh, or a
        429/503 with an acceptable Retry-After), never after a 5xx, a read timeout or a
        dropped connection, which could send the SMS twice.
        """
        check_id("message id", message_id)
        if isinstance(mobile_numbers, str):
            raise UsageError("mobile_numbers must be a list of numbers, not one string")
        numbers = [str(n).strip() for n in mobile_numbers]
        if not numbers or not all(numbers):
            raise UsageError("a send needs at least one mobile number, and none may be empty")
        body: dict[str, Any] = {"mobileNumbers": numbers}
        if message_text is not None:
            body["Override"] = True
            body["messageText"] = message_text
        path = f"/sms/v1/messageContact/{path_segment(message_id)}/send"

        async def token_of(raw: bytes) -> str:
            decoded = decode(raw)
            token_id = decoded.get("tokenId") if isinstance(decoded, Mapping) else None
            if not isinstance(token_id, str) or not token_id.strip():
                raise BadResponse("the send reply has no tokenId")
            return token_id.strip()

        return await self._call(
            "POST",
            path,
            json_body=body,
            message_id=message_id,
            token_id="",
            on_success=token_of,
            idempotent=False,
        )

    # -- internals

    def _deliveries_path(self, kind: SendKind, message_id: str, token_id: str) -> str:
        check_id("message id", message_id)
        check_id("token id", token_id)
        resource = SendKind(kind).value
        return f"/sms/v1/{resource}/{path_segment(message_id)}/deliveries/{path_segment(token_id)}"

    def _rest_base(self) -> str | None:
        return self.profile.rest_base or self.auth.rest_base

    def _missing_base(self) -> ConfigError:
        hint = "set rest_url or subdomain"
        if self.profile.auth == "oauth2":
            hint += " (the token reply named no rest_instance_url)"
        return ConfigError(profile_where(self.profile), f"no REST base URL: {hint}")

    async def _call(
        self,
        method: str,
        path: str,
        *,
        message_id: str,
        token_id: str,
        on_success: Callable[[bytes], Awaitable[T]],
        json_body: Mapping[str, Any] | None = None,
        idempotent: bool = True,
    ) -> T:
        if self._closed:
            raise UsageError(f"the client for {profile_where(self.profile)} is closed")
        if self._rest_base() is None and self.profile.auth != "oauth2":
            raise self._missing_base()
        # One deadline for the token, every attempt and every wait between them: a fetch
        # ends within the profile's timeout however slowly the server answers.
        async with within(request_deadline(self.profile), f" to {method} {path}"):
            return await self._attempts(
                method,
                path,
                message_id=message_id,
                token_id=token_id,
                on_success=on_success,
                json_body=json_body,
                idempotent=idempotent,
            )

    async def _attempts(
        self,
        method: str,
        path: str,
        *,
        message_id: str,
        token_id: str,
        on_success: Callable[[bytes], Awaitable[T]],
        json_body: Mapping[str, Any] | None,
        idempotent: bool,
    ) -> T:
        attempt = 0
        refreshed = False
        while True:
            # True until the request may have reached the server (for non-idempotent sends)
            not_sent = True
            try:
                token = await self.auth.token()
                request = self._request(method, path, json_body, token)
                not_sent = False  # from here on the server may see it (_NotSent says otherwise)
                status, headers, body = await self._exchange(request)
                if not 200 <= status < 300:
                    raise error_for(status, headers, body, self.profile, message_id, token_id)
                return await on_success(body)
            except Unauthorized as exc:
                if refreshed:
                    raise self._auth_failed(exc.messages) from None
                refreshed = True
                self.auth.invalidate(token)
                log.debug("%s: HTTP 401, refreshing the token and retrying once", self)
                continue
            except _NotSent as exc:
                error: NetworkError | ApiError = exc.error
                not_sent = True
            except (NetworkError, ApiError) as exc:
                error = exc
                if not isinstance(exc, NetworkError | ServerError | BadResponse | RateLimited):
                    raise
                not_sent = not_sent or isinstance(exc, RateLimited)
            may_repeat = idempotent or not_sent
            delay = None
            if attempt < self.retries:
                delay = self.policy.delay(error, attempt + 1, may_repeat=may_repeat)
            if delay is None:
                raise error
            attempt += 1
            log.debug("%s: %s; retry %d/%d in %.2f s", self, error, attempt, self.retries, delay)
            await self._sleep(delay)

    def _auth_failed(self, messages: Sequence[str]) -> AuthError:
        said = f": {'; '.join(messages)}" if messages else ""
        return AuthError(
            f"{profile_where(self.profile)}: the server refused the access token even after "
            f"fetching a new one (HTTP 401{said})",
            status=401,
            messages=messages,
        )

    def _request(
        self, method: str, path: str, json_body: Mapping[str, Any] | None, token: str
    ) -> httpx.Request:
        base = self._rest_base()
        if base is None:
            raise self._missing_base()
        headers: dict[str, str] = {}
        params: dict[str, str] = {}
        if self.profile.token_in_query:
            params["access_token"] = token
        else:
            headers["Authorization"] = f"Bearer {token}"
        try:
            return self._http.build_request(
                method, base + path, headers=headers, params=params or None, json=json_body
            )
        except (httpx.InvalidURL, httpx.UnsupportedProtocol) as exc:
            raise ConfigError(
                profile_where(self.profile), redact(f"bad REST URL {base!r}: {exc}")
            ) from None

    async def _exchange(self, request: httpx.Request) -> tuple[int, httpx.Headers, bytes]:
        """Send and read the body (bounded); transport failures become NetworkError."""
        started = time.monotonic()
        try:
            response = await self._http.send(request, stream=True)
        except httpx.UnsupportedProtocol as exc:
            raise ConfigError(
                profile_where(self.profile), redact(f"unsupported URL scheme: {exc}")
            ) from None
        except httpx.TransportError as exc:
            err = network_error(exc, request)
            if isinstance(exc, httpx.ConnectError | httpx.ConnectTimeout | httpx.PoolTimeout):
                raise _NotSent(err) from None  # the request never left this machine
            raise err from None
        try:
            chunks: list[bytes] = []
            size = 0
            async for chunk in response.aiter_bytes():
                size += len(chunk)
                if size > MAX_BODY_BYTES:
                    raise BadResponse(
                        f"the reply is larger than {MAX_BODY_BYTES // (1024 * 1024)} MiB",
                        status=response.status_code,
                    )
                chunks.append(chunk)
        except httpx.DecodingError:
            raise BadResponse(
                "the reply could not be decoded", status=response.status_code
            ) from None
        except httpx.TransportError as exc:
            raise network_error(exc, request) from None
        finally:
            await response.aclose()
        body = (
            await asyncio.to_thread(b"".join, chunks)
            if size > THREAD_PARSE_BYTES
            else b"".join(chunks)
        )
        log.debug(
            "%s %s -> %d (%d bytes, %.0f ms)",
            request.method,
            redact(str(request.url)),
            response.status_code,
            len(body),
            (time.monotonic() - started) * 1000,
        )
        return response.status_code, response.headers, body


__all__ = ["MAX_BODY_BYTES", "THREAD_PARSE_BYTES", "SmsClient"]
