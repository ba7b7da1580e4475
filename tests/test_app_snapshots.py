"""Snapshots of the whole monitor on the demo's sends, frozen at a fixed moment.

The scene (tests/snapshot_apps/monitor_app.py) is deterministic: fixed seed, frozen
simulator, fixed clock, seeded jitter, a send that fails the same way every time. After an
intended UI change: `pytest tests/test_app_snapshots.py --snapshot-update`, then look at
the SVGs (rsvg-convert turns them into PNGs).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.snapshot_apps.monitor_app import SCENES, Scene, build_scene, run_before
from tui.core.glyphs import use_ascii

SMALL = (80, 24)
LARGE = (120, 40)


pytestmark = pytest.mark.usefixtures("utc")


@pytest.fixture
def scene_for(tmp_path: Path) -> Iterator[Any]:
    scenes: list[Scene] = []

    def make(name: str) -> Scene:
        workdir = tmp_path / name
        workdir.mkdir()
        spec = SCENES[name]
        scene = build_scene(
            workdir, selected=spec.selected, profiles=spec.profiles, plain=spec.plain
        )
        scenes.append(scene)
        return scene

    yield make
    for scene in scenes:
        scene.close()


def shoot(snap_compare: Any, scene_for: Any, name: str, size: tuple[int, int]) -> bool:
    scene = scene_for(name)
    return bool(snap_compare(scene.app, terminal_size=size, run_before=run_before(scene, name)))


@pytest.mark.parametrize("size", [SMALL, LARGE], ids=["80x24", "120x40"])
def test_monitor(snap_compare: Any, scene_for: Any, size: tuple[int, int]) -> None:
    """The demo's sends: live mid-progress, finished, 20,000, Error, another BU's token,
    and a stale one; the live send is selected."""
    assert shoot(snap_compare, scene_for, "monitor", size)


@pytest.mark.parametrize("size", [SMALL, LARGE], ids=["80x24", "120x40"])
def test_stale_send_selected(snap_compare: Any, scene_for: Any, size: tuple[int, int]) -> None:
    """A send whose reads now fail: last good data, marked stale, with the error."""
    assert shoot(snap_compare, scene_for, "error", size)


def test_foreign_token_selected(snap_compare: Any, scene_for: Any) -> None:
    """A token of another client: no data at all, only the error."""
    assert shoot(snap_compare, scene_for, "foreign", SMALL)


@pytest.mark.parametrize("size", [SMALL, LARGE], ids=["80x24", "120x40"])
def test_drilldown(snap_compare: Any, scene_for: Any, size: tuple[int, int]) -> None:
    assert shoot(snap_compare, scene_for, "recipient", size)


@pytest.mark.parametrize("size", [SMALL, LARGE], ids=["80x24", "120x40"])
def test_help(snap_compare: Any, scene_for: Any, size: tuple[int, int]) -> None:
    assert shoot(snap_compare, scene_for, "help", size)


@pytest.mark.parametrize("size", [SMALL, LARGE], ids=["80x24", "120x40"])
def test_add_invalid_id(snap_compare: Any, scene_for: Any, size: tuple[int, int]) -> None:
    assert shoot(snap_compare, scene_for, "add-invalid", size)


def test_masked_numbers(snap_compare: Any, scene_for: Any) -> None:
    """`m` on the monitor: the grid's numbers masked, "masked" in the header."""
    assert shoot(snap_compare, scene_for, "masked", SMALL)


def test_drilldown_masked(snap_compare: Any, scene_for: Any) -> None:
    """`m` on the drill-down: its number masked, and it says so."""
    assert shoot(snap_compare, scene_for, "recipient-masked", SMALL)


def test_mc_time(snap_compare: Any, scene_for: Any) -> None:
    """`t` on the monitor: every time in MC time (UTC−6), "MC time" in the header."""
    assert shoot(snap_compare, scene_for, "mc-time", SMALL)


def test_drilldown_mc_time(snap_compare: Any, scene_for: Any) -> None:
    """`t` on the drill-down: observed times and the message history in MC time."""
    assert shoot(snap_compare, scene_for, "recipient-mc-time", LARGE)


def test_copy_modal(snap_compare: Any, scene_for: Any) -> None:
    """`Y` on a finished send: the ticket note, the route used, and that it may be dropped."""
    assert shoot(snap_compare, scene_for, "copy", SMALL)


@pytest.mark.parametrize("size", [SMALL, LARGE], ids=["80x24", "120x40"])
def test_filter_bar(snap_compare: Any, scene_for: Any, size: tuple[int, int]) -> None:
    """`f` and `s`: the failed chip lit with its count, the sort named on the bar and
    marked ▼ in the grid's header."""
    assert shoot(snap_compare, scene_for, "filter", size)


@pytest.mark.parametrize("size", [SMALL, LARGE], ids=["80x24", "120x40"])
def test_failure_breakdown(snap_compare: Any, scene_for: Any, size: tuple[int, int]) -> None:
    """`b`, →, Enter: the breakdown by code focused on its second code, the grid filtered
    to it, and the code's chip on the bar."""
    assert shoot(snap_compare, scene_for, "breakdown", size)


@pytest.mark.parametrize("size", [SMALL, LARGE], ids=["80x24", "120x40"])
def test_two_profiles(snap_compare: Any, scene_for: Any, size: tuple[int, int]) -> None:
    """Each sidebar entry names its profile; the selected send's profile is not
    configured, and its detail says what to do instead of "press r"."""
    assert shoot(snap_compare, scene_for, "profiles", size)


def test_grid_search(snap_compare: Any, scene_for: Any) -> None:
    """`/` with matches: the search line and its count, the matched digits lit."""
    assert shoot(snap_compare, scene_for, "search", SMALL)


@pytest.fixture
def ascii_after() -> Iterator[None]:
    """`--plain` picks the process-wide glyph set: the next test gets Unicode again."""
    yield
    use_ascii(False)


@pytest.mark.usefixtures("ascii_after")
@pytest.mark.parametrize("name", ["plain", "plain-add"])
def test_plain(snap_compare: Any, scene_for: Any, name: str) -> None:
    """`--plain` at 80×24: ASCII symbols, bars, borders, cursor marker and Kind buttons."""
    assert shoot(snap_compare, scene_for, name, SMALL)


def test_no_color(snap_compare: Any, scene_for: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    """NO_COLOR at 80×24 (Textual reads it when the app is built): greys only, and the
    selected sidebar entry reversed, so it stays plain to see."""
    monkeypatch.setenv("NO_COLOR", "1")
    assert shoot(snap_compare, scene_for, "nocolor", SMALL)
