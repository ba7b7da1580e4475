"""Property tests: the reply parsers and the watch-list writer, for any input at all.

Derandomized with no example database, so CI sees the same few hundred cases each run;
the strategies lean towards the API's own keys and values, where the parsers branch.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tui.core.api.errors import BadResponse
from tui.core.api.message_history import parse_message_history, parse_message_history_bytes
from tui.core.api.model import Delivery
from tui.core.api.parse import parse_delivery, parse_delivery_bytes
from tui.core.store.watchlist import MAX_LABEL, WatchedSend, WatchList

PROPERTY = settings(
    max_examples=200,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
KEYS = [
    "message", "count", "status", "createDate", "completeDate", "tracking", "mobileNumber",
    "statusCode", "standardStatusCode", "description", "history", "messageText",
]  # fmt: skip
VALUES = [
    "Finished",
    "Error",
    "New",
    "Started",
    "1555000001",
    "1000",
    "4000",
    "2026-11-26T13:20:00",
]
NUMBER = "15550000001"

scalars = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.text(max_size=12)
    | st.sampled_from(VALUES)
)
json_values = st.recursive(
    scalars,
    lambda inner: (
        st.lists(inner, max_size=5)
        | st.dictionaries(st.sampled_from(KEYS) | st.text(max_size=6), inner, max_size=6)
    ),
    max_leaves=30,
)
entry = st.fixed_dictionaries(
    {},
    optional={
        "mobileNumber": st.sampled_from(["1555000001", "1555000002"]) | scalars,
        "statusCode": st.sampled_from(["1000", "4000", "4500"]) | scalars,
        "standardStatusCode": st.sampled_from(["1000", "4000"]) | scalars,
        "message": scalars,
        "description": scalars,
    },
)
replies = st.fixed_dictionaries(
    {"status": st.sampled_from(VALUES) | scalars},
    optional={
        "message": scalars,
        "count": scalars,
        "createDate": scalars,
        "completeDate": scalars,
        "tracking": st.lists(entry | json_values, max_size=6) | json_values,
    },
)
anything = replies | json_values


def _bytes_of(value: Any) -> bytes:
    return json.dumps(value, allow_nan=True).encode()


def _delivery_or_bad(parse: Any, *args: Any) -> Delivery | None:
    try:
        result = parse(*args)
    except BadResponse:
        return None
    assert isinstance(result, Delivery)
    return result


@PROPERTY
@given(anything)
def test_the_deliveries_parser_returns_a_delivery_or_bad_response(value: Any) -> None:
    whole = _delivery_or_bad(parse_delivery, value)
    sliced = _delivery_or_bad(parse_delivery_bytes, _bytes_of(value))
    assert sliced == whole, "the bytes path and the decoded path agree"
    if whole is not None:
        again = _delivery_or_bad(parse_delivery, value, whole)
        assert again == whole, "reusing the previous read changes nothing"


@PROPERTY
@given(st.binary(max_size=300) | anything.map(_bytes_of).map(lambda b: b[: len(b) // 2]))
def test_the_deliveries_parser_takes_any_bytes(body: bytes) -> None:
    _delivery_or_bad(parse_delivery_bytes, body)


@PROPERTY
@given(anything, st.binary(max_size=200))
def test_the_history_parser_returns_a_history_or_bad_response(value: Any, raw: bytes) -> None:
    for parse, arg in ((parse_message_history, value), (parse_message_history_bytes, raw)):
        try:
            history = parse(arg, NUMBER)
        except BadResponse:
            continue
        assert history is not None


@PROPERTY
@given(st.text(max_size=MAX_LABEL + 20) | st.text(st.characters(codec="utf-8"), max_size=50))
def test_the_watch_list_writer_round_trips_any_label(tmp_path: Path, label: str) -> None:
    path = tmp_path / "watchlist.toml"
    path.unlink(missing_ok=True)
    send = WatchedSend("demo", "MzA6Nzg6MA", "c21NCNSDN2sMMWM2miosdjEHH", "messageContact", label)
    writer = WatchList(path)
    writer.load()
    writer.add(send)
    reader = WatchList(path)
    assert reader.load() == []
    assert reader.sends == (send,)
    assert reader.sends[0].label == send.label and len(send.label) <= MAX_LABEL
    assert send.label == " ".join(send.label.split()) and send.label.isprintable()
