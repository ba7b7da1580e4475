"""Render the monitor's screenshots (the README shows them): `python -m tests.screenshots`.

The scenes are the snapshot tests' (tests/snapshot_apps/monitor_app.py): the demo's sends
on a frozen simulator and a fixed clock, so a rerun only changes a file when the UI did.
Pass a folder to write somewhere other than `screenshots/`.
"""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path

from tests.snapshot_apps.monitor_app import SCENES, build_scene, run_before, utc

ROOT = Path(__file__).resolve().parent.parent

SHOTS: tuple[tuple[str, tuple[int, int]], ...] = (
    ("monitor", (120, 40)),
    ("monitor", (80, 24)),
    ("recipient", (80, 24)),
    ("add-invalid", (80, 24)),
    ("help", (80, 24)),
    ("error", (120, 40)),
)
"""(scene, size) pairs; each becomes `{scene}-{width}x{height}.svg`."""


async def shoot(name: str, size: tuple[int, int], folder: Path) -> Path:
    scene = build_scene(selected=SCENES[name].selected)
    filename = f"{name}-{size[0]}x{size[1]}.svg"
    try:
        async with scene.app.run_test(size=size) as pilot:
            await run_before(scene, name)(pilot)
            await pilot.pause()
            scene.app.save_screenshot(filename=filename, path=str(folder))
            scene.app.workers.cancel_all()
            await pilot.pause()
    finally:
        scene.close()
    return folder / filename


def main(argv: list[str]) -> int:
    folder = Path(argv[0]) if argv else ROOT / "screenshots"
    folder.mkdir(parents=True, exist_ok=True)
    with utc():
        for name, size in SHOTS:
            path = asyncio.run(shoot(name, size, folder))
            print(path.relative_to(ROOT) if path.is_relative_to(ROOT) else path)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
