"""Excel export: tables (a page's lists, the briefing's sections) as a workbook people can sort, filter and sum.

Raw values are written (``Cell.value``), formatted by the column's kind: counts ``#,##0``, floor area in 万㎡
(the m² value divided by 10,000, as on screen; every 万㎡ header says so) ``#,##0.00``, dates as real dates
``yyyy-mm-dd``, days as integers, statuses as their label on the status colour. A first sheet says what the
file shows (the filters in force, the as-of date, the data version), so a forwarded file still says it; the
file opens on the first table. Text goes through ``housing.xlsxsafe.write_text``: a name such as
``=HYPERLINK(…)`` stays text, never a formula (OWASP CSV/formula injection).
"""

from __future__ import annotations

import datetime as dt
import io
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from zipfile import ZIP_DEFLATED, ZipFile

from openpyxl import Workbook
from openpyxl.cell.cell import Cell as XCell
from openpyxl.cell.cell import MergedCell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.properties import PageSetupProperties
from openpyxl.worksheet.worksheet import Worksheet
from openpyxl.writer.excel import ExcelWriter

from briefing import blocks as B
from briefing.reproducible import fixed_zip, stamp
from housing.fmt import fmt_list
from housing.i18n import status_label, t
from housing.status import STATUS_COLORS
from housing.xlsxsafe import write_text, write_value

NUMBER = "_number"  # the headline figures: a shown number ("7,253", "264.83") written as a number
FORMATS = {B.COUNT: "#,##0", B.WAN_M2: "#,##0.00", B.DAYS: "0", B.DATE: "yyyy-mm-dd"}
DATETIME_FORMAT = "yyyy-mm-dd hh:mm"
LINE_HEIGHT = 15  # points: one line of 11-point text, CJK included
MAX_WIDTH = 60  # characters (a CJK character counts two); longer text wraps within the column
SHEET_CHARS = 31  # Excel's limit for a sheet name
SHEET_FORBIDDEN = re.compile(r"[\[\]:*?/\\\x00-\x1f]")
RESERVED_SHEETS = {"history"}  # Excel keeps this name for itself and refuses to open a file using it
SHOWN_NUMBER = re.compile(r"^-?\d{1,3}(,\d{3})*(\.\d+)?$|^-?\d+(\.\d+)?$")

FONT = "Calibri"  # the workbook's own font: a font without a name is drawn in a serif face by LibreOffice
HEADER_FONT = Font(name=FONT, bold=True)
HEADER_FILL = PatternFill("solid", fgColor="DDE3EA")
TITLE_FONT = Font(name=FONT, bold=True, size=13)
STATUS_FONT = Font(name=FONT, bold=True, color="FFFFFF")
EMPTY_FONT = Font(name=FONT, italic=True, color="555555")
TOP = Alignment(vertical="top")
CENTRE = Alignment(horizontal="center", vertical="top")
WRAP = Alignment(vertical="top", wrap_text=True)


@dataclass(frozen=True)
class _Part:
    """A table to lay out on a section's sheet, with the caption above it when the sheet holds several."""

    caption: str
    table: B.Table


def tables_xlsx(sheets: Sequence[tuple[str, B.Table]], lang: str, filters: Sequence[tuple[str, str]] = ()) -> bytes:
    """A workbook with one sheet per ``(name, table)``, after a first sheet stating ``filters`` (label/value
    pairs in ``lang``: districts, statuses, as-of date, data version) and each sheet's row count."""
    wb = Workbook()
    about = wb.active
    assert about is not None  # a new workbook has its one sheet
    taken: set[str] = set()
    about.title = sheet_title(t("xl_sheet_about", lang), taken)
    names = [(sheet_title(name, taken), table) for name, table in sheets]
    counts = [(t("xl_rows_of", lang, sheet=name), len(table.rows)) for name, table in names]
    _write_about(about, t("xl_about_title", lang), [*filters, *counts])
    _properties(wb, t("xl_about_title", lang), lang)
    for name, table in names:
        _write_table(wb.create_sheet(name), table, lang, top=1, filtered=True)
    return _saved(wb, first_data=1 if names else 0)


def render_xlsx(b: B.Briefing) -> bytes:
    """The briefing as a workbook: what it shows first, then a sheet per section (the headline figures, every
    table, the red projects one row each with their facts and reasons in full, notes and chart captions)."""
    wb = Workbook()
    about = wb.active
    assert about is not None
    taken: set[str] = set()
    about.title = sheet_title(t("xl_sheet_about", b.lang), taken)
    _write_about(about, b.title, _briefing_facts(b))
    _properties(wb, b.title, b.lang)
    for section in b.sections:
        if section.key != B.TITLE:
            _write_section(wb.create_sheet(sheet_title(section.title, taken)), section, b.lang)
    # the briefing's date, not the clock, in the document and on every zip entry: the same briefing, the same file
    return _saved(wb, first_data=1 if len(wb.worksheets) > 1 else 0, when=stamp(b))


