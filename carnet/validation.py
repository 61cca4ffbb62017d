"""Validation of a table against a national Table Schema, with frictionless.

The schemas of schema.data.gouv.fr are Table Schemas; frictionless checks a
table against one and reports each error with its row, field and kind. This
module turns that report into tables the book can show: errors one per row,
errors counted by kind and field, and the completeness of each field.
"""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
from frictionless import Resource, Schema

ERROR_KINDS_FR = {
    "constraint-error": "contrainte non respectée",
    "type-error": "type de valeur incorrect",
    "missing-cell": "cellule manquante",
    "extra-cell": "cellule en trop",
    "primary-key": "identifiant en double",
    "unique-error": "valeur en double",
    "missing-label": "colonne manquante",
    "extra-label": "colonne en trop",
    "incorrect-label": "nom de colonne incorrect",
    "blank-row": "ligne vide",
}


def load_schema(path: Path) -> Schema:
    """The Table Schema stored at ``path`` (read as JSON, then parsed)."""
    descriptor = json.loads(Path(path).read_text(encoding="utf-8"))
    return Schema.from_descriptor(descriptor)


def validate_table(table: pd.DataFrame, schema_path: Path) -> pd.DataFrame:
    """Validate ``table`` against the schema; one row per error.

    Values are passed as text, as a CSV would carry them, so the check is
    the one a reuser's validator makes on the published file.
    """
    schema = load_schema(schema_path)
    header = list(table.columns)
    rows = [[_cell(v) for v in record] for record in table.itertuples(
        index=False, name=None)]
    resource = Resource(data=[header] + rows, schema=schema)
    report = resource.validate(limit_errors=100_000)
    errors = report.flatten(["rowNumber", "fieldName", "type", "note"])
    frame = pd.DataFrame(
        errors, columns=["ligne", "champ", "type", "détail"]
    )
    frame["nature"] = frame["type"].map(ERROR_KINDS_FR).fillna(frame["type"])
    frame["nature"] = [
        _constraint_label(kind, note)
        for kind, note in zip(frame["nature"], frame["détail"])
    ]
    return frame


def _constraint_label(kind: str, note: str) -> str:
    if kind != ERROR_KINDS_FR["constraint-error"] or not isinstance(note, str):
        return kind
    if '"required"' in note:
        return "champ obligatoire vide"
    if '"pattern"' in note:
        return "valeur hors du format ou du vocabulaire"
    if '"maxLength"' in note:
        return "texte trop long"
    if '"unique"' in note:
        return "valeur en double"
    return kind


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return "" if pd.isna(value) else repr(value)
    return str(value)


def errors_by_kind(errors: pd.DataFrame) -> pd.DataFrame:
    """Errors counted by field and kind, most frequent first."""
    if errors.empty:
        return pd.DataFrame(columns=["champ", "nature", "erreurs"])
    errors = errors.assign(champ=errors["champ"].fillna("(ligne entière)"))
    counts = (
        errors.groupby(["champ", "nature"], dropna=False).size()
        .reset_index(name="erreurs")
        .sort_values(["erreurs", "champ"], ascending=[False, True])
    )
    return counts.reset_index(drop=True)


def completeness(table: pd.DataFrame, columns) -> pd.Series:
    """Share of non-empty cells (0 to 100) for each column in ``columns``."""
    shares = {}
    for column in columns:
        if column not in table.columns or len(table) == 0:
            shares[column] = 0.0
            continue
        filled = table[column].map(lambda v: _cell(v).strip() != "")
        shares[column] = 100.0 * filled.sum() / len(table)
    return pd.Series(shares, name="rempli (%)")


def validate_csv(path: Path, schema_path: Path) -> pd.DataFrame:
    """Validate a published CSV file (UTF-8) as a reuser would."""
    frame = pd.read_csv(path, dtype=str, keep_default_na=False,
                        encoding="utf-8")
    return validate_table(frame, schema_path)
