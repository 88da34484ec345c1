"""The uploaded workbook handed back with every problem cell marked, so staff fix it in Excel and upload again.

``annotate_workbook(data, filename, issues, lang)`` returns xlsx bytes:

- xlsx/xlsm are opened with openpyxl, so styles, column widths, merges, comments and formulas stay (VBA
  does not: the result is a plain .xlsx). xls, ods and csv, and workbooks openpyxl cannot open (xlsb),
  are rebuilt from the rows the loader read: same sheet names and values, no formatting.
- Each problem cell gets a fill (errors light red, warnings light amber) and a comment with its messages,
  one per line. Where the issue has a row but no column, the row's first cell (column A) is marked; where
  it has a column but no row (a guessed area unit), the header cell; a cell inside a merged range is
  marked on the range's top-left cell, the one Excel shows. File-level issues appear only in the list.
- A last sheet (校验问题 / Problems) lists every issue with a link to its cell. Its texts are written so
  that no row can pass for a project-table header, so loading the result gives the projects and issues
  the original gave.
- Marks and the list from an earlier run are removed first, so a workbook downloaded, partly fixed and
  uploaded again comes back showing only what is still wrong.
"""

from __future__ import annotations

import bisect
import datetime as dt
import functools
import io
import logging
import math
import re
import unicodedata
import warnings
import zipfile
from xml.sax.saxutils import escape

from openpyxl import Workbook, load_workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, MergedCell
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils.datetime import to_excel
from openpyxl.worksheet.hyperlink import Hyperlink

from housing.i18n import LANGS, t
from housing.settings import resolved
from housing.xlsxsafe import FORMULA_STARTS, write_text, write_value
from loaders import chars
from loaders.guard import _sheet_members, col_letters, col_number
from loaders.issues import ERROR, WARNING, Issue
from loaders.reading import RawSheet, ReadError, read_sheets, sniff_format
from loaders.sandbox import ChildError, LimitExceeded, Limits, run_limited
from loaders.table import find_header

log = logging.getLogger(__name__)

# The texts are the catalogue's ``marked.*``, per language: a later run recognises the sheet and comments an
# earlier run wrote in either language.
SUMMARY_TITLES = {lang: t("marked.sheet", lang) for lang in LANGS}
AUTHORS = {lang: t("marked.author", lang) for lang in LANGS}
# Neither header row names a project-table column (loaders.schema), so the list is never read as a table.
SUMMARY_COLUMNS = ("severity", "location", "row", "column", "value", "problem")
SUMMARY_HEADERS = {lang: tuple(t(f"marked.head.{c}", lang) for c in SUMMARY_COLUMNS) for lang in LANGS}
SEVERITY_TEXT = {lang: {s: t(f"marked.{s}", lang) for s in (ERROR, WARNING)} for lang in LANGS}
WHOLE_FILE = {lang: t("marked.whole_file", lang) for lang in LANGS}
FILL_COLOURS = {ERROR: "FFC7CE", WARNING: "FFEB9C"}  # Excel's own "bad" and "neutral" cell styles
SUMMARY_WIDTHS = (8, 22, 7, 26, 22, 70)
# Between our messages and a comment the cell already had; lets a later run give the old comment back.
COMMENT_SEPARATOR = "\n――――――\n"
_T_ATTR = re.compile(rb'\st="[^"]*"')
# A formula cell as openpyxl writes it: the formula (escaped, so no "<" inside) and an empty cached value.
_FORMULA_CELL = re.compile(rb'<c r="([A-Z]+)(\d+)"([^>]*)>(<f\b[^>]*?(?:/>|>[^<]*</f>))<v\s*(?:/>|></v>)</c>')

Place = tuple[str, int, int]  # worksheet title, Excel row, Excel column (both 1-based)