def _briefing_facts(b: B.Briefing) -> list[tuple[str, object]]:
    """The about sheet of a briefing: region, as-of date (a real date), version, districts, sections."""
    shown = [s.title for s in b.sections if s.key != B.TITLE]
    return [
        (t("xl_region", b.lang), b.region),
        (t("xl_as_of", b.lang), b.as_of),
        (t("xl_version", b.lang), b.version),
        (t("xl_districts", b.lang), fmt_list(b.districts, b.lang) or t("filter_all", b.lang)),
        (t("xl_sections", b.lang), fmt_list(shown, b.lang)),
    ]


def sheet_title(name: str, taken: set[str]) -> str:
    """``name`` as a sheet name Excel accepts: no ``[]:*?/\\``, no leading or trailing quote, at most 31
    characters, not Excel's own "History", and unique in the workbook (``taken``, case-insensitive, updated)."""
    base = SHEET_FORBIDDEN.sub(" ", name).strip().strip("'").strip() or "Sheet"
    title, n = _cut(base, SHEET_CHARS), 1
    while title.casefold() in taken or title.casefold() in RESERVED_SHEETS:
        n += 1
        suffix = f" ({n})"
        title = _cut(base, SHEET_CHARS - len(suffix)).rstrip() + suffix
    taken.add(title.casefold())
    return title


def _cut(text: str, limit: int) -> str:
    """``text`` cut to ``limit`` UTF-16 units (Excel's count), never ending on a quote."""
    while len(text.encode("utf-16-le")) // 2 > limit:
        text = text[:-1]
    return text.rstrip("'")


def text_width(text: str) -> int:
    """How many character widths ``text`` takes in a column: a CJK (wide) character counts two."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _properties(wb: Workbook, title: str, lang: str) -> None:
    """The file's title and author as the product names them (not the library that wrote it)."""
    wb.properties.title = title
    wb.properties.creator = wb.properties.lastModifiedBy = t("app_title", lang)


def _saved(wb: Workbook, first_data: int, when: dt.datetime | None = None) -> bytes:
    """The workbook's bytes, opening on its first table (the about sheet stays first, one tab away); dated
    ``when`` (document properties and zip entries) when given, else now."""
    wb.active = first_data
    for ws in wb.worksheets:
        ws.sheet_view.tabSelected = ws is wb.active
    out = io.BytesIO()
    if when is None:
        wb.save(out)
        return out.getvalue()
    # ``Workbook.save`` stamps "modified" with the clock; its writer, called directly, keeps the date given
    wb.properties.created = wb.properties.modified = when.astimezone(dt.UTC).replace(tzinfo=None)
    with ZipFile(out, "w", ZIP_DEFLATED, allowZip64=True) as archive:
        ExcelWriter(wb, archive).save()
    return fixed_zip(out.getvalue(), when)


def _write_about(ws: Worksheet, title: str, rows: Sequence[tuple[str, object]]) -> None:
    """A title, then one label/value row per fact; dates as dates, counts as numbers, text as safe text."""
    write_text(ws.cell(1, 1), title).font = TITLE_FONT
    for r, (label, value) in enumerate(rows, start=3):
        write_text(ws.cell(r, 1), label).font = HEADER_FONT
        cell = write_value(ws.cell(r, 2), value)  # type: ignore[arg-type]  # about values are text, dates, ints
        cell.alignment = Alignment(horizontal="left", vertical="top")
        if isinstance(value, dt.date):
            cell.number_format = FORMATS[B.DATE]
        elif isinstance(value, int):
            cell.number_format = FORMATS[B.COUNT]
    _fit(ws, [[label for label, _ in rows], [_shown_about(v) for _, v in rows]])
    _print_setup(ws)


def _shown_about(value: object) -> str:
    return value.isoformat() if isinstance(value, dt.date) else f"{value:,}" if isinstance(value, int) else str(value)


def _write_section(ws: Worksheet, section: B.Section, lang: str) -> None:
    """A section's tables one below the other (captioned when there are several; a single table gets the
    frozen header and filter), then its notes and chart captions as lines of text."""
    parts = _parts(section, lang)
    row, widths = 1, [list[str]() for _ in range(max((len(_columns(p.table)) for p in parts), default=1))]
    for part in parts:
        if len(parts) > 1:
            write_text(ws.cell(row, 1), part.caption).font = TITLE_FONT
            row += 1
        row = _write_table(ws, part.table, lang, top=row, filtered=len(parts) == 1, widths=widths) + 1
    for line in _lines(section):
        write_text(ws.cell(row, 1), line)  # not wrapped: a sentence runs on over the empty cells beside it
        row += 1
    _fit(ws, widths)
    _fit_rows(ws)


