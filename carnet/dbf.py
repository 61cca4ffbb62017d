"""Read the attribute table of a shapefile (.dbf) with the right code page.

A shapefile keeps its attributes in a dBASE file whose text has no stated
encoding of its own. This reader chooses one, in this order, and says
which and why:

1. the code page written in the ``.cpg`` file beside it, when there is one
   and Python knows it;
2. else the language byte of the DBF header, when it names a code page;
3. else UTF-8, if every text value decodes strictly as UTF-8;
4. else cp1252 (Windows Western European), the usual code page of French
   GIS exports.

Deleted records are skipped and counted. A numeric, float or date field
that cannot be read becomes empty and is reported with its record and
field. A missing memo file is reported; its fields are left empty. The
table converts to CSV (UTF-8) and XLSX. Parsing is done by ``dbfread``.
"""

from __future__ import annotations

import codecs
import logging
import re
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
from dbfread import DBF, FieldParser
from dbfread.codepages import codepages as LANGUAGE_DRIVERS

log = logging.getLogger(__name__)

MEMO_TYPES = set("MGPB")
CHECKED_TYPES = set("NFDIL")
FALLBACK_ENCODING = "cp1252"


class DbfError(ValueError):
    """A DBF file could not be read as a table."""


@dataclass(frozen=True)
class DamagedValue:
    """A value that could not be read; it is left empty in the table."""

    record: int
    field: str
    raw: bytes
    reason: str


@dataclass
class DbfReport:
    """What the reader found and decided about one DBF file."""

    path: Path
    encoding: str
    encoding_reason: str
    records: int
    deleted: int
    fields: list[tuple[str, str, int]]
    language_byte: int
    cpg_text: str | None
    damaged: list[DamagedValue] = field(default_factory=list)
    missing_memo: str | None = None

    def summary(self) -> str:
        """One French sentence for a log or the book."""
        parts = [
            f"{self.path.name} : {self.records} enregistrements lus",
            f"{self.deleted} supprimés ignorés",
            f"{len(self.fields)} champs",
            f"encodage {self.encoding} ({self.encoding_reason})",
        ]
        if self.damaged:
            parts.append(f"{len(self.damaged)} valeurs illisibles vidées")
        if self.missing_memo:
            parts.append(self.missing_memo)
        return ", ".join(parts)


def codec_from_cpg(text: str) -> str | None:
    """The Python codec named by a .cpg content, or None if unknown.

    A .cpg holds a code-page name ("UTF-8", "ISO 8859-1", "latin1") or a
    bare Windows code-page number ("1252", "65001").
    """
    value = text.strip().strip("\x00").strip()
    if not value:
        return None
    if value.isdigit():
        number = int(value)
        value = "utf-8" if number == 65001 else f"cp{number}"
    value = re.sub(r"^ANSI\s*", "cp", value, flags=re.IGNORECASE)
    value = re.sub(r"\s+", "-", value)
    try:
        return codecs.lookup(value).name
    except LookupError:
        return None


def _language_byte(path: Path) -> int:
    with path.open("rb") as stream:
        header = stream.read(32)
    if len(header) < 32:
        raise DbfError(f"{path}: {len(header)} bytes, too short for a "
                       "DBF header (32 bytes expected)")
    return header[29]


def _text_values(table: DBF) -> list[bytes]:
    """Raw bytes of every text (C) value, deleted records excluded."""
    text_fields = [f.name for f in table.fields if f.type == "C"]
    values = []
    for record in table:
        values.extend(record[name].rstrip(b" \x00") for name in text_fields)
    return [v for v in values if v]


def _decodes(values: list[bytes], encoding: str) -> bool:
    try:
        for value in values:
            value.decode(encoding)
    except UnicodeDecodeError:
        return False
    return True


def choose_encoding(path: Path) -> tuple[str, str, int, str | None]:
    """Encoding to use, the reason, the language byte and the .cpg text."""
    path = Path(path)
    language = _language_byte(path)
    cpg_path = path.with_suffix(".cpg")
    if not cpg_path.exists():
        cpg_path = path.with_suffix(".CPG")
    cpg_text = None

    if cpg_path.exists():
        cpg_text = cpg_path.read_bytes().decode("ascii", errors="replace")
        codec = codec_from_cpg(cpg_text)
        if codec:
            return codec, f"fichier .cpg « {cpg_text.strip()} »", \
                language, cpg_text
        log.warning("%s: code page %r of the .cpg is unknown, ignored",
                    cpg_path, cpg_text)

    if language in LANGUAGE_DRIVERS and language != 0:
        codec = codecs.lookup(LANGUAGE_DRIVERS[language][0]).name
        return codec, f"octet de langue 0x{language:02X} de l'en-tête", \
            language, cpg_text

    raw = DBF(str(path), raw=True, ignore_missing_memofile=True)
    values = _text_values(raw)
    if _decodes(values, "utf-8"):
        return "utf-8", "UTF-8 strict réussi sur tous les textes", \
            language, cpg_text
    return FALLBACK_ENCODING, "UTF-8 impossible, cp1252 par défaut", \
        language, cpg_text


