"""The first, line-by-line implementation of ``elections.parse_round``.

The package now parses a results file with whole-column operations, which
holds at national size. This slower version, written one field at a time,
is kept here as the reference that the fast one must match exactly.
"""

from pathlib import Path

import pandas as pd

from carnet.elections import (
    BLOCK_COLUMNS,
    TOTAL_COLUMNS,
    ElectionFileError,
    RoundFile,
    _count,
    _number,
    read_layout,
)


def parse_round(
    path: Path, spec: RoundFile
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Read one official results file into (totals, results)."""
    layout = read_layout(path, spec)
    rows, fixed, block_names = layout.rows, layout.fixed, layout.block_names
    n_fixed, width = len(fixed), len(block_names)

    missing = [c for c in TOTAL_COLUMNS if c not in fixed]
    if missing or "Voix" not in block_names:
        raise ElectionFileError(
            f"{path}: expected the columns {list(TOTAL_COLUMNS)} and a "
            f"'Voix' column in each block; missing {missing or ['Voix']}"
        )

    totals, results = [], []
    for line, row in enumerate(rows[1:], start=2):
        if not any(field.strip() for field in row):
            continue
        if len(row) < n_fixed:
            raise ElectionFileError(
                f"{path}, line {line}: expected at least {n_fixed} fields, "
                f"found {len(row)}"
            )
        record = dict(zip(fixed, row))
        code = (
            record["Code du département"].strip().zfill(2)
            + record["Code de la commune"].strip().zfill(3)
        )
        total_row = {
            "election": spec.election,
            "tour": spec.tour,
            "code_commune": code,
            "commune": record["Libellé de la commune"].strip(),
        }
        for column, name in TOTAL_COLUMNS.items():
            total_row[name] = _count(record[column], path, line, column)
        totals.append(total_row)

        blocks = row[n_fixed:]
        while blocks and not blocks[-1].strip():
            blocks.pop()  # the 2020 files pad each line with empty fields
        if len(blocks) % width:
            raise ElectionFileError(
                f"{path}, line {line}: candidate fields come in blocks of "
                f"{width} ({', '.join(block_names)}), found {len(blocks)} "
                "fields, which is not a whole number of blocks"
            )
        for start in range(0, len(blocks), width):
            block = dict(zip(block_names, blocks[start:start + width]))
            results.append(
                _result_row(block, total_row, spec, path, line)
            )

    return pd.DataFrame(totals), pd.DataFrame(results)


def _result_row(block, total_row, spec, path, line) -> dict:
    row = {
        "election": spec.election,
        "tour": spec.tour,
        "code_commune": total_row["code_commune"],
    }
    for column, name in BLOCK_COLUMNS.items():
        if column not in block:
            continue
        value = block[column].strip()
        if name in ("voix", "sieges_cm", "sieges_cc", "panneau"):
            row[name] = _count(value, path, line, column)
        elif name == "pct_voix_exp_fichier":
            row[name] = _number(value, spec.decimal, path, line, column)
        else:
            row[name] = value
    row.setdefault("panneau", pd.NA)
    row.setdefault("nuance", "")
    row.setdefault("liste", "")
    return row
