"""The clipboard routes: the exact bytes each writes, the cap, and the setting."""

from __future__ import annotations

import base64
from pathlib import Path

import pytest
from textual.app import App
from textual.drivers.headless_driver import HeadlessDriver

from tui.core.api.errors import ConfigError
from tui.core.store.config import load_config
from tui.ui.clipboard import COPY_LIMIT, Clipboard, cap, driver_class, osc52, tmux_passthrough


def test_osc52_is_base64_of_the_utf8_text() -> None:
    assert osc52("15555550100") == "\x1b]52;c;MTU1NTU1NTAxMDA=\a"
    text = "1555•••5510 ✗"
    payload = osc52(text)[len("\x1b]52;c;") : -1]
    assert base64.b64decode(payload).decode("utf-8") == text


def test_tmux_passthrough_doubles_every_esc_inside() -> None:
    wrapped = tmux_passthrough(osc52("x"))
    assert wrapped == "\x1bPtmux;\x1b\x1b]52;c;eA==\a\x1b\\"
    inner = wrapped[len("\x1bPtmux;") : -2]
    assert "\x1b" not in inner.replace("\x1b\x1b", "")  # no lone ESC ends it early


def test_cap_cuts_at_a_line_and_never_inside_a_character() -> None:
    assert cap("short") == ("short", False)
    lines = "".join(f"line {n:05d}\n" for n in range(10_000))  # 110,000 bytes
    cut, was_cut = cap(lines)
    assert was_cut and len(cut.encode()) <= COPY_LIMIT
    assert cut.endswith("\n") and lines.startswith(cut)
    wide = "•" * 30_000  # 3 bytes each, no line to cut at
    cut, was_cut = cap(wide)
    assert was_cut and set(cut) == {"•"} and len(cut.encode()) <= COPY_LIMIT
    assert len(cut.encode()) > COPY_LIMIT - 3


async def test_osc52_route_writes_what_textual_writes(monkeypatch: pytest.MonkeyPatch) -> None:
    written: list[str] = []
    monkeypatch.setattr(HeadlessDriver, "write", lambda self, data: written.append(data))
    app: App[None] = App()
    async with app.run_test():
        written.clear()  # whatever the app wrote itself (a pointer shape)
        copied = Clipboard("osc52").copy(app, "15555550100", "mobile number")
    assert written == [osc52("15555550100")]
    assert app.clipboard == "15555550100"
    assert copied.sent and copied.route == "osc52" and copied.full_bytes is None


async def test_tmux_route_writes_the_wrapped_sequence_through_the_attached_writer() -> None:
    app: App[None] = App()
    clipboard = Clipboard("tmux")
    async with app.run_test():
        assert not clipboard.copy(app, "x", "test").sent  # no terminal attached yet
        written: list[str] = []
        clipboard.attach(written.append)
        copied = clipboard.copy(app, "x", "test")
    assert written == [tmux_passthrough(osc52("x"))]
    assert copied.sent and app.clipboard == ""  # Textual's own OSC 52 was not sent


async def test_off_sends_nothing_and_a_long_text_is_cut(monkeypatch: pytest.MonkeyPatch) -> None:
    written: list[str] = []
    monkeypatch.setattr(HeadlessDriver, "write", lambda self, data: written.append(data))
    app: App[None] = App()
    off = Clipboard("off")
    off.attach(written.append)
    async with app.run_test():
        written.clear()  # whatever the app drew itself
        copied = off.copy(app, "x", "test")
        assert written == [] and not copied.sent and copied.text == "x"
        long = Clipboard("osc52").copy(app, "y\n" * 50_000, "test")
    assert long.full_bytes == 100_000 and len(long.text.encode()) <= COPY_LIMIT
    assert written == [osc52(long.text)]


async def test_the_driver_class_hands_its_write_to_the_clipboard(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    written: list[str] = []
    monkeypatch.setattr(HeadlessDriver, "write", lambda self, data: written.append(data))
    clipboard = Clipboard("tmux")
    made = driver_class(HeadlessDriver, clipboard)
    assert issubclass(made, HeadlessDriver) and made.__name__ == "HeadlessDriver"
    app: App[None] = App()
    made(app, debug=False, mouse=False, size=(80, 24))
    assert clipboard.copy(app, "x", "test").sent
    assert written == [tmux_passthrough(osc52("x"))]


def test_the_setting_defaults_to_osc52_and_a_bad_value_says_what_to_use(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text("[settings]\n")
    assert load_config(path).settings.clipboard == "osc52"
    path.write_text('[settings]\nclipboard = "tmux"\n')
    assert load_config(path).settings.clipboard == "tmux"
    path.write_text('[settings]\nbell = true\nclipboard = "xclip"\n')
    with pytest.raises(ConfigError) as caught:
        load_config(path)
    assert str(caught.value) == (
        f"{path}:3: settings.clipboard: unknown clipboard route 'xclip' (use osc52, tmux, off)"
    )
