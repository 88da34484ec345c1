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

# Every text the workbook shows, per language.
TEXT: dict[str, dict[str, str]] = {
    "zh": {
        "projects": "项目清单",
        "instructions": "填表说明",
        "lists": "下拉选项",
        "title": "{year}安置房项目进度台账（填报单位：____________  截至日期：____年__月__日）",
        "year": "{year}年",
        "required": "必填",
        "recommended": "建议填写",
        "optional": "选填",
        "columns_head": "一、各列填写要求",
        "col_name": "列名",
        "col_meaning": "含义",
        "col_need": "是否必填",
        "col_format": "格式",
        "col_example": "示例",
        "stages_head": "二、形象进度（当前阶段）可选值，按先后顺序",
        "rules_head": "三、填表规则",
        "places_head": "四、区县与街道（镇）",
        "list_stage": "阶段选项",
        "list_district": "区县选项",
        "list_street": "街道（镇）选项",
        "prompt_date": "请输入日期，例如 2021-03-31",
        "prompt_count": "请输入不小于 0 的整数",
        "prompt_area": "请输入不小于 0 的数字，单位万平方米",
        "prompt_percent": "请输入 0% 到 100% 之间的百分比，例如 65%",
        "prompt_list": "请从下拉列表中选择",
        "error_title": "输入有误",
        "error_list": "请从下拉列表中选择",
    },
    "en": {
        "projects": "Projects",
        "instructions": "Instructions",
        "lists": "Lists",
        "title": "Resettlement housing projects{year} (reporting unit: ____________  as of: ____-__-__)",
        "year": " {year}",
        "required": "Required",
        "recommended": "Recommended",
        "optional": "Optional",
        "columns_head": "1. What goes in each column",
        "col_name": "Column",
        "col_meaning": "Meaning",
        "col_need": "Required?",
        "col_format": "Format",
        "col_example": "Example",
        "stages_head": "2. Stages to choose from, in order",
        "rules_head": "3. Rules",
        "places_head": "4. Districts and their subdistricts",
        "list_stage": "Stage options",
        "list_district": "District options",
        "list_street": "Subdistrict options",
        "prompt_date": "Enter a date, e.g. 2021-03-31",
        "prompt_count": "Enter a whole number, 0 or more",
        "prompt_area": "Enter a number, 0 or more, in 10,000 m²",
        "prompt_percent": "Enter a percentage from 0% to 100%, e.g. 65%",
        "prompt_list": "Choose from the drop-down list",
        "error_title": "Invalid entry",
        "error_list": "Choose a value from the drop-down list",
    },
}

RULES: dict[str, tuple[str, ...]] = {
    "zh": (
        "1. 每个项目占一行，从第 3 行开始填写，不要插入空行分隔。",
        "2. 数据行不要合并单元格；区县、街道相同时也请每行都填写。",
        "3. 不要修改、删除或调换表头（第 2 行）；不用的列留空即可。",
        "4. 日期请按日期格式填写（如 2021-03-31），不要写成“3月底”“年内”等文字。",
        "5. 户数、面积只填数字，不要带单位；面积单位为万平方米。",
        "6. 完成进度填百分比，如 65%。",
        "7. 合计行可选：如需填写，请放在所有项目之后，在“项目名称”列写“合计”，合计数应与各行之和一致。",
        "8. 表格下方不要填写其他内容；说明可写在“备注”列。",
    ),
    "en": (
        "1. One row per project, starting on row 3; do not leave blank rows between projects.",
        "2. Do not merge cells in data rows; repeat the district and subdistrict on every row.",
        "3. Do not change, delete or reorder the headers (row 2); leave unused columns empty.",
        "4. Enter dates as dates (e.g. 2021-03-31), not as text such as 'end of March'.",
        "5. Households and floor area are plain numbers without units; floor area is in 10,000 m².",
        "6. Progress is a percentage, e.g. 65%.",
        "7. A totals row is optional: put it after all projects, write 'Total' in the project-name column, and "
        "make its figures equal the sum of the rows.",
        "8. Write nothing else below the table; put remarks in the Notes column.",
    ),
}


@dataclass(frozen=True)
class TemplateColumn:
    """One column of the template: its header, width, need, and what the instructions say about it."""

    field: str
    kind: str  # "seq", "text", "list", "count", "area", "date", "percent"
    header: tuple[str, str]  # zh, en
    width: float
    need: str
    meaning: tuple[str, str]
    fmt: tuple[str, str]
    example: tuple[str, str]


