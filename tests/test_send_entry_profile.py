"""The profile tag of a sidebar entry: at the right edge, whole, and never at the cost of
a count; the label is cut first, the tag dropped only when there is no room for both."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from rich.cells import cell_len

from tui.core.api.parse import parse_delivery
from tui.core.state import SendState
from tui.core.store.watchlist import WatchedSend
from tui.ui.widgets.send_entry import PROFILE_TAG, entry_lines, plain

NOW = datetime(2026, 11, 26, 12, 0, tzinfo=UTC)


def state(label: str, profile: str = "prod", delivered: int = 12_345) -> SendState:
    send = WatchedSend(profile, "MSG1", "TOK1", "messageContact", label, NOW)
    tracking = [{"mobileNumber": str(i), "standardStatusCode": "4000"} for i in range(delivered)]
    body = {"status": "Finished", "count": delivered, "tracking": tracking}
    return SendState(send, delivery=parse_delivery(body), fetched_at=NOW)


def lines(s: SendState, width: int, profile: bool = True) -> tuple[str, str]:
    first, second = entry_lines(s, NOW, width, profile=profile)
    return plain(first), plain(second)


@pytest.mark.parametrize("width", [22, 24, 30, 40])
def test_the_tag_sits_at_the_right_edge_and_the_label_is_cut_first(width: int) -> None:
    first, second = lines(state("Black Friday blast for every customer"), width)
    assert first.endswith(" @prod")
    assert cell_len(first) == width  # right-aligned: the tags of all entries line up
    assert first.startswith("✓ Black") and "…" in first
    assert "✓12,345" in second  # the count is whole, as without a tag


def test_a_short_label_keeps_its_place_and_the_tag_still_goes_right() -> None:
    first, _ = lines(state("Resets"), 30)
    assert first.startswith("✓ Resets ") and first.endswith(" @prod")
    assert "…" not in first


def test_a_long_profile_name_is_cut_to_a_few_cells() -> None:
    first, _ = lines(state("Resets", profile="marketing-cloud-sandbox-eu"), 30)
    tag = first.split()[-1]
    assert tag.startswith("@marketi") and tag.endswith("…")
    assert cell_len(tag) == PROFILE_TAG


def test_too_narrow_for_both_drops_the_tag_not_the_label() -> None:
    first, _ = lines(state("Resets"), 12)
    assert "@" not in first
    assert first.startswith("✓ Resets")


def test_without_profile_nothing_changes() -> None:
    assert lines(state("Resets"), 30, profile=False)[0] == "✓ Resets"
