"""`sendwatch demo`: six sends on the built-in simulator that show every state a user meets."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from tui.core.api.model import SendKind
from tui.core.api.profile import Profile
from tui.core.store.config import Config, Settings
from tui.core.store.watchlist import WatchedSend
from tui.sim import Fault, Simulator

DEMO_PROFILE = "demo"
DEMO_SECRET_ENV = "SENDWATCH_DEMO_SECRET"
OTHER_CLIENT = ("another-bu-client", "another-bu-secret")
DEMO_HEAD_START = 900.0
"""Start the simulator this many seconds in the past so the finished sends are history."""


def demo_profile(sim: Simulator) -> Profile:
    """Points at the simulator; the secret comes from the environment, never from disk."""
    return Profile(
        name=DEMO_PROFILE,
        auth="oauth2",
        auth_url=sim.url,
        rest_url=sim.url,
        client_id=Simulator.CLIENT_ID,
        client_secret_env=DEMO_SECRET_ENV,
        timeout=5.0,
    )


def demo_config(sim: Simulator, folder: Path, *, refresh_interval: float = 2.0) -> Config:
    """A config with only the demo profile, kept in `folder` (never the user's)."""
    profile = demo_profile(sim)
    return Config(
        path=folder / "config.toml",
        settings=Settings(refresh_interval=refresh_interval, bell=False),
        profiles={profile.name: profile},
    )


def seed_demo(sim: Simulator) -> list[WatchedSend]:
    """Create the demo sends: three already over, three live, in the order users read them."""
    now = datetime.now(UTC)

    def watched(message_id: str, token_id: str, label: str) -> WatchedSend:
        return WatchedSend(
            profile=DEMO_PROFILE,
            message_id=message_id,
            token_id=token_id,
            kind=SendKind.MESSAGE_CONTACT,
            label=label,
            added=now,
        )

    reminders = sim.add_message(
        "Reminder: your appointment is tomorrow at 10:00. Reply C to cancel."
    )
    mixed = sim.create_send(reminders, 120, unsubscribed=4)
    resets = sim.add_message("Your password reset code is 481516.")
    broken = sim.create_send(resets, 60, error=True)
    # Someone pasted a token id from another business unit next to our message id.
    sim.add_client(*OTHER_CLIENT)
    theirs = sim.add_message("Flash sale: 20% off today only!", client_id=OTHER_CLIENT[0])
    foreign = sim.create_send(theirs, 25, client_id=OTHER_CLIENT[0])
    sim.advance(DEMO_HEAD_START)  # the first three are long over when the demo opens

    orders = sim.add_message("Thanks for your order! It ships within 2 days.")
    live = sim.create_send(orders, 40, pace=4.0)
    campaign = sim.add_message("Black Friday: everything 30% off until midnight. STOP to opt out.")
    large = sim.create_send(campaign, 20_000, pace=0.3)
    alerts = sim.add_message("Service alert: planned maintenance tonight 01:00-03:00.")
    flaky = sim.create_send(alerts, 200, pace=3.0)
    sim.inject(flaky, Fault(kind="http500", times=None, probability=0.35))
    sim.inject(flaky, Fault(kind="latency", times=None, probability=0.3, seconds=1.5))
    # Its drill-down's history reads fail too, now and then: the error shows in the section.
    sim.inject(flaky, Fault(kind="http500", times=None, probability=0.5), route="history")

    return [
        watched(orders, live, "Order confirmations (live)"),
        watched(reminders, mixed, "Appointment reminders"),
        watched(campaign, large, "Black Friday blast (20,000)"),
        watched(resets, broken, "Password resets"),
        watched(reminders, foreign, "Reminders? (another BU's token)"),
        watched(alerts, flaky, "Service alert (flaky server)"),
    ]
