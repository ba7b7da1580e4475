"""`sendwatch add`: watch one send or a campaign's batches, each read once before saving.

Nothing surprising is written: a send already watched is said to be (exit 6), and a send
the API refuses, or that cannot be read, is kept only with --force (the help text says
why). Each token gets one line: added ones on stdout, problems on stderr.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TextIO

from tui.cli.args import KINDS
from tui.cli.commands import load_watchlist
from tui.cli.exits import err, reports_errors
from tui.cli.reads import read_sends
from tui.core.api.errors import InvalidMessageId, SendwatchError, UsageError
from tui.core.api.ids import check_id
from tui.core.api.model import Delivery, SendKind
from tui.core.api.profile import Profile
from tui.core.state import outcome_key
from tui.core.store.config import load_config
from tui.core.store.history import History
from tui.core.store.profile_choice import profile_for_add
from tui.core.store.watchlist import WatchedSend, WatchList
from tui.core.text import safe_text

EXIT_ALREADY_WATCHED = 6
_FLAG = {value: flag for flag, value in KINDS.items()}


@dataclass(frozen=True, slots=True)
class TokenArg:
    token_id: str
    label: str | None = None
    """A label given with the token itself (a stdin line "TOKEN Label")."""


def token_args(given: Iterable[str], stdin: TextIO) -> list[TokenArg]:
    """The token ids in order; each "-" is replaced by stdin's lines."""
    tokens: list[TokenArg] = []
    for value in given:
        if value != "-":
            tokens.append(TokenArg(value))
            continue
        for line in stdin:
            text = line.strip()
            if text and not text.startswith("#"):
                token, *label = text.split(None, 1)
                tokens.append(TokenArg(token, label[0].strip() if label else None))
    if not tokens:
        raise UsageError("no token ids: stdin gave none")
    return tokens


def labels_for(tokens: list[TokenArg], given: list[str]) -> list[str]:
    """One --label numbered "L 1/3"…, or one per token as given; a stdin label wins."""
    n = len(tokens)
    if len(given) == n:
        base = list(given)
    elif len(given) == 1:
        base = [f"{given[0]} {i}/{n}" for i in range(1, n + 1)]
    elif not given:
        base = [""] * n
    else:
        raise UsageError(
            f"{len(given)} labels for {n} token ids: give one --label (numbered) or one per token"
        )
    return [token.label or label for token, label in zip(tokens, base, strict=True)]


def _where(watchlist: WatchList, key: str) -> str:
    index = watchlist.index(key)
    return f"#{index + 1} in `sendwatch list`" if index is not None else "in the watch list"


@dataclass(frozen=True, slots=True)
class Refusal:
    """Why a send could not be confirmed, and the exit code that stands for it."""

    text: str
    exit_code: int


def _other_kind(kind: SendKind) -> SendKind:
    return SendKind.MESSAGE_LIST if kind is SendKind.MESSAGE_CONTACT else SendKind.MESSAGE_CONTACT


async def _check(profile: Profile, sends: list[WatchedSend]) -> dict[str, Delivery | Refusal]:
    """Key → the send as read, or why it was not. A message id the API calls not valid
    may be a send of the other kind: that kind is tried, and named if it works."""
    profiles = {profile.name: profile}
    results = await read_sends(profiles, sends)
    wrong = [s for s in sends if isinstance(results[s.key], InvalidMessageId)]
    flipped = {
        s.key: WatchedSend(s.profile, s.message_id, s.token_id, _other_kind(s.kind)) for s in wrong
    }
    other = await read_sends(profiles, list(flipped.values())) if flipped else {}
    checked: dict[str, Delivery | Refusal] = {}
    for send in sends:
        result = results[send.key]
        if isinstance(result, Delivery):
            checked[send.key] = result
            continue
        text = str(result)
        probe = flipped.get(send.key)
        if probe is not None and isinstance(other.get(probe.key), Delivery):
            text += (
                f"; the API knows it as a {probe.kind.value} send: "
                f"add it with --kind {_FLAG[probe.kind.value]}"
            )
        checked[send.key] = Refusal(text, result.exit_code)
    return checked


def _summary(delivery: Delivery) -> str:
    seen = len(delivery.recipients)
    count = f" of {delivery.count}" if delivery.count is not None else ""
    return f"{safe_text(delivery.status, limit=20)}, {seen}{count} recipients seen"


@reports_errors
def cmd_add(args: argparse.Namespace) -> int:
    config = load_config()
    watchlist = load_watchlist()
    profile = profile_for_add(config, watchlist.sends, args.profile)
    kind = SendKind(KINDS[args.kind or "contact"])
    check_id("message id", args.message_id)
    tokens = token_args(args.token_ids, sys.stdin)
    for token in tokens:
        check_id("token id", token.token_id)
    now = datetime.now(UTC)
    sends = [
        WatchedSend(profile.name, args.message_id, token.token_id, kind, label, now)
        for token, label in zip(tokens, labels_for(tokens, args.label), strict=True)
    ]
    codes: list[int] = []
    seen: set[str] = set()
    fresh: list[WatchedSend] = []
    for send in sends:
        if send.key in seen or watchlist.get(send.key) is not None:
            err(f"already watched: {send.display_name} ({_where(watchlist, send.key)}): not added")
            codes.append(EXIT_ALREADY_WATCHED)
        else:
            fresh.append(send)
        seen.add(send.key)
    checked = asyncio.run(_check(profile, fresh)) if fresh else {}
    for send in fresh:
        codes.append(_save(watchlist, send, checked[send.key], force=args.force))
    _remember([(s.key, c) for s in fresh if isinstance(c := checked[s.key], Delivery)], now)
    return next((code for code in codes if code), 0)


def _remember(reads: list[tuple[str, Delivery]], now: datetime) -> None:
    """Store what the check read, as the monitor would have: `list` shows it offline, and
    the monitor knows these outcomes were first seen now. Trouble is a warning only."""
    if not reads:
        return
    try:
        with History() as history:
            for key, delivery in reads:
                history.record_status(key, delivery.status, now)
                outcomes = {r.mobile_number: outcome_key(r) for r in delivery.recipients}
                history.record_outcomes(key, outcomes, now)
    except (SendwatchError, OSError) as exc:
        err(f"warning: history not saved: {exc}")


def _save(
    watchlist: WatchList, send: WatchedSend, check: Delivery | Refusal, *, force: bool
) -> int:
    """Add one checked send (or report why not); its exit code."""
    name = send.display_name
    if isinstance(check, Refusal):
        if not force:
            err(f"not added: {name}: {check.text} (--force adds it anyway)")
            return check.exit_code
        err(f"warning: {name}: {check.text}; added anyway (--force)")
    kept = watchlist.add(send)
    if kept is not send:  # another sendwatch added it meanwhile
        err(f"already watched: {name} ({_where(watchlist, send.key)}): not added")
        return EXIT_ALREADY_WATCHED
    state = _summary(check) if isinstance(check, Delivery) else "not checked"
    total = len(watchlist.sends)
    line = f"watching {name} on profile {send.profile}: {state} ({total} sends in the list)"
    print(safe_text(line))
    return 0
