"""Published files: CSV, XLSX and GeoJSON that are safe to open.

Every data set the book cleans is published in the formats a reuser
expects: CSV (UTF-8, one header row), XLSX (typed columns, a frozen and
styled header, a sheet with the descriptive metadata) and, when rows have
coordinates, GeoJSON points that uMap imports as they are.

A text cell that starts with ``=``, ``+``, ``-``, ``@``, a tab or a
carriage return would be run as a formula by a spreadsheet
(``=HYPERLINK("http://x","y")`` makes a link the publisher never wrote).
Such cells are neutralised:

* in CSV, which has no types, by a leading apostrophe, the mark that
  spreadsheets read as "this is text";
* in XLSX, by storing the cell as text with the "quote prefix" style: the
  value keeps its exact characters and stays text even when edited.

Only text is touched: a negative number stored as a number stays a number.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import logging
import math
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

log = logging.getLogger(__name__)

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
TEXT_MARK = "'"
DATA_SHEET = "Données"
METADATA_SHEET = "Fiche descriptive"
HEADER_FONT = Font(bold=True, color="FFFFFF")
HEADER_FILL = PatternFill("solid", fgColor="1F4E79")
MAX_COLUMN_WIDTH = 60


class PublishError(ValueError):
    """A table cannot be written in the requested format."""


@dataclass(frozen=True)
class Written:
    """One file written: where, how many rows, how many rows left out."""

    path: Path
    rows: int
    left_out: int = 0

    @property
    def size(self) -> int:
        """Size of the file in bytes."""
        return self.path.stat().st_size


def is_formula_like(value: object) -> bool:
    """True for text a spreadsheet would run as a formula."""
    return isinstance(value, str) and value.startswith(FORMULA_TRIGGERS)


def neutralise(value: object) -> object:
    """Prefix formula-like text with an apostrophe; leave the rest."""
    if is_formula_like(value):
        return TEXT_MARK + value
    return value


def _check_table(df: pd.DataFrame, path: Path) -> None:
    if not isinstance(df, pd.DataFrame):
        raise PublishError(
            f"{path}: expected a pandas DataFrame, found {type(df).__name__}"
        )
    names = [str(c) for c in df.columns]
    duplicates = sorted({n for n in names if names.count(n) > 1})
    if duplicates:
        raise PublishError(
            f"{path}: column names must be unique, found twice: "
            f"{', '.join(duplicates)}"
        )


def _text_columns(df: pd.DataFrame) -> list:
    """Columns that may hold text (object, string or category dtype)."""
    return [
        c for c in df.columns
        if not (
            pd.api.types.is_numeric_dtype(df[c])
            or pd.api.types.is_bool_dtype(df[c])
            or pd.api.types.is_datetime64_any_dtype(df[c])
        )
    ]


def _count_neutralised(df: pd.DataFrame) -> int:
    return sum(
        int(df[c].map(is_formula_like).sum()) for c in _text_columns(df)
    )


def write_csv(df: pd.DataFrame, path: Path) -> Written:
    """Write ``df`` as CSV: UTF-8, comma, one header row, no index.

    Lines end with CRLF (RFC 4180), which also makes the writer quote any
    field holding a lone carriage return.
    """
    path = Path(path)
    _check_table(df, path)
    safe = df.copy()
    for column in _text_columns(safe):
        safe[column] = safe[column].map(neutralise)

    path.parent.mkdir(parents=True, exist_ok=True)
    safe.to_csv(
        path, index=False, encoding="utf-8", lineterminator="\r\n",
        quoting=csv.QUOTE_MINIMAL, date_format="%Y-%m-%d",
    )
    _log_written(path, df)
    return Written(path, len(df))


def _cell_value(value: object) -> object:
    """A pandas value as openpyxl expects it (None for missing)."""
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, float) and math.isnan(value):
        return None
    if isinstance(value, pd.Timestamp):
        return value.to_pydatetime()
    if hasattr(value, "item"):  # numpy scalars
        return value.item()
    return value


def _number_format(series: pd.Series) -> str | None:
    if pd.api.types.is_bool_dtype(series):
        return None
    if pd.api.types.is_integer_dtype(series):
        return "0"
    if pd.api.types.is_float_dtype(series):
        return "0.0##"
    if pd.api.types.is_datetime64_any_dtype(series):
        return "yyyy-mm-dd"
    return None


def _set_text(cell, text: str) -> None:
    """Store ``text`` as a text cell, never as a formula."""
    cell.value = text
    if cell.data_type != "s":
        cell.data_type = "s"
    if is_formula_like(text):
        cell.quotePrefix = True


def _metadata_rows(metadata: Mapping) -> list[tuple[str, str]]:
    """Flatten the descriptive metadata into (field, text) rows."""
    rows = []
    for key, value in metadata.items():
        if isinstance(value, Mapping):
            for sub_key, sub_value in value.items():
                rows.append((f"{key}.{sub_key}", _as_text(sub_value)))
        elif isinstance(value, (list, tuple)):
            for position, item in enumerate(value, start=1):
                rows.append((f"{key} {position}", _as_text(item)))
        else:
            rows.append((str(key), _as_text(value)))
    return rows


def _as_text(value: object) -> str:
    if isinstance(value, Mapping):
        return " ; ".join(f"{k} : {_as_text(v)}" for k, v in value.items())
    if isinstance(value, (list, tuple)):
        return " ; ".join(_as_text(v) for v in value)
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    return "" if value is None else str(value)


def _style_header(sheet, width: int) -> None:
    for column in range(1, width + 1):
        cell = sheet.cell(row=1, column=column)
        cell.font = HEADER_FONT
        cell.fill = HEADER_FILL
        cell.alignment = Alignment(vertical="center", wrap_text=True)
    sheet.freeze_panes = "A2"


def _fit_columns(sheet, texts_by_column: list[list[str]]) -> None:
    for position, texts in enumerate(texts_by_column, start=1):
        longest = max((len(t) for t in texts), default=8)
        letter = get_column_letter(position)
        sheet.column_dimensions[letter].width = min(
            max(10, longest + 2), MAX_COLUMN_WIDTH
        )


def write_xlsx(df: pd.DataFrame, path: Path, metadata: Mapping) -> Written:
    """Write ``df`` as XLSX with a sheet of descriptive metadata.

    Numbers, dates and booleans keep their type; text is stored as text
    (formula-like text gets the quote prefix). The header is bold on a
    dark fill and frozen, with a filter on every column.
    """
    path = Path(path)
    _check_table(df, path)
    if not isinstance(metadata, Mapping) or not metadata:
        raise PublishError(
            f"{path}: expected the descriptive metadata as a non-empty "
            f"mapping, found {metadata!r}"
        )

    book = Workbook()
    sheet = book.active
    sheet.title = DATA_SHEET
    columns = [str(c) for c in df.columns]
    for position, name in enumerate(columns, start=1):
        _set_text(sheet.cell(row=1, column=position), name)
    text_columns = set(_text_columns(df))
    formats = {c: _number_format(df[c]) for c in df.columns}

    for row_number, row in enumerate(
        df.itertuples(index=False, name=None), start=2
    ):
        for position, (column, value) in enumerate(
            zip(df.columns, row), start=1
        ):
            cell = sheet.cell(row=row_number, column=position)
            value = _cell_value(value)
            if value is None:
                continue
            if column in text_columns:
                _set_text(cell, str(value))
            else:
                cell.value = value
                if formats[column]:
                    cell.number_format = formats[column]

    _style_header(sheet, len(columns))
    if len(df.columns):
        sheet.auto_filter.ref = (
            f"A1:{get_column_letter(len(columns))}{len(df) + 1}"
        )
    sample = df.head(200).astype("string").fillna("")
    _fit_columns(
        sheet, [[name] + list(sample[c]) for name, c in
                zip(columns, df.columns)]
    )

    fiche = book.create_sheet(METADATA_SHEET)
    for position, name in enumerate(("Champ", "Valeur"), start=1):
        _set_text(fiche.cell(row=1, column=position), name)
    meta_rows = _metadata_rows(metadata)
    for row_number, (field, text) in enumerate(meta_rows, start=2):
        _set_text(fiche.cell(row=row_number, column=1), field)
        _set_text(fiche.cell(row=row_number, column=2), text)
        fiche.cell(row=row_number, column=2).alignment = Alignment(
            wrap_text=True, vertical="top"
        )
    _style_header(fiche, 2)
    fiche.column_dimensions["A"].width = 28
    fiche.column_dimensions["B"].width = 90

    book.properties.title = _as_text(metadata.get("title", path.stem))
    book.properties.creator = _as_text(metadata.get("producer", ""))
    book.properties.language = "fr"
    path.parent.mkdir(parents=True, exist_ok=True)
    book.save(path)
    _log_written(path, df)
    return Written(path, len(df))


def _json_value(value: object) -> object:
    value = _cell_value(value)
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    return value


def _coordinate(value: object, bounds: float, name: str, path: Path,
                row: int) -> float | None:
    value = _cell_value(value)
    if value is None:
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise PublishError(
            f"{path}: row {row}, column {name!r}: expected a coordinate "
            f"in decimal degrees, found {value!r}"
        ) from None
    if math.isnan(number):
        return None
    if not -bounds <= number <= bounds:
        raise PublishError(
            f"{path}: row {row}, column {name!r}: expected a value "
            f"between -{bounds:g} and {bounds:g} (WGS 84 degrees), "
            f"found {number}"
        )
    return number


def write_geojson(df: pd.DataFrame, path: Path, lat: str,
                  lon: str) -> Written:
    """Write the rows of ``df`` as GeoJSON points (WGS 84, RFC 7946).

    Each row becomes a Feature whose properties are the other columns; a
    row without both coordinates is left out, counted and logged. The
    coordinates must be decimal degrees (latitude, longitude).
    """
    path = Path(path)
    _check_table(df, path)
    for name in (lat, lon):
        if name not in df.columns:
            raise PublishError(
                f"{path}: expected a coordinate column {name!r}, found "
                f"only {', '.join(map(str, df.columns))}"
            )

    property_columns = [c for c in df.columns if c not in (lat, lon)]
    features, left_out = [], 0
    for row_number, (_, row) in enumerate(df.iterrows(), start=1):
        y = _coordinate(row[lat], 90, lat, path, row_number)
        x = _coordinate(row[lon], 180, lon, path, row_number)
        if x is None or y is None:
            left_out += 1
            continue
        features.append({
            "type": "Feature",
            "geometry": {"type": "Point", "coordinates": [x, y]},
            "properties": {
                str(c): _json_value(row[c]) for c in property_columns
            },
        })

    collection = {"type": "FeatureCollection", "features": features}
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(
        json.dumps(collection, ensure_ascii=False, indent=1) + "\n",
        encoding="utf-8",
    )
    if left_out:
        log.warning(
            "%s : %d ligne(s) sans coordonnées laissée(s) hors de la "
            "carte", path.name, left_out,
        )
    log.info("%s : %d point(s) écrit(s)", path.name, len(features))
    return Written(path, len(features), left_out)


def _log_written(path: Path, df: pd.DataFrame) -> None:
    neutralised = _count_neutralised(df)
    log.info(
        "%s : %d ligne(s), %d colonne(s), %d cellule(s) neutralisée(s)",
        path.name, len(df), len(df.columns), neutralised,
    )
