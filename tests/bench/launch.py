"""Launch: how much later the grid paints when a big in-flight send is first in the list.

Method:
- One simulator process (`simserver.py`, sim time frozen) holds two sends: a small one
  (100 recipients, finished) and a big one: 50,000 recipients, advanced until exactly
  100,000 tracking events are visible (status Started, about 14 MB, about 32,000
  distinct numbers so far). The advance is found by drawing the same two sends with the
  same seed in this process (a send's schedule depends only on the seed, its token id
  and the time since its creation).
- Launch A: the real `sendwatch` (console script, monitor) in a 120x40 pty (`pty_app.py`)
  with a fresh home (config, watch list, empty history) whose watch list is [big, small],
  big selected. Launch B: the same with [small, big], small selected. Each launch is
  timed from spawn until the terminal has received the mobile number of the selected
  send's first grid row (the first recipient of its body): its grid is painted. A fresh
  home each time, so every launch is a first launch (no history yet).
- One warm-up launch of each (not counted), then N of each (5, or 3 with --quick),
  interleaved A, B, A, B... so a change in machine load falls on both alike.
- Figure: delta = median(A) - median(B). Target: <= 2 x json.loads(the big body) + 0.3 s,
  with `json.loads` timed in this process on the same bytes, gc first: 5 times before
  the launches and once after each A/B pair, so the reference sees the same machine load
  as the launches (the machine is shared); the median of them all.
- For information: A and B with their spread, the median of the paired differences, how
  busy the machine was (from /proc/stat, and how much of it was other processes), and A
  launched again on a home whose history already holds the big read (nothing new to
  record, 32,000 rows to read back), against B launches interleaved with those.
- Breakdown: `launch_probe.py` (the real app with timers around each step of a read, a
  GC callback and a `LoopWatchdog`) launched with the big send first, 3 times (1 with
  --quick); the table of steps (median start after spawn, median duration, thread,
  whether it blocks the event loop) goes to the log. From it, a second PASS/FAIL row:
  the big send's grid reached the driver before its history was saved
  (`History.record_outcomes` and `status_observations` of that read had returned).
"""

from __future__ import annotations

import gc
import json
import os
import sys
import time
from dataclasses import dataclass
from typing import Any

import httpx

from tests.bench import (
    ROOT,
    Figure,
    Home,
    SimSend,
    SimServer,
    log,
    make_home,
    median,
    module_main,
    ms,
    sendwatch_exe,
    sim_server,
    temp_root,
)
from tests.bench.pty_app import CLOCK_TICKS, PtyApp

SEED = 1
BIG_RECIPIENTS = 50_000
BIG_EVENTS = 100_000
SMALL_RECIPIENTS = 100
TEXT = "Bench message: hello"
REFRESH_INTERVAL = 30.0  # no second poll of the big send while a launch is timed


@dataclass
class Scene:
    sim: SimServer
    small: SimSend
    big: SimSend
    body: bytes
    small_first: str
    big_first: str
    big_numbers: int


def _steps() -> tuple[list[dict[str, Any]], float]:
    """Simulator steps: the two sends, then the advance that shows BIG_EVENTS events."""
    from tui.sim import Simulator

    sim = Simulator(seed=SEED, time_scale=0)
    # As simserver.py does it: a message per "create" step.
    sim.create_send(sim.add_message(TEXT), SMALL_RECIPIENTS)
    big = sim.create_send(sim.add_message(TEXT), BIG_RECIPIENTS)
    times = sim.sends[big].schedule.times
    assert len(times) > BIG_EVENTS, len(times)
    now = sim.now().timestamp()
    advance = (times[BIG_EVENTS - 1] + times[BIG_EVENTS]) / 2 - now
    steps: list[dict[str, Any]] = [
        {"create": {"n": SMALL_RECIPIENTS, "label": "small send", "text": TEXT}},
        {"create": {"n": BIG_RECIPIENTS, "label": "big send", "text": TEXT}},
        {"advance": advance},
    ]
    return steps, advance


def _deliveries(sim: SimServer, send: SimSend) -> bytes:
    url = f"{sim.url}/sms/v1/messageContact/{send.message_id}/deliveries/{send.token_id}"
    reply = httpx.get(
        url, headers={"Authorization": f"Bearer {sim.token}"}, timeout=60, trust_env=False
    )
    reply.raise_for_status()
    return reply.content


