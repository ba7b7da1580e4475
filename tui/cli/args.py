"""The command line's grammar: every command, argument and help text in one place."""

from __future__ import annotations

import argparse
from typing import NoReturn

from tui import __version__
from tui.core.text import cut_quoted

KINDS = {"contact": "messageContact", "list": "messageList"}
"""--kind choices and the send resources they name (both share the Deliveries shape)."""

EXIT_CODES = {
    0: "the status was read and the send is not in Error (with --wait: it reached Finished)",
    1: "the send is in Error",
    2: "bad usage or input (nothing was sent)",
    3: "API or auth error (add: the API refused the send, so it was not added; --force adds it)",
    4: "network error (add: the send could not be read, so it was not added; --force adds it)",
    5: "timed out waiting (--wait)",
    6: "add: the send is already watched (nothing was added for it); find: no watched send "
    "has that number",
    7: "watchlist restore: the copy is damaged too (nothing was restored; fix it first)",
    10: "profiles test: the host name was not found (DNS)",
    11: "profiles test: the connection was refused or timed out (TCP)",
    12: "profiles test: TLS failed (certificate not trusted, or the handshake)",
    13: "profiles test: the credentials or the token were refused (401, invalid client)",
    14: "profiles test: access denied (403: a scope or permission is missing)",
    73: "the export file could not be written (export -o: a read-only folder, a full disk)",
    70: "internal error (a bug: please report it; SENDWATCH_DEBUG=1 shows the traceback)",
    74: "sendwatch's own files could not be read or written (watch list, history, config)",
    141: "the reader of the output went away (as `head` does): stopped quietly, as SIGPIPE would",
}
"""Every exit code of the headless commands; --help and the README list this table."""


def _exit_codes() -> str:
    rows = "\n".join(f"  {code:<3} {meaning}" for code, meaning in EXIT_CODES.items())
    return f"exit codes:\n{rows}\n"


