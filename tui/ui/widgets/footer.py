"""The footer, recomposed only when what it shows changed.

Textual's `Footer` rebuilds every key widget whenever a screen's bindings may have
changed: on each focus move and each screen switch. Restyling those widgets was the
largest cost of opening and closing a screen; here a switch that shows the same keys
costs nothing, and a changed key (Pause → Resume) still recomposes.
"""

from __future__ import annotations

from textual.screen import Screen
from textual.widgets import Footer

Shown = tuple[tuple[str, str, str, bool, str], ...]


def shown_keys(screen: Screen[object]) -> Shown:
    """What a footer on `screen` would show: key, action, description, enabled, tooltip."""
    return tuple(
        (binding.key, binding.action, binding.description, enabled, tooltip)
        for _, binding, enabled, tooltip in screen.active_bindings.values()
        if binding.show
    )


class SteadyFooter(Footer):
    """A `Footer` that skips recomposing when the keys it shows are the same."""

    def __init__(self) -> None:
        super().__init__()
        self.shown: Shown | None = None

    def bindings_changed(self, screen: Screen[object]) -> None:
        shown = shown_keys(screen)
        if shown == self.shown and self.children:
            return
        if screen.app.app_focus:  # else Textual skips this recompose: keep asking
            self.shown = shown
        super().bindings_changed(screen)
