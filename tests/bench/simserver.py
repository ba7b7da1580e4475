"""A simulator in its own process, so the code under test does not share a GIL with it.

Run as `python -m tests.bench.simserver SPEC_JSON`. SPEC is
`{"seed": 1, "time_scale": 0, "steps": [...]}` where each step is either
`{"create": {"n": 1000, "count": 1, "pace": 1.0, "label": "x", "latency": 0.0}}` or
`{"advance": seconds}`. The process prints one JSON line
`{"url", "token", "sends": [{"message_id", "token_id", "label", "n"}]}` once it serves,
then serves until its standard input closes. The admin routes (`/_sim/advance`,
`/_sim/faults`, `/_sim/state`) drive it from the bench.
"""

from __future__ import annotations

import json
import sys

from tui.sim import Fault, Simulator


def main() -> None:
    spec = json.loads(sys.argv[1])
    sim = Simulator(seed=int(spec.get("seed", 1)), time_scale=float(spec.get("time_scale", 0)))
    sends: list[dict[str, object]] = []
    for step in spec.get("steps", []):
        if "advance" in step:
            sim.advance(float(step["advance"]))
            continue
        create = step["create"]
        message_id = sim.add_message(str(create.get("text", "Bench message: hello")))
        for i in range(int(create.get("count", 1))):
            token_id = sim.create_send(
                message_id, int(create["n"]), pace=float(create.get("pace", 1.0))
            )
            latency = float(create.get("latency", 0.0))
            if latency > 0:
                sim.inject(token_id, Fault(kind="latency", times=None, seconds=latency))
            label = str(create.get("label", "bench send"))
            if int(create.get("count", 1)) > 1:
                label = f"{label} {i + 1:02d}"
            sends.append(
                {
                    "message_id": message_id,
                    "token_id": token_id,
                    "label": label,
                    "n": int(create["n"]),
                }
            )
    sim.start()
    out = {"url": sim.url, "token": sim.issue_token(), "sends": sends}
    sys.stdout.write(json.dumps(out) + "\n")
    sys.stdout.flush()
    try:
        sys.stdin.read()
    finally:
        sim.stop()


if __name__ == "__main__":
    main()
