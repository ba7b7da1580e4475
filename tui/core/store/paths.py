"""Where sendwatch keeps its files: platformdirs, so XDG_CONFIG_HOME and friends apply."""

from __future__ import annotations

from pathlib import Path

import platformdirs

APP_NAME = "sendwatch"


def config_dir() -> Path:
    return Path(platformdirs.user_config_dir(APP_NAME))


def data_dir() -> Path:
    return Path(platformdirs.user_data_dir(APP_NAME))


def config_path() -> Path:
    return config_dir() / "config.toml"