def _parts(section: B.Section, lang: str) -> list[_Part]:
    """The tables of a section: its Table blocks, its headline figures, and its one-project slides (facts and
    reasons, no table) gathered into one table, a row per project."""
    parts: list[_Part] = []
    for slide in section.slides:
        for block in slide.blocks:
            if isinstance(block, B.Table):
                parts.append(_Part(slide.title, block))
            elif isinstance(block, B.Headlines):
                parts.append(_Part(slide.title, _headline_table(block, lang)))
    projects = [s for s in section.slides if _is_project_slide(s)]
    if projects:
        parts.append(_Part(section.title, _project_table(section.key, projects, lang)))
    return parts


def _is_project_slide(slide: B.Slide) -> bool:
    kinds = {type(b) for b in slide.blocks}
    return bool(kinds & {B.Facts, B.Reasons}) and not kinds & {B.Table, B.Headlines}


def _lines(section: B.Section) -> list[str]:
    """Notes and what each chart shows (its alt text): the sentences of a section that are not tables."""
    lines = []
    for slide in section.slides:
        for block in slide.blocks:
            if isinstance(block, B.Note):
                lines.append(block.text)
            elif isinstance(block, B.Chart):
                lines.append(block.alt)
    return lines


def _headline_table(headlines: B.Headlines, lang: str) -> B.Table:
    """The headline figures as a table: figure, value (a number where the shown value is one), unit, target."""
    columns = (
        B.Column("figure", t("xl_col_figure", lang)),
        B.Column("value", t("xl_col_value", lang), NUMBER),
        B.Column("unit", t("xl_col_unit", lang)),
        B.Column("target", t("xl_col_target", lang)),
    )
    rows = tuple(
        (B.Cell(h.label, h.label), B.Cell(h.value, h.value), B.Cell(h.unit, h.unit), B.Cell(h.target, h.target))
        for h in headlines.items
    )
    return B.Table("headlines", columns, rows, tuple(h.status for h in headlines.items))


def _project_table(key: str, slides: Sequence[B.Slide], lang: str) -> B.Table:
    """One row per project slide: its title, every fact (as shown) and every reason in full, one per line."""
    labels = list(
        dict.fromkeys(label for s in slides for b in s.blocks if isinstance(b, B.Facts) for label, _ in b.items)
    )
    columns = (
        B.Column("name", t("col_name", lang)),
        *(B.Column(f"fact_{i}", label) for i, label in enumerate(labels)),
        B.Column("reasons", t("col_reasons", lang)),
    )
    rows = tuple(_project_row(s, labels) for s in slides)
    return B.Table(key, columns, rows, tuple(s.status for s in slides))


def _project_row(slide: B.Slide, labels: list[str]) -> tuple[B.Cell, ...]:
    facts = dict(item for b in slide.blocks if isinstance(b, B.Facts) for item in b.items)
    reasons = "\n".join(r for b in slide.blocks if isinstance(b, B.Reasons) for r in b.items)
    texts = [slide.title, *(facts.get(label, "") for label in labels), reasons]
    return tuple(B.Cell(x, x) for x in texts)


def _columns(table: B.Table) -> tuple[B.Column, ...]:
    """The table's columns, with a status column first when its rows have statuses none of its columns shows."""
    if any(table.statuses) and not any(c.kind == B.STATUS for c in table.columns):
        return (B.Column("_status", "", B.STATUS), *table.columns)  # headed in the workbook's language
    return table.columns


def _rows(table: B.Table) -> list[tuple[B.Cell, ...]]:
    """The table's rows, each led by its status when ``_columns`` added the status column."""
    if len(_columns(table)) == len(table.columns):
        return list(table.rows)
    statuses = list(table.statuses) + [None] * (len(table.rows) - len(table.statuses))
    return [(B.Cell(s, ""), *row) for s, row in zip(statuses, table.rows)]


