"""`sendwatch find NUMBER`: which watched sends have a number, and its outcome in each.

One line per match, as the palette has it (`15555550102 in Black Friday: ✗ 4501 Expired`).
By default from the history (what sendwatch last saw: offline, no request), like `list`;
`--read` reads every watched send now instead (reads.py bounds each read). Exit 0 when
found, 6 when no watched send has the number.
"""

from __future__ import annotations

import argparse
import asyncio
import json
from collections.abc import Sequence
from typing import Any

from tui.cli.commands import load_watchlist
from tui.cli.exits import EXIT_NOT_FOUND, err, reports_errors
from tui.cli.reads import read_sends
from tui.core.api.errors import SendwatchError, UsageError
from tui.core.api.model import Delivery
from tui.core.finding import MIN_DIGITS, NumberFinder, NumberHit, hits_in_history, number_query
from tui.core.mask import mask_number
from tui.core.search import Query
from tui.core.store.config import load_config
from tui.core.store.history import History
from tui.core.store.paths import data_dir
from tui.core.store.watchlist import WatchedSend
from tui.core.text import safe_text


def _from_history(query: Query, sends: Sequence[WatchedSend]) -> tuple[list[NumberHit], int]:
    """Hits as last seen, and how many sends had nothing seen (never watched)."""
    path = data_dir() / "history.sqlite3"
    if not path.exists():  # never create one just to look
        return [], len(sends)
    hits: list[NumberHit] = []
    unseen = 0
    with History(path) as history:
        for send in sends:
            current = history.current(send.key)
            unseen += not current
            hits += hits_in_history(query, send.key, send.display_name, current)
    return hits, unseen


def _from_reads(
    query: Query, sends: Sequence[WatchedSend]
) -> tuple[list[NumberHit], list[SendwatchError]]:
    """Hits in each send read now; the errors of the reads that failed (told on stderr)."""
    results = asyncio.run(read_sends(load_config().profiles, sends))
    finder = NumberFinder(size=1)
    hits: list[NumberHit] = []
    errors: list[SendwatchError] = []
    for n, send in enumerate(sends, 1):
        result = results[send.key]
        if isinstance(result, Delivery):
            hits += finder.hits(query, [(send.key, send.display_name, result.recipients)])
        else:
            errors.append(result)
            err(f"#{n} {send.display_name}: {result}")
    return hits, errors


def _json(hit: NumberHit, send: WatchedSend, position: int, masked: bool) -> dict[str, Any]:
    return {
        "number": mask_number(hit.number) if masked else hit.number,
        "outcome": hit.outcome.value,
        "code": hit.code,
        "seen": hit.seen.isoformat() if hit.seen else None,
        "send": {
            "position": position,
            "label": send.label,
            "profile": send.profile,
            "kind": send.kind.value,
            "message_id": send.message_id,
            "token_id": send.token_id,
        },
    }


@reports_errors
def cmd_find(args: argparse.Namespace) -> int:
    query = number_query(args.number)
    if query is None:
        raise UsageError(
            f"{args.number!r} is not a number: give at least {MIN_DIGITS} digits "
            "(+, spaces and dashes may stay)"
        )
    sends = load_watchlist().sends
    errors: list[SendwatchError] = []
    if args.read:
        hits, errors = _from_reads(query, sends)
    else:
        try:
            hits, unseen = _from_history(query, sends)
        except (SendwatchError, OSError) as exc:
            err(f"warning: the history could not be read ({exc}): --read reads every send")
            hits, unseen = [], len(sends)
        if not hits and unseen:
            err(
                f"note: {unseen} of {len(sends)} watched sends were never seen by the monitor: "
                "--read reads them now"
            )
    positions = {s.key: n for n, s in enumerate(sends, 1)}
    by_key = {s.key: s for s in sends}
    if args.json:
        rows = [_json(h, by_key[h.send_key], positions[h.send_key], args.mask) for h in hits]
        print(json.dumps(rows, indent=2, ensure_ascii=False))
    else:
        show = mask_number if args.mask else str
        for hit in hits:
            print(safe_text(hit.line(show)))
    if hits:
        return 0
    if errors and len(errors) == len(sends):  # nothing could be read: not "not found"
        return errors[0].exit_code
    if not args.json:
        err(f"no watched send has a number matching {safe_text(args.number)!r}")
    return EXIT_NOT_FOUND
