"""Quality profile of a raw data table, computed from the file itself.

For each raw source that is a table (delimited text, JSON records, a
JavaScript array, GeoJSON properties, a DBF attribute table) the profile
gives: rows and columns, the encoding and separator detected, per column
the type found and the missing values, and the duplicate rows and keys.
Nothing is cleaned here: the profile describes the file as received.
"""

from __future__ import annotations

import csv
import io
import json
import re
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import yaml

from carnet import DATA_DIR
from carnet.dbf import read_dbf

PROFILE_CONFIG = DATA_DIR / "profils.yml"
SEPARATORS = {";": "point-virgule", ",": "virgule", "\t": "tabulation",
              "|": "barre verticale"}

INTEGER = re.compile(r"^[+-]?\d+$")
DECIMAL = re.compile(r"^[+-]?(\d+[.,]\d*|[.,]\d+)([eE][+-]?\d+)?$")
DATE = re.compile(r"^(\d{4}-\d{2}-\d{2}|\d{2}/\d{2}/\d{4})")


class ProfileError(ValueError):
    """A file could not be read as the table its profile expects."""


@dataclass
class Profile:
    """The profile of one raw table."""

    source_id: str
    file: str
    kind: str
    encoding: str
    separator: str
    rows: int
    columns: pd.DataFrame
    duplicate_rows: int
    key: tuple[str, ...]
    duplicate_keys: int | None
    notes: tuple[str, ...]

    def summary(self) -> dict:
        """One line of the overview table."""
        missing = int(self.columns["manquantes"].sum())
        cells = self.rows * len(self.columns)
        return {
            "Source": self.source_id,
            "Format": self.kind,
            "Encodage": self.encoding,
            "Séparateur": self.separator,
            "Lignes": self.rows,
            "Colonnes": len(self.columns),
            "Cellules vides": missing,
            "% vides": round(100 * missing / cells, 1) if cells else 0.0,
            "Lignes en double": self.duplicate_rows,
            "Clé": " + ".join(self.key) if self.key else "aucune",
            "Clés en double": ("" if self.duplicate_keys is None
                               else self.duplicate_keys),
            "Remarques": " ; ".join(self.notes),
        }


def detect_encoding(data: bytes) -> str:
    """'utf-8-sig' with a BOM, 'utf-8' if strictly valid, else cp1252."""
    if data.startswith(b"\xef\xbb\xbf"):
        return "utf-8-sig"
    try:
        data.decode("utf-8")
        return "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        data.decode("cp1252")
        return "cp1252"
    except UnicodeDecodeError:
        return "latin-1"


def detect_separator(text: str, path: Path | str = "") -> str:
    """The delimiter of a delimited text, among ; , tab and |."""
    sample = "\n".join(text.splitlines()[:20])
    try:
        return csv.Sniffer().sniff(sample, delimiters="".join(SEPARATORS)
                                   ).delimiter
    except csv.Error:
        header = text.splitlines()[0] if text else ""
        counts = {sep: header.count(sep) for sep in SEPARATORS}
        best = max(counts, key=counts.get)
        if counts[best] == 0:
            raise ProfileError(
                f"{path}: no separator found in the first line (expected "
                "one of ; , tab |)"
            ) from None
        return best


def _unique_names(names: list[str]) -> list[str]:
    seen: dict[str, int] = {}
    unique = []
    for name in names:
        seen[name] = seen.get(name, 0) + 1
        unique.append(name if seen[name] == 1 else f"{name} ({seen[name]})")
    return unique


def read_delimited(path: Path) -> tuple[pd.DataFrame, str, str, list[str]]:
    """A delimited file as text cells; notes on its shape."""
    data = Path(path).read_bytes()
    encoding = detect_encoding(data)
    text = data.decode(encoding)
    separator = detect_separator(text, path)
    rows = list(csv.reader(io.StringIO(text), delimiter=separator))
    rows = [r for r in rows if r]
    if not rows:
        raise ProfileError(f"{path}: the file is empty")
    header, body = rows[0], rows[1:]
    notes = []
    repeated = len(header) - len(set(header))
    if repeated:
        notes.append(f"{repeated} noms de colonne répétés (blocs par "
                     "candidat)")
    width = max([len(header), *(len(r) for r in body)])
    if width > len(header):
        notes.append(f"en-tête de {len(header)} noms pour des lignes de "
                     f"{width} champs")
        header = header + [f"sans nom {i}"
                           for i in range(len(header) + 1, width + 1)]
    body = [r + [""] * (width - len(r)) for r in body]
    frame = pd.DataFrame(body, columns=_unique_names(header))
    return frame, encoding, separator, notes


