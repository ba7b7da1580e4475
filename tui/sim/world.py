"""Everything the simulated server knows, behind one lock.

The world holds clients and tokens, message definitions, sends, armed faults, counters and
the request log. Handlers in `api.py` call its methods; each method takes the lock for as
long as it reads or changes state, and never sleeps while holding it.
"""

from __future__ import annotations

import random
import threading
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Literal, get_args

from tui.sim import contact, ids
from tui.sim.auth import TokenStore
from tui.sim.clock import SimClock
from tui.sim.facts import SendKind
from tui.sim.faults import Fault, FaultQueue
from tui.sim.replies import Reply, catalogue_error, json_reply, not_found
from tui.sim.schedule import build, generate_numbers
from tui.sim.send import DEFAULT_KEYWORDS, Message, Send
from tui.sim.validate import SendOrder, contact_send, list_send, number_problem

AUTH_FAULTS = "\0auth"
"""The fault-queue key for the token endpoints (no token id can contain a NUL)."""
FaultRoute = Literal["deliveries", "history"]
FAULT_ROUTES: frozenset[str] = frozenset(get_args(FaultRoute))


def fault_key(token_id: str, route: FaultRoute = "deliveries") -> str:
    """The fault-queue key of one send's route: a send's history reads have faults of their
    own, so a fault armed for a Deliveries read is never spent on a drill-down."""
    return token_id if route == "deliveries" else f"{token_id}\0{route}"


FIRST_MESSAGE = 30
"""So the first message id is `MzA6Nzg6MA`, the docs' own example."""


@dataclass(frozen=True, slots=True)
class SimStats:
    """Requests received per endpoint (admin routes excluded)."""

    token_v1: int = 0
    token_v2: int = 0
    deliveries: int = 0
    sends: int = 0
    history: int = 0
    total: int = 0


@dataclass(frozen=True, slots=True)
class RequestRecord:
    """One API request as received; `query` has any access_token value redacted."""

    method: str
    path: str
    query: str
    had_bearer: bool
    status: int | None


