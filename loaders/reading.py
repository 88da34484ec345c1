"""From file bytes to raw sheets: format detection by content, CSV encodings, calamine, safety limits.

Nothing here interprets the table; ``loaders.table`` does that. Every failure becomes an ``Issue``.
"""

from __future__ import annotations

import csv
import functools
import io
import logging
import os
import re
import stat
import zipfile
import zlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from xml.etree import ElementTree

import python_calamine as calamine

from housing.settings import get_setting, resolved
from loaders.guard import GuardError, check_extent, guard_xlsx, xlsx_extents
from loaders.guard_ods import guard_ods, ods_file_extents
from loaders.guard_xls import guard_xls
from loaders.issues import Issue
from loaders.schema import match_header

log = logging.getLogger(__name__)
OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGIC = b"PK\x03\x04"
# A byte-order mark decides the encoding, the longer marks first (UTF-32 LE starts with UTF-16 LE's mark); each
# codec reads and drops its mark itself, so the file is not copied to cut it off.
BOMS = (
    (b"\xff\xfe\x00\x00", "utf-32"),
    (b"\x00\x00\xfe\xff", "utf-32"),
    (b"\xef\xbb\xbf", "utf-8-sig"),
    (b"\xff\xfe", "utf-16"),
    (b"\xfe\xff", "utf-16"),
)
# Without a mark and not UTF-8: the Chinese double-byte encodings, each tried strictly and judged by how the
# text reads (see ``_plausibility``). gb18030 is a superset of the GBK that mainland Excel writes; cp950 is
# the Big5 that Taiwanese Windows and Excel write, big5hkscs Big5 with Hong Kong's extra characters.
GB = "gb18030"
BIG5S = ("cp950", "big5hkscs")
STRAY_NULS = 2  # NUL bytes a text file may have in its first 4 KB (one in a cell); binaries have many
SAMPLE_BYTES = 65_536  # the candidates are judged on the file's first lines, then one of them decodes it all
HEADER_LINES = 30  # as many lines as the loader scans for the header row
DOMAIN_SIGNS = "㎡"  # outside both encodings' common blocks, yet in every floor-area header (万㎡)
PLAUSIBLE = 0.6  # share of a decoding's CJK text in its encoding's common characters that makes it convincing


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
    if looks_binary(data):
        raise ReadError(Issue("not_spreadsheet"))
    if filename.lower().endswith((".xlsx", ".xlsm", ".ods")):
        raise ReadError(Issue("damaged"))  # text under a workbook's name; .xls is often exported TSV
    return "csv"


def looks_binary(data: bytes) -> bool:
    """Whether the start of a file that is no workbook is binary rather than text.

    Binary files have NUL bytes from their first kilobytes on; so has UTF-16 text (Excel's "Unicode text"),
    told apart by its byte-order mark or its NUL pattern. A text file with a stray NUL or two in a cell is
    still text: those are removed from the cells, with a warning (``loaders.chars``).
    """
    nuls = data[:4096].count(0)
    if nuls <= STRAY_NULS or data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return False
    return utf16_without_bom(data) is None


