"""The monitor end to end: every key path, driven by Pilot, against the simulator over HTTP.

Each test builds the app the way `tui.cli.launch` does (a config with one profile pointing at
the simulator, a watch list and a history file), but in the test's own folder and with a
fast refresh interval. The simulator's time is frozen: a test moves a send along with
`sim.advance()` and then waits (polling the UI, 5 s at most) for the screen to follow.
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import threading
from collections.abc import AsyncIterator, Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from msgspec import structs
from rich.text import Text
from textual import events
from textual.binding import Binding
from textual.command import CommandPalette
from textual.content import Content
from textual.pilot import Pilot
from textual.widgets import Input, Static

from tests.clocks import ManualClock, drive, settle, tick
from tui.cli import launch
from tui.cli.demo import DEMO_PROFILE, DEMO_SECRET_ENV, demo_config
from tui.core.api.model import SendKind
from tui.core.store.atomic import file_lock
from tui.core.store.config import Config
from tui.core.store.history import History
from tui.core.store.paths import config_path
from tui.core.store.watchlist import WatchedSend, WatchList
from tui.sim import Fault, Simulator
from tui.ui.app import SendwatchApp
from tui.ui.screens.add_send import AddSendScreen
from tui.ui.screens.confirm import ConfirmScreen
from tui.ui.screens.help import HelpScreen
from tui.ui.screens.recipient import RecipientScreen
from tui.ui.screens.text_prompt import TextPromptScreen

SIZE = (80, 24)
WIDE = (120, 40)
TIMEOUT = 5.0
ERROR_TIMEOUT = 10.0
"""A 5xx is retried by the client (with jittered pauses) before the refresher sees it."""


pytestmark = pytest.mark.usefixtures("utc")


# --------------------------------------------------------------------------- building


@dataclass
class Env:
    """One user's files (config, watch list, history) and the simulator they point at."""

    sim: Simulator
    root: Path
    config: Config
    histories: list[History] = field(default_factory=list)

    @property
    def watchlist_path(self) -> Path:
        return self.root / "watchlist.toml"

    @property
    def history_path(self) -> Path:
        return self.root / "history.sqlite3"

    def send(self, label: str, recipients: int | list[str] = 20, **kwargs: Any) -> WatchedSend:
        """A new send on the simulator (not yet watched)."""
        text = kwargs.pop("text", f"Message for {label}")
        message_id = self.sim.add_message(text)
        token_id = self.sim.create_send(message_id, recipients, **kwargs)
        return WatchedSend(DEMO_PROFILE, message_id, token_id, SendKind.MESSAGE_CONTACT, label)

    def watch(self, *sends: WatchedSend) -> None:
        watchlist = self.load()
        for send in sends:
            watchlist.add(send)

    def load(self) -> WatchList:
        """The watch list as it is on disk now."""
        watchlist = WatchList(self.watchlist_path)
        assert watchlist.load() == []
        return watchlist

    def app(
        self, *, now: Callable[[], datetime] | None = None, clock: ManualClock | None = None
    ) -> SendwatchApp:
        """A fresh app instance on these files, as `sendwatch` would start it."""
        history = History(self.history_path)
        self.histories.append(history)
        clock = clock or ManualClock(start=now() if now else datetime.now(UTC))
        return SendwatchApp(self.config, self.load(), history=history, clock=clock)


@pytest.fixture
def env(sim: Simulator, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Env]:
    monkeypatch.setenv(DEMO_SECRET_ENV, Simulator.CLIENT_SECRET)
    environment = Env(sim, tmp_path, demo_config(sim, tmp_path, refresh_interval=0.05))
    yield environment
    for history in environment.histories:
        history.close()


async def stop_polling(app: SendwatchApp, pilot: Pilot[None]) -> None:
    """Stop the refresher worker and let its last messages land while the screens exist.

    `run_test()` tears the screens down while the app still handles messages (a real quit
    ends the message loop first), so a read finishing then would hit a half-gone app.
    """
    if not app.is_running:
        return
    for worker in list(app.workers):
        if worker.name == "refresher":
            worker.cancel()
    await pilot.pause()
    await pilot.pause()


@contextlib.asynccontextmanager
async def running(
    app: SendwatchApp, size: tuple[int, int] = SIZE, *, notifications: bool = False
) -> AsyncIterator[Pilot[None]]:
    """`app.run_test()`, with the polling stopped before the teardown."""
    async with app.run_test(size=size, notifications=notifications) as pilot:
        try:
            yield pilot
        finally:
            await stop_polling(app, pilot)


async def until(
    pilot: Pilot[None], ready: Callable[[], object], what: str, timeout: float = TIMEOUT
) -> None:
    """Let the app run until `ready()` is true; fail with `what` and the screen if never.

    The app's clock moves one poll interval whenever the refresher is quiet, so polls
    happen at the pace of the test, never behind its back; `timeout` (real seconds)
    only bounds a test that is broken.
    """
    app = pilot.app
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not ready():
        if loop.time() > deadline:
            pytest.fail(f"timed out waiting for {what}; the screen shows:\n{screen(app)}")
        if isinstance(app.clock, ManualClock) and app.refresher.quiet():
            app.clock.advance(app.refresher.interval)
        await pilot.pause(0.01)


# --------------------------------------------------------------------------- reading


def screen(app: Any) -> str:
    """What the terminal shows right now, as plain text lines."""
    strips = app.screen._compositor.render_strips()
    return "\n".join(strip.text for strip in strips)


