"""Monuments: parsing, membership, join with provenance, dates, counts."""

import datetime as dt
import re
from pathlib import Path

import pandas as pd
import pytest
from shapely.geometry import box

from carnet import catalogue, maps, monuments as m

HEADER = (
    "// Lat,Lng,Number,Name,Grade,ListDate,Link,Notes?\n"
    "var monumentsHistoriques1 = [\n"
)
ROW_A = ('[45.9, 6.1, "PA00118342", "Cath\\u00e9drale", "arr\\u00eat\\u00e9",'
         ' "Fri, 09 Jan 1970", "https://example.org/a", "1535;1538"],\n')
ROW_B = ('[45.95, 6.3, "PA74000016", "Site", "arr\\u00eat\\u00e9",'
         ' "Tue, 20 Jan 1970", null],\n')


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "tile.js"
    path.write_text(text, encoding="utf-8")
    return path


def test_parse_reads_rows_without_running_the_script(tmp_path):
    export = m.parse_export(write(tmp_path, HEADER + ROW_A + ROW_B + "]\n"))

    assert list(export["reference"]) == ["PA00118342", "PA74000016"]
    assert export.at[0, "nom"] == "Cathédrale"
    assert export.at[0, "datation"] == "1535;1538"
    assert pd.isna(export.at[1, "lien_archives"])
    assert pd.isna(export.at[1, "datation"])
    assert list(export["ligne"]) == [3, 4]


@pytest.mark.parametrize("text, message", [
    ("[1, 2]\n", r"line 1: expected 'var <name> = \['"),
    (HEADER + ROW_A, r"incomplete, '\]' not found"),
    (HEADER + "alert(1),\n]\n", r"line 3: expected one JSON array"),
    (HEADER + ROW_A.replace('"PA00118342"', '"X1"') + "]\n",
     r"line 3, field reference: expected 'PA' and 8 digits, found 'X1'"),
    (HEADER + ROW_A.replace("45.9", '"45.9"') + "]\n",
     r"line 3, field latitude: expected a number"),
    (HEADER + '[45.9, 6.1, "PA00118342"],\n]\n',
     r"line 3: expected an array of 7 to 9 values, found 3"),
    (HEADER + ROW_A + "]\nvar other = 1;\n",
     r"line 5: expected nothing after the closing"),
])
def test_unexpected_shape_is_a_clear_error(tmp_path, text, message):
    with pytest.raises(m.MonumentDataError, match=message):
        m.parse_export(write(tmp_path, text))


def test_real_export_has_27_rows_all_with_broken_dates():
    export = m.read_export()
    dates = m.date_diagnosis(export)

    assert len(export) == 27
    assert export["reference"].is_unique
    assert dates["cassee"].all()
    assert set(export["grade"]) == {"arrêté"}


SQUARE = box(6.0, 45.8, 6.2, 46.0)


@pytest.mark.parametrize("lon, lat, inside", [
    (6.199999, 45.9, True),    # about 8 cm inside the east edge
    (6.200001, 45.9, False),   # about 8 cm outside
    (6.2, 45.9, True),         # on the edge: counted in the commune
    (6.1, 45.800001, True),
    (6.1, 45.799999, False),
])
def test_membership_on_points_just_inside_or_outside(lon, lat, inside):
    assert m.is_inside(SQUARE, lat, lon) is inside


def test_membership_on_the_real_outline():
    annecy = maps.annecy_boundary()
    ring = list(annecy.exterior.coords)
    # The midpoint of an edge, nudged by 1e-6 degree (about 10 cm) to
    # either side of it: exactly one of the two points is in the commune.
    (x1, y1), (x2, y2) = ring[10], ring[11]
    mid_x, mid_y = (x1 + x2) / 2, (y1 + y2) / 2
    length = ((x2 - x1) ** 2 + (y2 - y1) ** 2) ** 0.5
    normal = (-(y2 - y1) / length * 1e-6, (x2 - x1) / length * 1e-6)
    left = m.is_inside(annecy, mid_y + normal[1], mid_x + normal[0])
    right = m.is_inside(annecy, mid_y - normal[1], mid_x - normal[0])
    assert left != right


def test_seconds_read_as_milliseconds_rule():
    broken = m.parse_list_date("Fri, 09 Jan 1970")
    assert m.is_seconds_read_as_ms(broken)
    assert not m.is_seconds_read_as_ms(m.parse_list_date("Mon, 26 Jan 1970"))
    assert not m.is_seconds_read_as_ms(m.parse_list_date("Thu, 12 Jun 2014"))
    assert not m.is_seconds_read_as_ms(None)

    first, last = m.seconds_window(broken)
    # 8 days after the epoch in ms = 691 200 000 ms, read as seconds.
    assert first == dt.date(1991, 11, 27)
    assert last == dt.date(1994, 8, 22)


def test_unreadable_date_is_an_error():
    with pytest.raises(m.MonumentDataError, match="found '1970-01-09'"):
        m.parse_list_date("1970-01-09")


def test_series_gaps_only_inside_a_national_run():
    refs = ["PA00118342", "PA00118343", "PA00118344", "PA00118346",
            "PA00118347", "PA00118419", "PA74000006", "PA74000014"]
    assert m.missing_from_series(refs) == ["PA00118345"]


def facts_table(**override) -> pd.DataFrame:
    row = {"reference": "PA00000001", "name": "Château (d'ici)",
           "commune": "Pringy", "address": "1 place du Château",
           "protection": "inscrit (partial)",
           "protection_dates": "1951 (year only)",
           "source_urls": "https://example.org/p"}
    row.update(override)
    return pd.DataFrame([row])