def utf16_without_bom(data: bytes) -> str | None:
    """``utf-16-le`` or ``utf-16-be`` when the first bytes look like UTF-16 text without a byte-order mark.

    ASCII characters (digits, separators, line breaks) are a NUL byte next to their code: in little-endian
    text the NULs sit at odd offsets, in big-endian text at even ones. CJK characters have no NUL byte, and
    a binary file has its NULs at both offsets, so a clear majority on one side is the sign.
    """
    head = data[: 4096 & ~1]
    even, odd = head[0::2].count(0), head[1::2].count(0)
    pairs = len(head) // 2
    if odd >= max(STRAY_NULS + 1, pairs // 20) and even * 10 <= odd:
        return "utf-16-le"
    if even >= max(STRAY_NULS + 1, pairs // 20) and odd * 10 <= even:
        return "utf-16-be"
    return None


@functools.cache
def _common_characters(encoding: str) -> frozenset[str]:
    """The characters ordinary text in ``encoding`` is made of: punctuation, full-width forms and the CJK
    block that holds the everyday characters (Big5: the 5,401 frequent ones, not the rare second level)."""
    ranges: list[tuple[int, Sequence[int]]]
    if encoding == GB:
        ranges = [(lead, range(0xA1, 0xFF)) for lead in [0xA1, 0xA3, *range(0xB0, 0xF8)]]
    else:
        trails = [*range(0x40, 0x7F), *range(0xA1, 0xFF)]
        ranges = [(lead, trails) for lead in range(0xA1, 0xC7)]  # symbols A140-A3BF, frequent A440-C67E
    chars = set(DOMAIN_SIGNS)
    for lead, trail_bytes in ranges:
        for trail in trail_bytes:
            try:
                chars.add(bytes((lead, trail)).decode(encoding))  # the codec that decodes the file
            except UnicodeDecodeError:
                continue
    return frozenset(chars)


def _plausibility(text: str, encoding: str) -> float:
    """Share of the non-ASCII characters of ``text`` that are common in ``encoding`` (1.0 for ASCII only).

    Big5 bytes decoded as GBK (or the reverse) still decode, but into kana, box-drawing signs and rare
    characters: real text scores near 1, the garbled reading about half or less.
    """
    wide = [ch for ch in text if ch > "\x7f"]
    if not wide:
        return 1.0
    common = _common_characters(GB if encoding == GB else "cp950")
    return sum(ch in common for ch in wide) / len(wide)


def _header_words(text: str) -> int:
    """The most known column headers (项目名称, 安置户数, or the traditional 項目名稱, 安置戶數) on one of the first
    lines: a header row the loader recognises is the strongest sign a decoding is right."""
    best = 0
    for line in text.splitlines()[:HEADER_LINES]:
        cells = re.split(r"[,\t;]", line)
        best = max(best, sum(match_header(cell.strip().strip('"'))[0] is not None for cell in cells))
    return best


def _sample(data: bytes) -> bytes:
    """The first ``SAMPLE_BYTES`` cut after a line break (a byte that is never part of a GBK/Big5 character)."""
    if len(data) <= SAMPLE_BYTES:
        return data
    end = data.rfind(b"\n", 0, SAMPLE_BYTES)
    return data[: end + 1] if end > 0 else data


def _chinese_encoding(data: bytes) -> str | None:
    """GB18030 or a Big5, whichever reads the file's first lines as plausible text; ``None`` when neither."""
    sample = _sample(data)
    scored: list[tuple[str, tuple[bool, float]]] = []
    for encoding in (GB, *BIG5S):
        if encoding in BIG5S and any(e in BIG5S for e, _ in scored):
            continue  # big5hkscs only when cp950 failed
        try:
            text = sample.decode(encoding)
        except UnicodeDecodeError:
            continue
        scored.append((encoding, (_header_words(text) >= 2, _plausibility(text, encoding))))
    if not scored:
        return None
    # On a tie GB18030 wins: it is the mainland's encoding and the first candidate (max keeps the first).
    encoding, (header, plausible) = max(scored, key=lambda item: item[1])
    return encoding if header or plausible >= PLAUSIBLE else None


def decode_text(data: bytes) -> str:
    """CSV bytes as text, the encoding decided from the content.

    A byte-order mark decides (UTF-8, UTF-16 LE/BE, UTF-32); then UTF-16 recognised by its NUL bytes; then
    strict UTF-8; then GB18030/GBK or Big5, by which of them yields plausible Chinese. Raises ``ReadError``
    (``unknown_encoding``) when none does. A pure function of the bytes.
    """
    for bom, encoding in BOMS:
        if data.startswith(bom):
            return _decode(data, encoding)
    utf16 = utf16_without_bom(data)
    if utf16:
        return _decode(data, utf16)
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    guessed = _chinese_encoding(data)
    if guessed is None:
        raise ReadError(Issue("unknown_encoding"))
    return _decode(data, guessed)


def _decode(data: bytes, encoding: str) -> str:
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as exc:
        raise ReadError(Issue("unknown_encoding")) from exc


def read_csv(data: bytes, name: str, settings: dict | None = None) -> list[RawSheet]:
    """One sheet from CSV text, with the delimiter sniffed (comma, tab, semicolon).

    With ``settings``, a file over ``max_rows`` is refused before any row is built (its rows are counted for the
    figure in the message), and one over the column or cell limits before the rows are padded."""
    text = decode_text(data)
    sheet = name.rsplit(".", 1)[0] or "CSV"
    try:
        dialect = csv.Sniffer().sniff(text[:8192], delimiters=",\t;")
    except csv.Error:
        dialect = csv.excel
    limit = settings["max_rows"] if settings else None
    try:
        # Line breaks bound the rows from above (a quoted cell may hold more): only past the limit are they counted.
        if limit is not None and text.count("\n") >= limit:
            count = _csv_rows(text, dialect)
            if count > limit:
                params = {"sheet": sheet, "count": count, "limit": limit}
                raise ReadError(Issue("too_many_rows", sheet=sheet, params=params))
        rows = [list(r) for r in csv.reader(io.StringIO(text), dialect)]
    except csv.Error as exc:  # a NUL past the sniffed head, a "field" over csv's 128 KB limit: not a table
        raise ReadError(Issue("not_spreadsheet")) from exc
    width = max((len(r) for r in rows), default=0)
    if settings:
        try:
            check_extent(sheet, len(rows), width, 0, settings)
        except GuardError as exc:
            raise ReadError(exc.issue) from exc
    rows = [r + [""] * (width - len(r)) for r in rows]
    return [RawSheet(sheet, rows)]


def _csv_rows(text: str, dialect) -> int:
    """The rows ``csv.reader`` yields from ``io.StringIO(text)``, counted without building them. The reader is fed
    lines cut at ``\n`` (``\r\n`` ends a row too; a lone ``\r`` it refuses), so without quote or escape
    characters each ``\n`` ends one row and counting them in C is exact; otherwise the reader runs, keeping
    nothing."""
    quoted = dialect.quotechar and dialect.quotechar in text
    escaped = dialect.escapechar and dialect.escapechar in text
    if not quoted and not escaped:
        return text.count("\n") + (1 if text and not text.endswith("\n") else 0)
    return sum(1 for _ in csv.reader(io.StringIO(text), dialect))


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


def _read_up_to(handle: io.RawIOBase, most: int) -> bytes:
    """At most ``most`` bytes of ``handle``, a megabyte at a time (one ``read(most)`` would set aside all of
    ``most`` at once, however small the file)."""
    chunks: list[bytes] = []
    left = most
    while left > 0:
        chunk = handle.read(min(left, 1048576))
        if not chunk:
            break
        chunks.append(chunk)
        left -= len(chunk)
    return b"".join(chunks)


def read_path(path: str | os.PathLike, overrides: dict | None = None) -> bytes:
    """A file's bytes read from disk, never more than ``max_upload_mb`` (and one byte) of them; raises
    ``ReadError`` for what cannot be read: a missing file, a folder, no permission, and anything that is not a
    regular file (a pipe would wait forever for its writer, ``/dev/zero`` never ends), or a file over the limit
    (refused before its bytes fill the memory)."""
    limit_mb = get_setting("max_upload_mb", overrides)
    limit = int(limit_mb * 1048576)
    try:
        # Non-blocking: opening a pipe would otherwise wait for a writer (it does nothing to a regular file).
        with open(os.open(path, os.O_RDONLY | os.O_NONBLOCK), "rb", buffering=0) as handle:
            status = os.fstat(handle.fileno())
            if not stat.S_ISREG(status.st_mode):
                raise ReadError(Issue("unreadable", params={"detail": "not a regular file"}))
            if status.st_size > limit:  # said with its real size, none of it read
                raise ReadError(Issue("too_large", params={"size_mb": status.st_size / 1048576, "limit_mb": limit_mb}))
            data = _read_up_to(handle, limit + 1)  # a file growing meanwhile is still cut at the limit
    except OSError as exc:
        raise ReadError(Issue("unreadable", params={"detail": f"{exc.strerror or exc}"})) from None
    check_size(data, overrides)
    return data


def read_sheets(
    data: bytes, filename: str = "", overrides: dict | None = None, guarded_xlsx: bool = False
) -> tuple[list[RawSheet], list[Issue]]:
    """All sheets of a workbook file, after the size and used-range checks; raises ``ReadError``.

    ``guarded_xlsx``: an xlsx is parsed as it is, its guard (``xlsx_verdict``) run by another process at the
    same time, which stops this one if the verdict is not "as it is"; other formats are checked here as ever."""
    check_size(data, overrides)
    kind = sniff_format(data, filename)
    settings = resolved(overrides)
    issues: list[Issue] = []
    if kind == "csv":
        sheets = read_csv(data, filename or "CSV", settings)
    else:
        if not (guarded_xlsx and kind == "xlsx"):
            data, issues = _guarded(kind, data, settings)
        sheets = read_calamine(data)
    _check_sheets(sheets, settings)
    return sheets, issues


@dataclass
class Verdict:
    """What the guard says of a file that may be an xlsx (``xlsx_verdict``): ``refusal``, the issue it is refused
    with; else ``rewritten`` when calamine must read a rewritten copy (stray cells dropped), or else ``warnings``
    to report with what calamine reads from the bytes as they are."""

    warnings: list[Issue] = field(default_factory=list)
    refusal: Issue | None = None
    rewritten: bool = False


def xlsx_verdict(data: bytes, filename: str, settings: dict) -> Verdict:
    """The guard's verdict on a file that may be an xlsx; another format gets an empty one (its reading checks
    it). Raises nothing for a bad file: the refusal is the verdict."""
    try:
        if sniff_format(data, filename) != "xlsx":
            return Verdict()
        guarded, issues = _guarded("xlsx", data, settings)
    except ReadError as exc:
        return Verdict(refusal=exc.issue)
    return Verdict(issues, rewritten=guarded is not data)


def _guarded(kind: str, data: bytes, settings: dict) -> tuple[bytes, list[Issue]]:
    """The format's pre-checks before any parser runs: the bytes to parse and the warnings found."""
    try:
        if kind == "xlsx":
            guarded = guard_xlsx(
                data,
                settings["max_unzipped_mb"],
                settings["max_cells"],
                max_sheets=settings["max_sheets"],
                max_rows=settings["max_rows"],
                max_columns=settings["max_columns"],
            )
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
        extents = (xlsx_extents if kind == "xlsx" else ods_file_extents)(data, settings["max_unzipped_mb"])
        for extent in extents:
            check_extent(extent.sheet, extent.rows, extent.cols, extent.cells, settings)
    except (GuardError, ReadError) as exc:
        return exc.issue
    except (zipfile.BadZipFile, zlib.error, OSError, EOFError, KeyError, ElementTree.ParseError):
        return None
    return None
