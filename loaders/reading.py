"""From file bytes to raw sheets: format detection by content, CSV encodings, calamine, safety limits.

Nothing here interprets the table; ``loaders.table`` does that. Every failure becomes an ``Issue``.
"""

from __future__ import annotations

import csv
import io
import logging
import zipfile
import zlib
from dataclasses import dataclass, field
from xml.etree import ElementTree

import python_calamine as calamine

from housing.settings import get_setting, resolved
from loaders.guard import GuardError, check_extent, guard_xlsx, read_member, xlsx_extents
from loaders.guard_ods import guard_ods, ods_extents
from loaders.guard_xls import guard_xls
from loaders.issues import Issue

log = logging.getLogger(__name__)
OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGIC = b"PK\x03\x04"
CSV_ENCODINGS = ("utf-8-sig", "gb18030")  # gb18030 is a superset of the GBK that Chinese Excel writes


@dataclass
class RawSheet:
    """A sheet's cells as rows from A1 (row index + 1 is the Excel row) and its merged ranges."""

    name: str
    rows: list[list]
    merged: list[tuple[tuple[int, int], tuple[int, int]]] = field(default_factory=list)


class ReadError(Exception):
    """The file cannot be read at all; carries the issue to report."""

    def __init__(self, issue: Issue):
        super().__init__(issue.message("en"))
        self.issue = issue


def sniff_format(data: bytes, filename: str = "") -> str:
    """``xlsx``, ``ods``, ``xls`` or ``csv``, from the content rather than the file name."""
    if data.startswith(ZIP_MAGIC):
        try:
            names = set(zipfile.ZipFile(io.BytesIO(data)).namelist())
        except zipfile.BadZipFile as exc:
            raise ReadError(Issue("damaged")) from exc
        if "xl/workbook.xml" in names or "xl/workbook.bin" in names:
            return "xlsx"
        if "content.xml" in names:
            return "ods"
        raise ReadError(Issue("not_spreadsheet"))
    if data.startswith(OLE2_MAGIC):
        return "xls"
    head = data[:512].removeprefix(b"\xef\xbb\xbf").lstrip().lower()  # a web page saved with a UTF-8 BOM
    if head.startswith((b"<html", b"<!doctype", b"<table", b"<?xml")):
        raise ReadError(Issue("html_file"))
    if b"\x00" in data[:4096]:
        raise ReadError(Issue("not_spreadsheet"))
    if filename.lower().endswith((".xlsx", ".xlsm", ".ods")):
        raise ReadError(Issue("damaged"))  # text under a workbook's name; .xls is often exported TSV
    return "csv"


def decode_text(data: bytes) -> str:
    """CSV bytes as text: UTF-8 (with or without BOM) first, then GB18030/GBK."""
    for encoding in CSV_ENCODINGS:
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise ReadError(Issue("unknown_encoding"))


def read_csv(data: bytes, name: str) -> list[RawSheet]:
    """One sheet from CSV text, with the delimiter sniffed (comma, tab, semicolon)."""
    text = decode_text(data)
    try:
        dialect = csv.Sniffer().sniff(text[:8192], delimiters=",\t;")
    except csv.Error:
        dialect = csv.excel
    try:
        rows = [list(r) for r in csv.reader(io.StringIO(text), dialect)]
    except csv.Error as exc:  # a NUL past the sniffed head, a "field" over csv's 128 KB limit: not a table
        raise ReadError(Issue("not_spreadsheet")) from exc
    width = max((len(r) for r in rows), default=0)
    rows = [r + [""] * (width - len(r)) for r in rows]
    return [RawSheet(name.rsplit(".", 1)[0] or "CSV", rows)]


