"""Cleaning rules of the inclusion places, row accounting and validation."""

import copy
import json

import pandas as pd
import pytest
from shapely.geometry import box

from carnet import inclusion, sources, validation

ANNECY_BOX = box(6.0, 45.8, 6.25, 46.0)


@pytest.fixture(scope="module")
def records():
    return inclusion.read_hinaura()


@pytest.fixture(scope="module")
def built():
    return inclusion.build()


def a_record(records, **changes):
    record = copy.deepcopy(records[0])
    record.update(changes)
    return record


# -- reading --

def test_split_values_repairs_the_broken_quoting():
    raw = 'Adultes,Seniors,"Jeunesse (11-26 ans)'
    assert inclusion.split_values(raw) == [
        "Adultes", "Seniors", "Jeunesse (11-26 ans)"]


def test_split_values_keeps_a_comma_inside_a_value():
    raw = ('Gratuit,"Solidaire (tarif réduit adapté à la situation '
           'sociale/familiale, ou convention avec un organisme solidaire)')
    assert inclusion.split_values(raw) == [
        "Gratuit",
        "Solidaire (tarif réduit adapté à la situation sociale/familiale, "
        "ou convention avec un organisme solidaire)",
    ]


def test_split_values_drops_html_icons():
    raw = ('<i class=""fas fa-deaf""></i> Surdité","<i class=""fas '
           'fa-wheelchair""></i> Accès Personnes à Mobilité Réduite')
    assert inclusion.split_values(raw) == [
        "Surdité", "Accès Personnes à Mobilité Réduite"]


def test_a_missing_field_names_the_file_and_the_record(tmp_path, records):
    broken = [dict(records[0]) for _ in range(2)]
    broken = [{inclusion.HINAURA_KEYS[k]: v for k, v in r.items()}
              for r in broken]
    del broken[1]["Code postal"]
    path = tmp_path / "hinaura.json"
    path.write_text(json.dumps(broken), encoding="utf-8")
    with pytest.raises(inclusion.InclusionError,
                       match=r"hinaura.json: record 2 .*'Code postal'"):
        inclusion.read_hinaura(path)


def test_an_unknown_vocabulary_value_stops_with_the_field(records):
    record = a_record(records, tarifs="Gratuit,Troc")
    with pytest.raises(inclusion.InclusionError,
                       match=r"'Tarifs': unknown value 'Troc'"):
        inclusion.clean_hinaura([record], boundary=ANNECY_BOX)


# -- value rules --

@pytest.mark.parametrize("raw, expected", [
    (450338700, "+33450338700"),
    ("04.50.22.09.07", "+33450220907"),
    ("+33 (0)4 50 33 65 50", "+33450336550"),
    ("0450573097", "+33450573097"),
])
def test_phone_numbers_take_the_international_form(raw, expected):
    assert inclusion.normalise_phone(raw) == (expected, None)


def test_mobile_numbers_are_reported_and_not_returned():
    assert inclusion.normalise_phone("07 68 23 53 90") == ("", "mobile")
    assert inclusion.normalise_phone("0650281797") == ("", "mobile")


def test_an_unreadable_phone_number_is_reported():
    number, problem = inclusion.normalise_phone("04 50")
    assert number == "" and "illisible" in problem


@pytest.mark.parametrize("raw, expected", [
    (74960, "74960"), (1000, "01000"), ("74000", "74000")])
def test_postcodes_have_five_characters(raw, expected):
    assert inclusion._postcode_text(raw) == expected


@pytest.mark.parametrize("raw, expected", [
    ("MJC CENTRE SOCIAL VICTOR HUGO", "MJC Centre Social Victor Hugo"),
    ("FORUM DES ROMAINS-MJC Centre Social",
     "Forum des Romains-MJC Centre Social"),
    ("  service   seniors animation ", "Service seniors animation"),
    ("Médiathèque Bonlieu", "Médiathèque Bonlieu"),
])
def test_names_lose_extra_spaces_and_capitals(raw, expected):
    assert inclusion.normalise_name(raw) == expected


@pytest.mark.parametrize("raw, street, extras", [
    ("6 rue de l'Aérodrome\nMeythet", "6 rue de l'Aérodrome", ["Meythet"]),
    ("21 RUE DU VERNAY\nCRAN GEVRIER", "21 rue du Vernay",
     ["Cran-Gevrier"]),
    ("2,rue Jules Barut", "2 rue Jules Barut", []),
    ("1 PL de l'Hôtel-de-Ville,", "1 place de l'Hôtel-de-Ville", []),
    ("4 impasse Saint Jean - Seynod", "4 impasse Saint Jean", ["Seynod"]),
    ("23 avenue de Loverchy \nBP 98", "23 avenue de Loverchy", ["BP 98"]),
    ("15 rue André Gide   /   55 chemin de la Prairie",
     "15 rue André Gide", ["autre adresse : 55 chemin de la Prairie"]),
    ("Centre Victore Hugo 6 rue de l'Aérodrome", "6 rue de l'Aérodrome",
     ["Centre Victore Hugo"]),
])
def test_addresses_keep_the_street_and_move_the_rest(raw, street, extras):
    assert inclusion.split_address(raw) == (street, extras)


