"""Installed packages and their access tokens: the two token endpoints and the bearer check.

v2 (`POST /v2/token`, OAuth2 client credentials) and v1 (`POST /v1/requestToken`, legacy)
both issue tokens that work on every API route (docs/api.md §5). A token dies when its sim-time
lifetime ends or when `revoke_all()` is called; the 401 then says which, in the
`WWW-Authenticate` header that FuelSDK-style clients inspect before refreshing.
"""

from __future__ import annotations

import math
import random
from collections.abc import Mapping
from dataclasses import dataclass

from tui.sim import ids
from tui.sim.replies import Reply, json_reply, oauth_error

DEFAULT_SCOPE = "sms_read sms_send list_and_subscribers_read"
ROUTE_SCOPES = {"deliveries": frozenset({"sms_read", "sms_send"}), "sends": frozenset({"sms_send"})}
"""Any one of these scopes opens the route (docs/api.md §2.3: deliveries are listed under
both sms_read and sms_send)."""
INVALID_CLIENT = "Invalid client ID. Use the client ID in Marketing Cloud Installed Packages."


@dataclass(frozen=True, slots=True)
class Client:
    client_id: str
    client_secret: str
    account_id: str
    scopes: tuple[str, ...] = tuple(DEFAULT_SCOPE.split())
    """What the installed package may do; a token gets these, or the asked ones of them."""


@dataclass(frozen=True, slots=True)
class Grant:
    token: str
    client_id: str
    expires_at: float
    generation: int
    scopes: frozenset[str] = frozenset(DEFAULT_SCOPE.split())


class TokenStore:
    """Registered clients and every token issued. Not locked: the world's lock covers it."""

    def __init__(self, rng: random.Random) -> None:
        self._rng = rng
        self.clients: dict[str, Client] = {}
        self._grants: dict[str, Grant] = {}
        self._generation = 0

    def add_client(
        self, client_id: str, client_secret: str, account_id: str, scopes: str = DEFAULT_SCOPE
    ) -> None:
        self.clients[client_id] = Client(
            client_id, client_secret, account_id, tuple(scopes.split())
        )

    def issue(
        self, client_id: str, now: float, ttl: float, scopes: tuple[str, ...] | None = None
    ) -> Grant:
        client = self.clients.get(client_id)
        if client is None:
            raise KeyError(f"unknown client {client_id!r}")
        token = ids.access_token(self._rng)
        while token in self._grants:
            token = ids.access_token(self._rng)
        granted = frozenset(client.scopes if scopes is None else scopes)
        grant = Grant(token, client_id, now + ttl, self._generation, granted)
        self._grants[token] = grant
        return grant

    def issued(self) -> list[str]:
        """Every token issued so far, for tests that look for them where they must not be."""
        return list(self._grants)

    def allows(self, token: str | None, route: str) -> bool:
        """May this (live) token use `route`? Its scopes must open it (ROUTE_SCOPES)."""
        grant = self._grants.get(token) if token else None
        needed = ROUTE_SCOPES.get(route)
        return grant is not None and (needed is None or bool(needed & grant.scopes))

    def revoke_all(self) -> None:
        self._generation += 1

    def check(self, token: str | None, now: float) -> tuple[str | None, str | None]:
        """(client id, None) for a live token, else (None, why) for the 401 challenge."""
        if not token:
            return None, None
        grant = self._grants.get(token)
        if grant is None:
            return None, "The access token is invalid"
        if grant.generation != self._generation:
            return None, "The access token was revoked"
        if now >= grant.expires_at:
            return None, "The access token expired"
        return grant.client_id, None

    def _client(self, client_id: object, secret: object) -> Client | None:
        client = self.clients.get(client_id) if isinstance(client_id, str) else None
        return client if client is not None and client.client_secret == secret else None

    def token_v2(self, body: object, now: float, ttl: float, base_url: str) -> Reply:
        """`POST /v2/token`. `expires_in` reports a second less than the real lifetime."""
        if not isinstance(body, Mapping):
            return oauth_error(400, "invalid_request", "The request body is not valid.")
        grant_type = body.get("grant_type")
        if not grant_type:
            return oauth_error(400, "invalid_request", "grant_type is required.")
        if grant_type != "client_credentials":
            return oauth_error(400, "unsupported_grant_type", "Use grant_type client_credentials.")
        client = self._client(body.get("client_id"), body.get("client_secret"))
        if client is None:
            return oauth_error(401, "invalid_client", INVALID_CLIENT)
        account = body.get("account_id")
        if account not in (None, "", client.account_id):
            # [I] The real text is unknown; a wrong MID must not pass silently.
            return oauth_error(400, "invalid_grant", "The account_id is not valid for this client.")
        # [I] Asked-for scopes the package lacks are left out, as OAuth2 servers may do.
        asked = body.get("scope")
        words = asked.split() if isinstance(asked, str) else []
        scopes = tuple(w for w in words if w in client.scopes) if words else client.scopes
        grant = self.issue(client.client_id, now, ttl, scopes)
        return json_reply(
            200,
            {
                "access_token": grant.token,
                "token_type": "Bearer",
                "expires_in": max(0, math.ceil(ttl) - 1),
                "scope": " ".join(scopes),
                "soap_instance_url": base_url + "soap/",
                "rest_instance_url": base_url,
            },
        )

    def token_v1(self, body: object, now: float, ttl: float) -> Reply:
        """`POST /v1/requestToken` (with or without `?legacy=1`): fixed hour-long tokens."""
        fields = body if isinstance(body, Mapping) else {}
        client = self._client(fields.get("clientId"), fields.get("clientSecret"))
        if client is None:
            return json_reply(401, {"message": "Unauthorized", "errorcode": 1, "documentation": ""})
        grant = self.issue(client.client_id, now, ttl)
        return json_reply(200, {"accessToken": grant.token, "expiresIn": math.ceil(ttl)})