def _first_number(body: bytes) -> str:
    return str(json.loads(body)["tracking"][0]["mobileNumber"])


def _json_loads(body: bytes, runs: int = 5) -> list[float]:
    times = []
    for _ in range(runs):
        gc.collect()
        t = time.perf_counter()
        json.loads(body)
        times.append(time.perf_counter() - t)
    return times


def _launch(scene: Scene, big_first: bool, home: Home | None = None) -> float:
    """Spawn to the selected send's first grid row on the terminal, in seconds."""
    order = [scene.big, scene.small] if big_first else [scene.small, scene.big]
    needle = (scene.big_first if big_first else scene.small_first).encode()
    with temp_root() as root:
        if home is None:
            home = make_home(root, scene.sim, order, refresh_interval=REFRESH_INTERVAL)
        served = scene.sim.deliveries_served()
        with PtyApp([sendwatch_exe()], home.env) as app:
            painted = app.wait_for(needle, timeout=60)
            assert painted is not None, app.output()[-2000:]
            took = painted - app.started
            _settle(scene, app, served)
    return took


def _settle(scene: Scene, app: PtyApp, served: int) -> None:
    """Let both first reads finish before quitting (no transfer cut off half-way)."""
    deadline = time.perf_counter() + 30
    while scene.sim.deliveries_served() < served + 2 and time.perf_counter() < deadline:
        time.sleep(0.02)
    app.wait_quiet(0.5, timeout=30)


def _spread(values: list[float]) -> str:
    return f"{ms(min(values))}..{ms(max(values))}"


def loadavg() -> str:
    one, five, _ = os.getloadavg()
    return f"load {one:.2f}/{five:.2f} on {os.cpu_count()} cpus"


# --------------------------------------------------------------------------- breakdown

LOOP = "MainThread"  # Textual runs its asyncio loop on the main thread


@dataclass
class Step:
    name: str
    at: float  # seconds after spawn
    took: float
    thread: str
    blocks: str
    cpu: float | None = None  # the thread's CPU time (a function run in one thread only)


def _blocks(span: dict[str, Any]) -> tuple[str, str]:
    if span.get("coroutine"):
        return "loop (awaits)", "no: awaits (its sync parts run on the loop)"
    if span["thread"] == LOOP:
        return "loop", "YES: runs on the loop"
    return span["thread"], "no: a worker thread (competes for the GIL)"


def _first(spans: list[dict[str, Any]], what: str, **match: Any) -> dict[str, Any] | None:
    for span in spans:
        if span["what"] != what:
            continue
        if all(_matches(span.get(k), v) for k, v in match.items()):
            return span
    return None


def _matches(value: Any, wanted: Any) -> bool:
    if callable(wanted):
        return bool(wanted(value))
    if isinstance(wanted, str) and isinstance(value, str):
        return wanted in value
    return bool(value == wanted)


