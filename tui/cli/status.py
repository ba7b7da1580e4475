"""`sendwatch status`: one send's status, once or until it is done.

`--wait` polls with the monitor's own refresher, so the wait obeys the same retry
policy (backoff, Retry-After, which errors are worth another try) as the monitor does.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import math
import sys
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from msgspec import structs

from tui.cli.args import KINDS
from tui.cli.commands import find_watched, load_watchlist
from tui.cli.exits import EXIT_ERROR_STATUS, EXIT_TIMEOUT, err, explained, reports_errors
from tui.core.api.errors import UsageError
from tui.core.api.ids import check_id
from tui.core.api.model import Delivery, Phase, SendKind
from tui.core.api.profile import Profile
from tui.core.clock import Clock, SystemClock
from tui.core.glyphs import PHASE_SYMBOL
from tui.core.refresher import Refresher
from tui.core.state import SendState
from tui.core.store.config import Config, load_config, select_profile
from tui.core.store.watchlist import WatchedSend
from tui.core.text import safe_text
from tui.core.timefmt import fmt_duration, fmt_full


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


Observed = Sequence[tuple[str, datetime]]
"""Each status with when sendwatch first saw it, as `SendState.observed` has them."""


def observed_json(observed: Observed, read_at: datetime) -> dict[str, Any]:
    """What sendwatch itself saw (not the API's times): when it read the send, and when it
    first saw each status. The first read's status was already so by then (`atFirstRead`):
    when it was reached is not known."""
    return {
        "readAt": read_at.isoformat(),
        "statuses": [
            {"status": status, "firstSeen": seen.isoformat(), "atFirstRead": i == 0}
            for i, (status, seen) in enumerate(observed)
        ],
    }


def observed_text(observed: Observed, read_at: datetime) -> list[str]:
    steps = " → ".join(
        f"{safe_text(status)} {'≤' if i == 0 else ''}{fmt_full(seen)}"
        for i, (status, seen) in enumerate(observed)
    )
    return [
        f"  Read       {fmt_full(read_at)} (by sendwatch)",
        f"  Observed   {steps}",
        "             (first seen by sendwatch; ≤ already so at its first read)",
    ]


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
        f"  Created    {fmt_full(delivery.create_date)} (API)",
        f"  Completed  {fmt_full(delivery.complete_date)} (API)",
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


async def wait_until_done(
    config: Config,
    profile: Profile,
    send: WatchedSend,
    *,
    timeout: float,
    clock: Clock,
    verbose: bool,
) -> SendState:
    """Poll one send until it is Finished or Error, or `timeout` passes (then read it once
    more), or it fails in a way no retry will fix. Returns the last state."""
    states: list[SendState] = []
    arrived = asyncio.Event()

    def on_update(state: SendState) -> None:
        before = states[-1] if states else None
        states.append(state)
        arrived.set()
        if state.error is not None:  # each failed read is published once
            if state.next_poll_at is not None:
                err(f"warning: {explained(state.error)}; still waiting")
        elif verbose and state.delivery is not None:
            status = state.delivery.status
            if before is None or before.delivery is None or before.delivery.status != status:
                stamp = clock.now().astimezone().strftime("%H:%M:%S")
                print(f"{stamp}  {safe_text(status)}", file=sys.stderr, flush=True)

    def done() -> bool:
        state = states[-1] if states else None
        return state is not None and (state.final or _hopeless(state))

    one = Config(config.path, config.settings, {profile.name: profile})
    refresher = Refresher(one, on_update, clock=clock)
    refresher.watch(send)
    runner = asyncio.create_task(refresher.run(), name="status --wait")
    try:
        deadline = clock.monotonic() + timeout
        while not done() and (left := deadline - clock.monotonic()) > 0:
            arrived.clear()
            await clock.sleep(left, arrived)
        if done():
            return states[-1]
        seen = len(states)  # the deadline: one more read, whatever the schedule says
        refresher.refresh_now(send.key)
        while len(states) == seen:
            arrived.clear()
            await clock.sleep(None, arrived)
        return states[-1]
    finally:
        runner.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await runner


def _hopeless(state: SendState) -> bool:
    """The last read failed in a way no retry will fix: the refresher stopped polling."""
    return state.error is not None and state.next_poll_at is None


async def _status(args: argparse.Namespace, config: Config, profile: Profile, clock: Clock) -> int:
    send = WatchedSend(
        profile=profile.name,
        message_id=args.message_id,
        token_id=args.token_id,
        kind=SendKind(KINDS[args.kind or "contact"]),
    )
    if not args.wait:
        from tui.core.api.client import SmsClient

        async with SmsClient(profile) as client:
            delivery = await client.fetch(send.kind, send.message_id, send.token_id)
        read_at = clock.now()
        return _report(args, profile, delivery, ((delivery.status, read_at),), read_at)
    interval = args.interval or config.settings.refresh_interval
    config = structs.replace(
        config, settings=structs.replace(config.settings, refresh_interval=interval)
    )
    state = await wait_until_done(
        config, profile, send, timeout=args.timeout, clock=clock, verbose=not args.json
    )
    if state.final and state.delivery is not None:
        read_at = state.fetched_at or clock.now()
        return _report(args, profile, state.delivery, state.observed, read_at)
    if state.error is not None and _hopeless(state):
        raise state.error
    last = state.delivery.status if state.delivery else "none"
    err(f"timed out after {args.timeout:g} s; last status: {safe_text(last)}")
    return EXIT_TIMEOUT


def _report(
    args: argparse.Namespace,
    profile: Profile,
    delivery: Delivery,
    observed: Observed,
    read_at: datetime,
) -> int:
    kind = KINDS[args.kind or "contact"]
    if args.json:
        body = {"messageId": args.message_id, "tokenId": args.token_id}
        body |= {"kind": kind, "profile": profile.name}
        body |= delivery_json(delivery)
        body["observedBySendwatch"] = observed_json(observed, read_at)
        print(json.dumps(body, indent=2))
    else:
        header = f"{args.message_id} / {args.token_id}  ({kind}, profile {profile.name})"
        text = delivery_text(delivery, safe_text(header))
        print("\n".join([text, *observed_text(observed, read_at)]))
    if delivery.phase is Phase.ERROR:
        return EXIT_ERROR_STATUS
    if args.wait and delivery.phase is not Phase.FINISHED:
        return EXIT_ERROR_STATUS
    return 0


def _from_watch_list(args: argparse.Namespace) -> None:
    """`status N` (or a token id, as `remove` takes): the ids, kind and profile of that
    watched send fill in the arguments."""
    if args.profile or args.kind:
        raise UsageError(
            "a send from the watch list has its own profile and kind: "
            "leave out --profile and --kind, or give MESSAGE_ID TOKEN_ID"
        )
    send = find_watched(load_watchlist(), args.message_id)
    flags = {value: flag for flag, value in KINDS.items()}
    args.message_id, args.token_id = send.message_id, send.token_id
    args.kind, args.profile = flags[send.kind.value], send.profile


@reports_errors
def cmd_status(args: argparse.Namespace) -> int:
    if args.token_id is None:
        _from_watch_list(args)
    check_id("message id", args.message_id)
    check_id("token id", args.token_id)
    bad_interval = args.interval is not None and not 0 < args.interval < math.inf
    if not args.timeout > 0 or bad_interval:  # `not >` also catches nan
        raise UsageError("--timeout and --interval must be positive numbers of seconds")
    config = load_config()
    profile = select_profile(config, args.profile)
    return asyncio.run(_status(args, config, profile, SystemClock()))
