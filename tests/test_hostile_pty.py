"""Hostile server text never reaches the terminal as a control sequence.

The real `sendwatch` runs in a pseudo-terminal against a simulator whose message text,
recipient numbers and send label carry payloads (OSC 52 clipboard writes, OSC 0/2 title
changes, a CSI window-report query, C1 controls, bidi overrides and isolates, Rich markup).
The test walks every screen that shows them, by keyboard (the send finishes while
watched, so its toast carries the label too), then runs the headless commands
in the same kind of terminal, and looks at the raw bytes written: none of the payloads
may be there (what Textual draws on its own, such as the `Y` copy's OSC 52 of base64
text, is not a payload).
"""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import pytest

from tests.bench.pty_app import PtyApp
from tui.core.api.model import SendKind
from tui.core.store.paths import config_path
from tui.core.store.watchlist import WatchedSend, WatchList
from tui.sim import Simulator

PAYLOAD = (
    "\x1b]52;c;cHduZWQ=\x07"  # OSC 52: write "pwned" to the clipboard
    "\x1b]0;pwned-title\x07\x1b]2;pwned-title\x1b\\"  # OSC 0 and 2: the window title
    "\x1b[21t"  # CSI: report the window title back as input
    "\x9b6n\x9d0;pwned-c1\x9c"  # C1 CSI and OSC
    "\u202etxt.exe\u2066x\u2069"  # bidi override and isolate
    "[bold]markup[/bold]"
)
FORBIDDEN = [
    b"\x1b]52;c;cHduZWQ=",
    b"\x1b]0;pwned-title",
    b"\x1b]2;pwned-title",
    b"\x1b[21t",
    b"\xc2\x9b",
    b"\xc2\x9d",
    b"\xc2\x9c",
    "\u202e".encode(),
    "\u2066".encode(),
    "\u2069".encode(),
]
WAIT = 30.0
"""Real seconds a screen may take to appear (bounds a broken test only)."""


def _forbidden_in(data: bytes) -> list[bytes]:
    return [bad for bad in FORBIDDEN if bad in data]


def _wait_for(app: PtyApp, ready: Callable[[bytes], bool], what: str, since: float) -> None:
    deadline = time.monotonic() + WAIT
    while not ready(app.output(since)):
        if app.proc is not None and app.proc.poll() is not None:
            pytest.fail(f"sendwatch exited ({app.proc.returncode}) waiting for {what}")
        if time.monotonic() > deadline:
            pytest.fail(f"timed out waiting for {what}")
        time.sleep(0.05)


def _env(sim: Simulator) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("TEXTUAL")}
    env["SIM_SECRET"] = Simulator.CLIENT_SECRET
    env["PYTHONPATH"] = str(Path(__file__).resolve().parents[1])
    return env


@pytest.fixture
def watched(sim: Simulator) -> WatchedSend:
    message_id = sim.add_message(f"Hello {PAYLOAD} bye")
    numbers = [f"1555{PAYLOAD}0100", "15550000101", "15550000102"]
    token_id = sim.create_send(message_id, numbers)
    sim.advance(4)  # under way: it finishes while the monitor watches (a toast)
    path = config_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(
        '[settings]\nrefresh_interval = 2\nbell = false\ndefault_profile = "sim"\n\n'
        f'[profiles.sim]\nauth = "oauth2"\nauth_url = "{sim.url}"\nrest_url = "{sim.url}"\n'
        f'client_id = "{Simulator.CLIENT_ID}"\nclient_secret_env = "SIM_SECRET"\n'
    )
    send = WatchedSend(
        "sim",
        message_id,
        token_id,
        SendKind.MESSAGE_CONTACT,
        f"Hostile {PAYLOAD}",
        added=datetime.now(UTC),
    )
    watchlist = WatchList()
    watchlist.load()
    watchlist.add(send)
    return send


def test_no_payload_reaches_the_terminal_from_any_screen(
    sim: Simulator, watched: WatchedSend, tmp_path: Path
) -> None:
    argv = [sys.executable, "-m", "tui"]
    with PtyApp(argv, _env(sim), cwd=str(tmp_path)) as app:
        _wait_for(app, lambda out: b"seen of 3" in out, "the first read", 0)
        since = time.perf_counter()
        sim.advance(3600)
        _wait_for(app, lambda out: b"delivered," in out, "the Finished toast", since)
        _wait_for(app, lambda out: b"0102" in out, "every row", 0)

        def press(key: str, shows: bytes | None = None, what: str = "") -> None:
            """A screen that opens is waited for by what it shows; one that closes, by
            the output going quiet (a redraw shows nothing new to look for)."""
            since = app.key(key)
            if shows is not None:
                _wait_for(app, lambda out: shows in out, what, since)
            else:  # a screen closing redraws what was under it
                _wait_for(app, lambda out: out != b"", what or f"a redraw after {key!r}", since)
                app.wait_quiet(0.3, timeout=WAIT)

        press("tab", b"0101", "the grid")
        press("enter", b"Observed", "the drill-down")
        press("y", b"Copied", "the number copied")
        press("escape")
        press("escape")
        press("Y", b"Copied", "the ticket note")
        press("escape")
        press("x", b"Export", "the export dialog")
        press("enter", b"Wrote", "the export written")
        press("?", b"Monitor", "the key help")
        press("escape")
        press("\x10", b"Hostile", "the palette")  # ctrl+p
        press("1555", b"in Hostile", "numbers found by the palette")
        press("escape")
        opened = app.key("/")
        app.send(b"1555")
        _wait_for(app, lambda out: b"of 3" in out, "the grid's search", opened)
        press("escape")
        press("m", b"\xe2\x80\xa2", "masked numbers")
        app.stop()
        assert app.proc is not None and app.proc.returncode == 0
        shown = app.output()
    assert _forbidden_in(shown) == []
    assert b"pwned" in shown or "␛".encode() in shown, "the payload was drawn, made visible"
    exported = list(tmp_path.glob("*.csv"))
    assert exported, "the export was written"
    assert _forbidden_in(exported[0].read_bytes()) == []


@pytest.mark.parametrize(
    "argv",
    [["list"], ["status", "1"], ["export", "--format", "csv"], ["find", "1555", "--read"]],
    ids=["list", "status", "export", "find"],
)
def test_no_payload_reaches_the_terminal_from_a_headless_command(
    sim: Simulator, watched: WatchedSend, argv: list[str]
) -> None:
    sim.advance(3600)
    if argv[0] == "export":
        argv = [*argv, watched.message_id, watched.token_id]
    command = [sys.executable, "-m", "tui", *argv]
    with PtyApp(command, _env(sim)) as app:
        assert app.proc is not None
        app.proc.wait(WAIT)
        app.stop()  # the reader drains what is left
        shown = app.output()
    assert app.proc.returncode == 0, shown.decode(errors="replace")
    assert _forbidden_in(shown) == []
