"""Pre-checks for legacy .xls files (and other OLE2 containers) before calamine sees them.

An .xls is an OLE2 container whose "Workbook" stream is a list of BIFF records. A few bytes can claim a cell
in column 60,000 or a sheet of a billion cells, and calamine would allocate the grid; an encrypted workbook
(either a BIFF file with a FILEPASS record, or an encrypted xlsx, which is an OLE2 container holding an
"EncryptedPackage") cannot be read at all. One pass over the record headers finds all of it.
"""

from __future__ import annotations

import io
import struct

import olefile

from loaders.guard import GuardError, check_extent
from loaders.issues import Issue

FILEPASS, BOUNDSHEET, BOF, DIMENSIONS = 0x002F, 0x0085, 0x0809, 0x0200
WORKSHEET = 0x0010
# Records that place one cell (row and column are the first two 16-bit fields) and the two that place a run.
CELL_RECORDS = {0x0006, 0x00FD, 0x0203, 0x027E, 0x0201, 0x0204, 0x0205, 0x0001, 0x0002, 0x0003, 0x0004}
RUN_RECORDS = {0x00BD, 0x00BE}  # MULRK, MULBLANK: row, first column ... last column
ENCRYPTED_STREAMS = ("EncryptionInfo", "EncryptedPackage")


def guard_xls(data: bytes, settings: dict) -> None:
    """Refuse an encrypted or over-large .xls (or an OLE2 file that holds no workbook); raises ``GuardError``."""
    try:
        ole = olefile.OleFileIO(io.BytesIO(data))
    except OSError as exc:  # olefile's "not an OLE2 structured storage file" and damaged tables
        raise GuardError(Issue("damaged")) from exc
    with ole:
        if any(ole.exists(name) for name in ENCRYPTED_STREAMS):
            raise GuardError(Issue("password"))
        stream = next((n for n in ("Workbook", "Book") if ole.exists(n)), None)
        if stream is None:  # a Word document or another OLE2 file
            raise GuardError(Issue("not_spreadsheet"))
        if ole.get_size(stream) > settings["max_unzipped_mb"] * 1048576:
            raise GuardError(
                Issue(
                    "too_large",
                    params={"size_mb": ole.get_size(stream) / 1048576, "limit_mb": settings["max_unzipped_mb"]},
                )
            )
        records = ole.openstream(stream).read()
    _check_records(records, settings)


def _check_records(data: bytes, settings: dict) -> None:
    """Walk the BIFF records: password, sheet count, and each worksheet's declared and real extent."""
    names: list[str] = []  # in BOUNDSHEET order, which is the order of the worksheets' BOF records
    extents: list[list[int]] = []  # per worksheet: rows, cols, cells, declared rows, declared cols
    pos, end = 0, len(data)
    while pos + 4 <= end:
        kind, size = struct.unpack_from("<HH", data, pos)
        body = pos + 4
        pos = body + size
        if pos > end:
            break  # a truncated last record: calamine reports what it can read
        if kind == FILEPASS:
            raise GuardError(Issue("password"))
        if kind == BOUNDSHEET:
            names.append(_sheet_name(data, body, size) or str(len(names) + 1))
        elif kind == BOF and size >= 4 and struct.unpack_from("<H", data, body + 2)[0] == WORKSHEET:
            extents.append([0, 0, 0, 0, 0])
        elif extents and size >= 4:
            _place(extents[-1], kind, data, body, size)
    if len(names) > settings["max_sheets"]:
        raise GuardError(Issue("too_many_sheets", params={"count": len(names), "limit": settings["max_sheets"]}))
    for index, (rows, cols, cells, declared_rows, declared_cols) in enumerate(extents):
        name = names[index] if index < len(names) else str(index + 1)
        check_extent(name, max(rows, declared_rows), max(cols, declared_cols), cells, settings)


def _sheet_name(data: bytes, body: int, size: int) -> str:
    """A BOUNDSHEET record's sheet name: a length byte, a flags byte, then Latin-1 or UTF-16LE characters."""
    if size < 8:
        return ""
    length, flags = data[body + 6], data[body + 7]
    raw = data[body + 8 : body + size]
    return raw[: 2 * length].decode("utf-16-le", "replace") if flags & 1 else raw[:length].decode("latin-1")


def _place(extent: list[int], kind: int, data: bytes, body: int, size: int) -> None:
    """Widen a worksheet's extent by one record (cells, runs of cells, the DIMENSIONS record)."""
    if kind in CELL_RECORDS:
        row, col = struct.unpack_from("<HH", data, body)
        extent[0], extent[1], extent[2] = max(extent[0], row + 1), max(extent[1], col + 1), extent[2] + 1
    elif kind in RUN_RECORDS and size >= 6:
        row, first = struct.unpack_from("<HH", data, body)
        (last,) = struct.unpack_from("<H", data, body + size - 2)
        extent[0], extent[1] = max(extent[0], row + 1), max(extent[1], last + 1)
        extent[2] += max(0, last - first + 1)
    elif kind == DIMENSIONS and size >= 14:
        _first_row, last_row, _first_col, last_col = struct.unpack_from("<IIHH", data, body)
        extent[3], extent[4] = max(extent[3], last_row), max(extent[4], last_col)
