"""Client secrets and access tokens, looked up only when a request needs them.

A secret never appears in an error message: failures name the profile, the key and
the program, and a failing command's stderr is shown with its stdout blanked out.
"""

from __future__ import annotations

import contextlib
import os
import shlex
import signal
import subprocess
import threading

from tui.core.api.errors import ConfigError, describe_os_error
from tui.core.api.profile import Profile

SECRET_COMMAND_TIMEOUT = 10.0


def resolve_secret(profile: Profile) -> str:
    """The client secret, from the env var, the command or the inline value (in that order)."""
    where = f"profile {profile.name!r}"
    if profile.client_secret_env:
        return _from_env(where, "client_secret_env", profile.client_secret_env)
    if profile.client_secret_command:
        return _from_command(where, "client_secret_command", profile.client_secret_command)
    if profile.client_secret:
        return profile.client_secret
    raise ConfigError(
        where, "has no client secret: set client_secret_env, client_secret_command or client_secret"
    )


def resolve_access_token(profile: Profile) -> str:
    """The static token for token mode, from the env var or the inline value."""
    where = f"profile {profile.name!r}"
    if profile.access_token_env:
        return _from_env(where, "access_token_env", profile.access_token_env)
    if profile.access_token:
        return profile.access_token
    raise ConfigError(where, "has no access token: set access_token_env or access_token")


def _from_env(where: str, key: str, variable: str) -> str:
    # A running program never sees a variable set later: only a restart can fix this.
    remedy = f"set {variable} in the environment sendwatch starts from, then restart it"
    value = os.environ.get(variable)
    if value is None:
        raise ConfigError(
            where, f"environment variable {variable} ({key}) is not set", remedy=remedy
        )
    if not value.strip():
        raise ConfigError(where, f"environment variable {variable} ({key}) is empty", remedy=remedy)
    return value.strip()


def _from_command(where: str, key: str, command: str) -> str:
    """First stdout line of the command. Errors name only the program, never its output."""
    try:
        argv = shlex.split(command)
    except ValueError as exc:
        raise ConfigError(where, f"{key} cannot be split: {exc}") from None
    if not argv:
        raise ConfigError(where, f"{key} is empty")
    program = argv[0]
    remedy = (
        f"run {program!r} yourself to see why it fails; after fixing {key} in config.toml, "
        "restart sendwatch"
    )
    try:
        returncode, stdout, stderr = run_in_own_group(argv, SECRET_COMMAND_TIMEOUT)
    except FileNotFoundError:
        raise ConfigError(
            where, f"{key}: program {program!r} was not found", remedy=remedy
        ) from None
    except subprocess.TimeoutExpired:
        raise ConfigError(
            where,
            f"{key}: {program!r} did not finish within {SECRET_COMMAND_TIMEOUT:g} s",
            remedy=remedy,
        ) from None
    except OSError as exc:
        raise ConfigError(
            where, f"{key}: cannot run {program!r}: {describe_os_error(exc)}", remedy=remedy
        ) from None
    if returncode != 0:
        hint = _stderr_hint(stdout, stderr)
        raise ConfigError(
            where, f"{key}: {program!r} failed with exit status {returncode}{hint}", remedy=remedy
        )
    lines = stdout.decode("utf-8", "replace").splitlines()
    secret = lines[0].strip() if lines else ""
    if not secret:
        raise ConfigError(
            where, f"{key}: {program!r} printed nothing on its first line", remedy=remedy
        )
    return secret


_running: set[subprocess.Popen[bytes]] = set()
_running_lock = threading.Lock()


def run_in_own_group(argv: list[str], timeout: float) -> tuple[int, bytes, bytes]:
    """Run `argv` in a session of its own; if it is not done within `timeout` (or we are
    interrupted), end its whole process group, not just its first process.

    `sh -c 'sleep 100; echo x'` killed alone leaves the `sleep` running for good, holding
    the pipe. A session of its own also keeps the terminal's Ctrl+C and the screen (stdin
    is /dev/null) away from it.
    """
    with subprocess.Popen(
        argv,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        start_new_session=True,
    ) as process:
        with _running_lock:
            _running.add(process)
        try:
            stdout, stderr = process.communicate(timeout=timeout)
        except BaseException:
            _end_group(process)
            raise
        finally:
            with _running_lock:
                _running.discard(process)
        return process.returncode, stdout, stderr


def end_running_commands() -> None:
    """End every secret command still running (the app is quitting: nobody waits for
    the secret, and its thread would hold the exit up to SECRET_COMMAND_TIMEOUT)."""
    with _running_lock:
        for process in _running:
            if process.returncode is None:  # not reaped: its pid is still its own
                with contextlib.suppress(ProcessLookupError, PermissionError):
                    os.killpg(process.pid, signal.SIGKILL)


def _end_group(process: subprocess.Popen[bytes]) -> None:
    """SIGKILL to every process of the command's group, then reap its leader."""
    with contextlib.suppress(ProcessLookupError, PermissionError):  # all gone already
        os.killpg(process.pid, signal.SIGKILL)  # the group's id is the leader's pid
    process.wait()


def _stderr_hint(stdout: bytes, stderr: bytes) -> str:
    """The last stderr line (why it failed), with anything printed on stdout blanked out."""
    text = stderr.decode("utf-8", "replace")
    for line in stdout.decode("utf-8", "replace").splitlines():
        if line.strip():
            text = text.replace(line.strip(), "[redacted]")
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    return f" ({lines[-1][:200]})" if lines else ""
