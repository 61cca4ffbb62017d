"""Official election results: parse the Ministry's wide files and check them.

The Ministry of the Interior publishes one row per commune, with the totals
of the round (inscrits, abstentions, votants, blancs, nuls, exprimés) then
one block of columns per candidate or list. The layouts differ between
elections: separator, decimal mark, and the columns of a block.
This module turns any of them into two tidy tables:

* ``totals``: one row per commune and round;
* ``results``: one row per commune, round and candidate (or list).

Each round is checked: inscrits = abstentions + votants;
votants = blancs + nuls + exprimés; the voix add up to the exprimés.
"""

from __future__ import annotations

import csv
import io
import logging
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from carnet import sources

log = logging.getLogger(__name__)

TOTAL_COLUMNS = {
    "Inscrits": "inscrits",
    "Abstentions": "abstentions",
    "Votants": "votants",
    "Blancs": "blancs",
    "Nuls": "nuls",
    "Exprimés": "exprimes",
}
TOTAL_COLUMNS_BY_NAME = {
    name: column for column, name in TOTAL_COLUMNS.items()
}
BLOCK_COLUMNS = {
    "N°Panneau": "panneau",
    "N.Pan.": "panneau",
    "Code Nuance": "nuance",
    "Sexe": "sexe",
    "Nom": "nom",
    "Prénom": "prenom",
    "Liste": "liste",
    "Sièges / Elu": "sieges_cm",
    "Sièges CC": "sieges_cc",
    "Voix": "voix",
    "% Voix/Exp": "pct_voix_exp_fichier",
}
LAST_FIXED_COLUMN = "% Exp/Vot"
ID_COLUMNS = [
    "Code du département", "Code de la commune", "Libellé de la commune",
]
COUNT_FIELDS = ("voix", "sieges_cm", "sieges_cc", "panneau")
SHARE_TOLERANCE = 0.01  # the files print shares with two decimals


@dataclass(frozen=True)
class RoundFile:
    """Where one round's official results are, and how they are written."""

    election: str
    label: str
    tour: int
    source_id: str
    sep: str
    decimal: str
    date: str


ROUNDS = (
    RoundFile("presidentielle-2017", "Présidentielle 2017", 1,
              "pres2017_t1", ";", ".", "23 avril 2017"),
    RoundFile("presidentielle-2017", "Présidentielle 2017", 2,
              "pres2017_t2", ";", ".", "7 mai 2017"),
    RoundFile("municipales-2020", "Municipales 2020", 1,
              "mun2020_t1", "\t", ",", "15 mars 2020"),
    RoundFile("municipales-2020", "Municipales 2020", 2,
              "mun2020_t2", ";", ",", "28 juin 2020"),
)


class ElectionFileError(ValueError):
    """A results file does not have the layout or values we expect."""


class ElectionCheckError(ValueError):
    """A round's figures do not add up."""


def read_text(path: Path) -> tuple[str, str]:
    """The file's text and its encoding: strict UTF-8, else Windows-1252.

    The Ministry published the 2020 files in Latin-1 (Windows-1252), the
    2017 exports we use are in UTF-8; both are read without guessing twice.
    """
    raw = path.read_bytes()
    try:
        return raw.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        log.info("%s n'est pas en UTF-8 : lu en Windows-1252", path.name)
        return raw.decode("cp1252"), "cp1252"


def _block_width(block_header: list[str], path: Path) -> int:
    """Width of one candidate block, from the header's repeating names."""
    if not block_header:
        raise ElectionFileError(
            f"{path}: no candidate columns after {LAST_FIXED_COLUMN!r}"
        )
    first = block_header[0]
    repeats = [i for i, name in enumerate(block_header) if name == first]
    return repeats[1] if len(repeats) > 1 else len(block_header)


def _number(text: str, decimal: str, path: Path, line: int, field: str):
    """Parse one number of the file, or stop with a message that says where."""
    cleaned = text.strip().replace("\u00a0", "").replace(" ", "")
    if decimal == ",":
        cleaned = cleaned.replace(",", ".")
    try:
        value = float(cleaned)
    except ValueError:
        raise ElectionFileError(
            f"{path}, line {line}, field {field!r}: expected a number "
            f"(decimal mark {decimal!r}), found {text!r}"
        ) from None
    return value


def _count(text: str, path: Path, line: int, field: str) -> int:
    value = _number(text, ".", path, line, field)
    if value != int(value) or value < 0:
        raise ElectionFileError(
            f"{path}, line {line}, field {field!r}: expected a whole "
            f"count of votes, found {text!r}"
        )
    return int(value)


