"""What import-linter cannot see: which modules a headless command really loads.

The layers themselves (core without Textual, widgets without the network, the simulator
without core, no cycles) are import-linter contracts in pyproject.toml, run by .ci/run.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_headless_commands_do_not_load_textual() -> None:
    # httpx loads its own command line (and with it rich) whenever click is installed, as
    # the dev tools install it; a user's sendwatch has no click, so the test has none.
    code = (
        "import sys; sys.modules['click'] = None;"
        "import tui.cli.main, tui.cli.commands, tui.core.api.client, tui.core.refresher;"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('textual', 'rich')))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT
    )
    assert out.stdout.strip() == "[]"
