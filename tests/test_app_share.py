"""Export (`x`), copy (`y`) and ticket note (`Y`) in the real app, against the simulator.

The bytes a copy writes are caught where each route writes them: Textual's OSC 52 at the
headless driver's `write` (what `App.copy_to_clipboard` calls), the tmux route at the
writer the app's driver would attach (`Clipboard.attach`).
"""

from __future__ import annotations

import csv
import io
import threading
from pathlib import Path
from typing import Any

import pytest
from msgspec import structs
from textual.drivers.headless_driver import HeadlessDriver
from textual.widgets import TextArea

from tests.test_app import (
    ERROR_TIMEOUT,
    Env,
    env,
    has_data,
    running,
    screen,
    text_of,
    until,
)
from tui.core.store.config import ClipboardRoute
from tui.core.ticket import ticket_note
from tui.sim import Fault
from tui.ui import sharing
from tui.ui.app import SendwatchApp
from tui.ui.clipboard import osc52, tmux_passthrough
from tui.ui.screens.copied import CopiedScreen
from tui.ui.screens.export_options import ExportScreen
from tui.ui.screens.recipient import RecipientScreen

__all__ = ["env"]  # the fixture, used by name below

pytestmark = pytest.mark.usefixtures("utc")


@pytest.fixture
def terminal(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every sequence the app writes to its (headless) terminal."""
    written: list[str] = []
    monkeypatch.setattr(HeadlessDriver, "write", lambda self, data: written.append(data))
    return written


@pytest.fixture
def downloads(isolated_dirs: Path) -> Path:
    folder = isolated_dirs / "Downloads"  # platformdirs' downloads folder, once it exists
    folder.mkdir()
    return folder


def route(env: Env, clipboard: ClipboardRoute) -> None:
    settings = structs.replace(env.config.settings, clipboard=clipboard)
    env.config = structs.replace(env.config, settings=settings)


def copied_text(app: SendwatchApp) -> str:
    assert isinstance(app.screen, CopiedScreen)
    return app.screen.query_one(TextArea).text


def clipboard_writes(written: list[str]) -> list[str]:
    return [w for w in written if "]52;" in w]


def toasts(app: SendwatchApp) -> str:
    return "\n".join(n.message for n in app._notifications)


async def finished_send(env: Env, app: SendwatchApp, pilot: Any, n: int = 60) -> None:
    key = env.load().sends[0].key
    await until(pilot, lambda: has_data(app, key), "the first read")
    await until(pilot, lambda: app.monitor.detail.grid.row_count == n, "every row")


def read_rows(path: Path) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(path.read_bytes().decode("utf-8-sig"))))


# --------------------------------------------------------------------------- export


async def test_x_exports_the_rows_the_filter_shows_off_the_ui_thread(
    env: Env, downloads: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    threads: list[threading.Thread] = []
    real = sharing.export_bytes

    def recording(*args: Any, **kwargs: Any) -> bytes:
        threads.append(threading.current_thread())
        return real(*args, **kwargs)

    monkeypatch.setattr(sharing, "export_bytes", recording)
    env.watch(env.send("Campaign", 60))
    env.sim.advance(600)
    app = env.app()
    async with running(app, notifications=True) as pilot:
        await finished_send(env, app, pilot)
        grid = app.monitor.detail.grid
        await pilot.press("enter", "f")  # the grid, failed only
        failed = grid.visible_recipients()
        assert 0 < len(failed) < 60, "the seed should give some failures"

        await pilot.press("x")
        await until(pilot, lambda: isinstance(app.screen, ExportScreen), "the export dialog")
        assert f"{len(failed)} of 60 recipients of Campaign (the grid's filter)" in screen(app)
        assert "Writes CSV, one row per recipient." in text_of(app, "#export-note")
        await pilot.press("enter")
        await until(pilot, lambda: "Wrote" in toasts(app), "the toast")

        (written,) = downloads.iterdir()
        assert written.name.startswith("sendwatch-campaign-") and written.suffix == ".csv"
        assert f"Wrote {len(failed)} recipients (CSV) to {written}" in toasts(app)
        assert f"Wrote {len(failed)} recipients (CSV) to" in screen(app)  # the toast is up
        rows = read_rows(written)
        assert [r["mobile_number"] for r in rows] == [r.mobile_number for r in failed]
        assert {r["outcome"] for r in rows} == {"failed"}
        assert threads and threading.main_thread() not in threads


async def test_export_as_json_with_events_masked_to_a_chosen_file(
    env: Env, downloads: Path, tmp_path: Path
) -> None:
    env.watch(env.send("Campaign", 5))
    env.sim.advance(600)
    app = env.app()
    app.display_options.masked = True  # as `m` leaves it
    async with running(app, notifications=True) as pilot:
        await finished_send(env, app, pilot, 5)
        await pilot.press("x")
        await until(pilot, lambda: isinstance(app.screen, ExportScreen), "the export dialog")
        assert "5 of 5 recipients of Campaign, numbers masked" in screen(app)
        await pilot.press("shift+tab", "space")  # every raw event
        await pilot.press("shift+tab", "right", "enter")  # JSON
        assert "Writes JSON, every raw event listed." in text_of(app, "#export-note")
        target = tmp_path / "out.json"
        field = app.screen.query_one("#export-path")
        field.value = str(target)  # type: ignore[attr-defined]
        await pilot.press("ctrl+s")
        await until(pilot, lambda: "Wrote" in toasts(app), "the toast")
        assert list(downloads.iterdir()) == []
        import json

        body = json.loads(target.read_bytes())
        numbers = [r["mobileNumber"] for r in body["recipients"]]
        assert len(numbers) == 5 and all("•••" in n for n in numbers)
        assert all(r["events"] for r in body["recipients"])
        assert body["masked"] is True and body["send"]["label"] == "Campaign"


async def test_a_failed_write_is_an_error_toast_and_the_monitor_goes_on(
    env: Env, downloads: Path, tmp_path: Path
) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    env.watch(env.send("Campaign", 5))
    env.sim.advance(600)
    app = env.app()
    async with running(app, notifications=True) as pilot:
        await finished_send(env, app, pilot, 5)
        await pilot.press("x")
        await until(pilot, lambda: isinstance(app.screen, ExportScreen), "the export dialog")
        field = app.screen.query_one("#export-path")
        field.value = str(blocker / "below.csv")  # type: ignore[attr-defined]
        await pilot.press("enter")
        await until(pilot, lambda: "Export failed" in toasts(app), "the error toast")
        (note,) = [n for n in app._notifications if "Export failed" in n.message]
        assert note.severity == "error"
        assert f"could not write {blocker / 'below.csv'}" in note.message
        assert app.screen is app.monitor and app.is_running
        await pilot.press("x")  # and it works again
        await until(pilot, lambda: isinstance(app.screen, ExportScreen), "the dialog again")
        await pilot.press("escape")
        await until(pilot, lambda: app.screen is app.monitor, "cancelled")
        assert list(downloads.iterdir()) == []


async def test_nothing_to_export_says_so(env: Env) -> None:
    env.watch(env.send("Waiting", 5))
    app = env.app()
    async with running(app, notifications=True) as pilot:
        await pilot.press("x")
        await pilot.pause()
        assert app.screen is app.monitor
        assert "nothing to export" in toasts(app).lower()


# --------------------------------------------------------------------------- copy


async def test_y_in_the_grid_copies_the_number_by_osc52_and_shows_it(
    env: Env, terminal: list[str]
) -> None:
    env.watch(env.send("Campaign", 5))
    env.sim.advance(600)
    app = env.app()
    async with running(app) as pilot:
        await finished_send(env, app, pilot, 5)
        grid = app.monitor.detail.grid
        await pilot.press("enter", "down")
        number = grid.recipient_at(1).mobile_number  # type: ignore[union-attr]
        terminal.clear()
        await pilot.press("y")
        await until(pilot, lambda: isinstance(app.screen, CopiedScreen), "the copy modal")
        assert copied_text(app) == number
        assert clipboard_writes(terminal) == [osc52(number)]
        assert "Copied: mobile number" in screen(app)
        words = text_of(app, "#copied-route")
        assert 'Sent by OSC 52 (clipboard = "osc52")' in words
        assert "may drop OSC 52 silently" in words
        await pilot.press("escape")
        await until(pilot, lambda: app.screen is app.monitor, "closed")
        assert app.focused is grid

        app.display_options.masked = True
        await pilot.press("y")
        await until(pilot, lambda: isinstance(app.screen, CopiedScreen), "the copy modal")
        assert copied_text(app) == number[:4] + "•••" + number[-4:]
        assert number not in "".join(terminal)


async def test_y_in_the_sidebar_copies_both_ids(env: Env, terminal: list[str]) -> None:
    send = env.send("Campaign", 5)
    env.watch(send)
    app = env.app()
    async with running(app) as pilot:
        await pilot.press("y")
        await until(pilot, lambda: isinstance(app.screen, CopiedScreen), "the copy modal")
        assert copied_text(app) == f"{send.message_id} {send.token_id}"
        assert clipboard_writes(terminal) == [osc52(f"{send.message_id} {send.token_id}")]
        await pilot.press("q")  # closes the modal, never quits from it
        await until(pilot, lambda: app.screen is app.monitor, "closed")
        assert app.is_running


async def test_y_on_the_error_box_copies_the_reference_id(env: Env) -> None:
    send = env.send("Broken", 5)
    env.sim.inject(send.token_id, Fault(kind="unexpected", times=None))
    env.watch(send)
    app = env.app()
    async with running(app) as pilot:
        await until(
            pilot, lambda: app.model.state(send.key).error is not None, "the error", ERROR_TIMEOUT
        )
        error = app.model.state(send.key).error  # type: ignore[union-attr]
        reference = getattr(error, "reference_id", None)
        assert reference
        await pilot.press("tab")
        assert app.focused is app.screen.query_one("#problem")
        await pilot.press("y")
        await until(pilot, lambda: isinstance(app.screen, CopiedScreen), "the copy modal")
        assert copied_text(app) == reference
        assert "Copied: reference id" in screen(app)


async def test_y_in_the_drilldown_copies_its_number(env: Env, terminal: list[str]) -> None:
    env.watch(env.send("Campaign", 5))
    env.sim.advance(600)
    app = env.app()
    async with running(app) as pilot:
        await finished_send(env, app, pilot, 5)
        await pilot.press("enter", "down", "down", "enter")
        await until(pilot, lambda: isinstance(app.screen, RecipientScreen), "the drill-down")
        number = app.monitor.detail.grid.recipient_at(2).mobile_number  # type: ignore[union-attr]
        terminal.clear()
        await pilot.press("y")
        await until(pilot, lambda: isinstance(app.screen, CopiedScreen), "the copy modal")
        assert copied_text(app) == number
        assert clipboard_writes(terminal) == [osc52(number)]
        await pilot.press("escape")
        await until(pilot, lambda: isinstance(app.screen, RecipientScreen), "back")


async def test_shift_y_copies_the_ticket_note_through_tmux(env: Env, terminal: list[str]) -> None:
    route(env, "tmux")
    send = env.send("Campaign", 60)
    env.watch(send)
    env.sim.advance(600)
    app = env.app()
    tmux: list[str] = []
    async with running(app) as pilot:
        app.copies.attach(tmux.append)  # where the app's real driver would be attached
        await finished_send(env, app, pilot)
        state = app.model.state(send.key)
        assert state is not None and state.delivery is not None
        assert state.delivery.counts.failed
        terminal.clear()
        await pilot.press("Y")
        await until(pilot, lambda: isinstance(app.screen, CopiedScreen), "the copy modal")
        note = ticket_note(state)
        assert copied_text(app) == note
        assert tmux == [tmux_passthrough(osc52(note))]
        assert clipboard_writes(terminal) == [], "no plain OSC 52 besides"
        assert "**Failures by code**" in note and send.token_id in note
        assert "Copied: ticket note" in screen(app)
        assert "tmux's passthrough" in text_of(app, "#copied-route")


async def test_off_sends_nothing_and_says_so(env: Env, terminal: list[str]) -> None:
    route(env, "off")
    env.watch(env.send("Campaign", 5))
    app = env.app()
    async with running(app) as pilot:
        terminal.clear()
        await pilot.press("Y")
        await until(pilot, lambda: isinstance(app.screen, CopiedScreen), "the copy modal")
        assert clipboard_writes(terminal) == []
        assert "Not copied: ticket note" in screen(app)
        assert 'clipboard = "off" in config.toml' in text_of(app, "#copied-route")
        assert "### Campaign" in copied_text(app)