# fmt: off
# What the template says about each column; which columns it has, and their order, are the register's.
DETAILS: tuple[TemplateColumn, ...] = (
    TemplateColumn(
        "seq", "seq", ("序号", "No."), 6, OPTIONAL, ("行号，可不填", "Row number, may be left empty"),
        ("数字", "Whole number"), ("1", "1"),
    ),
    TemplateColumn(
        "name", "text", ("项目名称", "Project name"), 28, REQUIRED,
        ("安置房项目名称，同一区县内不要重复", "Name of the project, unique within its district"),
        ("文本", "Text"), ("西琅沟", "Xilanggou"),
    ),
    TemplateColumn(
        "district", "list", ("所属区县", "District"), 12, RECOMMENDED,
        ("项目所在区县", "District the project is in"), ("从下拉列表选择", "Pick from the list"),
        ("章丘区", "Zhangqiu"),
    ),
    TemplateColumn(
        "street", "list", ("街道（镇）", "Subdistrict"), 14, RECOMMENDED,
        ("项目所在街道或镇", "Subdistrict or town the project is in"),
        ("从下拉列表选择", "Pick from the list"), ("明水街道", "Mingshui"),
    ),
    TemplateColumn(
        "households", "count", ("安置户数", "Households"), 11, RECOMMENDED,
        ("需安置的户数；纯商业项目填 0", "Households to resettle; 0 for a commercial-only project"),
        ("整数", "Whole number"), ("656", "656"),
    ),
    TemplateColumn(
        "floor_area", "area", ("总建筑面积（万平方米）", "Floor area (10,000 m²)"), 14, RECOMMENDED,
        ("总建筑面积，单位万平方米", "Gross floor area, in units of 10,000 m²"),
        ("数字，两位小数", "Number, 2 decimals"), ("21.26", "21.26"),
    ),
    TemplateColumn(
        "start", "date", ("开工日期", "Start date"), 15, OPTIONAL,
        ("项目实际开工的日期", "Date works started"), ("日期", "Date"), ("2019-06-18", "2019-06-18"),
    ),
    TemplateColumn(
        "deadline", "date", ("计划交付日期", "Deadline"), 15, REQUIRED,
        ("计划具备交付条件的日期，用于判断是否逾期", "Planned date ready for handover; lateness is judged by it"),
        ("日期", "Date"), ("2021-03-31", "2021-03-31"),
    ),
    TemplateColumn(
        "handed_over", "date", ("实际交付日期", "Handover date"), 15, OPTIONAL,
        ("实际交房日期；未交付的留空", "Date the keys were handed over; empty until then"),
        ("日期", "Date"), ("2021-03-28", "2021-03-28"),
    ),
    TemplateColumn(
        "stage", "list", ("形象进度", "Stage"), 14, RECOMMENDED,
        ("项目当前所处阶段，见下方阶段列表", "The stage the project is at; see the stage list below"),
        ("从下拉列表选择", "Pick from the list"), ("水电气户表", "Utility meters"),
    ),
    TemplateColumn(
        "progress", "percent", ("完成进度（%）", "Progress (%)"), 11, OPTIONAL,
        ("已完成的工作量占总工作量的比例", "Share of the work done"), ("百分比", "Percentage"), ("65%", "65%"),
    ),
    TemplateColumn(
        "unit", "text", ("责任单位", "Responsible unit"), 20, OPTIONAL,
        ("负责推进的单位", "Body in charge of delivery"), ("文本", "Text"),
        ("区房屋征收服务中心", "District expropriation service centre"),
    ),
    TemplateColumn(
        "notes", "text", ("备注", "Notes"), 30, OPTIONAL,
        ("其他需要说明的情况", "Anything else worth knowing"), ("文本", "Text"),
        ("电力户表提前5天安装完成", "Meters installed 5 days early"),
    ),
)
# fmt: on
_BY_FIELD = {c.field: c for c in DETAILS}
# The register's fields marked ``template`` (``housing.register``), in its order: a field marked without
# details here fails at import, not in a user's download.
COLUMNS: tuple[TemplateColumn, ...] = tuple(_BY_FIELD[f.read_as] for f in FIELDS if f.template)

