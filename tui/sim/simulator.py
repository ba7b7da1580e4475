"""`Simulator`: the public face of the package, for the demo, the standalone sim and tests."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from types import TracebackType
from typing import ClassVar, Self

from tui.sim import contact
from tui.sim.admin import DEFAULT_TEXT
from tui.sim.auth import DEFAULT_SCOPE
from tui.sim.clock import SimClock
from tui.sim.facts import SendKind
from tui.sim.faults import Fault
from tui.sim.send import Message, Send
from tui.sim.server import ServerThread
from tui.sim.world import (
    AUTH_FAULTS,
    FAULT_ROUTES,
    FaultRoute,
    RequestRecord,
    SimStats,
    World,
    fault_key,
)


class Simulator:
    """A loopback Marketing Cloud: auth, SMS send, Deliveries and history routes, over sim time.

    `time_scale=0` freezes sim time so tests move it with `advance()`; 1.0 follows the wall
    clock. `start` fixes the sim's starting moment (default: now), which together with
    `seed` makes every body reproducible.
    """

    CLIENT_ID: ClassVar[str] = "demo-client"
    CLIENT_SECRET: ClassVar[str] = "demo-secret"
    ACCOUNT_ID: ClassVar[str] = "100000001"

    def __init__(
        self, seed: int = 0, time_scale: float = 1.0, *, start: datetime | None = None
    ) -> None:
        self.seed = seed
        self._clock = SimClock(start or datetime.now(UTC), time_scale)
        self._world = World(seed, self._clock)
        self._world.auth.add_client(self.CLIENT_ID, self.CLIENT_SECRET, self.ACCOUNT_ID)
        self._server: ServerThread | None = None
        self._url: str | None = None

    # -- lifecycle ---------------------------------------------------------------------

    def start(self, host: str = "127.0.0.1", port: int = 0) -> None:
        if self._server is not None:
            raise RuntimeError("the simulator is already running")
        self._server = ServerThread(self._world, host, port)
        bound_host, bound_port = self._server.address
        self._url = f"http://{bound_host}:{bound_port}"

    def stop(self) -> None:
        """Stop serving and close every open connection, so the next request is refused as
        by a server that went down; idempotent. State (sends, tokens) survives, and
        `start(port=...)` on the same port brings the same server back."""
        if self._server is not None:
            self._server.stop()
            self._server = None

    @property
    def url(self) -> str:
        """The base URL, e.g. "http://127.0.0.1:54321" (no trailing slash)."""
        if self._url is None:
            raise RuntimeError("the simulator has not been started")
        return self._url

    @property
    def running(self) -> bool:
        return self._server is not None

    def __enter__(self) -> Self:
        if self._server is None:
            self.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    # -- time --------------------------------------------------------------------------

    def advance(self, seconds: float) -> None:
        self._clock.advance(seconds)

    def now(self) -> datetime:
        """Sim time, aware (UTC)."""
        return self._clock.now()

    # -- tokens ------------------------------------------------------------------------

    @property
    def token_ttl(self) -> float:
        """Sim seconds a v2 token lives; `expires_in` reports one second less."""
        return self._world.token_ttl

    @token_ttl.setter
    def token_ttl(self, seconds: float) -> None:
        self._world.token_ttl = float(seconds)

    @property
    def legacy_token_ttl(self) -> float:
        """Sim seconds a v1 token lives (Marketing Cloud fixes it at 3600)."""
        return self._world.legacy_token_ttl

    @legacy_token_ttl.setter
    def legacy_token_ttl(self, seconds: float) -> None:
        self._world.legacy_token_ttl = float(seconds)

    def add_client(
        self,
        client_id: str,
        client_secret: str,
        account_id: str = ACCOUNT_ID,
        *,
        scopes: str = DEFAULT_SCOPE,
    ) -> None:
        """Install a package; `scopes` (space-separated) is what its tokens may do."""
        with self._world.lock:
            self._world.auth.add_client(client_id, client_secret, account_id, scopes)

    def issue_token(self, client_id: str | None = None) -> str:
        """A live access token without an HTTP round trip (for static-token auth tests)."""
        with self._world.lock:
            grant = self._world.auth.issue(
                client_id or self.CLIENT_ID, self._clock.time(), self._world.token_ttl
            )
        return grant.token

    def issued_tokens(self) -> list[str]:
        """Every access token issued so far (over HTTP or by `issue_token`)."""
        with self._world.lock:
            return self._world.auth.issued()

    def revoke_tokens(self) -> None:
        """Every token issued so far now gets 401 invalid_token; new ones work."""
        with self._world.lock:
            self._world.auth.revoke_all()

    # -- messages and sends ------------------------------------------------------------

    def add_message(
        self,
        text: str = DEFAULT_TEXT,
        *,
        kind: str = SendKind.MESSAGE_CONTACT,
        client_id: str | None = None,
        keywords: Sequence[str] | None = None,
    ) -> str:
        """Register a message definition; returns its id (`MzA6Nzg6MA` first, then on)."""
        owner = client_id or self.CLIENT_ID
        if keywords is None:
            return self._world.add_message(text, kind, owner)
        return self._world.add_message(text, kind, owner, keywords)

    def create_send(
        self,
        message_id: str,
        recipients: int | list[str],
        *,
        client_id: str | None = None,
        unsubscribed: int = 0,
        error: bool = False,
        pace: float = 1.0,
    ) -> str:
        """Seed a send as `POST .../send` would and return its token id.

        An int generates that many distinct numbers from the seed; `unsubscribed` of them
        (chosen by the seed) are left out of `count` and `tracking`. `error=True` ends the
        job in status Error part-way; `pace` scales every duration.
        """
        return self._world.create_send(
            message_id,
            recipients,
            client_id=client_id,
            unsubscribed=unsubscribed,
            error=error,
            pace=pace,
        ).token_id

    def opt_out(self, *numbers: str) -> None:
        """Mark numbers unsubscribed: HTTP sends leave them out unless Resubscribe is true."""
        with self._world.lock:
            self._world.opted_out.update(numbers)

    # -- faults ------------------------------------------------------------------------

    def inject(self, token_id: str, fault: Fault, *, route: FaultRoute = "deliveries") -> None:
        """Arm a fault on the Deliveries GET of `token_id` (either kind), or with
        `route="history"` on its numbers' history GETs (each route has its own faults)."""
        if route not in FAULT_ROUTES:
            raise ValueError(f"route must be one of {sorted(FAULT_ROUTES)}")
        self._world.inject(fault_key(token_id, route), fault)

    def inject_auth(self, fault: Fault) -> None:
        """Arm a fault on both token endpoints."""
        self._world.inject(AUTH_FAULTS, fault)

    def clear_faults(self) -> None:
        """Disarm every fault, on every send and route and on auth: the trouble is over."""
        self._world.clear_faults()

    # -- introspection -----------------------------------------------------------------

    @property
    def stats(self) -> SimStats:
        return self._world.stats

    @property
    def requests(self) -> list[RequestRecord]:
        return self._world.requests

    @property
    def messages(self) -> dict[str, Message]:
        with self._world.lock:
            return dict(self._world.messages)

    @property
    def sends(self) -> dict[str, Send]:
        with self._world.lock:
            return dict(self._world.sends)

    def status(self, token_id: str) -> str:
        """The send's job status right now ("New", "Queuing", "Started", ...)."""
        return self.sends[token_id].phase(self._clock.time()).value

    def body(self, token_id: str) -> bytes:
        """The Deliveries body the server would send for `token_id` right now."""
        return self.sends[token_id].body(self._clock.time())

    def history_entries(self, token_id: str, number: str) -> list[contact.Entry]:
        """Every history entry the number will have on this send, shown or not yet."""
        return contact.entries(self.sends[token_id], number)
