"""Profiles and settings from `config.toml` in the user config dir.

Every mistake in the file is reported with the file, the key path and (when a cheap
scan finds it) the line, because users edit this file by hand over SSH. Secrets are
looked up only when needed, by `secrets.py`.
"""

from __future__ import annotations

import copy
import difflib
import math
import os
import re
import shlex
import stat
import tomllib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal
from urllib.parse import urlsplit

import tomli_w

from tui.core.api.errors import ConfigError
from tui.core.store.atomic import atomic_write, describe_os_error, file_lock
from tui.core.store.paths import config_path

AuthMode = Literal["oauth2", "legacy", "token"]
AUTH_MODES: tuple[AuthMode, ...] = ("oauth2", "legacy", "token")


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


# --- schema -------------------------------------------------------------------------

_Check = tuple[Callable[[object], bool], str]
_STR: _Check = (lambda v: isinstance(v, str), "a string")
_BOOL: _Check = (lambda v: isinstance(v, bool), "true or false")
_INT: _Check = (lambda v: isinstance(v, int) and not isinstance(v, bool), "a whole number")
_NUMBER: _Check = (
    lambda v: isinstance(v, int | float) and not isinstance(v, bool),
    "a number",
)

_SETTINGS_SCHEMA: dict[str, _Check] = {
    "refresh_interval": _NUMBER,
    "bell": _BOOL,
    "max_concurrency": _INT,
    "default_profile": _STR,
}
_PROFILE_SCHEMA: dict[str, _Check] = {
    "auth": _STR,
    "subdomain": _STR,
    "auth_url": _STR,
    "rest_url": _STR,
    "client_id": _STR,
    "client_secret_env": _STR,
    "client_secret_command": _STR,
    "client_secret": _STR,
    "access_token_env": _STR,
    "access_token": _STR,
    "account_id": _STR,
    "scope": _STR,
    "token_in_query": _BOOL,
    "ca_bundle": _STR,
    "timeout": _NUMBER,
}
_TOP_LEVEL = ("settings", "profiles")
_SECRET_SOURCES = ("client_secret_env", "client_secret_command", "client_secret")
_TOKEN_SOURCES = ("access_token_env", "access_token")
_INLINE_SECRETS = ("client_secret", "access_token")
PROFILE_NAME = re.compile(r"[A-Za-z0-9_-]+")
_SUBDOMAIN = re.compile(r"[a-z0-9-]+")
_ENV_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_TOML_POSITION = re.compile(r"\s*\(at line (\d+), column \d+\)|\s*\(at end of document\)")
_HEADER = re.compile(r"^\s*\[\[?\s*([^\[\]#]+?)\s*\]\]?\s*(?:#.*)?$")


def _toml_type(value: object) -> str:
    """Name a parsed value the way the TOML spec does, for 'must be X, not Y'."""
    names = {bool: "a boolean", int: "an integer", float: "a float", str: "a string"}
    names |= {dict: "a table", list: "an array"}
    return names.get(type(value), "a date/time")


def _split_dotted(header: str) -> tuple[str, ...]:
    return tuple(part.strip().strip("\"'") for part in header.split("."))


def find_line(text: str, keypath: tuple[str, ...]) -> int | None:
    """The line defining `keypath` (a table header or `key =`), by a cheap line scan.

    Good enough for hand-written files; dotted keys and inline tables just yield None.
    """
    table, key = keypath[:-1], keypath[-1]
    key_line = re.compile(rf"^\s*[\"']?{re.escape(key)}[\"']?\s*=")
    current: tuple[str, ...] = ()
    for number, line in enumerate(text.splitlines(), 1):
        header = _HEADER.match(line)
        if header:
            current = _split_dotted(header[1])
            if current == keypath:
                return number
        elif current == table and key_line.match(line):
            return number
    return None


@dataclass(frozen=True, slots=True)
class _Source:
    """The file being validated, so every error can name the file and the line."""

    path: Path
    text: str

    def error(self, keypath: tuple[str, ...], detail: str) -> ConfigError:
        dotted = ".".join(k if PROFILE_NAME.fullmatch(k) else f'"{k}"' for k in keypath)
        return ConfigError(
            str(self.path), f"{dotted}: {detail}", line=find_line(self.text, keypath)
        )


# --- loading ------------------------------------------------------------------------


def load_config(path: Path | None = None) -> Config:
    """Read and validate the config; a missing file is an empty config, not an error."""
    path = path or config_path()
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return Config(path)
    except OSError as exc:
        raise ConfigError(str(path), f"cannot read the file: {describe_os_error(exc)}") from exc
    src = _Source(path, _decode(path, raw))
    data = _parse_toml(src)
    config = _build_config(src, data)
    _check_permissions(src, config)
    return config