def text_of(app: Any, selector: str) -> str:
    """The plain text of a Static on the current screen (rich Text or Content, never markup)."""
    content = app.screen.query_one(selector, Static).content
    assert isinstance(content, Text | Content), f"{selector} must hold Text or Content"
    return content.plain


def entries(app: SendwatchApp) -> list[str]:
    """The sidebar's entries in order (their two lines joined with " | ")."""
    sidebar = app.monitor.send_list
    return [sidebar.entry_plain(i) for i in range(sidebar.entry_count)]


def sidebar_keys(app: SendwatchApp) -> list[str]:
    """The keys of the sidebar's entries: the app hands them over in its states' order."""
    keys = list(app.model.keys)
    assert len(keys) == app.monitor.send_list.entry_count
    return keys


def entry(app: SendwatchApp, key: str) -> str:
    return app.monitor.send_list.entry_plain(sidebar_keys(app).index(key))


def selected_key(app: SendwatchApp) -> str | None:
    """The selected send, as the sidebar shows it (and the view-model must agree)."""
    index = app.monitor.send_list.selected
    key = None if index is None else sidebar_keys(app)[index]
    assert key == app.model.selected, "the sidebar and the view-model disagree"
    return key


def bound(app: SendwatchApp, action: str) -> bool:
    """Whether a key on the current screen would run `action` now."""
    return any(
        b.binding.action == action and b.enabled for b in app.screen.active_bindings.values()
    )


def steps(app: SendwatchApp) -> list[str]:
    return [text_of(app, f"#step-{n}") for n in range(4)]


def labels_on_disk(env: Env) -> list[str]:
    return [s.label for s in env.load().sends]


def keys_on_disk(env: Env) -> list[str]:
    return [s.key for s in env.load().sends]


def has_data(app: SendwatchApp, key: str) -> bool:
    state = app.model.state(key)
    return state is not None and state.delivery is not None


def all_have_data(app: SendwatchApp) -> bool:
    return bool(app.model) and all(s.delivery is not None for s in app.model.states)


def deliveries(env: Env) -> int:
    return env.sim.stats.deliveries


async def paste(pilot: Pilot[None], text: str) -> None:
    focused = pilot.app.focused
    assert focused is not None
    focused.post_message(events.Paste(text))
    await pilot.pause()


async def type_text(pilot: Pilot[None], text: str) -> None:
    await pilot.press(*["space" if ch == " " else ch for ch in text])


# --------------------------------------------------------------------------- the sidebar


async def test_sidebar_shows_status_word_and_symbol_and_the_selected_send_progresses(
    env: Env,
) -> None:
    sim = env.sim
    done = env.send("Done", 10)
    broken = env.send("Broken", 60, error=True)
    sim.advance(300)
    live = env.send("Live", 30)
    env.watch(live, done, broken)
    app = env.app()
    async with running(app) as pilot:
        await until(pilot, lambda: all_have_data(app), "every send's first read")
        assert sidebar_keys(app) == [live.key, done.key, broken.key]
        first, second, third = entries(app)
        assert first.startswith("○ Live | ") and "New" in first
        assert second.startswith("✓ Done | ") and "Finished" in second
        assert third.startswith("✗ Broken | ") and "Error" in third

        # The selected send is the first one: New, nothing tracked yet.
        assert selected_key(app) == live.key
        assert steps(app)[0].startswith("● New\n")
        assert [s.split("\n")[0] for s in steps(app)[1:]] == [
            "○ Queuing",
            "○ Started",
            "○ Finished",
        ]
        assert "0 seen of 30" in text_of(app, "#counts")
        grid = app.monitor.detail.grid
        assert grid.row_count == 0
        assert "Message for Live" in text_of(app, "#summary")

        sim.advance(2.5)
        await until(pilot, lambda: steps(app)[1].startswith("● Queuing"), "Queuing")
        assert steps(app)[0].startswith("✓ New\n")
        assert "Queuing" in entry(app, live.key)

        sim.advance(4.5)  # 2 s into dispatch: some recipients have events
        await until(pilot, lambda: steps(app)[2].startswith("● Started"), "Started")
        await until(pilot, lambda: grid.row_count > 0, "the first rows")
        partial = grid.row_count
        assert partial < 30
        assert f"{partial} seen of 30" in text_of(app, "#counts")
        assert grid.recipient_at(0) is not None
        assert grid.recipient_at(0).mobile_number in screen(app)  # type: ignore[union-attr]

        sim.advance(120)
        await until(pilot, lambda: steps(app)[3].startswith("✓ Finished"), "Finished")
        await until(pilot, lambda: grid.row_count == 30, "every row")
        assert "30 seen of 30" in text_of(app, "#counts")
        assert entry(app, live.key).startswith("✓ Live | ") and "Finished" in entry(app, live.key)
        for n, word in enumerate(["New", "Queuing", "Started"]):
            assert steps(app)[n].startswith(f"✓ {word}\n"), steps(app)
        assert "delivered" in text_of(app, "#counts")


async def test_sidebar_keeps_the_app_clock_after_a_resize(env: Env) -> None:
    send = env.send("Clocked", 5)
    env.sim.advance(120)
    env.watch(send)
    app = env.app(now=lambda: datetime(2020, 3, 4, 10, 0, 0, tzinfo=UTC))
    async with running(app, WIDE) as pilot:
        await until(pilot, lambda: has_data(app, send.key), "the first read")
        await until(pilot, lambda: entry(app, send.key).endswith(" 10:00"), "the read time")
        await pilot.resize_terminal(*SIZE)  # narrow: the sidebar gets thinner
        await pilot.pause()
        await pilot.resize_terminal(*WIDE)
        await pilot.pause()
        assert entry(app, send.key).endswith(" 10:00"), entry(app, send.key)


