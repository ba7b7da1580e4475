"""Profiles, settings and key bindings from `config.toml` in the user config dir.

The types below are the schema: msgspec converts the parsed TOML into them and the
checks that need better words than a type gives (URLs, variable names, what each auth
mode needs) follow. Secrets are looked up only when needed, by `secrets.py`.
"""

from __future__ import annotations

import math
import os
import re
import shlex
import stat
from collections.abc import Mapping
from pathlib import Path
from typing import Annotated, Any, Literal
from urllib.parse import urlsplit

import msgspec

from tui.core.api.errors import ConfigError
from tui.core.api.profile import INLINE_SECRETS, Profile
from tui.core.store.alert_rules import AlertConfig, parse_alerts
from tui.core.store.paths import config_path
from tui.core.store.tomlfile import BARE_KEY, TomlFile
from tui.core.text import echoed

PROFILE_NAME = BARE_KEY  # a profile name is a bare TOML key, so it never needs quotes
_SUBDOMAIN = re.compile(r"[a-z0-9-]+")
_ENV_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_SECRET_SOURCES = ("client_secret_env", "client_secret_command", "client_secret")
_TOKEN_SOURCES = ("access_token_env", "access_token")

ClipboardRoute = Literal["osc52", "tmux", "off"]
"""How copies reach the clipboard: OSC 52, OSC 52 through tmux's passthrough, or not at all."""