def _floats(values, decimal, path, lines, field, whole) -> np.ndarray:
    """One column of numbers, converted at once; errors say where.

    Each value is read as ``_number`` (``whole``: as ``_count``) would read
    it. The column is converted in one go; only when that fails, or when a
    value is not a whole count, are the values taken one by one, so that
    the message names the first wrong line.
    """
    numbers = _as_floats(values) if decimal == "." else None
    if numbers is None:
        cleaned = [
            text.strip().replace("\u00a0", "").replace(" ", "")
            for text in values
        ]
        if decimal == ",":
            cleaned = [text.replace(",", ".") for text in cleaned]
        numbers = _as_floats(cleaned)

    if numbers is not None and not whole:
        return numbers
    if numbers is not None and _all_whole(numbers):
        return numbers.astype(np.int64)

    read_one = _count if whole else _number
    extra = () if whole else (decimal,)
    return np.array([
        read_one(text, *extra, path, line, field)
        for text, line in zip(values, lines)
    ])


def _as_floats(texts) -> np.ndarray | None:
    """The texts read by ``float`` (all at once), or None if one fails.

    ``float`` ignores the spaces around a number, so a text it reads as it
    is gives the same value once cleaned.
    """
    try:
        return np.asarray(texts, dtype=object).astype(np.float64)
    except ValueError:
        return None


def _all_whole(numbers: np.ndarray) -> bool:
    """True if every number is a whole, non-negative count."""
    return bool((
        np.isfinite(numbers) & (numbers >= 0)
        & (np.floor(numbers) == numbers)
    ).all())


def _counts(values, path, lines, field) -> np.ndarray:
    """A column of whole counts (voix, inscrits...), as ``_count`` reads."""
    return _floats(values, ".", path, lines, field, whole=True)


def _texts(values) -> list[str]:
    """A column of names and labels, without surrounding spaces."""
    return [text.strip() for text in values]


def _used_extent(row: list[str], n_fixed: int) -> int:
    """Number of fields of a line once its trailing empty fields are cut.

    The 2020 files pad each line with empty fields up to the widest one.
    """
    end = len(row)
    while end > n_fixed and not row[end - 1].strip():
        end -= 1
    return end


@dataclass(frozen=True)
class Layout:
    """A results file split into rows, with what its header says."""

    rows: list[list[str]]
    encoding: str
    fixed: list[str]
    block_names: list[str]


def read_layout(path: Path, spec: RoundFile) -> Layout:
    """Split a results file and find its totals and its candidate block.

    The totals end at the column ``% Exp/Vot``; the candidate block is as
    wide as the run of names before they repeat.
    """
    text, encoding = read_text(path)
    rows = list(csv.reader(io.StringIO(text), delimiter=spec.sep))
    if not rows:
        raise ElectionFileError(f"{path}: the file is empty")

    header = [name.strip() for name in rows[0]]
    if LAST_FIXED_COLUMN not in header:
        raise ElectionFileError(
            f"{path}: header has no {LAST_FIXED_COLUMN!r} column; is the "
            f"separator {spec.sep!r} right? First fields: {header[:4]}"
        )
    n_fixed = header.index(LAST_FIXED_COLUMN) + 1
    block_header = header[n_fixed:]
    width = _block_width(block_header, path)
    return Layout(rows, encoding, header[:n_fixed], block_header[:width])


