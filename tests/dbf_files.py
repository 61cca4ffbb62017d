"""Build small dBASE III files for the tests of the DBF reader."""

from __future__ import annotations

import struct
from pathlib import Path


def write_dbf(
    path: Path,
    fields: list[tuple[str, str, int, int]],
    records: list[tuple[bool, list[bytes]]],
    *,
    language_byte: int = 0,
    cpg: str | None = None,
    version: int = 0x03,
) -> Path:
    """Write a DBF file (and its .cpg when given).

    ``fields`` are (name, type, length, decimals); each record is
    (deleted, raw values), values padded with spaces to the field length.
    """
    header_length = 32 + 32 * len(fields) + 1
    record_length = 1 + sum(length for _, _, length, _ in fields)
    header = struct.pack(
        "<BBBBIHH", version, 126, 5, 17, len(records), header_length,
        record_length,
    )
    reserved = bytearray(20)
    reserved[29 - 12] = language_byte
    out = bytearray(header + bytes(reserved))

    for name, kind, length, decimals in fields:
        out += name.encode("ascii").ljust(11, b"\x00")
        out += kind.encode("ascii") + bytes(4)
        out += bytes([length, decimals]) + bytes(14)
    out += b"\r"

    for deleted, values in records:
        out += b"*" if deleted else b" "
        for (_, _, length, _), value in zip(fields, values):
            if len(value) > length:
                raise ValueError(f"{value!r} longer than {length}")
            out += value.ljust(length, b" ")
    out += b"\x1a"

    path = Path(path)
    path.write_bytes(bytes(out))
    if cpg is not None:
        path.with_suffix(".cpg").write_text(cpg, encoding="ascii")
    return path
