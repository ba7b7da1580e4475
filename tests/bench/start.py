"""Start: `sendwatch --version`, and the monitor's first paint with 50 watched sends.

Method:
- `--version`: wall time of `sendwatch --version` (the venv's console script) run with
  `subprocess.run`, output captured; median of 10 after one warm-up run (so the figure is
  a warm page cache, as on a second launch).
- First paint: the real `sendwatch` (monitor) in a 120x40 pty (`pty_app.py`) with a home
  whose watch list holds 50 sends on a simulator process (50 in-flight sends of 100
  recipients, labelled "bench send 01".."50"). Time from spawn until the terminal has
  received the sidebar's first entry ("bench send 01"): the first frame of the monitor.
  Median of 5 spawns, each with a fresh home. For information, the time until all 50
  first reads are on screen and the output has been quiet for 0.5 s ("settled", minus the
  0.5 s) is reported too.
"""

from __future__ import annotations

import subprocess
import time

from tests.bench import (
    Figure,
    child_env,
    log,
    make_home,
    median,
    module_main,
    ms,
    sendwatch_exe,
    sim_server,
    temp_root,
)
from tests.bench.pty_app import PtyApp


def _version_times(runs: int) -> list[float]:
    exe = sendwatch_exe()
    env = child_env()
    subprocess.run([exe, "--version"], env=env, capture_output=True, check=True)
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        subprocess.run([exe, "--version"], env=env, capture_output=True, check=True)
        times.append(time.perf_counter() - t)
    return times


def run(quick: bool) -> list[Figure]:
    versions = _version_times(10)
    version = median(versions)
    log(f"start: --version median {ms(version)} (min {ms(min(versions))})")

    firsts: list[float] = []
    settled: list[float] = []
    with sim_server(
        [{"create": {"n": 100, "count": 50, "pace": 50.0, "label": "bench send"}}, {"advance": 400}]
    ) as sim:
        for i in range(3 if quick else 5):
            with temp_root() as root:
                home = make_home(root, sim, sim.sends, refresh_interval=5.0)
                served = sim.deliveries_served()
                with PtyApp([sendwatch_exe()], home.env) as app:
                    first = app.wait_for(b"bench send 01", timeout=30)
                    assert first is not None, app.output()[-2000:]
                    firsts.append(first - app.started)
                    deadline = time.perf_counter() + 60
                    while sim.deliveries_served() - served < 50 and time.perf_counter() < deadline:
                        time.sleep(0.05)
                    app.wait_quiet(0.5, timeout=30)
                    settled.append(app.last_output_at() - app.started)
                log(f"start: spawn {i + 1}: first paint {ms(firsts[-1])}, all {ms(settled[-1])}")
    first_paint = median(firsts)
    return [
        Figure(
            "start: sendwatch --version",
            ms(version),
            "<= 150 ms",
            version <= 0.150,
            f"median of 10 (min {ms(min(versions))}, max {ms(max(versions))})",
        ),
        Figure(
            "start: monitor first paint, 50 watched sends",
            ms(first_paint),
            "<= 1000 ms",
            first_paint <= 1.0,
            f"median of {len(firsts)} spawns in a 120x40 pty (max {ms(max(firsts))})",
        ),
        Figure(
            "start: all 50 first reads painted",
            ms(median(settled)),
            "(information)",
            None,
            "spawn until the last byte before 0.5 s of quiet",
        ),
    ]


if __name__ == "__main__":
    module_main(run)
