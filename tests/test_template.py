"""The downloadable template (``loaders.template.build_template``): it loads empty and filled with no issues,
its drop-downs point at the right lists, and its extra sheets are never read as project tables."""

from __future__ import annotations

import datetime as dt
import functools
import io

import pytest
from openpyxl import load_workbook

from housing.i18n import t
from housing.stages import STAGES
from loaders import load_bytes
from loaders.schema import area_factor, match_header
from loaders.table import find_header
from loaders.template import COLUMNS, DATA_ROWS, FIRST_DATA_ROW, LAST_DATA_ROW, build_template

D = dt.datetime
DISTRICTS = ["章丘区", "历城区"]
STREETS = {"章丘区": ["明水街道", "双山街道", "埠村街道"], "历城区": ["洪家楼街道", "王舍人街道"]}
LANGS = ["zh", "en"]
TOTAL_LABEL = {"zh": "合计", "en": "Total"}

# Five real-looking projects as staff would fill them: (name, district, street, households, 万㎡, start,
# deadline, handed over, index into the stage list, progress as a percent-formatted fraction).
ROWS = [
    ("西琅沟", "章丘区", "明水街道", 656, 21.26, D(2019, 6, 18), D(2021, 3, 31), D(2021, 3, 28), 12, 1.0),
    ("月官", "章丘区", "双山街道", 803, 26.42, D(2019, 9, 1), D(2021, 3, 31), None, 10, 0.95),
    ("白泉", "章丘区", "埠村街道", 1555, 52.06, D(2019, 5, 10), D(2021, 4, 30), None, 8, 0.9),
    ("北皋埠", "历城区", "洪家楼街道", 268, 15.86, D(2020, 3, 1), D(2021, 7, 30), None, 6, 0.65),
    ("长青", "历城区", "王舍人街道", 161, 3.91, D(2020, 6, 1), D(2021, 6, 30), None, 5, 0.4),
]
FILLED = ("name", "district", "street", "households", "floor_area", "start", "deadline", "handed_over", "stage")
FILLED += ("progress",)
FIELD_ORDER = [c.field for c in COLUMNS]


@functools.cache
def template(lang: str) -> bytes:
    """The template with the test districts and streets (built once per language)."""
    return build_template(lang, districts=DISTRICTS, streets=STREETS, year=2021)


def open_book(data: bytes):
    return load_workbook(io.BytesIO(data))


def validations(ws) -> dict[str, object]:
    """Data validations by the range they cover (one range each in the template)."""
    return {str(dv.sqref): dv for dv in ws.data_validations.dataValidation}


def list_values(book, formula: str) -> list[str]:
    """The values a list validation's range formula (``'Sheet'!$A$2:$A$14``) points at."""
    sheet, cells = formula.rsplit("!", 1)
    return [c.value for (c,) in book[sheet.strip("'")][cells.replace("$", "")]]


def column_letter(field: str) -> str:
    return "ABCDEFGHIJKLM"[FIELD_ORDER.index(field)]


def data_range(field: str) -> str:
    """The data rows of a field's column, as a validation's sqref."""
    letter = column_letter(field)
    return f"{letter}{FIRST_DATA_ROW}:{letter}{LAST_DATA_ROW}"


def fill(data: bytes, rows=ROWS, totals: tuple | None = None) -> bytes:
    """Write rows into the template's data rows with openpyxl, as a user would; stages from the drop-down."""
    book = open_book(data)
    ws = book.worksheets[0]
    stages = list_values(book, validations(ws)[data_range("stage")].formula1)
    for r, row in enumerate(rows, start=FIRST_DATA_ROW):
        values = dict(zip(FILLED, row), seq=r - FIRST_DATA_ROW + 1)
        values["stage"] = stages[values["stage"]]
        for field, value in values.items():
            ws[f"{column_letter(field)}{r}"] = value
    for field, value in zip(("name", "households", "floor_area"), totals or ()):
        ws[f"{column_letter(field)}{FIRST_DATA_ROW + len(rows)}"] = value
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


# --- the empty template ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("lang", LANGS)
def test_empty_template_loads_to_no_projects_and_no_issues(lang):
    result = load_bytes(template(lang), "template.xlsx")
    assert result.readable and result.ok
    assert len(result.projects) == 0
    assert result.issues == []  # a header with no rows is a valid, empty table: nothing to report


@pytest.mark.parametrize("lang", LANGS)
def test_empty_template_without_lists_loads_cleanly(lang):
    result = load_bytes(build_template(lang), "template.xlsx")
    assert (len(result.projects), result.issues) == (0, [])


