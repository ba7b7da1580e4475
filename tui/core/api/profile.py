"""How to reach one Marketing Cloud tenant: a profile, as the client and auth use it.

Loading it from config.toml is the store's job (store/config.py); the type lives with
the API so the client never depends on where its settings came from.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

import msgspec

AuthMode = Literal["oauth2", "legacy", "token"]
AUTH_MODES: tuple[AuthMode, ...] = ("oauth2", "legacy", "token")
INLINE_SECRETS = ("client_secret", "access_token")


class Profile(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    """How to reach one Marketing Cloud tenant; an inline secret never shows in a repr."""

    name: str
    auth: Annotated[AuthMode, msgspec.Meta(description="auth mode")] = "oauth2"
    subdomain: str | None = None
    auth_url: str | None = None
    rest_url: str | None = None
    client_id: str | None = None
    client_secret_env: str | None = None
    client_secret_command: str | None = None
    client_secret: str | None = None
    access_token_env: str | None = None
    access_token: str | None = None
    account_id: str | None = None
    scope: str | None = None
    token_in_query: bool = False
    ca_bundle: str | None = None
    timeout: float = 15.0

    def __rich_repr__(self) -> list[tuple[str, Any]]:
        """Rich (so Textual's tracebacks with locals) prints a Struct this way."""
        hidden = INLINE_SECRETS
        return [(key, getattr(self, key)) for key in self.__struct_fields__ if key not in hidden]

    def __repr__(self) -> str:
        shown = ", ".join(f"{key}={value!r}" for key, value in self.__rich_repr__())
        return f"Profile({shown})"

    @property
    def auth_base(self) -> str | None:
        if self.auth_url:
            return self.auth_url.rstrip("/")
        if self.subdomain:
            return f"https://{self.subdomain}.auth.marketingcloudapis.com"
        return None

    @property
    def rest_base(self) -> str | None:
        if self.rest_url:
            return self.rest_url.rstrip("/")
        if self.subdomain:
            return f"https://{self.subdomain}.rest.marketingcloudapis.com"
        return None
