"""Read several watched sends once, headless (`add` checks them, `list --read` shows them).

One client per profile, every read at once (the client's pool bounds them), each read
bounded twice: by the profile's own timeouts, and by a deadline for the whole read, so
a network that swallows packets never hangs the command.
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping, Sequence

from tui.core.api.errors import ConfigError, NetworkError, SendwatchError
from tui.core.api.model import Delivery
from tui.core.api.profile import Profile
from tui.core.store.watchlist import WatchedSend
from tui.core.text import echoed

Outcome = Delivery | SendwatchError
"""What one read gave: the send, or why there is none."""

READ_RETRIES = 1
"""One quick retry for a glitch; an API that is down is said at once, not waited out."""


def deadline_for(profile: Profile) -> float:
    """The longest a read may take, retries included: twice the profile's timeout."""
    return 2 * profile.timeout + 1


async def read_sends(
    profiles: Mapping[str, Profile], sends: Sequence[WatchedSend]
) -> dict[str, Outcome]:
    """Send key → its Delivery, or the error that stopped the read."""
    from tui.core.api.client import SmsClient  # httpx only for commands that read

    results: dict[str, Outcome] = {}
    by_profile: dict[str, list[WatchedSend]] = {}
    for send in sends:
        by_profile.setdefault(send.profile, []).append(send)

    async def read(client: SmsClient, send: WatchedSend) -> None:
        try:
            async with asyncio.timeout(deadline_for(client.profile)):
                results[send.key] = await client.fetch(send.kind, send.message_id, send.token_id)
        except SendwatchError as exc:
            results[send.key] = exc
        except TimeoutError:
            results[send.key] = NetworkError(
                "timeout", f"no answer within {deadline_for(client.profile):g} s"
            )

    async def read_profile(name: str, group: list[WatchedSend]) -> None:
        profile = profiles.get(name)
        if profile is None:
            for send in group:
                results[send.key] = ConfigError(
                    "config.toml", f"profile {echoed(name)} is not configured"
                )
            return
        try:
            client = SmsClient(profile, retries=READ_RETRIES)
        except SendwatchError as exc:  # a ca_bundle that cannot be used
            for send in group:
                results[send.key] = exc
            return
        async with client:
            await asyncio.gather(*(read(client, send) for send in group))

    await asyncio.gather(*(read_profile(name, group) for name, group in by_profile.items()))
    return results
