"""The map wrapper: escaped output, commune outline, static image."""

import json
import re
from pathlib import Path

import pandas as pd
import pytest
from shapely.geometry import Point

from carnet import PROJECT_ROOT, maps

HOSTILE_NAME = "<script>alert(1)</script>"
HOSTILE_ADDRESS = '<img src=x onerror=alert(1)> & "quotes"'
SCRIPT_BLOCK = re.compile(
    r'<script type="application/json" class="([^"]+)">(.*?)</script>',
    re.S,
)


@pytest.fixture(scope="module")
def hostile_map():
    data = pd.DataFrame({
        "lat": [45.8993, 45.9030],
        "lon": [6.1255, 6.1302],
        "name": [HOSTILE_NAME, "Monument aux morts"],
        "address": [HOSTILE_ADDRESS, None],
        "url": ["javascript:alert(1)", "https://example.org/notice?a=1&b=2"],
    })
    return maps.point_map(
        data, "lat", "lon", {"Nom": "name", "Adresse": "address"},
        link_field="url",
        caption=f"Source {HOSTILE_NAME}, 2026",
        alt_text=f"Carte {HOSTILE_ADDRESS}",
    )


def test_output_holds_no_unescaped_data(hostile_map):
    page = hostile_map._repr_html_()

    assert HOSTILE_NAME not in page
    assert "<img src=x" not in page
    assert page.count("<script") == 2
    assert page.count("</script>") == 2
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_embedded_json_gives_the_data_back(hostile_map):
    blocks = dict(
        (name, body)
        for name, body in SCRIPT_BLOCK.findall(hostile_map._repr_html_())
    )
    for body in blocks.values():
        assert "<" not in body and ">" not in body

    points = json.loads(blocks["carnet-map-points"])
    first, second = points["features"]
    assert first["properties"]["popup"]["Nom"] == HOSTILE_NAME
    assert first["properties"]["popup"]["Adresse"] == HOSTILE_ADDRESS
    assert second["properties"]["popup"]["Adresse"] is None
    assert first["geometry"]["coordinates"] == [6.1255, 45.8993]


def test_only_http_links_are_kept(hostile_map):
    first, second = hostile_map.features["features"]
    assert first["properties"]["link"] is None
    assert second["properties"]["link"].startswith("https://")


def test_caption_credits_openstreetmap(hostile_map):
    assert "contributeurs d'OpenStreetMap" in hostile_map.caption
    assert "ADMIN EXPRESS" in hostile_map.caption


def test_static_image_is_svg_with_outline_and_points(hostile_map):
    svg = hostile_map.svg()
    assert svg.lstrip().startswith("<?xml")
    assert "<svg" in svg and "<path" in svg
    assert "alert" not in svg


def test_bad_coordinate_names_row_and_column():
    data = pd.DataFrame({"lat": [45.9, "n/a"], "lon": [6.1, 6.2],
                         "name": ["a", "b"]})
    with pytest.raises(maps.MapDataError, match=r"row 1.*'lat'.*'n/a'"):
        maps.point_map(data, "lat", "lon", {"Nom": "name"},
                       caption="c", alt_text="a",
                       boundary=Point(6, 45).buffer(1))


def test_missing_column_is_named():
    data = pd.DataFrame({"lat": [45.9], "lon": [6.1]})
    with pytest.raises(maps.MapDataError, match="missing column.*name"):
        maps.point_map(data, "lat", "lon", {"Nom": "name"},
                       caption="c", alt_text="a")


def test_annecy_boundary_is_the_merged_commune():
    boundary = maps.annecy_boundary()
    west, south, east, north = boundary.bounds

    assert boundary.geom_type == "Polygon"
    assert west == pytest.approx(6.04874, abs=1e-5)
    assert east == pytest.approx(6.20434, abs=1e-5)
    assert south == pytest.approx(45.82820, abs=1e-5)
    assert north == pytest.approx(45.97673, abs=1e-5)
    # The old town (place de l'Hôtel-de-Ville) and Pringy, to the north.
    assert boundary.contains(Point(6.1297, 45.8992))
    assert boundary.contains(Point(6.1228, 45.9465))
    # Sévrier, on the western shore of the lake, is another commune.
    assert not boundary.contains(Point(6.1440, 45.8640))


def test_unknown_commune_code_is_a_clear_error(tmp_path: Path):
    geojson = tmp_path / "communes.geojson"
    geojson.write_text(json.dumps({
        "type": "FeatureCollection",
        "features": [{"type": "Feature",
                      "properties": {"code": "74267", "nom": "Sévrier"},
                      "geometry": {"type": "Point", "coordinates": [6, 45]}}],
    }), encoding="utf-8")
    with pytest.raises(maps.MapDataError, match=r"74010.*found 0"):
        maps.annecy_boundary(geojson)


def test_map_script_never_writes_html_from_data():
    script = (PROJECT_ROOT / "assets" / "carnet-maps.js").read_text(
        encoding="utf-8"
    )
    for dangerous in ("innerHTML", "outerHTML", "insertAdjacentHTML",
                      "document.write", "eval(", "setAttribute(\"href"):
        assert dangerous not in script
    assert "textContent" in script
    assert 'url.protocol === "https:"' in script


def test_leaflet_loads_before_the_map_script():
    config = (PROJECT_ROOT / "_config.yml").read_text(encoding="utf-8")
    assert "vendor/leaflet/leaflet.css" in config
    assert (config.index("vendor/leaflet/leaflet.js")
            < config.index("carnet-maps.js"))


def test_table_can_be_shown_open(hostile_map):
    assert "<details>" in hostile_map._repr_html_()
    hostile_map.table_open = True
    try:
        assert "<details open>" in hostile_map._repr_html_()
    finally:
        hostile_map.table_open = False