@pytest.mark.parametrize("lang", LANGS)
def test_headers_are_the_names_the_loader_knows(lang):
    ws = open_book(template(lang)).worksheets[0]
    headers = [c.value for c in ws[2]]
    assert [match_header(h)[0].field for h in headers] == FIELD_ORDER
    assert area_factor(match_header(headers[FIELD_ORDER.index("floor_area")])[1]) == 10_000.0
    assert ws.title == t("tpl.projects", lang)


def test_header_texts_by_language():
    zh = [c.value for c in open_book(template("zh")).worksheets[0][2]]
    en = [c.value for c in open_book(template("en")).worksheets[0][2]]
    assert zh[0] == "序号" and "总建筑面积（万平方米）" in zh and "项目名称" in zh
    assert "Floor area (10,000 m²)" in en and "Project name" in en


@pytest.mark.parametrize(("lang", "year", "expected"), [("zh", 2021, "2021年安置房"), ("en", 2021, "projects 2021 (")])
def test_title_row_names_the_year(lang, year, expected):
    ws = open_book(build_template(lang, year=year)).worksheets[0]
    assert expected in ws["A1"].value
    assert "A1:M1" in {str(r) for r in ws.merged_cells.ranges}


@pytest.mark.parametrize("lang", LANGS)
def test_layout_frozen_panes_formats_and_widths(lang):
    ws = open_book(template(lang)).worksheets[0]
    assert ws.freeze_panes == "C3"
    date_format = 'yyyy"年"m"月"d"日"' if lang == "zh" else "yyyy-mm-dd"
    for row in (FIRST_DATA_ROW, LAST_DATA_ROW):
        assert ws[f"{column_letter('deadline')}{row}"].number_format == date_format
        assert ws[f"{column_letter('households')}{row}"].number_format == "#,##0"
        assert ws[f"{column_letter('floor_area')}{row}"].number_format == "0.00"
        assert ws[f"{column_letter('progress')}{row}"].number_format == "0%"
    assert LAST_DATA_ROW - FIRST_DATA_ROW + 1 == DATA_ROWS == 500
    assert ws.column_dimensions["B"].width > ws.column_dimensions["A"].width
    assert ws["B2"].font.bold


# --- drop-downs and value checks --------------------------------------------------------------------------------


@pytest.mark.parametrize("lang", LANGS)
def test_drop_downs_point_at_the_hidden_lists(lang):
    book = open_book(template(lang))
    dvs = validations(book.worksheets[0])
    stage, district, street = (dvs[data_range(f)] for f in ("stage", "district", "street"))
    assert {dv.type for dv in (stage, district, street)} == {"list"}
    assert list_values(book, stage.formula1) == [s.zh if lang == "zh" else s.en for s in STAGES]
    assert list_values(book, district.formula1) == DISTRICTS
    assert list_values(book, street.formula1) == [s for group in STREETS.values() for s in group]
    assert (stage.errorStyle, district.errorStyle, street.errorStyle) == ("stop", "warning", "warning")
    assert not stage.showDropDown  # openpyxl's showDropDown=True would hide the arrow
    assert book[t("tpl.lists", lang)].sheet_state == "hidden"


@pytest.mark.parametrize("lang", LANGS)
def test_value_checks_on_numbers_dates_and_percent(lang):
    dvs = validations(open_book(template(lang)).worksheets[0])
    got = {
        field: (dvs[data_range(field)].type, dvs[data_range(field)].operator)
        + (dvs[data_range(field)].formula1, dvs[data_range(field)].formula2)
        for field in ("households", "floor_area", "start", "deadline", "handed_over", "progress")
    }
    dates = ("date", "between", "32874", "73415")  # 1990-01-01 .. 2100-12-31, the loader's plausible range
    assert got == {
        "households": ("whole", "greaterThanOrEqual", "0", None),
        "floor_area": ("decimal", "greaterThanOrEqual", "0", None),
        "start": dates,
        "deadline": dates,
        "handed_over": dates,
        "progress": ("decimal", "between", "0", "1"),
    }


@pytest.mark.parametrize("lang", LANGS)
def test_without_districts_or_streets_those_columns_take_free_entry(lang):
    ws = open_book(build_template(lang)).worksheets[0]
    covered = set(validations(ws))
    assert data_range("district") not in covered and data_range("street") not in covered
    assert data_range("stage") in covered
    assert ws[f"{column_letter('street')}2"].value  # the column stays


