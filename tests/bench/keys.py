"""Keys at 100,000 rows: any keypress in the grid or sidebar to its repaint being complete.

Method:
- Keys are posted as the terminal driver posts them (`driver.send_message(Key)`) and
  timed to the last frame of the repaint (`FrameProbe`, see the package docstring).
- The whole monitor: the real `SendwatchApp` with its real refresher on a
  simulator process, watching three finished sends (100,000, 1,000 and 50 recipients),
  the 100k one selected and loaded. Each key below is pressed the listed number of times,
  each press timed to the last frame of its repaint; the figure is the slowest key's
  median (the slowest single press is in the note). Grid keys: down, up, pagedown, pageup,
  end, home, f (each filter of the cycle), enter (drill-down) and escape (back), t, ? and
  escape (3 times each, so a median is not the first open, which composes the screen and
  is named in the note). Sidebar keys: down (to the 1k send) and up (back to the 100k
  one), which swap the grid's data.
"""

from __future__ import annotations

import asyncio
import gc
import time
from typing import Any

from tests.bench import (
    Figure,
    FrameProbe,
    log,
    make_home,
    median,
    module_main,
    ms,
    sim_server,
    temp_root,
    use_home_env,
)

CHARS = {"f": "f", "t": "t", "j": "j", "question_mark": "?", "escape": "\x1b", "enter": "\r"}


async def _press(app: Any, probe: FrameProbe, key: str) -> float | None:
    from textual import events

    event = events.Key(key, CHARS.get(key))
    event.set_sender(app)
    started = time.perf_counter()
    app._driver.send_message(event)
    painted = await probe.settle(started, timeout=5)
    return None if painted is None else painted - started


PLAN: list[tuple[str, str, list[str], int]] = [
    # (label, where, keys pressed in order (each timed), repetitions)
    ("down", "grid", ["down"], 5),
    ("up", "grid", ["up"], 5),
    ("pagedown", "grid", ["pagedown"], 5),
    ("pageup", "grid", ["pageup"], 5),
    ("end / home", "grid", ["end", "home"], 3),
    ("f (filter cycle)", "grid", ["f"] * 5, 1),
    ("enter / escape (drill-down)", "grid", ["enter", "escape"], 3),
    ("t (time zone)", "grid", ["t"], 4),
    ("? / escape (help)", "grid", ["question_mark", "escape"], 3),
    ("sidebar down / up (switch send)", "sidebar", ["down", "up"], 3),
]


async def _keys(home: Any, quick: bool) -> dict[str, list[float | None]]:
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
    results: dict[str, list[float | None]] = {}
    async with app.run_test(size=(120, 40)) as pilot:
        deadline = time.perf_counter() + 180
        while time.perf_counter() < deadline:
            states = app.model.states
            if all(s.delivery is not None for s in states) and app.monitor.detail.grid.total_count:
                break
            await asyncio.sleep(0.1)
        grid = app.monitor.detail.grid
        assert grid.total_count == 100_000, grid.total_count
        probe = FrameProbe(app, grid)
        await pilot.pause()
        await probe.settle(0, timeout=10, quiet=0.5)
        for label, where, keys, reps in PLAN:
            if where == "grid":
                grid.focus()
            else:
                app.monitor.send_list.focus()
            await probe.settle(time.perf_counter() - 1, timeout=2, quiet=0.2)
            gc.collect()
            for _ in range(max(1, reps // 2) if quick else reps):
                for key in keys:
                    took = await _press(app, probe, key)
                    name = f"{label}: {key}" if len(set(keys)) > 1 else label
                    results.setdefault(name, []).append(took)
                    await asyncio.sleep(0.05)
            shown = [t for n, ts in results.items() if n.startswith(label) for t in ts]
            log(f"keys: {label}: " + ", ".join(_fmt(t) for t in shown))
        assert grid.total_count == 100_000
    history.close()
    return results


def _fmt(t: float | None) -> str:
    return "no repaint" if t is None else ms(t)


def run(quick: bool) -> list[Figure]:
    figures: list[Figure] = []
    steps = [
        {"create": {"n": 100_000, "label": "big 100k"}},
        {"create": {"n": 1_000, "label": "small 1k"}},
        {"create": {"n": 50, "label": "tiny 50"}},
        {"advance": 1_000_000},
    ]
    with sim_server(steps) as sim, temp_root() as root:
        home = make_home(root, sim, sim.sends, refresh_interval=5.0)
        results = asyncio.run(_keys(home, quick))
    medians: dict[str, float] = {}
    missing = []
    for name, values in results.items():
        got = [v for v in values if v is not None]
        if len(got) < len(values):
            missing.append(name)
        if got:
            medians[name] = median(got)
    worst_key = max(medians, key=medians.__getitem__)
    worst = medians[worst_key]
    slowest = max(v for values in results.values() for v in values if v is not None)
    ranked = sorted(medians.items(), key=lambda kv: -kv[1])
    top = ", ".join(f"{k} {ms(v)}" for k, v in ranked[:4])
    firsts = ", ".join(
        f"{name.split(': ')[-1]} {_fmt(values[0])}"
        for name, values in results.items()
        if name.endswith((": enter", ": question_mark"))
    )
    note = (
        f"slowest key medians: {top}; slowest single press {ms(slowest)}; "
        f"first open of a screen (it is composed then): {firsts}"
    )
    if missing:
        note += f"; no repaint seen for: {', '.join(missing)}"
    figures.append(
        Figure(
            "keys: slowest key to repaint at 100k rows",
            ms(worst),
            "<= 50 ms",
            worst <= 0.050 and not missing,
            note,
        )
    )
    return figures


if __name__ == "__main__":
    module_main(run)
