"""The theme the user picked (command palette, "theme") is the one the next start opens with."""

from __future__ import annotations

import logging
from pathlib import Path

from textual.app import App
from textual.theme import Theme

from tui.core.api.errors import SendwatchError
from tui.core.store.ui_state import load_ui_state, save_theme

log = logging.getLogger("sendwatch.theme")


class ThemeMemory:
    """Restores the saved theme on mount and saves each one the user chooses after."""

    def __init__(self, app: App[None], path: Path | None = None) -> None:
        self.app = app
        self.path = path
        self.saved: str | None = None
        self.failed = False
        """A save failed and the user was told: the next failure is only logged."""

    def restore(self) -> None:
        """Call from `on_mount`: themes a user registered are known by then."""
        self.saved = load_ui_state(self.path).theme
        if self.saved is not None and self.saved in self.app.available_themes:
            self.app.theme = self.saved
        self.app.theme_changed_signal.subscribe(self.app, self.on_theme_changed)

    def on_theme_changed(self, theme: Theme) -> None:
        if theme.name == self.saved:
            return  # the restore itself, or a theme chosen again
        try:
            save_theme(theme.name, self.path)
        except (SendwatchError, OSError) as exc:
            log.warning("theme not saved: %s", exc)
            if not self.failed:
                self.failed = True
                self.app.notify(
                    f"The theme is not remembered: {exc}", severity="warning", markup=False
                )
            return
        self.saved = theme.name
