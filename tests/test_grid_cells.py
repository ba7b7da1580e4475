"""A row's cell texts without an app: hostile server text stays literal data."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from rich.cells import cell_len

from tui.core.api.model import Recipient, TrackingEvent, make_recipient
from tui.ui.widgets.grid.cells import (
    carrier_text,
    cells,
    code_text,
    fit,
    measure,
)

TODAY = date(2024, 11, 25)
ESCAPES = "\x1b[31mred\x1b]0;title\x07\x9b2J"
MARKUP = "[red]x[/red] [bold]y"
WIDE = "短信送达📱"  # 2 cells a character


def is_plain(text: str) -> bool:
    """No C0/C1 control or bidi override that a terminal could act on."""
    return not any(ord(c) < 0x20 or 0x7F <= ord(c) < 0xA0 or c in "\u202e\u2066" for c in text)


def event(message: str | None = "Carrier Success", code: int | None = 4000) -> TrackingEvent:
    return TrackingEvent("200", message, code, "Delivered to handset")


def test_escape_sequences_in_any_server_text_are_shown_not_sent() -> None:
    hostile = make_recipient(f"1555{ESCAPES}\u202e", [event(ESCAPES, None)])
    texts = cells(hostile, None, TODAY)
    assert all(is_plain(t) for t in texts), texts
    assert texts[0] == "1555␛[31mred␛]0;title␇\ufffd2J<U+202E>"
    assert "␛[31mred" in texts[2] and "␛[31mred" in texts[3]


def test_markup_is_literal_text() -> None:
    texts = cells(make_recipient("15550000001", [event(MARKUP)]), None, TODAY)
    assert texts[3] == f"{MARKUP} · Delivered to handset"


def test_wide_characters_are_measured_and_fitted_in_cells() -> None:
    wide = make_recipient(WIDE, [event(WIDE)])
    assert measure(wide, None, TODAY) == (cell_len(WIDE), len("4000 Delivered"), 0)
    assert cell_len(WIDE) == 2 * len(WIDE)
    for width in range(1, 14):
        fitted = fit(WIDE, width)
        assert cell_len(fitted) == width, (width, fitted)
    assert fit(WIDE, 5).endswith("…") and fit(WIDE, 10) == WIDE
    assert fit("2", 6, right=True) == "     2"
    assert fit("anything", 0) == ""


@pytest.mark.parametrize(
    ("recipient", "text"),
    [
        (make_recipient("1", [event(code=4000)]), "4000 Delivered"),
        (Recipient("1", (event(code=9999),), 9999), "9999 unlisted code"),
        (Recipient("1", (), None), "no status"),
        (
            make_recipient("1", [TrackingEvent("500", "Carrier Reject", None, None)]),
            "500 Carrier Reject",
        ),
    ],
)
def test_code_text_names_the_code_or_says_what_is_there(recipient: Recipient, text: str) -> None:
    assert code_text(recipient) == text


def test_carrier_text_drops_placeholders_and_repeats() -> None:
    assert carrier_text(None) == ""
    assert carrier_text(TrackingEvent("20", "NA", 3000, "Message enroute")) == "Message enroute"
    assert carrier_text(TrackingEvent("20", "same", 3000, "same")) == "same"
    assert carrier_text(TrackingEvent("20", " padded ", 3000, None)) == "padded"
    assert carrier_text(TrackingEvent("20", "  ", None, None)) == ""


def test_a_rows_cells_in_column_order() -> None:
    when = datetime(2024, 11, 25, 19, 20, 4).astimezone()
    two = make_recipient("15550000001", [event("NA", 3001), event()])
    assert cells(two, when, when.date()) == (
        "15550000001",
        "✓ delivered",
        "4000 Delivered",
        "Carrier Success · Delivered to handset",
        "2",
        "19:20:04",
    )
    assert measure(two, when, when.date()) == (11, 14, 8)