def _decode(path: Path, raw: bytes) -> str:
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise ConfigError(str(path), "the file is not UTF-8 text", line=line) from exc


def _parse_toml(src: _Source) -> dict[str, Any]:
    """tomllib's message plus the line it names (end of document = the last line)."""
    try:
        return tomllib.loads(src.text)
    except tomllib.TOMLDecodeError as exc:
        line, detail = toml_error_position(exc, src.text)
        raise ConfigError(str(src.path), f"invalid TOML: {detail}", line=line) from exc


def toml_error_position(exc: tomllib.TOMLDecodeError, text: str) -> tuple[int, str]:
    """(line, message without the position); 'end of document' means the last line."""
    message = str(exc)
    found = re.search(r"\(at line (\d+),", message)
    line = int(found[1]) if found else max(1, len(text.splitlines()))
    return line, _TOML_POSITION.sub("", message)


def _build_config(src: _Source, data: dict[str, Any]) -> Config:
    _reject_unknown(src, (), data, _TOP_LEVEL)
    profiles_raw = _table(src, ("profiles",), data.get("profiles", {}))
    profiles = {name: _profile(src, name, raw) for name, raw in profiles_raw.items()}
    settings = _settings(src, _table(src, ("settings",), data.get("settings", {})))
    if settings.default_profile is not None and settings.default_profile not in profiles:
        known = ", ".join(profiles) or "none"
        raise src.error(
            ("settings", "default_profile"),
            f"no profile named {settings.default_profile!r} (profiles: {known})",
        )
    return Config(src.path, settings, profiles)


def _table(src: _Source, keypath: tuple[str, ...], value: object) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise src.error(keypath, f"must be a table, not {_toml_type(value)}")
    return value


def _reject_unknown(
    src: _Source, keypath: tuple[str, ...], table: Mapping[str, object], known: tuple[str, ...]
) -> None:
    for key in table:
        if key not in known:
            close = difflib.get_close_matches(key, known, n=1)
            hint = f"; did you mean {close[0]!r}?" if close else f" (known: {', '.join(known)})"
            raise src.error((*keypath, key), f"unknown key{hint}")


def _check_types(
    src: _Source, keypath: tuple[str, ...], table: Mapping[str, object], schema: dict[str, _Check]
) -> None:
    _reject_unknown(src, keypath, table, tuple(schema))
    for key, value in table.items():
        accepts, wanted = schema[key]
        if not accepts(value):
            raise src.error((*keypath, key), f"must be {wanted}, not {_toml_type(value)}")


def _settings(src: _Source, raw: dict[str, Any]) -> Settings:
    _check_types(src, ("settings",), raw, _SETTINGS_SCHEMA)
    _check_seconds(src, ("settings", "refresh_interval"), raw.get("refresh_interval", 1))
    if raw.get("max_concurrency", 1) < 1:
        raise src.error(("settings", "max_concurrency"), "must be at least 1")
    if "refresh_interval" in raw:
        raw = {**raw, "refresh_interval": float(raw["refresh_interval"])}
    return Settings(**raw)


def _profile(src: _Source, name: str, raw: object) -> Profile:
    """Validate one `[profiles.NAME]` table into a Profile, naming the first problem."""
    keypath = ("profiles", name)
    if not PROFILE_NAME.fullmatch(name):
        raise src.error(keypath, "profile names use only letters, digits, '_' and '-'")
    table = _table(src, keypath, raw)
    _check_types(src, keypath, table, _PROFILE_SCHEMA)
    _check_values(src, keypath, table)
    _check_auth_needs(src, keypath, table)
    values = dict(table)
    if "timeout" in values:
        values["timeout"] = float(values["timeout"])
    return Profile(name=name, **values)


def _check_values(src: _Source, keypath: tuple[str, ...], table: Mapping[str, Any]) -> None:
    auth = table.get("auth", "oauth2")
    if auth not in AUTH_MODES:
        raise src.error(
            (*keypath, "auth"), f"unknown auth mode {auth!r} (use {', '.join(AUTH_MODES)})"
        )
    if "subdomain" in table and not _SUBDOMAIN.fullmatch(table["subdomain"]):
        raise src.error(
            (*keypath, "subdomain"),
            "use only a-z, 0-9 and '-' (the part before .auth.marketingcloudapis.com)",
        )
    for key in ("auth_url", "rest_url"):
        if key in table and not _is_http_url(table[key]):
            raise src.error((*keypath, key), "must be an http:// or https:// URL with a host name")
    for key in ("client_secret_env", "access_token_env"):
        if key in table and not _ENV_NAME.fullmatch(table[key]):
            raise src.error((*keypath, key), "must be the name of an environment variable")
    if "client_secret_command" in table:
        _check_command(src, (*keypath, "client_secret_command"), table["client_secret_command"])
    _check_seconds(src, (*keypath, "timeout"), table.get("timeout", 1))


