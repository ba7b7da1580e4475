"""Scrolling: PageDown at 100,000 rows against 1,000 rows, keypress to repaint complete.

Method:
- The real `RecipientGrid` full screen in `App.run_test(size=(120, 40))`, focused, fed
  the first 1,000 and then all 100,000 recipients of the simulator's finished 100k send
  (a fresh app for each size).
- PageDown is posted as the terminal driver posts keys (`driver.send_message(Key)`); each
  press is timed to the last frame of its repaint (`FrameProbe`, see the package
  docstring). 30 presses per size (15 with --quick) after 3 unmeasured ones; medians.
  Near the end of the rows an unmeasured Home goes back to the top first.
- Targets: the median at 100k <= 15 ms, and <= 1.5 x the median at 1k (flat).
"""

from __future__ import annotations

import asyncio
import gc
from collections.abc import Sequence
from typing import Any

from tests.bench import (
    Figure,
    FrameProbe,
    grid_app_class,
    large_body,
    log,
    median,
    module_main,
    ms,
    press,
)


async def _scroll(recipients: Sequence[Any], presses: int) -> list[float]:
    from tui.ui.widgets.recipient_grid import RecipientGrid

    app = grid_app_class()()
    async with app.run_test(size=(120, 40)) as pilot:
        grid = app.query_one(RecipientGrid)
        grid.focus()
        grid.set_data(recipients)
        await pilot.pause()
        probe = FrameProbe(app, grid)
        await probe.settle(0, timeout=10)
        times = []
        gc.collect()
        page = grid.scrollable_content_region.height - 1
        for i in range(presses + 3):
            if grid.cursor_row + page >= grid.row_count - 1:  # back to the top, unmeasured
                await probe.settle(press(app, "home"), timeout=5)
            started = press(app, "pagedown")
            painted = await probe.settle(started, timeout=5)
            assert painted is not None, "PageDown did not repaint"
            if i >= 3:
                times.append(painted - started)
    return times


def run(quick: bool) -> list[Figure]:
    log("scroll: building the 100,000-recipient body")
    from tui.core.api.parse import parse_delivery_bytes

    recipients = parse_delivery_bytes(large_body(100_000)).recipients
    presses = 15 if quick else 30
    small = asyncio.run(_scroll(recipients[:1000], presses))
    big = asyncio.run(_scroll(recipients, presses))
    m_small, m_big = median(small), median(big)
    ratio = m_big / m_small
    log(f"scroll: PageDown 1k {ms(m_small)}, 100k {ms(m_big)}")
    return [
        Figure(
            "scroll: PageDown at 100k rows",
            ms(m_big),
            "<= 15 ms",
            m_big <= 0.015,
            f"median of {len(big)} (max {ms(max(big))}); key posted -> last frame",
        ),
        Figure(
            "scroll: PageDown 100k / 1k rows",
            f"{ratio:.2f}x",
            "<= 1.5x (flat)",
            ratio <= 1.5,
            f"1k median {ms(m_small)} (max {ms(max(small))})",
        ),
    ]


if __name__ == "__main__":
    module_main(run)
