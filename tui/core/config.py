"""Profiles and settings from `config.toml` in the user config dir.

(Skeleton: the data types are the contract; loading is filled in by the config work.)
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

import platformdirs

AuthMode = Literal["oauth2", "legacy", "token"]
APP_NAME = "sendwatch"


def config_dir() -> Path:
    return Path(platformdirs.user_config_dir(APP_NAME))


def data_dir() -> Path:
    return Path(platformdirs.user_data_dir(APP_NAME))


@dataclass(frozen=True, slots=True)
class Profile:
    """How to reach one Marketing Cloud tenant. Secrets are looked up, never stored here."""

    name: str
    auth: AuthMode = "oauth2"
    subdomain: str | None = None
    auth_url: str | None = None
    rest_url: str | None = None
    client_id: str | None = None
    client_secret_env: str | None = None
    client_secret_command: str | None = None
    client_secret: str | None = field(default=None, repr=False)
    access_token_env: str | None = None
    access_token: str | None = field(default=None, repr=False)
    account_id: str | None = None
    scope: str | None = None
    token_in_query: bool = False
    ca_bundle: str | None = None
    timeout: float = 15.0

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


@dataclass(frozen=True, slots=True)
class Settings:
    refresh_interval: float = 5.0
    bell: bool = True
    max_concurrency: int = 5
    default_profile: str | None = None


@dataclass(frozen=True, slots=True)
class Config:
    path: Path
    settings: Settings = field(default_factory=Settings)
    profiles: dict[str, Profile] = field(default_factory=dict)
