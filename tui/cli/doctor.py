"""`sendwatch doctor`: every path the app uses and what it can tell of the terminal."""

from __future__ import annotations

import os
import platform
import shutil
import sys
from importlib.metadata import PackageNotFoundError, version
from urllib.parse import urlsplit

from tui import __version__
from tui.core.store.paths import config_dir, data_dir


def _version(dist: str) -> str:
    try:
        return version(dist)
    except PackageNotFoundError:
        return "not installed"


def _colours() -> str:
    colorterm = os.environ.get("COLORTERM", "")
    if os.environ.get("NO_COLOR"):
        return "none (NO_COLOR is set)"
    if colorterm in ("truecolor", "24bit"):
        return "truecolor"
    term = os.environ.get("TERM", "")
    return "256" if "256" in term else "16 or fewer (set COLORTERM=truecolor if it can do more)"


def _clipboard() -> str:
    if os.environ.get("SSH_CONNECTION") or os.environ.get("TMUX"):
        route = "OSC 52 escape (over SSH/tmux: needs `set -g set-clipboard on` in tmux"
        return route + " and a terminal that allows it)"
    for tool in ("wl-copy", "xclip", "xsel", "pbcopy"):
        if shutil.which(tool):
            return f"OSC 52 escape; {tool} is also on PATH"
    return "OSC 52 escape (the terminal must allow it)"


def _proxy() -> str:
    """The proxy host only: a proxy URL may carry a password."""
    raw = os.environ.get("HTTPS_PROXY") or os.environ.get("https_proxy")
    if not raw:
        return "none"
    parts = urlsplit(raw)
    try:
        port = f":{parts.port}" if parts.port else ""
    except ValueError:
        port = " (its port is not a number)"
    return f"{parts.scheme}://{parts.hostname}{port}"


def report() -> str:
    cfg, data = config_dir(), data_dir()
    size = shutil.get_terminal_size(fallback=(0, 0))
    rows = [
        ("sendwatch", __version__),
        ("python", f"{platform.python_version()} ({sys.executable})"),
        ("textual", _version("textual")),
        ("httpx", _version("httpx")),
        ("config dir", str(cfg)),
        ("config file", str(cfg / "config.toml")),
        ("watch list", str(cfg / "watchlist.toml")),
        ("data dir", str(data)),
        ("history", str(data / "history.sqlite3")),
        ("TERM", os.environ.get("TERM", "(unset)")),
        ("colours", _colours()),
        ("size", f"{size.columns}x{size.lines}" if size.columns else "unknown (not a terminal)"),
        ("encoding", sys.stdout.encoding or "unknown"),
        ("tmux", "yes" if os.environ.get("TMUX") else "no"),
        ("ssh", "yes" if os.environ.get("SSH_CONNECTION") or os.environ.get("SSH_TTY") else "no"),
        ("clipboard", _clipboard()),
        ("proxy", _proxy()),
    ]
    width = max(len(k) for k, _ in rows)
    return "\n".join(f"{k:<{width}}  {v}" for k, v in rows)
