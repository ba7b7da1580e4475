"""`sendwatch find NUMBER` end to end, against the simulator over HTTP: 0 found, 6 not found,
2 not a number; from the history by default (no request), `--read` reads every send now."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from tests.test_cli import (
    closed_port,
    one_error_line,
    run,
    secret_env,  # noqa: F401 (the CLI tests' autouse fixture)
    sim_profile,
    write_config,
)
from tui.sim import Simulator

LINE = re.compile(r"^(?P<number>\S+) in (?P<send>.+): (?P<symbol>[✓✗…?]) (?P<code>\d{4} \w+)$")


@pytest.fixture
def sim_config(sim: Simulator) -> Path:
    return write_config(sim_profile(sim.url))


@pytest.fixture
def two_sends(sim: Simulator, sim_config: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Black Friday and Reminders, both over and added (so the history has their numbers);
    15555550102 is in both."""
    mid = sim.add_message("Black Friday: 30% off")
    friday = sim.create_send(mid, ["15555550102", "15555550199", "15555551000"])
    reminders = sim.create_send(mid, ["15555550102", "447700900123"])
    sim.advance(3600)
    assert run(capsys, "add", mid, friday, "-l", "Black Friday")[0] == 0
    assert run(capsys, "add", mid, reminders, "-l", "Reminders")[0] == 0


def lines(out: str) -> list[dict[str, str]]:
    found = []
    for line in out.splitlines():
        match = LINE.match(line)
        assert match, f"not a find line: {line!r}"
        found.append(match.groupdict())
    return found


@pytest.mark.usefixtures("two_sends")
def test_find_lists_each_send_with_the_number_from_the_history_without_a_request(
    sim: Simulator, capsys: pytest.CaptureFixture[str]
) -> None:
    reads = sim.stats.total
    code, out, err = run(capsys, "find", "0102")
    assert code == 0, err
    assert [(h["number"], h["send"]) for h in lines(out)] == [
        ("15555550102", "Black Friday"),
        ("15555550102", "Reminders"),
    ]
    code, out, _ = run(capsys, "find", "+1 555-555-0199")  # as pasted from a ticket
    assert code == 0 and [h["number"] for h in lines(out)] == ["15555550199"]
    code, out, _ = run(capsys, "find", "1000")  # four digits: numbers, not every 1000 code
    assert code == 0 and [h["number"] for h in lines(out)] == ["15555551000"]
    assert sim.stats.total == reads  # offline: the history, no request

    # The outcome is the one the API gives now.
    _, status, _ = run(capsys, "status", "1", "--json")
    outcomes = json.loads(status)["outcomes"]
    code, out, _ = run(capsys, "find", "5555", "--json")
    rows = json.loads(out)
    assert sum(1 for r in rows if r["send"]["label"] == "Black Friday") == 3
    friday = [r["outcome"] for r in rows if r["send"]["position"] == 1]
    assert {o: friday.count(o) for o in outcomes if friday.count(o)} == {
        o: n for o, n in outcomes.items() if n
    }
    assert all(re.fullmatch(r"\d{4} \w+", r["code"]) and r["seen"] for r in rows)


@pytest.mark.usefixtures("two_sends")
def test_not_found_is_6_and_not_a_number_is_2(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "find", "99999")
    assert code == 6 and out == ""
    assert "no watched send has a number matching '99999'" in one_error_line(err)
    for bad in ("Rejected", "12", "+-"):
        code, out, err = run(capsys, "find", bad)
        assert code == 2 and out == "", bad
        assert "is not a number" in one_error_line(err)


@pytest.mark.usefixtures("two_sends")
def test_mask_hides_the_numbers_in_lines_and_json(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "find", "0102", "--mask")
    assert code == 0
    assert [h["number"] for h in lines(out)] == ["1555•••0102", "1555•••0102"]
    code, out, _ = run(capsys, "find", "0199", "--mask", "--json")
    assert code == 0 and "15555550199" not in out
    assert [r["number"] for r in json.loads(out)] == ["1555•••0199"]


def test_read_finds_what_the_history_never_saw(
    sim: Simulator, sim_config: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    mid = sim.add_message()
    token = sim.create_send(mid, ["15555550102"], pace=60.0)
    assert run(capsys, "add", mid, token)[0] == 0  # New: no recipient seen yet
    sim.advance(3600)
    code, out, err = run(capsys, "find", "0102")
    assert code == 6 and out == ""
    assert "1 of 1 watched sends were never seen by the monitor: --read" in err
    reads = sim.stats.total
    code, out, err = run(capsys, "find", "0102", "--read")
    assert code == 0, err
    assert [h["number"] for h in lines(out)] == ["15555550102"]
    assert sim.stats.total > reads


def test_read_with_every_send_unreadable_is_the_read_s_error_not_6(
    sim: Simulator, capsys: pytest.CaptureFixture[str]
) -> None:
    write_config(sim_profile(f"http://127.0.0.1:{closed_port()}", "dead"))
    mid = sim.add_message()
    assert run(capsys, "add", mid, sim.create_send(mid, 2), "--force")[0] == 0
    code, out, err = run(capsys, "find", "555", "--read")
    assert code == 4 and out == ""
    assert "refused" in one_error_line(err)
