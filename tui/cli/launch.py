"""Starting the monitor: load what is on disk, report what is wrong, never a traceback."""

from __future__ import annotations

import argparse
import contextlib
import gc
import io
import os
import re
import shutil
import sys
import tempfile
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

from msgspec import structs

from tui.cli.exits import EXIT_INTERNAL, err
from tui.core.api.errors import SendwatchError
from tui.core.store.config import Config, load_config
from tui.core.store.history import History
from tui.core.store.paths import config_path
from tui.core.store.watchlist import WatchList

if TYPE_CHECKING:
    from textual.app import App


def _open_history(path: Path | None = None) -> tuple[History | None, list[str]]:
    try:
        history = History(path)
    except (SendwatchError, OSError) as exc:
        return None, [f"Status history is off: {exc}"]
    return history, list(history.warnings)


def freeze_startup_objects() -> None:
    """Put everything loaded so far out of the cycle collector's reach.

    Modules, classes and config live as long as the process; walking them again in
    every full collection roughly doubled the pause after a 100,000-recipient read
    (the collection runs on whichever thread allocates, often the UI's). Collected
    first, so no garbage is frozen; objects made later are collected as usual.
    """
    gc.collect()
    gc.freeze()


_EXCEPTION_LINE = re.compile(r"^(?:[A-Za-z_][\w.]*\.)?[A-Z]\w*(?:Error|Exception|Warning|Exit)\b.*")


def crash_line(report: str) -> str:
    """The `Type: message` line that ends a traceback Textual rendered, however wide."""
    lines = [line.strip() for line in report.splitlines()]
    for n in range(len(lines) - 1, -1, -1):
        if _EXCEPTION_LINE.match(lines[n]):
            return " ".join(part for part in lines[n:] if part)
    return "the monitor stopped unexpectedly"


def run_app(app: App[None], *, headless: bool = False) -> int:
    """Run the app; a crash becomes one line and exit 70, never a traceback with locals.

    Textual prints an unhandled exception as a traceback with local variables (which can
    hold server text, or worse) on stderr once the screen is restored; it is caught here.
    """
    freeze_startup_objects()
    report = io.StringIO()
    with contextlib.redirect_stderr(report):
        app.run(headless=headless)
    text = report.getvalue()
    from tui.ui.signals import SIGNAL_EXIT_CODES

    crashed = app.return_code and app.return_code not in SIGNAL_EXIT_CODES
    if crashed and text.strip():
        if os.environ.get("SENDWATCH_DEBUG"):
            sys.stderr.write(text)
        else:
            err(f"internal error: {crash_line(text)} (SENDWATCH_DEBUG=1 shows more)")
        return EXIT_INTERNAL
    sys.stderr.write(text)
    return app.return_code or 0


def with_flags(config: Config, args: argparse.Namespace | None) -> Config:
    """The config with the command line's launch flags on top (`--mask`, `--plain`)."""
    flags = {
        setting: True
        for flag, setting in (("mask", "mask_numbers"), ("plain", "plain"))
        if getattr(args, flag, False)
    }
    if not flags:
        return config
    return structs.replace(config, settings=structs.replace(config.settings, **flags))


def run_monitor(args: argparse.Namespace | None = None) -> int:
    try:
        config = with_flags(load_config(), args)
        watchlist = WatchList()
        notes = watchlist.load()
    except SendwatchError as exc:
        print(f"sendwatch: error: {exc}", file=sys.stderr)
        return exc.exit_code
    history, more = _open_history()
    notes += more
    if not config.profiles:
        notes.append(f"No profiles configured yet: add one to {config_path()} (see README).")
    from tui.ui.app import SendwatchApp

    app = SendwatchApp(config, watchlist, history=history, banner="\n".join(notes) or None)
    return run_app(app)


def with_user_choices(config: Config) -> tuple[Config, str | None]:
    """`config` with the user's clipboard route and alerts, so the demo copies and
    alerts as the real monitor will; a config that does not load is said, not used."""
    try:
        user = load_config()
    except SendwatchError as exc:
        return config, f"Your config.toml was not used: {exc}"
    settings = structs.replace(config.settings, clipboard=user.settings.clipboard)
    return structs.replace(config, settings=settings, alerts=user.alerts), None


def run_demo(args: argparse.Namespace) -> int:
    """The monitor on an in-process simulator, in a throwaway directory."""
    from tui.cli.demo import DEMO_HEAD_START, DEMO_SECRET_ENV, demo_config, seed_demo
    from tui.sim import Simulator

    workdir = Path(tempfile.mkdtemp(prefix="sendwatch-demo-"))
    start = datetime.now(UTC) - timedelta(seconds=DEMO_HEAD_START)
    sim = Simulator(seed=args.seed, time_scale=args.time_scale, start=start)
    try:
        sim.start()
        os.environ[DEMO_SECRET_ENV] = Simulator.CLIENT_SECRET
        config, problem = with_user_choices(demo_config(sim, workdir))
        config = with_flags(config, args)
        watchlist = WatchList(workdir / "watchlist.toml")
        watchlist.load()
        for send in seed_demo(sim):
            watchlist.add(send)
        history, _ = _open_history(workdir / "history.sqlite3")
        from tui.ui.app import SendwatchApp

        banner = "Demo: six sends on a built-in simulator. Nothing here touches your config."
        banner += f"\n{problem}" if problem else ""
        return run_app(SendwatchApp(config, watchlist, history=history, banner=banner))
    finally:
        sim.stop()
        shutil.rmtree(workdir, ignore_errors=True)