# --------------------------------------------------------------------------- add


async def test_add_refuses_an_invalid_id_then_watches_a_valid_send_at_once(env: Env) -> None:
    first = env.send("First", 5)
    env.watch(first)
    app = env.app()
    async with running(app) as pilot:
        await until(pilot, lambda: has_data(app, first.key), "the first read")
        await pilot.press("p")  # paused: only the add itself can fetch the new send
        await until(pilot, lambda: app.refresher.paused, "paused")

        await pilot.press("a")
        await until(pilot, lambda: isinstance(app.screen, AddSendScreen), "the add dialog")
        await type_text(pilot, "ab c")
        assert "it contains ' '" in text_of(app, "#message-id-error")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, AddSendScreen)
        assert "Fix the fields marked above" in text_of(app, "#form-error")
        await pilot.press("escape")
        await until(pilot, lambda: not isinstance(app.screen, AddSendScreen), "dialog closed")
        assert keys_on_disk(env) == [first.key]
        assert sidebar_keys(app) == [first.key]

        second = env.send("Second", 7)
        await pilot.press("a")
        await until(pilot, lambda: isinstance(app.screen, AddSendScreen), "the add dialog")
        await paste(pilot, second.message_id)
        await pilot.press("tab")
        await paste(pilot, f"  {second.token_id}  ")
        await pilot.press("tab")
        await type_text(pilot, "Second send")
        await pilot.press("enter")
        await until(pilot, lambda: not isinstance(app.screen, AddSendScreen), "dialog closed")

        assert sidebar_keys(app) == [first.key, second.key]
        assert selected_key(app) == second.key
        assert entry(app, second.key).split(" | ")[0].endswith("Second send")
        on_disk = env.load()
        assert [s.key for s in on_disk.sends] == [first.key, second.key]
        assert on_disk.sends[1].label == "Second send"
        await until(pilot, lambda: has_data(app, second.key), "the new send's read, paused")
        assert "seen of 7" in text_of(app, "#counts")
        assert app.refresher.paused


# --------------------------------------------------------------------------- edit, remove


async def test_edit_label_is_shown_and_persisted(env: Env) -> None:
    send = env.send("Old label", 5)
    env.watch(send)
    app = env.app()
    async with running(app) as pilot:
        await until(pilot, lambda: has_data(app, send.key), "the first read")
        await pilot.press("e")
        await until(pilot, lambda: isinstance(app.screen, TextPromptScreen), "the prompt")
        assert app.screen.query_one(Input).value == "Old label"
        await type_text(pilot, "Escaped")
        await pilot.press("escape")
        await until(pilot, lambda: not isinstance(app.screen, TextPromptScreen), "closed")
        assert labels_on_disk(env) == ["Old label"]

        await pilot.press("e")
        await until(pilot, lambda: isinstance(app.screen, TextPromptScreen), "the prompt")
        await type_text(pilot, "Black Friday")  # the old label is selected: typing replaces it
        await pilot.press("enter")
        await until(pilot, lambda: "Black Friday" in entry(app, send.key), "the new label")
        assert labels_on_disk(env) == ["Black Friday"]
        assert "Black Friday" in screen(app)


async def test_a_send_added_in_another_window_is_polled_after_our_next_change(env: Env) -> None:
    mine, theirs = env.send("Mine", 3), env.send("Theirs", 3)
    env.watch(mine)
    app = env.app()
    async with running(app) as pilot:
        await until(pilot, lambda: has_data(app, mine.key), "the first read")
        other_window = env.load()
        other_window.add(theirs)
        await pilot.press("shift+down")  # any change of ours merges the file
        await until(pilot, lambda: theirs.key in app.model, "their send listed")
        await until(pilot, lambda: has_data(app, theirs.key), "their send polled")


async def test_remove_asks_first_and_undo_restores_the_same_place(env: Env) -> None:
    a, b, c = (env.send(label, 3) for label in ("Alpha", "Bravo", "Charlie"))
    env.watch(a, b, c)
    app = env.app()
    async with running(app) as pilot:
        await until(pilot, lambda: all_have_data(app), "every first read")
        await pilot.press("down")
        assert selected_key(app) == b.key

        await pilot.press("d")
        await until(pilot, lambda: isinstance(app.screen, ConfirmScreen), "the question")
        assert "Stop watching Bravo?" in screen(app)
        await pilot.press("escape")
        await until(pilot, lambda: not isinstance(app.screen, ConfirmScreen), "closed")
        assert sidebar_keys(app) == [a.key, b.key, c.key]
        assert keys_on_disk(env) == [a.key, b.key, c.key]

        await pilot.press("d")
        await until(pilot, lambda: isinstance(app.screen, ConfirmScreen), "the question")
        await pilot.press("y")
        await until(pilot, lambda: sidebar_keys(app) == [a.key, c.key], "Bravo gone")
        assert keys_on_disk(env) == [a.key, c.key]
        assert "Bravo" not in screen(app)

        await pilot.press("u")
        await until(pilot, lambda: sidebar_keys(app) == [a.key, b.key, c.key], "Bravo back")
        assert keys_on_disk(env) == [a.key, b.key, c.key]
        assert selected_key(app) == b.key
        await until(pilot, lambda: has_data(app, b.key), "Bravo read again")