def parse_round(
    path: Path, spec: RoundFile
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Read one official results file into (totals, results).

    Lines are split by the csv module, then each column is converted at
    once (a national file has some 400 000 candidate results).
    """
    layout = read_layout(path, spec)
    rows, encoding = layout.rows, layout.encoding
    fixed, block_names = layout.fixed, layout.block_names
    n_fixed, width = len(fixed), len(block_names)

    required = ID_COLUMNS + list(TOTAL_COLUMNS)
    missing = [c for c in required if c not in fixed]
    if missing or "Voix" not in block_names:
        raise ElectionFileError(
            f"{path}: expected the columns {required} and a 'Voix' column "
            f"in each block; missing {missing or ['Voix']}"
        )

    lines, ends, kept = [], [], []
    for line, row in enumerate(rows[1:], start=2):
        if not any(field.strip() for field in row):
            continue
        if len(row) < n_fixed:
            raise ElectionFileError(
                f"{path}, line {line}: expected at least {n_fixed} fields, "
                f"found {len(row)}"
            )
        end = _used_extent(row, n_fixed)
        if (end - n_fixed) % width:
            raise ElectionFileError(
                f"{path}, line {line}: candidate fields come in blocks of "
                f"{width} ({', '.join(block_names)}), found "
                f"{end - n_fixed} fields, which is not a whole number of "
                "blocks"
            )
        lines.append(line)
        ends.append(end)
        kept.append(row)
    if not kept:
        log.info("%s : aucune commune (%s)", path.name, encoding)
        return pd.DataFrame(), pd.DataFrame()

    grid = np.full((len(kept), max(ends)), "", dtype=object)
    for position, (row, end) in enumerate(zip(kept, ends)):
        grid[position, :end] = row[:end]
    lines = np.array(lines)

    totals = _totals_table(grid, fixed, spec, path, lines)
    results = _results_table(
        grid, np.array(ends), n_fixed, block_names, totals, spec, path, lines
    )
    log.info(
        "%s : %d commune(s), %d ligne(s) de résultats (%s)",
        path.name, len(totals), len(results), encoding,
    )
    return totals, results


def _totals_table(grid, fixed, spec, path, lines) -> pd.DataFrame:
    """One row per commune: its code, its name and the round's totals."""
    column = {name: grid[:, i] for i, name in enumerate(fixed)}
    departments = _texts(column["Code du département"])
    communes = _texts(column["Code de la commune"])
    table = {
        "election": [spec.election] * len(grid),
        "tour": [spec.tour] * len(grid),
        "code_commune": [
            d.zfill(2) + c.zfill(3) for d, c in zip(departments, communes)
        ],
        "commune": _texts(column["Libellé de la commune"]),
    }
    for name, key in TOTAL_COLUMNS.items():
        table[key] = _counts(column[name], path, lines, name)
    return pd.DataFrame(table)


def _results_table(
    grid, ends, n_fixed, block_names, totals, spec, path, lines
) -> pd.DataFrame:
    """One row per commune and candidate (or list), in the file's order."""
    width = len(block_names)
    per_line = (ends - n_fixed) // width
    if not per_line.sum():
        return pd.DataFrame()

    row_at = np.repeat(np.arange(len(grid)), per_line)
    first_of_line = np.repeat(np.cumsum(per_line) - per_line, per_line)
    block_at = np.arange(len(row_at)) - first_of_line
    block_lines = lines[row_at]

    table = {
        "election": [spec.election] * len(row_at),
        "tour": [spec.tour] * len(row_at),
        "code_commune": totals["code_commune"].to_numpy()[row_at].tolist(),
    }
    for column, name in BLOCK_COLUMNS.items():
        if column not in block_names:
            continue
        offset = block_names.index(column)
        values = grid[row_at, n_fixed + block_at * width + offset]
        if name in COUNT_FIELDS:
            table[name] = _counts(values, path, block_lines, column)
        elif name == "pct_voix_exp_fichier":
            table[name] = _floats(
                values, spec.decimal, path, block_lines, column, whole=False
            )
        else:
            table[name] = _texts(values)
    table.setdefault("panneau", [pd.NA] * len(row_at))
    table.setdefault("nuance", [""] * len(row_at))
    table.setdefault("liste", [""] * len(row_at))
    return pd.DataFrame(table)


def check_round(
    totals: pd.DataFrame, results: pd.DataFrame, where: str
) -> None:
    """Stop if a round's figures do not add up; say which, and by how much."""
    voix = results.groupby(["code_commune"])["voix"].sum()
    checks = (
        ("inscrits", "abstentions + votants",
         totals["abstentions"] + totals["votants"]),
        ("votants", "blancs + nuls + exprimés",
         totals["blancs"] + totals["nuls"] + totals["exprimes"]),
        ("exprimes", "somme des voix",
         totals["code_commune"].map(voix).fillna(0).astype("int64")),
    )
    for left, right_label, right in checks:
        bad = totals[totals[left] != right]
        if not bad.empty:
            first = bad.iloc[0]
            raise ElectionCheckError(
                f"{where}, commune {first['code_commune']} "
                f"({first['commune']}): {left} = {first[left]} but "
                f"{right_label} = {right.loc[bad.index[0]]} "
                f"({len(bad)} commune(s) in error)"
            )

    if "pct_voix_exp_fichier" in results:
        exprimes = results["code_commune"].map(
            totals.set_index("code_commune")["exprimes"]
        )
        computed = 100 * results["voix"] / exprimes
        gap = (computed - results["pct_voix_exp_fichier"]).abs()
        if (gap > SHARE_TOLERANCE).any():
            first = results[gap > SHARE_TOLERANCE].iloc[0]
            raise ElectionCheckError(
                f"{where}, commune {first['code_commune']}, candidate "
                f"{first['nom']}: the file prints "
                f"{first['pct_voix_exp_fichier']} "
                f"% of exprimés, the voix give {computed[gap.idxmax()]:.2f} %"
            )


def display_name(nom: str) -> str:
    """'LE PEN' -> 'Le Pen', 'DUPONT-AIGNAN' -> 'Dupont-Aignan'."""
    return nom.strip().title()


def round_file(election: str, tour: int) -> RoundFile:
    """The description of one round of ``ROUNDS``."""
    for spec in ROUNDS:
        if spec.election == election and spec.tour == tour:
            return spec
    raise KeyError(f"no round {tour} for election {election!r}")


def load_round(spec: RoundFile, path: Path | None = None):
    """Acquire, parse and check one round; return (totals, results)."""
    path = path or sources.acquire(spec.source_id)
    totals, results = parse_round(path, spec)
    where = f"{path.name} ({spec.label}, tour {spec.tour})"
    check_round(totals, results, where)
    results["candidat"] = results["nom"].map(display_name)
    return totals, results


def load_all() -> tuple[pd.DataFrame, pd.DataFrame]:
    """The four rounds of Annecy, checked, as (totals, results)."""
    loaded = [load_round(spec) for spec in ROUNDS]
    totals = pd.concat([t for t, _ in loaded], ignore_index=True)
    results = pd.concat([r for _, r in loaded], ignore_index=True)
    for column in ("panneau", "sieges_cm", "sieges_cc"):
        results[column] = results[column].astype("Int64")
    return totals, results


def read_scrape(path: Path, candidates: list[str]) -> dict[str, int]:
    """Totals and voix of a one-row scrape of the Ministry's result page."""
    row = pd.read_csv(path, dtype=str).iloc[0]
    wanted = list(TOTAL_COLUMNS) + candidates
    return {name: int(row[name]) for name in wanted}


def file_overview() -> pd.DataFrame:
    """How each official file is written: what the team received."""
    rows = []
    for spec in ROUNDS:
        path = sources.acquire(spec.source_id)
        layout = read_layout(path, spec)
        header, first_row = layout.rows[0], layout.rows[1]
        n_fixed, width = len(layout.fixed), len(layout.block_names)
        rows.append({
            "Tour": f"{spec.label}, tour {spec.tour}",
            "Fichier": path.name,
            "Octets": path.stat().st_size,
            "Encodage": layout.encoding,
            "Séparateur": "tabulation" if spec.sep == "\t" else spec.sep,
            "Décimale": spec.decimal,
            "Colonnes nommées": len(header),
            "Champs de la ligne": len(first_row),
            "Colonnes par candidat": width,
            "Candidats ou listes": (len(first_row) - n_fixed) // width,
        })
    return pd.DataFrame(rows)


def identity_table(
    totals: pd.DataFrame, results: pd.DataFrame
) -> pd.DataFrame:
    """The three checks of each round, both sides shown."""
    voix = results.groupby(["election", "tour"])["voix"].sum()
    rows = []
    for _, t in totals.iterrows():
        spec = round_file(t["election"], t["tour"])
        sides = (
            ("inscrits = abstentions + votants", t["inscrits"],
             t["abstentions"] + t["votants"]),
            ("votants = blancs + nuls + exprimés", t["votants"],
             t["blancs"] + t["nuls"] + t["exprimes"]),
            ("exprimés = somme des voix", t["exprimes"],
             voix[(t["election"], t["tour"])]),
        )
        for identity, left, right in sides:
            rows.append({
                "Tour": f"{spec.label}, tour {spec.tour}",
                "Contrôle": identity,
                "Gauche": int(left),
                "Droite": int(right),
                "Résultat": "vérifié" if left == right else "ÉCART",
            })
    return pd.DataFrame(rows)


def corroborate_2017(
    totals: pd.DataFrame, results: pd.DataFrame
) -> pd.DataFrame:
    """Compare the 2017 official rows with the Ministry pages' scrape.

    The Data4Democracy project read the same figures on the Ministry's
    result pages; every count should be equal.
    """
    turnout = pd.read_csv(sources.acquire("pres2017_turnout_d4d"))
    scraped_voix = pd.read_csv(sources.acquire("pres2017_results_d4d"))
    scraped_voix["nom"] = (
        scraped_voix["Candidate"].str.split(n=2).str[2].str.upper()
    )
    rows = []
    for _, t in totals[totals["election"] == "presidentielle-2017"].iterrows():
        other = turnout[turnout["Round"] == t["tour"]].iloc[0]
        for column, name in TOTAL_COLUMNS.items():
            rows.append((t["tour"], column, t[name], int(other[column])))
        mine = results.query(
            "election == 'presidentielle-2017' and tour == @t.tour"
        )
        theirs = scraped_voix[scraped_voix["Round"] == t["tour"]]
        theirs = dict(zip(theirs["nom"], theirs["Votes"]))
        for _, r in mine.iterrows():
            rows.append(
                (t["tour"], r["candidat"], r["voix"], theirs.get(r["nom"]))
            )
    table = pd.DataFrame(
        rows, columns=["Tour", "Grandeur", "Fichier officiel", "Relevé"]
    )
    table["Identique"] = table["Fichier officiel"] == table["Relevé"]
    return table
