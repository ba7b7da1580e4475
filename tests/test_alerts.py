"""Alert rules without an app: each fires once, on its transition; per-send rules; the
`[alerts]` config and its errors; what needs attention; the terminal title."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta
from pathlib import Path

import pytest

from tests.clocks import START
from tui.cli.launch import with_user_choices
from tui.core.alerts import (
    AlertKind,
    AlertWatch,
    Attention,
    attention,
    attention_summary,
    title_text,
)
from tui.core.api.errors import ConfigError, NetworkError
from tui.core.api.model import Delivery, OutcomeCounts, Phase, SendKind
from tui.core.state import SendState
from tui.core.store.alert_rules import AlertConfig, SendRule
from tui.core.store.config import Config, load_config
from tui.core.store.watchlist import WatchedSend
from tui.ui.terminal_title import POP_TITLE, PUSH_TITLE, TerminalTitle, osc_title

SALE = WatchedSend("demo", "msg-sale", "tok-1", SendKind.MESSAGE_CONTACT, "Black Friday")
NEWS = WatchedSend("demo", "msg-news", "tok-2", SendKind.MESSAGE_CONTACT, "Newsletter")


def delivery(
    phase: Phase = Phase.STARTED, delivered: int = 0, failed: int = 0, pending: int = 0
) -> Delivery:
    counts = OutcomeCounts(delivered=delivered, failed=failed, pending=pending)
    events = delivered + failed + pending
    status, total = phase.value, counts.total
    return Delivery("m", total, status, phase, None, None, None, None, (), events, 0, counts)


def read(send: WatchedSend, d: Delivery | None, **kwargs: object) -> SendState:
    return replace(SendState(send), delivery=d, **kwargs)  # type: ignore[arg-type]


class Feed:
    """A send's reads, one after another, as the monitor hands them to the watch."""

    def __init__(self, watch: AlertWatch, send: WatchedSend = SALE) -> None:
        self.watch, self.state, self.now = watch, SendState(send), START

    def read(self, d: Delivery | None, minutes: float = 0, **kwargs: object) -> list[AlertKind]:
        self.now += timedelta(minutes=minutes)
        new = read(self.state.send, d, **kwargs)
        fired = self.watch.observe(self.state, new, self.now)
        self.state = new
        return [alert.kind for alert in fired]


def watch(**rules: object) -> AlertWatch:
    return AlertWatch(AlertConfig(**rules), bell=True)  # type: ignore[arg-type]


# --- each rule, once per transition ---------------------------------------------------


def test_finished_fires_once_when_a_watched_send_reaches_it() -> None:
    feed = Feed(watch())
    assert feed.read(delivery(Phase.STARTED, pending=5)) == []
    assert feed.read(delivery(Phase.FINISHED, delivered=5)) == [AlertKind.FINISHED]
    assert feed.read(delivery(Phase.FINISHED, delivered=5)) == [], "not again on the next read"


def test_the_first_read_is_where_a_send_starts_not_news() -> None:
    feed = Feed(watch(failed_over_percent=5))
    assert feed.read(delivery(Phase.FINISHED, delivered=5, failed=5)) == []
    assert feed.watch.held(SALE.key) == {AlertKind.FAILING}, "yet it needs attention"


def test_error_fires_once_and_its_alert_is_an_error() -> None:
    feed = Feed(watch())
    feed.read(delivery(Phase.STARTED, pending=2))
    new = read(SALE, delivery(Phase.ERROR, failed=1, pending=1))
    (alert,) = feed.watch.observe(feed.state, new, START)
    assert (alert.kind, alert.severity, alert.bell) == (AlertKind.ERROR, "error", True)
    assert alert.title == "Black Friday: Error"
    assert "1 failed" in alert.message
    assert feed.watch.observe(new, new, START) == []


def test_failed_share_fires_on_crossing_not_on_every_poll_and_again_after_recovering() -> None:
    feed = Feed(watch(failed_over_percent=10))
    assert feed.read(delivery(delivered=10)) == []
    assert feed.read(delivery(delivered=9, failed=1)) == [], "10% is not above 10%"
    assert feed.read(delivery(delivered=8, failed=2)) == [AlertKind.FAILING]
    assert feed.read(delivery(delivered=7, failed=3)) == []
    assert feed.read(delivery(delivered=97, failed=3)) == [], "back under"
    assert feed.watch.held(SALE.key) == frozenset()
    assert feed.read(delivery(delivered=97, failed=30)) == [AlertKind.FAILING]


def test_failed_share_says_how_much() -> None:
    feed = Feed(watch(failed_over_percent=5))
    feed.read(delivery(delivered=10))
    new = read(SALE, delivery(delivered=3, failed=1))
    (alert,) = feed.watch.observe(feed.state, new, START)
    assert alert.title == "Black Friday: 25% failed"
    assert alert.message == "1 of 4 recipients failed (the alert is above 5%)"