def kept_table(reference="PA00000001") -> pd.DataFrame:
    return pd.DataFrame([{"reference": reference, "nom": "Château",
                          "latitude": 45.9, "longitude": 6.1,
                          "grade": "arrêté", "lien_archives": None}])


def test_join_keeps_the_source_of_each_field():
    done = m.complete(kept_table(), facts_table()).iloc[0]

    assert done["nom_source"] == m.EXPORT_LABEL
    assert done["protection"] == "inscrit"
    assert done["protection_source"] == "https://example.org/p"
    assert done["date_protection"] == "1951"
    assert done["adresse_source"] == "https://example.org/p"
    assert done["commune_historique"] == "Pringy"
    assert done["notice_officielle"].endswith("/merimee/PA00000001")
    assert done["coordonnees_source"] == m.EXPORT_LABEL


def test_join_never_invents_a_value():
    facts = facts_table(address="", protection="protected (classé or "
                        "inscrit not stated)", protection_dates=(
                            "1974-07-09 (arrêté) / 1974-07-08: sources "
                            "disagree"))
    done = m.complete(kept_table(), facts).iloc[0]
    assert done["adresse"] == ""
    assert done["adresse_source"].startswith("inconnue")
    assert done["protection"] == ""
    assert done["protection_source"] == (
        "inconnue : niveau (classé ou inscrit) non précisé"
    )
    assert done["date_protection"] == ""
    assert done["date_protection_source"] == "inconnue : sources en désaccord"

    unknown = m.complete(kept_table("PA00000002"), facts).iloc[0]
    assert unknown[list(m.FACT_FIELDS)].eq("").all()


def test_notes_are_never_read(tmp_path):
    path = tmp_path / "facts.csv"
    facts_table(notes="a guess, not a fact").assign(
        notes="a guess, not a fact"
    ).to_csv(path, index=False)
    assert "notes" not in m.read_facts(path).columns


def test_row_accounting_on_the_real_files():
    result = m.load()
    counts = m.summary(result)

    assert counts["lignes_export"] == (
        counts["dans_annecy"] + counts["ecartees"]
    )
    assert set(result.set_aside["reference"]) == {
        "PA00125745", "PA74000016", "PA74000017"
    }
    assert result.missing == ["PA00118345", "PA00118352", "PA00118354",
                              "PA00118355"]
    assert (result.log["action"] == "écartée").sum() == counts["ecartees"]
    assert len(result.completed) == counts["dans_annecy"]
    notes = m.sources.acquire(m.FACTS_SOURCE).read_text(encoding="utf-8")
    assert "hôtel Bagnorea" in notes
    assert not result.completed.astype(str).apply(
        lambda column: column.str.contains("Bagnorea")
    ).any().any()


def test_accounting_mismatch_is_an_error():
    with pytest.raises(m.MonumentDataError, match="27 rows in"):
        m.account(27, 24, 2)


def test_duplicate_reference_is_set_aside(tmp_path):
    export = m.parse_export(write(tmp_path, HEADER + ROW_A + ROW_A + "]\n"))
    result = m.build(export, facts_table(), SQUARE)
    assert len(result.kept) == 1
    assert "déjà vue" in result.set_aside.at[0, "motif"]


def test_published_files(tmp_path):
    import json

    from openpyxl import load_workbook

    written = m.export_monuments(tmp_path)
    names = sorted(w.path.name for w in written)
    assert names == ["monuments-historiques.csv",
                     "monuments-historiques.geojson",
                     "monuments-historiques.xlsx"]
    assert all(w.rows == 24 for w in written)

    csv_table = pd.read_csv(tmp_path / "monuments-historiques.csv",
                            dtype=str, keep_default_na=False)
    assert csv_table["notice_officielle"].str.startswith(
        "https://www.pop.culture.gouv.fr/notice/merimee/PA"
    ).all()
    assert not csv_table.apply(
        lambda column: column.str.contains("1970")
    ).any().any()

    collection = json.loads(
        (tmp_path / "monuments-historiques.geojson").read_text("utf-8")
    )
    assert len(collection["features"]) == 24
    book = load_workbook(tmp_path / "monuments-historiques.xlsx")
    assert book.worksheets[0].max_row == 25


def test_sheet_coverage_matches_the_published_dates():
    sheet = catalogue.load_metadata(m.DATASET_ID)
    dates = [
        token for cell in m.load().completed["date_protection"]
        for token in cell.split(" ; ") if token
    ]
    full_dates = sorted(d for d in dates if len(d) == 10)
    years = sorted(d[:4] for d in dates)
    coverage = sheet["temporal_coverage"]
    assert coverage["start"].isoformat() == full_dates[0]
    assert coverage["end"].isoformat() == full_dates[-1]
    assert years[0] >= full_dates[0][:4]
    assert years[-1] <= full_dates[-1][:4]


def test_english_notes_are_reworded_and_reported():
    text, replaced = m.french_wording(
        "adresse", "quartier de Novel (no street address found)",
        {"adresse": {" (no street address found)": ""}},
    )
    assert text == "quartier de Novel"
    assert replaced == ["no street address found"]


def test_published_names_and_addresses_are_french():
    table = m.published_table(m.load())
    english = re.compile(
        r"\b(the|found|also|beside|opposite|formerly|page name|in the lake"
        r"|and|islet|stands)\b", re.IGNORECASE,
    )
    for column in ("nom_usuel", "adresse"):
        for value in table[column]:
            assert not english.search(value), value
