"""The `sendwatch` command line. Imports stay lazy so `--version` and headless commands
never pay for Textual."""

from __future__ import annotations

import importlib
import sys
from collections.abc import Sequence

from tui.cli.args import build_parser
from tui.cli.exits import stdout_closed

COMMANDS = {
    "status": "tui.cli.status",
    "export": "tui.cli.export",
    "add": "tui.cli.add",
    "list": "tui.cli.list_table",
    "find": "tui.cli.find",
    "remove": "tui.cli.commands",
    "profiles": "tui.cli.profiles",
    "doctor": "tui.cli.commands",
    "sim": "tui.cli.commands",
    "watchlist": "tui.cli.watchlist_cmd",
}
"""Where each headless command lives; imported only when it runs."""


def main(argv: Sequence[str] | None = None) -> int:
    try:
        try:
            code = _run(argv)
        finally:  # here, not at exit (argparse's --help exits): a closed pipe is ours to report
            sys.stdout.flush()
    except BrokenPipeError:  # `sendwatch list | head -1`: the reader has all it wanted
        return stdout_closed()
    return code


def _run(argv: Sequence[str] | None) -> int:
    args = build_parser().parse_args(argv)
    command = args.command or "monitor"
    try:
        if command in ("monitor", "demo"):
            from tui.cli.launch import run_demo, run_monitor

            return run_demo(args) if command == "demo" else run_monitor(args)
        handler = getattr(importlib.import_module(COMMANDS[command]), f"cmd_{command}")
        code: int = handler(args)
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        raise
    except Exception as exc:  # outside any command's own report: still one line
        from tui.cli.exits import internal_error

        return internal_error(exc)
    return code


if __name__ == "__main__":
    sys.exit(main())
