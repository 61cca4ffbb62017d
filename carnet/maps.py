"""Maps for the book: interactive, printable and readable.

A ``PointMap`` holds points with their pop-up fields, the outline of the
commune, a caption, a text alternative and the data as a table. In the
built site, ``assets/carnet-maps.js`` draws it with the Leaflet copy the
site serves itself, over OpenStreetMap tiles; the pop-ups are built from
DOM text nodes, so no value from the data is ever read as HTML. A static
image (the commune outline and the points, no tiles) stands for the map in
print, in JupyterLab and when scripts are off.
"""

from __future__ import annotations

import html
import io
import json
import math
from dataclasses import dataclass, field
from itertools import count
from pathlib import Path
from urllib.parse import quote

import matplotlib
import pandas as pd
from shapely.geometry import mapping, shape
from shapely.geometry.base import BaseGeometry

from carnet import sources

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402  (backend chosen first)

ANNECY_CODE = "74010"
COMMUNES_SOURCE = "communes_74"
OSM_CREDIT = "fond de carte © les contributeurs d'OpenStreetMap"
ANNECY_CREDIT = (
    "contour de la commune : IGN, ADMIN EXPRESS COG 2018 (simplifié)"
)
DEFAULT_LINK_LABEL = "Notice officielle"

_map_ids = count(1)


class MapDataError(ValueError):
    """The data given to a map cannot be drawn as it is."""


def commune_boundary(
    code: str = ANNECY_CODE, path: Path | None = None
) -> BaseGeometry:
    """The outline of a commune of Haute-Savoie, by its INSEE code.

    Read from the ADMIN EXPRESS 2018 file of the registry (source
    ``communes_74``), or from ``path`` when given.
    """
    path = path if path is not None else sources.acquire(COMMUNES_SOURCE)
    collection = json.loads(Path(path).read_text(encoding="utf-8"))

    if collection.get("type") != "FeatureCollection":
        raise MapDataError(
            f"{path}: expected a GeoJSON FeatureCollection, "
            f"found type {collection.get('type')!r}"
        )
    matches = [
        feature for feature in collection.get("features", [])
        if str(feature.get("properties", {}).get("code")) == code
    ]
    if len(matches) != 1:
        raise MapDataError(
            f"{path}: expected one feature with properties.code == "
            f"{code!r}, found {len(matches)}"
        )

    boundary = shape(matches[0]["geometry"])
    if boundary.is_empty or boundary.geom_type not in (
        "Polygon", "MultiPolygon"
    ):
        raise MapDataError(
            f"{path}: the feature {code!r} is not a (multi)polygon "
            f"(found {boundary.geom_type})"
        )
    return boundary


def annecy_boundary(path: Path | None = None) -> BaseGeometry:
    """The outline of the commune nouvelle of Annecy (INSEE 74010)."""
    return commune_boundary(ANNECY_CODE, path)


def script_json(data: object) -> str:
    """JSON that is safe inside an HTML ``<script>`` element.

    ``<``, ``>`` and ``&`` are written as JSON escapes, so no value can
    close the element (``</script>``) or open a comment; ``JSON.parse``
    gives the same data back.
    """
    text = json.dumps(data, ensure_ascii=False, allow_nan=False)
    return (
        text.replace("<", "\\u003c")
        .replace(">", "\\u003e")
        .replace("&", "\\u0026")
    )


def _clean_value(value: object) -> object:
    """A JSON-ready value: missing values become ``None``."""
    if value is None:
        return None
    if isinstance(value, float) and math.isnan(value):
        return None
    if value is pd.NA or value is pd.NaT:
        return None
    if hasattr(value, "item"):
        return value.item()
    return value


def _http_url(value: object) -> str | None:
    """The value if it is an http(s) address, else ``None``."""
    if isinstance(value, str) and value.lower().startswith(
        ("http://", "https://")
    ):
        return value
    return None


def _coordinate(frame: pd.DataFrame, row, column: str, limit: float):
    value = frame.at[row, column]
    try:
        number = float(value)
    except (TypeError, ValueError):
        number = math.nan
    if math.isnan(number) or abs(number) > limit:
        raise MapDataError(
            f"row {row!r}, column {column!r}: expected a coordinate in "
            f"degrees between -{limit} and {limit}, found {value!r}"
        )
    return number


