"""`sendwatch profiles test`: each failure is produced for real and named with its own
exit code: DNS (10), TCP refused (11), TLS (12), credentials (13), scope (14), config (2);
OK is 0. Never a secret or a token in the report."""

from __future__ import annotations

import re
import shutil
import socket
import ssl
import subprocess
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.test_cli import (
    SECRET,
    closed_port,
    one_error_line,
    run,
    secret_env,  # noqa: F401 (the CLI tests' autouse fixture)
    sim_profile,
    write_config,
)
from tui.cli.probe import PROBE_PATH
from tui.sim import Simulator


@pytest.fixture
def sim_config(sim: Simulator) -> Path:
    """config.toml with one profile, `sim`, on the simulator."""
    return write_config(sim_profile(sim.url))


def blocks(out: str) -> dict[str, list[str]]:
    """The report's block of each profile, by name."""
    found: dict[str, list[str]] = {}
    for block in out.strip().split("\n\n"):
        first, *rest = block.splitlines()
        name = first.split()[1]
        found[name] = rest
    return found


def outcome(lines: list[str]) -> str:
    return lines[-1].strip()


def test_ok_gets_a_token_reads_the_example_url_and_times_both(
    sim: Simulator, sim_config: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(capsys, "profiles", "test")
    assert code == 0, out + err
    assert err == ""
    lines = blocks(out)["sim"]
    assert re.fullmatch(rf"token ✓ +\d+ ms  POST {sim.url}/v2/token", lines[0].strip())
    assert re.fullmatch(rf"read  ✓ +\d+ ms  GET {sim.url}{PROBE_PATH}", lines[2].strip())
    assert re.search(r"HTTP 400: (Message|Token) id \S+ is not valid\. \(expected", lines[3])
    assert outcome(lines) == "OK: profile sim reaches the SMS API"
    assert [r.path for r in sim.requests] == ["/v2/token", PROBE_PATH]
    assert all(r.method in ("POST", "GET") for r in sim.requests)  # the read is a GET
    assert SECRET not in out
    assert out.startswith("profile sim (oauth2, secret from $SIM_SECRET)")


def test_wrong_secret_is_13_with_the_server_s_words_and_no_secret(
    sim: Simulator,
    sim_config: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    wrong = "wrong-secret-Zq9xK2"
    monkeypatch.setenv("SIM_SECRET", wrong)
    code, out, _ = run(capsys, "profiles", "test", "sim")
    assert code == 13
    lines = blocks(out)["sim"]
    assert "token ✗" in lines[0]
    assert "refused the client credentials (HTTP 401)" in lines[1]
    assert "invalid_client: Invalid client ID" in lines[1]  # the server's own words
    assert outcome(lines) == "FAILED: auth (exit 13)"
    assert wrong not in out and SECRET not in out
    assert sim.stats.deliveries == 0  # no read without a token


def test_a_host_that_does_not_resolve_is_10(capsys: pytest.CaptureFixture[str]) -> None:
    write_config(sim_profile("http://nosuch.invalid"))
    code, out, _ = run(capsys, "profiles", "test")
    assert code == 10
    lines = blocks(out)["sim"]
    assert "POST http://nosuch.invalid/v2/token" in lines[0]
    assert lines[1].strip().startswith("the host name nosuch.invalid was not found")
    assert outcome(lines) == "FAILED: DNS (exit 10)"


def test_a_refused_connection_is_11(capsys: pytest.CaptureFixture[str]) -> None:
    port = closed_port()
    write_config(sim_profile(f"http://127.0.0.1:{port}"))
    code, out, _ = run(capsys, "profiles", "test")
    assert code == 11
    lines = blocks(out)["sim"]
    assert "127.0.0.1 refused the connection" in lines[1]
    assert outcome(lines) == "FAILED: TCP (exit 11)"


def test_https_to_a_plain_http_port_is_a_tls_failure_12(
    sim: Simulator, capsys: pytest.CaptureFixture[str]
) -> None:
    write_config(sim_profile(sim.url.replace("http://", "https://")))
    code, out, _ = run(capsys, "profiles", "test")
    assert code == 12
    lines = blocks(out)["sim"]
    assert "does not speak TLS there" in lines[1]
    assert outcome(lines) == "FAILED: TLS (exit 12)"


@pytest.fixture
def self_signed(tmp_path: Path) -> Iterator[int]:
    """A TLS server on 127.0.0.1 whose certificate nobody trusts; yields its port."""
    if shutil.which("openssl") is None:
        pytest.skip("openssl is needed to make a certificate")
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run(
        [
            *("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1"),
            *("-subj", "/CN=127.0.0.1", "-keyout", str(key), "-out", str(cert)),
        ],
        check=True,
        capture_output=True,
        timeout=60,
    )
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    listener = socket.create_server(("127.0.0.1", 0))
    stop = threading.Event()

    def serve() -> None:
        while not stop.is_set():
            try:
                conn, _ = listener.accept()
            except OSError:
                return
            try:
                with context.wrap_socket(conn, server_side=True):
                    pass
            except (ssl.SSLError, OSError):
                pass  # the client gives up on our certificate: that is the point

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    try:
        yield int(listener.getsockname()[1])
    finally:
        stop.set()
        listener.close()
        thread.join(timeout=5)


def test_an_untrusted_certificate_is_12_and_names_ca_bundle(
    self_signed: int, capsys: pytest.CaptureFixture[str]
) -> None:
    write_config(sim_profile(f"https://127.0.0.1:{self_signed}"))
    code, out, _ = run(capsys, "profiles", "test")
    assert code == 12
    lines = blocks(out)["sim"]
    assert "its certificate is not trusted" in lines[1] and "ca_bundle" in lines[1]
    assert "CERTIFICATE_VERIFY_FAILED" in lines[1]  # the system's own words
    assert outcome(lines) == "FAILED: TLS (exit 12)"


def test_a_token_without_the_sms_scope_is_14(
    sim: Simulator, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    sim.add_client("lists-only", "lists-secret", scopes="list_and_subscribers_read")
    monkeypatch.setenv("LISTS_SECRET", "lists-secret")
    text = sim_profile(sim.url, "lists").replace("demo-client", "lists-only")
    write_config(text.replace("SIM_SECRET", "LISTS_SECRET"))
    code, out, _ = run(capsys, "profiles", "test", "lists")
    assert code == 14
    lines = blocks(out)["lists"]
    assert "token ✓" in lines[0]
    assert "read  ✗" in lines[2]
    assert "HTTP 403: Insufficient privileges" in lines[3] and "sms_read" in lines[3]
    assert outcome(lines) == "FAILED: scope (exit 14)"


def test_an_unset_secret_variable_is_2_and_says_what_to_do(
    sim: Simulator,
    sim_config: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("SIM_SECRET")
    code, out, _ = run(capsys, "profiles", "test")
    assert code == 2
    lines = blocks(out)["sim"]
    assert "SIM_SECRET (client_secret_env) is not set" in lines[1]
    assert "to fix: set SIM_SECRET in the environment sendwatch starts from" in lines[1]
    assert outcome(lines) == "FAILED: config (exit 2)"
    assert sim.stats.total == 0


def test_every_profile_is_tested_and_the_first_failure_sets_the_code(
    sim: Simulator, capsys: pytest.CaptureFixture[str]
) -> None:
    write_config(
        sim_profile(sim.url, "good")
        + "\n"
        + sim_profile(f"http://127.0.0.1:{closed_port()}", "down")
        + "\n"
        + sim_profile("http://nosuch.invalid", "nodns")
    )
    code, out, _ = run(capsys, "profiles", "test")
    assert code == 11
    found = blocks(out)
    assert list(found) == ["good", "down", "nodns"]
    assert outcome(found["good"]).startswith("OK")
    assert outcome(found["down"]) == "FAILED: TCP (exit 11)"
    assert outcome(found["nodns"]) == "FAILED: DNS (exit 10)"


def test_an_unknown_name_is_2(
    sim: Simulator, sim_config: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(capsys, "profiles", "test", "nope")
    assert code == 2
    assert out == ""
    assert "no profile named 'nope' (profiles: sim)" in one_error_line(err)
    assert sim.stats.total == 0


def test_a_static_token_is_never_printed(
    sim: Simulator, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    token = sim.issue_token()
    monkeypatch.setenv("SIM_TOKEN", token)
    write_config(
        f'[profiles.static]\nauth = "token"\nrest_url = "{sim.url}"\n'
        'access_token_env = "SIM_TOKEN"\ntoken_in_query = true\n'
    )
    code, out, _ = run(capsys, "profiles", "test")
    assert code == 0, out
    assert token not in out
    assert "access_token" not in out  # the URL is shown without its query
    assert sim.requests[-1].query == "access_token=[redacted]"


def test_a_connect_timeout_is_tcp_and_a_read_timeout_is_plain_network() -> None:
    """No firewall to drop packets in a test: the words are checked on the error itself."""
    from tui.cli.probe import classify
    from tui.core.api.errors import NetworkError

    url = "https://mc.example/v2/token"
    failure, code, said = classify(
        NetworkError("connect-timeout", "x", reason="ConnectTimeout"), url, token_step=True
    )
    assert (failure, code) == ("TCP", 11)
    assert "no connection to mc.example in time" in said and "HTTPS_PROXY" in said
    failure, code, _ = classify(NetworkError("timeout", "x"), url, token_step=False)
    assert (failure, code) == ("network", 4)
