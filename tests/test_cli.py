"""The headless commands end to end: `tui.cli.main.main` in-process, against the sim over HTTP.

Each documented exit code of `sendwatch status` is produced for real (no mocked httpx):
0 read, 1 Error, 2 usage (nothing sent), 3 API/auth, 4 network, 5 timed out, 70 bug.
"""

from __future__ import annotations

import asyncio
import dataclasses
import json
import os
import re
import socket
import subprocess
import sys
import threading
from pathlib import Path
from typing import Any

import pytest

from tui.cli.main import main
from tui.core.api.retry import CLIENT_RETRIES
from tui.core.store.paths import config_dir, config_path, data_dir
from tui.sim import Fault, Simulator

SECRET = "demo-secret"
ESC = "\x1b"


# --------------------------------------------------------------------------- helpers


def sim_profile(url: str, name: str = "sim", **extra: str) -> str:
    lines = [
        f"[profiles.{name}]",
        'auth = "oauth2"',
        f'auth_url = "{url}"',
        f'rest_url = "{url}"',
        'client_id = "demo-client"',
    ]
    lines += [f'{key} = "{value}"' for key, value in extra.items()]
    if "client_secret" not in extra:
        lines.append('client_secret_env = "SIM_SECRET"')
    return "\n".join(lines) + "\n"


def write_config(text: str, mode: int = 0o600) -> Path:
    path = config_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    path.chmod(mode)
    return path


def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def one_error_line(err: str) -> str:
    """stderr of a failed command: exactly one line, no traceback."""
    assert "Traceback" not in err
    lines = err.strip("\n").splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith("sendwatch: ")
    return lines[0]


@pytest.fixture(autouse=True)
def secret_env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SIM_SECRET", SECRET)
    monkeypatch.delenv("SENDWATCH_DEBUG", raising=False)


@pytest.fixture
def profile(sim: Simulator) -> Path:
    return write_config(sim_profile(sim.url))


@pytest.fixture
def send(sim: Simulator, profile: Path) -> tuple[str, str]:
    mid = sim.add_message("Your code is 1234")
    return mid, sim.create_send(mid, 25)


# --------------------------------------------------------------------------- exit 0


