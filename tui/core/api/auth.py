"""Access tokens for one profile: a static token, v1 requestToken, or v2 OAuth2.

A provider holds one token shared by every request of its profile. It fetches it once
however many coroutines ask at the same moment (single flight), refreshes it a little
before it expires, and drops it after a 401 so the next caller fetches a fresh one.

Nothing here ever puts a token or a secret into an exception, a log line or a repr.
"""

from __future__ import annotations

import asyncio
import json
import logging
import math
import time
from abc import ABC, abstractmethod
from collections.abc import Callable, Mapping
from typing import Any

import httpx

from tui.core.api import secrets
from tui.core.api.errors import (
    ApiError,
    AuthError,
    BadResponse,
    ConfigError,
    NetworkError,
    RateLimited,
    ServerError,
)
from tui.core.api.http import (
    network_error,
    profile_where,
    request_deadline,
    retry_after_of,
    server_text,
    within,
)
from tui.core.api.profile import Profile

log = logging.getLogger("sendwatch.auth")

LEGACY_LIFETIME = 3600.0
"""v1 tokens live one hour (docs/api.md §5); used when a reply has no usable expiresIn."""
OAUTH2_LIFETIME = 1080.0
"""v2 tokens report about 18 minutes (docs/api.md §5); used when expires_in is missing."""
REFRESH_MARGIN = 60.0
"""Refresh this long before expiry, or 10% of the lifetime when that is shorter."""
STALE_RETRY = 5.0
"""After a failed early refresh, keep using the still-valid token this long before retrying."""


# --------------------------------------------------------------------------- helpers


def positive_number(value: object) -> float | None:
    """A finite number > 0 from JSON (number or numeric string), else None."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        number = float(value)
    elif isinstance(value, str):
        try:
            number = float(value.strip())
        except ValueError:
            return None
    else:
        return None
    if not math.isfinite(number) or number <= 0:
        return None
    return number


def refresh_margin(lifetime: float) -> float:
    """How long before expiry a token is refreshed: 60 s or 10% of its life."""
    return min(REFRESH_MARGIN, 0.1 * lifetime)


# --------------------------------------------------------------------------- providers


class TokenProvider(ABC):
    """Hands out the profile's access token; shared by all requests of the profile."""

    profile: Profile
    rest_base: str | None
    """The REST base URL this provider learned (profile's, or v2 `rest_instance_url`)."""

    @property
    def mode(self) -> str:
        return self.profile.auth

    @abstractmethod
    async def token(self) -> str:
        """A token that is valid now (fetched, refreshed or cached)."""

    @abstractmethod
    def invalidate(self, token: str) -> None:
        """Forget `token` after a 401; the next `token()` gets a fresh one.

        When `token` is no longer the current one (someone already refreshed) this is a
        no-op, so many requests failing with the same stale token cause one fetch.
        """

    def __repr__(self) -> str:
        return f"<{type(self).__name__} profile={self.profile.name!r} mode={self.mode!r}>"

    __str__ = __repr__


class StaticTokenProvider(TokenProvider):
    """`auth = "token"`: a token the user obtained elsewhere (env var or config)."""

    def __init__(self, profile: Profile) -> None:
        self.profile = profile
        self.rest_base = profile.rest_base
        self._token: str | None = None
        self._refused: str | None = None

    async def token(self) -> str:
        if self._token is None:
            value = (await asyncio.to_thread(secrets.resolve_access_token, self.profile)).strip()
            if not value:
                raise ConfigError(profile_where(self.profile), "the access token is empty")
            if value == self._refused:
                raise AuthError(
                    f"{profile_where(self.profile)}: the server refused the access token "
                    "(expired or revoked?); static tokens cannot be refreshed, set a new one",
                    status=401,
                )
            self._token = value
        return self._token

    def invalidate(self, token: str) -> None:
        if token == self._token:
            self._refused = token
            self._token = None


