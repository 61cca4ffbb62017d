"""Audit of the original charts against the official figures."""

import pytest

from carnet import audit


def test_matching_rule():
    assert audit.matches(29, 28.68, 0)
    assert audit.matches(44.6, 44.646, 1)
    assert not audit.matches(1.2, 1.285, 1)


def test_the_2020_first_round_error_is_a_missing_digit(annecy):
    _, results = annecy
    chart = next(
        c for c in audit.load_original_charts()
        if c["file"] == "annecy1_dataviz4.png"
    )
    assert audit.dropped_digit(results, chart) == ("Duperthuy", 2883, [283])


def test_verdicts_and_explanations(annecy):
    totals, results = annecy
    table = audit.audit_table(totals, results)
    wrong = table[table["Verdict"] == "faux"]
    assert set(wrong["Graphique"]) == {
        "Anneau, municipales 2020, 1er tour",
        "Barres groupées, présidentielle 2017, participation",
    }
    assert (wrong["Explication"] != "").all()
    blancs = table[table["Valeur"] == "blancs, tour 1"].iloc[0]
    assert "provisoires" in blancs["Explication"]


def test_a_bad_transcription_is_named(tmp_path, annecy):
    totals, results = annecy
    path = tmp_path / "charts.yml"
    path.write_text(
        "- file: x.png\n  title: t\n  election: municipales-2020\n"
        "  tour: 1\n  base: exprimes\n"
        "  values: {Inconnu: {printed: 1, decimals: 0}}\n",
        encoding="utf-8",
    )
    charts = audit.load_original_charts(path)
    with pytest.raises(ValueError, match="x.png.*'Inconnu'"):
        audit.checks(totals, results, charts)
    path.write_text("- file: y.png\n  title: t\n", encoding="utf-8")
    with pytest.raises(ValueError, match="y.png.*'election'"):
        audit.load_original_charts(path)
