"""One number's message history on one send: the MT that went to it, and its MO replies.

`GET /sms/v1/messageContact/{messageId}/history/{tokenId}/mobileNumber/{number}` answers
`{count, createDate, status:"Active", history:[{type:"MT"/"MO", message, date}]}`
(docs/api.md §2.3). The MT is dated at the number's first carrier event, so it agrees
with the Deliveries body; a number that never got an event (the job broke first) has
none. Some delivered numbers reply, drawn from an RNG seeded by (token id, number), so a
run repeats exactly: STOP or HELP, which MobileConnect answers with an MT of its own, or
a few words. The answer texts and shares are ours [I].
"""

from __future__ import annotations

import json
import random
from dataclasses import dataclass
from typing import Literal

from tui.sim.clock import mc_date
from tui.sim.send import Send

DELIVERED = frozenset({2000, 4000})
STOP_SHARE, HELP_SHARE, TEXT_SHARE = 0.02, 0.01, 0.02
"""Of the delivered numbers, the share that replies STOP, HELP or something else."""
STOP_TEXTS = ("STOP", "Stop", "stop please")
FREE_TEXTS = ("Thanks!", "Who is this?", "Wrong number", "ok", "C")
STOP_ANSWER = "You have been unsubscribed and will receive no more messages."
HELP_ANSWER = "Reply STOP to opt out. Msg&data rates may apply."
ANSWER_DELAY = 2.0
"""Sim seconds between a keyword MO and MobileConnect's MT answer."""


@dataclass(frozen=True, slots=True)
class Entry:
    type: Literal["MT", "MO"]
    message: str
    at: float


def entries(send: Send, number: str) -> list[Entry]:
    """Every entry `number` will ever have on `send`, oldest first."""
    reached = send.reached(number)
    if reached is None:
        return []  # not in the send, left out of it, or the job broke before its turn
    first, code, final_at = reached
    found = [Entry("MT", send.text, first)]
    if code not in DELIVERED:
        return found
    rng = random.Random(f"{send.token_id}:{number}:replies")
    r = rng.random()
    at = final_at + send.pace * (20.0 + 600.0 * rng.random())
    if r < STOP_SHARE:
        found.append(Entry("MO", rng.choice(STOP_TEXTS), at))
        found.append(Entry("MT", STOP_ANSWER, at + ANSWER_DELAY))
    elif r < STOP_SHARE + HELP_SHARE:
        found.append(Entry("MO", "HELP", at))
        found.append(Entry("MT", HELP_ANSWER, at + ANSWER_DELAY))
    elif r < STOP_SHARE + HELP_SHARE + TEXT_SHARE:
        found.append(Entry("MO", rng.choice(FREE_TEXTS), at))
    return found


def body(send: Send, number: str, moment: float) -> bytes:
    """The history reply at `moment` (a number the send left out, unsubscribed or opted
    out, got nothing: an empty `history` [I])."""
    shown = [e for e in entries(send, number) if e.at <= moment]
    payload = {
        "count": len(shown),
        "createDate": mc_date(send.schedule.timeline.created),
        "status": "Active",
        "history": [{"type": e.type, "message": e.message, "date": mc_date(e.at)} for e in shown],
    }
    return json.dumps(payload).encode("utf-8")
