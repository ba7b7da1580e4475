"""Small pure helpers every screen and command leans on: safe text, id checks, time formats."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from tui.core.api.codes import code_label
from tui.core.api.errors import InvalidId, redact
from tui.core.api.ids import check_id, id_problem, path_segment
from tui.core.api.model import MC_TZ
from tui.core.text import safe_text
from tui.core.timefmt import fmt_duration, fmt_full, fmt_local


@pytest.mark.parametrize(
    ("raw", "shown"),
    [
        ("plain", "plain"),
        ("\x1b[31mred", "␛[31mred"),
        ("\x1b]0;title\x07", "␛]0;title␇"),
        ("two\nlines\r\tand tab", "two lines  and tab"),
        ("\x9b2J", "\ufffd2J"),
        ("+1555\u202e0123", "+1555<U+202E>0123"),
        ("1555\u200b0123\ufeff", "1555<U+200B>0123<U+FEFF>"),
        ("a\u00a0b\U000f0000", "a b<U+F0000>"),
        ("[bold]x[/bold]", "[bold]x[/bold]"),
        ("\ud800lone", "\ufffdlone"),
        (None, ""),
        (42, "42"),
    ],
)
def test_safe_text_makes_one_inert_line(raw: object, shown: str) -> None:
    assert safe_text(raw) == shown


def test_safe_text_limit_adds_an_ellipsis() -> None:
    assert safe_text("abcdef", limit=4) == "abc…"
    assert safe_text("abc", limit=4) == "abc"


@pytest.mark.parametrize(
    ("value", "fragment"),
    [
        ("", "empty"),
        (" MzA6Nzg6MA", "spaces around"),
        ("https://x.example/sms/v1/abc", "URL"),
        ("a" * 129, "129 characters"),
        ("abc def", "' '"),
        ("abc\x00", "U+0000"),
        ("ab%cd", "'%'"),
    ],
)
def test_id_problems_say_what_is_wrong(value: str, fragment: str) -> None:
    problem = id_problem(value)
    assert problem is not None and fragment in problem
    with pytest.raises(InvalidId, match="token id"):
        check_id("token id", value)


@pytest.mark.parametrize("value", ["MzA6Nzg6MA", "c21NCNSDN2sMMWM2miosdjEHH", "a+b/c=", "x_y-z"])
def test_real_looking_ids_pass(value: str) -> None:
    assert id_problem(value) is None and check_id("message id", value) == value


def test_path_segment_keeps_slashes_out_of_the_path() -> None:
    assert path_segment("a+b/c=") == "a%2Bb%2Fc%3D"


def test_redact_blanks_tokens_in_urls_and_headers() -> None:
    text = "GET https://h/x?access_token=SECRET&b=1 Authorization: Bearer abc.DEF-123"
    out = redact(text)
    assert "SECRET" not in out and "abc.DEF-123" not in out
    assert "access_token=[redacted]&b=1" in out


@pytest.mark.parametrize(
    ("seconds", "shown"),
    [(0, "0s"), (51, "51s"), (245, "4m 05s"), (7380, "2h 03m"), (273600, "3d 04h"), (-5, "-5s")],
)
def test_fmt_duration_two_units(seconds: float, shown: str) -> None:
    assert fmt_duration(timedelta(seconds=seconds)) == shown
    assert fmt_duration(None) == "—"


def test_fmt_local_today_this_year_and_older(utc: None) -> None:
    now = datetime(2026, 11, 26, 19, 0, tzinfo=UTC)
    assert fmt_local(datetime(2026, 11, 26, 13, 1, 4, tzinfo=MC_TZ), now=now) == "19:01:04"
    assert fmt_local(datetime(2026, 3, 5, 8, 0, tzinfo=UTC), now=now) == "Mar  5 08:00:00"
    assert fmt_local(datetime(2024, 3, 5, 8, 0, tzinfo=UTC), now=now, seconds=False) == (
        "2024-03-05 08:00"
    )
    assert fmt_local(None) == "—"


def test_fmt_full_carries_the_offset(utc: None) -> None:
    assert fmt_full(datetime(2013, 4, 25, 15, 1, 4, tzinfo=MC_TZ)) == "2013-04-25 21:01:04 +0000"


def test_code_label_names_known_codes() -> None:
    assert code_label("4000") == "4000 Delivered"
    assert code_label(3001) == "3001 SentToCarrier"
    assert code_label("20 NA") == "20 NA"
    assert code_label(None) == ""
