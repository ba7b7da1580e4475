"""kill -9 and two writers at once: the watch list and the history lose no completed edit.

Each round starts two child processes that edit the same watchlist.toml and
history.sqlite3 in a loop and print `done N` after each edit has returned, then kills
both with SIGKILL at seeded random points (often in the middle of a write). After every
round: the file parses and loads with no warning, every edit a child reported is there,
and SQLite's integrity_check is ok.
"""

from __future__ import annotations

import os
import random
import select
import signal
import sqlite3
import subprocess
import sys
import time
import tomllib
from pathlib import Path

from tui.core.store.history import History
from tui.core.store.watchlist import WatchList, send_key

ROOT = Path(__file__).resolve().parent.parent
ROUNDS = 4
CHILD = """
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

from tui.core.store.atomic import StorageError
from tui.core.store.history import History
from tui.core.store.watchlist import WatchedSend, WatchList, send_key

folder, tag = Path(sys.argv[1]), sys.argv[2]
watchlist = WatchList(folder / "watchlist.toml")
watchlist.load()
history = History(folder / "history.sqlite3")
print("ready", flush=True)
n = 0
while True:
    n += 1
    token = f"{tag}x{n}"
    key = send_key("demo", "messageContact", "MzA6Nzg6MA", token)
    now = datetime.now(UTC)
    try:
        watchlist.add(WatchedSend("demo", "MzA6Nzg6MA", token, "messageContact", f"label {n}"))
        if n > 1:
            earlier = send_key("demo", "messageContact", "MzA6Nzg6MA", f"{tag}x{n - 1}")
            watchlist.set_label(earlier, f"relabelled {n - 1}")
        history.record_status(key, "Started", now)
        history.record_outcomes(key, {f"1555{n:07d}": 1000, f"1556{n:07d}": "Failed"}, now)
    except StorageError as exc:  # a lock held too long by the other child: not done
        print("retry", exc, flush=True)
        continue
    print(f"done {n}", flush=True)
    time.sleep(0.01)  # edits come from people and scripts, not a busy loop
"""


def _key(tag: str, n: int) -> str:
    return send_key("demo", "messageContact", "MzA6Nzg6MA", f"{tag}x{n}")


class Child:
    def __init__(self, folder: Path, tag: str) -> None:
        env = {**os.environ, "PYTHONPATH": str(ROOT)}
        self.tag = tag
        self.done: set[int] = set()
        self.ready = False
        self.retries: list[bytes] = []
        self.proc = subprocess.Popen(
            [sys.executable, "-c", CHILD, str(folder), tag],
            stdout=subprocess.PIPE,
            env=env,
            cwd=folder,
        )
        self._buffer = b""

    def read(self, timeout: float) -> None:
        """Take in what the child printed so far (waiting up to `timeout` for a line)."""
        assert self.proc.stdout is not None
        fd = self.proc.stdout.fileno()
        while select.select([fd], [], [], timeout)[0]:
            chunk = os.read(fd, 65536)
            if not chunk:
                break
            self._buffer += chunk
            timeout = 0
        *lines, self._buffer = self._buffer.split(b"\n")
        for line in lines:
            if line.startswith(b"done "):
                self.done.add(int(line.split()[1]))
            elif line == b"ready":
                self.ready = True
            elif line.startswith(b"retry"):
                self.retries.append(line)

    def kill(self) -> None:
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait()
        self.read(0)  # a line printed before the kill still counts
        assert self.proc.stdout is not None
        self.proc.stdout.close()


def _check(folder: Path, children: list[Child]) -> None:
    path = folder / "watchlist.toml"
    tomllib.loads(path.read_text())  # always a whole file
    watchlist = WatchList(path)
    assert watchlist.load() == [], "nothing had to be set aside"
    labels = {s.key: s.label for s in watchlist.sends}
    with sqlite3.connect(folder / "history.sqlite3") as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    with History(folder / "history.sqlite3") as history:
        for child in children:
            for n in sorted(child.done):
                key = _key(child.tag, n)
                assert key in labels, f"{child.tag}: edit {n} was reported and is lost"
                if n + 1 in child.done:  # edit n + 1 relabelled this one
                    assert labels[key] == f"relabelled {n}", key
                assert [s for s, _ in history.status_observations(key)] == ["Started"]
                outcomes = {k: v for k, (v, _) in history.current(key).items()}
                assert outcomes == {f"1555{n:07d}": "1000", f"1556{n:07d}": "Failed"}


def test_kill_9_and_two_writers_lose_no_completed_edit(tmp_path: Path) -> None:
    rng = random.Random(20261202)
    kills = 0
    for round_ in range(ROUNDS):
        children = [Child(tmp_path, f"r{round_}c{c}") for c in range(2)]
        try:
            for child in children:
                while not child.ready:
                    child.read(10.0)
                    assert child.proc.poll() is None, "the child died by itself"
            targets = [rng.randint(2, 12) for _ in children]
            deadline = time.monotonic() + 120  # only a stuck child takes this long
            while any(len(c.done) < t for c, t in zip(children, targets, strict=True)):
                assert time.monotonic() < deadline, [(len(c.done), c.retries) for c in children]
                for child in children:
                    child.read(0.01)
            for child in children:  # a random moment after the target: often mid-write
                time.sleep(rng.random() * 0.004)
                child.kill()
                kills += 1
        finally:
            for child in children:
                if child.proc.poll() is None:
                    child.kill()
        _check(tmp_path, children)
    assert kills == 2 * ROUNDS
