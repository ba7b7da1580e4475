"""Exit codes and the one-line error report every headless command shares.

Errors carry their own code (`SendwatchError.exit_code`); the others are here. The table
of every code is in args.py (it is help text), and a test keeps it equal to the README.
"""

from __future__ import annotations

import argparse
import contextlib
import functools
import os
import sys
from collections.abc import Callable

from tui.core.api.errors import SERVER_SAID, SendwatchError, server_said
from tui.core.text import safe_text

EXIT_ERROR_STATUS = 1
EXIT_TIMEOUT = 5
EXIT_NOT_FOUND = 6
"""find: no watched send has the number (add's "already watched" is 6 too)."""
EXIT_INTERNAL = 70
EXIT_STDOUT_CLOSED = 141
"""128 + SIGPIPE: what a shell reports for `grep` or `git log` cut short by `| head`."""


Command = Callable[[argparse.Namespace], int]


def err(text: str) -> None:
    """One line on stderr, made safe for the terminal."""
    print(f"sendwatch: {safe_text(text)}", file=sys.stderr)


def explained(exc: BaseException) -> str:
    """Our one-line explanation, then the server's own words when it said more."""
    said = server_said(exc)
    return f"{exc} ({SERVER_SAID} {said})" if said else str(exc)


def internal_error(exc: BaseException) -> int:
    """A bug: one line (no traceback, no locals) unless SENDWATCH_DEBUG asks for more."""
    if os.environ.get("SENDWATCH_DEBUG"):
        raise exc
    err(f"internal error: {type(exc).__name__}: {exc} (SENDWATCH_DEBUG=1 shows more)")
    return EXIT_INTERNAL


def stdout_closed() -> int:
    """The reader of our stdout went away (`| head -1`): stop quietly, as pipes expect.

    Nothing is said (a closed pipe is no error of the user's); stdout becomes /dev/null so
    the interpreter's last flush at exit cannot raise again (the Python docs' recipe for
    SIGPIPE). The exit code is a killed-by-SIGPIPE program's, so `set -o pipefail` scripts
    can still tell a cut-short list from a whole one.
    """
    with contextlib.suppress(OSError, ValueError):
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    return EXIT_STDOUT_CLOSED


def reports_errors(fn: Command) -> Command:
    """Turn every failure into one line on stderr and the documented exit code."""

    @functools.wraps(fn)
    def wrapper(args: argparse.Namespace) -> int:
        try:
            return fn(args)
        except SendwatchError as exc:
            err(f"error: {explained(exc)}")
            return exc.exit_code
        except BrokenPipeError:
            raise  # our stdout is closed: main() ends quietly
        except Exception as exc:
            return internal_error(exc)

    return wrapper
