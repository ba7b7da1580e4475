"""`sendwatch export`: one read of a send, its recipients as CSV or JSON.

The same bytes as the monitor's `x` (tui/core/export.py), without a label. The "first
seen by sendwatch" times come from the history when the monitor has watched the send;
otherwise they stay empty. Nothing of sendwatch's own files is written.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
from collections.abc import Mapping
from datetime import UTC, datetime
from pathlib import Path

from tui.cli.args import KINDS
from tui.cli.exits import err, reports_errors
from tui.core.api.codes import Outcome
from tui.core.api.errors import SendwatchError
from tui.core.api.ids import check_id
from tui.core.api.model import Delivery, SendKind
from tui.core.api.profile import Profile
from tui.core.export import export_bytes, write_export
from tui.core.state import outcome_key
from tui.core.store.config import load_config, select_profile
from tui.core.store.history import History, stored_outcome
from tui.core.store.paths import data_dir
from tui.core.store.watchlist import WatchedSend


async def _read(profile: Profile, send: WatchedSend) -> Delivery:
    from tui.core.api.client import SmsClient

    async with SmsClient(profile) as client:
        return await client.fetch(send.kind, send.message_id, send.token_id)


def _first_seen(
    send: WatchedSend, delivery: Delivery
) -> tuple[Mapping[str, datetime], tuple[datetime, ...]]:
    """When sendwatch first saw each number's current outcome (the monitor's history),
    and when it first read the send (what it saw then was already so)."""
    path = data_dir() / "history.sqlite3"
    if not path.is_file():
        return {}, ()
    try:
        with History(path) as history:
            known = history.current(send.key)
            statuses = history.status_observations(send.key)
    except (SendwatchError, OSError) as exc:
        err(f"warning: no first-seen times: {exc}")
        return {}, ()
    since: dict[str, datetime] = {}
    for r in delivery.recipients:
        seen = known.get(r.mobile_number)
        if seen is not None and seen[0] == stored_outcome(outcome_key(r)):
            since[r.mobile_number] = seen[1]
    return since, tuple(when for _, when in statuses[:1])


@reports_errors
def cmd_export(args: argparse.Namespace) -> int:
    check_id("message id", args.message_id)
    check_id("token id", args.token_id)
    profile = select_profile(load_config(), args.profile)
    send = WatchedSend(
        profile=profile.name,
        message_id=args.message_id,
        token_id=args.token_id,
        kind=SendKind(KINDS[args.kind or "contact"]),
    )
    delivery = asyncio.run(_read(profile, send))
    recipients = delivery.recipients
    if args.outcome:
        wanted = {Outcome(o) for o in args.outcome}
        recipients = tuple(r for r in recipients if r.outcome in wanted)
    since, blind = _first_seen(send, delivery)
    data = export_bytes(
        args.format,
        send,
        delivery,
        recipients,
        since,
        blind=blind,
        exported_at=datetime.now(UTC),
        events=args.events,
        mask=args.mask,
        bom=args.output is not None,
    )
    if args.output is None:
        try:
            sys.stdout.buffer.write(data)
            sys.stdout.flush()
        except BrokenPipeError:  # `| head` has all it wanted; no second error at exit
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    path = Path(args.output).expanduser()
    write_export(path, data)
    plural = "" if len(recipients) == 1 else "s"
    print(f"wrote {len(recipients):,} recipient{plural} to {path}", file=sys.stderr)
    return 0
