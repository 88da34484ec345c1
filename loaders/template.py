"""An empty project workbook for staff to download, fill in and upload: ``build_template(lang, ...)``.

Sheet 1 holds a title row, the header row (names the loader matches, see ``loaders.schema``) and 500
pre-formatted data rows with drop-down lists and value checks. A second sheet explains every column and
the stages; a hidden third sheet holds the drop-down lists (Excel limits an inline list to 255 characters).
Neither extra sheet ever has two known header names in one row, so the loader never reads them as tables.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Literal, cast

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from housing.fmt import fmt_list
from housing.i18n import TEXTS, t
from housing.register import FIELDS
from housing.stages import STAGES
from housing.xlsxsafe import write_text
from loaders.values import EXCEL_EPOCH, YEAR_HIGH, YEAR_LOW

# openpyxl's data-validation kinds and operators (its stubs take only these words).
ValidationType = Literal["whole", "decimal", "list", "date", "time", "textLength", "custom"]
ValidationOperator = (
    Literal["between", "notBetween", "equal", "notEqual", "lessThan", "lessThanOrEqual", "greaterThan"]
    | Literal["greaterThanOrEqual"]
    | None
)

TITLE_ROW, HEADER_ROW, FIRST_DATA_ROW = 1, 2, 3
DATA_ROWS = 500
LAST_DATA_ROW = FIRST_DATA_ROW + DATA_ROWS - 1
DATE_FORMATS = {"zh": 'yyyy"年"m"月"d"日"', "en": "yyyy-mm-dd"}
REQUIRED, RECOMMENDED, OPTIONAL = "required", "recommended", "optional"

# Every text the workbook shows is the catalogue's ``tpl.*`` (housing/locales): sheet names, headings, prompts,
# the numbered filling rules (``tpl.rule.1`` …) and what each column means (``tpl.col.<field>.*``).
RULE_KEYS: tuple[str, ...] = tuple(
    sorted((k for k in TEXTS["zh"] if k.startswith("tpl.rule.")), key=lambda k: int(k.rsplit(".", 1)[1]))
)


@dataclass(frozen=True)
class TemplateColumn:
    """One column of the template: its width and need; its header, meaning, format and example are the
    catalogue's ``tpl.col.<field>.header`` (a name the loader reads), ``.meaning``, ``.format``, ``.example``."""

    field: str
    kind: str  # "seq", "text", "list", "count", "area", "date", "percent"
    width: float
    need: str

    def text(self, part: str, lang: str) -> str:
        """``header``, ``meaning``, ``format`` or ``example`` in ``lang``."""
        return t(f"tpl.col.{self.field}.{part}", lang)

    def header(self, lang: str) -> str:
        """The column's header as the template writes it (and the loader reads it)."""
        return self.text("header", lang)


# Which columns the template has, and their order, are the register's; these are their kinds, widths and needs.
DETAILS: tuple[TemplateColumn, ...] = (
    TemplateColumn("seq", "seq", 6, OPTIONAL),
    TemplateColumn("name", "text", 28, REQUIRED),
    TemplateColumn("district", "list", 12, RECOMMENDED),
    TemplateColumn("street", "list", 14, RECOMMENDED),
    TemplateColumn("households", "count", 11, RECOMMENDED),
    TemplateColumn("floor_area", "area", 14, RECOMMENDED),
    TemplateColumn("start", "date", 15, OPTIONAL),
    TemplateColumn("deadline", "date", 15, REQUIRED),
    TemplateColumn("handed_over", "date", 15, OPTIONAL),
    TemplateColumn("stage", "list", 14, RECOMMENDED),
    TemplateColumn("progress", "percent", 11, OPTIONAL),
    TemplateColumn("unit", "text", 20, OPTIONAL),
    TemplateColumn("notes", "text", 30, OPTIONAL),
)
_BY_FIELD = {c.field: c for c in DETAILS}
# The register's fields marked ``template`` (``housing.register``), in its order: a field marked without
# details here fails at import, not in a user's download.
COLUMNS: tuple[TemplateColumn, ...] = tuple(_BY_FIELD[f.read_as] for f in FIELDS if f.template)

NUMBER_FORMATS = {"count": "#,##0", "area": "0.00", "percent": "0%"}
HEADER_FILL = {REQUIRED: "F8CBAD", RECOMMENDED: "DDEBF7", OPTIONAL: "EDEDED"}
THIN = Side(style="thin", color="BFBFBF")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)