@pytest.mark.parametrize("raw, expected", [
    ("Cran Gevrier", "Cran-Gevrier"), ("Meythet - Annecy", "Meythet"),
    ("Annecy-le-Vieux", "Annecy-le-Vieux"), ("Annecy Cedex 03", None),
    ("Annecy", None), ("Quintal", None),
])
def test_former_communes_are_recognised(raw, expected):
    assert inclusion.delegated_commune(raw) == expected


@pytest.mark.parametrize("email, referent, expected", [
    ("jeanne.martin@example.org", "", True),
    ("j.martin@example.org", "", True),
    ("clement.x@example.org", "Clément", True),
    ("contact.annecy@example.fr", "", False),
    ("conseillernumerique.dtba@example.fr", "", False),
    ("mediathequebonlieu@annecy.fr", "Jeanne Martin", False),
])
def test_nominative_emails_are_detected(email, referent, expected):
    assert inclusion.is_nominative_email(email, referent) is expected


def test_urls_lose_html_entities():
    raw = "http://www.annecy.fr/7-recherche.htm?a=1&amp;b=2"
    assert inclusion.normalise_url(raw) == (
        "http://www.annecy.fr/7-recherche.htm?a=1&b=2")
    assert inclusion.normalise_url("not a site") is None


@pytest.mark.parametrize("text, expected", [
    ("10h à 12h - 13h30 à 18h", "10:00-12:00,13:30-18:00"),
    ("9h30 à 12h - 13h30 - 16h30", "09:30-12:00,13:30-16:30"),
    ("10H-12H / 14H30-16H30", "10:00-12:00,14:30-16:30"),
    ("Fermé", "off"),
    ("sur rendez vous", '"sur rendez vous"'),
    ("14h-18h sur RDV uniquement", '14:00-18:00 "sur RDV uniquement"'),
    ("", ""),
])
def test_day_hours_become_openstreetmap_rules(text, expected):
    assert inclusion.day_hours(text) == expected


def test_days_with_the_same_hours_are_grouped():
    days = {"Mo": "Fermé", "Tu": "9h-12h", "We": "9h-12h", "Th": "9h-12h",
            "Fr": "", "Sa": "10h-12h", "Su": "10h-12h"}
    assert inclusion.opening_hours_from_days(days) == (
        "Mo off; Tu-Th 09:00-12:00; Sa,Su 10:00-12:00")


def test_every_opening_hours_value_parses_as_openstreetmap(built):
    import opening_hours

    values = [h for h in built.result.table["horaires"] if h]
    assert values
    for value in values:
        opening_hours.OpeningHours(value)
    with pytest.raises(opening_hours.ParserError):
        opening_hours.OpeningHours("14h-17h")


def test_summaries_are_cut_at_a_word():
    text = "mot " * 100
    summary = inclusion.summarise(text.strip())
    assert len(summary) <= inclusion.SUMMARY_MAX_CHARS
    assert summary.endswith("mot…")


# -- records --

def test_publics_map_to_the_standard_only_when_restricted(records):
    seniors = a_record(records, publics="Seniors")
    everyone = a_record(records, nom="Autre lieu",
                        publics='Adultes,Seniors,"Jeunesse (11-26 ans)')
    table = inclusion.clean_hinaura(
        [seniors, everyone], boundary=ANNECY_BOX).table
    assert list(table["publics_specifiquement_adresses"]) == ["Seniors", ""]


def test_a_point_outside_the_commune_is_flagged_not_kept(records):
    far = a_record(records, latitude=45.38567, longitude=4.55)
    result = inclusion.clean_hinaura([far], boundary=ANNECY_BOX)
    assert result.table["latitude"].isna().all()
    assert list(result.flags["champ"]) == ["latitude, longitude"]
    assert "hors des limites" in result.flags["raison"].iloc[0]


def test_a_record_without_coordinates_is_reported(records):
    bare = a_record(records, latitude="", longitude="")
    result = inclusion.clean_hinaura([bare], boundary=ANNECY_BOX)
    assert "sans coordonnées" in result.flags["raison"].iloc[0]


