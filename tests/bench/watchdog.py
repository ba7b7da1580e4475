"""A watchdog on an asyncio event loop: who held the loop when it was late.

`LoopWatchdog(loop)` schedules a heartbeat on `loop` (a callback every `beat` seconds)
and runs a daemon thread that checks it every `poll` seconds. Whenever the heartbeat
is late by more than `threshold` seconds, the thread takes the loop thread's current
stack (`sys._current_frames()`), and keeps taking it every `poll` seconds until the
heartbeat runs again. Each late spell becomes one `Stall`: when it began, how long it
lasted, and the distinct stacks seen during it with how often each was seen.

A stack taken while the loop thread waits for the GIL shows where it was when it lost
it; `Stall.waiting_for_gil` guesses that from the innermost frame being inside the
selector or the asyncio machinery. The watchdog thread itself needs the GIL to take a
sample, so under a GIL hog samples come at the switch interval (5 ms), not `poll`.

Use it from inside the process being watched:

    dog = LoopWatchdog(asyncio.get_running_loop(), threshold=0.05)
    dog.start()
    ...
    dog.stop()
    print(dog.report())

In a Textual app, start it from `on_mount` (it runs on the app's loop); `launch_probe.py`
does that for the real monitor and writes `as_json()` out when the app exits.
"""

from __future__ import annotations

import asyncio
import sys
import threading
import time
import traceback
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from types import FrameType
from typing import Any

Stack = tuple[str, ...]  # innermost frame last, "file:line function"


@dataclass
class Stall:
    started: float  # perf_counter of the last heartbeat before the stall
    seen: float  # when the watchdog first saw it late
    ended: float = 0.0  # when the heartbeat ran again (0: still stalled)
    stacks: Counter[Stack] = field(default_factory=Counter)

    @property
    def duration(self) -> float:
        return (self.ended or time.perf_counter()) - self.started

    def top(self, count: int = 3) -> list[tuple[Stack, int]]:
        return self.stacks.most_common(count)


def _frame_stack(frame: FrameType | None, depth: int) -> Stack:
    entries = traceback.extract_stack(frame, limit=depth)
    return tuple(f"{_short(e.filename)}:{e.lineno} {e.name}" for e in entries)


def _short(path: str) -> str:
    for marker in ("/site-packages/", "/lib/python3"):
        if marker in path:
            return path.split(marker, 1)[1]
    parts = [p for p in Path(path).parts if p != "/"]
    return "/".join(parts[-3:])


_IDLE_MARKERS = ("selectors.py", "base_events.py", "events.py:")


def waiting_for_gil(stack: Stack) -> bool:
    """Innermost frame in the loop's own machinery: the loop was between callbacks."""
    return bool(stack) and any(m in stack[-1] for m in _IDLE_MARKERS)


class LoopWatchdog:
    def __init__(
        self,
        loop: asyncio.AbstractEventLoop,
        *,
        threshold: float = 0.05,
        beat: float = 0.01,
        poll: float = 0.005,
        depth: int = 40,
        clock: Callable[[], float] = time.perf_counter,
    ) -> None:
        self.loop = loop
        self.threshold = threshold
        self.beat = beat
        self.poll = poll
        self.depth = depth
        self.clock = clock
        self.stalls: list[Stall] = []
        self.beats = 0
        self._last = clock()
        self._loop_thread: int | None = None
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._handle: asyncio.TimerHandle | None = None

    # -- heartbeat (on the loop)

    def _heartbeat(self) -> None:
        self._last = self.clock()
        self.beats += 1
        if not self._stop.is_set():
            self._handle = self.loop.call_later(self.beat, self._heartbeat)

    # -- lifecycle

    def start(self) -> LoopWatchdog:
        """Call on the loop's thread (or pass it `loop_thread` via `start_for`)."""
        return self.start_for(threading.get_ident())

    def start_for(self, loop_thread: int) -> LoopWatchdog:
        self._loop_thread = loop_thread
        self._last = self.clock()
        self.loop.call_soon_threadsafe(self._heartbeat)
        self._thread = threading.Thread(target=self._watch, name="loop-watchdog", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(1.0)
        if self._handle is not None:
            self._handle.cancel()

    # -- the watching thread

    def _watch(self) -> None:
        current: Stall | None = None
        while not self._stop.wait(self.poll):
            last = self._last
            now = self.clock()
            late = now - last - self.beat
            if current is not None and last > current.started:
                current.ended = last
                current = None
            if late <= self.threshold:
                continue
            if current is None:
                current = Stall(started=last, seen=now)
                self.stalls.append(current)
            frame = sys._current_frames().get(self._loop_thread or -1)
            current.stacks[_frame_stack(frame, self.depth)] += 1

    # -- results

    def longest(self, count: int = 10) -> list[Stall]:
        return sorted(self.stalls, key=lambda s: s.duration, reverse=True)[:count]

    def report(self, origin: float = 0.0, count: int = 10, frames: int = 12) -> str:
        """The longest stalls, each with its most frequent stacks (innermost last)."""
        lines = [
            f"loop watchdog: {len(self.stalls)} stalls > {self.threshold * 1000:.0f} ms, "
            f"{sum(s.duration for s in self.stalls) * 1000:.0f} ms in all"
        ]
        for stall in sorted(self.longest(count), key=lambda s: s.started):
            samples = sum(stall.stacks.values())
            lines.append(
                f"- at {(stall.started - origin) * 1000:.0f} ms: "
                f"{stall.duration * 1000:.0f} ms, {samples} samples"
            )
            for stack, seen in stall.top():
                gil = " (loop idle: waiting for the GIL?)" if waiting_for_gil(stack) else ""
                lines.append(f"    {seen} x{gil}")
                lines.extend(f"      {entry}" for entry in stack[-frames:])
        return "\n".join(lines)

    def as_json(self, origin: float = 0.0) -> list[dict[str, Any]]:
        return [
            {
                "at_ms": round((s.started - origin) * 1000, 1),
                "ms": round(s.duration * 1000, 1),
                "stacks": [
                    {"count": c, "idle": waiting_for_gil(st), "stack": list(st)}
                    for st, c in s.top(5)
                ],
            }
            for s in self.stalls
        ]


__all__ = ["LoopWatchdog", "Stall", "waiting_for_gil"]
