"""Refresh: UI time of a 1% change at 100k, event-loop stalls during polls, bytes per poll.

Method:
- UI time of a 1% change: the real `SendwatchApp` (120x40, its refresher paused so only
  the bench publishes) watching one send. The bench publishes `SendState`s the way the
  refresher does (`SendUpdated`, `since` for every number, `changed` from the refresher's
  own `changed_numbers`). Each state holds a FRESH parse of the simulator's finished
  100,000-recipient body (new objects, as every real poll gives); in step k the recipients
  with `index % 100 < k` get one more event (a 4000 Delivered), so each step differs from
  the one before in exactly 1,000 recipients (1%), one of them on screen; pending ones
  become delivered (counts and `since` change too). Timed from posting `SendUpdated` to the
  last frame of the repaint (`FrameProbe`): `SendDetail.show(data_changed=True)` ->
  `grid.set_data` -> paint. Median of 8 steps (4 with --quick). For information: the same
  for a poll that changes nothing (fresh parse, equal content), timed to the end of the
  message handler (there is no frame to wait for).
- Event-loop stalls: the real app with its real refresher on a simulator process, one
  watched in-flight send of 100,000 numbers near the end of its dispatch (about 99,400
  recipients shown). A 1 ms ticker coroutine in the app's loop records the largest gap
  beyond its 1 ms sleep during: (A) the first read, (B) a poll that changes nothing
  (sim time frozen), (C) a poll after 20 sim seconds (about 1-2% of rows change and a few
  hundred appear). The figure is the median, over 5 runs of all three phases (1 with
  --quick), each in a fresh interpreter, of each run's longest gap; every run's is in
  the note. Target: <= 100 ms.
- Bytes: `launcher.py` (the real app + a client that can change one row after the real
  fetch) in a 120x40 pty (`pty_app.py`), on the simulator's finished 100,000-recipient
  send. After the first paint settles, SIGUSR2 forces a poll that changes nothing and
  SIGUSR1 a poll that changes the second row's event count (on screen). Bytes the app
  wrote from the signal until 0.5 s after the poll's update was handled, 3 of each; the
  figure is the largest. A measured poll never reads in another minute than the read
  before it (the "Read at HH:MM" line legitimately changes then): near a minute's end the
  bench waits, and an unmeasured poll first moves the last read into the new minute.
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import json
import os
import signal
import subprocess
import sys
import time
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from tests.bench import (
    ROOT,
    Figure,
    FrameProbe,
    large_body,
    log,
    make_home,
    median,
    module_main,
    ms,
    sim_server,
    temp_root,
    use_home_env,
)
from tests.bench.pty_app import PtyApp

# --------------------------------------------------------------------------- UI time


def _stepped(body: bytes, k: int) -> Any:
    """A fresh parse with one extra Delivered event for every recipient i % 100 < k."""
    from tui.core.api.model import Recipient, TrackingEvent, count_outcomes
    from tui.core.api.parse import parse_delivery_bytes

    delivery = parse_delivery_bytes(body)
    if k == 0:
        return delivery
    recipients = list(delivery.recipients)
    added = 0
    for i in range(0, len(recipients)):
        if i % 100 >= k:
            continue
        r = recipients[i]
        extra = TrackingEvent("200", "Carrier Success", 4000, "Delivered")
        best = max(4000, r.outcome_code or 0)
        recipients[i] = Recipient(r.mobile_number, (*r.events, extra), best)
        added += 1
    return replace(
        delivery,
        recipients=tuple(recipients),
        event_count=delivery.event_count + added,
        counts=count_outcomes(recipients),
    )


async def _ui_time(body: bytes, steps: int) -> tuple[list[float], list[float], int]:
    from tui.core.api.model import SendKind
    from tui.core.api.profile import Profile
    from tui.core.state import SendState, changed_numbers, kept_in_place
    from tui.core.store.config import Config, Settings
    from tui.core.store.watchlist import WatchedSend, WatchList
    from tui.ui.app import SendwatchApp
    from tui.ui.monitor import SendUpdated

    with temp_root() as root:
        profile = Profile(name="sim", auth="token", rest_url="http://127.0.0.1:9", access_token="x")
        config = Config(path=root / "config.toml", settings=Settings(bell=False))
        config.profiles["sim"] = profile
        watchlist = WatchList(root / "watchlist.toml")
        watchlist.load()
        send = WatchedSend("sim", "MzA6Nzg6MA", "bench-token", SendKind.MESSAGE_CONTACT, "big")
        watchlist.add(send)
        app = SendwatchApp(config, watchlist)
        app.refresher.paused = True
        async with app.run_test(size=(120, 40)) as pilot:
            await pilot.pause()
            probe = FrameProbe(app, app.monitor.detail.grid)
            t0 = datetime.now(UTC)
            previous = None
            since: dict[str, datetime] = {}
            times: list[float] = []
            same: list[float] = []
            changed_rows = 0
            for k in range(steps + 1):
                delivery = _stepped(body, k)
                rows, outcomes = changed_numbers(previous, delivery)
                now = t0 + timedelta(seconds=k)
                for number in outcomes:
                    if previous is None:
                        since.setdefault(number, now)
                    else:
                        since[number] = now
                state = SendState(
                    send=send,
                    delivery=delivery,
                    fetched_at=t0,
                    next_poll_at=t0 + timedelta(seconds=5),
                    observed=(("Finished", t0),),
                    since=dict(since),
                    changed=rows,
                    in_place=kept_in_place(
                        previous and previous.recipients, delivery.recipients
                    ),  # as the refresher does
                )
                gc.collect()
                started = time.perf_counter()
                app.monitor.post_message(SendUpdated(state))
                painted = await probe.settle(started, timeout=30)
                assert painted is not None
                if k > 0:
                    times.append(painted - started)
                    changed_rows = len(rows)
                    log(f"refresh: 1% step {k}: {ms(times[-1])} ({len(rows)} rows changed)")
                # The same content again, fresh objects: a poll that changes nothing.
                again = _stepped(body, k)
                state = replace(
                    state,
                    delivery=again,
                    changed=frozenset(),
                    in_place=kept_in_place(delivery.recipients, again.recipients),
                )
                gc.collect()
                handled = asyncio.Event()
                started = time.perf_counter()
                app.monitor.post_message(SendUpdated(state))
                app.monitor.call_later(handled.set)
                await handled.wait()
                same.append(time.perf_counter() - started)
                previous = again
            assert app.monitor.detail.grid.total_count == len(previous.recipients)
    return times, same, changed_rows


# --------------------------------------------------------------------------- loop stalls


async def _stalls(sim: Any, home: Any) -> dict[str, tuple[float, int, int]]:
    """Phase -> (largest gap s, rows shown, rows changed)."""
    from tui.cli.launch import freeze_startup_objects
    from tui.core.store.config import load_config
    from tui.core.store.history import History
    from tui.core.store.watchlist import WatchList
    from tui.ui.app import SendwatchApp

    use_home_env(home)
    config = load_config()
    watchlist = WatchList()
    watchlist.load()
    history = History()
    app = SendwatchApp(config, watchlist, history=history)
    freeze_startup_objects()  # as `sendwatch` does before running the app
    polls: list[tuple[float, Any]] = []
    publish = app.publish

    def published(state: Any) -> None:
        if state.delivery is not None:
            polls.append((time.perf_counter(), state))
        publish(state)

    app.refresher._on_update = published
    gaps: list[tuple[float, float]] = []

    async def ticker() -> None:
        while True:
            t = time.perf_counter()
            await asyncio.sleep(0.001)
            now = time.perf_counter()
            gaps.append((now, now - t - 0.001))

    results: dict[str, tuple[float, int, int]] = {}
    async with app.run_test(size=(120, 40)) as pilot:
        task = asyncio.create_task(ticker())
        probe = FrameProbe(app)

        async def phase(name: str, before: int) -> None:
            start = time.perf_counter()
            deadline = start + 120
            while len(polls) <= before and time.perf_counter() < deadline:
                await asyncio.sleep(0.02)
            assert len(polls) > before, f"no poll in phase {name}"
            await probe.settle(polls[-1][0], timeout=5, quiet=0.3)
            await asyncio.sleep(0.2)
            end = time.perf_counter()
            worst = max((g for t, g in gaps if start <= t <= end), default=0.0)
            state = polls[-1][1]
            results[name] = (worst, len(state.delivery.recipients), len(state.changed))
            log(
                f"refresh: stall phase {name}: worst gap {ms(worst)}, "
                f"{len(state.delivery.recipients):,} rows, {len(state.changed):,} changed"
            )

        gaps.clear()
        await phase("A first read", 0)
        await phase("B nothing changed", len(polls))
        count = len(polls)
        await asyncio.to_thread(sim.admin, "advance", {"seconds": 20})
        await phase("C after 20 sim s", count)
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
        await pilot.pause()
    history.close()
    return results


STALLS_FLAG = "--stalls-only"
STALLS_SPEC = [{"create": {"n": 100_000, "pace": 1.0, "label": "big live"}}, {"advance": 1995}]


def _stalls_once() -> dict[str, tuple[float, int, int]]:
    with sim_server(STALLS_SPEC) as sim, temp_root() as root:
        home = make_home(root, sim, sim.sends, refresh_interval=5.0)
        return asyncio.run(_stalls(sim, home))


def _stalls_in_own_process() -> dict[str, tuple[float, int, int]]:
    """One run per interpreter, as the app runs: a second app in the same process
    inherits the first one's leftovers (run_test keeps it alive), which skews timings."""
    done = subprocess.run(
        [sys.executable, "-m", "tests.bench.refresh", STALLS_FLAG],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        text=True,
        timeout=600,
        check=True,
    )
    result: dict[str, list[Any]] = json.loads(done.stdout.splitlines()[-1])
    return {name: (float(g), int(rows), int(ch)) for name, (g, rows, ch) in result.items()}


