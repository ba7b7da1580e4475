"""A hand-edited TOML file, read so that every problem names the file, key path and line.

Users edit config.toml over SSH, so `file:line: key.path: reason` must point at the
mistake. msgspec checks the types; its messages are put in TOML's words here.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from difflib import get_close_matches
from pathlib import Path
from typing import Annotated, Any, TypeVar, get_args, get_origin

import msgspec

from tui.core.api.errors import ConfigError, describe_os_error

_T = TypeVar("_T")
BARE_KEY = re.compile(r"[A-Za-z0-9_-]+")
_TOML_POSITION = re.compile(r"\s*\(at line (\d+), column \d+\)|\s*\(at end of document\)")
_HEADER = re.compile(r"^\s*\[\[?\s*([^\[\]#]+?)\s*\]\]?\s*(?:#.*)?$")
_AT = re.compile(r"(?P<reason>.*?)(?: - at `\$(?P<path>[^`]*)`)?")
_EXPECTED = re.compile(r"Expected `(?P<want>[^`|]+?)(?: \| null)?`, got `(?P<got>\w+)`")
_AT_LEAST = re.compile(r"Expected `\w+` >= (?P<bound>\S+)")
_UNKNOWN = re.compile(r"Object contains unknown field `(?P<key>[^`]+)`")
_ENUM = re.compile(r"Invalid enum value (?P<value>.+)")
_WANT = {"str": "a string", "bool": "true or false", "int": "a whole number"}
_WANT |= {"float": "a number", "object": "a table", "array": "an array"}
_GOT = {"str": "a string", "bool": "a boolean", "int": "an integer", "float": "a float"}
_GOT |= {"object": "a table", "array": "an array"}


def find_line(text: str, keypath: tuple[str, ...]) -> int | None:
    """The line defining `keypath` (a table header or `key =`), by a cheap line scan.

    Good enough for hand-written files; dotted keys and inline tables just yield None.
    """
    table, key = keypath[:-1], keypath[-1]
    key_line = re.compile(rf"^\s*[\"']?{re.escape(key)}[\"']?\s*=")
    current: tuple[str, ...] = ()
    for number, line in enumerate(text.splitlines(), 1):
        header = _HEADER.match(line)
        if header:
            current = tuple(part.strip().strip("\"'") for part in header[1].split("."))
            if current == keypath:
                return number
        elif current == table and key_line.match(line):
            return number
    return None


def toml_error_position(exc: tomllib.TOMLDecodeError, text: str) -> tuple[int, str]:
    """(line, message without the position); 'end of document' means the last line."""
    message = str(exc)
    found = re.search(r"\(at line (\d+),", message)
    line = int(found[1]) if found else max(1, len(text.splitlines()))
    return line, _TOML_POSITION.sub("", message)


@dataclass(frozen=True, slots=True)
class TomlFile:
    """The file being validated, so every error can name the file and the line."""

    path: Path
    text: str = ""

    @classmethod
    def read(cls, path: Path) -> TomlFile:
        """The file as text; a file that does not exist yet reads as empty."""
        try:
            raw = path.read_bytes()
        except FileNotFoundError:
            return cls(path)
        except OSError as exc:
            raise ConfigError(str(path), f"cannot read the file: {describe_os_error(exc)}") from exc
        try:
            return cls(path, raw.decode("utf-8"))
        except UnicodeDecodeError as exc:
            line = raw[: exc.start].count(b"\n") + 1
            raise ConfigError(str(path), "the file is not UTF-8 text", line=line) from exc

    def parse(self) -> dict[str, Any]:
        """tomllib's message plus the line it names (end of document = the last line)."""
        try:
            return tomllib.loads(self.text)
        except tomllib.TOMLDecodeError as exc:
            line, detail = toml_error_position(exc, self.text)
            raise ConfigError(str(self.path), f"invalid TOML: {detail}", line=line) from exc

    def error(self, keypath: tuple[str, ...], detail: str) -> ConfigError:
        dotted = ".".join(k if BARE_KEY.fullmatch(k) else f'"{k}"' for k in keypath)
        return ConfigError(
            str(self.path), f"{dotted}: {detail}", line=find_line(self.text, keypath)
        )

    def convert(
        self,
        keypath: tuple[str, ...],
        value: object,
        kind: type[_T],
        implied: Mapping[str, object] | None = None,
    ) -> _T:
        """`value` (the table at `keypath`) as `kind`, or an error in the file's terms.

        `implied` fills fields the table does not hold itself, such as a profile's
        name, which is its table's name; writing one in the table is an unknown key.
        """
        if implied:
            table = self.convert(keypath, value, dict[str, Any])
            if clash := sorted(table.keys() & implied.keys()):
                raise self.unknown_key(keypath, clash[0], _keys(kind, implied))
            value = {**table, **implied}
        try:
            return msgspec.convert(value, kind)
        except msgspec.ValidationError as exc:
            found = _AT.fullmatch(str(exc))
            assert found is not None  # the pattern matches any text
            where = (*keypath, *(found["path"] or "").split(".")[1:])
            raise self._explain(where, found["reason"], kind, implied or {}) from None

    def unknown_key(self, keypath: tuple[str, ...], key: str, known: Sequence[str]) -> ConfigError:
        close = get_close_matches(key, known, n=1)
        hint = f"; did you mean {close[0]!r}?" if close else f" (known: {', '.join(known)})"
        return self.error((*keypath, key), f"unknown key{hint}")

    def _explain(
        self, keypath: tuple[str, ...], reason: str, kind: type, implied: Mapping[str, object]
    ) -> ConfigError:
        """msgspec's reason in the words of the TOML spec and of the field's description."""
        if found := _EXPECTED.fullmatch(reason):
            want = _WANT.get(found["want"], found["want"])
            got = _GOT.get(found["got"], "a date/time")
            return self.error(keypath, f"must be {want}, not {got}")
        if found := _AT_LEAST.fullmatch(reason):
            return self.error(keypath, f"must be at least {found['bound']}")
        if found := _UNKNOWN.fullmatch(reason):
            return self.unknown_key(keypath, found["key"], _keys(kind, implied))
        if found := _ENUM.fullmatch(reason):
            noun, choices = _choices(kind, keypath[-1])
            return self.error(keypath, f"unknown {noun} {found['value']} (use {choices})")
        return self.error(keypath, reason)


def _keys(kind: type, implied: Mapping[str, object]) -> list[str]:
    """The keys a table for the Struct `kind` may hold."""
    return [f.name for f in msgspec.structs.fields(kind) if f.name not in implied]


def _choices(kind: type, key: str) -> tuple[str, str]:
    """(what the field is called, its allowed values) for a Literal field of `kind`.

    The words come from the field's `Meta(description=...)`, so the type says them once.
    """
    hint = next(f.type for f in msgspec.structs.fields(kind) if f.name == key)
    noun = key
    if get_origin(hint) is Annotated:
        hint, *extras = get_args(hint)
        noun = next((m.description for m in extras if isinstance(m, msgspec.Meta)), key) or key
    return noun, ", ".join(str(choice) for choice in get_args(hint))
