"""Audit of the election charts published by the original logbook.

Each value printed on an original chart (``data/original_charts.yml``) is
compared with the share recomputed from the official results. A printed
value is right when it equals the exact share rounded at the precision it
is printed with. Where values are wrong, two explanations are tested
against the data: a figure typed with a digit missing, and the use of the
provisional figures published on election night.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import yaml

from carnet import DATA_DIR, elections, sources
from carnet.frnum import fr_decimal, fr_int

ORIGINAL_CHARTS_FILE = DATA_DIR / "original_charts.yml"
ORIGINALS_URL = (
    "https://raw.githubusercontent.com/datactivist/challengedata4/main/"
    "images_cdb/contenu/"
)
BASE_LABELS = {
    "exprimes": "% des exprimés",
    "votants": "% des votants",
    "inscrits": "% des inscrits",
}
PARTICIPATION = ("votants", "abstentions", "blancs", "nuls")
PROVISIONAL_CANDIDATES = [
    "MÉLENCHON", "LE PEN", "MACRON", "FILLON", "HAMON", "DUPONT-AIGNAN",
    "LASSALLE", "POUTOU", "ARTHAUD", "CHEMINADE", "ASSELINEAU",
]


@dataclass(frozen=True)
class Check:
    """One printed value and what the official data say."""

    chart: str
    value: str
    base: str
    printed: float
    decimals: int
    exact: float

    @property
    def is_right(self) -> bool:
        return matches(self.printed, self.exact, self.decimals)


def matches(printed: float, exact: float, decimals: int) -> bool:
    """True when ``exact`` rounds to ``printed`` at ``decimals``."""
    return abs(printed - exact) <= 0.5 * 10**-decimals + 1e-9


def load_original_charts(path: Path = ORIGINAL_CHARTS_FILE) -> list[dict]:
    """The printed values, read from the hand-made transcription file."""
    charts = yaml.safe_load(path.read_text(encoding="utf-8"))
    for position, chart in enumerate(charts, start=1):
        for field in ("file", "title", "election", "base", "values"):
            if field not in chart:
                raise ValueError(
                    f"{path}: chart {position} ({chart.get('file', '?')}) "
                    f"lacks the field {field!r}"
                )
        if chart["base"] not in BASE_LABELS:
            raise ValueError(
                f"{path}: chart {chart['file']}: base must be one of "
                f"{sorted(BASE_LABELS)}, found {chart['base']!r}"
            )
    return charts


def _round_counts(totals, results, election, tour):
    t = totals.query("election == @election and tour == @tour").iloc[0]
    r = results.query("election == @election and tour == @tour")
    counts = dict(zip(r["candidat"], r["voix"]))
    counts["Blancs"], counts["Nuls"] = t["blancs"], t["nuls"]
    return t, counts


def exact_share(totals, results, chart: dict, key: str) -> float:
    """The exact share, in percent, that a printed value stands for."""
    election, base = chart["election"], chart["base"]
    if "/" in key:
        category, tour = key.split("/")
        t, _ = _round_counts(totals, results, election, int(tour))
        return 100 * t[category] / t[base]

    t, counts = _round_counts(totals, results, election, chart["tour"])
    if key not in counts:
        raise ValueError(
            f"{ORIGINAL_CHARTS_FILE}: chart {chart['file']}: no candidate "
            f"or category {key!r} in {election} tour {chart['tour']} "
            f"(known: {', '.join(counts)})"
        )
    return 100 * counts[key] / t[base]


def checks(totals, results, charts=None) -> list[Check]:
    """Every printed value beside its exact share."""
    charts = charts if charts is not None else load_original_charts()
    found = []
    for chart in charts:
        for key, printed in chart["values"].items():
            found.append(Check(
                chart=chart["file"], value=key, base=chart["base"],
                printed=float(printed["printed"]),
                decimals=int(printed["decimals"]),
                exact=exact_share(totals, results, chart, key),
            ))
    return found


def _without_one_digit(number: int) -> set[int]:
    text = str(number)
    return {
        int(text[:i] + text[i + 1:])
        for i in range(len(text)) if len(text) > 1
    }


def dropped_digit(results, chart: dict) -> tuple[str, int, list[int]] | None:
    """A vote count typed with one digit missing that explains all the
    printed shares of a donut of exprimés, or None.

    Returns the candidate, the official voix and every mistyped count
    that reproduces the printed shares.
    """
    election, tour = chart["election"], chart["tour"]
    voix = dict(results.query(
        "election == @election and tour == @tour"
    )[["candidat", "voix"]].values)
    printed = chart["values"]

    for candidate, official in voix.items():
        explaining = []
        for typed in sorted(_without_one_digit(official)):
            trial = {**voix, candidate: typed}
            total = sum(trial.values())
            if all(
                matches(p["printed"], 100 * trial[name] / total,
                        p["decimals"])
                for name, p in printed.items()
            ):
                explaining.append(typed)
        if explaining:
            return candidate, official, explaining
    return None


def provisional_totals() -> dict[str, int]:
    """Totals of the 2017 first round as scraped on election night."""
    path = sources.acquire("pres2017_t1_provisional")
    return elections.read_scrape(path, PROVISIONAL_CANDIDATES)


def _provisional_explains(check: Check, provisional: dict) -> str | None:
    category, tour = check.value.split("/")
    if tour != "1":
        return None
    column = elections.TOTAL_COLUMNS_BY_NAME[category]
    base_column = elections.TOTAL_COLUMNS_BY_NAME[check.base]
    share = 100 * provisional[column] / provisional[base_column]
    if matches(check.printed, share, check.decimals):
        return (
            f"valeur des chiffres provisoires du soir du vote : "
            f"{fr_int(provisional[column])} sur "
            f"{fr_int(provisional[base_column])} inscrits, soit "
            f"{fr_decimal(share, 2)} %"
        )
    return None


def chart_notes(charts=None) -> list[tuple[str, str]]:
    """What the transcription noted beside the values: drawing, labels."""
    charts = charts if charts is not None else load_original_charts()
    return [
        (chart["title"], chart[field])
        for chart in charts
        for field in ("drawing", "unlabelled")
        if chart.get(field)
    ]


def audit_table(totals, results, charts=None) -> pd.DataFrame:
    """The audit, one row per printed value, in French, for the book."""
    charts = charts if charts is not None else load_original_charts()
    by_file = {c["file"]: c for c in charts}
    provisional = provisional_totals()
    rows = []

    for check in checks(totals, results, charts):
        chart = by_file[check.chart]
        explanation = ""
        if not check.is_right:
            if "/" in check.value:
                explanation = _provisional_explains(check, provisional) or ""
            else:
                typo = dropped_digit(results, chart)
                if typo:
                    name, official, typed = typo
                    variants = " ou ".join(fr_int(v) for v in typed)
                    explanation = (
                        f"toutes les parts imprimées se retrouvent si les "
                        f"{fr_int(official)} voix de {name} sont saisies "
                        f"avec un chiffre en moins ({variants})"
                    )
        rows.append({
            "Graphique": chart["title"],
            "Fichier": chart["file"],
            "Valeur": check.value.replace("/", ", tour "),
            "Base": BASE_LABELS[check.base],
            "Imprimé": fr_decimal(check.printed, check.decimals),
            "Recalculé": fr_decimal(check.exact, check.decimals + 2),
            "Verdict": "juste" if check.is_right else "faux",
            "Explication": explanation,
        })
    return pd.DataFrame(rows)