def _cell(value):
    if isinstance(value, (list, dict)):
        return json.dumps(value, ensure_ascii=False)
    return value


def read_records(records: list, columns: list[str] | None = None
                 ) -> pd.DataFrame:
    """JSON records (objects or arrays) as a table, nested values as text."""
    if columns is not None:
        rows = [dict(zip(columns, map(_cell, r))) for r in records]
        return pd.DataFrame(rows, columns=columns)
    return pd.DataFrame([{k: _cell(v) for k, v in r.items()}
                         for r in records])


def value_type(value) -> str | None:
    """The kind of one cell, or None when it is missing."""
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return None
    if isinstance(value, bool):
        return "booléen"
    if isinstance(value, int):
        return "entier"
    if isinstance(value, float):
        return "décimal"
    if not isinstance(value, str):
        return "date" if hasattr(value, "isoformat") else "autre"
    text = value.strip()
    if not text:
        return None
    if INTEGER.match(text):
        return "entier"
    if DECIMAL.match(text):
        return "décimal"
    if DATE.match(text):
        return "date"
    if text[:1] in "[{":
        return "liste ou objet"
    return "texte"


def column_profile(frame: pd.DataFrame) -> pd.DataFrame:
    """Type found, missing values and distinct values of each column."""
    rows = []
    for name in frame.columns:
        kinds = [value_type(v) for v in frame[name]]
        present = [k for k in kinds if k]
        found = sorted(set(present))
        if not found:
            kind = "vide"
        elif len(found) == 1:
            kind = found[0]
        else:
            kind = "mixte (" + ", ".join(found) + ")"
        missing = len(kinds) - len(present)
        rows.append({
            "colonne": name,
            "type": kind,
            "manquantes": missing,
            "% manquantes": (round(100 * missing / len(kinds), 1)
                             if kinds else 0.0),
            "distinctes": frame[name].astype("string").nunique(),
        })
    return pd.DataFrame(rows, columns=["colonne", "type", "manquantes",
                                       "% manquantes", "distinctes"])


def duplicates(frame: pd.DataFrame, key: tuple[str, ...]
               ) -> tuple[int, int | None]:
    """Duplicate rows, and duplicate keys (None when there is no key)."""
    as_text = frame.astype("string").fillna("")
    duplicate_rows = int(as_text.duplicated().sum())
    if not key:
        return duplicate_rows, None
    absent = [k for k in key if k not in frame.columns]
    if absent:
        raise ProfileError(
            f"key column(s) {absent} not in the table "
            f"(columns: {list(frame.columns)[:12]}...)"
        )
    return duplicate_rows, int(as_text.duplicated(subset=list(key)).sum())


