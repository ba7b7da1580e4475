"""The whole monitor on a simulator frozen at a fixed 2020 moment (snapshots, screenshots).

Everything on screen is a pure function of fixed inputs:

- the simulator starts at `START` with a fixed seed and frozen time (`time_scale=0`), and
  is moved to `NOW` before the app starts, so every Deliveries body is fixed;
- the app and its refresher read one clock whose wall time is always `NOW`, so "read at",
  "since" and the observed progression are fixed; the refresher's jitter is seeded and
  the client's retry pauses take no time, so a retry never lands mid-picture;
- the demo's sends come from `tui.cli.demo.seed_demo`, except its flaky send, whose faults fire
  by chance: ours instead gives one good read and then an HTTP 500 on every request
  (`Fault(kind="http500", times=None)`, armed by `settle()` after that read);
- `settle()` waits until every send has data or an error, so nothing is half-loaded;
- no banner toast covers the grid, and local time is UTC (`utc()`).

`SCENES` names the pictures (snapshots and `python -m tests.screenshots` share them).
Run `python -m tests.snapshot_apps.monitor_app [ROLE]` to try the scene by hand.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import random
import tempfile
import time
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from msgspec import structs
from textual.pilot import Pilot
from textual.widgets import Input, TextArea

from tui.cli.demo import DEMO_HEAD_START, DEMO_PROFILE, DEMO_SECRET_ENV, demo_config, seed_demo
from tui.core.api.client import SmsClient
from tui.core.api.profile import Profile
from tui.core.clock import SystemClock
from tui.core.refresher import Refresher
from tui.core.store.history import History
from tui.core.store.watchlist import WatchedSend, WatchList
from tui.sim import Fault, FaultRoute, Simulator
from tui.ui.app import SendwatchApp
from tui.ui.screens.add_send import AddSendScreen
from tui.ui.screens.copied import CopiedScreen
from tui.ui.screens.help import HelpScreen
from tui.ui.screens.recipient import RecipientScreen
from tui.ui.view_model import MonitorModel
from tui.ui.widgets.message_history import WORKER_GROUP as MESSAGE_HISTORY_READS
from tui.ui.widgets.search_grid import SearchGrid

SEED = 20201125
START = datetime(2020, 11, 25, 15, 0, 0, tzinfo=UTC)
LIVE_FOR = 26.0
"""Sim seconds the demo's live sends have been running when the scene is shot."""
NOW = START + timedelta(seconds=DEMO_HEAD_START + LIVE_FOR)
FLAKY_LABEL = "Service alert (flaky server)"
ALERT_TEXT = "Service alert: planned maintenance tonight 01:00-03:00."
SETTLE_TIMEOUT = 20.0


def _fixed_now() -> datetime:
    return NOW


async def _no_wait(seconds: float) -> None:
    """The client's retry pauses, without the wait: same requests, no wall-clock jitter."""
    await asyncio.sleep(0)


def _client(profile: Profile) -> SmsClient:
    return SmsClient(profile, sleep=_no_wait)


@contextlib.contextmanager
def utc() -> Iterator[None]:
    """Local time is UTC inside, so times print the same on every machine."""
    old = os.environ.get("TZ")
    os.environ["TZ"] = "UTC"
    time.tzset()
    try:
        yield
    finally:
        if old is None:
            os.environ.pop("TZ", None)
        else:
            os.environ["TZ"] = old
        time.tzset()


class SceneSimulator(Simulator):
    """Remembers which sends got a fault armed (the demo's flaky one is left out)."""

    def __init__(self, seed: int, time_scale: float, *, start: datetime) -> None:
        super().__init__(seed, time_scale, start=start)
        self.faulted: set[str] = set()

    def inject(self, token_id: str, fault: Fault, *, route: FaultRoute = "deliveries") -> None:
        self.faulted.add(token_id)
        super().inject(token_id, fault, route=route)


