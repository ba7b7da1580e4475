"""`sendwatch list`: the watch list as an aligned table, with each send's status and counts.

By default they come from the history, as sendwatch last saw them: the list is a look at
what is watched, works offline, and costs no request. `--read` reads every send now
instead, each read bounded (see reads.py), so a dead network makes it slow, never stuck.
"""

from __future__ import annotations

import argparse
import asyncio
import json
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from rich.cells import cell_len, set_cell_size

from tui.cli.commands import load_watchlist
from tui.cli.exits import err, reports_errors
from tui.cli.reads import Outcome, read_sends
from tui.core.api.codes import Outcome as Result
from tui.core.api.codes import outcome_of
from tui.core.api.errors import NetworkError, SendwatchError
from tui.core.api.model import Delivery
from tui.core.store.config import load_config
from tui.core.store.history import History
from tui.core.store.paths import data_dir
from tui.core.store.watchlist import WatchedSend
from tui.core.text import safe_text
from tui.core.timefmt import fmt_local

LABEL_CELLS = 32
"""A label wider than this is cut with "…": the ids after it are what gets copied."""
_FLAG = {"messageContact": "contact", "messageList": "list"}


@dataclass(frozen=True, slots=True)
class Known:
    """A send's status and outcome counts, read now or as last seen."""

    status: str = ""
    counts: Mapping[Result, int] = field(default_factory=dict)
    seen: datetime | None = None
    error: str | None = None


def _stored_outcome(text: str) -> Result:
    """The history keeps codes as decimal text (labels of old-shape entries verbatim)."""
    return outcome_of(int(text)) if text.isdecimal() and text.isascii() else Result.UNKNOWN


def last_seen(history: History, key: str) -> Known | None:
    """What the history knows of a send: its latest status, and each number's outcome."""
    statuses = history.status_observations(key)
    outcomes = history.current(key)
    if not statuses and not outcomes:
        return None
    times = [at for _, at in statuses] + [at for _, at in outcomes.values()]
    counts = Counter(_stored_outcome(text) for text, _ in outcomes.values())
    return Known(statuses[-1][0] if statuses else "?", counts, max(times))


def _from_history(sends: Sequence[WatchedSend]) -> dict[str, Known]:
    path = data_dir() / "history.sqlite3"
    if not path.exists():  # never create one just to look
        return {}
    with History(path) as history:
        found = {s.key: last_seen(history, s.key) for s in sends}
    return {key: known for key, known in found.items() if known is not None}


def _from_reads(results: Mapping[str, Outcome], now: datetime) -> dict[str, Known]:
    known: dict[str, Known] = {}
    for key, result in results.items():
        if isinstance(result, Delivery):
            counts = {outcome: result.counts.of(outcome) for outcome in Result}
            known[key] = Known(result.status, counts, now)
        else:
            known[key] = Known(error=_short(result))
    return known


def _short(error: SendwatchError) -> str:
    """A few words for the status column; the whole message goes to stderr."""
    if isinstance(error, NetworkError):
        return f"network error ({error.kind})"
    return str(error)


def _cells(value: str, width: int | None = None) -> str:
    """`value` made safe, and cut to `width` cells with "…" when given."""
    text = safe_text(value)
    if width is not None and cell_len(text) > width:
        text = set_cell_size(text, width - 1) + "…"
    return text


def align(rows: Sequence[Sequence[str]], right: frozenset[int] = frozenset()) -> list[str]:
    """Rows of cells as lines, each column as wide as its widest cell (in terminal
    cells, so wide characters line up); columns in `right` are right-aligned."""
    widths = [max(cell_len(row[n]) for row in rows) for n in range(len(rows[0]))]
    lines = []
    for row in rows:
        cells = []
        for n, (text, width) in enumerate(zip(row, widths, strict=True)):
            pad = " " * (width - cell_len(text))
            cells.append(pad + text if n in right else text + pad)
        lines.append("  ".join(cells).rstrip())
    return lines


HEADERS = ("#", "label", "kind", "profile", "message id", "token id", "status")
COUNT_HEADERS = ("delivered", "failed", "pending")
_COUNTED = (Result.DELIVERED, Result.FAILED, Result.PENDING)


def table(
    sends: Sequence[WatchedSend], known: Mapping[str, Known], now: datetime, when: str
) -> list[str]:
    """The table's lines; `when` heads the time column ("last seen" or "read")."""
    rows: list[list[str]] = [[*HEADERS, *COUNT_HEADERS, when]]
    for n, send in enumerate(sends, 1):
        info = known.get(send.key)
        status = "—" if info is None else ("✗ " + info.error if info.error else info.status)
        row = [
            str(n),
            _cells(send.label or "—", LABEL_CELLS),
            _FLAG.get(send.kind.value, send.kind.value),
            _cells(send.profile),
            _cells(send.message_id),
            _cells(send.token_id),
            _cells(status, 40),
        ]
        counts = None if info is None or info.error else info.counts
        row += ["" if counts is None else f"{counts.get(o, 0):,}" for o in _COUNTED]
        row.append(fmt_local(info.seen, now=now, seconds=False) if info and info.seen else "")
        rows.append(row)
    count_columns = frozenset(range(len(HEADERS), len(HEADERS) + len(COUNT_HEADERS)))
    return align(rows, right=frozenset({0}) | count_columns)


def _json_row(send: WatchedSend, info: Known | None) -> dict[str, Any]:
    row: dict[str, Any] = {
        "profile": send.profile,
        "kind": send.kind.value,
        "message_id": send.message_id,
        "token_id": send.token_id,
        "label": send.label,
        "added": send.added.isoformat(),
        "status": (info.status or None) if info else None,
        "outcomes": {o.value: info.counts.get(o, 0) for o in Result}
        if info and info.counts
        else None,
        "seen": info.seen.isoformat() if info and info.seen else None,
    }
    if info is not None and info.error:
        row["error"] = info.error
    return row


@reports_errors
def cmd_list(args: argparse.Namespace) -> int:
    watchlist = load_watchlist()
    sends = watchlist.sends
    now = datetime.now().astimezone()
    if args.read and sends:
        profiles = load_config().profiles
        results = asyncio.run(read_sends(profiles, sends))
        known = _from_reads(results, now)
        for n, send in enumerate(sends, 1):
            result = results[send.key]
            if isinstance(result, SendwatchError):
                err(f"#{n} {send.display_name}: {result}")
    else:
        try:
            known = _from_history(sends)
        except (SendwatchError, OSError):  # no history is a blank column, not a failure
            known = {}
    if args.json:
        rows = [_json_row(s, known.get(s.key)) for s in sends]
        print(json.dumps(rows, indent=2, ensure_ascii=False))
        return 0
    if not sends:
        print("the watch list is empty: add a send with `sendwatch add MESSAGE_ID TOKEN_ID`")
        return 0
    print("\n".join(table(sends, known, now, when="read" if args.read else "last seen")))
    return 0
