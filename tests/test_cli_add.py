"""`sendwatch add`, `list` and `status N` end to end, against the simulator over HTTP.

Every documented exit code of `add` is produced for real: 0 added, 2 bad input, 3 the API
refused the send, 4 it could not be read, 6 already watched; --force keeps the refused
and the unread ones. Nothing is written that the command did not report as added.
"""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from rich.cells import cell_len

from tests.test_cli import (
    SECRET,
    closed_port,
    one_error_line,
    run,
    secret_env,  # noqa: F401 (the CLI tests' autouse fixture)
    sim_profile,
    write_config,
)
from tui.core.api.model import SendKind
from tui.core.store.watchlist import WatchList
from tui.sim import Simulator


@pytest.fixture
def sim_config(sim: Simulator) -> Path:
    """config.toml with one profile, `sim`, on the simulator."""
    return write_config(sim_profile(sim.url))


def on_disk() -> list[tuple[str, str, str]]:
    """(profile, token id, label) of every watched send, as the file has them."""
    watchlist = WatchList()
    assert watchlist.load() == []
    return [(s.profile, s.token_id, s.label) for s in watchlist.sends]


def error_lines(err: str) -> list[str]:
    assert "Traceback" not in err
    lines = err.strip().splitlines()
    assert all(line.startswith("sendwatch: ") for line in lines), err
    return lines


@pytest.fixture
def campaign(sim: Simulator, sim_config: Path) -> tuple[str, list[str]]:
    """A message sent in three batches: its id and the three token ids."""
    mid = sim.add_message("Black Friday: 30% off")
    return mid, [sim.create_send(mid, n) for n in (4, 5, 6)]


# --------------------------------------------------------------------------- many tokens


def test_many_tokens_from_arguments_are_numbered_and_each_reported(
    sim: Simulator, campaign: tuple[str, list[str]], capsys: pytest.CaptureFixture[str]
) -> None:
    mid, tokens = campaign
    code, out, err = run(capsys, "add", mid, *tokens, "-l", "Black Friday")
    assert code == 0, err
    assert err == ""
    lines = out.strip().splitlines()
    assert [line.split(" on profile")[0] for line in lines] == [
        "watching Black Friday 1/3",
        "watching Black Friday 2/3",
        "watching Black Friday 3/3",
    ]
    assert "New, 0 of 4 recipients seen" in lines[0] and "of 6 recipients" in lines[2]
    assert on_disk() == [("sim", t, f"Black Friday {n}/3") for n, t in enumerate(tokens, 1)]
    assert sim.stats.deliveries == 3  # each read once


def test_labels_one_per_token_are_used_as_given(
    campaign: tuple[str, list[str]], capsys: pytest.CaptureFixture[str]
) -> None:
    mid, tokens = campaign
    code, _, err = run(capsys, "add", mid, *tokens, "-l", "East", "-l", "West", "-l", "North")
    assert code == 0, err
    assert [label for _, _, label in on_disk()] == ["East", "West", "North"]


def test_two_labels_for_three_tokens_is_2_and_adds_nothing(
    sim: Simulator, campaign: tuple[str, list[str]], capsys: pytest.CaptureFixture[str]
) -> None:
    mid, tokens = campaign
    code, _, err = run(capsys, "add", mid, *tokens, "-l", "A", "-l", "B")
    assert code == 2
    assert "2 labels for 3 token ids" in one_error_line(err)
    assert on_disk() == []
    assert sim.stats.total == 0


