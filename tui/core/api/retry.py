"""When to try a failed request again: one rule for every retry loop in sendwatch.

The client retries a glitch within one request (half a second, a few times); the
refresher retries a send on its poll cadence (its interval doubling up to five minutes).
Both ask a `RetryPolicy`, so Retry-After, jitter and caps mean the same everywhere.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass

from tui.core.api.errors import (
    BadResponse,
    NetworkError,
    RateLimited,
    SendwatchError,
    ServerError,
)


def announced_wait(error: SendwatchError) -> float | None:
    """The pause a 429, or a 503 with Retry-After, asked for; None when it named none."""
    if isinstance(error, RateLimited | ServerError):
        return error.retry_after
    return None


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    """Backoff with jitter, capped, and never sooner than the server asked.

    `max_retry_after` marks an inner loop (the client's, within one request): a wait the
    server announces that is longer than this, and throttling that names no wait at all,
    are not sat out here but raised, so the caller can pause every request of the profile.
    An outer loop (None) waits them out itself, at most `cap`.
    """

    base: float
    """The first backoff step; each further failure in a row doubles it."""
    cap: float
    """The longest wait between two tries, whatever the step or the server says."""
    jitter: float = 1.0
    """The share of each step drawn at random: 1.0 waits uniformly in [0, step], 0.5 in
    [step / 2, step]. Spreads the retries of many sends that failed together."""
    max_retry_after: float | None = None

    def backoff(self, failures: int, rng: random.Random | None = None) -> float:
        """The jittered wait after `failures` failures in a row (1 for the first)."""
        step = min(self.cap, self.base * 2.0 ** max(0, failures - 1))
        draw = random.random() if rng is None else rng.random()
        return step * (1.0 - self.jitter * draw)

    def delay(
        self,
        error: SendwatchError,
        failures: int,
        *,
        may_repeat: bool = True,
        rng: random.Random | None = None,
    ) -> float | None:
        """Seconds to wait before trying again, or None when trying again cannot help here.

        `may_repeat` is False for a request that may already have reached the server and
        must not be sent twice (an SMS send): only an announced wait allows a retry then.
        """
        if not error.retryable or not _may_help(error):
            return None
        asked = announced_wait(error)
        inner = self.max_retry_after is not None
        if asked is None and isinstance(error, RateLimited):
            if inner:
                return None  # throttled without a time: slow down above, not here
        elif asked is not None:
            limit = self.max_retry_after if self.max_retry_after is not None else math.inf
            if asked > limit:
                return None
            return min(self.cap, max(asked, self.backoff(failures, rng)))
        if not may_repeat:
            return None
        return self.backoff(failures, rng)


def _may_help(error: SendwatchError) -> bool:
    """A bad certificate, or a 4xx reply that is not JSON, is the same next time."""
    if isinstance(error, NetworkError):
        return error.kind != "tls"
    if isinstance(error, BadResponse):
        status = error.status or 0
        return status < 400 or status >= 500
    return True


CLIENT_RETRIES = RetryPolicy(base=0.5, cap=30.0, jitter=1.0, max_retry_after=30.0)
"""Within one request: full jitter from half a second; Retry-After up to 30 s is waited."""