def _checked_parser(damaged: list[tuple[str, bytes, str]]):
    """A dbfread parser that empties unreadable values and notes them."""

    class CheckedParser(FieldParser):
        def parse(self, field, data):
            if field.type not in CHECKED_TYPES:
                return super().parse(field, data)
            try:
                return super().parse(field, data)
            except ValueError as error:
                damaged.append((field.name, bytes(data), str(error)))
                return None

    return CheckedParser


def read_dbf(path: Path, encoding: str | None = None
             ) -> tuple[pd.DataFrame, DbfReport]:
    """Read a DBF file into a table of text, numbers and dates.

    ``encoding`` forces a code page (used to show a wrong reading); by
    default it is chosen as the module says. Returns the table and a
    report of what was decided and found.
    """
    path = Path(path)
    if not path.is_file():
        raise DbfError(f"{path}: no such DBF file")
    chosen, reason, language, cpg_text = choose_encoding(path)
    if encoding is not None:
        chosen, reason = codecs.lookup(encoding).name, "imposé"

    damaged_raw: list[tuple[str, bytes, str]] = []
    try:
        table = DBF(
            str(path), encoding=chosen, char_decode_errors="replace",
            ignore_missing_memofile=True,
            parserclass=_checked_parser(damaged_raw),
        )
    except ValueError as error:
        raise DbfError(f"{path}: not a readable DBF table: {error}") \
            from error

    rows, damaged = [], []
    for number, record in enumerate(table, start=1):
        rows.append(dict(record))
        damaged.extend(
            DamagedValue(number, name, raw, why)
            for name, raw, why in damaged_raw
        )
        damaged_raw.clear()

    fields = [(f.name, f.type, f.length) for f in table.fields]
    frame = pd.DataFrame(rows, columns=[name for name, _, _ in fields])
    memo_fields = [name for name, kind, _ in fields if kind in MEMO_TYPES]
    missing_memo = None
    if memo_fields and table.memofilename is None:
        missing_memo = (
            "fichier mémo (.dbt/.fpt) absent : champ(s) "
            f"{', '.join(memo_fields)} laissé(s) vide(s)"
        )

    report = DbfReport(
        path=path, encoding=chosen, encoding_reason=reason,
        records=len(rows), deleted=len(table.deleted), fields=fields,
        language_byte=language, cpg_text=cpg_text, damaged=damaged,
        missing_memo=missing_memo,
    )
    for value in damaged:
        log.warning("%s: record %d, field %s: %r unreadable (%s), left "
                    "empty", path.name, value.record, value.field,
                    value.raw, value.reason)
    if missing_memo:
        log.warning("%s: %s", path.name, missing_memo)
    log.info("%s", report.summary())
    return frame, report


def convert(path: Path, out_dir: Path) -> tuple[Path, Path, DbfReport]:
    """Write the table as CSV (UTF-8) and XLSX in ``out_dir``."""
    frame, report = read_dbf(path)
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    stem = Path(path).stem
    csv_path = out_dir / f"{stem}.csv"
    xlsx_path = out_dir / f"{stem}.xlsx"
    frame.to_csv(csv_path, index=False, encoding="utf-8")
    frame.to_excel(xlsx_path, index=False, sheet_name=stem[:31])
    log.info("%s converti en %s et %s", Path(path).name, csv_path.name,
             xlsx_path.name)
    return csv_path, xlsx_path, report


def non_ascii_values(frame: pd.DataFrame) -> pd.Series:
    """The text cells holding a non-ASCII character, as (row, column)."""
    stacked = frame.astype("string").stack()
    return stacked[stacked.str.contains(r"[^\x00-\x7f]", regex=True)]


def _shorten(text: str, width: int) -> str:
    return text if len(text) <= width else text[:width - 1] + "…"


def right_and_wrong(path: Path, wrong_encoding: str, limit: int = 5,
                    width: int = 70) -> pd.DataFrame:
    """Accented values read right, beside the same bytes misread.

    Values longer than ``width`` characters are cut, both the same way.
    """
    right, report = read_dbf(path)
    wrong, _ = read_dbf(path, encoding=wrong_encoding)
    accented = non_ascii_values(right)
    distinct = accented[~accented.duplicated()].head(limit)
    rows = []
    for (row, column), value in distinct.items():
        rows.append({
            "Champ": column,
            f"Lu en {report.encoding} (juste)": _shorten(value, width),
            f"Lu en {wrong_encoding} (faux)": _shorten(
                wrong.at[row, column], width),
        })
    return pd.DataFrame(rows)


def reports_table(reports: dict[str, DbfReport]) -> pd.DataFrame:
    """One line per table read: counts and the encoding chosen, and why."""
    return pd.DataFrame([
        {"Jeu": name, "Lus": r.records, "Supprimés": r.deleted,
         "Champs": len(r.fields), "Encodage": r.encoding,
         "Choisi d'après": r.encoding_reason,
         "Illisibles": len(r.damaged)}
        for name, r in reports.items()
    ])


def fields_table(reports: dict[str, DbfReport]) -> pd.DataFrame:
    """The fields of each table, each with its dBASE type letter."""
    return pd.DataFrame([
        {"Jeu": name,
         "Champs": ", ".join(f"{f} ({kind})" for f, kind, _ in r.fields)}
        for name, r in reports.items()
    ])
