"""`sendwatch profiles test`: get a token, read one Deliveries URL, and say which step
failed and why, in words that point at the fix (DNS, TCP, TLS, credentials, scope).

The URL read is the Deliveries resource of the API docs' example ids (docs/api.md §1,
§2.2): a GET, so nothing changes anywhere, and it touches none of the user's sends. A
tenant (and the simulator) answers it with the catalogue's 400 "… is not valid", which
can only come after the host, TLS, the token and its scope were all accepted: for this
probe, that answer is success. Nothing printed ever holds a secret or a token.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from tui.core.api.auth import make_provider
from tui.core.api.client import SmsClient
from tui.core.api.errors import (
    AuthError,
    ConfigError,
    InvalidMessageId,
    InvalidTokenId,
    NetworkError,
    SendwatchError,
    TokenNotForClient,
    TokenNotForMessage,
    remedy_of,
)
from tui.core.api.http import build_http_client
from tui.core.api.ids import path_segment
from tui.core.api.model import SendKind
from tui.core.api.profile import Profile

PROBE_KIND = SendKind.MESSAGE_CONTACT
PROBE_MESSAGE_ID = "MzA6Nzg6MA"
PROBE_TOKEN_ID = "c21NCNSDN2sMMWM2miosdjEHH"
"""The example ids of the Deliveries docs (docs/api.md §1): no tenant has this send."""
PROBE_PATH = (
    f"/sms/v1/{PROBE_KIND.value}/{path_segment(PROBE_MESSAGE_ID)}"
    f"/deliveries/{path_segment(PROBE_TOKEN_ID)}"
)
EXPECTED = (InvalidMessageId, InvalidTokenId, TokenNotForClient, TokenNotForMessage)
"""Catalogue answers that mean: the request got through to the SMS API itself."""

EXIT_DNS, EXIT_TCP, EXIT_TLS, EXIT_AUTH, EXIT_SCOPE = 10, 11, 12, 13, 14
_TOKEN_PATHS = {"oauth2": "/v2/token", "legacy": "/v1/requestToken"}


@dataclass(frozen=True, slots=True)
class Step:
    """One request of the probe: what was asked, how long it took, what came of it."""

    name: str
    request: str
    ok: bool
    ms: float | None
    said: str
    """The outcome in words: the server's own words when it answered."""


@dataclass(slots=True)
class Report:
    profile: Profile
    steps: list[Step] = field(default_factory=list)
    failure: str | None = None
    """DNS, TCP, TLS, auth, scope, config, network or API; None when every step passed."""
    exit_code: int = 0


def _host(url: str) -> str:
    try:
        return urlsplit(url).hostname or url
    except ValueError:  # an unbalanced [ or a bad port
        return url


def _tls_words(reason: str) -> str:
    text = reason.lower()
    if "certif" in text:
        return "its certificate is not trusted (a corporate proxy? set ca_bundle in the profile)"
    if "wrong version number" in text or "record layer" in text:
        return "it does not speak TLS there (an http:// URL, or the wrong port?)"
    return "the TLS handshake failed"


def classify(error: SendwatchError, url: str, *, token_step: bool) -> tuple[str, int, str]:
    """(failure, exit code, what it means) for an error of the token or the read step."""
    if isinstance(error, ConfigError):
        return "config", error.exit_code, f"{error}; to fix: {remedy_of(error)}"
    if isinstance(error, NetworkError):
        reason = f" ({error.reason})" if error.reason else ""
        host = _host(url)
        if error.kind == "dns":
            return "DNS", EXIT_DNS, f"the host name {host} was not found{reason}"
        if error.kind == "refused":
            return "TCP", EXIT_TCP, f"{host} refused the connection: wrong port?{reason}"
        if error.kind == "connect-timeout":
            words = "a firewall, or a proxy needed (HTTPS_PROXY)?"
            return "TCP", EXIT_TCP, f"no connection to {host} in time: {words}{reason}"
        if error.kind == "tls":
            return "TLS", EXIT_TLS, f"{host}: {_tls_words(error.reason)}{reason}"
        return "network", error.exit_code, str(error)
    if isinstance(error, AuthError):
        if error.status == 403 and not token_step:
            return "scope", EXIT_SCOPE, str(error)
        return "auth", EXIT_AUTH, str(error)
    return "API", error.exit_code, str(error)


def _ms(started: float) -> float:
    return (time.perf_counter() - started) * 1000


async def probe(profile: Profile) -> Report:
    """Run the two steps for one profile; the first failure ends the probe."""
    report = Report(profile)
    try:
        http = build_http_client(profile)
    except ConfigError as exc:
        return _failed(report, Step("client", "", False, None, ""), exc, "", token_step=True)
    async with http:
        provider = make_provider(profile, http)
        token_url = (profile.auth_base or "") + _TOKEN_PATHS.get(profile.auth, "")
        request = f"POST {token_url}" if profile.auth != "token" else "static token"
        started = time.perf_counter()
        try:
            await provider.token()
        except SendwatchError as exc:
            step = Step("token", request, False, _ms(started), "")
            return _failed(report, step, exc, token_url, token_step=True)
        said = "a token was issued" if profile.auth != "token" else "read (checked by the read)"
        report.steps.append(Step("token", request, True, _ms(started), said))
        base = profile.rest_base or provider.rest_base or ""
        read_url = base + PROBE_PATH
        client = SmsClient(profile, http=http, auth=provider, retries=0)
        started = time.perf_counter()
        try:
            delivery = await client.fetch(PROBE_KIND, PROBE_MESSAGE_ID, PROBE_TOKEN_ID)
        except EXPECTED as exc:
            words = "; ".join(exc.messages) or str(exc)
            said = f"HTTP {exc.status}: {words} (expected for the docs' example ids)"
            report.steps.append(Step("read", f"GET {read_url}", True, _ms(started), said))
            return report
        except SendwatchError as exc:
            step = Step("read", f"GET {read_url}", False, _ms(started), "")
            return _failed(report, step, exc, read_url, token_step=False)
        said = f"HTTP 200: status {delivery.status}"
        report.steps.append(Step("read", f"GET {read_url}", True, _ms(started), said))
        return report


def _failed(
    report: Report, step: Step, error: SendwatchError, url: str, *, token_step: bool
) -> Report:
    failure, code, said = classify(error, url, token_step=token_step)
    report.steps.append(Step(step.name, step.request, False, step.ms, said))
    report.failure, report.exit_code = failure, code
    return report