def _unique(items) -> list[str]:
    """Non-empty trimmed strings, first occurrence kept, in order."""
    out: list[str] = []
    for item in items:
        text = str(item).strip()
        if text and text not in out:
            out.append(text)
    return out


def _options(lang: str, districts: Sequence[str], streets) -> dict[str, list[str]]:
    """The drop-down values per field; district and street only when given (else free entry)."""
    if isinstance(streets, str):
        streets = (streets,)
    if isinstance(streets, Mapping):
        districts = list(districts) or list(streets)
        streets = [s for group in streets.values() for s in ([group] if isinstance(group, str) else group)]
    options = {"stage": [s.name(lang) for s in STAGES]}
    for field, values in (("district", _unique(districts)), ("street", _unique(streets))):
        if values:
            options[field] = values
    return options


def _excel_serial(date: dt.date) -> int:
    return (date - EXCEL_EPOCH).days


def _validation(kind: str, lang: str, source: str | None = None) -> DataValidation | None:
    """The data validation for a kind of column (``None`` for free text, or a list without values)."""
    low, high = _excel_serial(dt.date(YEAR_LOW, 1, 1)), _excel_serial(dt.date(YEAR_HIGH, 12, 31))
    specs = {
        "date": ("date", "between", str(low), str(high), "prompt_date"),
        "count": ("whole", "greaterThanOrEqual", "0", None, "prompt_count"),
        "area": ("decimal", "greaterThanOrEqual", "0", None, "prompt_area"),
        "percent": ("decimal", "between", "0", "1", "prompt_percent"),
        "list": ("list", None, source, None, "prompt_list"),
    }
    if kind not in specs or (kind == "list" and not source):
        return None
    vtype, operator, formula1, formula2, prompt = specs[kind]
    dv = DataValidation(
        type=cast(ValidationType, vtype),
        operator=cast(ValidationOperator, operator),
        formula1=formula1,
        formula2=formula2,
        allow_blank=True,
    )
    dv.showErrorMessage = dv.showInputMessage = True
    error = "error_list" if kind == "list" else prompt
    dv.prompt, dv.error, dv.errorTitle = t(f"tpl.{prompt}", lang), t(f"tpl.{error}", lang), t("tpl.error_title", lang)
    return dv


def _write_projects(ws: Worksheet, lang: str, year: int | None) -> None:
    """Title row, styled header row, widths, frozen panes and the pre-formatted data rows."""
    ws.title = t("tpl.projects", lang)
    ws.cell(TITLE_ROW, 1, t("tpl.title", lang, year=t("tpl.year", lang, year=year) if year else ""))
    ws.cell(TITLE_ROW, 1).font = Font(bold=True, size=14)
    ws.cell(TITLE_ROW, 1).alignment = Alignment(horizontal="center", vertical="center")
    ws.merge_cells(start_row=TITLE_ROW, start_column=1, end_row=TITLE_ROW, end_column=len(COLUMNS))
    ws.row_dimensions[TITLE_ROW].height = 30
    ws.row_dimensions[HEADER_ROW].height = 36
    for c, col in enumerate(COLUMNS, start=1):
        cell = ws.cell(HEADER_ROW, c, col.header(lang))
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor=HEADER_FILL[col.need])
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        cell.border = BORDER
        ws.column_dimensions[get_column_letter(c)].width = col.width
        _format_data_cells(ws, c, DATE_FORMATS[lang] if col.kind == "date" else NUMBER_FORMATS.get(col.kind))
    ws.freeze_panes = f"C{FIRST_DATA_ROW}"  # header and the 序号/项目名称 columns stay in view
    ws.print_title_rows = f"{HEADER_ROW}:{HEADER_ROW}"
    ws.page_setup.orientation = "landscape"


def _format_data_cells(ws: Worksheet, column: int, number_format: str | None) -> None:
    """Borders and the column's number format on every pre-formatted data row (values stay empty)."""
    for row in range(FIRST_DATA_ROW, LAST_DATA_ROW + 1):
        cell = ws.cell(row, column)
        cell.border = BORDER
        if number_format:
            cell.number_format = number_format


