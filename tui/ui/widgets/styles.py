"""Component-class styles for the Line-API widgets, as the theme means them."""

from __future__ import annotations

from rich.style import Style
from textual.widget import Widget


def layer_style(widget: Widget, component: str) -> Style:
    """A component class's style to lay over the widget's own.

    A partial style drops alpha (`$text-muted` is "auto 60%": alone it comes out white,
    and a translucent cursor looks solid), so its colours are taken blended over the
    widget's background, as Textual paints them elsewhere.
    """
    style = widget.get_component_rich_style(component, partial=True)
    if style.color is None and style.bgcolor is None:
        return style
    whole = widget.get_component_rich_style(component)
    return style + Style(
        color=whole.color if style.color is not None else None,
        bgcolor=whole.bgcolor if style.bgcolor is not None else None,
    )
