"""A recipient's MobileConnect message history, read with the refresher's client.

The drill-down's read shares the profile's one client with the polls: one token, one
connection pool, the same retry rules (docs/api.md §5, §7). It is a user's read, like a
manual refresh, so it is not held back by a profile's Retry-After pause; a 429 it gets is
shown to the user instead.
"""

from __future__ import annotations

from typing import Protocol, runtime_checkable

from tui.core.api.errors import UsageError
from tui.core.api.message_history import MessageHistory
from tui.core.api.model import SendKind
from tui.core.refresher import Refresher


@runtime_checkable
class HistoryClient(Protocol):
    """A client that can read the history route (`SmsClient` is one)."""

    async def history(
        self, message_id: str, token_id: str, mobile_number: str
    ) -> MessageHistory: ...


class MessageHistoryReads:
    """`await reads(send_key, number)`: that number's history on a watched send."""

    def __init__(self, refresher: Refresher) -> None:
        self._refresher = refresher

    async def __call__(self, send_key: str, mobile_number: str) -> MessageHistory:
        state = self._refresher.states().get(send_key)
        if state is None:
            raise UsageError("the send is no longer watched")
        send = state.send
        if send.kind is not SendKind.MESSAGE_CONTACT:
            raise UsageError(
                "MobileConnect documents a history route for messageContact sends only"
            )
        client = await self._refresher.client(send.profile)
        if not isinstance(client, HistoryClient):
            raise UsageError("this profile's client cannot read message history")
        return await client.history(send.message_id, send.token_id, mobile_number)
