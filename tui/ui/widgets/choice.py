"""A radio button that tells on from off by its glyph, not only by its colour.

Textual draws both states as "▐●▌" and tells them apart by colour, so under NO_COLOR
or 16 colours the two Kind buttons looked alike. Here off is "▐ ▌" (ASCII "( )" under
`--plain`) and on is "▐●▌" ("(*)"), bold, whatever the colours.
"""

from __future__ import annotations

from typing import ClassVar

from textual.content import Content
from textual.widgets import RadioButton, RadioSet

from tui.core.glyphs import is_ascii


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
        if is_ascii():
            self.BUTTON_INNER = "(*)" if self.value else "( )"
        else:
            self.BUTTON_INNER = "●" if self.value else " "
        self.refresh()
