"""`sendwatch export` end to end against the simulator over HTTP, with its exit codes."""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from tests.test_cli import (
    SECRET,
    closed_port,
    one_error_line,
    profile,
    run,
    secret_env,
    sim_profile,
    write_config,
)
from tui.cli.main import main
from tui.core.api.model import SendKind
from tui.core.store.history import History
from tui.core.store.paths import data_dir
from tui.core.store.watchlist import send_key
from tui.sim import Fault, Simulator

__all__ = ["profile", "secret_env"]  # fixtures, used by name


@pytest.fixture
def finished(sim: Simulator, profile: Path) -> tuple[str, str]:
    mid = sim.add_message("Your code is 1234")
    tid = sim.create_send(mid, 40)
    sim.advance(3600)
    return mid, tid


def rows_of(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


def test_csv_to_stdout_by_default(
    sim: Simulator, finished: tuple[str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(capsys, "export", *finished)
    assert code == 0, err
    assert err == ""
    rows = rows_of(out)
    assert len(rows) == 40
    assert not out.startswith("\ufeff"), "no byte-order mark on a pipe"
    assert {r["outcome"] for r in rows} <= {"delivered", "failed", "pending", "unknown"}
    assert all(r["api_send_created_utc"].endswith("+00:00") for r in rows)
    assert all(r["sendwatch_outcome_first_seen_utc"] == "" for r in rows)  # never watched
    assert sim.stats.deliveries == 1


def test_json_to_a_file_with_events_masked_and_one_outcome(
    sim: Simulator, finished: tuple[str, str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "out" / "failed.json"
    args = ["export", *finished, "--format", "json", "-o", str(target), "--events", "--mask"]
    code, out, err = run(capsys, *args, "--outcome", "failed")
    assert code == 0, err
    assert out == ""
    body = json.loads(target.read_bytes())
    assert err.strip() == f"wrote {body['exported']} recipients to {target}"
    assert body["exported"] == body["send"]["outcomes"]["failed"] > 0
    assert body["send"]["messageId"] == finished[0] and body["send"]["profile"] == "sim"
    assert body["masked"] is True
    for r in body["recipients"]:
        assert r["outcome"] == "failed" and "•••" in r["mobileNumber"] and r["events"]
    assert target.stat().st_mode & 0o777 == 0o600


def test_csv_file_has_a_bom_and_several_outcomes(
    finished: tuple[str, str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "x.csv"
    code, _, err = run(
        capsys, "export", *finished, "-o", str(target), "--outcome", "failed",
        "--outcome", "delivered",
    )  # fmt: skip
    assert code == 0, err
    data = target.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")
    assert {r["outcome"] for r in rows_of(data.decode("utf-8-sig"))} == {"failed", "delivered"}


def test_first_seen_times_come_from_the_monitors_history(
    sim: Simulator, finished: tuple[str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    mid, tid = finished
    code, out, _ = run(capsys, "export", mid, tid)
    first = rows_of(out)[0]
    seen = datetime(2020, 1, 2, 3, 4, 5, tzinfo=UTC)
    key = send_key("sim", SendKind.MESSAGE_CONTACT, mid, tid)
    with History(data_dir() / "history.sqlite3") as history:
        history.record_outcomes(key, {first["mobile_number"]: int(first["code"])}, seen)
    code, out, err = run(capsys, "export", mid, tid)
    assert code == 0, err
    again = {r["mobile_number"]: r for r in rows_of(out)}
    assert again[first["mobile_number"]]["sendwatch_outcome_first_seen_utc"] == (
        "2020-01-02T03:04:05.000+00:00"
    )


def test_bad_id_is_2_and_nothing_is_read(
    sim: Simulator, profile: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(capsys, "export", "not an id", "tok")
    assert code == 2 and out == ""
    assert "message id" in one_error_line(err)
    assert sim.stats.deliveries == 0


def test_bad_format_or_outcome_is_2(capsys: pytest.CaptureFixture[str]) -> None:
    for extra in (["--format", "xlsx"], ["--outcome", "lost"]):
        with pytest.raises(SystemExit) as exited:
            main(["export", "MzA6Nzg6MA", "tokA", *extra])
        assert exited.value.code == 2


def test_unknown_token_is_3(
    sim: Simulator, profile: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    mid = sim.add_message("hi")
    code, out, err = run(capsys, "export", mid, "c21NCNSDN2sMMWM2miosdjEHH")
    assert code == 3 and out == ""
    one_error_line(err)


def test_an_unexpected_error_is_3_with_its_reference_id(
    sim: Simulator, finished: tuple[str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    sim.inject(finished[1], Fault(kind="unexpected", times=None))
    code, _, err = run(capsys, "export", *finished)
    assert code == 3
    assert "reference id" in one_error_line(err)


def test_a_closed_port_is_4(capsys: pytest.CaptureFixture[str]) -> None:
    write_config(sim_profile(f"http://127.0.0.1:{closed_port()}"))
    code, out, err = run(capsys, "export", "MzA6Nzg6MA", "c21NCNSDN2sMMWM2miosdjEHH")
    assert code == 4 and out == ""
    assert SECRET not in err
    one_error_line(err)


def test_an_unwritable_output_is_73_and_no_file_appears(
    finished: tuple[str, str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("keep")
    code, out, err = run(capsys, "export", *finished, "-o", str(blocker / "out.csv"))
    assert code == 73 and out == ""
    assert "out.csv" in one_error_line(err)
    assert blocker.read_text() == "keep"


def test_export_help_lists_the_exit_codes(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["export", "--help"])
    text = capsys.readouterr().out
    assert "  73  the export file could not be written" in text
    assert "export exits 0 once written, whatever the send's status" in text
    for flag in ("--format", "--output", "--events", "--mask", "--outcome", "--kind"):
        assert flag in text
