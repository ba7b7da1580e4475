"""Exit codes and the one-line error report every headless command shares.

Errors carry their own code (`SendwatchError.exit_code`); the others are here. The table
of every code is in args.py (it is help text), and a test keeps it equal to the README.
"""

from __future__ import annotations

import argparse
import functools
import os
import sys
from collections.abc import Callable

from tui.core.api.errors import SendwatchError
from tui.core.text import safe_text

EXIT_ERROR_STATUS = 1
EXIT_TIMEOUT = 5
EXIT_NOT_FOUND = 6
"""find: no watched send has the number (add's "already watched" is 6 too)."""
EXIT_INTERNAL = 70


Command = Callable[[argparse.Namespace], int]


def err(text: str) -> None:
    """One line on stderr, made safe for the terminal."""
    print(f"sendwatch: {safe_text(text)}", file=sys.stderr)


def internal_error(exc: BaseException) -> int:
    """A bug: one line (no traceback, no locals) unless SENDWATCH_DEBUG asks for more."""
    if os.environ.get("SENDWATCH_DEBUG"):
        raise exc
    err(f"internal error: {type(exc).__name__}: {exc} (SENDWATCH_DEBUG=1 shows more)")
    return EXIT_INTERNAL


def reports_errors(fn: Command) -> Command:
    """Turn every failure into one line on stderr and the documented exit code."""

    @functools.wraps(fn)
    def wrapper(args: argparse.Namespace) -> int:
        try:
            return fn(args)
        except SendwatchError as exc:
            err(f"error: {exc}")
            return exc.exit_code
        except Exception as exc:
            return internal_error(exc)

    return wrapper