def read_calamine(data: bytes) -> list[RawSheet]:
    """Every visible worksheet through calamine, as rows from A1."""
    try:
        book = calamine.CalamineWorkbook.from_filelike(io.BytesIO(data))
        sheets = []
        for meta in book.sheets_metadata:
            if meta.typ != calamine.SheetTypeEnum.WorkSheet or meta.visible != calamine.SheetVisibleEnum.Visible:
                continue
            sheet = book.get_sheet_by_name(meta.name)
            sheets.append(RawSheet(meta.name, sheet.to_python(skip_empty_area=False), sheet.merged_cell_ranges or []))
        return sheets
    except calamine.PasswordError as exc:
        raise ReadError(Issue("password")) from exc
    except Exception as exc:  # calamine raises many types; all mean the same thing to the user
        log.warning("calamine could not read the workbook: %s: %s", type(exc).__name__, exc)
        raise ReadError(Issue("damaged")) from exc


def check_size(data: bytes, overrides: dict | None = None) -> None:
    """Refuse an empty file or one over ``max_upload_mb`` before anything reads it; raises ``ReadError``."""
    limit_mb = get_setting("max_upload_mb", overrides)
    if len(data) > limit_mb * 1048576:
        raise ReadError(Issue("too_large", params={"size_mb": len(data) / 1048576, "limit_mb": limit_mb}))
    if not data:
        raise ReadError(Issue("empty_file"))


def read_sheets(data: bytes, filename: str = "", overrides: dict | None = None) -> tuple[list[RawSheet], list[Issue]]:
    """All sheets of a workbook file, after the size and used-range checks; raises ``ReadError``."""
    check_size(data, overrides)
    kind = sniff_format(data, filename)
    settings = resolved(overrides)
    if kind == "csv":
        sheets, issues = read_csv(data, filename or "CSV"), []
    else:
        data, issues = _guarded(kind, data, settings)
        sheets = read_calamine(data)
    _check_sheets(sheets, settings)
    return sheets, issues


def _guarded(kind: str, data: bytes, settings: dict) -> tuple[bytes, list[Issue]]:
    """The format's pre-checks before any parser runs: the bytes to parse and the warnings found."""
    try:
        if kind == "xlsx":
            limits = (settings["max_unzipped_mb"], settings["max_cells"])
            guarded = guard_xlsx(data, *limits, max_sheets=settings["max_sheets"])
            return guarded.data, guarded.issues
        (guard_ods if kind == "ods" else guard_xls)(data, settings)
        return data, []
    except GuardError as exc:
        raise ReadError(exc.issue) from exc
    except (zipfile.BadZipFile, zlib.error, OSError, EOFError, ElementTree.ParseError) as exc:
        raise ReadError(Issue("damaged")) from exc


def _check_sheets(sheets: list[RawSheet], settings: dict) -> None:
    """What the parser returned is within the limits too (the pre-checks cannot foresee every layout)."""
    if len(sheets) > settings["max_sheets"]:
        raise ReadError(Issue("too_many_sheets", params={"count": len(sheets), "limit": settings["max_sheets"]}))
    for sheet in sheets:
        width = max((len(r) for r in sheet.rows), default=0)
        try:
            check_extent(sheet.name, len(sheet.rows), width, 0, settings)
        except GuardError as exc:
            raise ReadError(exc.issue) from exc


def diagnose(data: bytes, filename: str, settings: dict) -> Issue | None:
    """Why a file that went over a worker limit did: the sheet beyond the row, column or cell limits, found by
    an exact pass over its cells; ``None`` when nothing specific is found (the limit then speaks for itself)."""
    try:
        kind = sniff_format(data, filename)
        if kind not in ("xlsx", "ods"):
            return None
        if kind == "xlsx":
            extents = xlsx_extents(data, settings["max_unzipped_mb"])
        else:
            extents = ods_extents(_content_xml(data, settings["max_unzipped_mb"]))
        for extent in extents:
            check_extent(extent.sheet, extent.rows, extent.cols, extent.cells, settings)
    except (GuardError, ReadError) as exc:
        return exc.issue
    except (zipfile.BadZipFile, zlib.error, OSError, EOFError, KeyError, ElementTree.ParseError):
        return None
    return None


def _content_xml(data: bytes, limit_mb: float) -> bytes:
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        return read_member(zf, "content.xml", limit_mb)