class _FetchingProvider(TokenProvider):
    """Shared logic of the v1 and v2 providers: cache, single flight, early refresh."""

    default_lifetime: float = OAUTH2_LIFETIME
    endpoint: str = ""

    def __init__(
        self, profile: Profile, http: httpx.AsyncClient, clock: Callable[[], float]
    ) -> None:
        self.profile = profile
        self.rest_base = profile.rest_base
        self._http = http
        self._clock = clock
        self._token: str | None = None
        self._refresh_at = 0.0
        self._expires_at = 0.0
        self._retry_at = 0.0
        self._inflight: asyncio.Task[str] | None = None

    # -- public API

    async def token(self) -> str:
        cached = self._cached()
        if cached is not None:
            return cached
        task = self._inflight
        if task is None or task.done():
            task = asyncio.ensure_future(self._refresh())
            self._inflight = task
            task.add_done_callback(self._finished)
        # shield: one caller being cancelled must not cancel the fetch the others await
        return await asyncio.shield(task)

    def invalidate(self, token: str) -> None:
        if token == self._token:
            log.debug("%s: token refused by the server; will fetch a new one", self)
            self._token = None
            self._refresh_at = self._expires_at = self._retry_at = 0.0

    # -- internals

    def _cached(self) -> str | None:
        tok = self._token
        if tok is None:
            return None
        now = self._clock()
        if now < self._refresh_at:
            return tok
        # inside the refresh margin: after a failed early refresh keep the valid token
        if now < self._expires_at and now < self._retry_at:
            return tok
        return None

    def _finished(self, task: asyncio.Task[str]) -> None:
        if self._inflight is task:
            self._inflight = None
        if not task.cancelled():
            task.exception()  # mark retrieved: the awaiting callers report it

    async def _refresh(self) -> str:
        old, now = self._token, self._clock()
        try:
            value, lifetime = await self._fetch()
        except (NetworkError, ServerError, RateLimited, BadResponse) as exc:
            if old is not None and now < self._expires_at:
                log.debug("%s: early refresh failed (%s); keeping the current token", self, exc)
                self._retry_at = self._clock() + STALE_RETRY  # from now: the fetch took time
                return old
            raise
        self._token = value
        self._expires_at = now + lifetime
        self._refresh_at = self._expires_at - refresh_margin(lifetime)
        self._retry_at = 0.0
        log.debug("%s: new token, valid %.0f s", self, lifetime)
        return value

    async def _secret(self) -> str:
        value = await asyncio.to_thread(secrets.resolve_secret, self.profile)
        if not value:
            raise ConfigError(profile_where(self.profile), "the client secret is empty")
        return value

    def _client_id(self) -> str:
        if not self.profile.client_id:
            raise ConfigError(
                profile_where(self.profile), f"auth = {self.mode!r} needs a client_id"
            )
        return self.profile.client_id

    def _auth_base(self) -> str:
        base = self.profile.auth_base
        if not base:
            raise ConfigError(
                profile_where(self.profile),
                f"auth = {self.mode!r} needs auth_url or subdomain",
            )
        return base

    async def _post(self, body: Mapping[str, Any], secret: str) -> tuple[int, Any]:
        """POST the token request; return (status, decoded JSON or None)."""
        url = self._auth_base() + self.endpoint
        try:
            async with within(request_deadline(self.profile), f" to POST {self.endpoint}"):
                response = await self._http.post(url, json=dict(body))
        except httpx.TransportError as exc:
            raise network_error(exc) from None
        except httpx.InvalidURL as exc:
            raise ConfigError(profile_where(self.profile), f"bad auth URL: {exc}") from None
        try:
            decoded: Any = json.loads(response.content) if response.content else None
        except (ValueError, RecursionError):
            decoded = None
        status = response.status_code
        if status == 200:
            if not isinstance(decoded, dict):
                raise BadResponse(
                    f"the token reply from {self._auth_base()} is not the documented JSON",
                    status=status,
                )
            return status, decoded
        self._raise_for(status, decoded, response, secret)
        raise AssertionError("unreachable")  # pragma: no cover

    def _raise_for(self, status: int, decoded: Any, response: httpx.Response, secret: str) -> None:
        said = ""
        if isinstance(decoded, dict):
            parts = [
                decoded.get(k)
                for k in ("error", "error_description", "message")
                if isinstance(decoded.get(k), str) and decoded.get(k)
            ]
            said = ": ".join(str(p) for p in parts)
        said = server_text(said.replace(secret, "[redacted]")) if said else ""
        detail = f" ({said})" if said else ""
        where = profile_where(self.profile)
        if status in (400, 401, 403):
            raise AuthError(
                f"{where}: Marketing Cloud refused the client credentials "
                f"(HTTP {status}){detail}; check client_id and the secret",
                status=status,
                messages=(said,) if said else (),
            )
        if status == 429:
            raise RateLimited(retry_after_of(response.headers, decoded), status=429)
        if status >= 500:
            wait = retry_after_of(response.headers, decoded) if status == 503 else None
            raise ServerError(status, retry_after=wait, messages=(said,) if said else ())
        raise ApiError(
            f"{where}: unexpected HTTP {status} from the token endpoint{detail}", status=status
        )

    async def _fetch(self) -> tuple[str, float]:
        raise NotImplementedError

    def _lifetime(self, value: object) -> float:
        return positive_number(value) or self.default_lifetime

    def _bad(self, what: str) -> BadResponse:
        return BadResponse(f"the token reply for {profile_where(self.profile)} {what}")