async def test_removing_the_last_send_shows_the_hint_and_undo_brings_it_back(env: Env) -> None:
    only = env.send("Only", 3)
    env.watch(only)
    app = env.app()
    async with running(app) as pilot:
        await until(pilot, lambda: has_data(app, only.key), "the first read")
        await pilot.press("d")
        await until(pilot, lambda: isinstance(app.screen, ConfirmScreen), "the question")
        await pilot.press("y")
        await until(pilot, lambda: sidebar_keys(app) == [], "the list emptied")
        assert keys_on_disk(env) == []
        assert app.screen.query_one("#empty").display and not app.monitor.detail.display
        assert "No sends watched yet." in screen(app)
        assert "error" not in app.sub_title
        await pilot.press("u")
        await until(pilot, lambda: sidebar_keys(app) == [only.key], "the send back")
        assert keys_on_disk(env) == [only.key]
        assert app.monitor.detail.display and "Message for Only" in text_of(app, "#summary")
        await pilot.press("u")  # nothing more to undo: says so, changes nothing
        await pilot.pause()
        assert any(n.message == "Nothing to undo" for n in app._notifications)
        assert keys_on_disk(env) == [only.key]


# --------------------------------------------------------------------------- order, restart


async def test_shift_arrows_reorder_and_persist(env: Env) -> None:
    a, b, c = (env.send(label, 3) for label in ("Alpha", "Bravo", "Charlie"))
    env.watch(a, b, c)
    app = env.app()
    async with running(app) as pilot:
        await until(pilot, lambda: all_have_data(app), "every first read")
        await pilot.press("shift+down")
        await until(pilot, lambda: sidebar_keys(app) == [b.key, a.key, c.key], "Alpha moved")
        assert keys_on_disk(env) == [b.key, a.key, c.key]
        assert selected_key(app) == a.key
        await pilot.press("shift+down", "shift+down")  # the second one is clamped
        await until(pilot, lambda: sidebar_keys(app) == [b.key, c.key, a.key], "at the end")
        assert keys_on_disk(env) == [b.key, c.key, a.key]
        await pilot.press("shift+up")
        await until(pilot, lambda: sidebar_keys(app) == [b.key, a.key, c.key], "up one")
        assert keys_on_disk(env) == [b.key, a.key, c.key]
        assert selected_key(app) == a.key


async def test_a_watch_list_held_by_another_window_does_not_freeze_the_screen(
    env: Env,
) -> None:
    """Writes wait for the file lock in a thread: the UI keeps drawing meanwhile."""
    a, b = env.send("Alpha", 3), env.send("Bravo", 3)
    env.watch(a, b)
    app = env.app()
    async with running(app) as pilot:
        await until(pilot, lambda: all_have_data(app), "every first read")
        held, release = threading.Event(), threading.Event()

        def other_window() -> None:
            with file_lock(env.watchlist_path, "the watch list"):
                held.set()
                release.wait(timeout=5)

        holder = threading.Thread(target=other_window)
        holder.start()
        assert held.wait(timeout=5)
        ticks = 0

        async def count_ticks() -> None:
            nonlocal ticks
            while True:
                await asyncio.sleep(0.01)
                ticks += 1

        ticker = asyncio.create_task(count_ticks())
        await pilot.press("shift+down")
        await until(pilot, lambda: ticks >= 10, "ten ticks while the write waits")
        assert ticks >= 10, "the event loop ran while the write waited for the lock"
        assert sidebar_keys(app) == [a.key, b.key], "nothing moved before it is saved"
        release.set()  # within LOCK_TIMEOUT: the write goes through
        await until(pilot, lambda: sidebar_keys(app) == [b.key, a.key], "the move, once free")
        assert keys_on_disk(env) == [b.key, a.key]
        ticker.cancel()
        holder.join()


async def test_order_and_selection_survive_a_restart(env: Env) -> None:
    a, b, c = (env.send(label, 3) for label in ("Alpha", "Bravo", "Charlie"))
    env.watch(a, b, c)
    app = env.app()
    async with running(app) as pilot:
        await until(pilot, lambda: all_have_data(app), "every first read")
        await pilot.press("shift+down")  # Bravo, Alpha, Charlie
        await pilot.press("down")  # Charlie
        assert selected_key(app) == c.key
        await until(pilot, lambda: env.load().selected == c.key, "the selection saved")

    again = env.app()
    async with running(again) as pilot:
        await pilot.pause()
        assert sidebar_keys(again) == [b.key, a.key, c.key]
        assert selected_key(again) == c.key
        await until(pilot, lambda: has_data(again, c.key), "Charlie read")
        assert c.token_id in text_of(again, "#summary")
        assert "Message for Charlie" in text_of(again, "#summary")


async def test_quit_soon_after_moving_saves_the_selection_and_exits_cleanly(env: Env) -> None:
    """Quitting before the 1.5 s debounce still saves the selection (and never crashes:
    the App's Unmount comes after its screens are gone)."""
    a, b = env.send("Alpha", 3), env.send("Bravo", 3)
    env.watch(a, b)
    app = env.app()
    async with running(app) as pilot:
        await until(pilot, lambda: all_have_data(app), "every first read")
        await pilot.press("down")
        assert selected_key(app) == b.key
        assert env.load().selected is None  # not yet: the debounce
        await pilot.press("q")
        await until(pilot, lambda: not app.is_running, "the app quit")
    assert app.return_code == 0
    assert env.load().selected == b.key


# --------------------------------------------------------------------------- refresh, pause


