"""Checks of the send requests' bodies, with the documented messages (docs/api.md §2.1, S3).

Every problem is collected, as the real API lists several in one `{"errors": [...]}`.
Keys are matched case-insensitively because the docs themselves mix `Subscribe` and
`subscribe`; booleans may be JSON booleans or the strings "true"/"false", as in the docs'
own example. Messages marked [I] are not in the documented table and are our guesses.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime

from tui.sim.send import Message

MAX_RECIPIENTS = 250
MAX_SIM_RECIPIENTS = 1_000_000
DEFAULT_LIST_SIZE = 20
_DIGITS = re.compile(r"[0-9]+")

ZERO = "The count of mobile numbers or subscribers cannot be zero."
BOTH = "An array of mobile numbers and an array of subscribers cannot be provided at the same time."
SUBSCRIBER = "A subscriber object must have both a mobile number and subscriber key defined."
KEYWORD_BLANK = "Keyword cannot be blank when Subscribe or Resubscribe are true."
KEYWORD_UNUSED = "Keyword is not necessary when Subscribe and Resubscribe are false."
MESSAGE_BLANK = "Message is blank and no override message was provided."
OVERRIDE_BLANK = "Cannot override message text with a blank message."
TEXT_UNUSED = "MessageText is not applicable when Override is false."
INVALID_NUMBER = "Invalid phone number"
TOO_MANY = f"The count of mobile numbers or subscribers cannot exceed {MAX_RECIPIENTS}."  # [I]
NOT_OBJECT = "The request body must be a JSON object."  # [I]


@dataclass(frozen=True, slots=True)
class SendOrder:
    """A valid send request, reduced to what the simulator needs to schedule it."""

    numbers: tuple[str, ...] = ()
    generate: int = 0
    unsubscribed: int = 0
    text: str | None = None
    send_time: float | None = None
    resubscribe: bool = False
    error: bool = False
    pace: float = 1.0


def _fields(body: object) -> dict[str, object] | None:
    if not isinstance(body, Mapping):
        return None
    return {str(k).lower(): v for k, v in body.items()}


def _flag(fields: dict[str, object], key: str, name: str, errors: list[str]) -> bool:
    value = fields.get(key)
    if value is None or isinstance(value, bool):
        return bool(value)
    if isinstance(value, str) and value.strip().lower() in ("true", "false"):
        return value.strip().lower() == "true"
    errors.append(f"{name} must be true or false.")  # [I]
    return False


def _text(fields: dict[str, object], key: str, name: str, errors: list[str]) -> str:
    value = fields.get(key)
    if value is None:
        return ""
    if not isinstance(value, str):
        errors.append(f"{name} must be a string.")  # [I]
        return ""
    return value


def _send_time(fields: dict[str, object], errors: list[str]) -> float | None:
    """`SendTime` is UTC "yyyy-MM-dd HH:mm"; a past time means now (docs/api.md §2.1)."""
    value = fields.get("sendtime")
    if value is None or value == "":
        return None
    if isinstance(value, str):
        try:
            parsed = datetime.fromisoformat(value.strip())
        except ValueError:
            pass
        else:
            aware = parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)
            return aware.timestamp()
    errors.append(f"SendTime {value} is not valid.")  # [I]
    return None


def _number(value: object, errors: list[str]) -> str | None:
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value)
    if not isinstance(value, str):
        errors.append(f"{value!r} is not a numeric string")
        return None
    if not _DIGITS.fullmatch(value):
        errors.append(f"{value} is not a numeric string")
        return None
    if not 8 <= len(value) <= 15:
        errors.append(INVALID_NUMBER)
        return None
    return value


def number_problem(value: str) -> str | None:
    """What a send would say of this number, or None when it is a valid one."""
    errors: list[str] = []
    _number(value, errors)
    return errors[0] if errors else None


def _audience(fields: dict[str, object], errors: list[str]) -> list[str]:
    numbers = fields.get("mobilenumbers")
    subscribers = fields.get("subscribers")
    if numbers and subscribers:
        errors.append(BOTH)
        return []
    entries: list[object] = []
    if numbers:
        if not isinstance(numbers, list):
            errors.append("mobileNumbers must be an array.")  # [I]
            return []
        entries = list(numbers)
    elif subscribers:
        if not isinstance(subscribers, list):
            errors.append("Subscribers must be an array.")  # [I]
            return []
        for sub in subscribers:
            sub_fields = _fields(sub) or {}
            mobile, key = sub_fields.get("mobilenumber"), sub_fields.get("subscriberkey")
            if not mobile or not key:
                errors.append(SUBSCRIBER)
                continue
            entries.append(mobile)
    else:
        errors.append(ZERO)
        return []
    if len(entries) > MAX_RECIPIENTS:
        errors.append(TOO_MANY)
    valid = [n for n in (_number(e, errors) for e in entries) if n is not None]
    return valid


def contact_send(body: object, message: Message | None) -> tuple[SendOrder | None, list[str]]:
    """Check a messageContact send. `message` is None when the URL's id was refused."""
    fields = _fields(body)
    if fields is None:
        return None, [NOT_OBJECT]
    errors: list[str] = []
    numbers = _audience(fields, errors)
    subscribe = _flag(fields, "subscribe", "Subscribe", errors)
    resubscribe = _flag(fields, "resubscribe", "Resubscribe", errors)
    keyword = _text(fields, "keyword", "keyword", errors).strip()
    if (subscribe or resubscribe) and not keyword:
        errors.append(KEYWORD_BLANK)
    elif keyword and not (subscribe or resubscribe):
        errors.append(KEYWORD_UNUSED)
    elif keyword and message is not None and keyword.upper() not in message.keywords:
        # The doc's example reply has no final period on this one.
        errors.append(f"Keyword {keyword} is invalid for the code on the message")
    override = _flag(fields, "override", "Override", errors)
    text = _text(fields, "messagetext", "messageText", errors)
    _check_text(override, text, message, errors)
    send_time = _send_time(fields, errors)
    if errors:
        return None, list(dict.fromkeys(errors))
    return (
        SendOrder(
            numbers=tuple(numbers),
            text=text if override else None,
            send_time=send_time,
            resubscribe=resubscribe,
        ),
        [],
    )


