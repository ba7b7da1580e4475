"""Every key of the app, read from the bindings themselves: for `?`, the README, the keymap.

Nothing here lists a key by hand. Sections come from the app, its screens and the
widgets mounted in them (those that declare `HELP_TITLE`), in the order they appear;
`[keymap]` in config.toml replaces keys by binding id, and the help shows the result.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import replace
from typing import Any

from textual.app import App
from textual.binding import Binding, BindingType
from textual.dom import DOMNode
from textual.screen import Screen

from tui.core.text import echoed

Section = tuple[str, list[Binding]]


def as_binding(binding: BindingType) -> Binding:
    return binding if isinstance(binding, Binding) else Binding(*binding)


def own_bindings(node: type[DOMNode]) -> list[Binding]:
    """The bindings a class declares itself (not those it inherits), one per id: a key
    whose footer words change (Pause, Resume) is two bindings with one id."""
    found: list[Binding] = []
    for binding in map(as_binding, node.__dict__.get("BINDINGS", ())):
        if binding.id is None or all(binding.id != b.id for b in found):
            found.append(binding)
    return found


def _helped(classes: Iterable[type[DOMNode]]) -> list[type[DOMNode]]:
    seen: list[type[DOMNode]] = []
    for cls in classes:
        if "HELP_TITLE" in cls.__dict__ and cls not in seen:
            seen.append(cls)
    return seen


def help_sections(
    app: App[Any], screens: Sequence[Screen[Any]], keymap: Mapping[str, str]
) -> list[Section]:
    """(title, bindings) for the app, each screen, and each helped widget in them."""
    classes: list[type[DOMNode]] = [type(app)]
    for screen in screens:
        classes.append(type(screen))
        if screen.is_mounted:  # a widget's base classes first: a subclass adds keys
            classes += [c for node in screen.walk_children() for c in type(node).__mro__[::-1]]
    sections = []
    for cls in _helped(classes):
        title = str(cls.__dict__["HELP_TITLE"])
        sections.append((title, [remapped(b, keymap) for b in own_bindings(cls)]))
    return sections


def remapped(binding: Binding, keymap: Mapping[str, str]) -> Binding:
    """The binding with the keys the keymap gives its id, if any."""
    if binding.id is not None and binding.id in keymap:
        return replace(binding, key=keymap[binding.id], key_display=None)
    return binding


def binding_ids(sections: Iterable[Section]) -> set[str]:
    return {b.id for _, bindings in sections for b in bindings if b.id}


def keymap_problems(keymap: Mapping[str, str], known: set[str]) -> list[str]:
    """One line per `[keymap]` entry that names no binding, with the closest id."""
    problems = []
    for binding_id in keymap:
        if binding_id in known:
            continue
        close = difflib.get_close_matches(binding_id, sorted(known), n=1)
        hint = f"; did you mean {close[0]!r}?" if close else ""
        problems.append(f"[keymap] {echoed(binding_id)} is not a key binding id{hint}")
    return problems


def key_display(app: App[Any], binding: Binding) -> str:
    """All keys of a binding as the footer shows them, e.g. "↑ / k"."""
    keys = [k.strip() for k in binding.key.split(",") if k.strip()]
    if binding.key_display or len(keys) <= 1:
        return app.get_key_display(binding)
    return " / ".join(app.get_key_display(replace(binding, key=k)) for k in keys)


def describe(binding: Binding) -> str:
    return binding.tooltip or binding.description or binding.action


def markdown_table(app: App[Any], sections: Iterable[Section]) -> str:
    """The README's key table: key, what it does, and the id `[keymap]` remaps."""
    rows = ["| where | key | does | id |", "|---|---|---|---|"]
    for title, bindings in sections:
        for binding in bindings:
            key = key_display(app, binding).replace("|", "\\|")
            rows.append(f"| {title} | {key} | {describe(binding)} | `{binding.id}` |")
    return "\n".join(rows)