ROLES = ("live", "finished", "foreign", "flaky", "gone")
"""Sends a scene can select by role (labels belong to the demo and may change); "gone"
is only in a scene with two profiles: a send whose profile is not configured."""
SECOND_PROFILE = "acme-eu"
GONE_PROFILE = "gone"


@dataclass
class Scene:
    """A started simulator and an app watching the demo's sends on it."""

    app: SendwatchApp
    sim: SceneSimulator
    history: History
    flaky_token: str
    roles: dict[str, str]
    """Role (see ROLES) → watch-list key."""
    _tmp: tempfile.TemporaryDirectory[str] | None = None
    _secret: str | None = None

    @property
    def flaky_key(self) -> str:
        return self.roles["flaky"]

    def close(self) -> None:
        self.sim.stop()
        self.history.close()
        if self._secret is None:
            os.environ.pop(DEMO_SECRET_ENV, None)
        else:
            os.environ[DEMO_SECRET_ENV] = self._secret
        if self._tmp is not None:
            self._tmp.cleanup()


def _roles(sim: SceneSimulator, sends: list[WatchedSend]) -> dict[str, str]:
    def first(test: Callable[[WatchedSend], bool]) -> str:
        return next(s.key for s in sends if test(s))

    roles = {
        "live": sends[0].key,
        "finished": first(lambda s: sim.status(s.token_id) == "Finished"),
        "foreign": first(lambda s: sim.sends[s.token_id].client_id != Simulator.CLIENT_ID),
        "flaky": first(lambda s: s.label == FLAKY_LABEL),
    }
    if any(s.profile == GONE_PROFILE for s in sends):
        roles["gone"] = first(lambda s: s.profile == GONE_PROFILE)
    return roles


def build_scene(
    workdir: Path | None = None,
    *,
    selected: str | None = None,
    profiles: bool = False,
    plain: bool = False,
) -> Scene:
    """Start the simulator, seed the demo, and build (not run) the app.

    `selected` is the role (see ROLES) of the send selected at start (default: the
    first). `workdir` holds the config, watch list and history (default: a temporary
    folder, removed by `Scene.close()`). `profiles` adds a second profile on the same
    simulator, moves the second and fourth sends to it, and watches one more send on a
    profile that is not configured. `plain` is `--plain`: ASCII, no animation.
    """
    tmp = None
    if workdir is None:
        tmp = tempfile.TemporaryDirectory(prefix="sendwatch-scene-")
        workdir = Path(tmp.name)
    sim = SceneSimulator(seed=SEED, time_scale=0, start=START)
    sim.start()
    secret = os.environ.get(DEMO_SECRET_ENV)
    os.environ[DEMO_SECRET_ENV] = Simulator.CLIENT_SECRET

    # The demo's own flaky send fails by chance: ours takes its place in the list.
    demo = seed_demo(sim)
    alerts = sim.add_message(ALERT_TEXT)
    flaky_token = sim.create_send(alerts, 200, pace=3.0)
    flaky = WatchedSend(DEMO_PROFILE, alerts, flaky_token, demo[0].kind, FLAKY_LABEL, START)
    sends = [flaky if s.token_id in sim.faulted else s for s in demo]
    assert len(sim.faulted) == 1 and flaky in sends, "the demo changed: update the scene"
    sim.advance((NOW - sim.now()).total_seconds())
    assert sim.now() == NOW

    config = demo_config(sim, workdir, refresh_interval=5.0)
    if plain:
        config = structs.replace(config, settings=structs.replace(config.settings, plain=True))
    if profiles:
        second = structs.replace(config.profiles[DEMO_PROFILE], name=SECOND_PROFILE)
        config = structs.replace(config, profiles={**config.profiles, SECOND_PROFILE: second})
        old = sends[1]
        sends.append(WatchedSend(GONE_PROFILE, old.message_id, old.token_id, old.kind, "Old"))
    watchlist = WatchList(workdir / "watchlist.toml")
    watchlist.load()
    for n, send in enumerate(sends):
        profile = SECOND_PROFILE if profiles and n in (1, 3) else send.profile
        fixed = WatchedSend(profile, send.message_id, send.token_id, send.kind, send.label, START)
        watchlist.add(fixed)
    roles = _roles(sim, list(watchlist.sends))
    if selected is not None:
        watchlist.select(roles[selected])
    history = History(workdir / "history.sqlite3")

    clock = SystemClock(wall=_fixed_now)
    holder: list[SendwatchApp] = []  # the refresher is built first, for its seeded jitter
    refresher = Refresher(
        config,
        lambda state: holder[0].publish(state),
        history=history,
        client_factory=_client,
        clock=clock,
        rng=random.Random(SEED),
    )
    app = SendwatchApp(config, watchlist, history=history, refresher=refresher, clock=clock)
    holder.append(app)
    return Scene(app, sim, history, flaky_token, roles, tmp, secret)


