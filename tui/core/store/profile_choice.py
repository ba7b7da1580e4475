"""Which profile a new send is added with when the user names none: the last one used.

"Last used" is the profile of the most recently added send in the watch list that is
still configured. The watch list already records each send's profile and when it was
added, and the monitor and `sendwatch add` share it under a lock, so no state file of
its own is needed (one more file to keep consistent between windows). Removing that
send makes the send added before it the last used one, which is what a user expects of
a list that shows what they work on. Without one, settings.default_profile (or the only
profile) applies, as `select_profile` says.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable

from tui.core.api.profile import Profile
from tui.core.store.config import Config, select_profile
from tui.core.store.watchlist import WatchedSend


def last_used_profile(sends: Iterable[WatchedSend], configured: Collection[str]) -> str | None:
    """The profile of the latest added send whose profile is configured; ties go to the
    later place in the list (a batch is added in one second)."""
    usable = [(s.added, n, s.profile) for n, s in enumerate(sends) if s.profile in configured]
    return max(usable)[2] if usable else None


def profile_for_add(config: Config, sends: Iterable[WatchedSend], name: str | None) -> Profile:
    """The named profile, else the last used one, else `select_profile`'s choice."""
    if name is None:
        last = last_used_profile(sends, config.profiles)
        if last is not None:
            return config.profiles[last]
    return select_profile(config, name)
