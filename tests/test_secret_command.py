"""client_secret_command runs in a process group of its own: a timeout ends all of it."""

from __future__ import annotations

import os
import shlex
import time
from pathlib import Path

import pytest

from tui.core.api import secrets
from tui.core.api.errors import ConfigError
from tui.core.api.profile import Profile
from tui.core.api.secrets import resolve_secret


def is_gone(pid: int) -> bool:
    """No such process, or only its zombie (a container's init may be slow to reap it)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except FileNotFoundError:
        return True
    return stat.rsplit(")", 1)[1].split()[0] in ("Z", "X")


def wait_gone(pid: int, within: float = 10.0) -> bool:
    """Poll, bounded: the kill is sent before resolve_secret returns, death follows soon."""
    deadline = time.monotonic() + within
    while not is_gone(pid):
        if time.monotonic() > deadline:
            return False
        time.sleep(0.01)
    return True


def child_writing_pid(pid_file: Path) -> str:
    """A shell that starts a long `sleep` child, records its pid, and waits for it:
    the shape of `sh -c 'sleep 100; echo x'`."""
    script = f"sleep 100 & echo $! >> {shlex.quote(str(pid_file))}; wait; echo x"
    return shlex.join(["sh", "-c", script])


def pids(pid_file: Path) -> list[int]:
    deadline = time.monotonic() + 10
    while not pid_file.exists() and time.monotonic() < deadline:
        time.sleep(0.01)
    return [int(line) for line in pid_file.read_text().split()]


@pytest.fixture
def short_timeout(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(secrets, "SECRET_COMMAND_TIMEOUT", 0.5)


@pytest.mark.usefixtures("short_timeout")
def test_a_timed_out_secret_command_leaves_no_child_running(tmp_path: Path) -> None:
    pid_file = tmp_path / "pids"
    profile = Profile(name="acme", client_secret_command=child_writing_pid(pid_file))
    with pytest.raises(ConfigError, match=r"did not finish within 0\.5 s"):
        resolve_secret(profile)
    (child,) = pids(pid_file)
    try:
        assert wait_gone(child), f"the command's child {child} is still running"
    finally:
        if not is_gone(child):
            os.kill(child, 9)


@pytest.mark.usefixtures("short_timeout")
async def test_every_retry_of_the_monitor_ends_its_command(tmp_path: Path) -> None:
    """The monitor asks for the secret again on each read (`r`, the next poll): each
    attempt that times out ends its own children, none piles up."""
    from tui.core.api.client import SmsClient
    from tui.core.api.model import SendKind

    pid_file = tmp_path / "pids"
    profile = Profile(
        name="acme",
        auth="oauth2",
        auth_url="http://127.0.0.1:9",
        rest_url="http://127.0.0.1:9",
        client_id="id",
        client_secret_command=child_writing_pid(pid_file),
    )
    async with SmsClient(profile) as client:
        for _ in range(2):
            with pytest.raises(ConfigError, match="did not finish"):
                await client.fetch(SendKind.MESSAGE_CONTACT, "MzA6Nzg6MA", "dG9rZW4")
    children = pids(pid_file)
    try:
        assert len(children) == 2
        assert [pid for pid in children if not wait_gone(pid)] == []
    finally:
        for pid in children:
            if not is_gone(pid):
                os.kill(pid, 9)
