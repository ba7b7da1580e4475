"""Secrets stay secret, in all three auth modes and with SENDWATCH_DEBUG=1: the client
secret and every access token the simulator issued are looked for in every file under the
test's home, in stdout and stderr of each headless command, in every log record, on the
monitor's screen and in what `Y` copies, and in the argv of every process while the
secret command runs. A token sent in the query (`token_in_query`) is redacted from the
URLs that errors quote.
"""

from __future__ import annotations

import logging
import os
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tui.cli.main import main
from tui.core.api.model import SendKind
from tui.core.store.config import load_config
from tui.core.store.history import History
from tui.core.store.paths import config_path
from tui.core.store.watchlist import WatchedSend, WatchList
from tui.sim import Fault, Simulator

SECRET = "s3cret-Zq81-never-shown"
CLIENT = "secret-client"
MODES = ("oauth2", "legacy", "token")

PS_DUMP = """\
import os, pathlib, sys
args = []
for proc in pathlib.Path("/proc").iterdir():
    try:
        args.append((proc / "cmdline").read_bytes().replace(b"\\0", b" ").decode(errors="replace"))
    except OSError:
        pass
pathlib.Path(sys.argv[1]).write_text("\\n".join(args))
print(pathlib.Path(sys.argv[2]).read_text())
"""


@pytest.fixture
def home(isolated_dirs: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("SENDWATCH_DEBUG", "1")
    return isolated_dirs


def _profile(sim: Simulator, mode: str, home: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    """A profile of `mode` whose secret reaches sendwatch the way that mode allows."""
    head = f'[profiles.p]\nauth = "{mode}"\nrest_url = "{sim.url}"\ntimeout = 5\n'
    if mode == "token":
        monkeypatch.setenv("SW_TOKEN", sim.issue_token(CLIENT))
        return head + 'access_token_env = "SW_TOKEN"\ntoken_in_query = true\n'
    secret_file = home / "secret.txt"
    secret_file.write_text(SECRET)
    secret_file.chmod(0o600)
    script = home / "ps_dump.py"
    script.write_text(PS_DUMP)
    command = f"{sys.executable} {script} {home / 'ps.txt'} {secret_file}"
    return (
        head
        + f'auth_url = "{sim.url}"\nclient_id = "{CLIENT}"\n'
        + (
            f"client_secret_command = {command!r}\n"
            if mode == "oauth2"
            else 'client_secret_env = "SW_SECRET"\n'
        )
    )


@pytest.fixture(params=MODES)
def mode(
    request: pytest.FixtureRequest, sim: Simulator, home: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[str]:
    sim.add_client(CLIENT, SECRET)
    monkeypatch.setenv("SW_SECRET", SECRET)
    path = config_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    text = '[settings]\ndefault_profile = "p"\n\n' + _profile(sim, request.param, home, monkeypatch)
    path.write_text(text)
    path.chmod(0o600)
    yield request.param


def _secrets(sim: Simulator) -> list[str]:
    return [SECRET, *sim.issued_tokens()]


def _leaks(text: str, sim: Simulator) -> list[str]:
    return [s[:6] + "…" for s in _secrets(sim) if s in text]


def _files_with_secrets(home: Path, sim: Simulator) -> list[str]:
    found = []
    for path in home.rglob("*"):
        if not path.is_file() or path.name in ("secret.txt", "ps.txt"):
            continue
        data = path.read_bytes()
        if any(s.encode() in data for s in _secrets(sim)):
            found.append(str(path.relative_to(home)))
    return found


def test_no_headless_command_shows_writes_or_logs_a_secret(
    mode: str,
    sim: Simulator,
    home: Path,
    capsys: pytest.CaptureFixture[str],
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)
    mid = sim.add_message("Your code is 1234", client_id=CLIENT)
    tid = sim.create_send(mid, 5, client_id=CLIENT)
    broken = "A" * 25  # a token id the server does not know: a 4xx, never retried
    runs = [
        ["add", mid, tid, "-l", "Codes"],
        ["status", mid, tid],
        ["status", "1", "--json"],
        ["export", mid, tid, "--format", "json"],
        ["list"],
        ["profiles"],
        ["profiles", "test"],
        ["status", mid, broken],  # the server's refusal
        ["doctor"],
    ]
    sim.advance(300)  # within the token's life
    codes: list[int] = []
    said: list[tuple[list[str], int, str]] = []
    for argv in runs:
        codes.append(main(argv))
        out, err = capsys.readouterr()
        said.append((argv[:2], codes[-1], err[-300:]))
        assert not _leaks(out + err, sim), (argv, out, err)
    sim.revoke_tokens()  # a 401: the token is refreshed (or, for a static one, refused)
    codes.append(main(["status", mid, tid]))
    out, err = capsys.readouterr()
    assert not _leaks(out + err, sim), (out, err)
    assert codes[:7] == [0] * 7, said  # the reads really happened
    assert codes[7] != 0
    logged = "\n".join(f"{r.getMessage()} {r.args!r} {r.exc_text or ''}" for r in caplog.records)
    assert not _leaks(logged, sim)
    assert not _files_with_secrets(home, sim)
    if mode == "token":
        assert any("access_token=" in r.query for r in sim.requests), "the token went in the query"
    if mode == "oauth2":
        ps = (home / "ps.txt").read_text()
        assert "ps_dump.py" in ps, "the dump saw its own process"
        assert not _leaks(ps, sim)


async def test_the_monitor_never_shows_a_secret(
    mode: str, sim: Simulator, home: Path, caplog: pytest.LogCaptureFixture
) -> None:
    from tests.test_app import running, screen, until
    from tui.ui.app import SendwatchApp

    caplog.set_level(logging.DEBUG)
    mid = sim.add_message("Your code is 1234", client_id=CLIENT)
    sends = [sim.create_send(mid, 5, client_id=CLIENT) for _ in range(2)]
    sim.inject(sends[1], Fault(kind="http500", times=None))
    watchlist = WatchList()
    watchlist.load()
    for i, tid in enumerate(sends):
        watchlist.add(WatchedSend("p", mid, tid, SendKind.MESSAGE_CONTACT, f"Send {i}"))
    history = History(home / "history.sqlite3")
    app = SendwatchApp(load_config(), watchlist, history=history)
    try:
        async with running(app, notifications=True) as pilot:
            await until(
                pilot, lambda: all(s.fetched_at or s.error for s in app.model.states), "reads"
            )
            assert "Ticket" not in screen(app)
            shown = [screen(app)]
            await pilot.press("down")  # the failing send, its error box
            await pilot.pause()
            shown.append(screen(app))
            await pilot.press("Y")  # the ticket note
            await pilot.pause()
            shown.append(screen(app))
            shown.append(app.clipboard)  # what osc52 sent
            assert not _leaks("\n".join(shown), sim), shown
    finally:
        history.close()
    assert not _leaks("\n".join(r.getMessage() for r in caplog.records), sim)
    assert not _files_with_secrets(home, sim)
    assert os.environ.get("SENDWATCH_DEBUG") == "1"
