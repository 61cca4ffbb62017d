"""Quality profiles on small crafted tables."""

import json

import pytest

from carnet import profile


def test_semicolon_cp1252_file(tmp_path):
    path = tmp_path / "t.csv"
    path.write_bytes("code;nom;surface\n1;Sévrier;2,5\n1;Sévrier;2,5\n"
                     "2;;x\n".encode("cp1252"))
    result = profile.profile_file("essai", path, key=["code"])
    assert result.encoding == "cp1252"
    assert result.separator == "point-virgule"
    assert result.rows == 3
    assert result.duplicate_rows == 1
    assert result.duplicate_keys == 1
    columns = result.columns.set_index("colonne")
    assert columns.loc["code", "type"] == "entier"
    assert columns.loc["nom", "manquantes"] == 1
    assert columns.loc["surface", "type"] == "mixte (décimal, texte)"


def test_utf8_bom_tab_and_short_header(tmp_path):
    path = tmp_path / "t.txt"
    path.write_bytes("\ufeffa\tb\n1\t2\t3\n".encode("utf-8"))
    result = profile.profile_file("essai", path)
    assert result.encoding == "utf-8-sig"
    assert result.separator == "tabulation"
    assert list(result.columns["colonne"]) == ["a", "b", "sans nom 3"]
    assert any("en-tête de 2 noms" in note for note in result.notes)
    assert result.duplicate_keys is None


def test_repeated_header_names_are_kept_apart(tmp_path):
    path = tmp_path / "t.csv"
    path.write_text("Nom,Voix,Nom,Voix\nA,1,B,2\n", encoding="utf-8")
    result = profile.profile_file("essai", path)
    assert list(result.columns["colonne"]) == ["Nom", "Voix", "Nom (2)",
                                               "Voix (2)"]
    assert any("répétés" in note for note in result.notes)


def test_json_records_with_nested_values(tmp_path):
    path = tmp_path / "t.json"
    records = [{"id": 1, "cp": 74000, "tags": ["a"], "x": None},
               {"id": 2, "cp": 74000, "tags": ["a"], "x": 1.5}]
    path.write_text(json.dumps(records), encoding="utf-8")
    result = profile.profile_file("essai", path, key=["cp"])
    columns = result.columns.set_index("colonne")
    assert columns.loc["tags", "type"] == "liste ou objet"
    assert columns.loc["x", "manquantes"] == 1
    assert result.duplicate_keys == 1


def test_javascript_array_with_trailing_comma(tmp_path):
    path = tmp_path / "t.js"
    path.write_text('var m = [\n[45.9, "PA1"],\n[45.8, "PA2"],\n]\n',
                    encoding="utf-8")
    result = profile.profile_file("essai", path, key=["ref"],
                                  columns=["lat", "ref"])
    assert result.rows == 2
    assert result.kind == "tableau JavaScript"
    assert any("virgule finale" in note for note in result.notes)


def test_geojson_properties(tmp_path):
    path = tmp_path / "t.geojson"
    path.write_text(json.dumps({"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {"code": "74010"},
         "geometry": {"type": "Polygon", "coordinates": []}}]}),
        encoding="utf-8")
    result = profile.profile_file("essai", path, key=["code"])
    assert list(result.columns["colonne"]) == ["code", "geometrie"]


def test_unknown_key_and_unreadable_files_are_clear_errors(tmp_path):
    path = tmp_path / "t.csv"
    path.write_text("a,b\n1,2\n", encoding="utf-8")
    with pytest.raises(profile.ProfileError, match=r"\['zz'\] not in"):
        profile.profile_file("essai", path, key=["zz"])
    odd = tmp_path / "t.xyz"
    odd.write_text("x", encoding="utf-8")
    with pytest.raises(profile.ProfileError, match="no reader"):
        profile.profile_file("essai", odd)
    lone = tmp_path / "seul.txt"
    lone.write_text("une seule colonne\n", encoding="utf-8")
    with pytest.raises(profile.ProfileError, match="no separator"):
        profile.profile_file("essai", lone)


def test_every_configured_source_is_in_the_registry():
    from carnet.sources import load_registry

    assert set(profile.load_config()) <= set(load_registry())


def test_evidence_pairs_data_sets_with_their_profiles(tmp_path):
    from carnet.inventory import load_inventory

    path = tmp_path / "t.csv"
    path.write_text("a;b\n1;\n", encoding="utf-8")
    profiles = {"hinaura": profile.profile_file("hinaura", path)}
    table = profile.evidence(load_inventory(), profiles)
    assert list(table["Source"]) == ["hinaura"]
    assert table.iloc[0]["Évaluation"] == "vert"
    assert table.iloc[0]["% vides"] == 50.0


def test_sources_left_out_are_said_not_to_be_tables():
    table = profile.not_profiled()
    reasons = dict(zip(table["Source"], table["Pourquoi pas de profil"]))
    assert reasons["sig_geofla_shp"] == "géométries de la couche SIG"
    assert reasons["schema_dae"].startswith("schéma")
    assert "sig_geofla_dbf" not in reasons