def test_a_mapping_alone_gives_districts_and_a_flat_street_list():
    book = open_book(build_template("zh", streets=STREETS))
    dvs = validations(book.worksheets[0])
    assert list_values(book, dvs["C3:C502"].formula1) == DISTRICTS
    assert list_values(book, dvs["D3:D502"].formula1) == [
        "明水街道",
        "双山街道",
        "埠村街道",
        "洪家楼街道",
        "王舍人街道",
    ]


def test_long_lists_stay_in_the_list_sheet():
    streets = [f"第{n}街道办事处" for n in range(1, 81)]  # far over Excel's 255-character inline limit
    book = open_book(build_template("zh", districts=["章丘区", "章丘区", " "], streets=streets))
    dvs = validations(book.worksheets[0])
    assert list_values(book, dvs["D3:D502"].formula1) == streets
    assert list_values(book, dvs["C3:C502"].formula1) == ["章丘区"]  # duplicates and blanks dropped


# --- the extra sheets are never project tables ------------------------------------------------------------------


@pytest.mark.parametrize("lang", LANGS)
def test_instructions_and_lists_are_not_project_tables(lang):
    book = open_book(template(lang))
    instructions, lists = book[t("tpl.instructions", lang)], book[t("tpl.lists", lang)]
    assert book.sheetnames == [t("tpl.projects", lang), instructions.title, lists.title]
    for ws in (instructions, lists):
        rows = [["" if v is None else v for v in row] for row in ws.iter_rows(values_only=True)]
        assert find_header(rows) is None
        assert all(sum(match_header(v)[0] is not None for v in row) <= 1 for row in rows)


@pytest.mark.parametrize("lang", LANGS)
def test_instructions_cover_every_column_and_stage_in_order(lang):
    ws = open_book(template(lang))[t("tpl.instructions", lang)]
    first_cells = [row[0] for row in ws.iter_rows(values_only=True)]
    for col in COLUMNS:
        assert col.header(lang) in first_cells
    names = [s.zh if lang == "zh" else s.en for s in STAGES]
    listed = [c for c in first_cells if isinstance(c, str) and c.split(". ", 1)[-1] in names]
    assert [c.split(". ", 1)[1] for c in listed] == names
    assert any("明水街道" in str(row[1]) for row in ws.iter_rows(values_only=True))  # districts with streets


# --- filled in ----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("lang", LANGS)
def test_filled_template_loads_with_no_issues_and_exact_values(lang):
    result = load_bytes(fill(template(lang)), "filled.xlsx")
    assert result.issues == []
    p = result.projects
    assert list(p["name"]) == [r[0] for r in ROWS]
    assert list(p["district"]) == [r[1] for r in ROWS]
    assert list(p["street"]) == [r[2] for r in ROWS]
    assert list(p["households"]) == [656, 803, 1555, 268, 161]
    assert list(p["floor_area_m2"]) == [212_600.0, 264_200.0, 520_600.0, 158_600.0, 39_100.0]
    assert [d.date().isoformat() for d in p["deadline"]] == [
        "2021-03-31",
        "2021-03-31",
        "2021-04-30",
        "2021-07-30",
        "2021-06-30",
    ]
    assert p["start"].iloc[0].date() == dt.date(2019, 6, 18)
    assert p["handed_over"].iloc[0].date() == dt.date(2021, 3, 28) and p["handed_over"].iloc[1:].isna().all()
    stage = [s.zh if lang == "zh" else s.en for s in STAGES]
    assert list(p["stage"]) == [stage[r[8]] for r in ROWS]
    assert list(p["progress"]) == pytest.approx([100.0, 95.0, 90.0, 65.0, 40.0])
    assert list(p["row"]) == [3, 4, 5, 6, 7]
    assert set(p["sheet"]) == {t("tpl.projects", lang)}


@pytest.mark.parametrize("lang", LANGS)
def test_a_correct_totals_row_is_accepted(lang):
    result = load_bytes(fill(template(lang), totals=(TOTAL_LABEL[lang], 3443, 119.51)), "filled.xlsx")
    assert result.issues == []
    assert len(result.projects) == 5


@pytest.mark.parametrize("lang", LANGS)
def test_a_wrong_totals_row_is_still_checked(lang):
    result = load_bytes(fill(template(lang), totals=(TOTAL_LABEL[lang], 3400, 119.51)), "filled.xlsx")
    assert [(i.code, i.row) for i in result.issues] == [("total_mismatch", 8)]
    assert result.ok  # a warning, not an error


def test_template_columns_are_the_registers_template_fields_in_order():
    from housing.register import FIELDS
    from loaders.template import DETAILS

    assert [c.field for c in COLUMNS] == [f.read_as for f in FIELDS if f.template]
    assert {c.field for c in DETAILS} == {f.read_as for f in FIELDS if f.template}  # no orphan details