class World:
    def __init__(self, seed: int, clock: SimClock) -> None:
        self.seed = seed
        self.clock = clock
        self.lock = threading.RLock()
        self.auth = TokenStore(random.Random(f"{seed}:auth"))
        self.token_ttl = 1080.0
        self.legacy_token_ttl = 3600.0
        self.messages: dict[str, Message] = {}
        self.sends: dict[str, Send] = {}
        self.opted_out: set[str] = set()
        self._next_message = FIRST_MESSAGE
        self._next_send = 0
        self._faults: dict[str, FaultQueue] = {}
        self._refs = random.Random(f"{seed}:refs")
        self._stats = SimStats()
        self._requests: list[RequestRecord] = []

    # -- bookkeeping -------------------------------------------------------------------

    def count(self, field: str | None) -> None:
        with self.lock:
            bump = {"total": self._stats.total + 1}
            if field is not None:
                bump[field] = getattr(self._stats, field) + 1
            self._stats = replace(self._stats, **bump)

    def record(self, entry: RequestRecord) -> None:
        with self.lock:
            self._requests.append(entry)

    @property
    def stats(self) -> SimStats:
        with self.lock:
            return self._stats

    @property
    def requests(self) -> list[RequestRecord]:
        with self.lock:
            return list(self._requests)

    # -- definitions -------------------------------------------------------------------

    def add_message(
        self,
        text: str,
        kind: str,
        client_id: str,
        keywords: Sequence[str] = tuple(DEFAULT_KEYWORDS),
    ) -> str:
        """`kind` is any str equal to a kind's value: callers pass the client's own enum."""
        send_kind = SendKind(kind)
        with self.lock:
            if client_id not in self.auth.clients:
                raise KeyError(f"unknown client {client_id!r}")
            message_id = ids.message_id(self._next_message)
            self._next_message += 1
            self.messages[message_id] = Message(
                message_id, send_kind, client_id, text, frozenset(k.upper() for k in keywords)
            )
            return message_id

    def create_send(
        self,
        message_id: str,
        recipients: int | Sequence[str],
        *,
        client_id: str | None = None,
        unsubscribed: int = 0,
        error: bool = False,
        pace: float = 1.0,
        text: str | None = None,
        send_time: float | None = None,
        opted_out: frozenset[str] = frozenset(),
    ) -> Send:
        """Schedule a send. The RNG is seeded from (seed, token id), so it replays exactly."""
        if pace <= 0:
            raise ValueError("pace must be positive")
        size = recipients if isinstance(recipients, int) else len(recipients)
        if size < 0:
            raise ValueError("recipients must be 0 or more")
        if not 0 <= unsubscribed <= size:
            raise ValueError("unsubscribed must be between 0 and the number of recipients")
        with self.lock:
            message = self.messages.get(message_id)
            if message is None:
                raise KeyError(f"unknown message id {message_id!r}")
            owner = client_id or message.client_id
            if owner != message.client_id:
                raise ValueError(f"message {message_id} belongs to {message.client_id!r}")
            token_id = self._new_token_id()
            now = self.clock.time()
        rng = random.Random(f"{self.seed}:{token_id}")
        numbers = (
            generate_numbers(rng, recipients) if isinstance(recipients, int) else list(recipients)
        )
        dropped = set(rng.sample(range(size), unsubscribed)) if unsubscribed else set()
        active: list[str] = []
        gone: list[str] = []
        for i, number in enumerate(numbers):
            (gone if i in dropped or number in opted_out else active).append(number)
        begin = max(now, send_time) if send_time is not None else now
        schedule = build(rng, active, created=now, begin=begin, pace=pace, error=error)
        send = Send(
            token_id=token_id,
            message_id=message_id,
            kind=message.kind,
            client_id=owner,
            text=message.text if text is None else text,
            numbers=tuple(active),
            unsubscribed=tuple(gone),
            pace=pace,
            schedule=schedule,
        )
        with self.lock:
            self.sends[token_id] = send
        return send

    def _new_token_id(self) -> str:
        while True:
            rng = random.Random(f"{self.seed}:send:{self._next_send}")
            self._next_send += 1
            token_id = ids.token_id(rng)
            if token_id not in self.sends:
                return token_id

    # -- faults ------------------------------------------------------------------------

    def inject(self, key: str, fault: Fault) -> None:
        with self.lock:
            queue = self._faults.get(key)
            if queue is None:
                queue = self._faults[key] = FaultQueue(random.Random(f"{self.seed}:fault:{key}"))
            queue.add(fault)

    def clear_faults(self) -> None:
        with self.lock:
            self._faults.clear()

    def draw_faults(self, key: str) -> list[Fault]:
        with self.lock:
            queue = self._faults.get(key)
            return queue.draw() if queue is not None else []

    def reference_id(self) -> str:
        with self.lock:
            return ids.reference_id(self._refs)

    # -- auth --------------------------------------------------------------------------

    def token_v2(self, body: object, base_url: str) -> Reply:
        with self.lock:
            return self.auth.token_v2(body, self.clock.time(), self.token_ttl, base_url)

    def token_v1(self, body: object) -> Reply:
        with self.lock:
            return self.auth.token_v1(body, self.clock.time(), self.legacy_token_ttl)

    def check_token(self, token: str | None) -> tuple[str | None, str | None]:
        with self.lock:
            return self.auth.check(token, self.clock.time())

    def allows(self, token: str | None, route: str) -> bool:
        with self.lock:
            return self.auth.allows(token, route)

    # -- the SMS routes ----------------------------------------------------------------

    def _message_for(self, kind: SendKind, message_id: str, client_id: str) -> Message | None:
        message = self.messages.get(message_id)
        if message is None or message.kind != kind or message.client_id != client_id:
            return None
        return message

    def send(self, kind: SendKind, message_id: str, body: object, client_id: str) -> Reply:
        """`POST /sms/v1/{kind}/{id}/send` → 202 {"tokenId"} or 400 listing every problem."""
        with self.lock:
            errors: list[str] = []
            message: Message | None = None
            if not ids.is_message_id(message_id):
                errors.append(f"Message id {message_id} is not valid.")
            else:
                message = self._message_for(kind, message_id, client_id)
                if message is None:
                    errors.append(f"Message {message_id} is not valid for the client.")
            check = contact_send if kind is SendKind.MESSAGE_CONTACT else list_send
            order, problems = check(body, message)
            opted_out = frozenset(self.opted_out)
        errors.extend(problems)
        if errors or order is None or message is None:
            return catalogue_error(errors)
        send = self._create_from(order, message, client_id, opted_out)
        return json_reply(202, {"tokenId": send.token_id})

    def _create_from(
        self, order: SendOrder, message: Message, client_id: str, opted_out: frozenset[str]
    ) -> Send:
        recipients: int | Sequence[str] = order.numbers or order.generate
        return self.create_send(
            message.message_id,
            recipients,
            client_id=client_id,
            unsubscribed=order.unsubscribed,
            error=order.error,
            pace=order.pace,
            text=order.text,
            send_time=order.send_time,
            # Opted-out numbers are left out unless the request resubscribes them.
            opted_out=frozenset() if order.resubscribe else opted_out,
        )

    def deliveries(self, kind: SendKind, message_id: str, token_id: str, client_id: str) -> Reply:
        """`GET .../deliveries/{tokenId}`: the body, or the first catalogue error that applies."""
        found = self._send_for(kind, message_id, token_id, client_id)
        if isinstance(found, Reply):
            return found
        return Reply(200, found.body(self.clock.time()))

    def history(self, message_id: str, token_id: str, number: str, client_id: str) -> Reply:
        """`GET /sms/v1/messageContact/{id}/history/{tokenId}/mobileNumber/{n}`: the ids are
        checked as for Deliveries, the number as a send checks one (a 400 [I]); a number the
        send never had is the gateway's 404 [I]."""
        found = self._send_for(SendKind.MESSAGE_CONTACT, message_id, token_id, client_id)
        if isinstance(found, Reply):
            return found
        problem = number_problem(number)
        if problem is not None:
            return catalogue_error([problem])
        if found.position(number) is None and number not in found.unsubscribed:
            return not_found()
        return Reply(200, contact.body(found, number, self.clock.time()))

    def _send_for(
        self, kind: SendKind, message_id: str, token_id: str, client_id: str
    ) -> Send | Reply:
        """The send both ids name, or the first catalogue error that applies.

        Format problems of both ids are reported together; after that the checks run in the
        order a server would need them: message, token, token's owner, token's message.
        """
        errors = []
        if not ids.is_message_id(message_id):
            errors.append(f"Message id {message_id} is not valid.")
        if not ids.is_token_id(token_id):
            errors.append(f"Token id {token_id} is not valid.")
        if errors:
            return catalogue_error(errors)
        with self.lock:
            if self._message_for(kind, message_id, client_id) is None:
                return catalogue_error([f"Message id {message_id} is not valid."])
            send = self.sends.get(token_id)
        if send is None:
            return catalogue_error([f"Token id {token_id} is not valid."])
        if send.client_id != client_id:
            return catalogue_error([f"Token id {token_id} is not valid for this client."])
        if send.message_id != message_id:
            return catalogue_error([f"TokenId {token_id} is not valid for MessageId {message_id}."])
        return send