def _check_seconds(src: _Source, keypath: tuple[str, ...], value: float) -> None:
    """TOML allows nan and inf: either would make a poll loop spin or never time out."""
    if not (math.isfinite(value) and value > 0):
        raise src.error(keypath, f"must be a finite number of seconds above 0, not {value}")


def _is_http_url(value: str) -> bool:
    try:
        parts = urlsplit(value)
        parts.port  # noqa: B018 -- raises on a port that is not a number
    except ValueError:
        return False
    return parts.scheme in ("http", "https") and bool(parts.hostname)


def _check_command(src: _Source, keypath: tuple[str, ...], command: str) -> None:
    try:
        argv = shlex.split(command)
    except ValueError as exc:
        raise src.error(keypath, f"cannot split the command: {exc}") from None
    if not argv:
        raise src.error(keypath, "the command is empty")


def _check_auth_needs(src: _Source, keypath: tuple[str, ...], table: Mapping[str, Any]) -> None:
    """Each auth mode's required keys, so a missing one fails at start, not mid-refresh."""
    auth = table.get("auth", "oauth2")
    has = [key for key in table if table[key] not in (None, "")]
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
    src: _Source, keypath: tuple[str, ...], has: list[str], options: tuple[str, ...], what: str
) -> None:
    found = [key for key in options if key in has]
    if len(found) != 1:
        got = ", ".join(found) if found else "none"
        raise src.error(keypath, f"{what} needs exactly one of {', '.join(options)} (found: {got})")


def _check_permissions(src: _Source, config: Config) -> None:
    """An inline secret in a file others can read is refused, as ssh does with keys."""
    if os.name != "posix":
        return
    for profile in config.profiles.values():
        for key in _INLINE_SECRETS:
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
        raise ConfigError(where, f"no profile named {name!r} (profiles: {known})")
    if len(config.profiles) == 1:
        return next(iter(config.profiles.values()))
    if not config.profiles:
        raise ConfigError(
            where, "no profiles yet: add a [profiles.NAME] table or run `sendwatch demo`"
        )
    raise ConfigError(
        where, "several profiles and no settings.default_profile: choose one (--profile NAME)"
    )


# --- writing ------------------------------------------------------------------------


def write_profile(
    name: str,
    fields: Mapping[str, object],
    path: Path | None = None,
    *,
    make_default: bool = False,
) -> Path:
    """Add or replace `[profiles.NAME]`, keeping everything else; the file ends up 0600.

    A new profile is appended to the existing text so the user's comments survive;
    replacing one rewrites the file (comments are then lost, values are not).
    """
    path = path or config_path()
    clean = {key: value for key, value in fields.items() if value is not None}
    _profile(_Source(path, ""), name, clean)
    with file_lock(path, "the config file"):
        text = _read_text(path)
        data = _parse_toml(_Source(path, text))
        wanted = _with_profile(_Source(path, text), data, name, clean, make_default)
        new_text = _appended(text, name, clean)
        if new_text is None or tomllib.loads(new_text) != wanted:
            new_text = tomli_w.dumps(wanted)
        atomic_write(path, new_text.encode("utf-8"), mode=0o600)
    return path


def _read_text(path: Path) -> str:
    try:
        return _decode(path, path.read_bytes())
    except FileNotFoundError:
        return ""
    except OSError as exc:
        raise ConfigError(str(path), f"cannot read the file: {describe_os_error(exc)}") from exc


def _with_profile(
    src: _Source, data: dict[str, Any], name: str, fields: dict[str, object], make_default: bool
) -> dict[str, Any]:
    wanted = copy.deepcopy(data)
    _table(src, ("profiles",), wanted.setdefault("profiles", {}))[name] = dict(fields)
    if make_default:
        _table(src, ("settings",), wanted.setdefault("settings", {}))["default_profile"] = name
    return wanted


def _appended(text: str, name: str, fields: dict[str, object]) -> str | None:
    """`text` plus a new profile table, or None when the profile already exists."""
    try:
        existing = tomllib.loads(text).get("profiles", {})
    except tomllib.TOMLDecodeError:
        return None
    if isinstance(existing, dict) and name in existing:
        return None
    block = tomli_w.dumps({"profiles": {name: fields}})
    separator = "" if not text else ("\n" if text.endswith("\n") else "\n\n")
    return text + separator + block
