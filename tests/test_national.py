"""National-size files: they follow the real layouts and pass the checks,
and the column-wise parser gives exactly what the line-by-line one gave."""

import csv
import io

import pandas as pd
import pytest

from carnet import elections, national, sources
from tests import row_by_row_parser

ROWS = 400
SPECS = {spec.source_id: spec for spec in elections.ROUNDS}


@pytest.fixture(scope="module")
def generated(tmp_path_factory):
    directory = tmp_path_factory.mktemp("national")
    return {
        layout_id: national.write_file(layout_id, directory, ROWS, seed=7)
        for layout_id in national.LAYOUTS
    }


def _records(path, layout_id):
    layout = national.LAYOUTS[layout_id]
    text = path.read_bytes().decode(layout.encoding)
    return list(csv.reader(io.StringIO(text), delimiter=layout.spec.sep))


@pytest.mark.parametrize("layout_id", national.LAYOUTS)
def test_generated_file_has_the_real_header(generated, layout_id):
    template = national.read_template(national.LAYOUTS[layout_id])
    records = _records(generated[layout_id], layout_id)

    assert records[0] == template.header
    assert len(records) == ROWS + 1


@pytest.mark.parametrize("layout_id", national.LAYOUTS)
def test_generated_file_passes_the_checks(generated, layout_id):
    spec = SPECS[layout_id]
    totals, results = elections.parse_round(generated[layout_id], spec)

    elections.check_round(totals, results, layout_id)
    assert len(totals) == ROWS
    assert totals["code_commune"].is_unique
    assert (totals["exprimes"] > 0).all()


@pytest.mark.parametrize("layout_id", national.LAYOUTS)
def test_generated_blocks_come_from_the_annecy_row(generated, layout_id):
    layout = national.LAYOUTS[layout_id]
    template = national.read_template(layout)
    names = template.block_names
    real = {tuple(b[names.index("Nom")] for b in template.blocks)}
    _, results = elections.parse_round(generated[layout_id], layout.spec)

    per_commune = results.groupby("code_commune", sort=False)["nom"]
    sizes = per_commune.size()
    assert sizes.min() >= layout.min_blocks
    assert sizes.max() <= len(template.blocks)
    assert set(results["nom"]) <= {n for names in real for n in names}


def test_round_one_2020_lines_are_padded_to_one_width(generated):
    records = _records(generated["mun2020_t1"], "mun2020_t1")[1:]

    assert len({len(record) for record in records}) == 1
    assert any(record[-1] == "" for record in records)


def test_shares_use_the_layout_decimal_mark(generated):
    comma = _records(generated["mun2020_t2"], "mun2020_t2")[1]
    point = _records(generated["pres2017_t1"], "pres2017_t1")[1]

    assert "," in comma[6] and len(comma[6].split(",")[1]) == 2
    assert "." in point[6] or point[6].isdigit()


def test_same_seed_gives_the_same_file(tmp_path):
    first = national.write_file("pres2017_t2", tmp_path / "a", 50, seed=3)
    second = national.write_file("pres2017_t2", tmp_path / "b", 50, seed=3)
    other = national.write_file("pres2017_t2", tmp_path / "c", 50, seed=4)

    assert first.read_bytes() == second.read_bytes()
    assert first.read_bytes() != other.read_bytes()


def _assert_same_parse(path, spec):
    fast = elections.parse_round(path, spec)
    slow = row_by_row_parser.parse_round(path, spec)
    for mine, reference in zip(fast, slow):
        pd.testing.assert_frame_equal(mine, reference, check_exact=True)


@pytest.mark.parametrize(
    "spec", elections.ROUNDS, ids=lambda spec: spec.source_id
)
def test_real_annecy_rounds_parse_as_before(spec):
    _assert_same_parse(sources.acquire(spec.source_id), spec)


@pytest.mark.parametrize("layout_id", national.LAYOUTS)
def test_national_files_parse_as_before(generated, layout_id):
    _assert_same_parse(generated[layout_id], SPECS[layout_id])