class Settings(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    refresh_interval: float = 5.0
    bell: bool = True
    max_concurrency: Annotated[int, msgspec.Meta(ge=1)] = 5
    default_profile: str | None = None
    mask_numbers: bool = False
    """Start with mobile numbers masked (`m` toggles), for screen sharing."""
    clipboard: Annotated[ClipboardRoute, msgspec.Meta(description="clipboard route")] = "osc52"
    plain: bool = False
    """ASCII symbols and no animation (`--plain`), for terminals without the glyphs."""


class Config(msgspec.Struct, frozen=True):
    """The whole file. `keymap` maps binding ids to keys; the UI knows which ids exist."""

    path: Path
    settings: Settings = Settings()
    profiles: dict[str, Profile] = msgspec.field(default_factory=dict)
    keymap: Mapping[str, str] = msgspec.field(default_factory=dict)
    alerts: AlertConfig = AlertConfig()


_TABLES = tuple(key for key in Config.__struct_fields__ if key != "path")


# --- loading ------------------------------------------------------------------------


def load_config(path: Path | None = None) -> Config:
    """Read and validate the config; a missing file is an empty config, not an error."""
    src = TomlFile.read(path or config_path())
    config = _build_config(src, src.parse())
    _check_permissions(src, config)
    return config


def check_profile(path: Path, name: str, fields: Mapping[str, object]) -> Profile:
    """The profile `fields` make, or the error loading them from `path` would raise."""
    return _profile(TomlFile(path), name, dict(fields))


def _build_config(src: TomlFile, data: dict[str, Any]) -> Config:
    for key in data:
        if key not in _TABLES:
            raise src.unknown_key((), key, _TABLES)
    tables = src.convert(("profiles",), data.get("profiles", {}), dict[str, Any])
    profiles = {name: _profile(src, name, raw) for name, raw in tables.items()}
    settings = src.convert(("settings",), data.get("settings", {}), Settings)
    _check_seconds(src, ("settings", "refresh_interval"), settings.refresh_interval)
    if settings.default_profile is not None and settings.default_profile not in profiles:
        known = ", ".join(profiles) or "none"
        raise src.error(
            ("settings", "default_profile"),
            f"no profile named {echoed(settings.default_profile)} (profiles: {known})",
        )
    keymap = _keymap(src, data.get("keymap", {}))
    return Config(src.path, settings, profiles, keymap, parse_alerts(src, data.get("alerts", {})))


def _keymap(src: TomlFile, raw: object) -> dict[str, str]:
    """Binding id → keys, as in `"monitor.refresh" = "r,f5"`."""
    keymap: dict[str, str] = {}
    for binding, value in src.convert(("keymap",), raw, dict[str, Any]).items():
        keypath = ("keymap", binding)
        if isinstance(value, dict):  # `app.quit = ...` unquoted is a table named app
            raise src.error(
                keypath, 'must be a string, not a table; quote ids with dots: "app.quit" = ...'
            )
        keys = src.convert(keypath, value, str)
        if not keys.strip():
            raise src.error(keypath, "must name at least one key")
        keymap[binding] = keys
    return keymap


def _profile(src: TomlFile, name: str, raw: object) -> Profile:
    """Validate one `[profiles.NAME]` table into a Profile, naming the first problem."""
    keypath = ("profiles", name)
    if not PROFILE_NAME.fullmatch(name):
        raise src.error(keypath, "profile names use only letters, digits, '_' and '-'")
    profile = src.convert(keypath, raw, Profile, implied={"name": name})
    _check_values(src, keypath, profile)
    _check_auth_needs(src, keypath, profile)
    return profile


def _check_values(src: TomlFile, keypath: tuple[str, ...], profile: Profile) -> None:
    if profile.subdomain is not None and not _SUBDOMAIN.fullmatch(profile.subdomain):
        raise src.error(
            (*keypath, "subdomain"),
            "use only a-z, 0-9 and '-' (the part before .auth.marketingcloudapis.com)",
        )
    for key in ("auth_url", "rest_url"):
        url = getattr(profile, key)
        if url is not None and not _is_http_url(url):
            raise src.error((*keypath, key), "must be an http:// or https:// URL with a host name")
    for key in ("client_secret_env", "access_token_env"):
        variable = getattr(profile, key)
        if variable is not None and not _ENV_NAME.fullmatch(variable):
            raise src.error((*keypath, key), "must be the name of an environment variable")
    if profile.client_secret_command is not None:
        _check_command(src, (*keypath, "client_secret_command"), profile.client_secret_command)
    _check_seconds(src, (*keypath, "timeout"), profile.timeout)


def _check_seconds(src: TomlFile, keypath: tuple[str, ...], value: float) -> None:
    """TOML allows nan and inf: either would make a poll loop spin or never time out."""
    if not (math.isfinite(value) and value > 0):
        raise src.error(keypath, f"must be a finite number of seconds above 0, not {value:g}")


def _is_http_url(value: str) -> bool:
    try:
        parts = urlsplit(value)
        parts.port  # noqa: B018 -- raises on a port that is not a number
    except ValueError:
        return False
    return parts.scheme in ("http", "https") and bool(parts.hostname)


def _check_command(src: TomlFile, keypath: tuple[str, ...], command: str) -> None:
    try:
        argv = shlex.split(command)
    except ValueError as exc:
        raise src.error(keypath, f"cannot split the command: {exc}") from None
    if not argv:
        raise src.error(keypath, "the command is empty")


def _check_auth_needs(src: TomlFile, keypath: tuple[str, ...], profile: Profile) -> None:
    """Each auth mode's required keys, so a missing one fails at start, not mid-refresh."""
    auth = profile.auth
    has = [key for key in profile.__struct_fields__ if getattr(profile, key) not in (None, "")]
    if auth == "token":
        _exactly_one(src, keypath, has, _TOKEN_SOURCES, "token mode")
        if "rest_url" not in has and "subdomain" not in has:
            raise src.error(keypath, "token mode needs rest_url or subdomain")
        return
    if "client_id" not in has:
        raise src.error(keypath, f"{auth} mode needs client_id")
    _exactly_one(src, keypath, has, _SECRET_SOURCES, f"{auth} mode")
    if "auth_url" not in has and "subdomain" not in has:
        raise src.error(keypath, f"{auth} mode needs subdomain or auth_url")
    if auth == "legacy" and "rest_url" not in has and "subdomain" not in has:
        raise src.error(keypath, "legacy mode needs rest_url or subdomain")


def _exactly_one(
    src: TomlFile, keypath: tuple[str, ...], has: list[str], options: tuple[str, ...], what: str
) -> None:
    found = [key for key in options if key in has]
    if len(found) != 1:
        got = ", ".join(found) if found else "none"
        raise src.error(keypath, f"{what} needs exactly one of {', '.join(options)} (found: {got})")


def _check_permissions(src: TomlFile, config: Config) -> None:
    """An inline secret in a file others can read is refused, as ssh does with keys."""
    if os.name != "posix":
        return
    for profile in config.profiles.values():
        for key in INLINE_SECRETS:
            if getattr(profile, key) is None:
                continue
            mode = stat.S_IMODE(src.path.stat().st_mode)
            if mode & 0o077:
                raise src.error(
                    ("profiles", profile.name, key),
                    f"this file holds a secret but others can read it (mode {mode:04o}); "
                    f"run: chmod 600 {src.path}",
                )


def select_profile(config: Config, name: str | None = None) -> Profile:
    """The named profile, else settings.default_profile, else the only one there is."""
    where = str(config.path)
    name = name or config.settings.default_profile
    if name is not None:
        if name in config.profiles:
            return config.profiles[name]
        known = ", ".join(config.profiles) or "none"
        raise ConfigError(where, f"no profile named {echoed(name)} (profiles: {known})")
    if len(config.profiles) == 1:
        return next(iter(config.profiles.values()))
    if not config.profiles:
        raise ConfigError(
            where, "no profiles yet: add a [profiles.NAME] table or run `sendwatch demo`"
        )
    raise ConfigError(
        where, "several profiles and no settings.default_profile: choose one (--profile NAME)"
    )