def annotate_workbook(
    data: bytes, filename: str, issues: list[Issue], lang: str = "zh", *, overrides: dict | None = None
) -> bytes | None:
    """The workbook as xlsx bytes with each issue's cell filled and commented and a last sheet listing them.

    ``None`` when the file cannot be read (nothing to mark). Never raises for bad input. The work runs in
    the limited worker process (``loaders.sandbox``), like loading: openpyxl reads the whole file too.
    """
    settings = resolved(overrides)
    try:
        return run_limited(
            annotate_unguarded, data, filename, issues, lang, settings, limits=Limits.from_settings(settings)
        )
    except (LimitExceeded, ChildError) as exc:
        log.warning("could not annotate %s: %s", filename, exc)
        return None


def annotate_unguarded(
    data: bytes, filename: str, issues: list[Issue], lang: str = "zh", overrides: dict | None = None
) -> bytes | None:
    """``annotate_workbook`` without the worker process: only for code already running under the limits."""
    lang = "zh" if lang == "zh" else "en"
    try:
        sheets, _ = read_sheets(data, filename, overrides)  # the same size and zip-bomb checks as loading
        kind = sniff_format(data, filename)
    except ReadError:
        return None
    try:
        return _annotate(data, kind, sheets, issues, lang)
    except Exception:  # the download is an extra; a workbook we cannot rewrite must not break the page
        log.exception("could not annotate %s", filename)
        return None


def _annotate(data: bytes, kind: str, sheets: list[RawSheet], issues: list[Issue], lang: str) -> bytes:
    """Open (or rebuild) the workbook, clear earlier marks, mark the issues, add the list, save."""
    raw = {s.name: s for s in sheets}
    book = _open_original(data) if kind == "xlsx" else None
    original = book is not None
    by_name: dict[str, object]
    if book is not None:
        by_name = {ws.title: ws for ws in book.worksheets}
        _forget_previous(book, _has_comments(data))
    else:
        book, by_name = _rebuild(sheets)
    # Issues name sheets without control or invisible characters (``table.clean_sheet_names``): find both spellings.
    by_name |= {chars.clean(name).strip(): ws for name, ws in by_name.items()}
    raw = raw | {chars.clean(name).strip(): sheet for name, sheet in raw.items()}
    places = _mark_issues(by_name, raw, issues, lang)
    _add_summary(book, issues, places, lang)
    out = io.BytesIO()
    book.save(out)
    return _with_cached_values(out.getvalue(), raw, book.epoch) if original else out.getvalue()


# --- the workbook to mark -----------------------------------------------------------------------------------


