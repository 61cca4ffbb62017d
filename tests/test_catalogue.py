"""Descriptive sheets, exports and the data package."""

import csv
import json
import re

import pandas as pd
import pytest
import yaml
from openpyxl import load_workbook

from carnet import catalogue, elections_export, publish


def _sheet():
    return catalogue.load_metadata("elections-participation")


@pytest.mark.parametrize("dataset", catalogue.DATASETS,
                         ids=lambda d: d.id)
def test_every_published_data_set_has_a_complete_sheet(dataset):
    sheet = catalogue.load_metadata(dataset.id)
    assert set(catalogue.REQUIRED_FIELDS) <= set(sheet)


@pytest.mark.parametrize("field", sorted(catalogue.REQUIRED_FIELDS))
def test_a_missing_required_field_stops_with_its_name(tmp_path, field):
    sheet = _sheet()
    del sheet[field]
    path = tmp_path / "elections-participation.yml"
    path.write_text(yaml.safe_dump(sheet, allow_unicode=True), "utf-8")
    with pytest.raises(catalogue.MetadataError,
                       match=f"{path}.*missing.*{field}"):
        catalogue.load_metadata("elections-participation", path)


def test_an_empty_field_counts_as_missing(tmp_path):
    sheet = _sheet() | {"contact": ""}
    path = tmp_path / "s.yml"
    path.write_text(yaml.safe_dump(sheet, allow_unicode=True), "utf-8")
    with pytest.raises(catalogue.MetadataError, match="contact"):
        catalogue.load_metadata("elections-participation", path)


@pytest.mark.parametrize("change, message", [
    ({"licence": "CC-BY"}, "licence"),
    ({"sources": ["no_such_source"]}, "no_such_source"),
    ({"temporal_coverage": {"start": "2017"}}, "temporal_coverage"),
    ({"colour": "blue"}, "unknown field"),
])
def test_wrong_values_are_named(tmp_path, change, message):
    path = tmp_path / "s.yml"
    sheet = _sheet() | change
    path.write_text(yaml.safe_dump(sheet, allow_unicode=True), "utf-8")
    with pytest.raises(catalogue.MetadataError, match=message):
        catalogue.load_metadata("elections-participation", path)


def _toy_export(out_dir):
    df = pd.DataFrame({
        "nom": ["=HYPERLINK(\"http://x\",\"y\")", "Château"],
        "ecart": [-3, 4],
        "lat": [45.9, 45.89],
        "lon": [6.12, 6.13],
    })
    meta = catalogue.metadata_for_file("elections-participation")
    publish.write_csv(df, out_dir / "toy.csv")
    publish.write_xlsx(df, out_dir / "toy.xlsx", meta)
    publish.write_geojson(df, out_dir / "toy.geojson", "lat", "lon")


def test_a_data_set_plugs_in_and_the_package_validates(tmp_path):
    toy = catalogue.Dataset("elections-participation",
                            f"{__name__}:_toy_export")
    descriptor = catalogue.build(tmp_path, datasets=(toy,))

    package = json.loads(descriptor.read_text("utf-8"))
    names = sorted(r["name"] for r in package["resources"])
    assert names == [
        "elections-participation-csv",
        "elections-participation-geojson",
        "elections-participation-xlsx",
    ]
    csv_resource = next(r for r in package["resources"]
                        if r["format"] == "csv")
    fields = {f["name"]: f["type"] for f in csv_resource["schema"]["fields"]}
    assert fields["ecart"] == "integer"
    catalogue.validate_datapackage(descriptor)


def test_a_broken_table_fails_validation(tmp_path):
    folder = tmp_path / "elections-participation"
    folder.mkdir()
    (folder / "t.csv").write_text("a,b\n1,2\n3\n", encoding="utf-8")
    descriptor = tmp_path / "datapackage.json"
    descriptor.write_text(json.dumps({
        "name": "p",
        "resources": [{
            "name": "t", "path": "elections-participation/t.csv",
            "schema": {"fields": [{"name": "a", "type": "integer"},
                                  {"name": "b", "type": "integer"}]},
        }],
    }), encoding="utf-8")
    with pytest.raises(catalogue.PackageError, match="does not validate"):
        catalogue.validate_datapackage(descriptor)


def test_an_export_that_writes_nothing_is_an_error(tmp_path):
    toy = catalogue.Dataset("elections-participation",
                            f"{__name__}:_nothing")
    with pytest.raises(catalogue.MetadataError, match="wrote no file"):
        catalogue.export_all(tmp_path, datasets=(toy,))


def _nothing(out_dir):
    return []


def test_a_missing_export_function_is_named(tmp_path):
    toy = catalogue.Dataset("elections-participation",
                            "carnet.nowhere:export_nothing")
    with pytest.raises(catalogue.MetadataError, match="carnet.nowhere"):
        catalogue.export_all(tmp_path, datasets=(toy,))


def test_election_tables_add_up(tmp_path):
    written = elections_export.export_results(tmp_path)
    table = pd.read_csv(written[0].path)
    by_round = table.groupby(["election", "tour"])["pct_voix_exprimes"]
    assert ((by_round.sum() - 100).abs() < 0.1).all()
    assert table["voix"].dtype.kind == "i"

    book = load_workbook(written[1].path)
    assert book.sheetnames == [publish.DATA_SHEET, publish.METADATA_SHEET]
    assert book[publish.DATA_SHEET]["L2"].data_type == "n"


def test_participation_rates_state_their_base(tmp_path):
    written = elections_export.export_participation(tmp_path)
    table = pd.read_csv(written[0].path)
    assert len(table) == 4
    total = table["pct_votants_inscrits"] + table["pct_abstentions_inscrits"]
    assert ((total - 100).abs() <= 0.011).all()


PHONE_NUMBER = re.compile(r"\+\d+")


def test_published_csv_files_hold_no_formula():
    """Every published CSV: no cell a spreadsheet would run as a formula.

    A '+' followed by digits only (a phone number in the national
    format) is a plain number to a spreadsheet, not an expression.
    """
    catalogue.build()
    for dataset in catalogue.DATASETS:
        folder = catalogue.PUBLISHED_DIR / dataset.id
        for path in folder.glob("*.csv"):
            with path.open(encoding="utf-8", newline="") as handle:
                rows = list(csv.reader(handle))
            risky = [
                (line, rows[0][i], cell)
                for line, row in enumerate(rows[1:], start=2)
                for i, cell in enumerate(row)
                if publish.is_formula_like(cell)
                and not PHONE_NUMBER.fullmatch(cell)
            ]
            assert risky == [], f"{path.name}: {risky[:3]}"
