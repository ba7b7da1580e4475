"""Headless commands on the watch list, and what they share: plain text on stdout, one
clear line on stderr on error. `add` is in add.py, `list` in list_table.py, `profiles`
in profiles.py, `status` in status.py."""

from __future__ import annotations

import argparse

from tui.cli.exits import err, reports_errors
from tui.core.api.errors import UsageError
from tui.core.store.watchlist import WatchedSend, WatchList
from tui.core.text import echoed, safe_text


def load_watchlist() -> WatchList:
    """The user's watch list, with anything set aside reported on stderr."""
    watchlist = WatchList()
    for warning in watchlist.load():
        err(f"warning: {warning}")
    return watchlist


def find_watched(watchlist: WatchList, which: str) -> WatchedSend:
    """The send `which` names: its number in `sendwatch list`, its token id or its key."""
    sends = watchlist.sends
    if which.isdecimal() and which.isascii() and 1 <= int(which) <= len(sends):
        return sends[int(which) - 1]
    matches = [s for s in sends if which in (s.key, s.token_id)]
    if not matches:
        raise UsageError(
            f"nothing in the watch list matches {echoed(which)} "
            f"(it has {len(sends)} sends; see `sendwatch list`)"
        )
    if len(matches) > 1:
        shown = echoed(which)
        raise UsageError(f"{shown} matches {len(matches)} sends: use the number from `list`")
    return matches[0]


@reports_errors
def cmd_remove(args: argparse.Namespace) -> int:
    watchlist = load_watchlist()
    send = find_watched(watchlist, args.which)
    watchlist.remove(send.key)
    print(f"removed {safe_text(send.display_name)}")
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
