"""Tables for the book: French numbers, no index, values escaped."""

from __future__ import annotations

import pandas as pd
from IPython.display import HTML

from carnet.frnum import fr_decimal, fr_int


def french_cell(value):
    """A cell as French text: '12 664', '44,7', 'oui'; text left as it is."""
    if value is None or (pd.api.types.is_scalar(value) and pd.isna(value)):
        return ""
    if pd.api.types.is_bool(value):
        return "oui" if value else "non"
    if pd.api.types.is_integer(value):
        return fr_int(value)
    if pd.api.types.is_float(value):
        return fr_decimal(value, 1)
    return value


def show(frame: pd.DataFrame) -> HTML:
    """The table as HTML, numbers written the French way."""
    shown = frame.copy()
    for column in shown.columns:
        shown[column] = shown[column].map(french_cell)
    table = shown.to_html(index=False, escape=True, border=0,
                          classes=["table", "carnet-table"])
    table = table.replace('<tr style="text-align: right;">', "<tr>")
    return HTML(f'<div style="overflow-x:auto">{table}</div>')
