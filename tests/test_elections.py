"""Parsing the Ministry's layouts and checking each round."""

import pandas as pd
import pytest

from carnet import elections

FIXED = (
    "Code du département;Libellé du département;Code de la commune;"
    "Libellé de la commune;Inscrits;Abstentions;% Abs/Ins;Votants;"
    "% Vot/Ins;Blancs;% Blancs/Ins;% Blancs/Vot;Nuls;% Nuls/Ins;"
    "% Nuls/Vot;Exprimés;% Exp/Ins;% Exp/Vot"
)
BLOCK_2020 = (
    "N.Pan.;Code Nuance;Sexe;Nom;Prénom;Liste;Sièges / Elu;"
    "Sièges Secteur;Sièges CC;Voix;% Voix/Ins;% Voix/Exp"
)
SPEC_2020 = elections.RoundFile(
    "municipales-2020", "Municipales 2020", 2, "x", ";", ",", "28 juin 2020"
)


def totals_fields(inscrits=1000, abst=400, votants=600, blancs=10,
                  nuls=5, exprimes=585):
    return (
        f"74;Haute-Savoie;010;Annecy;{inscrits};{abst};40,00;{votants};"
        f"60,00;{blancs};1,00;1,67;{nuls};0,50;0,83;{exprimes};58,50;97,50"
    )


def list_block(panel, name, voix, exprimes=585):
    share = f"{100 * voix / exprimes:.2f}".replace(".", ",")
    return f"{panel};LDIV;M;{name};Jean;Liste {name};0;0;0;{voix};0;{share}"


def write(tmp_path, text, name="round.csv", encoding="utf-8"):
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def good_2020(tmp_path, **kwargs):
    row = ";".join([
        totals_fields(),
        list_block(1, "DUPONT", 300), list_block(2, "MARTIN", 285),
    ])
    return write(tmp_path, f"{FIXED};{BLOCK_2020}\n{row};;;;\n", **kwargs)


def test_annecy_totals_are_the_official_ones(annecy):
    totals, _ = annecy
    first_2017 = totals.query(
        "election == 'presidentielle-2017' and tour == 1"
    ).iloc[0]
    assert first_2017["inscrits"] == 81502
    assert first_2017["exprimes"] == 63186
    second_2020 = totals.query(
        "election == 'municipales-2020' and tour == 2"
    ).iloc[0]
    assert second_2020["votants"] == 29043


def test_annecy_results_have_one_row_per_candidate(annecy):
    _, results = annecy
    counts = results.groupby(["election", "tour"]).size().to_dict()
    assert counts == {
        ("municipales-2020", 1): 7, ("municipales-2020", 2): 3,
        ("presidentielle-2017", 1): 11, ("presidentielle-2017", 2): 2,
    }
    astorg = results.query("tour == 2 and nom == 'ASTORG'").iloc[0]
    assert astorg["voix"] == 12664
    assert astorg["nuance"] == "LECO"
    assert astorg["sieges_cm"] == 51


def test_a_2020_line_with_padding_is_read(tmp_path):
    totals, results = elections.parse_round(good_2020(tmp_path), SPEC_2020)
    assert totals.iloc[0]["code_commune"] == "74010"
    assert list(results["voix"]) == [300, 285]
    elections.check_round(totals, results, "demo")


def test_a_windows_1252_file_is_read(tmp_path):
    path = good_2020(tmp_path, encoding="cp1252")
    totals, _ = elections.parse_round(path, SPEC_2020)
    assert totals.iloc[0]["exprimes"] == 585


def test_a_wrong_separator_is_named(tmp_path):
    path = good_2020(tmp_path)
    spec = elections.RoundFile(
        "municipales-2020", "M", 2, "x", "\t", ",", "d"
    )
    with pytest.raises(elections.ElectionFileError, match="separator"):
        elections.parse_round(path, spec)


def test_an_incomplete_block_names_file_line_and_width(tmp_path):
    row = ";".join([totals_fields(), list_block(1, "DUPONT", 300), "2;LDIV"])
    path = write(tmp_path, f"{FIXED};{BLOCK_2020}\n{row}\n")
    with pytest.raises(elections.ElectionFileError) as error:
        elections.parse_round(path, SPEC_2020)
    assert "round.csv, line 2" in str(error.value)
    assert "blocks of 12" in str(error.value)


def test_a_count_that_is_not_a_number_is_named(tmp_path):
    row = ";".join([
        totals_fields().replace(";1000;", ";mille;"),
        list_block(1, "DUPONT", 585),
    ])
    path = write(tmp_path, f"{FIXED};{BLOCK_2020}\n{row}\n")
    with pytest.raises(elections.ElectionFileError) as error:
        elections.parse_round(path, SPEC_2020)
    assert "line 2, field 'Inscrits'" in str(error.value)
    assert "'mille'" in str(error.value)


@pytest.mark.parametrize("fields, message", [
    (dict(abst=401), "inscrits = 1000 but abstentions + votants = 1001"),
    (dict(nuls=6), "votants = 600 but blancs + nuls + exprimés = 601"),
])
def test_a_failed_identity_shows_both_sides(tmp_path, fields, message):
    row = ";".join([
        totals_fields(**fields),
        list_block(1, "DUPONT", 300), list_block(2, "MARTIN", 285),
    ])
    path = write(tmp_path, f"{FIXED};{BLOCK_2020}\n{row}\n")
    with pytest.raises(elections.ElectionCheckError) as error:
        elections.load_round(SPEC_2020, path)
    assert "round.csv (Municipales 2020, tour 2)" in str(error.value)
    assert message in str(error.value)


def test_voix_that_do_not_add_up_stop_the_round(tmp_path):
    row = ";".join([
        totals_fields(),
        list_block(1, "DUPONT", 300), list_block(2, "MARTIN", 284),
    ])
    path = write(tmp_path, f"{FIXED};{BLOCK_2020}\n{row}\n")
    with pytest.raises(elections.ElectionCheckError,
                       match="exprimes = 585 but somme des voix = 584"):
        elections.load_round(SPEC_2020, path)


def test_a_printed_share_that_disagrees_is_caught(tmp_path):
    wrong = list_block(1, "DUPONT", 300).replace("51,28", "41,28")
    row = ";".join([totals_fields(), wrong, list_block(2, "MARTIN", 285)])
    path = write(tmp_path, f"{FIXED};{BLOCK_2020}\n{row}\n")
    with pytest.raises(elections.ElectionCheckError, match="DUPONT"):
        elections.load_round(SPEC_2020, path)


def test_identity_table_and_corroboration_agree(annecy):
    totals, results = annecy
    table = elections.identity_table(totals, results)
    assert len(table) == 12
    assert (table["Gauche"] == table["Droite"]).all()
    assert elections.corroborate_2017(totals, results)["Identique"].all()


def test_file_overview_describes_the_three_layouts():
    overview = elections.file_overview()
    assert list(overview["Séparateur"]) == [";", ";", "tabulation", ";"]
    assert list(overview["Colonnes par candidat"]) == [7, 6, 12, 12]
    assert isinstance(overview, pd.DataFrame)
