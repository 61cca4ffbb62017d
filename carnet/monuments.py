"""Monuments historiques of Annecy: read, place, complete and check.

The only machine-readable list we have is a derived export of the Mérimée
base: a JavaScript file holding one array, one monument a line, selected by
a bounding box around Annecy. It has no commune column, its "Grade" column
holds the kind of legal act rather than the level of protection, and its
dates are broken. This module reads it without running it, keeps the
monuments whose point lies inside the commune, joins the facts gathered by
hand from public pages (keeping where each value came from), and accounts
for every row.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import math
import re
from dataclasses import dataclass
from pathlib import Path

import numpy
import pandas as pd
import shapely
import yaml
from shapely.geometry import Point
from shapely.geometry.base import BaseGeometry

from carnet import DATA_DIR, sources
from carnet.frnum import fr_int

log = logging.getLogger(__name__)

EXPORT_SOURCE = "merimee_tile"
FACTS_SOURCE = "monument_facts"
EXPORT_LABEL = "export Mérimée (dérivé, tuile 2123342651)"
BOUNDARY_LABEL = "calcul : point dans le contour IGN ADMIN EXPRESS 2018"
NOTICE_LABEL = "adresse construite à partir de la référence"
NOTICE_URL = "https://www.pop.culture.gouv.fr/notice/merimee/{}"

EXPORT_COLUMNS = (
    "latitude", "longitude", "reference", "nom", "grade", "list_date",
    "lien_archives", "datation",
)
REFERENCE_PATTERN = re.compile(r"^PA\d{8}$")
ARRAY_START = re.compile(r"^var\s+[A-Za-z_$][\w$]*\s*=\s*\[$")
ARRAY_END = re.compile(r"^\];?$")

DATE_PATTERN = re.compile(
    r"^(Mon|Tue|Wed|Thu|Fri|Sat|Sun), (\d{2}) "
    r"(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) (\d{4})$"
)
MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun",
          "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.timezone.utc)
# Any count of seconds that fits in 32 bits (every date up to 2038), read
# as milliseconds, lands before this instant: 2**31 ms after the epoch.
SECONDS_AS_MS_LIMIT = EPOCH + dt.timedelta(milliseconds=2**31)

# The communes merged into the commune nouvelle of Annecy on 1 January
# 2017: a monument protected under one of these names is now in 74010.
ANNECY_COMMUNES = (
    "Annecy", "Annecy-le-Vieux", "Cran-Gevrier", "Meythet", "Pringy",
    "Seynod",
)
SERIES_PREFIX = "PA00"
SERIES_MAX_GAP = 3
SERIES_MIN_RUN = 5
MIN_DECIMALS = 4
CLOSE_PAIR_METRES = 10.0
NEAR_BOUNDARY_METRES = 100.0
METRES_PER_DEGREE_LAT = 111_132.0
METRES_PER_DEGREE_LON_EQUATOR = 111_320.0

FACT_FIELDS = ("nom_usuel", "adresse", "protection", "date_protection")
FACTS_COLUMNS = (
    "reference", "name", "commune", "address", "protection",
    "protection_dates", "source_urls", "notes",
)


class MonumentDataError(ValueError):
    """A monument file does not have the shape this module expects."""


# --- Reading -------------------------------------------------------------


def _check_row(values: object, path: Path, number: int) -> list:
    where = f"{path.name}, line {number}"
    if not isinstance(values, list) or not 7 <= len(values) <= 9:
        size = len(values) if isinstance(values, list) else "no"
        raise MonumentDataError(
            f"{where}: expected an array of 7 to 9 values, found {size} "
            f"({type(values).__name__})"
        )
    for position, name in ((0, "latitude"), (1, "longitude")):
        value = values[position]
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise MonumentDataError(
                f"{where}, field {name}: expected a number, found {value!r}"
            )
    reference = values[2]
    if not isinstance(reference, str) or not REFERENCE_PATTERN.match(
        reference
    ):
        raise MonumentDataError(
            f"{where}, field reference: expected 'PA' and 8 digits, "
            f"found {reference!r}"
        )
    if not isinstance(values[3], str) or not values[3].strip():
        raise MonumentDataError(
            f"{where}, field nom: expected a name, found {values[3]!r}"
        )
    for position in range(4, min(len(values), 8)):
        value = values[position]
        if value is not None and not isinstance(value, str):
            raise MonumentDataError(
                f"{where}, field {EXPORT_COLUMNS[position]}: expected text "
                f"or null, found {value!r}"
            )
    return values


def parse_export(path: Path) -> pd.DataFrame:
    """Read the rows of the JavaScript array, without running the script.

    The file is expected to hold comment lines, one ``var name = [`` line,
    one JSON array a line (each followed by a comma) and a closing ``]``.
    Anything else stops with an error that names the line.
    """
    path = Path(path)
    lines = path.read_text(encoding="utf-8").splitlines()
    rows, state = [], "before"

    for number, raw in enumerate(lines, start=1):
        line = raw.strip()
        if state == "before":
            if not line or line.startswith("//"):
                continue
            if not ARRAY_START.match(line):
                raise MonumentDataError(
                    f"{path.name}, line {number}: expected "
                    f"'var <name> = [', found {line[:60]!r}"
                )
            state = "inside"
        elif state == "inside":
            if ARRAY_END.match(line):
                state = "after"
                continue
            try:
                values = json.loads(line.removesuffix(","))
            except json.JSONDecodeError as error:
                raise MonumentDataError(
                    f"{path.name}, line {number}: expected one JSON array "
                    f"followed by a comma, found {line[:60]!r} ({error.msg})"
                ) from error
            values = _check_row(values, path, number)
            padded = (values + [None] * 8)[:8]
            rows.append({"ligne": number, **dict(zip(EXPORT_COLUMNS,
                                                     padded))})
        elif line and line != ";":
            raise MonumentDataError(
                f"{path.name}, line {number}: expected nothing after the "
                f"closing ']', found {line[:60]!r}"
            )

    if state != "after":
        missing = "'var <name> = ['" if state == "before" else "']'"
        raise MonumentDataError(
            f"{path.name}: the array is incomplete, {missing} not found"
        )
    log.info("%s : %d lignes lues", path.name, len(rows))
    return pd.DataFrame(rows)


def read_export() -> pd.DataFrame:
    """The Mérimée-derived export, acquired through the registry."""
    return parse_export(sources.acquire(EXPORT_SOURCE))


def read_facts(path: Path | None = None) -> pd.DataFrame:
    """The facts table, without its ``notes`` column.

    The notes hold caveats and guesses: they are read by people, never
    published, so they are dropped here.
    """
    path = path if path is not None else sources.acquire(FACTS_SOURCE)
    facts = pd.read_csv(path, dtype=str, keep_default_na=False,
                        encoding="utf-8")
    missing = [c for c in FACTS_COLUMNS if c not in facts.columns]
    if missing:
        raise MonumentDataError(
            f"{Path(path).name}: missing column(s) {', '.join(missing)} "
            f"(found: {', '.join(facts.columns)})"
        )
    duplicated = facts.loc[facts["reference"].duplicated(), "reference"]
    if not duplicated.empty:
        raise MonumentDataError(
            f"{Path(path).name}: each reference must appear once, found "
            f"twice: {', '.join(duplicated)}"
        )
    facts = facts.drop(columns="notes")
    return facts.apply(lambda column: column.str.strip())


# --- Broken dates ----------------------------------------------------------


def parse_list_date(text: str | None) -> dt.datetime | None:
    """A date of the export ("Fri, 09 Jan 1970") as a UTC datetime."""
    if text is None or pd.isna(text):
        return None
    match = DATE_PATTERN.match(text)
    if not match:
        raise MonumentDataError(
            f"list_date: expected a date like 'Fri, 09 Jan 1970', "
            f"found {text!r}"
        )
    _, day, month, year = match.groups()
    return dt.datetime(int(year), MONTHS.index(month) + 1, int(day),
                       tzinfo=dt.timezone.utc)


def is_seconds_read_as_ms(moment: dt.datetime | None) -> bool:
    """True for a date that can only be seconds read as milliseconds.

    A count of seconds since 1970 read as milliseconds is divided by 1000:
    every date up to 2038 then lands in the first 24.8 days of 1970. No
    notice of the Mérimée base dates from January 1970, so a date before
    that limit is taken as broken.
    """
    return moment is not None and moment < SECONDS_AS_MS_LIMIT


def seconds_window(moment: dt.datetime) -> tuple[dt.date, dt.date]:
    """The dates the broken value may stand for, seconds read as ms.

    The export keeps only the day, so the value in milliseconds lies
    somewhere in that day; read as seconds, it spans about 2.7 years.
    """
    start_ms = (moment - EPOCH) // dt.timedelta(milliseconds=1)
    end_ms = start_ms + 86_400_000
    first = EPOCH + dt.timedelta(seconds=start_ms)
    last = EPOCH + dt.timedelta(seconds=end_ms - 1)
    return first.date(), last.date()


def date_diagnosis(export: pd.DataFrame) -> pd.DataFrame:
    """Each export date, whether it is broken, and what it may stand for."""
    rows = []
    for _, row in export.iterrows():
        moment = parse_list_date(row["list_date"])
        broken = is_seconds_read_as_ms(moment)
        first, last = seconds_window(moment) if broken else (None, None)
        rows.append({
            "reference": row["reference"],
            "date_export": row["list_date"],
            "date_lue": moment.date() if moment else None,
            "cassee": broken,
            "fenetre_debut": first,
            "fenetre_fin": last,
        })
    return pd.DataFrame(rows)


# --- Place -----------------------------------------------------------------


def to_metres(lon: float, lat: float, origin_lat: float) -> tuple:
    """Local planar coordinates in metres (fine at the scale of a town)."""
    scale = math.cos(math.radians(origin_lat))
    return (lon * METRES_PER_DEGREE_LON_EQUATOR * scale,
            lat * METRES_PER_DEGREE_LAT)


def _metric(geometry: BaseGeometry, origin_lat: float) -> BaseGeometry:
    def project(coords):
        x, y = to_metres(coords[:, 0], coords[:, 1], origin_lat)
        return numpy.column_stack([x, y])

    return shapely.transform(geometry, project)


def is_inside(boundary: BaseGeometry, lat: float, lon: float) -> bool:
    """The membership rule: the point lies in the commune or on its edge."""
    return boundary.covers(Point(lon, lat))


def place(export: pd.DataFrame, boundary: BaseGeometry) -> pd.DataFrame:
    """Each row with its membership and its distance to the commune edge."""
    origin_lat = boundary.centroid.y
    edge = _metric(boundary.boundary, origin_lat)
    placed = export[["reference", "nom", "latitude", "longitude"]].copy()
    placed["dans_annecy"] = [
        is_inside(boundary, lat, lon)
        for lat, lon in zip(export["latitude"], export["longitude"])
    ]
    placed["distance_limite_m"] = [
        round(edge.distance(Point(to_metres(lon, lat, origin_lat))))
        for lat, lon in zip(export["latitude"], export["longitude"])
    ]
    return placed


def decimals(value: float) -> int:
    """Decimals written for a coordinate (shortest exact form)."""
    text = repr(float(value))
    return len(text.split(".")[1]) if "." in text else 0


def coordinate_checks(placed: pd.DataFrame) -> pd.DataFrame:
    """Per row: decimals, nearest other point, and the flags they raise."""
    origin_lat = placed["latitude"].mean()
    points = [to_metres(lon, lat, origin_lat) for lat, lon in
              zip(placed["latitude"], placed["longitude"])]
    nearest, nearest_ref = [], []
    for i, (x, y) in enumerate(points):
        best, best_ref = math.inf, None
        for j, (u, v) in enumerate(points):
            if i != j and math.hypot(x - u, y - v) < best:
                best = math.hypot(x - u, y - v)
                best_ref = placed["reference"].iloc[j]
        nearest.append(round(best, 1))
        nearest_ref.append(best_ref)

    checks = placed[["reference", "nom", "dans_annecy",
                     "distance_limite_m"]].copy()
    checks["decimales"] = [
        min(decimals(a), decimals(b))
        for a, b in zip(placed["latitude"], placed["longitude"])
    ]
    checks["voisin_le_plus_proche"] = nearest_ref
    checks["distance_voisin_m"] = nearest
    checks["precision_suffisante"] = checks["decimales"] >= MIN_DECIMALS
    checks["doublon_possible"] = checks["distance_voisin_m"] < (
        CLOSE_PAIR_METRES
    )
    checks["pres_de_la_limite"] = checks["distance_limite_m"] < (
        NEAR_BOUNDARY_METRES
    )
    return checks


def missing_from_series(references) -> list[str]:
    """References absent from a numbered run of the national series.

    The PA00 references were numbered department by department, commune
    by commune: a gap of a few numbers inside a run of at least
    ``SERIES_MIN_RUN`` references points at a notice that exists but did
    not reach the export. The PA74 references are numbered in order of
    protection across the whole department, so their gaps say nothing.
    """
    numbers = sorted(
        int(reference[2:]) for reference in references
        if reference.startswith(SERIES_PREFIX)
    )
    runs, current = [], numbers[:1]
    for number in numbers[1:]:
        if number - current[-1] <= SERIES_MAX_GAP + 1:
            current.append(number)
        else:
            runs.append(current)
            current = [number]
    runs.append(current)

    gaps = []
    for run in runs:
        if len(run) >= SERIES_MIN_RUN:
            present = set(run)
            gaps += [f"PA{n:08d}" for n in range(run[0], run[-1] + 1)
                     if n not in present]
    return gaps


# --- Completing ------------------------------------------------------------


def protection_level(text: str) -> str:
    """'classé' or 'inscrit' when the fact states one level, else ''."""
    lowered = text.lower()
    levels = [word for word in ("classé", "inscrit") if word in lowered]
    if len(levels) != 1 or "not stated" in lowered:
        return ""
    return levels[0]


DATE_TOKEN = re.compile(r"\b(\d{4}-\d{2}-\d{2}|\d{4})\b")


def protection_date(text: str) -> tuple[str, str]:
    """The protection date(s) of a fact, and why one may be left out.

    Dates of successive acts are kept in order ("1902 ; 1959-10-12").
    When the sources disagree on one act (values separated by " / "),
    none is published: the value is unknown, and the reason says so.
    """
    if not text:
        return "", ""
    if " / " in text or "disagree" in text.lower():
        return "", "sources en désaccord"
    return " ; ".join(DATE_TOKEN.findall(text)), ""


WORDING_FILE = DATA_DIR / "monuments_libelles.yml"


def french_wording(
    field: str, text: str, wording: dict | None = None
) -> tuple[str, list[str]]:
    """The value in French, and the English fragments replaced in it.

    The replacements come from ``data/monuments_libelles.yml``; a value
    still holding a fragment of English after them is left as it is.
    """
    wording = wording if wording is not None else yaml.safe_load(
        WORDING_FILE.read_text(encoding="utf-8")
    )
    replaced = []
    for english, french in wording.get(field, {}).items():
        if english in text:
            text = text.replace(english, french)
            replaced.append(english.strip(" (;)"))
    return text.strip(), replaced


def clean_usual_name(text: str) -> str:
    """The name read on a page; '' when it only repeats the export."""
    if "(name from the tile file)" in text:
        return ""
    return text


def _text(value: object) -> str:
    """Text of a cell, '' when it is missing."""
    return "" if value is None or pd.isna(value) else str(value)


def complete(kept: pd.DataFrame, facts: pd.DataFrame) -> pd.DataFrame:
    """Join the facts to the kept monuments, with the source of each field.

    A field no page established stays empty; its source column says so.
    """
    facts = facts.set_index("reference")
    no_fact = {column: "" for column in facts.columns}
    wording = yaml.safe_load(WORDING_FILE.read_text(encoding="utf-8"))
    rows = []
    for _, monument in kept.iterrows():
        reference = monument["reference"]
        fact = (facts.loc[reference] if reference in facts.index
                else no_fact)
        date, date_reason = protection_date(fact["protection_dates"])
        name, name_replaced = french_wording(
            "nom_usuel", clean_usual_name(fact["name"]), wording
        )
        address, address_replaced = french_wording(
            "adresse", fact["address"], wording
        )
        values = {
            "nom_usuel": name,
            "adresse": address,
            "protection": protection_level(fact["protection"]),
            "date_protection": date,
        }
        reasons = {"date_protection": date_reason}
        if fact["protection"] and not values["protection"]:
            reasons["protection"] = "niveau (classé ou inscrit) non précisé"
        if fact["name"] and not values["nom_usuel"]:
            reasons["nom_usuel"] = "seul le nom de l'export est connu"
        former = fact["commune"]

        row = {
            "reference": reference,
            "nom": monument["nom"],
            "nom_source": EXPORT_LABEL,
            "commune": "Annecy",
            "code_insee": "74010",
            "commune_source": BOUNDARY_LABEL,
            "commune_historique": former
            if former in ANNECY_COMMUNES and former != "Annecy" else "",
        }
        for name in FACT_FIELDS:
            row[name] = values[name]
            if values[name]:
                row[f"{name}_source"] = fact["source_urls"]
            elif reasons.get(name):
                row[f"{name}_source"] = f"inconnue : {reasons[name]}"
            else:
                row[f"{name}_source"] = "inconnue : aucune page trouvée"
        row.update({
            "latitude": monument["latitude"],
            "longitude": monument["longitude"],
            "coordonnees_source": EXPORT_LABEL,
            "notice_officielle": NOTICE_URL.format(reference),
            "notice_source": NOTICE_LABEL,
            "lien_archives": _text(monument["lien_archives"]),
            "traductions": " | ".join(
                [f"nom_usuel: {r}" for r in name_replaced]
                + [f"adresse: {r}" for r in address_replaced]
            ),
        })
        rows.append(row)
    return pd.DataFrame(rows)


# --- The whole pipeline ----------------------------------------------------


@dataclass
class MonumentsResult:
    """Everything the book shows about the monuments."""

    export: pd.DataFrame
    dates: pd.DataFrame
    placed: pd.DataFrame
    checks: pd.DataFrame
    kept: pd.DataFrame
    set_aside: pd.DataFrame
    completed: pd.DataFrame
    missing: list[str]
    log: pd.DataFrame


def account(rows_in: int, kept: int, set_aside: int) -> None:
    """Rows in must equal rows kept plus rows set aside."""
    if rows_in != kept + set_aside:
        raise MonumentDataError(
            f"row accounting: {rows_in} rows in, but {kept} kept and "
            f"{set_aside} set aside ({kept + set_aside})"
        )


def build(
    export: pd.DataFrame,
    facts: pd.DataFrame,
    boundary: BaseGeometry,
) -> MonumentsResult:
    """From the raw export to the completed list, with the quality log."""
    dates = date_diagnosis(export)
    placed = place(export, boundary)
    checks = coordinate_checks(placed)
    log_rows = []

    duplicated = export["reference"].duplicated()
    outside = ~placed["dans_annecy"]
    set_aside_mask = outside | duplicated
    for index in export.index[set_aside_mask]:
        reference = export.at[index, "reference"]
        if duplicated[index]:
            reason = "référence déjà vue plus haut dans l'export"
        else:
            distance = placed.at[index, "distance_limite_m"]
            reason = (f"point hors du contour de la commune d'Annecy, à "
                      f"{fr_int(distance)} m de la limite")
        log_rows.append({"reference": reference, "action": "écartée",
                         "champ": "", "motif": reason})

    kept = export[~set_aside_mask].reset_index(drop=True)
    set_aside = placed[set_aside_mask].reset_index(drop=True)
    set_aside["motif"] = [r["motif"] for r in log_rows]
    account(len(export), len(kept), len(set_aside))

    for _, row in dates[dates["cassee"]].iterrows():
        if row["reference"] in set(kept["reference"]):
            log_rows.append({
                "reference": row["reference"], "action": "retirée",
                "champ": "date",
                "motif": "date de janvier 1970 : secondes lues comme "
                         "des millisecondes",
            })
    completed = complete(kept, facts)
    for _, row in completed.iterrows():
        for replaced in filter(None, row["traductions"].split(" | ")):
            field, fragment = replaced.split(": ", 1)
            log_rows.append({
                "reference": row["reference"], "action": "reformulée",
                "champ": field,
                "motif": f"note anglaise du relevé remplacée : « {fragment} »",
            })
        for name in FACT_FIELDS:
            if row[name]:
                log_rows.append({
                    "reference": row["reference"], "action": "complétée",
                    "champ": name, "motif": "relevé sur des pages publiques",
                })

    missing = missing_from_series(export["reference"])
    log.info(
        "Monuments : %d lus, %d dans Annecy, %d écartés, %d références "
        "absentes de l'export", len(export), len(kept), len(set_aside),
        len(missing),
    )
    return MonumentsResult(
        export=export, dates=dates, placed=placed, checks=checks, kept=kept,
        set_aside=set_aside, completed=completed, missing=missing,
        log=pd.DataFrame(log_rows, columns=["reference", "action", "champ",
                                            "motif"]),
    )


def load() -> MonumentsResult:
    """Run the pipeline on the sources of the registry."""
    from carnet.maps import annecy_boundary

    return build(read_export(), read_facts(), annecy_boundary())


# --- Quality report --------------------------------------------------------


COMPLETENESS_FIELDS = {
    "nom": "Nom",
    "adresse": "Adresse",
    "protection": "Protection (classé ou inscrit)",
    "date_protection": "Date de protection",
    "coordonnees": "Coordonnées",
    "notice_officielle": "Lien vers la notice officielle",
}


def completeness(result: MonumentsResult) -> pd.DataFrame:
    """Filled values per field among the kept rows, before and after.

    Before: what the export alone gives (its "Grade" is the kind of act,
    not the level of protection; its dates are broken; it has no address).
    After: with the facts joined and the notice address built.
    """
    kept, done = result.kept, result.completed
    grade_levels = kept["grade"].map(_text).map(protection_level)
    grade_is_level = grade_levels.astype(bool)
    before = {
        "nom": kept["nom"].astype(bool).sum(),
        "adresse": 0,
        "protection": grade_is_level.sum(),
        "date_protection": (~result.dates.set_index("reference")
                            .loc[kept["reference"], "cassee"]).sum(),
        "coordonnees": kept["latitude"].notna().sum(),
        "notice_officielle": 0,
    }
    after = {
        "nom": done["nom"].astype(bool).sum(),
        "adresse": done["adresse"].astype(bool).sum(),
        "protection": done["protection"].astype(bool).sum(),
        "date_protection": done["date_protection"].astype(bool).sum(),
        "coordonnees": done["latitude"].notna().sum(),
        "notice_officielle": done["notice_officielle"].astype(bool).sum(),
    }
    rows = [
        {"Champ": label, "Export seul": int(before[key]),
         "Après la jointure": int(after[key]),
         "Restés vides": len(done) - int(after[key])}
        for key, label in COMPLETENESS_FIELDS.items()
    ]
    return pd.DataFrame(rows)


def summary(result: MonumentsResult) -> dict[str, int]:
    """The counts the book and the closing note give."""
    done = result.completed
    complete_rows = done[["adresse", "protection", "date_protection"]].astype(
        bool
    ).all(axis=1)
    return {
        "lignes_export": len(result.export),
        "dans_annecy": len(result.kept),
        "ecartees": len(result.set_aside),
        "absentes_export": len(result.missing),
        "completees": int(done[list(FACT_FIELDS)].astype(bool).any(axis=1)
                          .sum()),
        "completes": int(complete_rows.sum()),
        "incompletes": int((~complete_rows).sum()),
        "dates_cassees": int(result.dates["cassee"].sum()),
    }


# --- Tables for the book ---------------------------------------------------


def dates_table(result: MonumentsResult) -> pd.DataFrame:
    """The distinct export dates, how many rows carry each, what they hide."""
    dates = result.dates
    grouped = dates.groupby(["date_export", "date_lue"], sort=False).agg(
        lignes=("reference", "size"),
        cassee=("cassee", "all"),
        debut=("fenetre_debut", "first"),
        fin=("fenetre_fin", "first"),
    ).reset_index().sort_values("date_lue")
    return pd.DataFrame({
        "Date dans l'export": grouped["date_export"],
        "Lignes": grouped["lignes"],
        "Cassée": grouped["cassee"].map({True: "oui", False: "non"}),
        "Relue en secondes : du": grouped["debut"],
        "au": grouped["fin"],
    }).reset_index(drop=True)


def commune_crosscheck(
    result: MonumentsResult, facts: pd.DataFrame
) -> pd.DataFrame:
    """The point-in-polygon decision beside the commune read on pages."""
    read = facts.set_index("reference")["commune"]
    placed = result.placed
    pages = placed["reference"].map(read).fillna("")
    agrees = [
        "" if not page else (
            "oui" if (page in ANNECY_COMMUNES) == inside else "non"
        )
        for page, inside in zip(pages, placed["dans_annecy"])
    ]
    return pd.DataFrame({
        "Référence": placed["reference"],
        "Nom (export)": placed["nom"],
        "Point dans Annecy": placed["dans_annecy"].map(
            {True: "oui", False: "non"}
        ),
        "Distance à la limite (m)": placed["distance_limite_m"],
        "Commune lue sur les pages": pages,
        "Accord": agrees,
    })


def set_aside_table(result: MonumentsResult) -> pd.DataFrame:
    """The rows set aside, each with its reason."""
    return result.set_aside.rename(columns={
        "reference": "Référence", "nom": "Nom (export)",
        "motif": "Motif",
    })[["Référence", "Nom (export)", "Motif"]]


def provenance_table(result: MonumentsResult) -> pd.DataFrame:
    """For each completed field, how many values and where they came from."""
    done = result.completed
    rows = []
    for name, label in (("nom_usuel", "Nom usuel"), ("adresse", "Adresse"),
                        ("protection", "Protection"),
                        ("date_protection", "Date de protection")):
        sources_used = done.loc[done[name].astype(bool),
                                f"{name}_source"]
        hosts = sorted({
            re.sub(r"^https?://(www\.)?([^/]+).*$", r"\2", url.strip())
            for cell in sources_used for url in cell.split(" | ")
        })
        reasons = done.loc[~done[name].astype(bool), f"{name}_source"]
        rows.append({
            "Champ": label,
            "Valeurs relevées": int(done[name].astype(bool).sum()),
            "Sites des lignes complétées": ", ".join(hosts),
            "Restées vides": len(reasons),
            "Pourquoi": " ; ".join(
                f"{reason.removeprefix('inconnue : ')} ({count})"
                for reason, count in reasons.value_counts().items()
            ),
        })
    return pd.DataFrame(rows)


def coordinate_summary(result: MonumentsResult) -> pd.DataFrame:
    """The checks on the coordinates of the kept rows, one line each."""
    checks = result.checks[result.checks["dans_annecy"]]
    closest = checks.loc[checks["distance_voisin_m"].idxmin()]
    return pd.DataFrame([
        {"Contrôle": "Point dans le contour de la commune",
         "Résultat": f"{len(checks)} sur {len(checks)}"},
        {"Contrôle": "Décimales des coordonnées (min – max)",
         "Résultat": f"{checks['decimales'].min()} – "
                     f"{checks['decimales'].max()}"},
        {"Contrôle": f"Moins de {MIN_DECIMALS} décimales (plus de 10 m "
                     "d'incertitude)",
         "Résultat": str(int((~checks["precision_suffisante"]).sum()))},
        {"Contrôle": f"Points à moins de {NEAR_BOUNDARY_METRES:.0f} m de "
                     "la limite",
         "Résultat": str(int(checks["pres_de_la_limite"].sum()))},
        {"Contrôle": "Références en double",
         "Résultat": str(int(result.export["reference"].duplicated()
                             .sum()))},
        {"Contrôle": f"Paires de points à moins de "
                     f"{CLOSE_PAIR_METRES:.0f} m",
         "Résultat": str(int(checks["doublon_possible"].sum()) // 2)},
        {"Contrôle": "Plus petite distance entre deux monuments",
         "Résultat": f"{closest['distance_voisin_m']:.0f} m "
                     f"({closest['reference']} et "
                     f"{closest['voisin_le_plus_proche']})"},
    ])


def accounting_table(result: MonumentsResult) -> pd.DataFrame:
    """Rows in, kept, set aside, and the changes of the log by kind."""
    counts = summary(result)
    by_action = result.log["action"].value_counts()
    return pd.DataFrame([
        {"Étape": "Lignes lues dans l'export",
         "Nombre": counts["lignes_export"]},
        {"Étape": "Lignes gardées (dans Annecy)",
         "Nombre": counts["dans_annecy"]},
        {"Étape": "Lignes écartées", "Nombre": counts["ecartees"]},
        {"Étape": "Dates cassées retirées (lignes gardées)",
         "Nombre": int(by_action.get("retirée", 0))},
        {"Étape": "Valeurs complétées depuis les pages",
         "Nombre": int(by_action.get("complétée", 0))},
        {"Étape": "Monuments complets (adresse, protection, date)",
         "Nombre": counts["completes"]},
        {"Étape": "Monuments encore incomplets",
         "Nombre": counts["incompletes"]},
        {"Étape": "Références de la série absentes de l'export",
         "Nombre": counts["absentes_export"]},
    ])


def public_table(result: MonumentsResult) -> pd.DataFrame:
    """The list for readers: one row a monument, French headers."""
    done = result.completed
    return pd.DataFrame({
        "Référence": done["reference"],
        "Nom": done["nom"],
        "Protection": done["protection"].replace("", "inconnue"),
        "Date de protection": done["date_protection"].replace(
            "", "inconnue"
        ),
        "Adresse": done["adresse"],
        "Commune déléguée": done["commune_historique"],
    })


def map_points(result: MonumentsResult) -> pd.DataFrame:
    """The list for readers, with the coordinates and the notice link."""
    done = result.completed
    return public_table(result).assign(
        latitude=done["latitude"],
        longitude=done["longitude"],
        notice_officielle=done["notice_officielle"],
    )


# --- Published files -------------------------------------------------------


DATASET_ID = "monuments-historiques"
PUBLISHED_DIR = DATA_DIR / "published" / DATASET_ID


def published_table(result: MonumentsResult) -> pd.DataFrame:
    """The completed list as published: every field with its source.

    The record of English notes reworded stays in the quality log.
    """
    return result.completed.drop(columns=["traductions"])


def export_monuments(out_dir: Path = PUBLISHED_DIR) -> list:
    """Write the list as CSV (UTF-8), XLSX and GeoJSON into ``out_dir``."""
    from carnet import catalogue, publish

    table = published_table(load())
    out_dir = Path(out_dir)
    stem = out_dir / DATASET_ID
    return [
        publish.write_csv(table, stem.with_suffix(".csv")),
        publish.write_xlsx(table, stem.with_suffix(".xlsx"),
                           catalogue.metadata_for_file(DATASET_ID)),
        publish.write_geojson(table, stem.with_suffix(".geojson"),
                              lat="latitude", lon="longitude"),
    ]
