"""A loopback HTTP server that speaks the MobileConnect API (docs/api.md), for demos and tests.

    from tui.sim import Simulator, Fault
    with Simulator(seed=1, time_scale=0) as sim:
        token_id = sim.create_send(sim.add_message("Hi"), 100)
        sim.advance(60)

API routes: `POST /v2/token`, `POST /v1/requestToken`,
`POST /sms/v1/{messageContact|messageList}/{messageId}/send`,
`GET /sms/v1/{messageContact|messageList}/{messageId}/deliveries/{tokenId}`,
`GET /sms/v1/messageContact/{messageId}/history/{tokenId}/mobileNumber/{number}`.
Anything else is the gateway's 404. `POST .../messageList/{id}/send` takes sim-only keys
`simRecipients` (list size, default 20), `simUnsubscribed`, `simError` and `simPace`.

Admin routes (no token; not counted in `stats`/`requests`) for a standalone sim:
- `POST /_sim/advance {"seconds": N}` → `{"now": iso}`: move sim time forward.
- `POST /_sim/sends {"recipients": N | [numbers], "messageId"?, "kind"?, "text"?,
  "clientId"?, "unsubscribed"?, "error"?, "pace"?}` → 201 `{"messageId", "tokenId", "kind",
  "count"}`; without `messageId` a new message definition is made from `text`/`kind`.
- `POST /_sim/faults {"kind", "tokenId"?, "times"?, "probability"?, "seconds"?,
  "retryAfter"?, "route"?}` → 201: arm a fault on a send's Deliveries, or with
  `"route": "history"` on its history route (without `tokenId`: on auth).
- `POST /_sim/revoke` → 200: revoke every issued access token.
- `GET /_sim/state` → clock, counters, messages, and each send's status and event counts.
"""

from tui.sim.faults import Fault, FaultKind
from tui.sim.send import Message, Send
from tui.sim.simulator import Simulator
from tui.sim.world import FaultRoute, RequestRecord, SimStats

__all__ = [
    "Fault",
    "FaultKind",
    "FaultRoute",
    "Message",
    "RequestRecord",
    "Send",
    "SimStats",
    "Simulator",
]
