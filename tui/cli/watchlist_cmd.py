"""`sendwatch watchlist restore [FILE]`: list the set-aside copies, or bring one back."""

from __future__ import annotations

import argparse

from tui.cli.exits import err, reports_errors
from tui.core.store.paths import config_dir
from tui.core.store.restore import aside_copies, choose, restore
from tui.core.text import safe_text


def _listing() -> int:
    path = config_dir() / "watchlist.toml"
    copies = aside_copies(path)
    if not copies:
        print(f"no set-aside copies of {safe_text(str(path))}")
        return 0
    print(f"set-aside copies of {safe_text(str(path))}, newest first:")
    for number, copy in enumerate(copies, 1):
        holds = f"{copy.sends} send{'s' if copy.sends != 1 else ''}"
        if copy.problems:
            holds += f", damaged ({copy.problems[0]})"
        when = copy.saved.strftime("%Y-%m-%d %H:%M:%S UTC")
        print(f"  {number:>2}  {safe_text(copy.path.name)}  {when}  {safe_text(holds)}")
    print("restore one with: sendwatch watchlist restore N (or its name)")
    return 0


@reports_errors
def cmd_watchlist(args: argparse.Namespace) -> int:
    if getattr(args, "watchlist_command", None) != "restore":
        err("usage: sendwatch watchlist restore [FILE]")
        return 2
    if args.file is None:
        return _listing()
    path = config_dir() / "watchlist.toml"
    copy = choose(path, args.file)
    count, kept = restore(path, copy)
    print(f"restored {count} send{'s' if count != 1 else ''} from {safe_text(str(copy))}")
    if kept is not None:
        print(f"the list it replaced is saved as {safe_text(str(kept))}")
    return 0
