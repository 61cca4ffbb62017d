"""The DBF reader on crafted files: code pages, deletions, damage, memo."""

import logging

import openpyxl
import pandas as pd
import pytest

from carnet.dbf import (
    DbfError, codec_from_cpg, convert, fields_table, read_dbf,
    reports_table, right_and_wrong,
)
from tests.dbf_files import write_dbf

FIELDS = [("NOM", "C", 30, 0), ("SURFACE", "N", 8, 2)]
TEXT = "Préfecture, église, cœur"


def one_text_dbf(tmp_path, encoding, **options):
    """A DBF whose only record holds TEXT encoded with ``encoding``."""
    return write_dbf(
        tmp_path / "couche.dbf", FIELDS,
        [(False, [TEXT.encode(encoding), b"12.50"])], **options,
    )


@pytest.mark.parametrize("cpg, codec", [
    ("UTF-8", "utf-8"), ("1252", "cp1252"), ("ISO 8859-1", "iso8859-1"),
    ("latin1", "iso8859-1"), ("65001", "utf-8"), ("ANSI 1252", "cp1252"),
    (" utf-8\n", "utf-8"), ("pas un code", None), ("", None),
])
def test_cpg_names_become_codecs(cpg, codec):
    assert codec_from_cpg(cpg) == codec


def test_cpg_utf8_is_used(tmp_path):
    path = one_text_dbf(tmp_path, "utf-8", cpg="UTF-8")
    frame, report = read_dbf(path)
    assert frame.loc[0, "NOM"] == TEXT
    assert report.encoding == "utf-8"
    assert ".cpg" in report.encoding_reason


def test_cpg_1252_wins_over_the_language_byte(tmp_path):
    path = one_text_dbf(tmp_path, "cp1252", cpg="1252",
                        language_byte=0x01)
    frame, report = read_dbf(path)
    assert frame.loc[0, "NOM"] == TEXT
    assert report.encoding == "cp1252"


def test_latin1_cpg(tmp_path):
    path = write_dbf(tmp_path / "l.dbf", FIELDS,
                     [(False, ["Sévrier".encode("latin-1"), b"1"])],
                     cpg="ISO-8859-1")
    frame, report = read_dbf(path)
    assert frame.loc[0, "NOM"] == "Sévrier"
    assert report.encoding == "iso8859-1"


def test_without_cpg_the_language_byte_decides(tmp_path):
    path = one_text_dbf(tmp_path, "cp1252", language_byte=0x57)
    frame, report = read_dbf(path)
    assert frame.loc[0, "NOM"] == TEXT
    assert report.encoding == "cp1252"
    assert "0x57" in report.encoding_reason


def test_without_cpg_nor_byte_utf8_is_tried_first(tmp_path):
    path = one_text_dbf(tmp_path, "utf-8")
    frame, report = read_dbf(path)
    assert frame.loc[0, "NOM"] == TEXT
    assert report.encoding == "utf-8"
    assert "UTF-8 strict" in report.encoding_reason


def test_without_any_hint_invalid_utf8_falls_back_to_cp1252(tmp_path):
    path = one_text_dbf(tmp_path, "cp1252")
    frame, report = read_dbf(path)
    assert frame.loc[0, "NOM"] == TEXT
    assert report.encoding == "cp1252"
    assert "cp1252 par défaut" in report.encoding_reason


def test_unknown_cpg_is_ignored_with_a_warning(tmp_path, caplog):
    path = one_text_dbf(tmp_path, "utf-8", cpg="EBCDIC-inconnu")
    with caplog.at_level(logging.WARNING):
        _, report = read_dbf(path)
    assert report.encoding == "utf-8"
    assert "unknown" in caplog.text


def test_deleted_records_are_skipped_and_counted(tmp_path):
    path = write_dbf(tmp_path / "d.dbf", FIELDS, [
        (False, [b"garde", b"1"]),
        (True, [b"efface", b"2"]),
        (False, [b"garde aussi", b"3"]),
    ])
    frame, report = read_dbf(path)
    assert list(frame["NOM"]) == ["garde", "garde aussi"]
    assert report.records == 2
    assert report.deleted == 1


def test_damaged_number_becomes_empty_and_is_reported(tmp_path, caplog):
    path = write_dbf(tmp_path / "n.dbf", FIELDS, [
        (False, [b"bon", b"4.25"]),
        (False, [b"abime", b"12a,5x"]),
    ])
    with caplog.at_level(logging.WARNING):
        frame, report = read_dbf(path)
    assert frame.loc[0, "SURFACE"] == 4.25
    assert pd.isna(frame.loc[1, "SURFACE"])
    assert [(d.record, d.field, d.raw.strip()) for d in report.damaged] \
        == [(2, "SURFACE", b"12a,5x")]
    assert "record 2, field SURFACE" in caplog.text


def test_damaged_date_becomes_empty_and_is_reported(tmp_path):
    fields = [("NOM", "C", 10, 0), ("DATVALID", "D", 8, 0)]
    path = write_dbf(tmp_path / "date.dbf", fields, [
        (False, [b"a", b"20171013"]),
        (False, [b"b", b"20171399"]),
    ])
    frame, report = read_dbf(path)
    assert str(frame.loc[0, "DATVALID"]) == "2017-10-13"
    assert frame.loc[1, "DATVALID"] is None
    assert report.damaged[0].field == "DATVALID"


def test_missing_memo_file_is_reported_not_fatal(tmp_path):
    fields = [("NOM", "C", 10, 0), ("NOTE", "M", 10, 0)]
    path = write_dbf(tmp_path / "memo.dbf", fields,
                     [(False, [b"a", b"1".rjust(10)])], version=0x83)
    frame, report = read_dbf(path)
    assert frame.loc[0, "NOM"] == "a"
    assert frame.loc[0, "NOTE"] is None
    assert "mémo" in report.missing_memo and "NOTE" in report.missing_memo


def test_conversion_writes_utf8_csv_and_xlsx(tmp_path):
    path = one_text_dbf(tmp_path, "cp1252", cpg="1252")
    csv_path, xlsx_path, report = convert(path, tmp_path / "out")
    assert TEXT in csv_path.read_text(encoding="utf-8")
    sheet = openpyxl.load_workbook(xlsx_path).active
    assert sheet["A2"].value == TEXT
    assert sheet["B2"].value == 12.5
    assert report.records == 1


def test_wrong_reading_shows_mojibake(tmp_path):
    path = one_text_dbf(tmp_path, "utf-8", cpg="UTF-8")
    table = right_and_wrong(path, "cp1252")
    assert table.iloc[0, 1] == TEXT
    assert table.iloc[0, 2].startswith("PrÃ©fecture")


def test_missing_or_truncated_file_is_a_clear_error(tmp_path):
    with pytest.raises(DbfError, match="no such DBF file"):
        read_dbf(tmp_path / "absent.dbf")
    short = tmp_path / "court.dbf"
    short.write_bytes(b"\x03\x00")
    with pytest.raises(DbfError, match="too short"):
        read_dbf(short)


def test_report_tables_list_counts_and_fields(tmp_path):
    path = one_text_dbf(tmp_path, "utf-8", cpg="UTF-8")
    _, report = read_dbf(path)
    counts = reports_table({"essai": report}).iloc[0]
    assert counts["Lus"] == 1 and counts["Encodage"] == "utf-8"
    fields = fields_table({"essai": report}).iloc[0]["Champs"]
    assert fields == "NOM (C), SURFACE (N)"
