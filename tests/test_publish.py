"""Published files: formats, types and formula neutralisation."""

import csv
import io
import json
import zipfile

import pandas as pd
import pytest
from openpyxl import load_workbook

from carnet import publish

HYPERLINK = '=HYPERLINK("http://x","y")'
METADATA = {
    "title": "Essai",
    "producer": "Ville d'Annecy",
    "sources": [{"title": "Fichier", "url": "https://example.org/f"}],
}


@pytest.fixture
def table():
    return pd.DataFrame({
        "texte": [HYPERLINK, "+33 4 50", "-moins", "@cmd", "\tcache",
                  "\rretour", "normal"],
        "solde": [-5, 3, -12, 0, 7, 1, -1],
        "taux": [-0.5, 1.25, None, 2.0, 3.0, 4.0, -7.75],
        "code": ["-12", "074", "74010", "x", "y", "z", None],
    })


@pytest.mark.parametrize("text", [
    HYPERLINK, "+1", "-1", "@SUM(A1)", "\tx", "\rx",
])
def test_formula_like_text_is_neutralised(text):
    assert publish.is_formula_like(text)
    assert publish.neutralise(text) == "'" + text


@pytest.mark.parametrize("value", ["Annecy", "", "a=b", -5, -0.5, None])
def test_other_values_are_left_alone(value):
    assert not publish.is_formula_like(value)
    assert publish.neutralise(value) == value


def test_csv_neutralises_text_not_numbers(tmp_path, table):
    written = publish.write_csv(table, tmp_path / "t.csv")
    assert written.rows == len(table)
    raw = (tmp_path / "t.csv").read_bytes()
    assert not raw.startswith(b"\xef\xbb\xbf")
    back = pd.read_csv(tmp_path / "t.csv", dtype={"code": str})
    assert list(back.columns) == list(table.columns)
    assert back.loc[0, "texte"] == "'" + HYPERLINK
    assert back.loc[6, "texte"] == "normal"
    assert back["solde"].tolist() == table["solde"].tolist()
    assert back.loc[0, "taux"] == -0.5
    assert back.loc[0, "code"] == "'-12"
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8"), newline="")))
    assert len(rows) == len(table) + 1
    for row in rows[1:]:
        assert not row[0].startswith(publish.FORMULA_TRIGGERS)
    assert rows[6][0] == "'\rretour"


def test_xlsx_keeps_types_and_stores_formulas_as_text(tmp_path, table):
    path = tmp_path / "t.xlsx"
    publish.write_xlsx(table, path, METADATA)

    book = load_workbook(path)
    sheet = book[publish.DATA_SHEET]
    assert [c.value for c in sheet[1]] == list(table.columns)
    link = sheet["A2"]
    assert link.value == HYPERLINK
    assert link.data_type == "s"
    assert link.quotePrefix
    assert sheet["A8"].value == "normal" and not sheet["A8"].quotePrefix
    assert sheet["B2"].value == -5 and sheet["B2"].data_type == "n"
    assert sheet["C2"].value == -0.5 and sheet["C2"].data_type == "n"
    assert sheet["C4"].value is None
    assert sheet["D2"].value == "-12" and sheet["D2"].data_type == "s"
    assert sheet.freeze_panes == "A2"
    assert sheet["A1"].font.bold

    with zipfile.ZipFile(path) as archive:
        xml = archive.read("xl/worksheets/sheet1.xml").decode("utf-8")
    assert "<f>" not in xml and "<f " not in xml


def test_xlsx_has_the_descriptive_sheet(tmp_path, table):
    path = tmp_path / "t.xlsx"
    publish.write_xlsx(table, path, METADATA)
    fiche = load_workbook(path)[publish.METADATA_SHEET]
    rows = {r[0]: r[1] for r in fiche.iter_rows(min_row=2,
                                                values_only=True)}
    assert rows["title"] == "Essai"
    assert rows["producer"] == "Ville d'Annecy"
    assert "https://example.org/f" in rows["sources 1"]


def test_xlsx_needs_metadata(tmp_path, table):
    with pytest.raises(publish.PublishError, match="metadata"):
        publish.write_xlsx(table, tmp_path / "t.xlsx", {})


def test_geojson_points_in_lon_lat_order(tmp_path):
    df = pd.DataFrame({
        "nom": ["Château", "Sans lieu", "Palais"],
        "lat": [45.8986, None, 45.8992],
        "lon": [6.1275, 6.1, 6.1266],
        "voix": pd.array([1, None, 3], dtype="Int64"),
    })
    written = publish.write_geojson(df, tmp_path / "p.geojson",
                                    "lat", "lon")
    assert (written.rows, written.left_out) == (2, 1)
    data = json.loads((tmp_path / "p.geojson").read_text("utf-8"))
    assert data["type"] == "FeatureCollection"
    first = data["features"][0]
    assert first["geometry"] == {"type": "Point",
                                 "coordinates": [6.1275, 45.8986]}
    assert first["properties"] == {"nom": "Château", "voix": 1}


def test_geojson_rejects_coordinates_out_of_range(tmp_path):
    df = pd.DataFrame({"lat": [945000.0], "lon": [6.1]})
    with pytest.raises(publish.PublishError, match="row 1.*'lat'"):
        publish.write_geojson(df, tmp_path / "p.geojson", "lat", "lon")


def test_geojson_names_a_missing_column(tmp_path):
    df = pd.DataFrame({"y": [45.0], "x": [6.0]})
    with pytest.raises(publish.PublishError, match="'lat'"):
        publish.write_geojson(df, tmp_path / "p.geojson", "lat", "lon")


def test_duplicate_columns_are_refused(tmp_path):
    df = pd.DataFrame([[1, 2]], columns=["a", "a"])
    with pytest.raises(publish.PublishError, match="twice: a"):
        publish.write_csv(df, tmp_path / "t.csv")