def _breakdown(data: dict[str, Any], scene: Scene) -> tuple[list[Step], dict[str, float]]:
    """The steps of a probe launch with the big send first (times after spawn)."""
    spawn = data["spawn"]
    spans = sorted(data["spans"], key=lambda s: s["t0"])
    marks = {m["what"]: m["t"] for m in data["marks"]}
    token, size, rows = scene.big.token_id, len(scene.body), scene.big_numbers
    steps: list[Step] = []

    def add(name: str, span: dict[str, Any] | None) -> dict[str, Any] | None:
        if span is not None:
            thread, blocks = _blocks(span)
            took = span["t1"] - span["t0"]
            steps.append(Step(name, span["t0"] - spawn, took, thread, blocks, span.get("cpu")))
        return span

    def between(name: str, a: float | None, b: float | None, thread: str, blocks: str) -> None:
        if a is not None and b is not None:
            steps.append(Step(name, a - spawn, b - a, thread, blocks))

    between("interpreter start", spawn, data["main"], "main", "(before the loop)")
    between("imports", marks.get("probe main"), marks.get("imports done"), "main", "(before)")
    between(
        "config, watch list, history open",
        marks.get("imports done"),
        marks.get("config, watch list, history loaded"),
        "main",
        "(before)",
    )
    between("app.run -> on_mount", marks.get("app.run"), marks.get("on_mount"), "loop", "YES")
    add("client build (httpx, CA bundle)", _first(spans, "client build"))
    add("token fetch", _first(spans, "token fetch"))
    fetch = add("big: fetch (all)", _first(spans, "fetch", send=token))
    after = fetch["t0"] if fetch else 0.0
    transfer = add("big: transfer + join", _first(spans, "transfer + join", bytes=size))
    parse = add("big: parse", _first(spans, "parse", bytes=size))
    done = parse["t1"] if parse else after

    def after_parse(t: float) -> bool:
        return t >= done

    add("big: digest (all)", _first(spans, "digest", send=token))
    add("big: changed_numbers", _first(spans, "digest: changed_numbers", t0=after_parse))
    add("big: history record_status", _first(spans, "history: record_status", send=token))
    record = add(
        "big: history record_outcomes",
        _first(spans, "history: record_outcomes", send=token, rows=rows),
    )
    add("big: history current_since", _first(spans, "history: current_since", send=token))
    observations = add(
        "big: history status_observations",
        _first(spans, "history: status_observations", send=token, t0=after_parse),
    )
    add("big: kept_in_place", _first(spans, "digest: kept_in_place", t0=after_parse))
    publish = add("big: publish", _first(spans, "publish", send=token, rows=rows))
    update = _first(spans, "app: send_list.update_entry", send=token, rows=rows)
    if publish is not None and update is not None:
        between("big: publish -> app handler", publish["t1"], update["t0"], "loop", "queued")
    add("big: app send_list.update_entry", update)
    add("big: app detail.show (incl. set_data)", _first(spans, "app: detail.show", rows=rows))
    set_data = add("big: grid.set_data", _first(spans, "app: grid.set_data", rows=rows))
    render = _first(spans, "grid: render_line", rows=rows)
    frame = None
    if render is not None:
        frame = _first(spans, "frame to driver", t0=lambda t: t >= render["t0"])
    if set_data is not None and frame is not None:
        between("big: set_data -> frame to driver", set_data["t1"], frame["t1"], "loop", "-")
    if frame is not None:
        between("big: frame -> on the pty", frame["t1"], data["painted"], "pty", "-")
    ends = [s["t1"] for s in (record, observations) if s is not None]
    history_done = max(ends) if ends else None
    window = (after, data["painted"])
    gcs = [g for g in data["gcs"] if window[0] <= g["t0"] <= window[1]]
    gc_loop = sum(g["t1"] - g["t0"] for g in gcs if g["thread"] == LOOP)
    gc_other = sum(g["t1"] - g["t0"] for g in gcs if g["thread"] != LOOP)
    stalls = [s for s in data["stalls"] if window[0] * 1000 <= s["at_ms"] <= window[1] * 1000]
    summary = {
        "painted": data["painted"] - spawn,
        "fetch": after - spawn,
        "frame": (frame["t1"] - spawn) if frame else float("nan"),
        "path": (frame["t1"] - transfer["t0"]) if frame and transfer else float("nan"),
        "history_done": (history_done - spawn) if history_done else float("nan"),
        "gc_loop": gc_loop,
        "gc_other": gc_other,
        "stalls": float(len(stalls)),
        "stalled": sum(s["ms"] for s in stalls) / 1000,
    }
    return steps, summary


def _probe_launch(scene: Scene, home: Home) -> dict[str, Any]:
    """One launch of launch_probe.py with the big send first; its record, timed."""
    out = home.root / "probe.json"
    out.unlink(missing_ok=True)
    out.with_suffix(".events").unlink(missing_ok=True)
    events = out.with_suffix(".events")
    argv = [sys.executable, "-m", "tests.bench.launch_probe", str(out)]
    with PtyApp(argv, home.env, cwd=str(ROOT)) as app:
        painted = app.wait_for(scene.big_first.encode(), timeout=60)
        assert painted is not None, app.output()[-2000:]
        wanted = f"recorded {scene.big_numbers} "
        deadline = time.perf_counter() + 60
        while time.perf_counter() < deadline:
            if events.exists() and wanted in events.read_text():
                break
            time.sleep(0.02)
        app.wait_quiet(0.5, timeout=30)
        spawn = app.started
    data: dict[str, Any] = json.loads(out.read_text())
    data["spawn"], data["painted"] = spawn, painted
    return data


