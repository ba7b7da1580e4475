"""The command palette (ctrl+p): jump to any watched send by label or id."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

from textual.command import DiscoveryHit, Hit, Hits, Provider

from tui.core.text import safe_text
from tui.ui.monitor import MonitorScreen


def literal(text: str) -> str:
    """Text the palette shows as is: it reads prompts as markup, and textual's own
    `escape` leaves `[50%]` alone, which markup then swallows."""
    return safe_text(text).replace("[", "\\[")


class SendCommands(Provider):
    """One command per watched send: 'Go to <label> <ids>'."""

    def _candidates(self) -> list[tuple[str, Callable[[], None], str]]:
        monitor = self.app.screen_stack[0] if self.app.screen_stack else None
        if not isinstance(monitor, MonitorScreen):
            return []
        # The palette reads prompts and help as markup: labels are text, so escape them.
        return [
            (
                literal(f"{s.display_name}  {s.message_id} {s.token_id}"),
                partial(monitor.select_send, s.key),
                literal(f"{s.kind} on profile {s.profile}"),
            )
            for s in (state.send for state in monitor.model.states)
        ]

    async def discover(self) -> Hits:
        for text, command, help_text in self._candidates():
            yield DiscoveryHit(f"Go to {text}", command, help=help_text)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for text, command, help_text in self._candidates():
            score = matcher.match(text)
            if score > 0:
                yield Hit(score, matcher.highlight(text), command, help=help_text)