NUMBER_FORMATS = {"count": "#,##0", "area": "0.00", "percent": "0%"}
HEADER_FILL = {REQUIRED: "F8CBAD", RECOMMENDED: "DDEBF7", OPTIONAL: "EDEDED"}
THIN = Side(style="thin", color="BFBFBF")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)


def _lang(lang: str) -> int:
    """0 for Chinese, 1 for English (the index into the column tuples)."""
    return 0 if lang == "zh" else 1


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
    options = {"stage": [s.zh if lang == "zh" else s.en for s in STAGES]}
    for field, values in (("district", _unique(districts)), ("street", _unique(streets))):
        if values:
            options[field] = values
    return options


def _excel_serial(date: dt.date) -> int:
    return (date - EXCEL_EPOCH).days


def _validation(kind: str, t: dict[str, str], source: str | None = None) -> DataValidation | None:
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
    dv.prompt, dv.error, dv.errorTitle = t[prompt], t["error_list" if kind == "list" else prompt], t["error_title"]
    return dv


def _write_projects(ws: Worksheet, lang: str, year: int | None) -> None:
    """Title row, styled header row, widths, frozen panes and the pre-formatted data rows."""
    t, i = TEXT[lang], _lang(lang)
    ws.title = t["projects"]
    ws.cell(TITLE_ROW, 1, t["title"].format(year=t["year"].format(year=year) if year else ""))
    ws.cell(TITLE_ROW, 1).font = Font(bold=True, size=14)
    ws.cell(TITLE_ROW, 1).alignment = Alignment(horizontal="center", vertical="center")
    ws.merge_cells(start_row=TITLE_ROW, start_column=1, end_row=TITLE_ROW, end_column=len(COLUMNS))
    ws.row_dimensions[TITLE_ROW].height = 30
    ws.row_dimensions[HEADER_ROW].height = 36
    for c, col in enumerate(COLUMNS, start=1):
        cell = ws.cell(HEADER_ROW, c, col.header[i])
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
    t = TEXT[lang]
    ws.title = t["lists"]
    ws.sheet_state = "hidden"
    ws.column_dimensions["A"].width = 24
    sources: dict[str, str] = {}
    row = 1
    for field, values in options.items():
        ws.cell(row, 1, t[f"list_{field}"]).font = Font(bold=True)
        for offset, value in enumerate(values, start=1):
            write_text(ws.cell(row + offset, 1), value)  # a district named "=HYPERLINK(…)" stays text
        sources[field] = f"'{ws.title}'!$A${row + 1}:$A${row + len(values)}"
        row += len(values) + 2
    return sources


def _add_validations(ws: Worksheet, lang: str, sources: dict[str, str]) -> None:
    """Drop-downs and value checks on the data rows of each column that has one."""
    t = TEXT[lang]
    for c, col in enumerate(COLUMNS, start=1):
        dv = _validation(col.kind, t, sources.get(col.field))
        if dv is None:
            continue
        dv.errorStyle = "warning" if col.field in ("district", "street") else "stop"  # lists given may be incomplete
        letter = get_column_letter(c)
        dv.add(f"{letter}{FIRST_DATA_ROW}:{letter}{LAST_DATA_ROW}")
        ws.add_data_validation(dv)


def _write_instructions(ws: Worksheet, lang: str, streets) -> None:
    """One row per column (header name alone in column A), the stages in order, the rules, the places."""
    t, i = TEXT[lang], _lang(lang)
    ws.title = t["instructions"]
    for letter, width in zip("ABCDE", (26, 52, 12, 20, 36)):
        ws.column_dimensions[letter].width = width
    rows: list[tuple[list[str], bool]] = [([t["columns_head"]], True)]
    rows.append(([t[k] for k in ("col_name", "col_meaning", "col_need", "col_format", "col_example")], True))
    for col in COLUMNS:
        fmt = f"{col.fmt[i]}（{DATE_FORMATS['en']}）" if col.kind == "date" and lang == "zh" else col.fmt[i]
        rows.append(([col.header[i], col.meaning[i], t[col.need], fmt, col.example[i]], False))
    rows += [([], False), ([t["stages_head"]], True)]
    rows += [([f"{n}. {s.zh if lang == 'zh' else s.en}"], False) for n, s in enumerate(STAGES, start=1)]
    rows += [([], False), ([t["rules_head"]], True)] + [([rule], False) for rule in RULES[lang]]
    if isinstance(streets, Mapping) and streets:
        rows += [([], False), ([t["places_head"]], True)]
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