# --------------------------------------------------------------------------- bytes


def _lines(path: Path) -> list[str]:
    try:
        return path.read_text().splitlines()
    except FileNotFoundError:
        return []


def _wait_lines(path: Path, prefix: str, count: int, timeout: float = 120) -> bool:
    deadline = time.perf_counter() + timeout
    while time.perf_counter() < deadline:
        if sum(1 for line in _lines(path) if line.startswith(prefix)) >= count:
            return True
        time.sleep(0.02)
    return False


def _near_minute_edge() -> bool:
    """True when a poll started now could end in the next minute."""
    now = datetime.now()
    return now.second + now.microsecond / 1e6 > 50


def _bytes(sim: Any, home: Any, reps: int) -> tuple[list[int], list[int], int]:
    status = home.root / "status.txt"
    argv = [sys.executable, "-m", "tests.bench.launcher", str(status)]
    same: list[int] = []
    one_row: list[int] = []
    with PtyApp(argv, home.env, cwd=str(ROOT)) as app:
        assert _wait_lines(status, "shown", 1), app.output()[-3000:]
        app.wait_quiet(1.0, timeout=60)
        first = app.total_bytes
        read_minute = datetime.min  # unknown: the first measured poll gets a warm-up one

        def poll(sig: signal.Signals) -> int:
            shown = sum(1 for line in _lines(status) if line.startswith("shown"))
            fetched = sum(1 for line in _lines(status) if line.startswith("fetched"))
            start = time.perf_counter()
            os.kill(app.pid, sig)
            assert _wait_lines(status, "fetched", fetched + 1)
            assert _wait_lines(status, "shown", shown + 1)
            time.sleep(0.5)
            app.wait_quiet(0.5, timeout=10)
            return app.bytes_between(start)

        for sig, out in [(signal.SIGUSR2, same)] * reps + [(signal.SIGUSR1, one_row)] * reps:
            # "Read at HH:MM" shows the minute of the last read: when that minute is over
            # (or will be during the poll), an unmeasured poll first moves it on.
            if _near_minute_edge():
                time.sleep(61 - datetime.now().second)
            if datetime.now().replace(second=0, microsecond=0) != read_minute:
                poll(signal.SIGUSR2)
                read_minute = datetime.now().replace(second=0, microsecond=0)
            out.append(poll(sig))
            kind = "no change" if sig == signal.SIGUSR2 else "one row"
            log(f"refresh: pty poll ({kind}): {out[-1]} bytes")
    return same, one_row, first


