"""Headless commands on the watch list and profiles: plain text (or JSON) on stdout,
one clear line on stderr on error (`sendwatch status` is in status.py)."""

from __future__ import annotations

import argparse
import json
from datetime import UTC, datetime

from tui.cli.args import KINDS
from tui.cli.exits import err, reports_errors
from tui.core.api.errors import UsageError
from tui.core.api.model import SendKind
from tui.core.store.config import load_config, select_profile
from tui.core.store.watchlist import WatchedSend, WatchList
from tui.core.text import safe_text


def _load_watchlist() -> WatchList:
    """The user's watch list, with anything set aside reported on stderr."""
    watchlist = WatchList()
    for warning in watchlist.load():
        err(f"warning: {warning}")
    return watchlist


@reports_errors
def cmd_add(args: argparse.Namespace) -> int:
    profile = select_profile(load_config(), args.profile)
    watchlist = _load_watchlist()
    send = WatchedSend(
        profile=profile.name,
        message_id=args.message_id,
        token_id=args.token_id,
        kind=SendKind(KINDS[args.kind]),
        label=args.label,
        added=datetime.now(UTC),
    )
    watchlist.add(send)
    print(f"watching {send.display_name} ({len(watchlist.sends)} sends in the list)")
    return 0


@reports_errors
def cmd_list(args: argparse.Namespace) -> int:
    watchlist = _load_watchlist()
    if args.json:
        rows = [
            {
                "profile": s.profile,
                "kind": s.kind.value,
                "message_id": s.message_id,
                "token_id": s.token_id,
                "label": s.label,
                "added": s.added.isoformat(),
            }
            for s in watchlist.sends
        ]
        print(json.dumps(rows, indent=2, ensure_ascii=False))
        return 0
    if not watchlist.sends:
        print("the watch list is empty: add a send with `sendwatch add MESSAGE_ID TOKEN_ID`")
    for n, s in enumerate(watchlist.sends, 1):
        label = f"  {safe_text(s.label)}" if s.label else ""
        print(f"{n:3d}  {s.profile}  {s.kind}  {s.message_id}  {s.token_id}{label}")
    return 0


@reports_errors
def cmd_remove(args: argparse.Namespace) -> int:
    watchlist = _load_watchlist()
    sends = watchlist.sends
    which = args.which
    if which.isdecimal() and which.isascii() and 1 <= int(which) <= len(sends):
        matches = [sends[int(which) - 1]]
    else:
        matches = [s for s in sends if which in (s.key, s.token_id)]
    if not matches:
        raise UsageError(f"nothing in the watch list matches {which!r} (see `sendwatch list`)")
    if len(matches) > 1:
        raise UsageError(f"{which!r} matches {len(matches)} sends: use the number from `list`")
    watchlist.remove(matches[0].key)
    print(f"removed {matches[0].display_name}")
    return 0


@reports_errors
def cmd_profiles(args: argparse.Namespace) -> int:
    config = load_config()
    if not config.profiles:
        print(f"no profiles in {config.path}")
    for p in config.profiles.values():
        mark = "*" if p.name == config.settings.default_profile else " "
        where = p.subdomain or p.rest_url or p.auth_url or "?"
        secret = p.client_secret_env and f"secret from ${p.client_secret_env}"
        secret = secret or (p.client_secret_command and "secret from a command")
        secret = secret or (p.client_secret and "secret in config.toml")
        secret = secret or (p.access_token_env and f"token from ${p.access_token_env}")
        secret = secret or (p.access_token and "token in config.toml") or ""
        print(f"{mark} {p.name:16} {p.auth:7} {where}  {secret}".rstrip())
    return 0


@reports_errors
def cmd_sim(args: argparse.Namespace) -> int:
    from tui.cli.sim import serve

    return serve(args)


@reports_errors
def cmd_doctor(args: argparse.Namespace) -> int:
    from tui.cli.doctor import report

    print(report())
    return 0