@dataclass
class PointMap:
    """Points on a map, with their caption, text alternative and table."""

    features: dict
    caption: str
    alt_text: str
    table: pd.DataFrame
    boundary: BaseGeometry | None = None
    popup_labels: list[str] = field(default_factory=list)
    link_label: str = DEFAULT_LINK_LABEL
    table_open: bool = False

    def outline(self) -> dict | None:
        """The commune outline as a GeoJSON geometry."""
        return mapping(self.boundary) if self.boundary is not None else None

    def config(self) -> dict:
        """What the script needs besides the points."""
        return {
            "popup_labels": self.popup_labels,
            "link_label": self.link_label,
            "outline": self.outline(),
        }

    def svg(self) -> str:
        """The static image: the commune outline and the points."""
        plt.rcParams["svg.hashsalt"] = "carnet"
        figure, axes = plt.subplots(figsize=(6.4, 6.4))

        if self.boundary is not None:
            polygons = getattr(self.boundary, "geoms", [self.boundary])
            for polygon in polygons:
                xs, ys = polygon.exterior.xy
                axes.fill(xs, ys, facecolor="#f3f1ea",
                          edgecolor="#555555", linewidth=1)

        points = [f["geometry"]["coordinates"]
                  for f in self.features["features"]]
        if points:
            axes.scatter([p[0] for p in points], [p[1] for p in points],
                         s=28, color="#b42318", edgecolor="white",
                         linewidth=0.8, zorder=3)

        latitudes = [p[1] for p in points]
        if self.boundary is not None:
            latitudes.append(self.boundary.centroid.y)
        if latitudes:
            middle = sum(latitudes) / len(latitudes)
            axes.set_aspect(1 / math.cos(math.radians(middle)))
        axes.set_axis_off()
        figure.tight_layout(pad=0.2)

        buffer = io.StringIO()
        figure.savefig(buffer, format="svg", metadata={"Date": None})
        plt.close(figure)
        return buffer.getvalue()

    def table_html(self) -> str:
        """The data table, every value escaped."""
        return self.table.to_html(
            index=False, escape=True, border=0, na_rep="",
            classes=["table", "carnet-data"],
        )

    def _repr_html_(self) -> str:
        map_id = f"carnet-map-{next(_map_ids)}"
        svg_uri = "data:image/svg+xml;charset=utf-8," + quote(
            self.svg(), safe=" =:/;,'-_.!~*()@"
        )
        alt = html.escape(self.alt_text)
        return (
            f'<figure class="carnet-map" id="{map_id}">'
            f'<div class="carnet-leaflet" role="region" '
            f'aria-label="{alt}"></div>'
            f'<div class="carnet-static"><img src="{svg_uri}" '
            f'alt="{alt}"></div>'
            '<script type="application/json" class="carnet-map-points">'
            f"{script_json(self.features)}</script>"
            '<script type="application/json" class="carnet-map-config">'
            f"{script_json(self.config())}</script>"
            f"<figcaption>{html.escape(self.caption)}</figcaption>"
            f"<details{' open' if self.table_open else ''}>"
            "<summary>Les données de la carte</summary>"
            f"{self.table_html()}</details>"
            "</figure>"
        )


def point_map(
    data: pd.DataFrame,
    lat: str,
    lon: str,
    popup_fields: dict[str, str],
    *,
    caption: str,
    alt_text: str,
    table: pd.DataFrame | None = None,
    link_field: str | None = None,
    link_label: str = DEFAULT_LINK_LABEL,
    boundary: BaseGeometry | None = None,
    boundary_credit: str | None = None,
    table_open: bool = False,
) -> PointMap:
    """A map of the rows of ``data`` as points.

    ``popup_fields`` maps the label shown in the pop-up to the column that
    holds the value. ``link_field`` names a column of addresses: only
    http(s) ones become links. The caption must state the source and its
    date; the credits of the background (OpenStreetMap) and of the outline
    (``boundary_credit``) are added here. ``boundary`` defaults to the
    outline of Annecy. ``table_open`` shows the table without a click.
    """
    wanted = [lat, lon, *popup_fields.values()]
    if link_field is not None:
        wanted.append(link_field)
    missing = [column for column in wanted if column not in data.columns]
    if missing:
        raise MapDataError(
            f"map data: missing column(s) {', '.join(missing)} "
            f"(found: {', '.join(map(str, data.columns))})"
        )

    features = []
    for row in data.index:
        latitude = _coordinate(data, row, lat, 90)
        longitude = _coordinate(data, row, lon, 180)
        properties = {
            label: _clean_value(data.at[row, column])
            for label, column in popup_fields.items()
        }
        link = None
        if link_field is not None:
            link = _http_url(_clean_value(data.at[row, link_field]))
        features.append({
            "type": "Feature",
            "geometry": {"type": "Point",
                         "coordinates": [longitude, latitude]},
            "properties": {"popup": properties, "link": link},
        })

    if table is None:
        table = data[list(popup_fields.values())].rename(
            columns={v: k for k, v in popup_fields.items()}
        )
    if boundary is None:
        boundary = annecy_boundary()
        boundary_credit = boundary_credit or ANNECY_CREDIT
    credits = [f"Carte interactive : {OSM_CREDIT}"]
    if boundary_credit:
        credits.append(boundary_credit)

    return PointMap(
        features={"type": "FeatureCollection", "features": features},
        caption=f"{caption.rstrip('. ')}. {' ; '.join(credits)}.",
        alt_text=alt_text,
        table=table,
        boundary=boundary,
        popup_labels=list(popup_fields),
        link_label=link_label,
        table_open=table_open,
    )