async def test_r_reads_now_even_when_paused_and_p_pauses_and_resumes(env: Env) -> None:
    send = env.send("Running", 50)
    env.sim.advance(6)  # Started, and time is frozen: it would be polled forever
    env.watch(send)
    clock = ManualClock()  # polls happen only when the test lets time pass
    app = env.app(clock=clock)
    step = app.refresher.interval
    async with running(app) as pilot:
        await drive(clock, app.refresher, lambda: has_data(app, send.key), "a read", step=step)
        assert app.sub_title.endswith("live")
        await drive(clock, app.refresher, lambda: deliveries(env) >= 3, "polling", step=step)

        await pilot.press("p")
        assert app.refresher.paused
        assert "paused" in app.sub_title
        await settle(app.refresher)  # a read in flight when pausing may still land
        before = deliveries(env)
        await tick(clock, app.refresher, 10 * step, step)  # ten refresh intervals
        assert deliveries(env) == before, "paused, yet the sends are still polled"

        await pilot.press("r")
        await settle(app.refresher)
        assert deliveries(env) == before + 1, "the manual read"
        await tick(clock, app.refresher, 6 * step, step)
        assert deliveries(env) == before + 1, "r must read once, not resume polling"
        assert "paused" in app.sub_title

        await pilot.press("p")
        assert not app.refresher.paused
        assert app.sub_title.endswith("live")
        await drive(
            clock, app.refresher, lambda: deliveries(env) >= before + 4, "polling", step=step
        )


async def test_t_shows_marketing_cloud_time_and_back(env: Env) -> None:
    send = env.send("Timed", 5)
    env.sim.advance(120)
    env.watch(send)
    app = env.app()
    async with running(app, WIDE) as pilot:
        await until(pilot, lambda: has_data(app, send.key), "the first read")
        delivery = app.model.state(send.key).delivery
        assert delivery is not None and delivery.create_date_raw
        assert "(local time; t)" in text_of(app, "#summary")
        await pilot.press("t")
        summary = text_of(app, "#summary")
        assert f"API created {delivery.create_date_raw[11:19]} (" in summary  # as MC wrote it
        assert "(MC time, UTC−6; t)" in summary
        await pilot.press("t")
        assert "(local time; t)" in text_of(app, "#summary")


# --------------------------------------------------------------------------- errors


async def test_a_failing_send_keeps_its_last_data_marked_stale(env: Env) -> None:
    flaky = env.send("Flaky", 40)
    fine = env.send("Fine", 5)
    env.sim.advance(7)
    env.watch(flaky, fine)
    app = env.app()
    async with running(app, WIDE) as pilot:
        await until(pilot, lambda: all_have_data(app), "every first read")
        await pilot.pause()  # the sidebar widens to the counts: the bar is redrawn to fit
        counts = text_of(app, "#counts")
        rows = app.monitor.detail.grid.row_count
        assert rows > 0 and "seen of 40" in counts
        assert "stale" not in entry(app, flaky.key)
        assert "error" not in app.sub_title

        env.sim.inject(flaky.token_id, Fault(kind="http500", times=None))
        await until(
            pilot, lambda: "⚠ stale" in entry(app, flaky.key), "the stale mark", ERROR_TIMEOUT
        )
        problem = text_of(app, "#problem")
        assert "Fetch failed" in problem
        assert "HTTP 500" in problem
        assert str(app.model.state(flaky.key).error) in problem.replace("\n", " ")
        assert app.screen.query_one("#problem").display
        assert text_of(app, "#counts") == counts, "the last good counts must stay"
        assert app.monitor.detail.grid.row_count == rows
        assert "1 needs attention: 1 stale" in app.sub_title
        assert "⚠ stale" in screen(app)
        assert "stale" not in entry(app, fine.key)


async def test_the_stale_word_survives_at_80x24(env: Env) -> None:
    flaky = env.send("Flaky", 40)
    env.sim.advance(7)
    env.watch(flaky)
    app = env.app()
    async with running(app) as pilot:
        await until(pilot, lambda: has_data(app, flaky.key), "the first read")
        env.sim.inject(flaky.token_id, Fault(kind="http500", times=None))
        await until(
            pilot, lambda: app.model.state(flaky.key).error is not None, "the error", ERROR_TIMEOUT
        )
        await pilot.pause()
        assert "⚠ stale" in entry(app, flaky.key)


async def test_a_token_of_another_client_says_so(env: Env) -> None:
    sim = env.sim
    sim.add_client("other-bu", "other-secret")
    ours = sim.add_message("Our reminder")
    theirs = sim.add_message("Their sale", client_id="other-bu")
    foreign_token = sim.create_send(theirs, 5, client_id="other-bu")
    foreign = WatchedSend(DEMO_PROFILE, ours, foreign_token, SendKind.MESSAGE_CONTACT, "Theirs")
    env.watch(foreign)
    app = env.app()
    async with running(app) as pilot:
        key = foreign.key
        await until(pilot, lambda: app.model.state(key).error is not None, "the error")
        problem = " ".join(text_of(app, "#problem").split())
        assert "another client or business unit" in problem
        assert foreign_token in problem
        first, second = entry(app, key).split(" | ")
        assert first.startswith("✗ Theirs")
        assert "failed" in second
        assert "1 error" in app.sub_title
        assert "another client" in " ".join(screen(app).split())


# --------------------------------------------------------------------------- drill-down


