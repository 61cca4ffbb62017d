"""Charts as figures for the book: interactive, printable and readable.

A ``Figure`` wraps an Altair chart. In the built site it shows the chart
drawn by the Vega bundle the site serves itself, a
static SVG image for print and for readers without scripts, a caption that
states the source and the base of the percentages, and the data as a table
for screen readers. In JupyterLab, Binder or Colab the same cell shows the
static image, the caption and the table.
"""

from __future__ import annotations

import html
import json
from dataclasses import dataclass
from itertools import count

import altair as alt
import pandas as pd
import vl_convert

FRENCH_FORMAT_LOCALE = {
    "decimal": ",",
    "thousands": "\u00a0",
    "grouping": [3],
    "currency": ["", "\u00a0€"],
    "percent": "\u202f%",
}
_figure_ids = count(1)


@dataclass
class Figure:
    """A chart with its caption, its text alternative and its data table."""

    chart: alt.TopLevelMixin
    caption: str
    alt_text: str
    table: pd.DataFrame

    def spec(self) -> dict:
        """The Vega-Lite specification, data inlined, no remote schema."""
        spec = self.chart.to_dict()
        spec.pop("$schema", None)
        return spec

    def svg(self) -> str:
        """The static image, drawn without a browser, French numbers."""
        return vl_convert.vegalite_to_svg(
            self.spec(), format_locale=FRENCH_FORMAT_LOCALE
        )

    def table_html(self) -> str:
        """The data table, numbers right-aligned, values escaped."""
        return self.table.to_html(
            index=False, escape=True, border=0,
            classes=["table", "carnet-data"],
        )

    def _repr_html_(self) -> str:
        figure_id = f"carnet-figure-{next(_figure_ids)}"
        spec_json = json.dumps(self.spec(), ensure_ascii=False)
        # No value may open or close markup inside the script element.
        spec_json = (spec_json.replace("<", "\\u003c")
                     .replace(">", "\\u003e").replace("&", "\\u0026"))
        svg_uri = "data:image/svg+xml;charset=utf-8," + _quote_svg(self.svg())
        return (
            f'<figure class="carnet-chart" id="{figure_id}">'
            f'<div class="carnet-vega" role="img" '
            f'aria-label="{html.escape(self.alt_text)}"></div>'
            f'<div class="carnet-static"><img src="{svg_uri}" '
            f'alt="{html.escape(self.alt_text)}"></div>'
            f'<script type="application/json">{spec_json}</script>'
            f"<figcaption>{html.escape(self.caption)}</figcaption>"
            "<details><summary>Les données du graphique</summary>"
            f"{self.table_html()}</details>"
            "</figure>"
        )


def _quote_svg(svg: str) -> str:
    """Percent-encode an SVG for a data: URI (smaller than base64)."""
    from urllib.parse import quote

    return quote(svg, safe=" =:/;,'-_.!~*()@")