def _check_text(override: bool, text: str, message: Message | None, errors: list[str]) -> None:
    if override and not text.strip():
        errors.append(OVERRIDE_BLANK)
    elif not override and text.strip():
        errors.append(TEXT_UNUSED)
    elif not override and message is not None and not message.text.strip():
        errors.append(MESSAGE_BLANK)


def _whole(
    fields: dict[str, object],
    key: str,
    name: str,
    low: int,
    high: int,
    default: int,
    errors: list[str],
) -> int:
    value = fields.get(key, default)
    if isinstance(value, int) and not isinstance(value, bool) and low <= value <= high:
        return value
    errors.append(f"{name} must be a whole number from {low} to {high}.")
    return default


def list_send(body: object, message: Message | None) -> tuple[SendOrder | None, list[str]]:
    """Check a messageList send. The audience is the sim-only `simRecipients` count.

    Sim-only keys (a real server would ignore or refuse them): `simRecipients` (list size,
    default 20), `simUnsubscribed`, `simError` (end in status Error), `simPace`.
    """
    fields = _fields(body if body is not None else {})
    if fields is None:
        return None, [NOT_OBJECT]
    errors: list[str] = []
    lists = fields.get("targetlistids")
    if lists is not None and not isinstance(lists, list):
        errors.append("TargetListIds must be an array.")  # [I]
    override = _flag(fields, "overridemessagetext", "OverrideMessageText", errors)
    text = _text(fields, "messagetext", "MessageText", errors)
    _check_text(override, text, message, errors)
    send_time = _send_time(fields, errors)
    size = _whole(
        fields, "simrecipients", "simRecipients", 0, MAX_SIM_RECIPIENTS, DEFAULT_LIST_SIZE, errors
    )
    unsubscribed = _whole(fields, "simunsubscribed", "simUnsubscribed", 0, size, 0, errors)
    error = _flag(fields, "simerror", "simError", errors)
    pace = fields.get("simpace", 1.0)
    if isinstance(pace, bool) or not isinstance(pace, (int, float)) or pace <= 0:
        errors.append("simPace must be a positive number.")
        pace = 1.0
    if errors:
        return None, list(dict.fromkeys(errors))
    return (
        SendOrder(
            generate=size,
            unsubscribed=unsubscribed,
            text=text if override else None,
            send_time=send_time,
            error=error,
            pace=float(pace),
        ),
        [],
    )