async def test_drilldown_opens_the_right_recipient_and_monitor_keys_are_inert(env: Env) -> None:
    send = env.send("Reminders", 10)
    env.sim.advance(120)  # finished: one read, then no polling
    env.watch(send)
    app = env.app()
    async with running(app) as pilot:
        await until(pilot, lambda: has_data(app, send.key), "the first read")
        grid = app.monitor.detail.grid
        await until(pilot, lambda: grid.row_count == 10, "the rows")

        sidebar: object = app.monitor.send_list
        await pilot.press("tab")
        assert app.focused is grid
        await pilot.press("shift+tab")
        assert app.focused is sidebar
        await pilot.press("enter")  # enter on the sidebar goes to the grid too
        assert app.focused is grid

        await pilot.press("down")
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, RecipientScreen), "the drill-down")
        second = grid.recipient_at(1)
        assert second is not None
        assert text_of(app, "#rc-number") == second.mobile_number
        assert text_of(app, "#rc-position") == "recipient 2 of 10"
        assert "send: Reminders" in screen(app)

        await pilot.press("n")
        assert text_of(app, "#rc-number") == grid.recipient_at(2).mobile_number  # type: ignore[union-attr]
        assert text_of(app, "#rc-position") == "recipient 3 of 10"
        await pilot.press("p")  # previous here, not pause
        assert text_of(app, "#rc-position") == "recipient 2 of 10"
        assert not app.refresher.paused

        # The monitor's keys belong to the monitor: hidden and inert here.
        before = deliveries(env)
        footer = screen(app).splitlines()[-1]
        for word in ("Add", "Remove", "Refresh", "Pause"):
            assert word not in footer, footer
        await pilot.press("a", "d", "u", "e", "r")
        await settle(app.refresher)  # a read that r started would be over by now
        assert isinstance(app.screen, RecipientScreen)
        assert deliveries(env) == before, "r read a send from the drill-down"
        assert keys_on_disk(env) == [send.key]
        assert not bound(app, "refresh")
        assert not bound(app, "add")

        await pilot.press("escape")
        await until(pilot, lambda: not isinstance(app.screen, RecipientScreen), "back")
        assert app.screen is app.screen_stack[0]
        assert bound(app, "refresh") and bound(app, "add"), "the monitor's own keys are back"
        assert app.focused is grid
        assert grid.cursor_row == 1
        await pilot.press("r")  # and on the monitor, r works (the send is final)
        await until(pilot, lambda: deliveries(env) == before + 1, "the manual read")

        # Opened again (the screen is reused): it shows the new choice, from the start.
        await pilot.press("down", "down", "enter")
        await until(pilot, lambda: isinstance(app.screen, RecipientScreen), "drill-down again")
        fourth = grid.recipient_at(3)
        assert fourth is not None and text_of(app, "#rc-number") == fourth.mobile_number
        assert text_of(app, "#rc-position") == "recipient 4 of 10"
        await pilot.press("escape")


# --------------------------------------------------------------------------- help, palette


async def test_help_lists_the_app_keys_and_esc_closes_it(env: Env) -> None:
    env.watch(env.send("One", 3))
    app = env.app()
    async with running(app) as pilot:
        await pilot.press("question_mark")
        await until(pilot, lambda: isinstance(app.screen, HelpScreen), "help")
        listed = "\n".join(
            text_of(app, f"#{static.id}") for static in app.screen.query(".help-section")
        )
        for binding in app.BINDINGS:
            assert isinstance(binding, Binding)
            assert (binding.tooltip or binding.description) in listed, binding
        for words in ("Move up", "Move down", "Open", "Next", "Previous"):
            assert words in listed, words
        assert "Watch another send" in screen(app)
        await pilot.press("escape")
        await until(pilot, lambda: not isinstance(app.screen, HelpScreen), "help closed")
        assert app.screen is app.screen_stack[0]


async def test_command_palette_jumps_to_a_send_by_label(env: Env) -> None:
    labels = ("Order confirmations", "Black Friday [50%] [/]", "Resets [@click=app.quit]")
    sends = [env.send(label, 3) for label in labels]
    env.watch(*sends)
    app = env.app()
    async with running(app) as pilot:
        await until(pilot, lambda: all_have_data(app), "every first read")
        assert selected_key(app) == sends[0].key
        await pilot.press("ctrl+p")
        await until(pilot, lambda: isinstance(app.screen, CommandPalette), "the palette")
        await type_text(pilot, "friday")

        def offered() -> bool:  # labels are text: brackets stay, nothing is a tag
            return "Black Friday [50%] [/]" in screen(app) and "Resets" not in screen(app)

        await until(pilot, offered, "the matching send offered")
        await pilot.press("down", "enter")
        await until(pilot, lambda: not isinstance(app.screen, CommandPalette), "palette closed")
        await until(pilot, lambda: selected_key(app) == sends[1].key, "the jump")
        assert "Message for Black Friday" in text_of(app, "#summary")


# --------------------------------------------------------------------------- notifications


async def test_a_send_finishing_while_watched_shows_a_toast(env: Env) -> None:
    send = env.send("Campaign", 20)
    env.sim.advance(6)
    env.watch(send)
    app = env.app()
    async with running(app, WIDE, notifications=True) as pilot:
        await until(pilot, lambda: has_data(app, send.key), "the first read")
        assert not any("Campaign" in (n.title or "") for n in app._notifications)
        env.sim.advance(120)

        def toasted() -> bool:
            return any(n.title == "Campaign: Finished" for n in app._notifications)

        await until(pilot, toasted, "the finished notification")
        (note,) = [n for n in app._notifications if n.title == "Campaign: Finished"]
        assert "delivered" in note.message and "failed" in note.message
        await until(pilot, lambda: "Campaign: Finished" in screen(app), "the toast on screen")