def _write_lists(ws: Worksheet, lang: str, options: dict[str, list[str]]) -> dict[str, str]:
    """Each list stacked in column A under a label (one value per row); returns field -> range formula."""
    ws.title = t("tpl.lists", lang)
    ws.sheet_state = "hidden"
    ws.column_dimensions["A"].width = 24
    sources: dict[str, str] = {}
    row = 1
    for field, values in options.items():
        ws.cell(row, 1, t(f"tpl.list_{field}", lang)).font = Font(bold=True)
        for offset, value in enumerate(values, start=1):
            write_text(ws.cell(row + offset, 1), value)  # a district named "=HYPERLINK(…)" stays text
        sources[field] = f"'{ws.title}'!$A${row + 1}:$A${row + len(values)}"
        row += len(values) + 2
    return sources


def _add_validations(ws: Worksheet, lang: str, sources: dict[str, str]) -> None:
    """Drop-downs and value checks on the data rows of each column that has one."""
    for c, col in enumerate(COLUMNS, start=1):
        dv = _validation(col.kind, lang, sources.get(col.field))
        if dv is None:
            continue
        dv.errorStyle = "warning" if col.field in ("district", "street") else "stop"  # lists given may be incomplete
        letter = get_column_letter(c)
        dv.add(f"{letter}{FIRST_DATA_ROW}:{letter}{LAST_DATA_ROW}")
        ws.add_data_validation(dv)


def _write_instructions(ws: Worksheet, lang: str, streets) -> None:
    """One row per column (header name alone in column A), the stages in order, the rules, the places."""
    ws.title = t("tpl.instructions", lang)
    for letter, width in zip("ABCDE", (26, 52, 12, 20, 36)):
        ws.column_dimensions[letter].width = width
    rows: list[tuple[list[str], bool]] = [([t("tpl.columns_head", lang)], True)]
    heads = ("col_name", "col_meaning", "col_need", "col_format", "col_example")
    rows.append(([t(f"tpl.{k}", lang) for k in heads], True))
    for col in COLUMNS:
        fmt = col.text("format", lang)
        fmt = f"{fmt}（{DATE_FORMATS['en']}）" if col.kind == "date" and lang == "zh" else fmt
        meaning, example = col.text("meaning", lang), col.text("example", lang)
        rows.append(([col.header(lang), meaning, t(f"tpl.{col.need}", lang), fmt, example], False))
    rows += [([], False), ([t("tpl.stages_head", lang)], True)]
    rows += [([f"{n}. {s.name(lang)}"], False) for n, s in enumerate(STAGES, start=1)]
    rows += [([], False), ([t("tpl.rules_head", lang)], True)] + [([t(key, lang)], False) for key in RULE_KEYS]
    if isinstance(streets, Mapping) and streets:
        rows += [([], False), ([t("tpl.places_head", lang)], True)]
        rows += [([str(d), _join(lang, g)], False) for d, g in streets.items()]
    for r, (cells, bold) in enumerate(rows, start=1):
        for c, value in enumerate(cells, start=1):
            cell = write_text(ws.cell(r, c), value)  # the district and street names are users' text
            cell.alignment = Alignment(vertical="top", wrap_text=c > 1)
            cell.font = Font(bold=bold)


def _join(lang: str, streets) -> str:
    """A district's streets as one line of text."""
    items = _unique([streets] if isinstance(streets, str) else streets)
    return fmt_list(items, lang)


def build_template(
    lang: str = "zh",
    districts: Sequence[str] = (),
    streets: Mapping[str, Sequence[str]] | Sequence[str] = (),
    year: int | None = None,
) -> bytes:
    """An empty project workbook (.xlsx bytes) in ``zh`` or ``en``, ready for staff to fill and upload.

    ``districts`` and ``streets`` fill the drop-down lists (left out, the columns take free entry); a
    mapping of district -> streets gives a flat street list and, when ``districts`` is empty, its keys
    as the districts. ``year`` goes in the title.
    """
    lang = "zh" if lang == "zh" else "en"
    book = Workbook()
    projects = book.active
    assert isinstance(projects, Worksheet)  # a new workbook's only sheet
    _write_projects(projects, lang, year)
    _write_instructions(book.create_sheet(), lang, streets)
    sources = _write_lists(book.create_sheet(), lang, _options(lang, districts, streets))
    _add_validations(projects, lang, sources)
    book.active = 0
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
