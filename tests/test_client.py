"""SmsClient: URLs, auth header or query, retries, and every error shape, over real HTTP.

Most tests talk to the loopback simulator; httpx.MockTransport is used only for replies
the simulator cannot produce (a 403 body, an HTTP-date Retry-After, odd gateway bodies).
"""

from __future__ import annotations

import asyncio
import json
import logging
import socket
import ssl
from collections.abc import Awaitable, Callable, Mapping
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from pathlib import Path
from typing import Any

import httpx
import pytest

import tui
from tests.examples import NEW_SHAPE
from tui.core.api import client as client_mod
from tui.core.api.client import SmsClient
from tui.core.api.errors import (
    ApiError,
    AuthError,
    BadResponse,
    ConfigError,
    InvalidId,
    InvalidMessageId,
    InvalidTokenId,
    NetworkError,
    RateLimited,
    RequestRejected,
    ServerError,
    TokenNotForClient,
    TokenNotForMessage,
    UnexpectedServerError,
    UsageError,
)
from tui.core.api.http import build_http_client, network_error, network_kind, parse_retry_after
from tui.core.api.model import Phase, SendKind
from tui.core.api.profile import Profile

SEED_BODY = NEW_SHAPE  # docs/api.md's example reply, as a JSON object
MID, TID = "MzA6Nzg6MA", "c21NCNSDN2sMMWM2miosdjEHH"
STATIC = "static-token-VALUE-9f8e7d"
MC = SendKind.MESSAGE_CONTACT


class Sleeps:
    """An injected sleep that records every wait and returns at once."""

    def __init__(self) -> None:
        self.waits: list[float] = []

    async def __call__(self, seconds: float) -> None:
        self.waits.append(seconds)


@pytest.fixture(autouse=True)
def env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SIM_SECRET", "demo-secret")
    monkeypatch.setenv("SW_STATIC", STATIC)


def stat(sim: Any, name: str) -> int:
    stats = sim.stats
    value = stats[name] if isinstance(stats, Mapping) else getattr(stats, name)
    return int(value)


def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


# --------------------------------------------------------------------------- mock helpers


def token_profile(**kw: Any) -> Profile:
    base: dict[str, Any] = {
        "name": "mock",
        "auth": "token",
        "rest_url": "https://rest.example",
        "access_token_env": "SW_STATIC",
    }
    base.update(kw)
    return Profile(**base)


Handler = Callable[[httpx.Request], httpx.Response | Awaitable[httpx.Response]]