def run(quick: bool) -> list[Figure]:
    log("refresh: building the 100,000-recipient body")
    body = large_body(100_000)
    steps = 4 if quick else 8
    times, same, changed = asyncio.run(_ui_time(body, steps))
    del body
    gc.collect()

    figures = [
        Figure(
            "refresh: 1% of 100k changed -> screen updated",
            ms(median(times)),
            "<= 20 ms UI time",
            median(times) <= 0.020,
            f"median of {len(times)} (max {ms(max(times))}); {changed:,} rows per step, "
            "SendUpdated -> last frame",
        ),
        Figure(
            "refresh: 100k poll, nothing changed (UI handler)",
            ms(median(same)),
            "(information)",
            None,
            f"median of {len(same)} (max {ms(max(same))}); fresh parse, equal content",
        ),
    ]

    log("refresh: event-loop stalls with the real refresher")
    runs = [_stalls_in_own_process() for _ in range(1 if quick else 5)]
    worsts = [max(g for g, _, _ in stalls.values()) for stalls in runs]
    worst = median(worsts)
    detail = "; ".join(
        f"{name}: {ms(g)} ({rows:,} rows, {ch:,} changed)"
        for name, (g, rows, ch) in runs[worsts.index(max(worsts))].items()
    )
    figures.append(
        Figure(
            "refresh: longest event-loop stall during a poll",
            ms(worst),
            "<= 100 ms",
            worst <= 0.100,
            f"1 ms ticker in the app loop; median of {len(runs)} runs' longest "
            f"({', '.join(ms(w) for w in worsts)}); the worst run: {detail}",
        )
    )

    log("refresh: bytes written per poll, in a pty")
    reps = 2 if quick else 3
    big = [{"create": {"n": 100_000, "label": "big"}}, {"advance": 1_000_000}]
    with sim_server(big) as sim, temp_root() as root:
        home = make_home(root, sim, sim.sends, refresh_interval=5.0)
        same_bytes, row_bytes, first = _bytes(sim, home, reps)
    figures += [
        Figure(
            "refresh: bytes for a poll changing one visible row",
            f"{max(row_bytes):,} B",
            "<= 1,024 B (120x40)",
            max(row_bytes) <= 1024,
            f"largest of {len(row_bytes)}: {row_bytes}; first paint was {first:,} B",
        ),
        Figure(
            "refresh: bytes for a poll changing nothing",
            f"{max(same_bytes):,} B",
            "0 B",
            max(same_bytes) == 0,
            f"largest of {len(same_bytes)}: {same_bytes}",
        ),
    ]
    return figures


if __name__ == "__main__":
    if STALLS_FLAG in sys.argv[1:]:
        print(json.dumps(_stalls_once()))
    else:
        module_main(run)
