"""Radio buttons and check boxes that tell on from off by glyph, not only by colour.

Textual draws both states alike ("▐●▌", "▐X▌") and tells them apart by colour, so under
NO_COLOR or 16 colours the two Kind buttons looked the same. Here off is blank ("▐ ▌")
and on is the glyph, bold; under `--plain` they are "( )"/"(*)" and "[ ]"/"[x]".
"""

from __future__ import annotations

from typing import ClassVar

from textual.content import Content
from textual.widgets import Checkbox, RadioButton, RadioSet

from tui.core.glyphs import is_ascii


def _inner(value: bool, on: str, ascii_on: str, ascii_off: str) -> str:
    if is_ascii():
        return ascii_on if value else ascii_off
    return on if value else " "


class ChoiceButton(RadioButton):
    """A `RadioButton` whose inner glyph is blank while it is off."""

    SCOPED_CSS: ClassVar[bool] = False  # the rules start at the RadioSet
    DEFAULT_CSS: ClassVar[str] = """
    RadioSet > ChoiceButton > .toggle--button { color: $foreground-muted; }
    RadioSet > ChoiceButton.-on > .toggle--button { color: $text-success; text-style: bold; }
    """

    def on_mount(self) -> None:
        if is_ascii():  # the sides are drawn in the button's colour: none in ASCII
            self.BUTTON_LEFT = self.BUTTON_RIGHT = ""
        self._show_value()

    def watch_value(self) -> None:
        super().watch_value()
        self._show_value()

    def render(self) -> Content:
        """Under NO_COLOR the focused choice is reversed (a CSS `text-style: reverse` on
        the label component is dropped from its visual style)."""
        content = super().render()
        parent = self.parent
        focused = isinstance(parent, RadioSet) and parent.has_focus
        if self.app.no_color and self.has_class("-selected") and focused:
            return content.stylize("reverse")
        return content

    def _show_value(self) -> None:
        self.BUTTON_INNER = _inner(self.value, "●", "(*)", "( )")
        self.refresh()


class TickBox(Checkbox):
    """A `Checkbox` whose inner glyph is blank while it is off."""

    DEFAULT_CSS: ClassVar[str] = """
    TickBox > .toggle--button { color: $foreground-muted; }
    TickBox.-on > .toggle--button { color: $text-success; text-style: bold; }
    """

    def on_mount(self) -> None:
        if is_ascii():
            self.BUTTON_LEFT = self.BUTTON_RIGHT = ""
        self._show_value()

    def watch_value(self) -> None:
        super().watch_value()
        self._show_value()

    def _show_value(self) -> None:
        self.BUTTON_INNER = _inner(self.value, "X", "[x]", "[ ]")
        self.refresh()
