"""Headless commands: plain text (or JSON) on stdout, one clear line on stderr on error."""

from __future__ import annotations

import argparse
import asyncio
import functools
import json
import math
import os
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from tui.core.api.errors import SendwatchError, UsageError
from tui.core.api.model import Delivery, Phase, SendKind
from tui.core.glyphs import PHASE_SYMBOL
from tui.core.store.config import Profile, load_config, select_profile
from tui.core.store.watchlist import WatchedSend, WatchList
from tui.core.text import safe_text
from tui.core.timefmt import fmt_duration, fmt_full

EXIT_ERROR_STATUS = 1
EXIT_TIMEOUT = 5
EXIT_INTERNAL = 70

KINDS = {"contact": SendKind.MESSAGE_CONTACT, "list": SendKind.MESSAGE_LIST}

Command = Callable[[argparse.Namespace], int]


def _err(text: str) -> None:
    print(f"sendwatch: {safe_text(text)}", file=sys.stderr)


def _load_watchlist() -> WatchList:
    """The user's watch list, with anything set aside reported on stderr."""
    watchlist = WatchList()
    for warning in watchlist.load():
        _err(f"warning: {warning}")
    return watchlist


def reports_errors(fn: Command) -> Command:
    """Turn every failure into one line on stderr and the documented exit code."""

    @functools.wraps(fn)
    def wrapper(args: argparse.Namespace) -> int:
        try:
            return fn(args)
        except SendwatchError as exc:
            _err(f"error: {exc}")
            return exc.exit_code
        except Exception as exc:
            if os.environ.get("SENDWATCH_DEBUG"):
                raise
            _err(f"internal error: {type(exc).__name__}: {exc} (SENDWATCH_DEBUG=1 shows more)")
            return EXIT_INTERNAL

    return wrapper


def delivery_json(delivery: Delivery) -> dict[str, Any]:
    c = delivery.counts
    return {
        "status": delivery.status,
        "message": delivery.message,
        "count": delivery.count,
        "createDate": delivery.create_date.isoformat() if delivery.create_date else None,
        "completeDate": delivery.complete_date.isoformat() if delivery.complete_date else None,
        "createDateRaw": delivery.create_date_raw,
        "completeDateRaw": delivery.complete_date_raw,
        "recipients": len(delivery.recipients),
        "events": delivery.event_count,
        "outcomes": {
            "delivered": c.delivered,
            "failed": c.failed,
            "pending": c.pending,
            "unknown": c.unknown,
        },
    }


def _pct(part: int, whole: int) -> str:
    return f"{100 * part / whole:.0f}%" if whole else "–"


def delivery_text(delivery: Delivery, header: str) -> str:
    c = delivery.counts
    seen = len(delivery.recipients)
    mc = " / ".join(
        f"MC {raw}" for raw in (delivery.create_date_raw, delivery.complete_date_raw) if raw
    )
    rows = [
        header,
        f"  Status     {PHASE_SYMBOL[delivery.phase]} {safe_text(delivery.status)}",
        f"  Message    {safe_text(delivery.message, limit=200) or '—'}",
        f"  Count      {delivery.count if delivery.count is not None else '—'}"
        " (recipients after unsubscribes)",
        f"  Created    {fmt_full(delivery.create_date)}",
        f"  Completed  {fmt_full(delivery.complete_date)}",
        f"  Duration   {fmt_duration(delivery.duration)}",
        f"  Seen       {seen} recipients, {delivery.event_count} events",
        f"  Outcomes   {c.delivered} delivered ({_pct(c.delivered, seen)}), "
        f"{c.failed} failed ({_pct(c.failed, seen)}), {c.pending} pending, {c.unknown} unknown",
    ]
    if mc:
        rows.append(f"  (Marketing Cloud time, UTC-6: {safe_text(mc)})")
    if delivery.skipped_entries:
        rows.append(f"  Note       {delivery.skipped_entries} malformed tracking entries skipped")
    return "\n".join(rows)


async def _status(args: argparse.Namespace, profile: Profile) -> int:
    from tui.core.api.client import SmsClient

    kind = KINDS[args.kind]
    interval = args.interval or load_config().settings.refresh_interval
    deadline = time.monotonic() + args.timeout
    last_status = None
    async with SmsClient(profile) as client:
        while True:
            try:
                delivery = await client.fetch(kind, args.message_id, args.token_id)
            except SendwatchError as exc:
                if not (args.wait and exc.retryable and time.monotonic() < deadline):
                    raise
                _err(f"warning: {exc}; still waiting")
            else:
                done = delivery.phase.final or not args.wait
                if args.wait and not args.json and delivery.status != last_status:
                    stamp = datetime.now(UTC).astimezone().strftime("%H:%M:%S")
                    print(f"{stamp}  {safe_text(delivery.status)}", file=sys.stderr, flush=True)
                last_status = delivery.status
                if done:
                    return _report(args, profile, delivery)
            if time.monotonic() + interval > deadline:
                _err(f"timed out after {args.timeout:g} s; last status: {last_status or 'none'}")
                return EXIT_TIMEOUT
            await asyncio.sleep(interval)


def _report(args: argparse.Namespace, profile: Profile, delivery: Delivery) -> int:
    if args.json:
        body = {"messageId": args.message_id, "tokenId": args.token_id}
        body |= {"kind": KINDS[args.kind].value, "profile": profile.name}
        print(json.dumps(body | delivery_json(delivery), indent=2))
    else:
        header = (
            f"{args.message_id} / {args.token_id}  ({KINDS[args.kind]}, profile {profile.name})"
        )
        print(delivery_text(delivery, safe_text(header)))
    if delivery.phase is Phase.ERROR:
        return EXIT_ERROR_STATUS
    if args.wait and delivery.phase is not Phase.FINISHED:
        return EXIT_ERROR_STATUS
    return 0


@reports_errors
def cmd_status(args: argparse.Namespace) -> int:
    from tui.core.api.ids import check_id

    check_id("message id", args.message_id)
    check_id("token id", args.token_id)
    bad_interval = args.interval is not None and not 0 < args.interval < math.inf
    if not args.timeout > 0 or bad_interval:  # `not >` also catches nan
        raise UsageError("--timeout and --interval must be positive numbers of seconds")
    profile = select_profile(load_config(), args.profile)
    return asyncio.run(_status(args, profile))


@reports_errors
def cmd_add(args: argparse.Namespace) -> int:
    profile = select_profile(load_config(), args.profile)
    watchlist = _load_watchlist()
    send = WatchedSend(
        profile=profile.name,
        message_id=args.message_id,
        token_id=args.token_id,
        kind=KINDS[args.kind],
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
