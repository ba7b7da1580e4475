"""What the monitor remembers between runs that is no setting: the theme the user chose.

Kept in `ui.json` under the data dir, not in config.toml: the config is the user's file
(comments, order) and sendwatch only writes it when asked to. A missing, unreadable or
damaged file is the defaults: forgetting a theme is no reason not to start. Writes are
atomic, so two windows choosing themes leave one whole file.
"""

from __future__ import annotations

import logging
from pathlib import Path

import msgspec

from tui.core.store.atomic import atomic_write
from tui.core.store.paths import data_dir

log = logging.getLogger("sendwatch.ui_state")

MAX_NAME = 64
"""Longest theme name kept: Textual's are short, a longer one is not a theme."""


class UiState(msgspec.Struct, frozen=True, omit_defaults=True):
    theme: str | None = None


def ui_state_path() -> Path:
    return data_dir() / "ui.json"


def load_ui_state(path: Path | None = None) -> UiState:
    """The remembered state, or the defaults when there is none to read."""
    target = path or ui_state_path()
    try:
        state = msgspec.json.decode(target.read_bytes(), type=UiState)
    except FileNotFoundError:
        return UiState()
    except (OSError, msgspec.DecodeError, msgspec.ValidationError) as exc:
        log.warning("ignoring %s: %s", target, exc)
        return UiState()
    if state.theme is not None and not _good_name(state.theme):
        return UiState()
    return state


def save_theme(theme: str, path: Path | None = None) -> None:
    """Remember `theme` for the next start (raises StorageError when it cannot)."""
    if not _good_name(theme):
        return
    target = path or ui_state_path()
    state = msgspec.structs.replace(load_ui_state(target), theme=theme)
    atomic_write(target, msgspec.json.encode(state) + b"\n", mode=0o600)


def _good_name(name: str) -> bool:
    return 0 < len(name) <= MAX_NAME and name.isprintable()
