"""The real monitor, timed step by step: where a launch's first read spends its time.

`python -m tests.bench.launch_probe OUT_JSON` starts `SendwatchApp` exactly as
`sendwatch` does (config, watch list and history from the XDG dirs of the environment,
the same `freeze_startup_objects`), after wrapping the steps of a first read in timers.
Nothing is changed but the timers: each wrapper calls the original.

Recorded, with `time.perf_counter()` (CLOCK_MONOTONIC: the same clock as the bench
process, so times line up with the pty's spawn), the thread, and that thread's CPU time
(wall much longer than CPU: the thread waited, usually for the GIL):
- start-up: interpreter up, imports, config/watch list/history, app.run, on_mount;
- per read: token, client build, fetch, transfer (+ join), parse, `_digest` and what it
  calls (`changed_numbers`, history `record_status` / `record_outcomes` /
  `current_since` / `status_observations`, `kept_in_place`), publish, the app's handling
  (`SendList.update_entry`, `SendDetail.show`, `RecipientGrid.set_data`), the grid's
  `render_line` calls and each frame handed to the driver (`App._display`);
- every garbage collection (generation, duration, thread);
- a `LoopWatchdog` (watchdog.py) on the app's loop: every spell the loop was late by
  more than 50 ms, with the loop thread's stacks.

A step that a parallel rewrite has renamed or removed is simply not recorded. Everything
is written to OUT_JSON when the app exits (the bench quits it with `q`).
"""

from __future__ import annotations

import time

T_MAIN = time.perf_counter()

import asyncio  # noqa: E402
import functools  # noqa: E402
import gc  # noqa: E402
import json  # noqa: E402
import sys  # noqa: E402
import threading  # noqa: E402
from collections.abc import Callable  # noqa: E402
from pathlib import Path  # noqa: E402
from typing import Any  # noqa: E402

from tests.bench.watchdog import LoopWatchdog  # noqa: E402

OUT = Path(sys.argv[1]) if len(sys.argv) > 1 else None
SPANS: list[dict[str, Any]] = []
STALLS: list[dict[str, Any]] = []
MARKS: list[dict[str, Any]] = []
GCS: list[dict[str, Any]] = []
_gc_started: dict[int, tuple[float, int]] = {}


def mark(what: str, **extra: Any) -> None:
    MARKS.append(
        {"what": what, "t": time.perf_counter(), "thread": threading.current_thread().name, **extra}
    )


def _span(what: str, t0: float, c0: float | None, extra: dict[str, Any]) -> None:
    SPANS.append(
        {
            "what": what,
            "t0": t0,
            "t1": time.perf_counter(),
            "cpu": None if c0 is None else time.thread_time() - c0,
            "thread": threading.current_thread().name,
            **extra,
        }
    )


def timed(
    what: str,
    describe: Callable[..., dict[str, Any]] | None = None,
    result: Callable[[Any], dict[str, Any]] | None = None,
) -> Callable[..., Any]:
    """Wrap a function or coroutine function so each call is one span.

    `describe(*args)` and `result(value)` add fields to the span. A coroutine's span
    has no CPU figure: its thread ran other tasks while it awaited.
    """

    def wrap(fn: Callable[..., Any]) -> Callable[..., Any]:
        if asyncio.iscoroutinefunction(fn):

            @functools.wraps(fn)
            async def awrapper(*args: Any, **kwargs: Any) -> Any:
                t0 = time.perf_counter()
                extra = describe(*args, **kwargs) if describe else {}
                try:
                    value = await fn(*args, **kwargs)
                    if result is not None:
                        extra.update(result(value))
                    return value
                finally:
                    _span(what, t0, None, {**extra, "coroutine": True})

            return awrapper

        @functools.wraps(fn)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            t0, c0 = time.perf_counter(), time.thread_time()
            extra = describe(*args, **kwargs) if describe else {}
            try:
                value = fn(*args, **kwargs)
                if result is not None:
                    extra.update(result(value))
                return value
            finally:
                _span(what, t0, c0, extra)

        return wrapper

    return wrap


def patch(
    owner: Any,
    name: str,
    what: str,
    describe: Callable[..., dict[str, Any]] | None = None,
    result: Callable[[Any], dict[str, Any]] | None = None,
) -> None:
    original = getattr(owner, name, None)
    if original is None:
        mark(f"not patched: {what}")
        return
    setattr(owner, name, timed(what, describe, result)(original))


def _gc_callback(phase: str, info: dict[str, int]) -> None:
    ident = threading.get_ident()
    if phase == "start":
        _gc_started[ident] = (time.perf_counter(), info["generation"])
        return
    began = _gc_started.pop(ident, None)
    if began is None:
        return
    GCS.append(
        {
            "gen": began[1],
            "t0": began[0],
            "t1": time.perf_counter(),
            "thread": threading.current_thread().name,
            "collected": info.get("collected", 0),
        }
    )