def _open_original(data: bytes) -> Workbook | None:
    """The xlsx/xlsm with its styles and formulas, without VBA; ``None`` when openpyxl cannot open it."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # "extension not supported" notes about parts openpyxl drops
            book = load_workbook(io.BytesIO(data), keep_vba=False, rich_text=False)
    except Exception as exc:  # xlsb and files from odd writers that calamine reads but openpyxl does not
        log.info("openpyxl cannot open the workbook (%s: %s); rebuilding it from the values", type(exc).__name__, exc)
        return None
    book.template = False  # an .xltx is saved as an ordinary workbook
    return book


def _has_comments(data: bytes) -> bool:
    """Whether the workbook has comments at all (only then can an earlier run's marks be in it)."""
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        return any(n.startswith("xl/comments") for n in zf.namelist())


def _rebuild(sheets: list[RawSheet]) -> tuple[Workbook, dict[str, object]]:
    """A new workbook with the sheets' values as the loader read them and their merged ranges."""
    book = Workbook()
    if book.active is not None:  # a new workbook comes with one empty sheet
        book.remove(book.active)
    by_name: dict[str, object] = {}
    for sheet in sheets:
        ws = book.create_sheet(_safe_title(sheet.name))
        for row in sheet.rows:
            ws.append([_rebuilt_value(v) for v in row])
        _keep_texts_as_text(ws, sheet.rows)
        for (r0, c0), (r1, c1) in sheet.merged:
            if (r0, c0) != (r1, c1):
                ws.merge_cells(start_row=r0 + 1, start_column=c0 + 1, end_row=r1 + 1, end_column=c1 + 1)
        _fit_widths(ws, sheet.rows)
        by_name[sheet.name] = ws
    return book, by_name


def _rebuilt_value(value):
    """A value as read, for the new sheet: no empty strings, and a date at midnight (xls) shown as a date."""
    if value == "":
        return None
    if isinstance(value, dt.datetime) and value.time() == dt.time(0):
        return value.date()
    return _clean(value)


def _safe_title(name: str) -> str:
    """A sheet title Excel accepts (a CSV's is its file name): no ``[]:*?/\\``, at most 31 characters."""
    return re.sub(r"[\[\]:*?/\\]", "_", chars.clean(name))[:31].strip() or "Sheet"


def _keep_texts_as_text(ws, rows: list[list]) -> None:
    """Text such as ``=A1``, ``-5`` or ``#N/A`` stays text: openpyxl would store a formula or an error, and
    Excel would read ``+``/``-``/``@`` text as a formula once the cell is edited (``housing.xlsxsafe``)."""
    for r, row in enumerate(rows, start=1):
        for c, value in enumerate(row, start=1):
            if isinstance(value, str) and value[:1] in ("#", *FORMULA_STARTS):
                write_text(ws.cell(r, c), value)


def _fit_widths(ws, rows: list[list], sample: int = 50) -> None:
    """Columns wide enough for what their first rows hold, so the rebuilt sheet is readable."""
    widths: dict[int, int] = {}
    for row in rows[:sample]:
        for c, value in enumerate(row, start=1):
            widths[c] = max(widths.get(c, 0), _display_width(str(value)))
    for c, width in widths.items():
        ws.column_dimensions[col_letters(c)].width = min(60, max(8, width + 2))


def _forget_previous(book: Workbook, has_comments: bool) -> None:
    """Remove the list and the marks an earlier run left, giving back comments the cells had before."""
    for ws in list(book.worksheets):
        if ws.title in SUMMARY_TITLES.values() and _is_summary(ws):
            book.remove(ws)
    if not has_comments:
        return
    authors = set(AUTHORS.values())
    for ws in book.worksheets:
        for cell in list(ws._cells.values()):  # noqa: SLF001 - the stored cells; iter_rows would create the range
            comment = cell.comment
            if comment is not None and comment.author in authors:
                cell.fill = PatternFill(fill_type=None)
                _, _, before = comment.text.partition(COMMENT_SEPARATOR)
                cell.comment = Comment(before, "") if before else None


def _is_summary(ws) -> bool:
    """A sheet this module wrote: its first row is one of the list's header rows."""
    first = tuple(ws.cell(1, c).value for c in range(1, 7))
    return first in SUMMARY_HEADERS.values()


# --- marking cells --------------------------------------------------------------------------------------------


def _mark_issues(by_name: dict, raw: dict[str, RawSheet], issues: list[Issue], lang: str) -> list[Place | None]:
    """Fill and comment each issue's cell; the cell marked for each issue (``None``: file or sheet level)."""
    header_rows: dict[str, int | None] = {}
    merged: dict[str, MergedIndex] = {}
    groups: dict[Place, list[Issue]] = {}
    places: list[Place | None] = []
    for issue in issues:
        ws = by_name.get(issue.sheet) if issue.sheet else None
        spot = _locate(issue, raw.get(issue.sheet), header_rows) if ws is not None else None
        if ws is None or spot is None:
            places.append(None)
            continue
        if ws.title not in merged:
            merged[ws.title] = MergedIndex(ws)
        row, col = merged[ws.title].anchor(*spot)
        place = (ws.title, row, col)
        groups.setdefault(place, []).append(issue)
        places.append(place)
    titles = {ws.title: ws for ws in by_name.values()}
    for (title, row, col), group in groups.items():
        _mark(titles[title].cell(row, col), group, lang)
    return places


def _issue_col(issue: Issue) -> int | None:
    """The issue's 0-based column: ``col``, or for a stray cell the column letters the guard gives."""
    if issue.col is None and issue.code == "stray_cells" and issue.column.isascii() and issue.column.isalpha():
        return col_number(issue.column) - 1
    return issue.col


def _locate(issue: Issue, sheet: RawSheet | None, header_rows: dict) -> tuple[int, int] | None:
    """The issue's cell as 1-based (row, column), or ``None`` when it names no row and no column."""
    col = _issue_col(issue)
    row = issue.row
    if row is None:
        if col is None or sheet is None:
            return None
        if sheet.name not in header_rows:
            found = find_header(sheet.rows, sheet.merged)  # the header row the loader used, found the same way
            header_rows[sheet.name] = found[0] + 1 if found else None
        row = header_rows[sheet.name]
        if row is None:
            return None
    return row, (col or 0) + 1


class MergedIndex:
    """Finds the merged range a cell lies in without scanning every range for every issue."""

    def __init__(self, ws):
        self.ws = ws
        self.by_col: dict[int, list[tuple[int, int, int, int]]] | None = None

    def anchor(self, row: int, col: int) -> tuple[int, int]:
        """The top-left cell of the merged range holding (row, col), or (row, col) itself."""
        if not isinstance(self.ws.cell(row, col), MergedCell):  # a cell created here is the one marked
            return row, col
        if self.by_col is None:
            self.by_col = self._build()
        spans = self.by_col.get(col, [])
        i = bisect.bisect_right(spans, (row, math.inf, math.inf, math.inf)) - 1
        if i >= 0 and spans[i][0] <= row <= spans[i][1]:
            return spans[i][2], spans[i][3]
        return row, col

    def _build(self) -> dict[int, list[tuple[int, int, int, int]]]:
        """Column -> ranges crossing it as (first row, last row, anchor row, anchor column), sorted by row."""
        by_col: dict[int, list[tuple[int, int, int, int]]] = {}
        for rng in self.ws.merged_cells.ranges:
            for c in range(rng.min_col, rng.max_col + 1):
                by_col.setdefault(c, []).append((rng.min_row, rng.max_row, rng.min_row, rng.min_col))
        for spans in by_col.values():
            spans.sort()
        return by_col


def _mark(cell, group: list[Issue], lang: str) -> None:
    """Fill the cell by its worst issue and comment it with every message, keeping a comment it had."""
    cell.fill = _fill(ERROR if any(i.severity == ERROR for i in group) else WARNING)
    text = "\n".join(dict.fromkeys(_clean(i.message(lang)) for i in group))
    if cell.comment is not None and cell.comment.text:
        text += COMMENT_SEPARATOR + cell.comment.text
    cell.comment = _comment(text, AUTHORS[lang])


def _fill(severity: str) -> PatternFill:
    colour = FILL_COLOURS[severity]
    return PatternFill(fill_type="solid", start_color=colour, end_color=colour)


def _comment(text: str, author: str) -> Comment:
    """A comment whose box is big enough to show its text without resizing (about 36 narrow characters a line)."""
    lines = sum(1 + _display_width(line) // 36 for line in text.split("\n"))
    return Comment(text, author, height=24 + 16 * lines, width=270)


def _display_width(text: str) -> int:
    """Width in narrow characters: Chinese characters count two."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _clean(value):
    """Text without the control characters openpyxl refuses; other values unchanged."""
    return ILLEGAL_CHARACTERS_RE.sub("", value) if isinstance(value, str) else value


# --- the list of problems -------------------------------------------------------------------------------------


def _add_summary(book: Workbook, issues: list[Issue], places: list[Place | None], lang: str) -> None:
    """A last sheet with one row per issue, linked to the marked cell; opened first, as the place to start."""
    ws = book.create_sheet(SUMMARY_TITLES[lang])
    for c, (text, width) in enumerate(zip(SUMMARY_HEADERS[lang], SUMMARY_WIDTHS), start=1):
        cell = ws.cell(1, c, text)
        cell.font = Font(bold=True)
        ws.column_dimensions[col_letters(c)].width = width
    for r, (issue, place) in enumerate(zip(issues, places), start=2):
        _summary_row(ws, r, issue, place, lang)
    ws.freeze_panes = "A2"
    for sheet in book.worksheets:
        sheet.sheet_view.tabSelected = False  # else Excel opens with two sheets grouped
    book.active = ws
    ws.sheet_view.tabSelected = True


def _summary_row(ws, r: int, issue: Issue, place: Place | None, lang: str) -> None:
    """One issue: severity, a linked location, row, column, value and message."""
    severity = ws.cell(r, 1, SEVERITY_TEXT[lang][issue.severity])
    severity.fill = _fill(issue.severity)
    location = ws.cell(r, 2)
    if place is not None:
        title, row, col = place
        quoted = title.replace("'", "''")
        location.hyperlink = Hyperlink(ref=location.coordinate, location=f"'{quoted}'!{col_letters(col)}{row}")
        location.style = "Hyperlink"  # before the text: a named style replaces the cell's quote prefix
    _put(location, _location_text(issue, place, lang))
    ws.cell(r, 3, issue.row)
    _put(ws.cell(r, 4), _column_text(issue, lang))
    _put(ws.cell(r, 5), issue.value)
    _put(ws.cell(r, 6), issue.message(lang))
    ws.cell(r, 6).alignment = Alignment(wrap_text=True, vertical="top")


def _location_text(issue: Issue, place: Place | None, lang: str) -> str:
    """``项目!C5``; a sheet alone is quoted (``'项目'``) so that it can never read as a header name."""
    if place is not None:
        return f"{issue.sheet}!{col_letters(place[2])}{place[1]}"
    return f"'{issue.sheet}'" if issue.sheet else WHOLE_FILE[lang]


def _column_text(issue: Issue, lang: str) -> str:
    """``C（安置户数）``: the letter first and the header in brackets, which header matching ignores."""
    col = _issue_col(issue)
    letters = col_letters(col + 1) if col is not None else ""
    if not issue.column or issue.column == letters:
        return letters
    left, right = ("（", "）") if lang == "zh" else (" (", ")")
    return f"{letters}{left}{issue.column}{right}"


def _put(cell, value) -> None:
    """Write a value as it is: text stays text even when it starts with ``=`` or looks like ``#N/A``."""
    write_value(cell, value if value != "" else None)


# --- formulas keep the values the loader read ------------------------------------------------------------------


def _with_cached_values(xlsx: bytes, raw: dict[str, RawSheet], epoch) -> bytes:
    """Put back the value each formula had: openpyxl saves formulas without one, and the loader reads values.

    Excel recalculates on opening either way (openpyxl sets ``fullCalcOnLoad``).
    """
    with zipfile.ZipFile(io.BytesIO(xlsx)) as zf:
        replaced: dict[str, bytes] = {}
        for member, name in _sheet_members(zf).items():
            xml = zf.read(member)
            if name in raw and b"<f" in xml:
                rows = raw[name].rows
                replaced[member] = _FORMULA_CELL.sub(functools.partial(_cached, rows=rows, epoch=epoch), xml)
        if not replaced:
            return xlsx
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
            for info in zf.infolist():
                target.writestr(info, replaced.get(info.filename) or zf.read(info.filename))
        return out.getvalue()


def _cached(match: re.Match, rows: list[list], epoch) -> bytes:
    """One formula cell with the value the loader read at its position (unchanged when there was none)."""
    r, c = int(match.group(2)) - 1, col_number(match.group(1)) - 1
    value = rows[r][c] if r < len(rows) and c < len(rows[r]) else ""
    typed = _xml_value(value, epoch)
    if typed is None:
        return match.group(0)
    kind, text = typed
    attrs = _T_ATTR.sub(b"", match.group(3)) + (f' t="{kind}"'.encode() if kind else b"")
    ref = match.group(1) + match.group(2)
    return b'<c r="' + ref + b'"' + attrs + b">" + match.group(4) + b"<v>" + text.encode() + b"</v></c>"


def _xml_value(value, epoch) -> tuple[str, str] | None:
    """(cell type, text of ``<v>``) for a value as calamine returns it; ``None`` for empty or unknown."""
    if isinstance(value, bool):
        return "b", "1" if value else "0"
    if isinstance(value, int | float):
        return ("", repr(value)) if math.isfinite(value) else None
    if isinstance(value, dt.date | dt.time | dt.timedelta):  # date cells hold serial numbers; the style shows a date
        return "", repr(float(to_excel(value, epoch)))
    if isinstance(value, str) and value:
        return "str", escape(_clean(value))
    return None
