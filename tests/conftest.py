"""Shared fixtures: the official election tables, loaded once."""

import pytest

from carnet import elections


@pytest.fixture(scope="session")
def annecy():
    """The four checked rounds of Annecy: (totals, results)."""
    return elections.load_all()