def test_tokens_from_stdin_one_per_line_with_their_own_labels(
    campaign: tuple[str, list[str]],
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    mid, tokens = campaign
    text = f"# batches of Monday\n{tokens[0]}\n\n  {tokens[1]}\tWest coast  \n{tokens[2]}\n"
    monkeypatch.setattr("sys.stdin", io.StringIO(text))
    code, out, err = run(capsys, "add", mid, "-", "-l", "Monday")
    assert code == 0, err
    assert [(t, label) for _, t, label in on_disk()] == [
        (tokens[0], "Monday 1/3"),
        (tokens[1], "West coast"),
        (tokens[2], "Monday 3/3"),
    ]
    assert len(out.strip().splitlines()) == 3


def test_empty_stdin_is_2(
    sim: Simulator,
    sim_config: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO("# nothing\n\n"))
    code, _, err = run(capsys, "add", "MzA6Nzg6MA", "-")
    assert code == 2
    assert "no token ids" in one_error_line(err)
    assert sim.stats.total == 0


def test_one_bad_token_id_stops_the_whole_batch_before_any_request(
    sim: Simulator, campaign: tuple[str, list[str]], capsys: pytest.CaptureFixture[str]
) -> None:
    mid, tokens = campaign
    code, _, err = run(capsys, "add", mid, tokens[0], "bad token")
    assert code == 2
    assert "token id 'bad token' is not valid" in one_error_line(err)
    assert on_disk() == []
    assert sim.stats.total == 0


# --------------------------------------------------------------------------- duplicates


def test_a_send_already_watched_is_6_and_not_written_twice(
    sim: Simulator, campaign: tuple[str, list[str]], capsys: pytest.CaptureFixture[str]
) -> None:
    mid, tokens = campaign
    code, _, err = run(capsys, "add", mid, tokens[1], "-l", "Second")
    assert code == 0, err
    reads = sim.stats.deliveries
    code, out, err = run(capsys, "add", mid, *tokens, "-l", "Batch")
    assert code == 6
    (line,) = [ln for ln in error_lines(err) if "already watched" in ln]
    assert "Batch 2/3" in line and "#1 in `sendwatch list`" in line and "not added" in line
    assert "watching Batch 1/3" in out and "watching Batch 3/3" in out
    assert "Batch 2/3" not in out  # never reported as added
    assert [t for _, t, _ in on_disk()] == [tokens[1], tokens[0], tokens[2]]
    assert sim.stats.deliveries == reads + 2  # the duplicate is not even read


def test_the_same_token_twice_in_one_call_is_added_once(
    campaign: tuple[str, list[str]], capsys: pytest.CaptureFixture[str]
) -> None:
    mid, tokens = campaign
    code, _, err = run(capsys, "add", mid, tokens[0], tokens[0])
    assert code == 6
    assert "already watched" in one_error_line(err)
    assert [t for _, t, _ in on_disk()] == [tokens[0]]


def test_the_same_ids_as_the_other_kind_are_another_send(
    sim: Simulator, sim_config: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    mid = sim.add_message(kind=SendKind.MESSAGE_LIST)
    tid = sim.create_send(mid, 2)
    assert run(capsys, "add", mid, tid, "--kind", "list")[0] == 0
    code, _, err = run(capsys, "add", mid, tid, "--kind", "list")
    assert code == 6, err


# --------------------------------------------------------------------------- the check


def test_a_token_the_api_does_not_know_is_3_and_kept_only_with_force(
    sim: Simulator, campaign: tuple[str, list[str]], capsys: pytest.CaptureFixture[str]
) -> None:
    mid, _ = campaign
    unknown = "AAAAAAAAAAAAAAAAAAAAAAAAA"
    code, out, err = run(capsys, "add", mid, unknown, "-l", "Typo")
    assert code == 3
    assert out == ""
    line = one_error_line(err)
    assert f"token id {unknown} is not valid" in line and "--force" in line
    assert on_disk() == []
    code, out, err = run(capsys, "add", mid, unknown, "-l", "Typo", "--force")
    assert code == 0
    assert "watching Typo on profile sim: not checked" in out
    assert "added anyway (--force)" in one_error_line(err)
    assert on_disk() == [("sim", unknown, "Typo")]


def test_the_wrong_kind_is_named_with_the_flag_that_fixes_it(
    sim: Simulator, sim_config: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    mid = sim.add_message(kind=SendKind.MESSAGE_LIST)
    tid = sim.create_send(mid, 2)
    code, _, err = run(capsys, "add", mid, tid)
    assert code == 3
    line = one_error_line(err)
    assert f"message id {mid} is not valid" in line
    assert "the API knows it as a messageList send: add it with --kind list" in line
    assert on_disk() == []
    code, _, err = run(capsys, "add", mid, tid, "--kind", "list")
    assert code == 0, err


def test_a_message_id_the_api_calls_not_valid_is_3(
    sim: Simulator, campaign: tuple[str, list[str]], capsys: pytest.CaptureFixture[str]
) -> None:
    _, tokens = campaign
    code, _, err = run(capsys, "add", "QUFBQUFBQUE", tokens[0])
    assert code == 3
    line = one_error_line(err)
    assert "message id QUFBQUFBQUE is not valid" in line
    assert "--kind" not in line.split("is not valid")[1].split("(--force")[0]  # no wrong hint
    assert on_disk() == []


def test_a_token_of_another_client_is_3(
    sim: Simulator, sim_config: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    sim.add_client("other-client", "other-secret")
    mid = sim.add_message(client_id="other-client")
    tid = sim.create_send(mid, 1, client_id="other-client")
    code, _, err = run(capsys, "add", sim.add_message(), tid)
    assert code == 3
    assert "not valid" in one_error_line(err) or "another client" in one_error_line(err)
    assert on_disk() == []


def test_no_network_during_the_check_is_4_and_force_keeps_it(
    capsys: pytest.CaptureFixture[str],
) -> None:
    write_config(sim_profile(f"http://127.0.0.1:{closed_port()}"))
    code, out, err = run(capsys, "add", "MzA6Nzg6MA", "c21NCNSDN2sMMWM2miosdjEHH", "-l", "Down")
    assert code == 4
    assert out == ""
    line = one_error_line(err)
    assert "not added: Down: network error (refused)" in line and "--force" in line
    assert SECRET not in line
    assert on_disk() == []
    code, out, err = run(
        capsys, "add", "MzA6Nzg6MA", "c21NCNSDN2sMMWM2miosdjEHH", "-l", "Down", "--force"
    )
    assert code == 0
    assert "not checked" in out
    assert "added anyway (--force)" in one_error_line(err)
    assert [label for _, _, label in on_disk()] == ["Down"]


def test_an_unset_secret_variable_is_2_and_nothing_is_added(
    campaign: tuple[str, list[str]],
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("SIM_SECRET")
    mid, tokens = campaign
    code, _, err = run(capsys, "add", mid, tokens[0])
    assert code == 2
    assert "SIM_SECRET" in one_error_line(err)
    assert on_disk() == []


# --------------------------------------------------------------------------- the profile


def test_add_defaults_to_the_profile_used_last_then_to_default_profile(
    sim: Simulator, capsys: pytest.CaptureFixture[str]
) -> None:
    write_config(
        '[settings]\ndefault_profile = "one"\n\n'
        + sim_profile(sim.url, "one")
        + "\n"
        + sim_profile(sim.url, "two")
    )
    mid = sim.add_message()
    first, second, third = (sim.create_send(mid, 1) for _ in range(3))
    assert run(capsys, "add", mid, first)[0] == 0  # nothing used yet: default_profile
    assert run(capsys, "add", mid, second, "-p", "two")[0] == 0
    code, out, err = run(capsys, "add", mid, third)  # the last one used
    assert code == 0, err
    assert "on profile two" in out
    assert [p for p, _, _ in on_disk()] == ["one", "two", "two"]
    assert run(capsys, "remove", "3")[0] == 0
    assert run(capsys, "remove", "2")[0] == 0
    code, out, _ = run(capsys, "add", mid, third)
    assert "on profile one" in out  # the latest send left is on profile one


# --------------------------------------------------------------------------- list


def test_list_is_an_aligned_table_with_status_and_counts_from_the_history(
    sim: Simulator, campaign: tuple[str, list[str]], capsys: pytest.CaptureFixture[str]
) -> None:
    mid, tokens = campaign
    sim.advance(3600)
    wide = "日本語のキャンペーン and a label far too long for one column"
    assert run(capsys, "add", mid, tokens[0], "-l", wide)[0] == 0
    assert run(capsys, "add", mid, tokens[1], "-l", "B")[0] == 0
    assert run(capsys, "add", mid, "QUFBQUFBQUFBQUFBQUFBQUFBQUFB", "--force")[0] == 0
    reads = sim.stats.total
    code, out, err = run(capsys, "list")
    assert code == 0, err
    header, *rows = out.rstrip("\n").splitlines()
    assert len(rows) == 3
    # Every column starts at the same terminal cell on every line, wide characters or not.
    for column in ("kind", "profile", "message id", "token id", "status"):
        start = cell_len(header[: header.index(column)])
        for row in rows:
            assert row[: _at_cell(row, start)].endswith("  "), (column, row)
            assert row[_at_cell(row, start)] != " ", (column, row)
    end = cell_len(header[: header.index("delivered") + len("delivered")])  # right-aligned
    for row in rows[:2]:
        assert row[_at_cell(row, end) - 1].isdigit() and row[_at_cell(row, end)] == " ", row
    first = rows[0]
    assert first.startswith("1  日本語のキャンペーン and a") and "…" in first
    assert wide not in out  # cut, so the ids after it stay in their columns
    assert "Finished" in first and tokens[0] in first
    assert rows[2].split()[-1] == "—"  # never read: no status
    assert sim.stats.total == reads  # offline: the history, no request


def _at_cell(text: str, cells: int) -> int:
    """The index of the character that starts at terminal cell `cells` of `text`."""
    used = 0
    for index, char in enumerate(text):
        if used >= cells:
            return index
        used += cell_len(char)
    return len(text)


def test_list_counts_are_the_history_s(
    sim: Simulator, campaign: tuple[str, list[str]], capsys: pytest.CaptureFixture[str]
) -> None:
    mid, tokens = campaign
    sim.advance(3600)
    assert run(capsys, "add", mid, tokens[2])[0] == 0
    code, out, _ = run(capsys, "list", "--json")
    assert code == 0
    (row,) = json.loads(out)
    assert row["status"] == "Finished"
    assert sum(row["outcomes"].values()) == 6
    assert row["seen"]
    _, status_out, _ = run(capsys, "status", "1", "--json")
    live = json.loads(status_out)["outcomes"]
    assert {k: row["outcomes"][k] for k in live} == live


def test_list_read_reads_now_and_a_dead_profile_says_so_in_its_row(
    sim: Simulator, capsys: pytest.CaptureFixture[str]
) -> None:
    dead = f"http://127.0.0.1:{closed_port()}"
    write_config(sim_profile(sim.url) + "\n" + sim_profile(dead, "dead"))
    mid = sim.add_message()
    tid = sim.create_send(mid, 3)
    assert run(capsys, "add", mid, tid, "-p", "sim")[0] == 0
    assert run(capsys, "add", mid, tid, "-p", "dead", "--force")[0] == 0
    sim.advance(3600)
    code, out, err = run(capsys, "list", "--read")
    assert code == 0
    header, live, down = out.rstrip("\n").splitlines()
    assert header.split()[-1] == "read"
    assert "Finished" in live
    assert "✗ network error (refused)" in down
    (line,) = error_lines(err)
    assert line.startswith("sendwatch: #2 ") and "refused" in line


def test_list_of_a_profile_that_is_gone_reads_nothing_for_it(
    sim: Simulator, campaign: tuple[str, list[str]], capsys: pytest.CaptureFixture[str]
) -> None:
    mid, tokens = campaign
    assert run(capsys, "add", mid, tokens[0])[0] == 0
    write_config(sim_profile(sim.url, "renamed"))
    code, out, err = run(capsys, "list", "--read")
    assert code == 0
    assert "profile 'sim' is not configured" in err
    assert "✗" in out.splitlines()[1]


# --------------------------------------------------------------------------- status N


def test_status_takes_a_list_number_or_a_token_id(
    sim: Simulator, campaign: tuple[str, list[str]], capsys: pytest.CaptureFixture[str]
) -> None:
    mid, tokens = campaign
    assert run(capsys, "add", mid, *tokens)[0] == 0
    code, out, err = run(capsys, "status", "2")
    assert code == 0, err
    assert f"{mid} / {tokens[1]}" in out and "profile sim" in out
    code, out, _ = run(capsys, "status", tokens[2], "--json")
    assert code == 0
    assert json.loads(out)["tokenId"] == tokens[2]


def test_status_n_errors_are_2_and_send_nothing(
    sim: Simulator, campaign: tuple[str, list[str]], capsys: pytest.CaptureFixture[str]
) -> None:
    mid, tokens = campaign
    assert run(capsys, "add", mid, tokens[0])[0] == 0
    reads = sim.stats.total
    code, _, err = run(capsys, "status", "4")
    assert code == 2
    assert "it has 1 sends" in one_error_line(err)
    code, _, err = run(capsys, "status", "1", "--profile", "sim")
    assert code == 2
    assert "leave out --profile and --kind" in one_error_line(err)
    code, _, err = run(capsys, "status", "1", "--kind", "list")
    assert code == 2
    assert sim.stats.total == reads
