"""A closed stdout (`sendwatch list | head -0`) ends the command quietly, as pipes expect."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def run_into_closed_pipe(*argv: str) -> tuple[int, str]:
    """Run `python -m tui ARGV` with stdout a pipe whose reader is already gone, so every
    write fails with EPIPE (no race with a `head` that may not have exited yet)."""
    read_end, write_end = os.pipe()
    os.close(read_end)
    try:
        result = subprocess.run(
            [sys.executable, "-m", "tui", *argv],
            stdin=subprocess.DEVNULL,
            stdout=write_end,
            stderr=subprocess.PIPE,
            text=True,
            timeout=60,
            check=False,
            cwd=ROOT,
            env=os.environ | {"PYTHONPATH": str(ROOT)},
        )
    finally:
        os.close(write_end)
    return result.returncode, result.stderr


@pytest.mark.parametrize("argv", [("list",), ("doctor",)], ids=["list", "doctor"])
def test_a_closed_stdout_exits_141_and_says_nothing(argv: tuple[str, ...]) -> None:
    code, err = run_into_closed_pipe(*argv)
    assert err == ""  # no "internal error: BrokenPipeError", no "Exception ignored"
    assert code == 141


@pytest.mark.parametrize("argv", [("--help",), ("status", "--help")], ids=["help", "status"])
def test_help_into_a_closed_stdout_is_quiet(argv: tuple[str, ...]) -> None:
    """argparse drops a help text it cannot write and exits 0 itself: nothing to add."""
    code, err = run_into_closed_pipe(*argv)
    assert (code, err) == (0, "")


def test_a_stdout_closed_by_head_after_some_lines_is_quiet(tmp_path: Path) -> None:
    """The real pipeline: `sendwatch --help | head -1` reads one line and goes away."""
    shell = f"{sys.executable} -m tui --help | head -1; echo ${{PIPESTATUS[0]}} >&2"
    result = subprocess.run(
        ["bash", "-c", shell],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
        cwd=ROOT,
        env=os.environ | {"PYTHONPATH": str(ROOT)},
    )
    assert result.stdout.startswith("usage: sendwatch")
    assert result.stderr.strip() in ("0", "141")  # 0 when head read before it closed
