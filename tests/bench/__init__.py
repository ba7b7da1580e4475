"""sendwatch's benchmark suite (issue 4): `python -m tests.bench [NAME...] [--quick]`.

Each group (`start`, `launch`, `large`, `scroll`, `refresh`, `keys`, `memory`, `many`, `idle`) is a
module with a `run(quick) -> list[Figure]` and its method in the module docstring. The
runner starts every group in a fresh interpreter, so no group's memory, caches or garbage
collector state leak into another, and prints one table at the end.

Shared rules:
- Times are `time.perf_counter()` medians of repeated runs unless a figure says otherwise.
- In-process UI figures run the real widgets under `App.run_test(size=(120, 40))`. A frame
  counts as painted when Textual hands the compositor's update to the driver (`App._display`);
  the probe also encodes that update to terminal bytes, as a real driver would. In-process
  runs set `TEXTUAL_FPS=1000`, so a figure is sendwatch's and Textual's work, not the wait
  for Textual's next 60 fps tick (which adds 0-16.7 ms, 8 ms on average, in real use).
- Byte counts, RSS, idle CPU and start-up are taken from the real `sendwatch` (or a thin
  launcher around the real app) in a pseudo-terminal (`pty_app.py`), 120x40,
  TERM=xterm-256color, COLORTERM=truecolor.
- The simulator runs in its own process (`simserver.py`) and is reached over loopback HTTP.
"""

from __future__ import annotations

import os

# Before Textual is imported anywhere in this process (see the docstring).
os.environ.setdefault("TEXTUAL_FPS", "1000")

import asyncio
import contextlib
import json
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
MARK = "@@BENCH@@ "
SIM_SECRET_ENV = "SENDWATCH_BENCH_SECRET"
SIM_CLIENT_ID = "demo-client"
SIM_CLIENT_SECRET = "demo-secret"


# --------------------------------------------------------------------------- results


@dataclass
class Figure:
    """One row of the results table."""

    name: str
    measured: str
    target: str
    ok: bool | None  # None: reported for information, no target
    note: str = ""

    @property
    def verdict(self) -> str:
        return "INFO" if self.ok is None else ("PASS" if self.ok else "FAIL")


def median(values: Sequence[float]) -> float:
    return float(statistics.median(values))


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f} ms"


def log(text: str) -> None:
    """Progress goes to stderr; stdout carries only the result line."""
    print(f"  [{time.strftime('%H:%M:%S')}] {text}", file=sys.stderr, flush=True)


def module_main(run: Callable[[bool], list[Figure]]) -> None:
    """Entry point of a group module run on its own: figures as one JSON line."""
    quick = "--quick" in sys.argv[1:]
    figures = run(quick)
    sys.stdout.write(MARK + json.dumps([asdict(f) for f in figures]) + "\n")
    sys.stdout.flush()


# --------------------------------------------------------------------------- simulator


@dataclass
class SimSend:
    message_id: str
    token_id: str
    label: str
    n: int


@dataclass
class SimServer:
    """A simulator process (see simserver.py); use as a context manager."""

    url: str
    token: str
    sends: list[SimSend]
    proc: subprocess.Popen[str] = field(repr=False)

    def admin(self, route: str, payload: dict[str, Any] | None = None) -> Any:
        import httpx

        if payload is None:
            reply = httpx.get(f"{self.url}/_sim/{route}", timeout=30, trust_env=False)
        else:
            reply = httpx.post(
                f"{self.url}/_sim/{route}", json=payload, timeout=30, trust_env=False
            )
        reply.raise_for_status()
        return reply.json()

    def deliveries_served(self) -> int:
        return int(self.admin("state")["stats"]["deliveries"])

    def close(self) -> None:
        if self.proc.poll() is None:
            assert self.proc.stdin is not None
            self.proc.stdin.close()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


