"""French formatting and largest-remainder rounding."""

import pytest

from carnet import frnum

NBSP = "\u00a0"


def test_french_numbers():
    assert frnum.fr_int(12664) == f"12{NBSP}664"
    assert frnum.fr_percent(44.74) == f"44,7{NBSP}%"
    assert frnum.fr_decimal(1234.5, 2) == f"1{NBSP}234,50"


def test_largest_remainder_adds_up_to_100():
    counts = [18123, 15564, 11097, 8866, 4170, 3101, 789, 575, 520, 268,
              113]
    for decimals in (0, 1, 2):
        shares = frnum.largest_remainder(counts, decimals)
        assert round(sum(shares), decimals) == 100


def test_largest_remainder_gives_the_missing_unit_to_the_largest_rest():
    assert frnum.largest_remainder([1, 1, 1], 0) == [34.0, 33.0, 33.0]
    assert frnum.largest_remainder([2, 1], 1) == [66.7, 33.3]


def test_largest_remainder_rejects_empty_or_negative():
    with pytest.raises(ValueError):
        frnum.largest_remainder([0, 0])
    with pytest.raises(ValueError):
        frnum.largest_remainder([3, -1])


def test_precision_grows_until_different_scores_differ():
    shares, decimals = frnum.shares_keeping_order([12637, 12664, 3004])
    assert decimals == 2
    assert shares == [44.65, 44.74, 10.61]
    assert frnum.shares_keeping_order([2, 1])[1] == 1

