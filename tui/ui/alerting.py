"""The monitor's alerts: the core's `Alert`s as toasts and the bell, and one count of the
sends needing attention, for the header and the terminal title.

The rules live in `core/alerts.py`; this only shows what they decide.
"""

from __future__ import annotations

from typing import Any

from textual.screen import Screen

from tui.core.alerts import AlertWatch, attention_summary
from tui.core.state import SendState
from tui.ui.services import Services

HEADER_MARGIN = 20
"""Columns of the header that are not its title's: the icon and the clock space."""


class Alerting:
    """Alerts for the sends `screen` shows (the monitor), told on `screen`."""

    def __init__(self, screen: Screen[Any], services: Services) -> None:
        self.screen = screen
        self.services = services
        settings = services.config.settings
        self.watch = AlertWatch(services.config.alerts, bell=settings.bell)

    def observe(self, previous: SendState, state: SendState) -> None:
        """A new read of a send: toast each alert it fires, ring once if any asks to."""
        alerts = self.watch.observe(previous, state, self.services.clock.now())
        for alert in alerts:
            self.screen.notify(
                alert.message,
                title=alert.title,
                severity=alert.severity,
                timeout=None if alert.severity == "information" else 20,
                markup=False,
            )
        if any(alert.bell for alert in alerts):
            self.screen.app.bell()

    def summary(self, room: int) -> str:
        """The header's words for what needs attention ("" when nothing does), in at
        most `room` columns of the header's width when it can; the terminal title
        follows the count (written only when it changes)."""
        model = self.services.model
        self.watch.keep(model.keys)
        reasons = [reason for _, reason in model.needing_attention(self.watch.held)]
        self.services.title.show(len(reasons))
        return attention_summary(reasons, room - HEADER_MARGIN)