@contextlib.contextmanager
def sim_server(
    steps: list[dict[str, Any]], *, time_scale: float = 0.0, seed: int = 1
) -> Iterator[SimServer]:
    spec = json.dumps({"seed": seed, "time_scale": time_scale, "steps": steps})
    proc = subprocess.Popen(
        [sys.executable, "-m", "tests.bench.simserver", spec],
        cwd=ROOT,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        env=child_env(),
    )
    assert proc.stdout is not None
    line = proc.stdout.readline()
    if not line:
        proc.kill()
        raise RuntimeError("the simulator process did not start")
    data = json.loads(line)
    server = SimServer(data["url"], data["token"], [SimSend(**s) for s in data["sends"]], proc)
    try:
        yield server
    finally:
        server.close()


def child_env(extra: dict[str, str] | None = None) -> dict[str, str]:
    """The environment for a child process: no proxies, no inherited Textual tuning."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("TEXTUAL")}
    for var in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy"):
        env.pop(var, None)
    env["NO_PROXY"] = "127.0.0.1,localhost"
    env["PYTHONPATH"] = str(ROOT)
    env[SIM_SECRET_ENV] = SIM_CLIENT_SECRET
    if extra:
        env.update(extra)
    return env


# --------------------------------------------------------------------------- a sendwatch home


@dataclass
class Home:
    """A throwaway config/data home with a profile pointing at a simulator."""

    root: Path
    env: dict[str, str]
    keys: list[str]

    @property
    def config_path(self) -> Path:
        return self.root / "config" / "sendwatch" / "config.toml"

    @property
    def watchlist_path(self) -> Path:
        return self.root / "config" / "sendwatch" / "watchlist.toml"

    @property
    def history_path(self) -> Path:
        return self.root / "data" / "sendwatch" / "history.sqlite3"


def make_home(
    root: Path,
    sim: SimServer,
    sends: Sequence[SimSend],
    *,
    refresh_interval: float = 5.0,
    max_concurrency: int = 5,
    selected: int = 0,
) -> Home:
    """config.toml + watchlist.toml (written by the real WatchList) for `sends`."""
    from tui.core.api.model import SendKind
    from tui.core.store.watchlist import WatchedSend, WatchList

    dirs = {}
    for var, sub in (
        ("XDG_CONFIG_HOME", "config"),
        ("XDG_DATA_HOME", "data"),
        ("XDG_STATE_HOME", "state"),
        ("XDG_CACHE_HOME", "cache"),
    ):
        (root / sub).mkdir(parents=True, exist_ok=True)
        dirs[var] = str(root / sub)
    cfg = root / "config" / "sendwatch"
    cfg.mkdir(parents=True, exist_ok=True)
    (cfg / "config.toml").write_text(
        "[settings]\n"
        f"refresh_interval = {refresh_interval}\n"
        "bell = false\n"
        f"max_concurrency = {max_concurrency}\n"
        'default_profile = "sim"\n\n'
        "[profiles.sim]\n"
        'auth = "oauth2"\n'
        f'auth_url = "{sim.url}"\n'
        f'rest_url = "{sim.url}"\n'
        f'client_id = "{SIM_CLIENT_ID}"\n'
        f'client_secret_env = "{SIM_SECRET_ENV}"\n'
        "timeout = 30\n"
    )
    watchlist = WatchList(cfg / "watchlist.toml")
    watchlist.load()
    keys = []
    now = datetime.now(UTC).replace(microsecond=0)
    for s in sends:
        sent = WatchedSend(
            profile="sim",
            message_id=s.message_id,
            token_id=s.token_id,
            kind=SendKind.MESSAGE_CONTACT,
            label=s.label,
            added=now,
        )
        watchlist.add(sent)
        keys.append(sent.key)
    if keys:
        watchlist.select(keys[selected])
    env = child_env({**dirs, "HOME": str(root)})
    return Home(root, env, keys)


@contextlib.contextmanager
def temp_root(prefix: str = "sendwatch-bench-") -> Iterator[Path]:
    with tempfile.TemporaryDirectory(prefix=prefix) as tmp:
        yield Path(tmp)


def sendwatch_exe() -> str:
    """The console script of the interpreter running the bench (the venv's)."""
    candidate = Path(sys.executable).parent / "sendwatch"
    return str(candidate) if candidate.exists() else "sendwatch"


def use_home_env(home: Home) -> None:
    """Point this process at `home` (in-process app runs read config via platformdirs)."""
    for key in ("XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_STATE_HOME", "XDG_CACHE_HOME", "HOME"):
        os.environ[key] = home.env[key]
    os.environ[SIM_SECRET_ENV] = SIM_CLIENT_SECRET
    os.environ["NO_PROXY"] = "127.0.0.1,localhost"


# --------------------------------------------------------------------------- bodies


def large_body(n: int = 100_000, seed: int = 1) -> bytes:
    """A finished send's Deliveries body from the simulator (not served: just the bytes)."""
    from tui.sim import Simulator

    sim = Simulator(seed=seed, time_scale=0)
    token = sim.create_send(sim.add_message("Bench: large send"), n)
    sim.advance(10 * n)
    body = sim.body(token)
    assert sim.status(token) == "Finished"
    return body


# --------------------------------------------------------------------------- in-process UI


class FrameProbe:
    """Records every frame the app hands to its driver and what a terminal would receive.

    `App._display` is where Textual writes a compositor update; headless runs skip the
    write, so the probe encodes the update itself (`render_segments`), as the real driver
    does, and counts the bytes. `lines` counts `render_line` calls of `widget`.
    """

    def __init__(self, app: Any, widget: Any = None) -> None:
        from textual._compositor import CompositorUpdate

        self.app = app
        self.frames: list[float] = []
        self.bytes = 0
        self.lines = 0
        self._event = asyncio.Event()
        original = app._display

        def display(screen: Any, renderable: Any) -> None:
            if isinstance(renderable, CompositorUpdate):
                self.bytes += len(renderable.render_segments(app.console).encode())
            original(screen, renderable)
            self.frames.append(time.perf_counter())
            self._event.set()

        app._display = display
        if widget is not None:
            self.watch(widget)

    def watch(self, widget: Any) -> None:
        render_line = widget.render_line

        def counted(y: int) -> Any:
            self.lines += 1
            return render_line(y)

        widget.render_line = counted

    async def settle(
        self, after: float, *, timeout: float = 10.0, quiet: float = 0.04
    ) -> float | None:
        """Time of the last frame of the burst that follows `after` (None: no frame)."""
        deadline = time.perf_counter() + timeout
        while not (self.frames and self.frames[-1] > after):
            self._event.clear()
            left = deadline - time.perf_counter()
            if left <= 0:
                return None
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._event.wait(), left)
        while True:
            count = len(self.frames)
            self._event.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._event.wait(), quiet)
            if len(self.frames) == count:
                return self.frames[-1]


def press(app: Any, key: str) -> float:
    """Post a key as the terminal driver would; return the time it was posted."""
    from textual import events

    char = key if len(key) == 1 else None
    event = events.Key(key, char)
    event.set_sender(app)
    started = time.perf_counter()
    app._driver.send_message(event)
    return started


def grid_app_class() -> Any:
    """A minimal app hosting the real RecipientGrid full screen."""
    from textual.app import App, ComposeResult

    from tui.ui.widgets.recipient_grid import RecipientGrid

    class GridApp(App[None]):
        def compose(self) -> ComposeResult:
            yield RecipientGrid(id="grid")

    return GridApp


__all__ = [
    "MARK",
    "Figure",
    "FrameProbe",
    "Home",
    "SimSend",
    "SimServer",
    "child_env",
    "grid_app_class",
    "large_body",
    "log",
    "make_home",
    "median",
    "module_main",
    "ms",
    "press",
    "sendwatch_exe",
    "sim_server",
    "temp_root",
    "use_home_env",
]
