"""`python -m tests.bench [NAME...] [--quick]`: run the benchmark groups, print the table.

Each group runs in a fresh interpreter (`python -m tests.bench.NAME`), one after the
other, so none disturbs another's timings or memory. The exit status is 0 even when a
target is missed: this is a report; FAIL rows say which.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from typing import Any

from tests.bench import MARK, ROOT, Figure

GROUPS = ("start", "launch", "large", "scroll", "refresh", "keys", "memory", "many", "idle")
TIMEOUT = 1800


def _run_group(name: str, quick: bool) -> tuple[list[Figure], str | None]:
    argv = [sys.executable, "-m", f"tests.bench.{name}"] + (["--quick"] if quick else [])
    print(f"== {name}", file=sys.stderr, flush=True)
    started = time.perf_counter()
    try:
        done = subprocess.run(
            argv, cwd=ROOT, stdout=subprocess.PIPE, text=True, timeout=TIMEOUT, check=False
        )
    except subprocess.TimeoutExpired:
        return [], f"timed out after {TIMEOUT} s"
    took = time.perf_counter() - started
    print(f"== {name} done in {took:.0f} s", file=sys.stderr, flush=True)
    lines = [line for line in done.stdout.splitlines() if line.startswith(MARK)]
    if done.returncode != 0 or not lines:
        return [], f"exit status {done.returncode}, no results (see the output above)"
    data: list[dict[str, Any]] = json.loads(lines[-1][len(MARK) :])
    return [Figure(**d) for d in data], None


def _table(rows: list[tuple[str, str, str, str]]) -> str:
    header = ("figure", "measured", "target", "result")
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(4)]

    def line(cells: tuple[str, str, str, str]) -> str:
        return "| " + " | ".join(c.ljust(w) for c, w in zip(cells, widths, strict=True)) + " |"

    rule = "|" + "|".join("-" * (w + 2) for w in widths) + "|"
    return "\n".join([line(header), rule, *(line(r) for r in rows)])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.bench", description=__doc__)
    parser.add_argument("names", nargs="*", metavar="NAME", help=f"groups: {', '.join(GROUPS)}")
    parser.add_argument(
        "--quick", action="store_true", help="shorter windows and fewer repetitions"
    )
    args = parser.parse_args(argv)
    unknown = [n for n in args.names if n not in GROUPS]
    if unknown:
        parser.error(f"unknown group(s) {', '.join(unknown)}; choose from {', '.join(GROUPS)}")
    names = args.names or list(GROUPS)

    rows: list[tuple[str, str, str, str]] = []
    notes: list[str] = []
    for name in names:
        figures, problem = _run_group(name, args.quick)
        if problem is not None:
            rows.append((f"{name}: (group failed)", "-", "-", "ERROR"))
            notes.append(f"{name}: {problem}")
            continue
        for f in figures:
            rows.append((f.name, f.measured, f.target, f.verdict))
            if f.note:
                notes.append(f"{f.name}: {f.note}")

    mode = " (--quick)" if args.quick else ""
    print(f"\nsendwatch benchmarks{mode}, {time.strftime('%Y-%m-%d %H:%M')}\n")
    print(_table(rows))
    failed = sum(1 for r in rows if r[3] in ("FAIL", "ERROR"))
    passed = sum(1 for r in rows if r[3] == "PASS")
    print(f"\n{passed} PASS, {failed} FAIL/ERROR, {len(rows) - passed - failed} INFO\n")
    print("notes:")
    for note in notes:
        print(f"- {note}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
