"""SIGTERM and SIGHUP: the terminal restored, pending watch-list writes done, exit 143/129.

The real `python -m tui` runs in a pseudo-terminal (no tmux, so CI can run it): the
test reads what it draws, sends the signal, and reads the sequences it leaves behind.
"""

from __future__ import annotations

import fcntl
import os
import select
import shlex
import signal
import struct
import subprocess
import sys
import termios
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from tests.test_app import Env, env, keys_on_disk, running, sidebar_keys, until  # noqa: F401
from tests.test_cli import sim_profile, write_config
from tests.test_secret_command import wait_gone
from tui.core.api.model import SendKind
from tui.core.store.atomic import file_lock
from tui.core.store.watchlist import WatchedSend, WatchList
from tui.sim import Simulator

ROOT = Path(__file__).resolve().parent.parent
STARTUP = 60.0
"""Seconds to wait for the first screen: generous, a loaded CI machine imports slowly."""
EXIT_WITHIN = 5.0
"""Seconds from the signal to the exit (the app needs well under 2 s; CI may be slow)."""

ALT_ON, ALT_OFF = b"\x1b[?1049h", b"\x1b[?1049l"
MOUSE_ON, MOUSE_OFF = b"\x1b[?1000h", b"\x1b[?1000l"
CURSOR_HIDE, CURSOR_SHOW = b"\x1b[?25l", b"\x1b[?25h"


@dataclass
class Terminal:
    """A child process on a pseudo-terminal of 80×24, and everything it wrote."""

    process: subprocess.Popen[bytes]
    master: int
    output: bytearray = field(default_factory=bytearray)

    @classmethod
    def start(cls, *argv: str) -> Terminal:
        master, slave = os.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 80, 0, 0))
        process = subprocess.Popen(
            [sys.executable, "-m", "tui", *argv],
            stdin=slave,
            stdout=slave,
            stderr=slave,
            cwd=ROOT,
            env=os.environ | {"PYTHONPATH": str(ROOT), "TERM": "xterm-256color"},
            start_new_session=True,  # the pty becomes its controlling terminal
        )
        os.close(slave)
        return cls(process, master)

    def read(self, timeout: float) -> bool:
        """Read what is there within `timeout`; False once the other side is closed."""
        ready, _, _ = select.select([self.master], [], [], timeout)
        if not ready:
            return True
        try:
            chunk = os.read(self.master, 65536)
        except OSError:  # EIO: every copy of the slave side is closed
            return False
        self.output += chunk
        return bool(chunk)

    def wait_for(self, *needles: bytes, timeout: float = STARTUP, after: int = 0) -> None:
        deadline = time.monotonic() + timeout
        while not all(n in self.output[after:] for n in needles):
            left = deadline - time.monotonic()
            assert left > 0, f"never drew {needles!r}; tail: {bytes(self.output[-400:])!r}"
            if not self.read(min(left, 0.5)) and self.process.poll() is not None:
                pytest.fail(f"exited {self.process.returncode} before drawing {needles!r}")

    def drawn(self) -> None:
        """The app is up: the alternate screen is on and the footer has been drawn."""
        self.wait_for(ALT_ON, MOUSE_ON, b"Quit")

    def type(self, keys: bytes) -> None:
        os.write(self.master, keys)

    def stop_with(self, signum: int) -> tuple[int, float, bytes]:
        """Send `signum`; return the exit code, the seconds it took and what came after."""
        mark = len(self.output)
        sent = time.monotonic()
        self.process.send_signal(signum)
        deadline = sent + EXIT_WITHIN
        while time.monotonic() < deadline and self.read(0.1):
            if self.process.poll() is not None:
                while self.read(0.05):  # what is left in the pty's buffer
                    pass
                break
        try:
            code = self.process.wait(timeout=max(deadline - time.monotonic(), 0.1))
        except subprocess.TimeoutExpired:
            code = -999
        return code, time.monotonic() - sent, bytes(self.output[mark:])

    def close(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=10)
        os.close(self.master)


@pytest.fixture
def terminals() -> Iterator[list[Terminal]]:
    started: list[Terminal] = []
    yield started
    for terminal in started:
        terminal.close()


def restored(after: bytes) -> list[str]:
    """What the output after the signal leaves wrong (empty when the terminal is fine)."""
    wrong = []
    for on, off, what in (
        (ALT_ON, ALT_OFF, "alternate screen"),
        (MOUSE_ON, MOUSE_OFF, "mouse reporting"),
        (CURSOR_HIDE, CURSOR_SHOW, "hidden cursor"),
    ):
        if after.rfind(off) <= after.rfind(on):
            wrong.append(f"{what} left as the app had it")
    return wrong


