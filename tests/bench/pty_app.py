"""Run a program in a pseudo-terminal, as a user's terminal would, and watch what it does.

`PtyApp(argv, env)` opens a pty pair, sets its size with `TIOCSWINSZ` (120x40 by default),
starts the program with the slave side as its stdin, stdout, stderr and controlling
terminal, TERM=xterm-256color and COLORTERM=truecolor, and reads everything the program
writes on the master side in a thread, timestamped. It can send keys, count bytes between
two moments, wait for the output to go quiet, and read the child's CPU time and memory
from /proc/<pid>/stat and /proc/<pid>/status.

The harness answers no terminal queries; Textual does not wait for answers, so it starts
exactly as in a terminal that does not understand them.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import signal
import struct
import subprocess
import termios
import threading
import time
from collections.abc import Sequence

CLOCK_TICKS = os.sysconf("SC_CLK_TCK")

KEYS = {
    "up": b"\x1b[A",
    "down": b"\x1b[B",
    "right": b"\x1b[C",
    "left": b"\x1b[D",
    "pagedown": b"\x1b[6~",
    "pageup": b"\x1b[5~",
    "home": b"\x1b[H",
    "end": b"\x1b[F",
    "enter": b"\r",
    "tab": b"\t",
    "escape": b"\x1b",
}


class PtyApp:
    def __init__(
        self,
        argv: Sequence[str],
        env: dict[str, str],
        *,
        cols: int = 120,
        rows: int = 40,
        cwd: str | None = None,
    ) -> None:
        self.argv = list(argv)
        self.env = {**env, "TERM": "xterm-256color", "COLORTERM": "truecolor"}
        for var in ("LINES", "COLUMNS", "TMUX", "STY"):
            self.env.pop(var, None)
        self.cols, self.rows = cols, rows
        self.cwd = cwd
        self.chunks: list[tuple[float, bytes]] = []
        self._lock = threading.Lock()
        self._master = -1
        self.proc: subprocess.Popen[bytes] | None = None
        self.started = 0.0
        self._reader: threading.Thread | None = None

    # -- lifecycle

    def start(self) -> PtyApp:
        master, slave = os.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", self.rows, self.cols, 0, 0))
        self._master = master

        def controlling_tty() -> None:
            os.setsid()
            fcntl.ioctl(0, termios.TIOCSCTTY, 0)

        self.started = time.perf_counter()
        self.proc = subprocess.Popen(
            self.argv,
            stdin=slave,
            stdout=slave,
            stderr=slave,
            env=self.env,
            cwd=self.cwd,
            preexec_fn=controlling_tty,
            close_fds=True,
        )
        os.close(slave)
        self._reader = threading.Thread(target=self._read, name="pty-reader", daemon=True)
        self._reader.start()
        return self

    def _read(self) -> None:
        while True:
            try:
                data = os.read(self._master, 65536)
            except OSError:
                return
            if not data:
                return
            now = time.perf_counter()
            with self._lock:
                self.chunks.append((now, data))

    def stop(self, timeout: float = 10.0) -> int | None:
        """Quit with `q`, then SIGTERM, then SIGKILL; returns the exit code."""
        proc = self.proc
        if proc is None:
            return None
        if proc.poll() is None:
            self.send(b"q")
            try:
                proc.wait(timeout)
            except subprocess.TimeoutExpired:
                proc.send_signal(signal.SIGTERM)
                try:
                    proc.wait(5)
                except subprocess.TimeoutExpired:
                    proc.kill()
                    proc.wait()
        if self._reader is not None:
            self._reader.join(2)
        with contextlib.suppress(OSError):
            os.close(self._master)
        return proc.returncode

    def __enter__(self) -> PtyApp:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def pid(self) -> int:
        assert self.proc is not None
        return self.proc.pid

    # -- input

    def send(self, data: bytes) -> float:
        when = time.perf_counter()
        os.write(self._master, data)
        return when

    def key(self, name: str) -> float:
        return self.send(KEYS.get(name, name.encode()))

    # -- output

    def output(self, since: float = 0.0, until: float = float("inf")) -> bytes:
        with self._lock:
            return b"".join(d for t, d in self.chunks if since <= t < until)

    def bytes_between(self, since: float, until: float = float("inf")) -> int:
        with self._lock:
            return sum(len(d) for t, d in self.chunks if since <= t < until)

    @property
    def total_bytes(self) -> int:
        with self._lock:
            return sum(len(d) for _, d in self.chunks)

    def last_output_at(self) -> float:
        with self._lock:
            return self.chunks[-1][0] if self.chunks else self.started

    def wait_quiet(self, quiet: float = 0.5, timeout: float = 60.0) -> bool:
        """Wait until nothing has been written for `quiet` seconds."""
        deadline = time.perf_counter() + timeout
        while time.perf_counter() < deadline:
            if self.proc is not None and self.proc.poll() is not None:
                return False
            if time.perf_counter() - self.last_output_at() >= quiet:
                return True
            time.sleep(0.02)
        return False

    def wait_for(self, needle: bytes, timeout: float = 30.0, since: float = 0.0) -> float | None:
        """Time of the chunk that completed the first occurrence of `needle`."""
        deadline = time.perf_counter() + timeout
        while time.perf_counter() < deadline:
            with self._lock:
                chunks = [(t, d) for t, d in self.chunks if t >= since]
            seen = b""
            for t, d in chunks:
                seen += d
                if needle in seen:
                    return t
            if self.proc is not None and self.proc.poll() is not None:
                return None
            time.sleep(0.01)
        return None

    # -- the child's resources

    def cpu_seconds(self) -> float:
        """User + system CPU of the child process (all its threads) so far."""
        with open(f"/proc/{self.pid}/stat") as f:
            stat = f.read()
        fields = stat[stat.rindex(")") + 2 :].split()
        return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS

    def memory_kb(self) -> dict[str, int]:
        """VmRSS, VmHWM and friends from /proc/<pid>/status, in kB."""
        found = {}
        with open(f"/proc/{self.pid}/status") as f:
            for line in f:
                if line.startswith("Vm"):
                    name, value = line.split(":", 1)
                    found[name] = int(value.split()[0])
        return found


__all__ = ["KEYS", "PtyApp"]