def _write_table(
    ws: Worksheet, table: B.Table, lang: str, top: int, filtered: bool, widths: list[list[str]] | None = None
) -> int:
    """Header at row ``top``, then the rows (or the table's empty text); returns the row after the last.

    ``filtered``: freeze the header and put the filter on it (one table per sheet). ``widths`` collects the
    shown texts per column for fitting; without it the columns are fitted here."""
    columns, rows = _columns(table), _rows(table)
    own = widths is None
    widths = widths if widths is not None else [[] for _ in columns]
    for c, column in enumerate(columns, start=1):
        label = t("col_status", lang) if column.key == "_status" else column.label
        header = write_text(ws.cell(top, c), label)
        header.font, header.fill, header.alignment = HEADER_FONT, HEADER_FILL, WRAP
        widths[c - 1].append(label)
    for r, row in enumerate(rows, start=top + 1):
        for c, (column, cell) in enumerate(zip(columns, row), start=1):
            widths[c - 1].append(_write_cell(ws.cell(r, c), column.kind, cell, lang))
    if not rows and table.empty:
        write_text(ws.cell(top + 1, 1), table.empty).font = EMPTY_FONT
    last = top + max(len(rows), 1)
    if filtered:
        ws.freeze_panes = f"A{top + 1}"
        ws.auto_filter.ref = f"A{top}:{get_column_letter(len(columns))}{last}"
        ws.print_title_rows = f"{top}:{top}"
    _print_setup(ws)
    if own:
        _fit(ws, widths)
        _fit_rows(ws)
    return last + 1


def _write_cell(cell: XCell | MergedCell, kind: str, c: B.Cell, lang: str) -> str:
    """Write one value by its column's kind; returns the text it shows (for the column width)."""
    value = c.value
    if kind == B.STATUS:
        return _write_status(cell, value, c.text, lang)
    if value is None or (isinstance(value, float) and value != value):
        write_text(cell, c.text)  # missing: what the screen shows ("—"), as text
        return c.text
    cell.alignment = TOP
    if kind == NUMBER and isinstance(value, str) and SHOWN_NUMBER.match(value):
        number = float(value.replace(",", ""))
        cell.value = int(number) if "." not in value else number
        cell.number_format = "#,##0" if "." not in value else "#,##0." + "0" * len(value.split(".")[1])
        return value
    if kind in (B.COUNT, B.WAN_M2, B.DAYS) and _is_number(value):
        cell.value = value / 10_000 if kind == B.WAN_M2 else int(value) if kind == B.DAYS else value
        cell.number_format = FORMATS[kind]
        return c.text or f"{cell.value:,.2f}"
    if kind == B.DATE and isinstance(value, dt.date):
        cell.value, cell.alignment = value, CENTRE
        cell.number_format = DATETIME_FORMAT if isinstance(value, dt.datetime) else FORMATS[B.DATE]
        return value.strftime("%Y-%m-%d %H:%M") if isinstance(value, dt.datetime) else value.isoformat()
    write_value(cell, value if isinstance(value, str | int | float | dt.date) else str(value))
    shown = value if isinstance(value, str) else c.text or str(value)
    cell.alignment = WRAP if text_width(shown) > MAX_WIDTH or "\n" in shown else TOP
    return shown


def _is_number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _write_status(cell: XCell | MergedCell, status: object, text: str, lang: str) -> str:
    """A status as its label on its colour (white bold text), as the screen shows it; unknown: the text."""
    if status not in STATUS_COLORS:
        write_text(cell, text)
        return text
    label = status_label(str(status), lang)
    write_text(cell, label)
    cell.fill = PatternFill("solid", fgColor=STATUS_COLORS[str(status)].lstrip("#"))
    cell.font, cell.alignment = STATUS_FONT, TOP
    return label


def _fit(ws: Worksheet, columns: Iterable[Sequence[str]]) -> None:
    """Column widths fitted to the longest text (a CJK character counts two), at most ``MAX_WIDTH``."""
    for c, texts in enumerate(columns, start=1):
        longest = max((text_width(line) for text in texts for line in str(text).split("\n")), default=8)
        ws.column_dimensions[get_column_letter(c)].width = min(max(longest, 6) + 2, MAX_WIDTH)


def _fit_rows(ws: Worksheet) -> None:
    """Rows with wrapped text made tall enough for every line (LibreOffice keeps a row one line high
    otherwise, hiding the rest of a reason)."""
    for r, row in enumerate(ws.iter_rows(), start=1):
        lines = max((_lines_in(ws, c) for c in row if c.alignment.wrap_text and isinstance(c.value, str)), default=1)
        if lines > 1:
            ws.row_dimensions[r].height = LINE_HEIGHT * lines


def _lines_in(ws: Worksheet, cell: XCell | MergedCell) -> int:
    """How many lines ``cell``'s text takes in its column's width."""
    room = max((ws.column_dimensions[get_column_letter(cell.column or 1)].width or MAX_WIDTH) - 1, 1)
    return sum(max(1, -(-text_width(line) // int(room))) for line in str(cell.value).split("\n"))


def _print_setup(ws: Worksheet) -> None:
    """Printed (or turned into PDF): landscape, as wide as the page, header repeated on every page."""
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0
    ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