class LegacyTokenProvider(_FetchingProvider):
    """`auth = "legacy"`: POST {auth_base}/v1/requestToken (legacy installed packages)."""

    default_lifetime = LEGACY_LIFETIME
    endpoint = "/v1/requestToken"

    async def _fetch(self) -> tuple[str, float]:
        client_id, secret = self._client_id(), await self._secret()
        _, reply = await self._post({"clientId": client_id, "clientSecret": secret}, secret)
        value = reply.get("accessToken")
        if not isinstance(value, str) or not value.strip():
            raise self._bad("has no accessToken")
        return value.strip(), self._lifetime(reply.get("expiresIn"))


class OAuth2TokenProvider(_FetchingProvider):
    """`auth = "oauth2"`: client credentials at {auth_base}/v2/token."""

    default_lifetime = OAUTH2_LIFETIME
    endpoint = "/v2/token"

    async def _fetch(self) -> tuple[str, float]:
        client_id, secret = self._client_id(), await self._secret()
        body: dict[str, Any] = {
            "grant_type": "client_credentials",
            "client_id": client_id,
            "client_secret": secret,
        }
        if self.profile.account_id:
            body["account_id"] = self.profile.account_id
        if self.profile.scope:
            body["scope"] = self.profile.scope
        _, reply = await self._post(body, secret)
        value = reply.get("access_token")
        if not isinstance(value, str) or not value.strip():
            raise self._bad("has no access_token")
        if self.profile.rest_base is None:
            instance = reply.get("rest_instance_url")
            if isinstance(instance, str) and instance.strip():
                self.rest_base = self._instance_base(instance)
        return value.strip(), self._lifetime(reply.get("expires_in"))

    def _instance_base(self, raw: str) -> str:
        """`rest_instance_url` as a base URL; scheme-less values get https:// (docs/api.md §5)."""
        text = raw.strip()
        if "://" not in text:
            text = "https://" + text.lstrip("/")
        try:
            url = httpx.URL(text)
        except httpx.InvalidURL:
            raise self._bad("names a rest_instance_url that is not a URL") from None
        # a token must never be sent in clear text unless auth itself is plain http (sim)
        auth_scheme = httpx.URL(self._auth_base()).scheme
        if url.scheme != "https" and not (url.scheme == "http" and auth_scheme == "http"):
            raise self._bad(f"names a rest_instance_url with scheme {url.scheme!r}")
        if not url.host:
            raise self._bad("names a rest_instance_url without a host")
        return text.rstrip("/")


def make_provider(
    profile: Profile,
    http: httpx.AsyncClient,
    *,
    clock: Callable[[], float] = time.monotonic,
) -> TokenProvider:
    """The token provider for `profile.auth`: "token", "legacy" or "oauth2"."""
    if profile.auth == "token":
        return StaticTokenProvider(profile)
    if profile.auth == "legacy":
        return LegacyTokenProvider(profile, http, clock)
    if profile.auth == "oauth2":
        return OAuth2TokenProvider(profile, http, clock)
    raise ConfigError(
        profile_where(profile),
        f"unknown auth mode {profile.auth!r} (use oauth2, legacy or token)",
    )


__all__ = [
    "LegacyTokenProvider",
    "OAuth2TokenProvider",
    "StaticTokenProvider",
    "TokenProvider",
    "make_provider",
]