# --------------------------------------------------------------------------- history


async def test_a_restart_keeps_the_observed_progression(env: Env) -> None:
    send = env.send("Progress", 20)
    env.watch(send)
    clock = ManualClock(start=datetime(2020, 3, 4, 10, 0, 0, tzinfo=UTC))
    app = env.app(clock=clock)
    async with running(app) as pilot:
        await until(pilot, lambda: steps(app)[0].startswith("● New"), "New")
        for n, (seconds, word) in enumerate(
            [(2.5, "Queuing"), (3.0, "Started"), (120.0, "Finished")], start=1
        ):
            clock.advance(60)
            env.sim.advance(seconds)
            await until(pilot, lambda i=n: not steps(app)[i].startswith("○"), word)  # type: ignore[misc]
        seen = steps(app)
    # The first read saw New: it was New by then (≤), since when is not known.
    times = [s.split("\n")[1].split()[0] for s in seen]
    assert times == ["≤10:00:00", "10:01:00", "10:02:00", "10:03:00"]

    later = env.app(now=lambda: datetime(2020, 3, 4, 11, 0, 0, tzinfo=UTC))
    async with running(later) as pilot:
        await until(pilot, lambda: has_data(later, send.key), "the first read after restart")
        await pilot.pause()
        assert steps(later) == seen


# --------------------------------------------------------------------------- hostile text


async def test_server_text_is_shown_literally(env: Env) -> None:
    hostile = "\x1b]0;pwned\x07[bold]x[/bold]"
    numbers = ["1555\x1b[2J0100", "[red]15550101[/red]"]
    send = env.send("Hostile", numbers, text=hostile)
    env.sim.advance(120)
    env.watch(send)
    app = env.app()
    async with running(app, WIDE) as pilot:
        await until(pilot, lambda: has_data(app, send.key), "the first read")
        await until(pilot, lambda: app.monitor.detail.grid.row_count == 2, "the rows")
        shown = screen(app)
        assert "[bold]x[/bold]" in shown
        assert "␛]0;pwned␇[bold]x[/bold]" in shown
        assert "1555␛[2J0100" in shown
        assert "[red]15550101[/red]" in shown
        svg = app.export_screenshot()
        assert "\x1b" not in shown and "\x1b" not in svg and "\x07" not in svg
        assert "pwned" not in app.title and "pwned" not in str(app.sub_title)


# --------------------------------------------------------------------------- empty, corrupt


async def test_an_empty_watch_list_shows_the_hint_and_a_still_adds(env: Env) -> None:
    app = env.app()
    async with running(app) as pilot:
        await pilot.pause()
        hint = app.screen.query_one("#empty")
        assert hint.display and not app.monitor.detail.display
        assert "No sends watched yet." in screen(app)
        assert "Press a to add one" in screen(app)

        send = env.send("First ever", 4)
        await pilot.press("a")
        await until(pilot, lambda: isinstance(app.screen, AddSendScreen), "the add dialog")
        await paste(pilot, send.message_id)
        await pilot.press("tab")
        await paste(pilot, send.token_id)
        await pilot.press("ctrl+s")
        await until(pilot, lambda: sidebar_keys(app) == [send.key], "the new entry")
        assert not hint.display and app.monitor.detail.display
        assert "No sends watched yet." not in screen(app)
        assert keys_on_disk(env) == [send.key]
        await until(pilot, lambda: has_data(app, send.key), "its first read")