def mock_client(
    handler: Handler, profile: Profile | None = None, **kw: Any
) -> tuple[SmsClient, list[httpx.Request]]:
    seen: list[httpx.Request] = []

    async def wrapped(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        result = handler(request)
        if not isinstance(result, httpx.Response):
            result = await result
        return result

    http = httpx.AsyncClient(transport=httpx.MockTransport(wrapped))
    kw.setdefault("sleep", Sleeps())
    return SmsClient(profile or token_profile(), http=http, **kw), seen


def assert_no_secret(exc: BaseException, *secrets: str) -> None:
    for secret in (STATIC, *secrets):
        assert secret not in str(exc)
        assert secret not in repr(exc)
        for m in getattr(exc, "messages", ()):
            assert secret not in m


# --------------------------------------------------------------------------- pure helpers


def test_parse_retry_after() -> None:
    assert parse_retry_after("5") == 5.0
    assert parse_retry_after(" 2.5 ") == 2.5
    assert parse_retry_after("-3") == 0.0
    assert parse_retry_after(None) is None
    assert parse_retry_after("") is None
    assert parse_retry_after("soon") is None
    assert parse_retry_after("nan") is None
    now = 1_700_000_000.0
    when = datetime.fromtimestamp(now, UTC) + timedelta(seconds=42)
    assert parse_retry_after(format_datetime(when, usegmt=True), now=lambda: now) == 42.0
    past = datetime.fromtimestamp(now, UTC) - timedelta(seconds=42)
    assert parse_retry_after(format_datetime(past, usegmt=True), now=lambda: now) == 0.0


def test_network_kind_mapping() -> None:
    req = httpx.Request("GET", "https://h.example/sms/v1/x?access_token=SECRETTOKEN")

    def wrapped(exc_type: type[httpx.TransportError], cause: BaseException) -> str:
        try:
            try:
                raise cause
            except BaseException as inner:
                raise exc_type(str(inner), request=req) from inner
        except httpx.TransportError as exc:
            return network_kind(exc)

    assert wrapped(httpx.ConnectError, ConnectionRefusedError(111, "Connection refused")) == (
        "refused"
    )
    assert wrapped(httpx.ConnectError, socket.gaierror(-2, "Name or service not known")) == "dns"
    assert wrapped(httpx.ConnectError, ssl.SSLCertVerificationError("verify failed")) == "tls"
    assert wrapped(httpx.ReadError, ConnectionResetError(104, "reset by peer")) == "reset"
    assert wrapped(httpx.ReadTimeout, TimeoutError()) == "timeout"
    assert wrapped(httpx.ConnectTimeout, TimeoutError()) == "connect-timeout"
    assert wrapped(httpx.ProxyError, RuntimeError("weird")) == "other"
    err = network_error(httpx.ConnectError("boom access_token=SECRETTOKEN", request=req), req)
    assert "SECRETTOKEN" not in str(err)
    assert "h.example/sms/v1/x" in str(err)


async def test_build_http_client(tmp_path: Path) -> None:
    http = build_http_client(Profile(name="p", timeout=8.0), max_connections=3)
    try:
        assert http.headers["User-Agent"] == f"sendwatch/{tui.__version__}"
        assert http.timeout.read == 8.0
        assert http.timeout.connect is not None and http.timeout.connect < 8.0
        assert http.trust_env is True
    finally:
        await http.aclose()
    with pytest.raises(ConfigError, match="ca_bundle"):
        build_http_client(Profile(name="p", ca_bundle=str(tmp_path / "missing.pem")))
    garbage = tmp_path / "garbage.pem"
    garbage.write_text("not a certificate")
    with pytest.raises(ConfigError, match="'p'"):
        build_http_client(Profile(name="p", ca_bundle=str(garbage)))


async def test_owns_only_the_http_client_it_created() -> None:
    async with httpx.AsyncClient() as http:
        async with SmsClient(token_profile(), http=http) as client:
            assert "mock" in repr(client) and STATIC not in repr(client)
        assert not http.is_closed
    client = SmsClient(token_profile())
    await client.aclose()
    assert client._http.is_closed
    with pytest.raises(UsageError, match="closed"):
        await client.fetch(MC, MID, TID)


# --------------------------------------------------------------------------- mock replies


async def test_seed_example_over_mock_with_bearer_header() -> None:
    client, seen = mock_client(lambda r: httpx.Response(200, json=SEED_BODY))
    delivery = await client.fetch(MC, MID, TID)
    assert delivery.status == "Finished" and delivery.phase is Phase.FINISHED
    assert delivery.count == 1 and delivery.event_count == 4
    (recipient,) = delivery.recipients
    assert recipient.outcome_code == 4000
    assert str(seen[0].url) == f"https://rest.example/sms/v1/messageContact/{MID}/deliveries/{TID}"
    assert seen[0].headers["Authorization"] == f"Bearer {STATIC}"
    assert "access_token" not in str(seen[0].url)
    await client.fetch(SendKind.MESSAGE_LIST, MID, TID)
    assert "/sms/v1/messageList/" in str(seen[1].url)


async def test_403_is_auth_error_with_server_message() -> None:
    body = {"message": "Insufficient privileges to complete this action.", "errorcode": 20001}
    client, seen = mock_client(lambda r: httpx.Response(403, json=body))
    with pytest.raises(AuthError, match=r"403.*Insufficient privileges") as info:
        await client.fetch(MC, MID, TID)
    assert info.value.status == 403
    assert len(seen) == 1
    assert_no_secret(info.value)


async def test_503_with_http_date_retry_after() -> None:
    when = format_datetime(datetime.now(UTC) + timedelta(seconds=120), usegmt=True)
    client, seen = mock_client(lambda r: httpx.Response(503, headers={"Retry-After": when}))
    with pytest.raises(ServerError) as info:
        await client.fetch(MC, MID, TID)
    assert info.value.status == 503
    assert info.value.retry_after is not None and 100 < info.value.retry_after <= 120
    assert len(seen) == 1  # 120 s > max_retry_after: raised for the caller to pause


async def test_503_short_http_date_is_waited_then_retried() -> None:
    sleeps = Sleeps()
    when = format_datetime(datetime.now(UTC) + timedelta(seconds=10), usegmt=True)
    replies = [
        httpx.Response(503, headers={"Retry-After": when}),
        httpx.Response(200, json=SEED_BODY),
    ]
    client, seen = mock_client(lambda r: replies[len(seen) - 1], sleep=sleeps)
    await client.fetch(MC, MID, TID)
    assert len(seen) == 2
    assert len(sleeps.waits) == 1 and 5 < sleeps.waits[0] <= 10


async def test_gateway_404_body() -> None:
    body = {
        "documentation": "https://code.docs.exacttarget.com/rest/errors/404",
        "errorcode": 404,
        "message": "Not Found",
    }
    client, seen = mock_client(lambda r: httpx.Response(404, json=body))
    with pytest.raises(RequestRejected, match=f"{MID}.*{TID}.*Not Found") as info:
        await client.fetch(MC, MID, TID)
    assert info.value.status == 404 and len(seen) == 1


async def test_5xx_keeps_reference_id_and_429_body_retry_after() -> None:
    body = {
        "errors": ["An unexpected error occurred, please contact Support with reference id ab-12"]
    }
    client, _ = mock_client(lambda r: httpx.Response(500, json=body), retries=0)
    with pytest.raises(ServerError) as info:
        await client.fetch(MC, MID, TID)
    assert info.value.reference_id == "ab-12"
    body429 = {"message": "Rate limit exceeded", "errorcode": 50100, "retryAfter": 90}
    client, _ = mock_client(lambda r: httpx.Response(429, json=body429))
    with pytest.raises(RateLimited) as rl:
        await client.fetch(MC, MID, TID)
    assert rl.value.retry_after == 90


async def test_429_without_retry_after_is_raised_at_once() -> None:
    body = {"message": "Your requests are temporarily blocked.", "errorcode": 50200}
    sleeps = Sleeps()
    client, seen = mock_client(lambda r: httpx.Response(429, json=body), sleep=sleeps)
    with pytest.raises(RateLimited) as info:
        await client.fetch(MC, MID, TID)
    assert info.value.retry_after is None and len(seen) == 1 and sleeps.waits == []


@pytest.mark.parametrize("status", [400, 404, 409, 415])
async def test_non_json_4xx_is_bad_response_not_retried(status: int) -> None:
    client, seen = mock_client(
        lambda r: httpx.Response(status, text="<html><body>nope</body></html>")
    )
    with pytest.raises(BadResponse, match="HTML") as info:
        await client.fetch(MC, MID, TID)
    assert info.value.status == status and len(seen) == 1


async def test_non_json_5xx_is_server_error() -> None:
    client, seen = mock_client(lambda r: httpx.Response(502, text="<html>Bad gateway</html>"))
    with pytest.raises(ServerError, match="502"):
        await client.fetch(MC, MID, TID)
    assert len(seen) == 4


async def test_big_body_is_parsed_in_a_thread(monkeypatch: pytest.MonkeyPatch) -> None:
    tracking = [
        {"mobileNumber": f"1555{i:07d}", "statusCode": "200", "standardStatusCode": "4000"}
        for i in range(5000)
    ]
    big = json.dumps({"status": "Finished", "count": 5000, "tracking": tracking}).encode()
    assert len(big) > client_mod.THREAD_PARSE_BYTES
    threaded: list[str] = []
    real = asyncio.to_thread

    async def spy(func: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Any:
        threaded.append(getattr(func, "__name__", "?"))
        return await real(func, *args, **kwargs)

    monkeypatch.setattr(asyncio, "to_thread", spy)
    client, _ = mock_client(lambda r: httpx.Response(200, content=big))
    delivery = await client.fetch(MC, MID, TID)
    assert len(delivery.recipients) == 5000
    assert "parse_delivery_bytes" in threaded
    threaded.clear()
    await mock_client(lambda r: httpx.Response(200, json=SEED_BODY))[0].fetch(MC, MID, TID)
    assert "parse_delivery_bytes" not in threaded


async def test_static_token_401_is_auth_error_without_a_second_request() -> None:
    client, seen = mock_client(lambda r: httpx.Response(401, json={"message": "Not Authorized"}))
    with pytest.raises(AuthError, match="'mock'") as info:
        await client.fetch(MC, MID, TID)
    assert len(seen) == 1
    assert_no_secret(info.value)


async def test_send_is_not_repeated_when_it_may_have_been_processed() -> None:
    client, seen = mock_client(lambda r: httpx.Response(500))
    with pytest.raises(ServerError):
        await client.send(MID, ["15555555510"])
    assert len(seen) == 1

    def reset(request: httpx.Request) -> httpx.Response:
        raise httpx.ReadError("connection reset", request=request)

    client, seen = mock_client(reset)
    with pytest.raises(NetworkError):
        await client.send(MID, ["15555555510"])
    assert len(seen) == 1

    def refused_then_ok(request: httpx.Request) -> httpx.Response:
        if len(seen) == 1:
            raise httpx.ConnectError("refused", request=request)
        return httpx.Response(202, json={"tokenId": "tok123"})

    client, seen = mock_client(refused_then_ok)
    assert await client.send(MID, ["15555555510"], message_text="hi") == "tok123"
    assert len(seen) == 2
    assert json.loads(seen[1].content) == {
        "mobileNumbers": ["15555555510"],
        "Override": True,
        "messageText": "hi",
    }


async def test_send_input_checks_send_nothing() -> None:
    client, seen = mock_client(lambda r: httpx.Response(202, json={"tokenId": "t"}))
    with pytest.raises(UsageError):
        await client.send(MID, [])
    with pytest.raises(UsageError):
        await client.send(MID, "15555555510")
    with pytest.raises(InvalidId):
        await client.send("bad id!", ["15555555510"])
    assert seen == []


async def test_missing_rest_base_is_config_error() -> None:
    client, seen = mock_client(lambda r: httpx.Response(200), token_profile(rest_url=None))
    with pytest.raises(ConfigError, match="rest_url or subdomain"):
        await client.fetch(MC, MID, TID)
    assert seen == []


# --------------------------------------------------------------------------- simulator


def sim_profile(sim: Any, auth: str = "oauth2", **kw: Any) -> Profile:
    base: dict[str, Any] = {
        "name": "sim",
        "auth": auth,
        "auth_url": sim.url,
        "rest_url": sim.url,
        "client_id": "demo-client",
        "client_secret_env": "SIM_SECRET",
    }
    base.update(kw)
    return Profile(**base)


def sim_client(sim: Any, profile: Profile | None = None, **kw: Any) -> SmsClient:
    kw.setdefault("sleep", Sleeps())
    return SmsClient(profile or sim_profile(sim), **kw)


def a_send(sim: Any, recipients: int | list[str] = 3, **kw: Any) -> tuple[str, str]:
    message_id = sim.add_message(text="Your code is 1234")
    return message_id, sim.create_send(message_id, recipients, **kw)


@pytest.mark.parametrize("mode", ["oauth2", "legacy", "token"])
async def test_sim_fetch_in_each_auth_mode(
    sim: Any, mode: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    mid, tid = a_send(sim, ["15555555510", "15555555511"])
    sim.advance(3600)  # the send finishes
    if mode == "token":
        monkeypatch.setenv("SIM_TOKEN", sim.issue_token())
        profile = sim_profile(sim, "token", access_token_env="SIM_TOKEN", client_secret_env=None)
    else:
        profile = sim_profile(sim, mode)
    async with sim_client(sim, profile) as client:
        delivery = await client.fetch(MC, mid, tid)
    assert delivery.phase is Phase.FINISHED
    assert {r.mobile_number for r in delivery.recipients} == {"15555555510", "15555555511"}


async def test_sim_oauth2_learns_rest_base_from_token_reply(sim: Any) -> None:
    mid, tid = a_send(sim)
    async with sim_client(sim, sim_profile(sim, rest_url=None)) as client:
        delivery = await client.fetch(MC, mid, tid)
        assert client.auth.rest_base
    assert delivery.status


async def test_sim_one_token_for_twenty_concurrent_fetches(sim: Any) -> None:
    sends = [a_send(sim, 2) for _ in range(4)]
    async with sim_client(sim) as client:
        results = await asyncio.gather(*(client.fetch(MC, *sends[i % 4]) for i in range(20)))
        assert len(results) == 20
        assert stat(sim, "token_v2") == 1
        await client.fetch(MC, *sends[0])
    assert stat(sim, "token_v2") == 1
    assert stat(sim, "deliveries") == 21


async def test_sim_refresh_before_expiry(sim: Any) -> None:
    mid, tid = a_send(sim)
    now = [0.0]
    async with httpx.AsyncClient() as http:
        from tui.core.api.auth import make_provider, refresh_margin

        provider = make_provider(sim_profile(sim), http, clock=lambda: now[0])
        client = sim_client(sim, http=http, auth=provider)
        await client.fetch(MC, mid, tid)
        lifetime = float(sim.token_ttl) - 1  # expires_in reports one second less
        now[0] = lifetime - refresh_margin(lifetime) - 1
        await client.fetch(MC, mid, tid)
        assert stat(sim, "token_v2") == 1
        now[0] = lifetime - 1  # not yet expired, but inside the margin
        await client.fetch(MC, mid, tid)
        assert stat(sim, "token_v2") == 2


async def test_sim_401_refreshes_once_and_retries(sim: Any) -> None:
    mid, tid = a_send(sim)
    async with sim_client(sim) as client:
        await client.fetch(MC, mid, tid)
        sim.revoke_tokens()
        results = await asyncio.gather(*(client.fetch(MC, mid, tid) for _ in range(5)))
        assert len(results) == 5
    assert stat(sim, "token_v2") == 2  # exactly one extra token fetch


async def test_sim_persistent_401_is_auth_error_after_one_retry(sim: Any) -> None:
    mid, tid = a_send(sim)

    class Revoking:
        """Hands out tokens, revoking every one right away: the server always says 401."""

        rest_base = None
        profile = sim_profile(sim, "token")
        fetched = 0

        async def token(self) -> str:
            self.fetched += 1
            tok = str(sim.issue_token())
            sim.revoke_tokens()
            return tok

        def invalidate(self, token: str) -> None:
            pass

    auth = Revoking()
    async with sim_client(sim, auth=auth) as client:  # type: ignore[arg-type]
        with pytest.raises(AuthError, match="even after") as info:
            await asyncio.wait_for(client.fetch(MC, mid, tid), 5)
    assert auth.fetched == 2
    assert stat(sim, "deliveries") == 2
    assert info.value.status == 401


async def test_sim_bad_credentials(sim: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SIM_SECRET", "not-the-demo-secret")
    mid, tid = a_send(sim)
    async with sim_client(sim) as client:
        with pytest.raises(AuthError) as info:
            await client.fetch(MC, mid, tid)
        assert "not-the-demo-secret" not in repr(client)
    assert "'sim'" in str(info.value)
    assert_no_secret(info.value, "not-the-demo-secret")
    assert stat(sim, "deliveries") == 0


async def test_sim_seed_example_shape(sim: Any) -> None:
    mid, tid = a_send(sim, ["15555555510"])
    sim.advance(3600)
    async with sim_client(sim) as client:
        delivery = await client.fetch(MC, mid, tid)
    raw = json.loads(sim.body(tid))
    assert set(raw) >= {"message", "count", "createDate", "status", "tracking"}
    assert delivery.message == "Your code is 1234"
    assert delivery.count == 1
    assert delivery.create_date is not None


async def test_sim_catalogue_errors(sim: Any) -> None:
    mid, tid = a_send(sim)
    _, other_tid = a_send(sim)
    sim.add_client("other-client", "other-secret")
    foreign_mid = sim.add_message(text="other", client_id="other-client")
    foreign_tid = sim.create_send(foreign_mid, 1, client_id="other-client")
    async with sim_client(sim) as client:
        with pytest.raises(InvalidMessageId, match="AAAAAAAA") as e1:
            await client.fetch(MC, "AAAAAAAA", tid)
        with pytest.raises(InvalidTokenId, match="BBBBBBBB") as e2:
            await client.fetch(MC, mid, "BBBBBBBB")
        with pytest.raises(TokenNotForClient, match=foreign_tid) as e3:
            await client.fetch(MC, mid, foreign_tid)
        with pytest.raises(TokenNotForMessage) as e4:
            await client.fetch(MC, mid, other_tid)
        assert other_tid in str(e4.value) and mid in str(e4.value)
        sim.inject(tid, client_mod_fault(sim, "unexpected"))
        with pytest.raises(UnexpectedServerError) as e5:
            await client.fetch(MC, mid, tid)
    assert e5.value.reference_id and e5.value.reference_id in str(e5.value)
    for err in (e1, e2, e3, e4, e5):
        assert err.value.status == 400
        assert err.value.messages
    assert stat(sim, "deliveries") == 5  # none of them retried


def client_mod_fault(sim: Any, kind: str, **kw: Any) -> Any:
    from tui.sim import Fault

    return Fault(kind=kind, **kw)


async def test_sim_local_id_validation_sends_nothing(sim: Any) -> None:
    mid, tid = a_send(sim)
    before = stat(sim, "total")
    async with sim_client(sim) as client:
        for bad_mid, bad_tid in [
            ("", tid),
            (mid, " x"),
            ("https://x.example/a", tid),
            (mid, "a?b"),
        ]:
            with pytest.raises(InvalidId) as info:
                await client.fetch(MC, bad_mid, bad_tid)
            assert info.value.exit_code == 2
    assert stat(sim, "total") == before


async def test_sim_percent_encodes_ids(sim: Any) -> None:
    async with sim_client(sim) as client:
        with pytest.raises(ApiError) as info:
            await client.fetch(MC, "ab/cd+ef==", "tok/en+x")
    assert "ab/cd+ef==" in str(info.value)
    paths = [str(getattr(r, "path", r)) for r in sim.requests]
    assert any("ab%2Fcd%2Bef%3D%3D" in p and "tok%2Fen%2Bx" in p for p in paths), paths


async def test_sim_500_forever_is_bounded(sim: Any) -> None:
    mid, tid = a_send(sim)
    sim.inject(tid, client_mod_fault(sim, "http500", times=100))
    sleeps = Sleeps()
    async with sim_client(sim, retries=2, sleep=sleeps) as client:
        with pytest.raises(ServerError) as info:
            await client.fetch(MC, mid, tid)
    assert info.value.status == 500
    assert stat(sim, "deliveries") == 3
    assert len(sleeps.waits) == 2
    assert 0 <= sleeps.waits[0] <= 0.5 and 0 <= sleeps.waits[1] <= 1.0


async def test_sim_500_once_then_success(sim: Any) -> None:
    mid, tid = a_send(sim)
    sim.inject(tid, client_mod_fault(sim, "http500", times=1))
    async with sim_client(sim) as client:
        delivery = await client.fetch(MC, mid, tid)
    assert delivery.status
    assert stat(sim, "deliveries") == 2


async def test_sim_429_retry_after_is_honoured(sim: Any) -> None:
    mid, tid = a_send(sim)
    sim.inject(tid, client_mod_fault(sim, "http429", times=1, retry_after=5))
    sleeps = Sleeps()
    async with sim_client(sim, sleep=sleeps) as client:
        await client.fetch(MC, mid, tid)
    assert sleeps.waits == [5.0]
    assert stat(sim, "deliveries") == 2


async def test_sim_429_too_long_is_raised(sim: Any) -> None:
    mid, tid = a_send(sim)
    sim.inject(tid, client_mod_fault(sim, "http429", times=1, retry_after=300))
    sleeps = Sleeps()
    async with sim_client(sim, sleep=sleeps) as client:
        with pytest.raises(RateLimited) as info:
            await client.fetch(MC, mid, tid)
    assert info.value.retry_after == 300
    assert sleeps.waits == [] and stat(sim, "deliveries") == 1


async def test_sim_429_with_no_retries_left_is_raised(sim: Any) -> None:
    mid, tid = a_send(sim)
    sim.inject(tid, client_mod_fault(sim, "http429", times=5, retry_after=1))
    sleeps = Sleeps()
    async with sim_client(sim, sleep=sleeps, retries=2) as client:
        with pytest.raises(RateLimited) as info:
            await client.fetch(MC, mid, tid)
    assert info.value.retry_after == 1
    assert sleeps.waits == [1.0, 1.0] and stat(sim, "deliveries") == 3


async def test_sim_503_retry_after(sim: Any) -> None:
    mid, tid = a_send(sim)
    sim.inject(tid, client_mod_fault(sim, "http503", times=1, retry_after=120))
    async with sim_client(sim) as client:
        with pytest.raises(ServerError) as info:
            await client.fetch(MC, mid, tid)
    assert info.value.status == 503 and info.value.retry_after == 120


@pytest.mark.parametrize("kind", ["malformed", "html"])
async def test_sim_bad_bodies(sim: Any, kind: str) -> None:
    mid, tid = a_send(sim)
    sim.inject(tid, client_mod_fault(sim, kind, times=100))
    async with sim_client(sim, retries=1) as client:
        with pytest.raises(BadResponse):
            await client.fetch(MC, mid, tid)
    assert stat(sim, "deliveries") == 2


async def test_sim_drop_is_network_error(sim: Any) -> None:
    mid, tid = a_send(sim)
    sim.inject(tid, client_mod_fault(sim, "drop", times=100))
    async with sim_client(sim, retries=1) as client:
        with pytest.raises(NetworkError) as info:
            await client.fetch(MC, mid, tid)
    assert info.value.kind in ("reset", "other")
    assert info.value.exit_code == 4


async def test_sim_timeout_is_network_error(sim: Any) -> None:
    mid, tid = a_send(sim)
    sim.inject(tid, client_mod_fault(sim, "latency", times=100, seconds=2))
    async with sim_client(sim, sim_profile(sim, timeout=0.3), retries=0) as client:
        await client.auth.token()  # token first, so the short timeout hits the fetch
        with pytest.raises(NetworkError) as info:
            await client.fetch(MC, mid, tid)
    assert info.value.kind == "timeout"


async def test_refused_port_is_network_error() -> None:
    port = closed_port()
    profile = token_profile(rest_url=f"http://127.0.0.1:{port}", token_in_query=True)
    sleeps = Sleeps()
    async with SmsClient(profile, retries=2, sleep=sleeps) as client:
        with pytest.raises(NetworkError) as info:
            await client.fetch(MC, MID, TID)
    assert info.value.kind == "refused"
    assert len(sleeps.waits) == 2
    assert_no_secret(info.value)


async def test_sim_token_in_query(sim: Any, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    mid, tid = a_send(sim)
    profile = sim_profile(sim, token_in_query=True)
    async with sim_client(sim, profile) as client:
        delivery = await client.fetch(MC, mid, tid)
        assert delivery.status
        token = await client.auth.token()
        last = sim.requests[-1]
        assert last.had_bearer is False
        assert "access_token=" in last.query and token not in last.query
        sim.inject(tid, client_mod_fault(sim, "drop", times=100))
        with pytest.raises(NetworkError) as drop:
            await client.fetch(MC, mid, tid)
        with pytest.raises(InvalidTokenId) as bad:
            await client.fetch(MC, mid, "BBBBBBBB")
    for exc in (drop.value, bad.value):
        assert token not in str(exc) and token not in repr(exc)
        assert all(token not in m for m in getattr(exc, "messages", ()))
    assert token not in repr(client)
    assert "access_token" in caplog.text  # httpx logged the URL, redacted
    assert token not in caplog.text


async def test_sim_send_returns_token_id(sim: Any) -> None:
    mid = sim.add_message(text="hello")
    async with sim_client(sim) as client:
        token_id = await client.send(mid, ["15555555510", "15555555511"])
        delivery = await client.fetch(MC, mid, token_id)
        with pytest.raises(ApiError) as info:
            await client.send(mid, ["1-317-555-1212"])
    assert delivery.status
    assert info.value.status == 400 and info.value.messages


async def test_sim_token_endpoint_trouble_is_retried(sim: Any) -> None:
    mid, tid = a_send(sim)
    sim.inject_auth(client_mod_fault(sim, "http500", times=1))
    async with sim_client(sim) as client:
        assert (await client.fetch(MC, mid, tid)).status
    assert stat(sim, "token_v2") == 2
    sim.inject_auth(client_mod_fault(sim, "drop", times=None))
    async with sim_client(sim, retries=1) as client:
        with pytest.raises(NetworkError) as info:
            await client.fetch(MC, mid, tid)
    assert info.value.kind == "reset"
    assert "/v2/token" in str(info.value)


async def test_a_poll_searches_no_import_path(sim: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    """httpcore imports a missing `sniffio` per request: it must not cost a path search."""
    import importlib.machinery

    searches: list[str] = []
    real = importlib.machinery.PathFinder.find_spec

    def counted(name: str, *args: Any, **kwargs: Any) -> Any:
        searches.append(name)
        return real(name, *args, **kwargs)

    mid, tid = a_send(sim)
    async with sim_client(sim) as client:
        await client.fetch(MC, mid, tid)  # imports done once, at the first request
        monkeypatch.setattr(importlib.machinery.PathFinder, "find_spec", counted)
        for _ in range(3):
            await client.fetch(MC, mid, tid)
    assert searches == []


async def test_a_server_sending_a_byte_a_second_fails_within_the_timeout(sim: Any) -> None:
    """httpx bounds each read; the whole fetch, retries included, has one deadline."""
    from tui.sim.faults import Fault

    mid, tid = a_send(sim)
    sim.inject(tid, Fault(kind="trickle", times=None, seconds=0.2))
    loop = asyncio.get_running_loop()
    started = loop.time()
    async with sim_client(sim, sim_profile(sim, timeout=0.5)) as client:
        with pytest.raises(NetworkError) as caught:
            await client.fetch(MC, mid, tid)
    took = loop.time() - started
    assert caught.value.kind == "timeout"
    assert "within 0.5 s" in str(caught.value) and "access_token" not in str(caught.value)
    assert took < 0.5 + 5  # the reply would take about 100 s at that pace