def test_no_progress_for_n_minutes_fires_once_on_the_clock_and_clears_on_progress() -> None:
    feed = Feed(watch(stalled_minutes=10))
    assert feed.read(delivery(pending=5)) == []
    assert feed.read(delivery(pending=5), minutes=9) == []
    assert feed.read(delivery(pending=5), minutes=1) == [AlertKind.STALLED]
    assert feed.read(delivery(pending=5), minutes=5) == [], "once, not every poll"
    assert feed.watch.held(SALE.key) == {AlertKind.STALLED}
    assert feed.read(delivery(delivered=1, pending=4), minutes=1) == [], "it moved"
    assert feed.watch.held(SALE.key) == frozenset()
    assert feed.read(delivery(delivered=1, pending=4), minutes=9.9) == []
    assert feed.read(delivery(delivered=1, pending=4), minutes=0.1) == [AlertKind.STALLED]


def test_a_final_send_never_stalls() -> None:
    feed = Feed(watch(stalled_minutes=1, finished=False))
    feed.read(delivery(pending=1))
    assert feed.read(delivery(Phase.FINISHED, delivered=1), minutes=1) == []
    assert feed.read(delivery(Phase.FINISHED, delivered=1), minutes=60) == []


def test_a_failed_read_neither_fires_nor_forgets() -> None:
    feed = Feed(watch(stalled_minutes=10))
    d = delivery(pending=5)
    feed.read(d)
    assert feed.read(d, minutes=20, error=NetworkError("timeout", "slow")) == [], "stale"
    assert feed.read(d, minutes=1) == [AlertKind.STALLED], "still no progress since the start"


def test_rules_off_fire_nothing() -> None:
    feed = Feed(watch(finished=False, error=False))
    feed.read(delivery(pending=1))
    assert feed.read(delivery(Phase.FINISHED, delivered=1)) == []


# --- per-send rules -------------------------------------------------------------------


def test_per_send_rules_match_a_label_pattern_or_a_message_id_first_match_wins() -> None:
    alerts = AlertConfig(
        failed_over_percent=20,
        bell=True,
        send=(
            SendRule(label="black*", failed_over_percent=1, bell=False),
            SendRule(message_id="msg-news", failed_over_percent=False, finished=False),
            SendRule(label="*", stalled_minutes=3),
        ),
    )
    sale = alerts.rules_for(SALE.label, SALE.message_id, bell=True)
    assert (sale.failed_over_percent, sale.bell, sale.stalled_minutes) == (1, False, None)
    news = alerts.rules_for(NEWS.label, NEWS.message_id, bell=True)
    assert (news.failed_over_percent, news.finished, news.bell) == (None, False, True)
    other = alerts.rules_for("Reminder", "msg-x", bell=False)
    assert (other.failed_over_percent, other.stalled_minutes, other.bell) == (20, 3, True)
    assert AlertConfig().rules_for("x", "y", bell=False).bell is False, "settings.bell"

    watching = AlertWatch(alerts, bell=True)
    sale_feed, news_feed = Feed(watching, SALE), Feed(watching, NEWS)
    for feed in (sale_feed, news_feed):
        feed.read(delivery(delivered=98))
    assert sale_feed.read(delivery(delivered=98, failed=2)) == [AlertKind.FAILING]
    assert news_feed.read(delivery(delivered=50, failed=50)) == [], "off for this message"
    assert news_feed.read(delivery(Phase.FINISHED, delivered=50, failed=50)) == []


# --- config ---------------------------------------------------------------------------

EXAMPLE = """\
[alerts]                      # for every send
finished = true               # a toast when a send reaches Finished
error = true                  # ... and when it reaches Error
failed_over_percent = 5       # when more than 5% of its recipients failed (false: off)
stalled_minutes = 10          # when nothing changed for 10 minutes (false: off)
bell = true                   # ring the bell too (unset: settings.bell)

[[alerts.send]]               # sends whose label matches (* ? [abc], any case)
label = "Black*"
failed_over_percent = 1

[[alerts.send]]               # a message id; label and message_id together must both match
message_id = "MzA6Nzg6MA"
stalled_minutes = false
bell = false
"""