def instrument() -> None:
    from textual.app import App

    import tui.core.api.client as client_mod
    import tui.core.refresher as refresher_mod
    from tui.core.api import auth
    from tui.core.store.history import History
    from tui.ui.widgets.recipient_grid import RecipientGrid
    from tui.ui.widgets.send_detail import SendDetail
    from tui.ui.widgets.send_list import SendList

    def token_of_fetch(self: Any, kind: Any, message_id: str, token_id: str, **_: Any) -> Any:
        return {"send": token_id}

    def body_size(body: bytes, *_: Any) -> dict[str, Any]:
        return {"bytes": len(body)}

    def exchanged(value: Any) -> dict[str, Any]:
        return {"bytes": len(value[2])}

    def rows_of(self: Any, recipients: Any, *_: Any, **__: Any) -> dict[str, Any]:
        return {"rows": len(recipients)}

    def state_of(state: Any) -> dict[str, Any]:
        delivery = getattr(state, "delivery", None)
        return {"send": state.key, "rows": len(delivery.recipients) if delivery else 0}

    def widget_state(self: Any, state: Any, *_: Any, **__: Any) -> dict[str, Any]:
        return state_of(state)

    def entry_state(self: Any, index: int, state: Any, *_: Any) -> dict[str, Any]:
        return state_of(state)

    def published(self: Any, slot: Any, state: Any) -> dict[str, Any]:
        return state_of(state)

    def digest_of(previous: Any, delivery: Any, *_: Any) -> dict[str, Any]:
        return {"rows": len(delivery.recipients)}

    def key_arg(self: Any, key: str, *_: Any, **__: Any) -> dict[str, Any]:
        return {"send": key}

    def outcomes_of(self: Any, key: str, outcomes: Any, *_: Any) -> dict[str, Any]:
        return {"send": key, "rows": len(outcomes)}

    for provider in (auth.OAuth2TokenProvider, auth.LegacyTokenProvider):
        patch(provider, "_fetch", "token fetch")
    patch(refresher_mod, "default_client", "client build")
    patch(client_mod.SmsClient, "fetch", "fetch", token_of_fetch)
    patch(client_mod.SmsClient, "_exchange", "transfer + join", result=exchanged)
    patch(client_mod, "parse_delivery_bytes", "parse", body_size)
    patch(refresher_mod, "_digest", "digest", digest_of)
    patch(refresher_mod, "changed_numbers", "digest: changed_numbers")
    patch(refresher_mod, "kept_in_place", "digest: kept_in_place")
    patch(History, "record_status", "history: record_status", key_arg)
    patch(History, "record_outcomes", "history: record_outcomes", outcomes_of)
    patch(History, "current", "history: current", key_arg)
    patch(History, "status_observations", "history: status_observations", key_arg)
    patch(History, "prune", "history: prune")
    patch(refresher_mod.Refresher, "_publish", "publish", published)
    patch(SendList, "update_entry", "app: send_list.update_entry", entry_state)
    patch(SendDetail, "show", "app: detail.show", widget_state)
    patch(RecipientGrid, "set_data", "app: grid.set_data", rows_of)
    patch(App, "_display", "frame to driver")

    render_line = RecipientGrid.render_line

    def counted(self: Any, y: int) -> Any:
        t0, c0 = time.perf_counter(), time.thread_time()
        try:
            return render_line(self, y)
        finally:
            _span("grid: render_line", t0, c0, {"rows": self.total_count})

    RecipientGrid.render_line = counted  # type: ignore[method-assign]

    # The bench waits for the history of the big read before it quits the app.
    record_outcomes = History.record_outcomes

    def recorded(self: Any, key: str, outcomes: Any, *args: Any, **kwargs: Any) -> Any:
        try:
            return record_outcomes(self, key, outcomes, *args, **kwargs)
        finally:
            if OUT is not None:
                with OUT.with_suffix(".events").open("a") as f:
                    f.write(f"recorded {len(outcomes)} {key}\n")

    History.record_outcomes = recorded  # type: ignore[method-assign,assignment]


def write() -> None:
    if OUT is None:
        return
    data = {"main": T_MAIN, "marks": MARKS, "spans": SPANS, "gcs": GCS, "stalls": STALLS}
    OUT.write_text(json.dumps(data))


def main() -> None:
    mark("probe main")
    from tui.cli.launch import _open_history, freeze_startup_objects
    from tui.core.store.config import load_config
    from tui.core.store.watchlist import WatchList
    from tui.ui.app import SendwatchApp

    mark("imports done")
    instrument()
    gc.callbacks.append(_gc_callback)
    config = load_config()
    watchlist = WatchList()
    watchlist.load()
    history, _ = _open_history()
    mark("config, watch list, history loaded")
    dogs: list[LoopWatchdog] = []

    class ProbeApp(SendwatchApp):
        def on_mount(self) -> None:  # runs before SendwatchApp.on_mount (Textual's MRO)
            mark("on_mount")
            dogs.append(LoopWatchdog(asyncio.get_running_loop(), threshold=0.05).start())

    app = ProbeApp(config, watchlist, history=history)
    freeze_startup_objects()  # as `sendwatch` does
    mark("app.run")
    try:
        app.run()
    finally:
        mark("app exited")
        for dog in dogs:
            dog.stop()
            STALLS.extend(dog.as_json())
        write()


if __name__ == "__main__":
    main()
