"""The election tables as they are published: participation and results.

Both come from the checked official results (``elections.load_all``):
one row per round for the participation, one row per round and
candidate or list for the results. Shares are recomputed from the
counts, in percent with two decimals, and each column says its base.
"""

from __future__ import annotations

import datetime as dt
import logging
from pathlib import Path

import pandas as pd

from carnet import catalogue, elections, publish

log = logging.getLogger(__name__)

ROUND_DATES = {
    ("presidentielle-2017", 1): dt.date(2017, 4, 23),
    ("presidentielle-2017", 2): dt.date(2017, 5, 7),
    ("municipales-2020", 1): dt.date(2020, 3, 15),
    ("municipales-2020", 2): dt.date(2020, 6, 28),
}
PARTICIPATION_COLUMNS = [
    "election", "tour", "date_scrutin", "code_commune", "commune",
    "inscrits", "abstentions", "votants", "blancs", "nuls", "exprimes",
    "pct_votants_inscrits", "pct_abstentions_inscrits",
    "pct_blancs_votants", "pct_nuls_votants",
]
RESULT_COLUMNS = [
    "election", "tour", "date_scrutin", "code_commune", "commune",
    "panneau", "nuance", "liste", "sexe", "nom", "prenom", "voix",
    "pct_voix_exprimes", "sieges_cm", "sieges_cc",
]


def _round_dates(table: pd.DataFrame) -> pd.Series:
    keys = list(zip(table["election"], table["tour"]))
    unknown = sorted({k for k in keys if k not in ROUND_DATES})
    if unknown:
        raise ValueError(
            f"no polling date known for the round(s) {unknown}; expected "
            f"one of {sorted(ROUND_DATES)}"
        )
    return pd.to_datetime(pd.Series([ROUND_DATES[k] for k in keys],
                                    index=table.index))


def _percent(part: pd.Series, whole: pd.Series) -> pd.Series:
    return (100 * part / whole).round(2)


def participation_table(totals: pd.DataFrame) -> pd.DataFrame:
    """One row per round: counts and rates, each with its base."""
    table = totals.copy()
    table["date_scrutin"] = _round_dates(table)
    table["pct_votants_inscrits"] = _percent(table["votants"],
                                             table["inscrits"])
    table["pct_abstentions_inscrits"] = _percent(table["abstentions"],
                                                 table["inscrits"])
    table["pct_blancs_votants"] = _percent(table["blancs"],
                                           table["votants"])
    table["pct_nuls_votants"] = _percent(table["nuls"], table["votants"])
    return table[PARTICIPATION_COLUMNS].reset_index(drop=True)


def results_table(totals: pd.DataFrame,
                  results: pd.DataFrame) -> pd.DataFrame:
    """One row per round and candidate or list, share of the exprimés."""
    keys = ["election", "tour", "code_commune"]
    table = results.merge(
        totals[keys + ["commune", "exprimes"]], on=keys, how="left",
        validate="many_to_one",
    )
    if table["exprimes"].isna().any():
        first = table[table["exprimes"].isna()].iloc[0]
        raise ValueError(
            f"result row {first['election']} tour {first['tour']} "
            f"({first['nom']}) has no matching round in the totals"
        )
    table["date_scrutin"] = _round_dates(table)
    table["pct_voix_exprimes"] = _percent(table["voix"], table["exprimes"])
    for column in ("nuance", "liste", "sexe", "nom", "prenom"):
        table[column] = table[column].fillna("").astype("string")
    table = table.sort_values(
        ["date_scrutin", "voix"], ascending=[True, False], kind="stable"
    )
    return table[RESULT_COLUMNS].reset_index(drop=True)


def _write_all(table: pd.DataFrame, dataset_id: str,
               out_dir: Path) -> list[publish.Written]:
    metadata = catalogue.metadata_for_file(dataset_id)
    out_dir = Path(out_dir)
    return [
        publish.write_csv(table, out_dir / f"{dataset_id}.csv"),
        publish.write_xlsx(table, out_dir / f"{dataset_id}.xlsx", metadata),
    ]


def export_participation(out_dir: Path) -> list[publish.Written]:
    """Write the participation table as CSV and XLSX into ``out_dir``."""
    totals, _ = elections.load_all()
    return _write_all(participation_table(totals),
                      "elections-participation", out_dir)


def export_results(out_dir: Path) -> list[publish.Written]:
    """Write the results table as CSV and XLSX into ``out_dir``."""
    totals, results = elections.load_all()
    return _write_all(results_table(totals, results),
                      "elections-resultats", out_dir)