@pytest.mark.parametrize(
    ("signum", "code"),
    [(signal.SIGTERM, 143), (signal.SIGHUP, 129)],
    ids=["SIGTERM", "SIGHUP"],
)
def test_a_signal_restores_the_terminal_and_exits_128_plus_its_number(
    terminals: list[Terminal], signum: int, code: int
) -> None:
    terminal = Terminal.start("demo")
    terminals.append(terminal)
    terminal.drawn()
    exit_code, took, after = terminal.stop_with(signum)
    assert exit_code == code, f"exit {exit_code} after {took:.1f} s; tail {after[-300:]!r}"
    assert took < EXIT_WITHIN
    assert restored(after) == [], after[-300:]


def watch_two(sim: Simulator, profile: str) -> tuple[WatchedSend, WatchedSend]:
    """Alpha and Bravo on the simulator, in the user's watch list, Alpha selected."""
    watchlist = WatchList()
    watchlist.load()
    for name in ("Alpha", "Bravo"):
        message_id = sim.add_message(f"Message for {name}")
        token_id = sim.create_send(message_id, 3)
        watchlist.add(WatchedSend(profile, message_id, token_id, SendKind.MESSAGE_CONTACT, name))
    first, second = watchlist.sends
    watchlist.select(first.key)
    return first, second


def test_the_selection_waiting_for_its_save_is_written_on_sigterm(
    sim: Simulator, terminals: list[Terminal], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The selection is saved 1.5 s after it stops moving; SIGTERM before then keeps it."""
    monkeypatch.setenv("SIM_SECRET", Simulator.CLIENT_SECRET)
    write_config(sim_profile(sim.url))
    _, second = watch_two(sim, "sim")
    terminal = Terminal.start()
    terminals.append(terminal)
    terminal.drawn()
    terminal.wait_for(b"Message for Alpha")
    mark = len(terminal.output)
    terminal.type(b"\x1b[B")  # down: the detail pane shows Bravo; its save is 1.5 s away
    terminal.wait_for(b"Message for Bravo", after=mark)
    exit_code, _, _ = terminal.stop_with(signal.SIGTERM)
    assert exit_code == 143
    reread = WatchList()
    reread.load()
    assert reread.selected == second.key


def test_sigterm_while_a_secret_command_hangs_exits_at_once_and_ends_it(
    sim: Simulator, terminals: list[Terminal], tmp_path: Path
) -> None:
    """The token read waits for a hung client_secret_command in a thread: the exit ends
    the command's process group rather than wait its 10 s out, and leaves no child."""
    pid_file = tmp_path / "pids"
    hang = shlex.join(["sh", "-c", f"sleep 100 & echo $! > {shlex.quote(str(pid_file))}; wait"])
    config = sim_profile(sim.url, client_secret_command=hang).replace(
        'client_secret_env = "SIM_SECRET"\n', ""
    )
    write_config(config)
    watch_two(sim, "sim")
    terminal = Terminal.start()
    terminals.append(terminal)
    terminal.drawn()
    deadline = time.monotonic() + STARTUP
    while not (pid_file.exists() and pid_file.read_text().strip()):
        assert time.monotonic() < deadline, "the secret command never started"
        terminal.read(0.05)
    child = int(pid_file.read_text())
    exit_code, took, after = terminal.stop_with(signal.SIGTERM)
    assert (exit_code, restored(after)) == (143, [])
    assert took < EXIT_WITHIN
    assert wait_gone(child), f"the secret command's child {child} outlived the app"


async def test_watch_list_writes_still_waiting_are_done_before_the_exit(env: Env) -> None:  # noqa: F811
    """Two moves wait behind another window's lock when SIGTERM comes: both are saved."""
    a, b, c = env.send("Alpha", 3), env.send("Bravo", 3), env.send("Charlie", 3)
    env.watch(a, b, c)
    app = env.app()
    before = signal.getsignal(signal.SIGTERM)
    held, signalled = threading.Event(), threading.Event()

    def other_window() -> None:
        with file_lock(env.watchlist_path, "the watch list"):
            held.set()
            signalled.wait(timeout=10)
            # Hold on a while: without the flush the app would be gone by now, its second
            # write cancelled. With it, the exit waits for the lock whatever this delay.
            time.sleep(0.5)

    holder = threading.Thread(target=other_window)
    async with running(app) as pilot:
        await until(pilot, lambda: sidebar_keys(app) == [a.key, b.key, c.key], "the list")
        holder.start()
        assert held.wait(timeout=5)
        await pilot.press("shift+down", "shift+down")  # Alpha to the end, in two writes
        handler = signal.getsignal(signal.SIGTERM)
        assert handler not in (signal.SIG_DFL, signal.SIG_IGN, None), "no SIGTERM handler"
        signalled.set()
        os.kill(os.getpid(), signal.SIGTERM)
        await until(pilot, lambda: not app.is_running, "the exit")
    holder.join(timeout=10)
    assert app.return_code == 143
    assert keys_on_disk(env) == [b.key, c.key, a.key]
    assert signal.getsignal(signal.SIGTERM) == before, "the process's own handler is back"
