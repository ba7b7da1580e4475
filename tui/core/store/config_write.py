"""Adding a profile to config.toml (`sendwatch demo`, `sim --write-profile`).

The file is the user's: tomlkit edits it in place, so their comments, blank lines and
key order survive. What it writes is read back with tomllib before it replaces the file.
"""

from __future__ import annotations

import copy
import tomllib
from collections.abc import Mapping, MutableMapping
from pathlib import Path
from typing import Any

import tomlkit
from tomlkit import TOMLDocument
from tomlkit.items import Comment, InlineTable, Table, Whitespace

from tui.core.store.atomic import atomic_write, file_lock
from tui.core.store.config import check_profile
from tui.core.store.paths import config_path
from tui.core.store.tomlfile import TomlFile


def write_profile(
    name: str,
    fields: Mapping[str, object],
    path: Path | None = None,
    *,
    make_default: bool = False,
) -> Path:
    """Add or replace `[profiles.NAME]`, keeping everything else; the file ends up 0600."""
    path = path or config_path()
    clean = {key: value for key, value in fields.items() if value is not None}
    check_profile(path, name, clean)
    with file_lock(path, "the config file"):
        src = TomlFile.read(path)
        data = src.parse()
        for key in ("settings", "profiles"):
            src.convert((key,), data.get(key, {}), dict[str, Any])
        wanted = copy.deepcopy(data)
        wanted.setdefault("profiles", {})[name] = clean
        doc = tomlkit.parse(src.text)
        if make_default and "profiles" not in doc:
            _table(doc, "settings")  # a new file reads better with its settings first
        _put(doc, name, clean)
        if make_default:
            wanted.setdefault("settings", {})["default_profile"] = name
            _table(doc, "settings")["default_profile"] = name
        text = tomlkit.dumps(doc)
        if _reads_as(text) != wanted:
            text = tomlkit.dumps(wanted)  # a layout tomlkit cannot edit: keep the values
        atomic_write(path, text.encode("utf-8"), mode=0o600)
    return path


def _table(doc: TOMLDocument, key: str) -> MutableMapping[str, Any]:
    if key not in doc:
        doc[key] = tomlkit.table()
    table = doc[key]
    assert isinstance(table, MutableMapping)  # checked against the parsed file above
    return table


def _put(doc: TOMLDocument, name: str, fields: Mapping[str, object]) -> None:
    """Set `[profiles.NAME]` to `fields`, in the old table's place and style.

    tomlkit files the blank lines and comments above a header under the table before
    it. So a replaced table's trailing lines go to the new one, and a table added
    before another header takes those lines over from the table it follows.
    """
    profiles = _table(doc, "profiles")
    old = profiles.get(name)
    if isinstance(old, InlineTable):
        inline = tomlkit.inline_table()
        inline.update(fields)
        profiles[name] = inline
        return
    new = tomlkit.table()
    new.update(fields)
    if isinstance(old, Table):
        for item in _trailing(old):
            new.add(item)
        built = len(new.value.body)
        profiles[name] = new
        del new.value.body[built:]  # tomlkit's blank line would part a comment from its header
        return
    last = list(profiles.values())[-1] if profiles and list(doc)[-1] != "profiles" else None
    if isinstance(last, Table):
        items = _trailing(last)
        del last.value.body[len(last.value.body) - len(items) :]
        for item in items:
            new.add(item)
    profiles[name] = new


def _trailing(table: Table) -> list[Comment | Whitespace]:
    """The blank lines and comments that end `table`'s body."""
    items: list[Comment | Whitespace] = []
    for key, item in reversed(table.value.body):
        if key is not None or not isinstance(item, Comment | Whitespace):
            break
        items.insert(0, item)
    return items


def _reads_as(text: str) -> dict[str, Any] | None:
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError:
        return None