def load_table(path: Path, columns: list[str] | None = None
               ) -> tuple[pd.DataFrame, str, str, str, list[str]]:
    """Read any raw table: frame, kind, encoding, separator and notes."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix in (".csv", ".txt"):
        frame, encoding, sep, notes = read_delimited(path)
        return frame, "texte délimité", encoding, SEPARATORS[sep], notes
    if suffix == ".dbf":
        frame, report = read_dbf(path)
        notes = [f"encodage d'après : {report.encoding_reason}"]
        if report.deleted:
            notes.append(f"{report.deleted} enregistrements supprimés")
        if report.damaged:
            notes.append(f"{len(report.damaged)} valeurs illisibles")
        return frame, "table DBF", report.encoding, "largeur fixe", notes

    data = path.read_bytes()
    encoding = detect_encoding(data)
    text = data.decode(encoding)
    notes: list[str] = []
    if suffix == ".js":
        start, end = text.find("["), text.rfind("]")
        body = text[start:end + 1]
        if re.search(r",\s*\]$", body):
            notes.append("virgule finale avant « ] » (JavaScript, pas JSON)")
            body = re.sub(r",\s*\]$", "]", body)
        try:
            records = json.loads(body)
        except json.JSONDecodeError as error:
            raise ProfileError(f"{path}: the array cannot be read: "
                               f"{error}") from error
        if columns is None:
            raise ProfileError(f"{path}: a JavaScript array needs column "
                               "names in data/profils.yml")
        return (read_records(records, columns), "tableau JavaScript",
                encoding, "sans objet", notes)
    if suffix in (".json", ".geojson"):
        document = json.loads(text)
        if isinstance(document, dict) and "features" in document:
            records = [dict(f.get("properties") or {},
                            geometrie=(f.get("geometry") or {}).get("type"))
                       for f in document["features"]]
            return (read_records(records), "GeoJSON (propriétés)",
                    encoding, "sans objet", notes)
        if not isinstance(document, list):
            raise ProfileError(f"{path}: expected a JSON array of records, "
                               f"found {type(document).__name__}")
        return (read_records(document), "JSON (enregistrements)",
                encoding, "sans objet", notes)
    raise ProfileError(f"{path}: no reader for files ending in {suffix}")


def profile_file(source_id: str, path: Path, key=(), columns=None
                 ) -> Profile:
    """The profile of one raw table."""
    frame, kind, encoding, separator, notes = load_table(path, columns)
    duplicate_rows, duplicate_keys = duplicates(frame, tuple(key))
    return Profile(
        source_id=source_id, file=Path(path).name, kind=kind,
        encoding=encoding, separator=separator, rows=len(frame),
        columns=column_profile(frame), duplicate_rows=duplicate_rows,
        key=tuple(key), duplicate_keys=duplicate_keys, notes=tuple(notes),
    )


def load_config(path: Path = PROFILE_CONFIG) -> dict[str, dict]:
    """Which sources are tables, with their keys and column names."""
    return yaml.safe_load(Path(path).read_text(encoding="utf-8"))


def profile_sources(config: dict[str, dict] | None = None
                    ) -> dict[str, Profile]:
    """Profile every table source of the registry, acquired and verified."""
    from carnet.sources import acquire, load_registry

    config = load_config() if config is None else config
    registry = load_registry()
    unknown = sorted(set(config) - set(registry))
    if unknown:
        raise ProfileError(f"{PROFILE_CONFIG}: {unknown} are not sources "
                           "of the registry")
    profiles = {}
    for source_id in registry:
        if source_id not in config:
            continue
        settings = config[source_id] or {}
        path = acquire(source_id, registry=registry)
        try:
            profiles[source_id] = profile_file(
                source_id, path, settings.get("key", ()),
                settings.get("columns"),
            )
        except ProfileError as error:
            raise ProfileError(f"source {source_id!r}: {error}") from error
    return profiles


def overview(profiles: dict[str, Profile]) -> pd.DataFrame:
    """One line per profiled source."""
    return pd.DataFrame([p.summary() for p in profiles.values()])


def not_profiled(config: dict[str, dict] | None = None) -> pd.DataFrame:
    """The registry sources that are not tables, with their role."""
    from carnet.sources import load_registry

    config = load_config() if config is None else config
    rows = [
        {"Source": s.id, "Fichier": s.file,
         "Pourquoi pas de profil": _not_a_table(s.role, s.file)}
        for s in load_registry().values() if s.id not in config
    ]
    return pd.DataFrame(rows)


NOT_TABLES = {
    ".shp": "géométries de la couche SIG",
    ".shx": "index des géométries",
    ".prj": "définition de la projection",
    ".cpg": "nom de la page de code",
}


def _not_a_table(role: str, file: str) -> str:
    if role == "schema":
        return "schéma de données (JSON), pas une table"
    suffix = Path(file).suffix.lower()
    return NOT_TABLES.get(suffix, "pas une table de données")


SHAPE_COLUMNS = ["Source", "Format", "Encodage", "Séparateur", "Lignes",
                 "Colonnes"]
QUALITY_COLUMNS = ["Source", "Cellules vides", "% vides",
                   "Lignes en double", "Clé", "Clés en double",
                   "Remarques"]


def evidence(inventory, profiles: dict[str, Profile]) -> pd.DataFrame:
    """Each evaluated data set beside the profile of the sources it uses."""
    rows = []
    for dataset in inventory.datasets:
        for source_id in dataset.sources:
            if source_id not in profiles:
                continue
            line = profiles[source_id].summary()
            rows.append({
                "Jeu de données": dataset.jeu,
                "Évaluation": dataset.evaluation or "inconnue",
                "Source": source_id,
                "Lignes": line["Lignes"],
                "Colonnes": line["Colonnes"],
                "% vides": line["% vides"],
                "Clés en double": line["Clés en double"],
            })
    return pd.DataFrame(rows)