def test_the_readme_example_loads(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text(EXAMPLE)
    alerts = load_config(path).alerts
    assert (alerts.failed_over_percent, alerts.stalled_minutes, alerts.bell) == (5, 10, True)
    assert alerts.send == (
        SendRule(label="Black*", failed_over_percent=1),
        SendRule(message_id="MzA6Nzg6MA", stalled_minutes=False, bell=False),
    )
    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text()
    assert EXAMPLE in readme, "README's Alerts example"


def test_no_alerts_table_keeps_the_finished_and_error_toasts(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text("[settings]\nbell = false\n")
    rules = load_config(path).alerts.rules_for("a", "b", bell=False)
    assert rules.finished and rules.error and not rules.bell
    assert rules.failed_over_percent is None and rules.stalled_minutes is None


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("alerts = 5\n", ":1: alerts: must be a table, not an integer"),
        ("[alerts]\nfinished = 'yes'\n", ":2: alerts.finished: must be true or false, not a"),
        ("[alerts]\nfoo = 1\n", ":2: alerts.foo: unknown key (known: finished, error,"),
        ("[alerts]\nstaled_minutes = 1\n", "did you mean 'stalled_minutes'?"),
        (
            "[alerts]\nstalled_minutes = 0\n",
            ":2: alerts.stalled_minutes: must be a number of minutes above 0, or false",
        ),
        ("[alerts]\nstalled_minutes = inf\n", "alerts.stalled_minutes: must be a number"),
        ("[alerts]\nstalled_minutes = true\n", "or false to turn it off"),
        (
            "[alerts]\nfailed_over_percent = 101\n",
            ":2: alerts.failed_over_percent: must be a percentage from 0 to 100, or false",
        ),
        ("[alerts]\nfailed_over_percent = nan\n", "alerts.failed_over_percent: must be a"),
        ("[alerts]\nfailed_over_percent = '5%'\n", "alerts.failed_over_percent: must be a"),
        ("[alerts]\nsend = 3\n", ":2: alerts.send: must be entries written [[alerts.send]]"),
        (
            "[[alerts.send]]\nlabel = 'a'\n\n[[alerts.send]]\nbell = 1\n",
            ":4: alerts.send[2].bell: must be true or false, not an integer",
        ),
        (
            "[[alerts.send]]\nfinished = true\n",
            ":1: alerts.send[1]: say which sends it is for with label",
        ),
        ("[[alerts.send]]\nlabel = 'x'\nwhen = 3\n", ":1: alerts.send[1].when: unknown key"),
        (
            "[[alerts.send]]\nlabel = 'x'\nstalled_minutes = -1\n",
            ":1: alerts.send[1].stalled_minutes: must be a number of minutes above 0",
        ),
        ("[alerts]\nsend = [1]\n", "alerts.send[1]: must be entries written [[alerts.send]]"),
    ],
)
def test_a_bad_alerts_table_names_the_key_and_line(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "config.toml"
    path.write_text(text)
    with pytest.raises(ConfigError) as info:
        load_config(path)
    assert message in str(info.value)
    assert str(info.value).startswith(str(path))


# --- attention and the title ----------------------------------------------------------


def test_attention_names_the_most_pressing_reason() -> None:
    error = NetworkError("timeout", "slow")
    stalled = frozenset({AlertKind.STALLED})
    assert attention(read(SALE, None, error=error), frozenset()) is Attention.READ_ERROR
    assert attention(read(SALE, delivery(), error=error), stalled) is Attention.STALE
    assert attention(read(SALE, delivery(Phase.ERROR)), stalled) is Attention.IN_ERROR
    held = frozenset({AlertKind.STALLED, AlertKind.FAILING})
    assert attention(read(SALE, delivery()), held) is Attention.FAILING
    assert attention(read(SALE, delivery()), stalled) is Attention.STALLED
    assert attention(read(SALE, delivery(Phase.FINISHED)), frozenset()) is None


def test_the_summary_counts_each_send_once_and_says_which_kind() -> None:
    assert attention_summary([]) == ""
    assert attention_summary([Attention.STALE]) == "1 needs attention: 1 stale"
    reasons = [Attention.STALLED, Attention.READ_ERROR, Attention.STALLED, Attention.IN_ERROR]
    assert attention_summary(reasons) == "4 need attention: 1 error, 1 in Error, 2 stalled"
    assert attention_summary(reasons, 48) == "4 need attention: 1 error, 1 in Error, 2 stalled"
    assert attention_summary(reasons, 47) == "⚠ 1 error, 1 in Error, 2 stalled", "no room"


def test_the_title_is_pushed_set_only_on_change_and_popped() -> None:
    written: list[str] = []
    title = TerminalTitle()
    title.show(2)  # no terminal yet: nothing to write to
    title.attach(written.append)
    title.show(0)
    title.show(0)
    assert written == [PUSH_TITLE, osc_title("sendwatch")]
    title.show(2)
    title.show(2)
    assert written[2:] == [osc_title("sendwatch — 2 need attention")]
    title.restore()
    assert written[3:] == [osc_title("sendwatch") + POP_TITLE]
    title.restore()
    assert len(written) == 4, "restored once"
    assert title_text(1) == "sendwatch — 1 needs attention"


def test_the_demo_takes_the_users_alerts_and_says_when_their_config_is_bad(
    tmp_path: Path, isolated_dirs: Path
) -> None:
    demo = Config(tmp_path / "demo.toml")
    user = isolated_dirs / "config" / "sendwatch" / "config.toml"
    user.parent.mkdir(parents=True)
    user.write_text("[alerts]\nstalled_minutes = 3\n")
    config, problem = with_user_choices(demo)
    assert config.alerts.stalled_minutes == 3 and problem is None
    user.write_text("[alerts]\nstalled_minutes = 'ten'\n")
    config, problem = with_user_choices(demo)
    assert config.alerts == AlertConfig()
    assert problem is not None and "config.toml:2: alerts.stalled_minutes: must be" in problem