def test_every_row_is_accounted_for(records):
    duplicate = a_record(records)
    elsewhere = a_record(records, nom="Lieu voisin", ville="Quintal",
                         code_postal=74600 + 1)
    nameless = a_record(records, nom="  ")
    batch = [records[0], duplicate, elsewhere, nameless, records[1]]
    result = inclusion.clean_hinaura(batch, boundary=ANNECY_BOX)
    counts = result.accounting()
    assert counts["fiches lues"] == 5
    assert counts["fiches gardées"] == 2
    assert counts["fiches écartées"] == 3
    reasons = " ".join(result.set_aside["raison"])
    assert "doublon" in reasons and "hors d'Annecy" in reasons
    assert "sans nom" in reasons
    assert set(result.log.loc[result.log["nature"] == "fiche écartée",
                              "fiche"]) == {2, 3, 4}


def test_the_real_export_is_fully_accounted_for(built):
    counts = built.result.accounting()
    assert counts["fiches lues"] == len(built.records)
    assert counts["fiches lues"] == (
        counts["fiches gardées"] + counts["fiches écartées"])
    assert set(built.result.table["code_insee"]) == {"74010"}
    assert set(built.result.table["commune"]) == {"Annecy"}


def test_the_cross_check_finds_the_pringy_insee_code(built):
    pringy = built.differences[
        built.differences["nom"] == "Mairie déléguée de Pringy"]
    assert list(pringy["champ"]) == ["code_insee"]
    assert list(pringy["data·inclusion"]) == ["74019"]


# -- validation --

def test_the_published_csv_only_lacks_sirets_missing_from_sources(
        built, tmp_path):
    paths = inclusion.export_inclusion(tmp_path, built.result.table)
    errors = validation.validate_csv(paths["csv"], built.schema_path)
    assert set(errors["champ"]) <= {"pivot"}
    unmatched = built.pairs["id data·inclusion"].isna().sum()
    assert len(errors) == unmatched


def test_the_validator_catches_a_bad_value(built):
    table = built.result.table.head(3).copy()
    table.loc[0, "code_postal"] = "7400"
    table.loc[1, "services"] = "Cours de cuisine"
    errors = validation.validate_table(table, built.schema_path)
    bad = set(zip(errors["ligne"], errors["champ"]))
    assert {(2, "code_postal"), (3, "services")} <= bad


def test_the_raw_export_fails_validation(built):
    errors = validation.validate_table(
        inclusion.raw_table(built.records), built.schema_path)
    assert {"date_maj", "pivot", "telephone"} <= set(errors["champ"])


def test_the_geojson_has_a_point_per_located_place(built, tmp_path):
    paths = inclusion.export_inclusion(tmp_path, built.result.table)
    collection = json.loads(paths["geojson"].read_text(encoding="utf-8"))
    located = built.result.table["latitude"].notna().sum()
    assert len(collection["features"]) == located
    lon, lat = collection["features"][0]["geometry"]["coordinates"]
    assert 5.9 < lon < 6.3 and 45.8 < lat < 46.0


def test_the_xlsx_reads_back_as_the_table(built, tmp_path):
    paths = inclusion.export_inclusion(tmp_path, built.result.table)
    back = pd.read_excel(paths["xlsx"], dtype=str).fillna("")
    assert list(back.columns) == list(inclusion.CLEAN_COLUMNS)
    assert list(back["nom"]) == list(built.result.table["nom"])
    assert back["telephone"].str.startswith("+33").sum() > 0


def test_completeness_counts_filled_cells():
    table = pd.DataFrame({"a": ["x", "", None], "b": ["1", "2", "3"]})
    shares = validation.completeness(table, ["a", "b", "c"])
    assert shares.round(1).to_dict() == {"a": 33.3, "b": 100.0, "c": 0.0}


def test_the_original_chart_places_exist_in_the_data(built):
    comparison = inclusion.compare_with_original_chart(built.result)
    assert comparison["on_original"] == (
        comparison["shared"] + len(comparison["original_only"]))


def test_sources_are_acquired_through_the_registry():
    registry = sources.load_registry()
    for source_id in (inclusion.HINAURA_ID, inclusion.DATA_INCLUSION_ID,
                      inclusion.SCHEMA_ID):
        assert source_id in registry


def test_ids_are_unique_and_publics_follow_them(built):
    table = built.result.table
    assert table["id"].is_unique
    assert set(built.result.publics["id"]) <= set(table["id"])
    assert inclusion._unique_id("a", {"a", "a-2"}) == "a-3"


def test_the_published_summary_counts_rows_and_points(built, tmp_path):
    paths = inclusion.export_inclusion(tmp_path, built.result.table)
    summary = inclusion.published_summary(paths).set_index("format")
    assert summary.at["CSV", "lignes ou points"] == len(built.result.table)
    assert summary.at["XLSX", "lignes ou points"] == len(built.result.table)
    assert summary.at["GEOJSON", "lignes ou points"] == (
        built.result.table["latitude"].notna().sum())