def _answered(model: MonitorModel) -> bool:
    return all(s.delivery is not None or s.error is not None for s in model.states)


async def wait_for(
    pilot: Pilot[None], ready: Callable[[], bool], what: str, timeout: float = SETTLE_TIMEOUT
) -> None:
    """Let the app run until `ready()`; TimeoutError naming `what` if it never is."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not ready():
        if loop.time() > deadline:
            raise TimeoutError(f"gave up waiting: {what}")
        await pilot.pause(0.05)


async def settle(scene: Scene, pilot: Pilot[None]) -> None:
    """Wait for every send's first answer, then make the flaky send fail for good."""
    app = scene.app
    count = len(scene.app.watchlist.sends)
    await wait_for(
        pilot,
        lambda: len(app.model) == count and _answered(app.model),
        "every send answered",
    )
    scene.sim.inject(scene.flaky_token, Fault(kind="http500", times=None))
    app.refresher.refresh_now(scene.flaky_key)
    await wait_for(
        pilot,
        lambda: app.model.state(scene.flaky_key).error is not None,
        "flaky failed",  # type: ignore[union-attr]
    )
    await no_blink(pilot)


async def no_blink(pilot: Pilot[None]) -> None:
    """Inputs on the current screen stop blinking (a blinking cursor is not deterministic),
    and the drill-down's history reads (observed, and from MobileConnect) have landed."""
    await pilot.pause()
    app = pilot.app
    reads = [w for w in app.workers if w.group in ("history", MESSAGE_HISTORY_READS)]
    if reads:  # an empty list would mean "every worker", the refresher's too
        await app.workers.wait_for_complete(reads)
    await pilot.pause()
    for widget in pilot.app.screen.query(Input):
        widget.cursor_blink = False
    await pilot.pause()


# --------------------------------------------------------------------------- scenes


async def open_recipient(pilot: Pilot[None]) -> None:
    """Sidebar → grid, two rows down, Enter: the third recipient's drill-down."""
    await pilot.press("enter")
    await pilot.press("down", "down", "enter")
    await wait_for(pilot, lambda: isinstance(pilot.app.screen, RecipientScreen), "drill-down")


async def open_help(pilot: Pilot[None]) -> None:
    await pilot.press("question_mark")
    await wait_for(pilot, lambda: isinstance(pilot.app.screen, HelpScreen), "help")


async def mask_numbers(pilot: Pilot[None]) -> None:
    """`m`, then its toast dismissed (when a toast fades is no part of the picture)."""
    await pilot.press("m")
    await wait_for(pilot, lambda: "masked" in str(pilot.app.sub_title), "numbers masked")
    pilot.app.clear_notifications()


async def open_recipient_masked(pilot: Pilot[None]) -> None:
    """The drill-down, then `m` pressed on it."""
    await open_recipient(pilot)
    await mask_numbers(pilot)


async def mc_time(pilot: Pilot[None]) -> None:
    """`t`: every time on screen in Marketing Cloud time, "MC time" in the header."""
    await pilot.press("t")
    await wait_for(pilot, lambda: "MC time" in str(pilot.app.sub_title), "MC time")
    pilot.app.clear_notifications()