def _send_options(p: argparse.ArgumentParser, profile_help: str) -> None:
    p.add_argument("--profile", "-p", help=profile_help)
    p.add_argument(
        "--kind", choices=list(KINDS), help="messageContact (contact, the default) or messageList"
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
    p.add_argument(
        "--plain",
        action="store_true",
        default=default,
        help="ASCII symbols and no animation, for terminals without the glyphs",
    )


ADD_EPILOG = """\
Each send is read once before it is saved. When the API refuses it (an unknown token, a
message id that is not valid, the wrong --kind) it is not added; when it cannot be read
at all (no network, an auth problem) it is not added either, because a send nobody has
checked may be a typo. --force adds it anyway, with a warning: for a send that is not
visible yet, or an API that is down right now.

TOKEN_ID may be given several times for a campaign sent in batches, or as - to read one
per line from stdin (a line may carry its own label after the id: "TOKEN Label"; blank
lines and lines starting with # are skipped). One --label names them "LABEL 1/3",
"LABEL 2/3"...; as many --label as token ids name each as given. Each token is reported
on its own line; the exit code is the first failing one's (0 when all were added).
"""


def _add(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    add = sub.add_parser(
        "add",
        help="add sends to the watch list (each is read once first)",
        epilog=ADD_EPILOG + "\n" + _exit_codes(),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    add.add_argument("message_id", metavar="MESSAGE_ID", help="the message's API key")
    add.add_argument(
        "token_ids",
        metavar="TOKEN_ID",
        nargs="+",
        help="the tokenId each send returned; - reads them from stdin",
    )
    _send_options(add, "profile from config.toml (default: the one used last)")
    add.add_argument(
        "--label",
        "-l",
        action="append",
        default=[],
        help="a name to show instead of the ids (once, numbered for several tokens)",
    )
    add.add_argument(
        "--force", action="store_true", help="add even if the API refuses the send or is down"
    )


def _profiles(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    profiles = sub.add_parser(
        "profiles",
        help="list configured profiles (never their secrets); `profiles test` checks them",
        epilog=_exit_codes(),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    actions = profiles.add_subparsers(dest="profiles_command", metavar="ACTION")
    test = actions.add_parser(
        "test",
        help="get a token and read one Deliveries URL with each profile (or NAME)",
        description=(
            "Gets a token, then reads the Deliveries resource of the API docs' example ids "
            "(messageContact MzA6Nzg6MA, token c21NCNSDN2sMMWM2miosdjEHH): a harmless GET "
            "that touches none of your sends. The API answers it with 'not valid', which "
            "proves the host, TLS, the token and its scope; the report says exactly which "
            "step failed otherwise. No secret or token is ever printed."
        ),
        epilog=_exit_codes(),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    test.add_argument("name", metavar="NAME", nargs="?", help="one profile (default: all)")


def _watchlist(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    watchlist = sub.add_parser(
        "watchlist",
        help="the watch list's set-aside copies: `watchlist restore` lists or restores them",
    )
    actions = watchlist.add_subparsers(dest="watchlist_command", metavar="ACTION")
    restore = actions.add_parser(
        "restore",
        help="list set-aside copies (newest first), or put FILE back as the watch list",
        description=(
            "A damaged watchlist.toml is copied aside (watchlist.toml.corrupt-STAMP) before "
            "its complete entries are saved again. With no FILE this lists those copies; "
            "with FILE (a number from the list, a name, or a path) it puts that copy back, "
            "atomically, and sets the current file aside as watchlist.toml.replaced-STAMP."
        ),
        epilog=_exit_codes(),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    restore.add_argument("file", metavar="FILE", nargs="?", help="N from the list, or a copy")


class Parser(argparse.ArgumentParser):
    """argparse, but a 10 KB bad value is cut to a readable length in the error line."""

    def error(self, message: str) -> NoReturn:
        super().error(cut_quoted(message))


def build_parser() -> argparse.ArgumentParser:
    parser: argparse.ArgumentParser = Parser(  # its subcommands are Parsers too
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
    status.add_argument(
        "message_id", metavar="MESSAGE_ID|N", help="the message's API key, or N from `list`"
    )
    status.add_argument(
        "token_id", metavar="TOKEN_ID", nargs="?", help="the tokenId the send returned"
    )
    _send_options(status, "profile from config.toml (default: the only one)")
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
    export.add_argument("message_id", metavar="MESSAGE_ID", help="the message's API key")
    export.add_argument("token_id", metavar="TOKEN_ID", help="the tokenId the send returned")
    _send_options(export, "profile from config.toml (default: the only one)")
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

    _add(sub)

    lst = sub.add_parser(
        "list",
        help="show the watch list, with each send's status as last seen",
        description=(
            "Status and counts come from the history (what sendwatch last saw), so the "
            "list works offline; --read reads every send now instead (each read is bounded "
            "by its profile's timeout, and a failed read shows its reason in the row)."
        ),
    )
    lst.add_argument("--json", action="store_true", help="machine-readable output")
    lst.add_argument("--read", action="store_true", help="read each send's status now")

    find = sub.add_parser(
        "find",
        help="find a number in every watched send: one line per match, with its outcome",
        description=(
            "Digits match numbers by substring (+, spaces and dashes as typed). The outcomes "
            "come from the history (what sendwatch last saw: offline, like `list`); --read "
            "reads every watched send now instead."
        ),
        epilog=_exit_codes(),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    find.add_argument("number", metavar="NUMBER", help="a mobile number, or part of one")
    find.add_argument("--read", action="store_true", help="read each watched send now")
    find.add_argument("--json", action="store_true", help="machine-readable output")
    find.add_argument("--mask", action="store_true", help="mask numbers (1555•••5510)")

    remove = sub.add_parser("remove", help="remove a send from the watch list")
    remove.add_argument("which", metavar="N|TOKEN_ID|KEY", help="position from `list`, or an id")

    _profiles(sub)
    _watchlist(sub)
    sub.add_parser("doctor", help="print the paths sendwatch uses and what it sees of the terminal")
    return parser
