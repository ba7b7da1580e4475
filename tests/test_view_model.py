"""The monitor's one view-model, without an app: order, selection, late reads, rebuilds."""

from __future__ import annotations

from dataclasses import replace

from tui.core.alerts import Attention
from tui.core.api.errors import NetworkError
from tui.core.api.model import SendKind
from tui.core.state import SendState
from tui.core.store.watchlist import WatchedSend
from tui.ui.view_model import MonitorModel


def send(token: str, label: str = "") -> WatchedSend:
    return WatchedSend("demo", "MzA6Nzg6MA", token, SendKind.MESSAGE_CONTACT, label)


A, B, C = send("tokA"), send("tokB"), send("tokC")


def test_order_and_selection_follow_the_watch_list() -> None:
    model = MonitorModel([A, B, C], selected=B.key)
    assert list(model.keys) == [A.key, B.key, C.key]
    assert model.selected == B.key and model.selected_index == 1
    assert MonitorModel([A, B], selected="gone").selected == A.key, "unknown: the first"
    assert MonitorModel([]).selected is None
    assert model.select_index(99) and model.selected == C.key, "clamped to the last"
    assert not model.select(C.key), "no move, no news"


def test_a_read_replaces_the_state_and_a_late_read_is_dropped() -> None:
    model = MonitorModel([A, B])
    failed = replace(SendState(A), error=NetworkError("timeout", "slow"))
    assert model.apply(failed)
    assert model.state(A.key) is failed
    assert model.needing_attention() == [(failed, Attention.READ_ERROR)]
    assert not model.apply(SendState(C)), "a send no longer listed"
    assert C.key not in model


def test_rebuild_keeps_states_takes_new_labels_and_reports_changes() -> None:
    model = MonitorModel([A, B], selected=B.key)
    failed = replace(SendState(B), error=NetworkError("timeout", "slow"))
    model.apply(failed)
    renamed = replace(B, label="Renamed")
    rebuilt = model.rebuild([renamed, C], selected=None)
    assert rebuilt.added == (C,) and rebuilt.removed == (A.key,)
    state = model.state(B.key)
    assert state is not None and state.error is failed.error and state.send.label == "Renamed"
    assert model.selected == B.key, "no selection given: the first send"
    assert [s.key for s in model.states] == [B.key, C.key]
