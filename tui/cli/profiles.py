"""`sendwatch profiles`: the configured profiles (never their secrets), and `profiles test`.

The test's report goes to stdout, one block per profile; its exit code is the first
failing profile's (the codes are in args.py's EXIT_CODES), 0 when every profile passed.
"""

from __future__ import annotations

import argparse
import asyncio

from tui.cli.exits import reports_errors
from tui.core.api.errors import ConfigError, redact
from tui.core.api.profile import Profile
from tui.core.store.config import Config, load_config
from tui.core.text import echoed, safe_text


def secret_source(profile: Profile) -> str:
    """Where the profile's secret comes from, in words (never the secret)."""
    if profile.client_secret_env:
        return f"secret from ${profile.client_secret_env}"
    if profile.client_secret_command:
        return "secret from a command"
    if profile.client_secret:
        return "secret in config.toml"
    if profile.access_token_env:
        return f"token from ${profile.access_token_env}"
    if profile.access_token:
        return "token in config.toml"
    return ""


def _list(config: Config) -> int:
    if not config.profiles:
        print(f"no profiles in {config.path}")
    for p in config.profiles.values():
        mark = "*" if p.name == config.settings.default_profile else " "
        where = p.subdomain or p.rest_url or p.auth_url or "?"
        print(f"{mark} {p.name:16} {p.auth:7} {where}  {secret_source(p)}".rstrip())
    return 0


def _say(text: str) -> None:
    """One line of the report: terminal-safe, and with anything token-like blanked."""
    print(safe_text(redact(text)))


def _test(config: Config, name: str | None) -> int:
    from tui.cli.probe import probe  # httpx only when testing

    if name is not None and name not in config.profiles:
        known = ", ".join(config.profiles) or "none"
        raise ConfigError(str(config.path), f"no profile named {echoed(name)} (profiles: {known})")
    chosen = [config.profiles[name]] if name else list(config.profiles.values())
    if not chosen:
        raise ConfigError(str(config.path), "no profiles to test: add a [profiles.NAME] table")
    codes = []
    for n, profile in enumerate(chosen):
        report = asyncio.run(probe(profile))
        if n:
            print()
        source = secret_source(profile)
        _say(f"profile {profile.name} ({profile.auth}{', ' + source if source else ''})")
        for step in report.steps:
            mark = "✓" if step.ok else "✗"
            took = f"{step.ms:6.0f} ms" if step.ms is not None else " " * 9
            _say(f"  {step.name:5} {mark} {took}  {step.request}")
            _say(f"  {'':5}   {'':9}  {step.said}")
        if report.failure is None:
            _say(f"  OK: profile {profile.name} reaches the SMS API")
        else:
            _say(f"  FAILED: {report.failure} (exit {report.exit_code})")
        codes.append(report.exit_code)
    return next((code for code in codes if code), 0)


@reports_errors
def cmd_profiles(args: argparse.Namespace) -> int:
    config = load_config()
    if getattr(args, "profiles_command", None) == "test":
        return _test(config, args.name)
    return _list(config)
