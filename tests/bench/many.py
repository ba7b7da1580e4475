"""Many sends: 500 in-flight sends polled by the real Refresher, and the pooling ratio.

Method:
- The simulator runs in its own process with 500 in-flight sends of 20 recipients
  (sim time frozen mid-dispatch, so every send stays "Started" and keeps being polled),
  plus, for the latency comparison, 500 more whose Deliveries replies are delayed 50 ms
  (a `latency` fault: a WAN-like server time).
- Refresher: the real `Refresher` with `refresh_interval = 5`, `max_concurrency = 10`,
  OAuth2 against the simulator, its clients made by the default factory's `SmsClient`
  wrapped to count requests in flight and to sample the connections in its httpx pool
  every 20 ms. It runs 40 s (20 s with --quick); periods are the times between two poll
  starts of the same send, counted after the first sweep (first 10 s). Targets: median
  period <= 5.5 s (interval + 10%), p95 in the note; requests in flight never above
  max_concurrency; pool connections never above the pool's size (10).
- Ratio: requests per second fetching every send once (a) with one `SmsClient` (one
  pool) and at most 10 requests at once (`asyncio.Semaphore`), median of 3 sweeps, and
  (b) one request at a time, each with a NEW `SmsClient` (a new httpx client: a new TCP
  connection), one sweep. A static token (`auth = "token"`) serves both, so neither pays
  for token requests. Reported on loopback (the primary figure, target >= 10x) and with
  the 50 ms server latency (information). --quick sweeps 100 sends for (b).
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import statistics
import time
from typing import Any

from tests.bench import (
    SIM_CLIENT_ID,
    SIM_CLIENT_SECRET,
    SIM_SECRET_ENV,
    Figure,
    SimSend,
    log,
    median,
    module_main,
    sim_server,
    temp_root,
)

INTERVAL = 5.0
CONCURRENCY = 10
POOL = 10


class Counting:
    """The refresher's default client, counting what it does."""

    def __init__(self, profile: Any, stats: dict[str, Any]) -> None:
        from tui.core.api.client import SmsClient

        self.inner = SmsClient(profile)
        self.stats = stats
        stats["clients"] += 1

    def connections(self) -> int:
        try:
            return len(self.inner._http._transport._pool.connections)
        except AttributeError:
            return -1

    async def fetch(self, kind: Any, message_id: str, token_id: str, **kw: Any) -> Any:
        s = self.stats
        s["active"] += 1
        s["max_active"] = max(s["max_active"], s["active"])
        s["starts"].setdefault(token_id, []).append(time.perf_counter())
        try:
            return await self.inner.fetch(kind, message_id, token_id, **kw)
        finally:
            s["active"] -= 1

    async def aclose(self) -> None:
        await self.inner.aclose()


async def _refresher(url: str, sends: list[SimSend], seconds: float) -> dict[str, Any]:
    import os

    from tui.core.api.model import SendKind
    from tui.core.api.profile import Profile
    from tui.core.refresher import Refresher
    from tui.core.store.config import Config, Settings
    from tui.core.store.watchlist import WatchedSend

    os.environ[SIM_SECRET_ENV] = SIM_CLIENT_SECRET
    profile = Profile(
        name="sim",
        auth="oauth2",
        auth_url=url,
        rest_url=url,
        client_id=SIM_CLIENT_ID,
        client_secret_env=SIM_SECRET_ENV,
        timeout=30,
    )
    with temp_root() as root:
        config = Config(
            path=root / "config.toml",
            settings=Settings(refresh_interval=INTERVAL, max_concurrency=CONCURRENCY, bell=False),
            profiles={"sim": profile},
        )
        stats: dict[str, Any] = {
            "active": 0,
            "max_active": 0,
            "starts": {},
            "clients": 0,
            "errors": 0,
            "max_conn": 0,
        }
        clients: list[Counting] = []

        def factory(p: Any) -> Counting:
            client = Counting(p, stats)
            clients.append(client)
            return client

        def on_update(state: Any) -> None:
            if state.error is not None:
                stats["errors"] += 1

        refresher = Refresher(config, on_update, client_factory=factory)
        for s in sends:
            refresher.watch(
                WatchedSend("sim", s.message_id, s.token_id, SendKind.MESSAGE_CONTACT, s.label)
            )

        async def sample() -> None:
            while True:
                for c in clients:
                    stats["max_conn"] = max(stats["max_conn"], c.connections())
                await asyncio.sleep(0.02)

        begin = time.perf_counter()
        task = asyncio.create_task(refresher.run())
        sampler = asyncio.create_task(sample())
        await asyncio.sleep(seconds)
        for t in (task, sampler):
            t.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await t
    stats["begin"] = begin
    stats["end"] = begin + seconds
    return stats


def _static_profile(url: str, token: str) -> Any:
    from tui.core.api.profile import Profile

    return Profile(name="sim", auth="token", rest_url=url, access_token=token, timeout=30)


