"""Tables for the book: French numbers, no index, values escaped."""

from __future__ import annotations

import numbers

import pandas as pd
from IPython.display import HTML

from carnet.frnum import fr_decimal, fr_int


def french_cell(value):
    """A cell as French text: '12 664', '44,7'; text left as it is."""
    if isinstance(value, bool) or value is None:
        return "" if value is None else ("oui" if value else "non")
    if isinstance(value, numbers.Integral):
        return fr_int(value)
    if isinstance(value, numbers.Real):
        return "" if pd.isna(value) else fr_decimal(value, 1)
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
