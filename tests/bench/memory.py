"""Memory: parsed data per event, what the grid adds at 100k rows, and the process RSS.

Method:
- Parsed data: `tracemalloc` running, the simulator's finished 100,000-recipient body
  (about 311,000 events) already in memory; the traced size after
  `parse_delivery_bytes(body)` and `gc.collect()` minus the size before, divided by
  `event_count`. The parse's transient peak (the decoded JSON) is in the note.
- Grid: the real `RecipientGrid` mounted full screen in `App.run_test(size=(120, 40))`,
  the Delivery parsed before tracing starts; traced growth after `grid.set_data(...)` and
  the first paint, then after 40 PageDowns, End and a full filter cycle (the row cache at
  its fullest). The figure is the larger, in MB (10^6 bytes).
- Process: the real `sendwatch` monitor in a 120x40 pty with the simulator's finished
  100,000-recipient send selected (the simulator runs in another process). Once the
  terminal has received "100,000 seen" (the counts line of the read send) and then 2 s of
  quiet, VmRSS from /proc/<pid>/status; VmHWM (the
  peak, during the first read) is in the note.
"""

from __future__ import annotations

import asyncio
import gc
import time
import tracemalloc
from typing import Any

from tests.bench import (
    Figure,
    FrameProbe,
    grid_app_class,
    large_body,
    log,
    make_home,
    module_main,
    press,
    sendwatch_exe,
    sim_server,
    temp_root,
)
from tests.bench.pty_app import PtyApp

MB = 1e6


def _parsed(body: bytes) -> tuple[float, int, float, Any]:
    from tui.core.api.parse import parse_delivery_bytes

    gc.collect()
    tracemalloc.start()
    before = tracemalloc.get_traced_memory()[0]
    delivery = parse_delivery_bytes(body)
    gc.collect()
    after, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    size = after - before
    return size / delivery.event_count, size, (peak - before) / MB, delivery


async def _grid(recipients: Any) -> tuple[float, float]:
    from tui.ui.widgets.recipient_grid import RecipientGrid

    app = grid_app_class()()
    async with app.run_test(size=(120, 40)) as pilot:
        grid = app.query_one(RecipientGrid)
        grid.focus()
        await pilot.pause()
        probe = FrameProbe(app, grid)
        gc.collect()
        tracemalloc.start()
        before = tracemalloc.get_traced_memory()[0]
        started = time.perf_counter()
        grid.set_data(recipients)
        assert await probe.settle(started, timeout=30) is not None
        gc.collect()
        painted = tracemalloc.get_traced_memory()[0] - before
        for key in ["pagedown"] * 40 + ["end"] + ["f"] * 5:
            started = press(app, key)
            await probe.settle(started, timeout=5)
        gc.collect()
        scrolled = tracemalloc.get_traced_memory()[0] - before
        tracemalloc.stop()
    return painted / MB, scrolled / MB


def _rss() -> tuple[float, float]:
    steps = [{"create": {"n": 100_000, "label": "big 100k"}}, {"advance": 1_000_000}]
    with sim_server(steps) as sim, temp_root() as root:
        home = make_home(root, sim, sim.sends)
        with PtyApp([sendwatch_exe()], home.env) as app:
            shown = app.wait_for(b"100,000 seen", timeout=180)
            assert shown is not None, app.output()[-3000:]
            assert app.wait_quiet(2.0, timeout=120)
            mem = app.memory_kb()
    return mem["VmRSS"] * 1024 / MB, mem["VmHWM"] * 1024 / MB


def run(quick: bool) -> list[Figure]:
    log("memory: building the 100,000-recipient body")
    body = large_body(100_000)
    per_event, size, peak, delivery = _parsed(body)
    del body
    log(f"memory: parsed {size / MB:.1f} MB, {per_event:.0f} B/event, parse peak {peak:.0f} MB")
    painted, scrolled = asyncio.run(_grid(delivery.recipients))
    grid = max(painted, scrolled)
    log(f"memory: grid adds {painted:.2f} MB painted, {scrolled:.2f} MB after scrolling")
    events = delivery.event_count
    del delivery
    gc.collect()
    rss, hwm = _rss()
    log(f"memory: sendwatch RSS {rss:.0f} MB (peak {hwm:.0f} MB)")
    return [
        Figure(
            "memory: parsed data per event",
            f"{per_event:.0f} B",
            "<= 300 B",
            per_event <= 300,
            f"{size / MB:.1f} MB for {events:,} events (tracemalloc); parse peak {peak:.0f} MB",
        ),
        Figure(
            "memory: grid at 100k rows beyond parsed data",
            f"{grid:.2f} MB",
            "<= 10 MB",
            grid <= 10,
            f"after first paint {painted:.2f} MB, after scrolling/filters {scrolled:.2f} MB",
        ),
        Figure(
            "memory: sendwatch RSS with the 100k send open",
            f"{rss:.0f} MB",
            "<= 150 MB",
            rss <= 150,
            f"VmRSS once settled; VmHWM (peak) {hwm:.0f} MB; real CLI in a pty",
        ),
    ]


if __name__ == "__main__":
    module_main(run)
