"""Profiles in the monitor, driven by Pilot against the simulator: the sidebar names each
send's profile when there are several, the add dialog starts on the profile used last
and says in place when a send is already watched, and a problem only the config can fix
is told once per profile with what to do, never "press r" on every send."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from msgspec import structs
from textual.widgets import Button, Select

from tests.test_app import (
    SIZE,
    WIDE,
    Env,
    entry,
    has_data,
    keys_on_disk,
    paste,
    running,
    screen,
    selected_key,
    text_of,
    until,
)
from tui.cli.demo import DEMO_PROFILE, DEMO_SECRET_ENV, demo_config
from tui.core.store.watchlist import WatchedSend
from tui.sim import Simulator
from tui.ui.screens.add_send import AddSendScreen

OTHER = "acme-eu"

pytestmark = pytest.mark.usefixtures("utc")


@pytest.fixture
def env(sim: Simulator, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Env]:
    """The demo profile and a second one, `acme-eu`, on the same simulator."""
    monkeypatch.setenv(DEMO_SECRET_ENV, Simulator.CLIENT_SECRET)
    config = demo_config(sim, tmp_path, refresh_interval=0.05)
    other = structs.replace(config.profiles[DEMO_PROFILE], name=OTHER)
    config = structs.replace(config, profiles={**config.profiles, OTHER: other})
    environment = Env(sim, tmp_path, config)
    yield environment
    for history in environment.histories:
        history.close()


def on(profile: str, send: WatchedSend, *, minutes_ago: int = 0, label: str = "") -> WatchedSend:
    added = datetime.now(UTC) - timedelta(minutes=minutes_ago)
    return WatchedSend(
        profile, send.message_id, send.token_id, send.kind, label or send.label, added
    )


def toasts(env_app: object, title: str) -> list[str]:
    return [n.message for n in env_app._notifications if n.title == title]  # type: ignore[attr-defined]


# --------------------------------------------------------------------------- sidebar


async def test_each_entry_names_its_profile_and_counts_stay_whole_at_80x24(env: Env) -> None:
    mine = env.send("Appointment reminders for the whole of next week", 30)
    theirs = on(OTHER, env.send("Black Friday", 1200))
    env.sim.advance(3600)
    env.watch(mine, theirs)
    app = env.app()
    async with running(app, SIZE) as pilot:
        await until(pilot, lambda: has_data(app, mine.key) and has_data(app, theirs.key), "reads")
        first, counts = entry(app, mine.key).split(" | ")
        assert first.startswith("✓ Appointment") and first.endswith(" @demo")
        assert "…" in first  # the label was cut to keep the tag, not the other way round
        assert entry(app, theirs.key).split(" | ")[0].endswith(" @acme-eu")
        delivered = app.model.state(theirs.key).delivery.counts.delivered  # type: ignore[union-attr]
        assert f"✓{delivered:,}" in entry(app, theirs.key)  # a whole number, never cut
        assert "@demo" in screen(app) and "@acme-eu" in screen(app)
        assert counts.strip().startswith("Finished")


async def test_with_one_profile_no_entry_names_it(env: Env) -> None:
    env.config = structs.replace(
        env.config, profiles={DEMO_PROFILE: env.config.profiles[DEMO_PROFILE]}
    )
    send = env.send("Solo", 3)
    env.watch(send)
    app = env.app()
    async with running(app, WIDE) as pilot:
        await until(pilot, lambda: has_data(app, send.key), "the read")
        assert "@demo" not in entry(app, send.key)


# --------------------------------------------------------------------------- add dialog


async def test_the_add_dialog_starts_on_the_profile_used_last(env: Env) -> None:
    old = on(OTHER, env.send("Old", 2), minutes_ago=60)
    new = on(DEMO_PROFILE, env.send("New", 2), minutes_ago=1)
    env.watch(new, old)  # the list's order is not what counts: when each was added is
    app = env.app()
    async with running(app, WIDE) as pilot:
        await pilot.press("a")
        await until(pilot, lambda: isinstance(app.screen, AddSendScreen), "the add dialog")
        assert app.screen.query_one("#profile", Select).value == DEMO_PROFILE
        await pilot.press("escape")
        await until(pilot, lambda: not isinstance(app.screen, AddSendScreen), "closed")

        third = env.send("Third", 2)
        await pilot.press("a")
        await until(pilot, lambda: isinstance(app.screen, AddSendScreen), "the add dialog")
        select = app.screen.query_one("#profile", Select)
        select.value = OTHER
        await pilot.pause()
        await paste(pilot, third.message_id)
        await pilot.press("tab")
        await paste(pilot, third.token_id)
        await pilot.press("ctrl+s")
        await until(pilot, lambda: not isinstance(app.screen, AddSendScreen), "added")
        await until(pilot, lambda: len(keys_on_disk(env)) == 3, "saved")

        await pilot.press("a")  # now the one just used
        await until(pilot, lambda: isinstance(app.screen, AddSendScreen), "the add dialog")
        assert app.screen.query_one("#profile", Select).value == OTHER


async def test_without_sends_the_dialog_starts_on_default_profile(env: Env) -> None:
    settings = structs.replace(env.config.settings, default_profile=OTHER)
    env.config = structs.replace(env.config, settings=settings)
    app = env.app()
    async with running(app, WIDE) as pilot:
        await pilot.press("a")
        await until(pilot, lambda: isinstance(app.screen, AddSendScreen), "the add dialog")
        assert app.screen.query_one("#profile", Select).value == OTHER


async def test_the_add_button_on_a_watched_send_says_so_in_place(env: Env) -> None:
    send = env.send("Watched", 3)
    env.watch(send)
    app = env.app()
    async with running(app, WIDE, notifications=True) as pilot:
        await until(pilot, lambda: has_data(app, send.key), "the read")
        await pilot.press("a")
        await until(pilot, lambda: isinstance(app.screen, AddSendScreen), "the add dialog")
        app.screen.query_one("#profile", Select).value = DEMO_PROFILE
        await pilot.pause()
        await paste(pilot, send.message_id)
        await pilot.press("tab")
        await paste(pilot, send.token_id)
        app.screen.query_one("#add", Button).focus()
        await pilot.press("enter")  # the Add button itself
        await pilot.pause()
        assert isinstance(app.screen, AddSendScreen)
        message = text_of(app, "#form-error")
        assert message == "This messageContact send is already watched with profile demo."
        assert message in screen(app)
        assert not app._notifications  # no toast, let alone one of success
        assert keys_on_disk(env) == [send.key]


async def test_a_send_another_window_added_meanwhile_is_not_added_twice(env: Env) -> None:
    first, later = env.send("First", 3), env.send("Later", 3)
    env.watch(first)
    app = env.app()
    async with running(app, WIDE, notifications=True) as pilot:
        await until(pilot, lambda: has_data(app, first.key), "the read")
        await pilot.press("a")
        await until(pilot, lambda: isinstance(app.screen, AddSendScreen), "the add dialog")
        app.screen.query_one("#profile", Select).value = DEMO_PROFILE
        await pilot.pause()
        await paste(pilot, later.message_id)
        await pilot.press("tab")
        await paste(pilot, later.token_id)
        env.load().add(later)  # another window, while the dialog is open
        await pilot.press("ctrl+s")
        await until(pilot, lambda: not isinstance(app.screen, AddSendScreen), "closed")

        def warned() -> bool:
            return any("already watched" in n.message for n in app._notifications)

        await until(pilot, warned, "the warning")
        assert keys_on_disk(env) == [first.key, later.key]
        assert selected_key(app) == later.key
        assert not any(n.severity == "information" for n in app._notifications)


# --------------------------------------------------------------------------- profile problems


async def test_a_missing_profile_is_told_once_with_what_to_do(env: Env) -> None:
    good = env.send("Good", 5)
    ghosts = [on("gone", env.send(f"Ghost {n}", 2)) for n in range(3)]
    env.watch(*ghosts, good)
    app = env.app()
    async with running(app, WIDE, notifications=True) as pilot:
        await until(pilot, lambda: has_data(app, good.key), "the good send's read")
        await until(
            pilot,
            lambda: all(app.model.state(g.key).error is not None for g in ghosts),  # type: ignore[union-attr]
            "every ghost's error",
        )
        await pilot.pause()
        (toast,) = toasts(app, "Profile gone")
        assert "profile 'gone' is not configured" in toast
        assert "To fix: add [profiles.gone] to config.toml" in toast
        problem = text_of(app, "#problem")
        assert "Cannot read this send" in problem and "profile 'gone' is not configured" in problem
        assert "To fix: add [profiles.gone] to config.toml and restart sendwatch" in problem
        assert "move the send: remove it and add it again with another profile" in problem
        assert "press r" not in problem
        assert "(Every send of profile gone needs it.)" in problem

        await pilot.press("r")  # reading again: the same problem, no second toast
        await until(pilot, lambda: app.refresher.quiet(), "the refresh")
        await pilot.pause()
        assert len(toasts(app, "Profile gone")) == 1
        assert has_data(app, good.key)


async def test_a_missing_secret_variable_is_told_once_for_its_profile(
    env: Env, monkeypatch: pytest.MonkeyPatch
) -> None:
    other = structs.replace(env.config.profiles[OTHER], client_secret_env="ACME_EU_SECRET")
    env.config = structs.replace(env.config, profiles={**env.config.profiles, OTHER: other})
    monkeypatch.delenv("ACME_EU_SECRET", raising=False)
    theirs = [on(OTHER, env.send(f"EU {n}", 2)) for n in range(2)]
    ours = env.send("Ours", 2)
    env.watch(*theirs, ours)
    app = env.app()
    async with running(app, WIDE, notifications=True) as pilot:
        await until(pilot, lambda: has_data(app, ours.key), "our read")
        await until(
            pilot,
            lambda: all(app.model.state(s.key).error is not None for s in theirs),  # type: ignore[union-attr]
            "their errors",
        )
        await pilot.pause()
        (toast,) = toasts(app, f"Profile {OTHER}")
        assert "ACME_EU_SECRET (client_secret_env) is not set" in toast
        assert "set ACME_EU_SECRET in the environment sendwatch starts from" in toast
        assert "press r" not in text_of(app, "#problem")