def test_status_reads_a_send_in_flight(
    sim: Simulator, send: tuple[str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    mid, tid = send
    sim.advance(8)
    code, out, err = run(capsys, "status", mid, tid)
    assert code == 0, err
    assert err == ""
    assert f"{mid} / {tid}" in out
    assert "profile sim" in out
    assert re.search(r"Status\s+\S+ Started", out)
    assert "Count      25" in out
    assert "Marketing Cloud time, UTC-6" in out
    assert sim.stats.deliveries == 1


def test_status_json_finished(
    sim: Simulator, send: tuple[str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    mid, tid = send
    sim.advance(3600)
    code, out, err = run(capsys, "status", mid, tid, "--json")
    assert code == 0, err
    body = json.loads(out)
    assert body["status"] == "Finished"
    assert body["messageId"] == mid and body["tokenId"] == tid
    assert body["kind"] == "messageContact" and body["profile"] == "sim"
    assert body["count"] == 25
    assert body["recipients"] == 25
    outcomes = body["outcomes"]
    assert set(outcomes) == {"delivered", "failed", "pending", "unknown"}
    assert sum(outcomes.values()) == 25
    assert outcomes["delivered"] > 0
    # Marketing Cloud time is fixed UTC-6; the raw text is kept beside it.
    assert body["createDate"].endswith("-06:00")
    assert body["completeDate"].endswith("-06:00")
    assert body["createDate"].startswith(body["createDateRaw"][:19])
    # What sendwatch saw is named apart from the API's times: one read, already Finished.
    observed = body["observedBySendwatch"]
    assert set(observed) == {"readAt", "statuses"}
    (first,) = observed["statuses"]
    assert first["status"] == "Finished" and first["atFirstRead"] is True
    assert first["firstSeen"] == observed["readAt"]


def test_status_text_says_which_times_are_the_apis_and_which_sendwatch_saw(
    sim: Simulator, send: tuple[str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    mid, tid = send
    sim.advance(3600)
    code, out, err = run(capsys, "status", mid, tid)
    assert code == 0, err
    assert re.search(r"Created    .* \(API\)", out)
    assert re.search(r"Completed  .* \(API\)", out)
    assert re.search(r"Read       .* \(by sendwatch\)", out)
    assert re.search(r"Observed   Finished ≤\d{4}-", out)
    assert "first seen by sendwatch; ≤ already so at its first read" in out


def test_status_list_kind(
    sim: Simulator, profile: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from tui.core.api.model import SendKind

    mid = sim.add_message("list", kind=SendKind.MESSAGE_LIST)
    tid = sim.create_send(mid, 3)
    code, out, err = run(capsys, "status", "--kind", "list", mid, tid, "--json")
    assert code == 0, err
    assert json.loads(out)["kind"] == "messageList"
    assert "/sms/v1/messageList/" in sim.requests[-1].path


# --------------------------------------------------------------------------- exit 1


def test_status_of_a_send_in_error_is_1(
    sim: Simulator, profile: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    mid = sim.add_message()
    tid = sim.create_send(mid, 25, error=True)
    sim.advance(3600)
    code, out, _ = run(capsys, "status", mid, tid)
    assert code == 1
    assert "Error" in out
    code, out, _ = run(capsys, "status", mid, tid, "--json")
    assert code == 1
    assert json.loads(out)["status"] == "Error"


# --------------------------------------------------------------------------- exit 2


@pytest.mark.parametrize(
    ("mid", "tid"),
    [
        ("https://mc.example/MzA6Nzg6MA", "tok"),
        ("MzA6Nzg6MA", " padded "),
        ("MzA6Nzg6MA", "a?b"),
        ("", "tok"),
        ("MzA6Nzg6MA", "x" * 200),
    ],
)
def test_bad_id_sends_nothing(
    sim: Simulator, profile: Path, capsys: pytest.CaptureFixture[str], mid: str, tid: str
) -> None:
    before = sim.stats.total
    code, out, err = run(capsys, "status", mid, tid)
    assert code == 2
    assert out == ""
    assert "is not valid" in one_error_line(err)
    assert sim.stats.total == before


def test_unknown_profile_is_2(
    sim: Simulator, send: tuple[str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = run(capsys, "status", *send, "--profile", "nope")
    assert code == 2
    line = one_error_line(err)
    assert "'nope'" in line and "sim" in line
    assert sim.stats.total == 0


def test_no_profiles_is_2(sim: Simulator, capsys: pytest.CaptureFixture[str]) -> None:
    assert not config_path().exists()
    code, _, err = run(capsys, "status", "MzA6Nzg6MA", "abc")
    assert code == 2
    assert "no profiles" in one_error_line(err)
    assert sim.stats.total == 0


def test_several_profiles_need_profile_flag(
    sim: Simulator, capsys: pytest.CaptureFixture[str]
) -> None:
    write_config(sim_profile(sim.url, "one") + "\n" + sim_profile(sim.url, "two"))
    mid = sim.add_message()
    tid = sim.create_send(mid, 1)
    code, _, err = run(capsys, "status", mid, tid)
    assert code == 2
    assert "--profile" in one_error_line(err)
    assert sim.stats.total == 0
    code, out, err = run(capsys, "status", mid, tid, "-p", "two")
    assert code == 0, err
    assert "profile two" in out


@pytest.mark.parametrize(
    "extra", [["--timeout", "0"], ["--timeout", "-1"], ["--wait", "--interval", "0"]]
)
def test_bad_timeout_is_2(
    sim: Simulator, send: tuple[str, str], capsys: pytest.CaptureFixture[str], extra: list[str]
) -> None:
    code, _, err = run(capsys, "status", *send, *extra)
    assert code == 2
    assert "must be positive" in one_error_line(err)
    assert sim.stats.total == 0


@pytest.mark.parametrize(
    "extra", [["--timeout", "nan"], ["--interval", "nan"], ["--interval", "inf"]]
)
def test_nan_timeout_or_interval_is_2(
    sim: Simulator, send: tuple[str, str], capsys: pytest.CaptureFixture[str], extra: list[str]
) -> None:
    code, _, err = run(capsys, "status", *send, *extra)
    assert code == 2
    one_error_line(err)
    assert sim.stats.total == 0


@pytest.mark.parametrize(
    "argv",
    [
        ["status"],
        ["status", "MzA6Nzg6MA", "tok", "--kind", "bogus"],
        ["status", "MzA6Nzg6MA", "tok", "--timeout", "soon"],
        ["frobnicate"],
    ],
)
def test_argparse_usage_errors_are_2(
    sim: Simulator, profile: Path, capsys: pytest.CaptureFixture[str], argv: list[str]
) -> None:
    with pytest.raises(SystemExit) as info:
        main(argv)
    assert info.value.code == 2
    assert "Traceback" not in capsys.readouterr().err
    assert sim.stats.total == 0


# --------------------------------------------------------------------------- exit 3


def test_catalogue_errors_are_3(
    sim: Simulator, send: tuple[str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    mid, tid = send
    other_tid = sim.create_send(sim.add_message("another message"), 2)
    sim.add_client("other-client", "other-secret")
    foreign_mid = sim.add_message("theirs", client_id="other-client")
    foreign_tid = sim.create_send(foreign_mid, 1, client_id="other-client")
    cases = [
        ("AAAAAAAA", tid, "message id AAAAAAAA is not valid"),
        (mid, "BBBBBBBB", "token id BBBBBBBB is not valid"),
        (mid, foreign_tid, f"token id {foreign_tid} belongs to another client"),
        (mid, other_tid, f"token id {other_tid} is not a send of message id {mid}"),
    ]
    for case_mid, case_tid, expected in cases:
        code, out, err = run(capsys, "status", case_mid, case_tid)
        assert code == 3, (case_mid, case_tid, err)
        assert out == ""
        line = one_error_line(err)
        assert expected in line
        assert SECRET not in line
    assert sim.stats.deliveries == len(cases)  # not retried


def test_unexpected_error_names_the_reference_id(
    sim: Simulator, send: tuple[str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    mid, tid = send
    sim.inject(tid, Fault(kind="unexpected", times=None))
    code, _, err = run(capsys, "status", mid, tid)
    assert code == 3
    assert re.search(r"reference id \S+", one_error_line(err))


def test_bad_credentials_are_3_and_never_print_the_secret(
    sim: Simulator,
    send: tuple[str, str],
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    wrong = "wrong-secret-Zq9xK2"
    monkeypatch.setenv("SIM_SECRET", wrong)
    code, out, err = run(capsys, "status", *send)
    assert code == 3
    line = one_error_line(err)
    assert "'sim'" in line
    assert wrong not in out + err and SECRET not in out + err
    assert sim.stats.deliveries == 0


def test_unset_secret_variable_is_2(
    sim: Simulator,
    send: tuple[str, str],
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("SIM_SECRET")
    code, _, err = run(capsys, "status", *send)
    assert code == 2
    assert "SIM_SECRET" in one_error_line(err)
    assert sim.stats.total == 0


# --------------------------------------------------------------------------- exit 4


def test_closed_port_is_4(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # The client's own retries still run; only their backoff is shortened to keep this fast.
    from tui.core.api import client as client_mod

    real = client_mod.SmsClient

    class QuickRetries(real):  # type: ignore[misc,valid-type]
        def __init__(self, *args: Any, **kw: Any) -> None:
            kw.setdefault("policy", dataclasses.replace(CLIENT_RETRIES, base=0.01))
            super().__init__(*args, **kw)

    monkeypatch.setattr(client_mod, "SmsClient", QuickRetries)
    port = closed_port()
    write_config(sim_profile(f"http://127.0.0.1:{port}"))
    code, out, err = run(capsys, "status", "MzA6Nzg6MA", "c21NCNSDN2sMMWM2miosdjEHH")
    assert code == 4
    assert out == ""
    line = one_error_line(err)
    assert "network error" in line and str(port) in line
    assert SECRET not in line


def test_a_server_sending_a_byte_a_second_is_a_network_error_within_the_timeout(
    sim: Simulator, capsys: pytest.CaptureFixture[str]
) -> None:
    write_config(sim_profile(sim.url) + "timeout = 0.5\n")
    mid = sim.add_message("Your code is 1234")
    tid = sim.create_send(mid, 25)
    sim.inject(tid, Fault(kind="trickle", times=None, seconds=0.2))
    code, out, err = run(capsys, "status", mid, tid)
    assert (code, out) == (4, "")
    line = one_error_line(err)
    assert "timeout" in line and "within 0.5 s" in line


# --------------------------------------------------------------------------- exit 5


async def test_wait_times_out_with_5(
    sim: Simulator, send: tuple[str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    from tests.clocks import ManualClock, real_wait
    from tui.cli.args import build_parser
    from tui.cli.status import _status
    from tui.core.store.config import load_config, select_profile

    args = build_parser().parse_args(
        ["status", *send, "--wait", "--timeout", "0.3", "--interval", "0.05"]
    )
    config = load_config()
    clock = ManualClock()  # the deadline comes when the test says, not when a slow machine does
    waiting = asyncio.create_task(_status(args, config, select_profile(config), clock))
    while not waiting.done():
        await real_wait(lambda: clock.waiting() == 2 or waiting.done(), "the poll to sleep")
        clock.advance(0.05)
    code = await waiting
    out, err = capsys.readouterr()
    assert code == 5
    assert out == ""
    assert "Traceback" not in err
    lines = err.strip().splitlines()
    assert lines[-1] == "sendwatch: timed out after 0.3 s; last status: New"
    assert [line.split()[-1] for line in lines[:-1]] == ["New"]  # printed once, on change
    assert sim.stats.deliveries >= 3  # it kept polling until the deadline


def test_wait_keeps_going_through_retryable_errors(
    sim: Simulator, send: tuple[str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    mid, tid = send
    sim.advance(3600)
    sim.inject(tid, Fault(kind="http429", times=1, retry_after=None))
    code, out, err = run(capsys, "status", mid, tid, "--wait", "--interval", "0.05", "--json")
    assert code == 0, err
    assert json.loads(out)["status"] == "Finished"
    assert "still waiting" in err


# --------------------------------------------------------------------------- --wait to Finished


async def _wait_through(
    sim: Simulator, argv: list[str], steps: tuple[float, ...], capsys: pytest.CaptureFixture[str]
) -> tuple[int, str]:
    """`status --wait` on a manual clock: at each step the simulator moves on by that many
    seconds and the wait by one poll, so the progression never depends on machine speed."""
    from tests.clocks import ManualClock, real_wait
    from tui.cli.args import build_parser
    from tui.cli.status import _status
    from tui.core.store.config import load_config, select_profile

    args = build_parser().parse_args(["status", *argv, "--wait", "--interval", "1"])
    config = load_config()
    clock = ManualClock()
    waiting = asyncio.create_task(_status(args, config, select_profile(config), clock))
    for step in steps:
        await real_wait(lambda: clock.waiting() == 2 or waiting.done(), "the poll to sleep")
        sim.advance(step)
        clock.advance(1)
    code = await waiting
    return code, capsys.readouterr().err


async def test_wait_reaches_finished(
    sim: Simulator, profile: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    mid = sim.add_message()
    tid = sim.create_send(mid, 5)
    code, err = await _wait_through(sim, [mid, tid], (2.5, 3.0, 3600), capsys)
    assert code == 0, err
    lines = [ln for ln in err.splitlines() if re.fullmatch(r"\d\d:\d\d:\d\d  \w+", ln)]
    assert [line.split()[-1] for line in lines] == ["New", "Queuing", "Started", "Finished"]


async def test_wait_ending_in_error_is_1(
    sim: Simulator, profile: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    mid = sim.add_message()
    tid = sim.create_send(mid, 5, error=True)
    code, err = await _wait_through(sim, [mid, tid], (2.5, 3.0, 3600), capsys)
    assert code == 1
    assert err.strip().splitlines()[-1].endswith("Error")


# --------------------------------------------------------------------------- exit 70


def test_internal_error_is_70_and_one_line(
    sim: Simulator,
    send: tuple[str, str],
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from tui.cli import status

    def broken(*args: object) -> str:
        raise RuntimeError("boom")

    monkeypatch.setattr(status, "delivery_text", broken)
    code, _, err = run(capsys, "status", *send)
    assert code == 70
    line = one_error_line(err)
    assert "RuntimeError: boom" in line and "SENDWATCH_DEBUG" in line
    monkeypatch.setenv("SENDWATCH_DEBUG", "1")
    with pytest.raises(RuntimeError, match="boom"):
        main(["status", *send])


# --------------------------------------------------------------------------- hostile text


HOSTILE = "\x1b]0;pwned\x07\x1b[2J\x9b31m\u202egnp.exe"


def test_hostile_message_text_never_reaches_the_terminal(
    sim: Simulator, profile: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    mid = sim.add_message(HOSTILE)
    tid = sim.create_send(mid, 3)
    sim.advance(3600)
    code, out, err = run(capsys, "status", mid, tid)
    assert code == 0, err
    assert ESC not in out + err
    assert "\x07" not in out and "\x9b" not in out and "\u202e" not in out
    assert "pwned" in out  # shown as literal text, not dropped
    code, out, err = run(capsys, "status", mid, tid, "--json")
    assert code == 0
    assert ESC not in out + err
    assert json.loads(out)["message"] == HOSTILE  # JSON keeps the exact text, escaped


def test_hostile_label_in_list(
    sim: Simulator, profile: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = run(capsys, "add", "MzA6Nzg6MA", "tok1", "-l", "evil \x1b[2J label", "--force")
    assert code == 0, err
    code, out, _ = run(capsys, "list")
    assert code == 0
    assert ESC not in out


# --------------------------------------------------------------------------- --version


def test_version_imports_neither_textual_nor_httpx() -> None:
    script = (
        "import sys\n"
        "import tui.cli.main\n"
        "try:\n"
        "    tui.cli.main.main(['--version'])\n"
        "except SystemExit as exc:\n"
        "    code = exc.code\n"
        "heavy = sorted(m for m in ('textual', 'httpx', 'rich') if m in sys.modules)\n"
        "print('RESULT', code, ','.join(heavy) or '-')\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=30, check=False
    )
    assert result.returncode == 0, result.stderr
    import tui

    assert f"sendwatch {tui.__version__}" in result.stdout
    assert result.stdout.strip().splitlines()[-1] == "RESULT 0 -"


# --------------------------------------------------------------------------- watch list


def test_add_list_remove(sim: Simulator, profile: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from tui.core.api.model import SendKind

    code, out, err = run(capsys, "list")
    assert code == 0 and "empty" in out
    mid = sim.add_message()
    tid_a = sim.create_send(mid, 3)
    list_mid = sim.add_message(kind=SendKind.MESSAGE_LIST)
    tid_b = sim.create_send(list_mid, 2)
    code, out, err = run(capsys, "add", mid, tid_a, "-l", "Black Friday")
    assert code == 0, err
    assert out.startswith("watching Black Friday on profile sim: New, 0 of 3 recipients seen")
    assert "(1 sends in the list)" in out
    code, out, err = run(capsys, "add", list_mid, tid_b, "--kind", "list")
    assert code == 0, err
    reads = sim.stats.total
    code, out, _ = run(capsys, "list")
    rows = out.strip().splitlines()
    assert len(rows) == 3  # the header and two sends
    assert rows[0].split()[:3] == ["#", "label", "kind"]
    assert rows[1].split()[:6] == ["1", "Black", "Friday", "contact", "sim", mid]
    assert rows[2].split()[:5] == ["2", "—", "list", "sim", list_mid]
    code, out, _ = run(capsys, "list", "--json")
    listed = json.loads(out)
    assert [(s["token_id"], s["kind"], s["label"]) for s in listed] == [
        (tid_a, "messageContact", "Black Friday"),
        (tid_b, "messageList", ""),
    ]
    assert all(s["profile"] == "sim" and s["added"] for s in listed)
    watch_file = config_dir() / "watchlist.toml"
    assert SECRET not in watch_file.read_text()

    code, _, err = run(capsys, "remove", "nothing-like-this")
    assert code == 2 and "nothing in the watch list" in one_error_line(err)
    code, _, err = run(capsys, "remove", "7")
    assert code == 2
    code, out, err = run(capsys, "remove", tid_b)
    assert code == 0 and "removed" in out
    code, out, err = run(capsys, "remove", "1")
    assert code == 0 and "removed Black Friday" in out
    code, out, _ = run(capsys, "list", "--json")
    assert json.loads(out) == []
    assert sim.stats.total == reads  # list and remove never talk to the API


def test_add_checks_ids_and_profile(
    sim: Simulator, profile: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = run(capsys, "add", "MzA6Nzg6MA", "bad token")
    assert code == 2 and "token id" in one_error_line(err)
    code, _, err = run(capsys, "add", "MzA6Nzg6MA", "tok", "-p", "nope")
    assert code == 2 and "'nope'" in one_error_line(err)
    code, out, _ = run(capsys, "list", "--json")
    assert json.loads(out) == []


# --------------------------------------------------------------------------- profiles


def test_profiles_never_show_secrets(capsys: pytest.CaptureFixture[str]) -> None:
    inline = "inline-SECRET-value-8c1d"
    token = "inline-TOKEN-value-77aa"
    text = (
        '[settings]\ndefault_profile = "inline"\n\n'
        + sim_profile("http://127.0.0.1:9", "inline", client_secret=inline)
        + "\n"
        + sim_profile("http://127.0.0.1:9", "envsecret")
        + '\n[profiles.static]\nauth = "token"\nrest_url = "https://rest.example"\n'
        + f'access_token = "{token}"\n'
    )
    write_config(text, mode=0o600)
    code, out, err = run(capsys, "profiles")
    assert code == 0, err
    assert inline not in out + err and token not in out + err
    rows = {line[2:].split()[0]: line for line in out.strip().splitlines()}
    assert set(rows) == {"inline", "envsecret", "static"}
    assert rows["inline"].startswith("* ")
    assert rows["static"].startswith("  ")
    assert "secret in config.toml" in rows["inline"]
    assert "secret from $SIM_SECRET" in rows["envsecret"]
    assert "token in config.toml" in rows["static"]


def test_profiles_refuse_a_readable_file_with_a_secret(capsys: pytest.CaptureFixture[str]) -> None:
    inline = "inline-SECRET-value-8c1d"
    path = write_config(sim_profile("http://127.0.0.1:9", client_secret=inline), mode=0o644)
    code, out, err = run(capsys, "profiles")
    assert code == 2
    line = one_error_line(err)
    assert "chmod 600" in line and str(path) in line
    assert inline not in out + err


def test_profiles_empty(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "profiles")
    assert code == 0
    assert str(config_path()) in out


# --------------------------------------------------------------------------- doctor


def test_doctor_prints_isolated_paths(
    isolated_dirs: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("COLUMNS", raising=False)
    monkeypatch.delenv("LINES", raising=False)
    code, out, err = run(capsys, "doctor")
    assert code == 0, err
    fields = dict(re.split(r"\s{2,}", line, maxsplit=1) for line in out.strip().splitlines())
    assert fields["config file"] == str(config_path())
    assert fields["watch list"] == str(config_dir() / "watchlist.toml")
    assert fields["history"] == str(data_dir() / "history.sqlite3")
    for key in ("config dir", "config file", "watch list", "data dir", "history"):
        assert Path(fields[key]).is_relative_to(isolated_dirs), key


def test_doctor_without_a_terminal(isolated_dirs: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k not in ("TERM", "COLUMNS", "LINES")}
    result = subprocess.run(
        [sys.executable, "-m", "tui", "doctor"],
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        env=env,
        timeout=30,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    assert "(unset)" in result.stdout  # TERM
    assert "not a terminal" in result.stdout
    assert str(isolated_dirs) in result.stdout


# --------------------------------------------------------------------------- sim


@pytest.mark.parametrize(
    ("argv", "fragment"),
    [
        (["sim", "--port", "70000"], "not a port number"),
        (["sim", "--port", "-1"], "not a port number"),
        (["sim", "--port", "0", "--time-scale", "-1"], "cannot be negative"),
    ],
)
def test_sim_argument_validation(
    capsys: pytest.CaptureFixture[str], argv: list[str], fragment: str
) -> None:
    before = threading.active_count()
    code, out, err = run(capsys, *argv)
    assert code == 2
    assert fragment in one_error_line(err)
    assert out == ""
    assert threading.active_count() == before  # no server was started


def test_sim_port_in_use_is_2(capsys: pytest.CaptureFixture[str]) -> None:
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        code, _, err = run(capsys, "sim", "--port", str(port))
    assert code == 2
    assert f"cannot listen on 127.0.0.1:{port}" in one_error_line(err)


# --------------------------------------------------------------------------- the whole timeout


async def test_wait_uses_the_whole_timeout_and_reads_once_more_at_the_deadline(
    sim: Simulator, send: tuple[str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    """`--timeout 10 --interval 3` gave up after 5.6 s saying 'timed out after 10 s'."""
    from tests.clocks import ManualClock, real_wait
    from tui.cli.args import build_parser
    from tui.cli.status import _status
    from tui.core.store.config import load_config, select_profile

    mid, tid = send
    args = build_parser().parse_args(
        ["status", mid, tid, "--wait", "--timeout", "10", "--interval", "3"]
    )
    config = load_config()
    clock = ManualClock()
    waiting = asyncio.create_task(_status(args, config, select_profile(config), clock))
    both_asleep = lambda: clock.waiting() == 2  # noqa: E731 (the wait and the send's poll)
    await real_wait(both_asleep, "the first read")
    assert sim.stats.deliveries == 1
    for second in range(1, 10):
        clock.advance(1)
        await real_wait(both_asleep, f"second {second}")
        assert not waiting.done(), f"gave up after {second} s of a 10 s timeout"
    assert sim.stats.deliveries == 4  # at 0, 3, 6 and 9 s
    clock.advance(1)
    code = await waiting
    assert code == 5
    assert sim.stats.deliveries == 5, "one more read at the deadline"
    err = capsys.readouterr().err
    assert err.strip().splitlines()[-1] == "sendwatch: timed out after 10 s; last status: New"


def test_a_finish_seen_by_the_deadline_read_is_not_a_timeout(
    sim: Simulator, send: tuple[str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    mid, tid = send
    sim.advance(3600)
    code, out, err = run(capsys, "status", mid, tid, "--wait", "--timeout", "0.01")
    assert code == 0, err
    assert "Finished" in out


# --------------------------------------------------------------------------- exit 74


def test_a_watch_list_that_cannot_be_read_is_74_not_5(
    sim: Simulator, profile: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (config_path().parent / "watchlist.toml").mkdir()  # unreadable, even for root
    code, _, err = run(capsys, "add", "MzA6Nzg6MA", "tokA")
    assert code == 74, err
    assert "watchlist.toml" in one_error_line(err)
    code, _, err = run(capsys, "list")
    assert code == 74, err


def test_exit_codes_are_one_table_in_help_and_readme(capsys: pytest.CaptureFixture[str]) -> None:
    from tui.cli.args import EXIT_CODES

    with pytest.raises(SystemExit):
        main(["status", "--help"])
    help_text = capsys.readouterr().out
    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text()
    for code, meaning in EXIT_CODES.items():
        assert f"  {code:<3} {meaning}" in help_text
        assert f"| {code} | {meaning} |" in readme, f"README's exit code {code}"
    codes = {int(m) for m in re.findall(r"^\| (\d+) \| ", readme, flags=re.M)}
    assert codes == set(EXIT_CODES)


def test_a_crash_in_the_monitor_is_one_line_and_70_never_a_traceback_with_locals(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from textual.app import App

    from tui.cli.launch import run_app

    class Crashing(App[None]):
        def on_mount(self) -> None:
            secret_local = "TOPSECRET"  # what a traceback with locals would show
            raise KeyError(f"gone {len(secret_local)}")

    assert run_app(Crashing(), headless=True) == 70
    err = capsys.readouterr().err
    assert (
        err.strip()
        == "sendwatch: internal error: KeyError: 'gone 9' (SENDWATCH_DEBUG=1 shows more)"
    )
    monkeypatch.setenv("SENDWATCH_DEBUG", "1")
    assert run_app(Crashing(), headless=True) == 70
    assert "Traceback" in capsys.readouterr().err
