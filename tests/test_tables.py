"""French cells of the book's tables."""

import pandas as pd

from carnet.tables import french_cell, show


def test_numbers_are_written_the_french_way():
    assert french_cell(12664) == "12\u00a0664"
    assert french_cell(44.74) == "44,7"
    assert french_cell(True) == "oui"
    assert french_cell(None) == ""
    assert french_cell(float("nan")) == ""
    assert french_cell("texte") == "texte"


def test_show_escapes_and_drops_the_index():
    html = show(pd.DataFrame({"a": ["<b>"], "n": [1000]})).data
    assert "&lt;b&gt;" in html and "1\u00a0000" in html
    assert "<th></th>" not in html


def test_numpy_and_pandas_scalars_are_french_too():
    import numpy as np

    assert french_cell(np.bool_(False)) == "non"
    assert french_cell(np.int64(81502)) == "81\u00a0502"
    assert french_cell(pd.NA) == ""