def _steps_table(runs: list[list[Step]]) -> str:
    """Median start and duration of each step over the probe runs."""
    names: list[str] = []
    for steps in runs:
        for step in steps:
            if step.name not in names:
                names.append(step.name)
    lines = [
        f"{'step':40} {'at ms':>7} {'ms':>7} {'(min..max)':>11} {'cpu ms':>7}  "
        f"{'thread':14} blocks the loop?"
    ]
    for name in names:
        found = [st for steps in runs for st in steps if st.name == name]
        first = found[0]
        at = median([st.at for st in found]) * 1000
        took = median([st.took for st in found]) * 1000
        lo, hi = min(st.took for st in found) * 1000, max(st.took for st in found) * 1000
        cpus = [st.cpu for st in found if st.cpu is not None]
        cpu = f"{median(cpus) * 1000:7.1f}" if cpus else f"{'-':>7}"
        lines.append(
            f"{name:40} {at:7.0f} {took:7.1f} {f'({lo:.0f}..{hi:.0f})':>11} {cpu}  "
            f"{first.thread:14} {first.blocks}"
        )
    return "\n".join(lines)


# --------------------------------------------------------------------------- machine load


@dataclass
class Cpu:
    """Busy CPU seconds of the whole machine and of this process tree, between two reads."""

    busy: float
    ours: float
    wall: float

    @staticmethod
    def read() -> tuple[float, float, float]:
        with open("/proc/stat") as f:
            fields = [int(x) for x in f.readline().split()[1:]]
        idle = fields[3] + fields[4]
        busy = (sum(fields[:8]) - idle) / CLOCK_TICKS
        t = os.times()
        return busy, t.user + t.system + t.children_user + t.children_system, time.time()

    @classmethod
    def since(cls, start: tuple[float, float, float]) -> Cpu:
        end = cls.read()
        return cls(end[0] - start[0], end[1] - start[1], end[2] - start[2])

    def describe(self) -> str:
        cpus = os.cpu_count() or 1
        others = max(0.0, self.busy - self.ours)
        return (
            f"machine {100 * self.busy / self.wall / cpus:.0f}% busy of {cpus} CPUs, "
            f"{others / self.wall:.2f} CPUs used by other processes"
        )


