"""Token providers: the three auth modes, single flight, early refresh, safe errors."""

from __future__ import annotations

import asyncio
import json
import socket
from collections.abc import Callable, Mapping
from typing import Any

import httpx
import pytest

from tui.core.api.auth import (
    LegacyTokenProvider,
    OAuth2TokenProvider,
    StaticTokenProvider,
    make_provider,
    refresh_margin,
)
from tui.core.api.errors import AuthError, BadResponse, ConfigError, NetworkError, ServerError
from tui.core.api.profile import Profile

SECRET = "s3cr3t-VALUE-never-shown"
AUTH = "https://tenant.auth.marketingcloudapis.com"


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def oauth_profile(**kw: Any) -> Profile:
    base: dict[str, Any] = {
        "name": "prod",
        "auth": "oauth2",
        "auth_url": AUTH,
        "client_id": "cid",
        "client_secret_env": "SW_TEST_SECRET",
    }
    base.update(kw)
    return Profile(**base)


@pytest.fixture(autouse=True)
def secret_env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SW_TEST_SECRET", SECRET)
    monkeypatch.setenv("SIM_SECRET", "demo-secret")


def mock_http(
    handler: Callable[[httpx.Request], httpx.Response | Any],
) -> tuple[httpx.AsyncClient, list[httpx.Request]]:
    seen: list[httpx.Request] = []

    async def wrapped(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        result = handler(request)
        if asyncio.iscoroutine(result):
            result = await result
        assert isinstance(result, httpx.Response)
        return result

    return httpx.AsyncClient(transport=httpx.MockTransport(wrapped)), seen


def token_reply(token: str = "tok-1", expires_in: object = 1080, **extra: Any) -> httpx.Response:
    return httpx.Response(200, json={"access_token": token, "expires_in": expires_in, **extra})


def stat(sim: Any, name: str) -> int:
    stats = sim.stats
    value = stats[name] if isinstance(stats, Mapping) else getattr(stats, name)
    return int(value)


# --------------------------------------------------------------------------- request shapes


async def test_oauth2_request_shape_and_scheme_less_instance_url() -> None:
    http, seen = mock_http(
        lambda r: token_reply(rest_instance_url="tenant.rest.marketingcloudapis.com/")
    )
    provider = make_provider(oauth_profile(account_id="123", scope="sms_read sms_send"), http)
    assert isinstance(provider, OAuth2TokenProvider)
    assert provider.rest_base is None
    assert await provider.token() == "tok-1"
    assert len(seen) == 1
    assert str(seen[0].url) == AUTH + "/v2/token"
    assert seen[0].method == "POST"
    assert json.loads(seen[0].content) == {
        "grant_type": "client_credentials",
        "client_id": "cid",
        "client_secret": SECRET,
        "account_id": "123",
        "scope": "sms_read sms_send",
    }
    assert provider.rest_base == "https://tenant.rest.marketingcloudapis.com"


async def test_oauth2_profile_rest_url_wins_over_instance_url() -> None:
    http, _ = mock_http(lambda r: token_reply(rest_instance_url="https://other.example/"))
    provider = make_provider(oauth_profile(rest_url="https://mine.example/"), http)
    await provider.token()
    assert provider.rest_base == "https://mine.example"


async def test_oauth2_refuses_plain_http_instance_url_from_https_auth() -> None:
    http, _ = mock_http(lambda r: token_reply(rest_instance_url="http://evil.example"))
    provider = make_provider(oauth_profile(), http)
    with pytest.raises(BadResponse, match="rest_instance_url"):
        await provider.token()


async def test_legacy_request_shape() -> None:
    http, seen = mock_http(
        lambda r: httpx.Response(200, json={"accessToken": "legacy-tok", "expiresIn": 3600})
    )
    provider = make_provider(oauth_profile(auth="legacy"), http)
    assert isinstance(provider, LegacyTokenProvider)
    assert await provider.token() == "legacy-tok"
    assert str(seen[0].url) == AUTH + "/v1/requestToken"
    assert json.loads(seen[0].content) == {"clientId": "cid", "clientSecret": SECRET}


async def test_static_token_from_env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SW_TOKEN", "static-tok")
    http, seen = mock_http(lambda r: httpx.Response(500))
    provider = make_provider(Profile(name="t", auth="token", access_token_env="SW_TOKEN"), http)
    assert isinstance(provider, StaticTokenProvider)
    assert await provider.token() == "static-tok"
    assert seen == []
    # a refused static token cannot be refreshed: a clear AuthError, no secret
    provider.invalidate("static-tok")
    with pytest.raises(AuthError, match=r"'t'.*cannot be refreshed") as info:
        await provider.token()
    assert "static-tok" not in str(info.value)


async def test_unknown_mode_and_missing_settings() -> None:
    http, _ = mock_http(lambda r: token_reply())
    with pytest.raises(ConfigError, match="unknown auth mode"):
        make_provider(Profile(name="x", auth="saml"), http)  # type: ignore[arg-type]
    with pytest.raises(ConfigError, match="client_id"):
        await make_provider(oauth_profile(client_id=None), http).token()
    with pytest.raises(ConfigError, match="auth_url or subdomain"):
        await make_provider(oauth_profile(auth_url=None), http).token()


# --------------------------------------------------------------------------- caching


async def test_concurrent_callers_share_one_fetch() -> None:
    async def slow(request: httpx.Request) -> httpx.Response:
        await asyncio.sleep(0.05)
        return token_reply()

    http, seen = mock_http(slow)
    provider = make_provider(oauth_profile(), http)
    tokens = await asyncio.gather(*(provider.token() for _ in range(20)))
    assert set(tokens) == {"tok-1"}
    assert len(seen) == 1
    await provider.token()
    assert len(seen) == 1


async def test_concurrent_failure_is_shared_too() -> None:
    async def refuse(request: httpx.Request) -> httpx.Response:
        await asyncio.sleep(0.02)
        return httpx.Response(401, json={"error": "invalid_client"})

    http, seen = mock_http(refuse)
    provider = make_provider(oauth_profile(), http)
    results = await asyncio.gather(*(provider.token() for _ in range(10)), return_exceptions=True)
    assert all(isinstance(r, AuthError) for r in results)
    assert len(seen) == 1


def test_refresh_margin() -> None:
    assert refresh_margin(1080) == 60
    assert refresh_margin(100) == 10


@pytest.mark.parametrize(("lifetime", "margin"), [(1080, 60.0), (100, 10.0)])
async def test_refreshes_before_expiry(lifetime: int, margin: float) -> None:
    counter = iter(range(1, 100))
    http, seen = mock_http(lambda r: token_reply(f"tok-{next(counter)}", lifetime))
    clock = Clock()
    provider = make_provider(oauth_profile(), http, clock=clock)
    assert await provider.token() == "tok-1"
    clock.now += lifetime - margin - 0.5
    assert await provider.token() == "tok-1"
    assert len(seen) == 1
    clock.now += 1.0  # inside the margin, still before the real expiry
    assert await provider.token() == "tok-2"
    assert len(seen) == 2


async def test_missing_or_bad_expires_in_uses_documented_lifetime() -> None:
    http, seen = mock_http(
        lambda r: httpx.Response(200, json={"accessToken": "t", "expiresIn": "soon"})
    )
    clock = Clock()
    provider = make_provider(oauth_profile(auth="legacy"), http, clock=clock)
    await provider.token()
    clock.now += 3600 - 61
    await provider.token()
    assert len(seen) == 1
    clock.now += 2
    await provider.token()
    assert len(seen) == 2


async def test_invalidate_only_drops_the_current_token() -> None:
    counter = iter(range(1, 100))
    http, seen = mock_http(lambda r: token_reply(f"tok-{next(counter)}"))
    provider = make_provider(oauth_profile(), http)
    assert await provider.token() == "tok-1"
    provider.invalidate("tok-1")
    assert await provider.token() == "tok-2"
    provider.invalidate("tok-1")  # stale: somebody already refreshed
    assert await provider.token() == "tok-2"
    assert len(seen) == 2


async def test_failed_early_refresh_keeps_the_valid_token() -> None:
    replies = [token_reply("tok-1", 1000), httpx.Response(503), token_reply("tok-2", 1000)]
    http, seen = mock_http(lambda r: replies[len(seen) - 1])
    clock = Clock()
    provider = make_provider(oauth_profile(), http, clock=clock)
    await provider.token()
    clock.now += 950  # inside the margin
    assert await provider.token() == "tok-1"  # refresh failed, old token still valid
    assert await provider.token() == "tok-1"  # no hammering right after the failure
    assert len(seen) == 2
    clock.now += 10
    assert await provider.token() == "tok-2"
    clock.now += 2000
    provider.invalidate("tok-2")
    replies.append(httpx.Response(503))
    with pytest.raises(ServerError):  # nothing valid left to fall back on
        await provider.token()


# --------------------------------------------------------------------------- errors


async def test_bad_credentials_name_profile_and_server_text_not_secret() -> None:
    body = {
        "error": "invalid_client",
        "error_description": f"Invalid client ID or secret {SECRET}.",
        "error_uri": "https://developer.salesforce.com/docs",
    }
    http, _ = mock_http(lambda r: httpx.Response(401, json=body))
    provider = make_provider(oauth_profile(), http)
    with pytest.raises(AuthError) as info:
        await provider.token()
    text = str(info.value)
    assert "'prod'" in text
    assert "invalid_client" in text and "Invalid client ID" in text
    assert SECRET not in text and SECRET not in repr(info.value)
    assert all(SECRET not in m for m in info.value.messages)
    assert repr(provider) == "<OAuth2TokenProvider profile='prod' mode='oauth2'>"


async def test_legacy_bad_credentials() -> None:
    body = {"message": "Unauthorized", "errorcode": 1, "documentation": ""}
    http, _ = mock_http(lambda r: httpx.Response(401, json=body))
    with pytest.raises(AuthError, match=r"'prod'.*Unauthorized"):
        await make_provider(oauth_profile(auth="legacy"), http).token()


@pytest.mark.parametrize(
    "reply",
    [
        httpx.Response(200, text="<html><body>proxy login</body></html>"),
        httpx.Response(200, json=["not", "an", "object"]),
        httpx.Response(200, json={"token_type": "Bearer"}),
        httpx.Response(200, json={"access_token": 42}),
    ],
)
async def test_undocumented_token_reply_is_bad_response(reply: httpx.Response) -> None:
    http, _ = mock_http(lambda r: reply)
    with pytest.raises(BadResponse):
        await make_provider(oauth_profile(), http).token()


async def test_token_endpoint_refused_connection_is_network_error() -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    async with httpx.AsyncClient() as http:
        provider = make_provider(oauth_profile(auth_url=f"http://127.0.0.1:{port}"), http)
        with pytest.raises(NetworkError) as info:
            await provider.token()
    assert info.value.kind == "refused"
    assert SECRET not in str(info.value)


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


async def test_sim_oauth2_token_once_and_refreshed_before_expiry(sim: Any) -> None:
    clock = Clock()
    async with httpx.AsyncClient() as http:
        provider = make_provider(sim_profile(sim), http, clock=clock)
        tokens = await asyncio.gather(*(provider.token() for _ in range(20)))
        assert len(set(tokens)) == 1
        assert stat(sim, "token_v2") == 1
        lifetime = float(sim.token_ttl) - 1  # expires_in reports one second less
        clock.now += lifetime - refresh_margin(lifetime) - 1
        assert await provider.token() == tokens[0]
        assert stat(sim, "token_v2") == 1
        clock.now += 2
        assert await provider.token() != tokens[0]
        assert stat(sim, "token_v2") == 2


async def test_sim_legacy_token(sim: Any) -> None:
    async with httpx.AsyncClient() as http:
        provider = make_provider(sim_profile(sim, "legacy"), http)
        assert await provider.token()
    assert stat(sim, "token_v1") == 1
    assert stat(sim, "token_v2") == 0


async def test_sim_bad_secret(sim: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SIM_SECRET", "wrong-" + SECRET)
    for mode in ("oauth2", "legacy"):
        async with httpx.AsyncClient() as http:
            provider = make_provider(sim_profile(sim, mode), http)
            with pytest.raises(AuthError) as info:
                await provider.token()
        assert "'sim'" in str(info.value)
        assert SECRET not in str(info.value) and SECRET not in repr(info.value)
        assert SECRET not in repr(provider)


async def test_sim_wrong_account_id(sim: Any) -> None:
    async with httpx.AsyncClient() as http:
        provider = make_provider(sim_profile(sim, account_id="999"), http)
        with pytest.raises(AuthError, match="'sim'"):
            await provider.token()
        ok = make_provider(sim_profile(sim, account_id=sim.ACCOUNT_ID), http)
        assert await ok.token()
