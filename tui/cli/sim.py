"""`sendwatch sim`: the simulator on its own, for trying headless commands against it."""

from __future__ import annotations

import argparse
import threading

from tui.core.api.errors import UsageError

SNIPPET = """\
[profiles.{name}]
auth = "oauth2"
auth_url = "{url}"
rest_url = "{url}"
client_id = "{client_id}"
client_secret_env = "SENDWATCH_SIM_SECRET"   # export SENDWATCH_SIM_SECRET={secret}
"""


def serve(args: argparse.Namespace) -> int:
    from tui.sim import Simulator

    if not 0 <= args.port <= 65535:
        raise UsageError(f"--port {args.port} is not a port number")
    if args.time_scale < 0:
        raise UsageError("--time-scale cannot be negative")
    sim = Simulator(seed=args.seed, time_scale=args.time_scale)
    try:
        sim.start(port=args.port)
    except OSError as exc:
        raise UsageError(f"cannot listen on 127.0.0.1:{args.port}: {exc.strerror}") from None
    name = args.write_profile or "sim"
    snippet = SNIPPET.format(
        name=name, url=sim.url, client_id=Simulator.CLIENT_ID, secret=Simulator.CLIENT_SECRET
    )
    message_id = sim.add_message("Hello from the sendwatch simulator")
    token_id = sim.create_send(message_id, 25)
    print(f"sendwatch simulator on {sim.url} (seed {args.seed}, time x{args.time_scale:g})")
    if args.write_profile:
        from tui.core.store.config_write import write_profile

        path = write_profile(
            name,
            {
                "auth": "oauth2",
                "auth_url": sim.url,
                "rest_url": sim.url,
                "client_id": Simulator.CLIENT_ID,
                "client_secret_env": "SENDWATCH_SIM_SECRET",
            },
        )
        print(f"\nwrote profile {name!r} to {path}")
    else:
        print(f"\nAdd this profile to your config.toml:\n\n{snippet}")
    print("A send to try (25 recipients, finishes in about a minute):")
    print(f"  export SENDWATCH_SIM_SECRET={Simulator.CLIENT_SECRET}")
    print(f"  sendwatch status --profile {name} {message_id} {token_id} --wait")
    print('\nAdmin: POST /_sim/sends {"recipients": N} creates another. Ctrl+C stops.', flush=True)
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        print("\nstopped")
    finally:
        sim.stop()
    return 0
