"""Election charts: order, colours, shares, French labels, self-contained."""

import re

from carnet import charts

NBSP = "\u00a0"


def test_each_candidate_keeps_one_colour_across_rounds(annecy):
    _, results = annecy
    colours = charts.candidate_colours(results, "municipales-2020")
    assert len(set(colours.values())) == len(colours)
    first, _ = charts.round_shares(results, "municipales-2020", 1)
    second, _ = charts.round_shares(results, "municipales-2020", 2)
    assert set(second["candidat"]) <= set(first["candidat"])
    assert list(first["candidat"])[:2] == ["Rigaut", "Astorg"]


def test_round_shares_add_up_to_100_and_read_french(annecy):
    _, results = annecy
    rows, decimals = charts.round_shares(results, "presidentielle-2017", 1)
    assert decimals == 1
    assert round(rows["part"].sum(), 1) == 100
    assert rows.iloc[0]["part_label"] == f"28,7{NBSP}%"
    assert rows.iloc[0]["voix_label"] == f"18{NBSP}123"


def test_close_second_round_gets_two_decimals(annecy):
    totals, results = annecy
    figure = charts.donut(results, totals, "municipales-2020", 2)
    shares = list(figure.table["Part des exprimés"])
    assert shares == [f"44,65{NBSP}%", f"44,74{NBSP}%", f"10,61{NBSP}%"]
    assert "deux décimales" in figure.caption


def test_participation_adds_up_and_states_its_base(annecy):
    totals, _ = annecy
    table = charts.participation_table(totals, "presidentielle-2017")
    for _, rows in table.groupby("tour"):
        share = dict(zip(rows["categorie"], rows["part"]))
        assert round(share["Votants"] + share["Abstentions"], 1) == 100
    figure = charts.participation_bars(totals, "presidentielle-2017")
    assert "% des inscrits" in figure.caption


def test_figure_html_is_self_contained_and_accessible(annecy):
    totals, results = annecy
    html = charts.donut(results, totals, "presidentielle-2017", 2)
    page = html._repr_html_()
    assert 'class="carnet-chart"' in page
    assert 'alt="Graphique en anneau' in page
    assert "<table" in page and "Source : Ministère" in page
    external = re.findall(r'(?:src|href)="(https?://[^"]+)"', page)
    assert external == []
    assert "vega.github.io/schema" not in page


def test_waffle_fills_100_squares_per_round(annecy):
    _, results = annecy
    squares = charts.waffle_table(results, "municipales-2020")
    assert squares.groupby("tour").size().to_dict() == {
        "1er tour": 100, "2d tour": 100,
    }
    assert squares["colonne"].between(0, 9).all()
    figure = charts.waffle(results, "municipales-2020")
    assert list(figure.table.columns) == [
        "Candidat ou liste", "1er tour", "2d tour",
    ]