async def _pooled(url: str, token: str, sends: list[SimSend]) -> float:
    from tui.core.api.client import SmsClient
    from tui.core.api.model import SendKind

    gate = asyncio.Semaphore(CONCURRENCY)
    async with SmsClient(_static_profile(url, token)) as client:

        async def one(s: SimSend) -> None:
            async with gate:
                await client.fetch(SendKind.MESSAGE_CONTACT, s.message_id, s.token_id)

        await one(sends[0])  # the connection is up, as it is in a running monitor
        started = time.perf_counter()
        await asyncio.gather(*(one(s) for s in sends))
        took = time.perf_counter() - started
    return len(sends) / took


async def _sequential(url: str, token: str, sends: list[SimSend]) -> float:
    from tui.core.api.client import SmsClient
    from tui.core.api.model import SendKind

    profile = _static_profile(url, token)
    started = time.perf_counter()
    for s in sends:
        async with SmsClient(profile) as client:
            await client.fetch(SendKind.MESSAGE_CONTACT, s.message_id, s.token_id)
    return len(sends) / (time.perf_counter() - started)


def run(quick: bool) -> list[Figure]:
    steps = [
        {"create": {"n": 20, "count": 500, "pace": 10.0, "label": "many"}},
        {"create": {"n": 20, "count": 500, "pace": 10.0, "label": "slow", "latency": 0.05}},
        {"advance": 60},
    ]
    seconds = 20.0 if quick else 40.0
    with sim_server(steps) as sim:
        plain = [s for s in sim.sends if s.label.startswith("many")]
        slow = [s for s in sim.sends if s.label.startswith("slow")]
        status = sim.admin("state")["sends"]
        started = sum(1 for s in status if s["status"] == "Started")
        log(f"many: {len(sim.sends)} sends, {started} Started; refresher for {seconds:.0f} s")
        stats = asyncio.run(_refresher(sim.url, plain, seconds))
        warm = stats["begin"] + 10.0
        periods = [
            b - a
            for starts in stats["starts"].values()
            for a, b in itertools.pairwise(starts)
            if a >= warm
        ]
        polls = sum(len(v) for v in stats["starts"].values())
        steady = sum(1 for v in stats["starts"].values() for t in v if t >= warm)
        rate = steady / (stats["end"] - warm)
        p95 = statistics.quantiles(periods, n=20)[-1] if len(periods) > 1 else float("nan")
        period = median(periods) if periods else float("inf")
        log(
            f"many: {polls} polls, period median {period:.2f} s p95 {p95:.2f} s, "
            f"{rate:.1f} polls/s, max in flight {stats['max_active']}, "
            f"max connections {stats['max_conn']}, errors {stats['errors']}"
        )

        ratios = {}
        for name, group in (("loopback", plain), ("50 ms latency", slow)):
            base_group = group[:100] if quick else group
            pooled = median([asyncio.run(_pooled(sim.url, sim.token, group)) for _ in range(3)])
            one_by_one = asyncio.run(_sequential(sim.url, sim.token, base_group))
            ratios[name] = (pooled, one_by_one, pooled / one_by_one, len(base_group))
            log(
                f"many: {name}: pooled {pooled:.0f} req/s, new connection each "
                f"{one_by_one:.0f} req/s, ratio {pooled / one_by_one:.1f}x"
            )

    lp, lb, lr, ln = ratios["loopback"]
    sp, sb, sr, sn = ratios["50 ms latency"]
    return [
        Figure(
            "many: 500 in-flight sends, poll period",
            f"{period:.2f} s",
            f"<= {INTERVAL * 1.1:.1f} s (interval {INTERVAL:g} s + 10%)",
            period <= INTERVAL * 1.1 and stats["errors"] == 0,
            f"median over {len(periods):,} periods after the first sweep, p95 {p95:.2f} s; "
            f"{rate:.1f} polls/s (ideal {500 / INTERVAL:.0f}); errors {stats['errors']}",
        ),
        Figure(
            "many: most requests in flight at once",
            str(stats["max_active"]),
            f"<= {CONCURRENCY} (max_concurrency)",
            stats["max_active"] <= CONCURRENCY,
            f"counted in the client; {stats['clients']} client(s) for one profile",
        ),
        Figure(
            "many: most connections in the pool",
            str(stats["max_conn"]),
            f"<= {POOL} (one pool)",
            0 < stats["max_conn"] <= POOL and stats["clients"] == 1,
            "httpx pool sampled every 20 ms",
        ),
        Figure(
            "many: pooled+bounded vs new connection each (loopback)",
            f"{lr:.1f}x",
            ">= 10x",
            lr >= 10,
            f"{lp:.0f} req/s (10 at once, one pool, median of 3 sweeps of 500) vs "
            f"{lb:.0f} req/s (one at a time, new client each, {ln} requests)",
        ),
        Figure(
            "many: same ratio, 50 ms server latency",
            f"{sr:.1f}x",
            "(information)",
            None,
            f"{sp:.0f} req/s vs {sb:.0f} req/s ({sn} requests one at a time)",
        ),
    ]


if __name__ == "__main__":
    module_main(run)
