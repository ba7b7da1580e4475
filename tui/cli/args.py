"""The command line's grammar: every command, argument and help text in one place."""

from __future__ import annotations

import argparse

from tui import __version__

KINDS = {"contact": "messageContact", "list": "messageList"}
"""--kind choices and the send resources they name (both share the Deliveries shape)."""

EXIT_CODES = {
    0: "the status was read and the send is not in Error (with --wait: it reached Finished)",
    1: "the send is in Error",
    2: "bad usage or input (nothing was sent)",
    3: "API or auth error",
    4: "network error",
    5: "timed out waiting (--wait)",
    73: "the export file could not be written (export -o: a read-only folder, a full disk)",
    70: "internal error (a bug: please report it; SENDWATCH_DEBUG=1 shows the traceback)",
    74: "sendwatch's own files could not be read or written (watch list, history, config)",
}
"""Every exit code of the headless commands; --help and the README list this table."""


def _exit_codes() -> str:
    rows = "\n".join(f"  {code:<3} {meaning}" for code, meaning in EXIT_CODES.items())
    return f"exit codes:\n{rows}\n"


def _ids(p: argparse.ArgumentParser) -> None:
    p.add_argument("message_id", metavar="MESSAGE_ID", help="the message's API key")
    p.add_argument("token_id", metavar="TOKEN_ID", help="the tokenId the send returned")
    p.add_argument("--profile", "-p", help="profile from config.toml (default: the only one)")
    p.add_argument(
        "--kind",
        choices=list(KINDS),
        default="contact",
        help="messageContact (default) or messageList send",
    )


def _launch(p: argparse.ArgumentParser, default: object = argparse.SUPPRESS) -> None:
    """Flags of the monitor, before or after `monitor`/`demo` (a subcommand's suppressed
    default leaves the flag as given before it)."""
    p.add_argument(
        "--mask",
        action="store_true",
        default=default,
        help="start with mobile numbers masked, for screen sharing (m toggles)",
    )


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="sendwatch",
        description="Watch MobileConnect SMS sends from the terminal.",
        epilog="Run with no command to open the monitor on your watch list.",
    )
    parser.add_argument("--version", action="version", version=f"sendwatch {__version__}")
    _launch(parser, default=False)
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    _launch(sub.add_parser("monitor", help="open the monitor on your watch list (the default)"))

    demo = sub.add_parser("demo", help="open the monitor on the built-in simulator (no account)")
    _launch(demo)
    demo.add_argument("--seed", type=int, default=7, help="simulator seed (default 7)")
    demo.add_argument("--time-scale", type=float, default=1.0, help="simulated seconds per second")

    sim = sub.add_parser("sim", help="run the API simulator on 127.0.0.1")
    sim.add_argument("--port", type=int, default=8642, help="port (default 8642; 0 picks one)")
    sim.add_argument("--seed", type=int, default=0)
    sim.add_argument("--time-scale", type=float, default=1.0, help="simulated seconds per second")
    sim.add_argument(
        "--write-profile",
        metavar="NAME",
        help="also write a profile NAME pointing at the simulator into config.toml",
    )

    status = sub.add_parser(
        "status",
        help="print a send's status once, or --wait until it is done",
        epilog=_exit_codes(),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    _ids(status)
    status.add_argument("--json", action="store_true", help="machine-readable output")
    status.add_argument("--wait", action="store_true", help="poll until Finished or Error")
    status.add_argument(
        "--timeout", type=float, default=600.0, help="give up waiting after S seconds (600)"
    )
    status.add_argument("--interval", type=float, help="seconds between polls with --wait")

    export = sub.add_parser(
        "export",
        help="write a send's recipients as CSV or JSON (stdout by default)",
        epilog=_exit_codes() + "  export exits 0 once written, whatever the send's status\n",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    _ids(export)
    export.add_argument("--format", "-f", choices=["csv", "json"], default="csv")
    export.add_argument("-o", "--output", metavar="FILE", help="write FILE (atomically)")
    export.add_argument("--events", action="store_true", help="every raw event too")
    export.add_argument("--mask", action="store_true", help="mask numbers (1555•••5510)")
    export.add_argument(
        "--outcome",
        action="append",
        choices=["delivered", "failed", "pending", "unknown"],
        help="only recipients with this outcome (repeat for several)",
    )

    add = sub.add_parser("add", help="add a send to the watch list")
    _ids(add)
    add.add_argument("--label", "-l", default="", help="a name to show instead of the ids")

    lst = sub.add_parser("list", help="show the watch list")
    lst.add_argument("--json", action="store_true")

    remove = sub.add_parser("remove", help="remove a send from the watch list")
    remove.add_argument("which", metavar="N|TOKEN_ID|KEY", help="position from `list`, or an id")

    sub.add_parser("profiles", help="list configured profiles (never their secrets)")
    sub.add_parser("doctor", help="print the paths sendwatch uses and what it sees of the terminal")
    return parser
