"""The `[alerts]` table of config.toml: which changes of a send are worth a toast.

Global rules sit in `[alerts]`; `[[alerts.send]]` entries pick sends by label pattern
and/or message id and override any of those keys for them (the first entry that
matches wins). A number rule is turned off with `false`, as TOML has no null.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from fnmatch import fnmatchcase
from typing import Any, TypeVar

import msgspec

from tui.core.api.errors import ConfigError
from tui.core.store.tomlfile import TomlFile, find_line

_T = TypeVar("_T")
Limit = float | bool | None
"""A number, `false` for off, or None (a per-send rule that leaves the global one)."""

_LIMITS: dict[str, tuple[str, Callable[[float], bool]]] = {
    "failed_over_percent": ("a percentage from 0 to 100", lambda v: 0 <= v <= 100),
    "stalled_minutes": ("a number of minutes above 0", lambda v: 0 < v < math.inf),
}


class Rules(msgspec.Struct, frozen=True):
    """The rules one send is watched by, every key decided."""

    finished: bool = True
    error: bool = True
    failed_over_percent: float | None = None
    stalled_minutes: float | None = None
    bell: bool = True


class SendRule(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    """One `[[alerts.send]]` entry: which sends, and the keys it overrides for them."""

    label: str | None = None
    """A pattern for the label (`*`, `?`, `[abc]`), matched ignoring case."""
    message_id: str | None = None
    finished: bool | None = None
    error: bool | None = None
    failed_over_percent: Limit = None
    stalled_minutes: Limit = None
    bell: bool | None = None

    def matches(self, label: str, message_id: str) -> bool:
        if self.label is not None and not fnmatchcase(label.lower(), self.label.lower()):
            return False
        return self.message_id is None or self.message_id == message_id


class AlertConfig(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    """The `[alerts]` table. `bell` unset follows `settings.bell`."""

    finished: bool = True
    error: bool = True
    failed_over_percent: Limit = False
    stalled_minutes: Limit = False
    bell: bool | None = None
    send: tuple[SendRule, ...] = ()

    def rules_for(self, label: str, message_id: str, *, bell: bool) -> Rules:
        """A send's rules: the global ones with the first matching `[[alerts.send]]` entry
        laid over; `bell` is `settings.bell`, for when no table sets it."""
        rule = next((r for r in self.send if r.matches(label, message_id)), SendRule())
        return Rules(
            finished=_pick(rule.finished, self.finished),
            error=_pick(rule.error, self.error),
            failed_over_percent=_limit(_pick(rule.failed_over_percent, self.failed_over_percent)),
            stalled_minutes=_limit(_pick(rule.stalled_minutes, self.stalled_minutes)),
            bell=_pick(rule.bell, _pick(self.bell, bell)),
        )


def _pick(value: _T | None, default: _T) -> _T:
    return default if value is None else value


def _limit(value: Limit) -> float | None:
    return None if value is None or isinstance(value, bool) else float(value)


def parse_alerts(src: TomlFile, raw: object) -> AlertConfig:
    """The `[alerts]` table, or a ConfigError naming the key and line that is wrong."""
    table = src.convert(("alerts",), raw, dict[str, Any])
    entries = table.get("send", [])
    if not isinstance(entries, list):
        raise src.error(("alerts", "send"), "must be entries written [[alerts.send]]")
    _check_limits(src, ("alerts",), table)
    rules = tuple(_send_rule(src, n, entry) for n, entry in enumerate(entries, 1))
    rest = {key: value for key, value in table.items() if key != "send"}
    return msgspec.structs.replace(src.convert(("alerts",), rest, AlertConfig), send=rules)


def _send_rule(src: TomlFile, n: int, raw: object) -> SendRule:
    """Entry `n` (from 1); its errors name it and point at its own `[[alerts.send]]` line."""
    line = _entry_line(src.text, n)
    try:
        if not isinstance(raw, dict):
            raise src.error(("alerts", "send"), "must be entries written [[alerts.send]]")
        _check_limits(src, ("alerts", "send"), raw)
        rule = src.convert(("alerts", "send"), raw, SendRule)
    except ConfigError as exc:
        detail = exc.detail.replace("alerts.send", f"alerts.send[{n}]", 1)
        raise ConfigError(exc.path, detail, line=line) from None
    if rule.label is None and rule.message_id is None:
        raise ConfigError(
            str(src.path),
            f'alerts.send[{n}]: say which sends it is for with label = "pattern" '
            'and/or message_id = "..."',
            line=line,
        )
    return rule


def _check_limits(src: TomlFile, keypath: tuple[str, ...], table: dict[str, Any]) -> None:
    """Number rules take a number in range or `false`; msgspec's words for a union are
    no help, so these are checked here."""
    for key, (what, fits) in _LIMITS.items():
        value = table.get(key, False)
        if value is False:
            continue
        if isinstance(value, int | float) and not isinstance(value, bool) and fits(value):
            continue
        raise src.error((*keypath, key), f"must be {what}, or false to turn it off")


def _entry_line(text: str, n: int) -> int | None:
    """The line of the `n`-th `[[alerts.send]]` header."""
    seen = 0
    for number, line in enumerate(text.splitlines(), 1):
        if line.strip().replace(" ", "").startswith("[[alerts.send]]"):
            seen += 1
            if seen == n:
                return number
    return find_line(text, ("alerts", "send"))
