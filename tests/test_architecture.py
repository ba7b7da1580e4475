"""The layering in DESIGN.md, enforced: the core and the simulator never import Textual."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


def test_core_and_sim_never_import_textual_or_rich() -> None:
    offenders = [
        str(p.relative_to(ROOT))
        for folder in ("tui/core", "tui/sim")
        for p in (ROOT / folder).rglob("*.py")
        if _imports(p) & {"textual", "rich"}
    ]
    assert offenders == []


def test_widgets_never_touch_the_network() -> None:
    offenders = [
        str(p.relative_to(ROOT))
        for folder in ("tui/widgets", "tui/screens")
        for p in (ROOT / folder).rglob("*.py")
        if _imports(p) & {"httpx"}
    ]
    assert offenders == []


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
