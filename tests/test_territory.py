"""Key facts and the merger check."""

import json

import pytest

from carnet import territory


def boundaries(tmp_path, codes):
    path = tmp_path / "communes.geojson"
    path.write_text(json.dumps({"type": "FeatureCollection", "features": [
        {"type": "Feature", "geometry": None,
         "properties": {"code": code, "nom": f"C{code}"}}
        for code in codes]}), encoding="utf-8")
    return path


def test_every_fact_has_a_source():
    table = territory.facts_table(territory.load_facts())
    assert table["Source"].str.len().min() > 5


def test_merger_holds_when_only_the_new_commune_exists(tmp_path):
    facts = territory.load_facts()
    table = territory.merger_check(facts, boundaries(tmp_path,
                                                     ["74010", "74156"]))
    assert list(table["Dans le fichier de 2018"]).count("non") == 5


def test_a_former_commune_still_present_is_an_error(tmp_path):
    facts = territory.load_facts()
    with pytest.raises(territory.TerritoryError, match="74093 .* present"):
        territory.merger_check(facts, boundaries(tmp_path,
                                                 ["74010", "74093"]))


def test_a_missing_new_commune_is_an_error(tmp_path):
    facts = territory.load_facts()
    with pytest.raises(territory.TerritoryError, match="74010 .* absent"):
        territory.merger_check(facts, boundaries(tmp_path, ["74156"]))
