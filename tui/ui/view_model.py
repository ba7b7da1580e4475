"""What the monitor shows: the watched sends in order, each one's latest state, and the
selection. The one copy the UI keeps; widgets are handed what they draw from it.

Plain Python (no Textual), so it is tested without an app.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace

from tui.core.alerts import AlertKind, Attention, attention
from tui.core.state import SendState
from tui.core.store.watchlist import WatchedSend


@dataclass(frozen=True, slots=True)
class Rebuilt:
    """What a new watch list meant for the refresher."""

    added: tuple[WatchedSend, ...]
    removed: tuple[str, ...]


class MonitorModel:
    """The sends in watch-list order (a dict keeps it) with their latest `SendState`, and
    the selected one."""

    def __init__(self, sends: Iterable[WatchedSend] = (), selected: str | None = None) -> None:
        self._states: dict[str, SendState] = {s.key: SendState(s) for s in sends}
        self.selected: str | None = None
        self.select(selected)

    # --- reading --------------------------------------------------------------------

    @property
    def states(self) -> Sequence[SendState]:
        """Every send's state, in watch-list order."""
        return list(self._states.values())

    @property
    def keys(self) -> Sequence[str]:
        return list(self._states)

    def __len__(self) -> int:
        return len(self._states)

    def __contains__(self, key: object) -> bool:
        return key in self._states

    def state(self, key: str) -> SendState | None:
        return self._states.get(key)

    def index(self, key: str | None) -> int | None:
        return list(self._states).index(key) if key in self._states else None

    @property
    def selected_index(self) -> int | None:
        return self.index(self.selected)

    @property
    def selected_state(self) -> SendState | None:
        return self._states.get(self.selected) if self.selected is not None else None

    def needing_attention(
        self, held: Callable[[str], frozenset[AlertKind]] = lambda _: frozenset()
    ) -> list[tuple[SendState, Attention]]:
        """Each send needing a look and why: its read failed (stale or no data), it is in
        Error, or a held alert (`held`: failing, stalled) is on for it."""
        found = ((s, attention(s, held(s.key))) for s in self.states)
        return [(s, reason) for s, reason in found if reason is not None]

    # --- changing -------------------------------------------------------------------

    def apply(self, state: SendState) -> bool:
        """Take a published state; False when its send is no longer listed (a late read)."""
        if state.key not in self._states:
            return False
        self._states[state.key] = state
        return True

    def select(self, key: str | None) -> bool:
        """Select `key` (the first send when it is not listed); True if the selection moved."""
        if key not in self._states:
            key = next(iter(self._states), None)
        moved = key != self.selected
        self.selected = key
        return moved

    def select_index(self, index: int) -> bool:
        keys = list(self._states)
        if not keys:
            return self.select(None)
        return self.select(keys[max(0, min(index, len(keys) - 1))])

    def rebuild(self, sends: Sequence[WatchedSend], selected: str | None) -> Rebuilt:
        """Follow the watch list as the file has it now (another window may have edited
        it): known sends keep their state, with the new metadata."""
        old = self._states
        self._states = {}
        added: list[WatchedSend] = []
        for send in sends:
            state = old.get(send.key)
            if state is None:
                added.append(send)
                state = SendState(send)
            elif state.send != send:
                state = _with_send(state, send)
            self._states[send.key] = state
        removed = tuple(key for key in old if key not in self._states)
        self.select(selected)
        return Rebuilt(tuple(added), removed)


def _with_send(state: SendState, send: WatchedSend) -> SendState:
    return replace(state, send=send, changed=frozenset(), became_final=False)