def run(quick: bool) -> list[Figure]:
    n = 3 if quick else 5
    probes = 1 if quick else 3
    log("launch: drawing the sends")
    steps, advance = _steps()
    with sim_server(steps, seed=SEED) as sim:
        small, big = sim.sends
        body = _deliveries(sim, big)  # also builds the simulator's cached body
        decoded = json.loads(body)
        events = len(decoded["tracking"])
        numbers = len({e["mobileNumber"] for e in decoded["tracking"]})
        del decoded
        scene = Scene(
            sim,
            small,
            big,
            body,
            _first_number(_deliveries(sim, small)),
            _first_number(body),
            numbers,
        )
        log(
            f"launch: big send {len(body) / 1e6:.1f} MB, {events:,} events, "
            f"{numbers:,} numbers so far of {BIG_RECIPIENTS:,} (sim advanced {advance:.0f} s)"
        )
        loads = _json_loads(body)
        log(f"launch: json.loads median {ms(median(loads))} ({_spread(loads)}); {loadavg()}")

        for big_first in (True, False):
            took = _launch(scene, big_first)
            log(f"launch: warm-up {'A' if big_first else 'B'} {ms(took)}")
        a: list[float] = []
        b: list[float] = []
        cpu_start = Cpu.read()
        for i in range(n):
            a.append(_launch(scene, True))
            b.append(_launch(scene, False))
            loads += _json_loads(body, 1)  # the reference, under the same load as the launches
            log(
                f"launch: {i + 1}/{n}: A (big first) {ms(a[-1])}, B (small first) {ms(b[-1])}, "
                f"json.loads {ms(loads[-1])}"
            )
        cpu = Cpu.since(cpu_start)
        j = median(loads)
        log(f"launch: during the launches, {cpu.describe()}")

        runs: list[list[Step]] = []
        summaries: list[dict[str, float]] = []
        relaunch: list[float] = []
        with temp_root() as root:
            for i in range(probes):
                home = make_home(
                    root / f"p{i}", sim, [big, small], refresh_interval=REFRESH_INTERVAL
                )
                steps_, summary = _breakdown(_probe_launch(scene, home), scene)
                runs.append(steps_)
                summaries.append(summary)
                log(
                    f"launch: probe {i + 1}/{probes}: grid frame {ms(summary['frame'])} "
                    f"({ms(summary['path'])} after the transfer began), history saved "
                    f"{ms(summary['history_done'])}; GC {ms(summary['gc_loop'])} on the loop, "
                    f"{ms(summary['gc_other'])} elsewhere; {summary['stalls']:.0f} loop stalls "
                    f"> 50 ms ({ms(summary['stalled'])})"
                )
            # The last probe's home now holds the big send's history: launch it again.
            again_b: list[float] = []
            for _ in range(n):  # paired with B launches of their own: the load drifts
                relaunch.append(_launch(scene, True, home))
                again_b.append(_launch(scene, False))
            log(
                f"launch: A again with its history kept: {', '.join(ms(t) for t in relaunch)}; "
                f"B beside them: {', '.join(ms(t) for t in again_b)}"
            )
        log(
            "launch: the big send's first read, probe launches (median of "
            f"{probes}; times after spawn):\n" + _steps_table(runs)
        )
    delta = median(a) - median(b)
    limit = 2 * j + 0.3
    paired = median([x - y for x, y in zip(a, b, strict=True)])
    first = [s["frame"] < s["history_done"] for s in summaries]
    again = median(relaunch) - median(again_b)
    log(f"launch: delta {ms(delta)} (target {ms(limit)}); {loadavg()}")

    def part(name: str) -> str:
        found = [st.took for steps_ in runs for st in steps_ if st.name == name]
        return ms(median(found)) if found else "-"

    return [
        Figure(
            "launch: grid paint, big send first - small first",
            ms(delta),
            f"<= 2 x json.loads + 300 ms = {ms(limit)}",
            delta <= limit,
            f"median of {n} launches each in a 120x40 pty: A {ms(median(a))} ({_spread(a)}), "
            f"B {ms(median(b))} ({_spread(b)}), median paired A-B {ms(paired)}; big send "
            f"{len(body) / 1e6:.1f} MB, {events:,} events, {numbers:,} numbers; {cpu.describe()}",
        ),
        Figure(
            "launch: big send's grid painted before its history is saved",
            f"{sum(first)}/{len(first)} probe launches",
            "all",
            all(first),
            "grid frame at "
            + ", ".join(ms(s["frame"]) for s in summaries)
            + "; history saved at "
            + ", ".join(ms(s["history_done"]) for s in summaries)
            + " (after spawn)",
        ),
        Figure(
            "launch: A, big send first: spawn -> grid rows",
            ms(median(a)),
            "(information)",
            None,
            f"median of {n}, {_spread(a)}",
        ),
        Figure(
            "launch: B, small send first: spawn -> grid rows",
            ms(median(b)),
            "(information)",
            None,
            f"median of {n}, {_spread(b)}",
        ),
        Figure(
            "launch: json.loads of the big body",
            ms(j),
            "(reference)",
            None,
            f"median of {len(loads)} (5 before the launches, one after each pair), "
            f"{_spread(loads)}",
        ),
        Figure(
            "launch: big read, transfer start -> grid frame",
            ms(median([s["path"] for s in summaries])),
            "(information)",
            None,
            f"median of {probes} probe launches: transfer {part('big: transfer + join')}, "
            f"parse {part('big: parse')}, digest {part('big: digest (all)')} (history "
            f"record_outcomes {part('big: history record_outcomes')}), publish -> handler "
            f"{part('big: publish -> app handler')}, set_data -> frame "
            f"{part('big: set_data -> frame to driver')}; see the log for every step",
        ),
        Figure(
            "launch: A again, history kept - B",
            ms(again),
            "(information)",
            None,
            f"the last probe's home launched again (its history holds the big read, nothing "
            f"new to record), interleaved with B launches: median of {n}, A again "
            f"{_spread(relaunch)}, B {_spread(again_b)}",
        ),
    ]


if __name__ == "__main__":
    module_main(run)
