"""Idle: CPU and terminal bytes of the monitor when nothing (or little) is happening.

Method:
- Finished: the real `sendwatch` monitor in a 120x40 pty (`pty_app.py`) watching 20
  finished sends (200 recipients each) on a simulator process. After all 20 final reads
  have been served and the output has been quiet for 1 s, the child's CPU time (utime +
  stime from /proc/<pid>/stat, all threads) and the bytes it writes are measured over
  60 s (10 s with --quick). Targets: <= 0.5% of one core, 0 bytes.
- In flight: the same with 20 in-flight sends (1,000 recipients each, paced so they keep
  changing for the whole window, simulator time running at wall speed) and
  `refresh_interval = 5`: CPU over 60 s (10 s with --quick) once every send has been read
  once. Target: <= 3% of one core. Bytes written are in the note (the data does change).
- The window avoids nothing: a minute boundary inside it is part of real use (times on
  screen are shown to the minute).
"""

from __future__ import annotations

import time
from typing import Any

from tests.bench import (
    Figure,
    log,
    make_home,
    module_main,
    sendwatch_exe,
    sim_server,
    temp_root,
)
from tests.bench.pty_app import PtyApp


def _measure(
    steps: list[dict[str, Any]], time_scale: float, window: float
) -> tuple[float, int, int]:
    """(CPU fraction of one core, bytes during the window, polls during the window)."""
    with sim_server(steps, time_scale=time_scale) as sim, temp_root() as root:
        home = make_home(root, sim, sim.sends, refresh_interval=5.0)
        with PtyApp([sendwatch_exe()], home.env) as app:
            deadline = time.perf_counter() + 60
            while sim.deliveries_served() < len(sim.sends) and time.perf_counter() < deadline:
                time.sleep(0.1)
            assert sim.deliveries_served() >= len(sim.sends), "not every send was read"
            app.wait_quiet(1.0, timeout=30)
            polls0 = sim.deliveries_served()
            cpu0, t0 = app.cpu_seconds(), time.perf_counter()
            time.sleep(window)
            cpu1, t1 = app.cpu_seconds(), time.perf_counter()
            written = app.bytes_between(t0, t1)
            polls = sim.deliveries_served() - polls0
    return (cpu1 - cpu0) / (t1 - t0), written, polls


def run(quick: bool) -> list[Figure]:
    window = 10.0 if quick else 60.0
    log(f"idle: 20 finished sends, {window:.0f} s")
    finished = [{"create": {"n": 200, "count": 20, "label": "done"}}, {"advance": 100_000}]
    cpu_f, bytes_f, polls_f = _measure(finished, 0.0, window)
    log(f"idle: finished: {cpu_f * 100:.2f}% CPU, {bytes_f} bytes, {polls_f} polls")

    log(f"idle: 20 in-flight sends at a 5 s interval, {window:.0f} s")
    live = [{"create": {"n": 1000, "count": 20, "pace": 5.0, "label": "live"}}, {"advance": 30}]
    cpu_l, bytes_l, polls_l = _measure(live, 1.0, window)
    log(f"idle: in flight: {cpu_l * 100:.2f}% CPU, {bytes_l} bytes, {polls_l} polls")
    return [
        Figure(
            "idle: 20 finished sends, CPU",
            f"{cpu_f * 100:.2f}%",
            "<= 0.5% of a core",
            cpu_f <= 0.005,
            f"{window:.0f} s window after the first paint; {polls_f} polls in it",
        ),
        Figure(
            "idle: 20 finished sends, bytes to the terminal",
            f"{bytes_f:,} B",
            "0 B after first paint",
            bytes_f == 0,
            f"{window:.0f} s window",
        ),
        Figure(
            "idle: 20 in-flight sends at 5 s, CPU",
            f"{cpu_l * 100:.2f}%",
            "<= 3% of a core",
            cpu_l <= 0.03,
            f"{window:.0f} s window; {polls_l} polls, {bytes_l:,} B written (data changing)",
        ),
    ]


if __name__ == "__main__":
    module_main(run)