async def test_a_corrupt_watch_list_is_set_aside_with_a_message(
    sim: Simulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Start the way `sendwatch` does (launch.run_monitor), on the user's own dirs."""
    monkeypatch.setenv(DEMO_SECRET_ENV, Simulator.CLIENT_SECRET)
    folder = config_path().parent
    folder.mkdir(parents=True, exist_ok=True)
    config_path().write_text(
        "[settings]\nrefresh_interval = 0.05\nbell = false\n\n"
        f'[profiles.demo]\nauth = "oauth2"\nauth_url = "{sim.url}"\nrest_url = "{sim.url}"\n'
        f'client_id = "{Simulator.CLIENT_ID}"\nclient_secret_env = "{DEMO_SECRET_ENV}"\n'
    )
    garbage = b'version = 1\n[[sends]\nprofile = "demo"\x00\xff not toml\n'
    (folder / "watchlist.toml").write_bytes(garbage)

    started: list[SendwatchApp] = []
    frozen: list[int] = []

    def run(self: SendwatchApp, *args: object, **kwargs: object) -> None:
        started.append(self)
        frozen.append(gc.get_freeze_count())

    monkeypatch.setattr(SendwatchApp, "run", run)
    try:
        assert launch.run_monitor() == 0
    finally:
        gc.unfreeze()
    (app,) = started
    assert frozen[0] > 1000, "startup objects are kept out of every full collection"

    aside = [p for p in folder.iterdir() if p.name.startswith("watchlist.toml.corrupt")]
    assert len(aside) == 1 and aside[0].read_bytes() == garbage
    assert not (folder / "watchlist.toml").exists()
    async with running(app, WIDE, notifications=True) as pilot:
        await until(pilot, lambda: "was corrupt" in screen(app), "the warning")
        assert aside[0].name in "".join(screen(app).split()).replace("▕▌", "")  # a full path
        assert "not lost" in " ".join(screen(app).split())
        assert "No sends watched yet." in screen(app)
    if app.history is not None:
        app.history.close()


async def test_history_of_sends_removed_long_ago_is_pruned_at_start(env: Env) -> None:
    """A removed 100k send's rows would otherwise grow history.sqlite3 for ever."""
    kept = env.send("kept")
    env.watch(kept)
    now = datetime.now(UTC)
    with History(env.history_path) as history:
        for key, days in (("gone/long ago", 40), ("gone/lately", 3), (kept.key, 400)):
            history.record_status(key, "Finished", now - timedelta(days=days))
    app = env.app()
    async with running(app) as pilot:
        prune = app.prune_worker  # kept by the app: it may be over already, never unlisted
        assert prune, "the app starts a prune"
        await prune.wait()
        await pilot.pause()
    with History(env.history_path) as history:
        assert history.status_observations("gone/long ago") == []
        assert history.status_observations("gone/lately") != []
        assert history.status_observations(kept.key) != [], "watched sends are never pruned"


# --------------------------------------------------------------------------- bugs


async def test_the_drilldown_shows_the_history_of_the_send_it_was_opened_on(env: Env) -> None:
    """Open a number on send A, Esc, open the same number on send B: the 'Observed by
    sendwatch' part showed A's history (the reused screen read the old send's key)."""
    numbers = ["15550100001", "15550100002"]
    a, b = env.send("A", numbers), env.send("B", numbers)
    env.sim.advance(600)  # both finished: one read each
    env.watch(a, b)
    earlier = datetime(2020, 1, 2, 3, 4, 5, tzinfo=UTC)
    with History(env.history_path) as history:
        history.record_outcomes(a.key, {numbers[0]: "seen-on-A"}, earlier)
        history.record_outcomes(b.key, {numbers[0]: "seen-on-B"}, earlier)
    app = env.app()
    async with running(app, WIDE) as pilot:
        await until(pilot, lambda: all_have_data(app), "both reads")
        for send, mine, theirs in ((a, "seen-on-A", "seen-on-B"), (b, "seen-on-B", "seen-on-A")):
            app.monitor.select_send(send.key)
            grid = app.monitor.detail.grid
            await until(pilot, lambda g=grid: g.row_count == 2, f"{send.label}'s rows")
            assert grid.move_to_number(numbers[0])
            grid.focus()
            await pilot.press("enter")
            await until(pilot, lambda: isinstance(app.screen, RecipientScreen), "the drill-down")
            await until(pilot, lambda m=mine: m in text_of(app, "#rc-history"), f"{mine}")
            assert theirs not in text_of(app, "#rc-history")
            assert f"send: {send.label}" in screen(app)
            await pilot.press("escape")
            await until(pilot, lambda: not isinstance(app.screen, RecipientScreen), "back")


async def test_a_send_whose_profile_is_gone_shows_why_and_the_rest_works(env: Env) -> None:
    """A renamed profile, or a shared watch list: the monitor crashed with a KeyError and
    a traceback with locals. Now the send says what is wrong; the others poll."""
    good = env.send("Good", 5)
    env.sim.advance(600)
    ghost = WatchedSend("gone", good.message_id, good.token_id, good.kind, "Ghost")
    env.watch(ghost, good)
    app = env.app()
    async with running(app, WIDE) as pilot:
        await until(pilot, lambda: all_have_data(app) or has_data(app, good.key), "a read")
        state = app.model.state(ghost.key)
        await until(pilot, lambda: app.model.state(ghost.key).error is not None, "its error")  # type: ignore[union-attr]
        state = app.model.state(ghost.key)
        assert state is not None and "profile 'gone' is not configured" in str(state.error)
        await until(pilot, lambda: "not configured" in screen(app), "the error on screen")
        assert has_data(app, good.key)
        assert app.is_running


# --------------------------------------------------------------------------- keys


async def test_the_readme_key_table_is_the_bindings(env: Env) -> None:
    """The table is generated from the bindings; nothing in the README is hand-listed."""
    from tui.ui.keys import markdown_table

    app = env.app()
    async with running(app) as pilot:
        await pilot.pause()
        table = markdown_table(app, app.help_sections())
    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text()
    assert table in readme, f"README.md's key table should be:\n{table}"
    ids = [line.rsplit("`", 2)[-2] for line in table.splitlines()[2:]]
    assert len(ids) == len(set(ids)), "every binding has its own id"
    for expected in (
        "app.quit",
        "monitor.refresh",
        "sidebar.move_up",
        "grid.filter",
        "recipient.copy",
    ):
        assert expected in ids


async def test_keymap_remaps_by_id_and_help_shows_it_and_bad_ids_are_named(env: Env) -> None:
    keymap = {"monitor.refresh": "f5", "monitor.pauze": "x"}
    env.config = structs.replace(env.config, keymap=keymap)
    send = env.send("Keyed", 5)
    env.sim.advance(600)
    env.watch(send)
    app = env.app()
    async with running(app, WIDE, notifications=True) as pilot:
        await until(pilot, lambda: has_data(app, send.key), "the first read")
        await until(pilot, lambda: "'monitor.pauze' is not a key" in screen(app), "the warning")
        assert "you mean 'monitor.pause'?" in screen(app)
        before = deliveries(env)
        await pilot.press("r")  # no longer refresh
        await pilot.pause()
        assert deliveries(env) == before
        await pilot.press("f5")
        await until(pilot, lambda: deliveries(env) > before, "f5 refreshes")
        await pilot.press("question_mark")
        await until(pilot, lambda: isinstance(app.screen, HelpScreen), "the help")
        help_text = screen(app)
        assert "f5" in help_text and "Read the selected send now" in help_text
