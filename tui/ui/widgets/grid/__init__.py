"""The recipient grid's parts that need no Textual: rows, columns, cells and lines.

`tui.ui.widgets.recipient_grid.RecipientGrid` is the thin widget that draws them.
"""