async def open_recipient_mc_time(pilot: Pilot[None]) -> None:
    """The drill-down, then `t` pressed on it."""
    await open_recipient(pilot)
    await pilot.press("t")
    await pilot.pause()
    pilot.app.clear_notifications()


INVALID_ID_KEYS = ("a", "b", "space", "c")


async def open_add_invalid(pilot: Pilot[None]) -> None:
    """The add dialog with a message id that has a space in it."""
    await pilot.press("a")
    await wait_for(pilot, lambda: isinstance(pilot.app.screen, AddSendScreen), "add dialog")
    await pilot.press(*INVALID_ID_KEYS)


async def copy_ticket_note(pilot: Pilot[None]) -> None:
    """`Y`: the selected send's ticket note, in the window that shows what was copied."""
    await pilot.press("Y")
    await wait_for(pilot, lambda: isinstance(pilot.app.screen, CopiedScreen), "copy modal")
    pilot.app.screen.query_one(TextArea).cursor_blink = False


async def filter_and_sort(pilot: Pilot[None]) -> None:
    """The grid (Enter), its failed chip (`f`), sorted by status code descending (`s` ×3, `S`)."""
    await pilot.press("enter", "f", "s", "s", "s", "S")
    await pilot.pause()


async def filter_by_code(pilot: Pilot[None]) -> None:
    """`b`, the second code (→), Enter: the grid shows only that code's recipients."""
    await pilot.press("b", "right", "enter")
    await pilot.pause()


async def search_grid(pilot: Pilot[None]) -> None:
    """`/` in the grid with the last three digits of its fifth number, then ⏎: the count,
    the cursor on the first match, the matched digits lit."""
    await pilot.press("enter")
    grid = pilot.app.screen.query_one(SearchGrid)
    digits = grid.rows.shown[4].mobile_number[-3:]
    await pilot.press("slash", *digits, "enter")
    await wait_for(pilot, lambda: grid.matches is not None and pilot.app.focused is grid, "found")


@dataclass(frozen=True)
class SceneSpec:
    selected: str | None = None
    then: Callable[[Pilot[None]], Awaitable[None]] | None = None
    profiles: bool = False
    """Two profiles, and a send on a third that is not configured (see build_scene)."""
    plain: bool = False
    """`--plain`: ASCII glyphs and borders."""


SCENES: dict[str, SceneSpec] = {
    "monitor": SceneSpec(),
    "error": SceneSpec("flaky"),
    "foreign": SceneSpec("foreign"),
    "recipient": SceneSpec("finished", open_recipient),
    "add-invalid": SceneSpec(None, open_add_invalid),
    "help": SceneSpec(None, open_help),
    "masked": SceneSpec("finished", mask_numbers),
    "recipient-masked": SceneSpec("finished", open_recipient_masked),
    "copy": SceneSpec("finished", copy_ticket_note),
    "filter": SceneSpec("finished", filter_and_sort),
    "breakdown": SceneSpec("finished", filter_by_code),
    "search": SceneSpec("finished", search_grid),
    "mc-time": SceneSpec("finished", mc_time),
    "recipient-mc-time": SceneSpec("finished", open_recipient_mc_time),
    "profiles": SceneSpec("gone", profiles=True),
    "plain": SceneSpec("finished", plain=True),
    "plain-add": SceneSpec(None, open_add_invalid, plain=True),
    "nocolor": SceneSpec("finished"),
}
"""Scene name → which send is selected and what is done once the data is in."""


def run_before(scene: Scene, name: str) -> Callable[[Pilot[None]], Awaitable[None]]:
    """What a snapshot or screenshot runs before the picture is taken."""
    then = SCENES[name].then

    async def prepare(pilot: Pilot[None]) -> None:
        await settle(scene, pilot)
        if then is not None:
            await then(pilot)
        await no_blink(pilot)

    return prepare


if __name__ == "__main__":
    import sys

    with utc():
        scene = build_scene(selected=sys.argv[1] if len(sys.argv) > 1 else None)
        try:
            scene.app.run()
        finally:
            scene.close()