def test_real_annecy_figures_are_unchanged():
    totals, results = elections.load_all()
    annecy = totals.set_index(["election", "tour"])
    voix = results.set_index(["election", "tour", "nom"])["voix"]

    assert annecy.loc[("presidentielle-2017", 1), "exprimes"] == 63186
    assert annecy.loc[("presidentielle-2017", 2), "inscrits"] == 81240
    assert annecy.loc[("municipales-2020", 1), "votants"] == 29392
    assert annecy.loc[("municipales-2020", 2), "abstentions"] == 52420
    assert voix[("presidentielle-2017", 1, "MACRON")] == 18123
    assert voix[("presidentielle-2017", 2, "LE PEN")] == 13052
    assert voix[("municipales-2020", 1, "DUPERTHUY")] == 2883
    assert voix[("municipales-2020", 2, "ASTORG")] == 12664
    assert len(results) == 11 + 2 + 7 + 3


def _rewritten(records, path):
    """Write records as a 2017 file (UTF-8, ';') and return its path."""
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=";", lineterminator="\n").writerows(records)
    path.write_text(buffer.getvalue(), encoding="utf-8")
    return path


def _round_two_2017(generated, tmp_path, line, field, value):
    """A copy of the generated 2017 round 2 with one field replaced."""
    records = _records(generated["pres2017_t2"], "pres2017_t2")
    records[line - 1][field] = value
    return _rewritten(records, tmp_path / "edited.csv")


def test_a_wrong_voix_is_named_by_line_and_field(generated, tmp_path):
    path = _round_two_2017(generated, tmp_path, 9, 21, "12a")

    with pytest.raises(elections.ElectionFileError) as error:
        elections.parse_round(path, SPECS["pres2017_t2"])
    assert "line 9" in str(error.value)
    assert "'Voix'" in str(error.value) and "'12a'" in str(error.value)


def test_a_count_that_is_not_whole_is_refused(generated, tmp_path):
    path = _round_two_2017(generated, tmp_path, 5, 4, "100.5")

    with pytest.raises(elections.ElectionFileError, match="line 5.*whole"):
        elections.parse_round(path, SPECS["pres2017_t2"])


def test_a_cut_block_is_refused(generated, tmp_path):
    records = _records(generated["pres2017_t2"], "pres2017_t2")
    records[3] = records[3][:-2]
    path = _rewritten(records, tmp_path / "cut.csv")

    with pytest.raises(elections.ElectionFileError, match="line 4.*blocks"):
        elections.parse_round(path, SPECS["pres2017_t2"])


def test_totals_that_do_not_add_up_stop_the_check(generated, tmp_path):
    records = _records(generated["pres2017_t2"], "pres2017_t2")
    records[2][4] = str(int(records[2][4]) + 1)
    path = _rewritten(records, tmp_path / "wrong.csv")
    totals, results = elections.parse_round(path, SPECS["pres2017_t2"])

    with pytest.raises(elections.ElectionCheckError, match="inscrits"):
        elections.check_round(totals, results, "wrong.csv")


def test_measure_reports_the_file_and_the_memory(generated):
    figures = national.measure("mun2020_t1", generated["mun2020_t1"])

    assert figures["communes"] == ROWS
    assert figures["results"] >= ROWS
    assert figures["peak_mb"] >= figures["baseline_mb"] > 0


def test_spaced_and_padded_numbers_parse_as_before(generated, tmp_path):
    records = _records(generated["pres2017_t2"], "pres2017_t2")
    records[1][4] = "1\u00a0" + records[1][4]
    records[2][21] = f" {records[2][21]} "
    records[3][9] = records[3][9] + ".0"
    path = _rewritten(records, tmp_path / "spaced.csv")

    _assert_same_parse(path, SPECS["pres2017_t2"])
    totals, _ = elections.parse_round(path, SPECS["pres2017_t2"])
    assert totals.loc[0, "inscrits"] == int("1" + records[1][4][2:])
