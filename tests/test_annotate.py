"""The highlighted workbook: ``loaders.annotate.annotate_workbook`` marks each problem cell and lists them all."""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from pathlib import Path

import pandas as pd
import pytest
from openpyxl import Workbook, load_workbook
from openpyxl.comments import Comment
from openpyxl.styles import Font, PatternFill

from loaders import Issue, load_bytes
from loaders.annotate import COMMENT_SEPARATOR, SUMMARY_HEADERS, SUMMARY_TITLES, annotate_workbook
from loaders.reading import read_sheets
from loaders.table import find_header

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "fixtures"
DATA = ROOT / "data"
RED, AMBER = "FFC7CE", "FFEB9C"
HEADER = ["项目名称", "区县", "安置户数", "计划交付日期"]


# --- helpers ---------------------------------------------------------------------------------------------------


def annotated(data: bytes, filename: str = "book.xlsx", lang: str = "zh", **kw) -> tuple[bytes, Workbook]:
    """Load, annotate with the loader's own issues, and open the result."""
    out = annotate_workbook(data, filename, load_bytes(data, filename, kw.get("overrides")).issues, lang, **kw)
    assert out is not None
    return out, load_workbook(io.BytesIO(out))


def marks(ws) -> dict[str, tuple[str, str]]:
    """Every commented cell: coordinate -> (fill colour without alpha, comment text)."""
    return {
        cell.coordinate: (cell.fill.fgColor.rgb[-6:], cell.comment.text)
        for row in ws.iter_rows()
        for cell in row
        if cell.comment is not None
    }


def summary_rows(book: Workbook, lang: str = "zh") -> list[tuple]:
    return list(book[SUMMARY_TITLES[lang]].iter_rows(values_only=True))


def xlsx_bytes(book: Workbook) -> bytes:
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def sheet_book(rows, title: str = "项目") -> Workbook:
    book = Workbook()
    ws = book.active
    ws.title = title
    for row in rows:
        ws.append(list(row))
    return book


def assert_round_trip(data: bytes, filename: str, lang: str = "zh", overrides=None) -> None:
    """Loading the annotated workbook gives the projects and issues the original gave."""
    before = load_bytes(data, filename, overrides)
    out = annotate_workbook(data, filename, before.issues, lang, overrides=overrides)
    after = load_bytes(out, Path(filename).stem + ".xlsx", overrides)
    pd.testing.assert_frame_equal(after.projects, before.projects)
    assert after.issues == before.issues


# --- the committed bad_values.xlsx (tests/fixtures/README.md) ----------------------------------------------------

BAD_VALUES_MARKS = {
    # cell: (fill, zh comment, en comment)
    "C4": (RED, "不能为负数", "Must not be negative"),
    "C5": (RED, "不是有效的数字", "Not a valid number"),
    "D6": (RED, "不能为负数", "Must not be negative"),
    "E7": (RED, "日期不存在", "This date does not exist"),
    "A8": (RED, "该行有数据但缺少项目名称", "This row has data but no project name"),
    "C10": (
        AMBER,
        "文件中的合计行的“安置户数”为 999，但各行合计为 1,030",
        "The file's total row's “安置户数” says 999, but the rows add up to 1,030",
    ),
}


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_bad_values_cells_are_filled_and_commented(lang):
    _, book = annotated((FIXTURES / "bad_values.xlsx").read_bytes(), "bad_values.xlsx", lang)
    expected = {cell: (fill, zh if lang == "zh" else en) for cell, (fill, zh, en) in BAD_VALUES_MARKS.items()}
    ws = book["项目"]
    assert marks(ws) == expected
    assert {ws[c].comment.author for c in expected} == {"校验" if lang == "zh" else "Validator"}
    assert ws["C3"].fill.fill_type is None  # valid cells are left alone


def test_bad_values_summary_sheet_zh():
    _, book = annotated((FIXTURES / "bad_values.xlsx").read_bytes(), "bad_values.xlsx", "zh")
    assert book.sheetnames == ["项目", "校验问题"]
    assert book.active.title == "校验问题"
    assert summary_rows(book) == [
        ("级别", "位置", "行", "列", "值", "问题说明"),
        ("错误", "项目!C4", 4, "C（安置户数）", "-12", "不能为负数"),
        ("错误", "项目!C5", 5, "C（安置户数）", "约三百户", "不是有效的数字"),
        ("错误", "项目!D6", 6, "D（总建筑面积（万㎡））", "-1.2", "不能为负数"),
        ("错误", "项目!E7", 7, "E（计划交付日期）", "2021年13月5日", "日期不存在"),
        ("错误", "项目!A8", 8, "A（项目名称）", None, "该行有数据但缺少项目名称"),
        ("警告", "项目!C10", 10, "C（安置户数）", "999", "文件中的合计行的“安置户数”为 999，但各行合计为 1,030"),
    ]
    ws = book["校验问题"]
    assert [ws.cell(r, 2).hyperlink.location for r in range(2, 8)] == [
        f"'项目'!{c}" for c in ("C4", "C5", "D6", "E7", "A8", "C10")
    ]
    assert ws["A2"].fill.fgColor.rgb[-6:] == RED and ws["A7"].fill.fgColor.rgb[-6:] == AMBER
    assert ws["A1"].font.b


def test_bad_values_summary_sheet_en():
    _, book = annotated((FIXTURES / "bad_values.xlsx").read_bytes(), "bad_values.xlsx", "en")
    rows = summary_rows(book, "en")
    assert book.sheetnames == ["项目", "Problems"]
    assert rows[0] == ("Severity", "Location", "Row", "Column", "Value", "Problem")
    assert rows[1] == ("Error", "项目!C4", 4, "C (安置户数)", "-12", "Must not be negative")
    assert rows[-1][:4] == ("Warning", "项目!C10", 10, "C (安置户数)")


# --- the round trip -------------------------------------------------------------------------------------------


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize(
    "path",
    [
        FIXTURES / "bad_values.xlsx",
        FIXTURES / "english_headers.xlsx",
        FIXTURES / "zhangqiu_2021.ods",
        FIXTURES / "zhangqiu_2021.xls",
        FIXTURES / "zhangqiu_2021_gbk.csv",
        FIXTURES / "zhangqiu_2021_utf8bom.csv",
        DATA / "sample_zhangqiu_2021.xlsx",
        DATA / "sample_portfolio.xlsx",
    ],
    ids=lambda p: p.name,
)
def test_round_trip_gives_the_same_projects_and_issues(path, lang):
    assert_round_trip(path.read_bytes(), path.name, lang)


def test_round_trip_when_issue_values_are_header_names():
    """A header row repeated mid-table puts header names in the list's value column; the list is still no table."""
    rows = [HEADER, ["甲村", "历城区", 300, dt.date(2026, 6, 30)], HEADER, HEADER, ["乙村", "历城区", "户数", "户数"]]
    data = xlsx_bytes(sheet_book(rows))
    result = load_bytes(data, "book.xlsx")
    assert {i.value for i in result.issues} >= {"安置户数", "项目名称", "户数"}
    assert_round_trip(data, "book.xlsx")
    for lang in ("zh", "en"):
        out = annotate_workbook(data, "book.xlsx", result.issues, lang)
        summary = next(s for s in read_sheets(out, "a.xlsx")[0] if s.name == SUMMARY_TITLES[lang])
        assert find_header(summary.rows) is None


def test_round_trip_with_formulas_keeps_formulas_and_their_values():
    """openpyxl saves formulas without values; the values the loader read are written back beside them."""
    book = sheet_book(
        [HEADER, ["甲村", "历城区", 300, dt.date(2026, 6, 30)], ["乙村", "历城区", 200, None], ["合计", None, None]]
    )
    ws = book.active
    ws["C4"] = "=SUM(C2:C3)"
    ws["B3"] = '="历"&"城区"'
    ws["D3"] = "=D2+30"
    ws["D3"].number_format = "yyyy-mm-dd"
    data = _with_values(xlsx_bytes(book), {"C4": "999", "B3": "历城区", "D3": "46233"})  # as Excel would have saved
    before = load_bytes(data, "book.xlsx")
    assert [i.code for i in before.issues] == ["total_mismatch"]
    assert before.projects["deadline"].iloc[1] == pd.Timestamp("2026-07-30")
    assert_round_trip(data, "book.xlsx")
    out, book = annotated(data)
    assert book["项目"]["C4"].value == "=SUM(C2:C3)" and book["项目"]["D3"].value == "=D2+30"


def _with_values(data: bytes, cached: dict[str, str]) -> bytes:
    """Give formula cells a cached value, the way Excel saves them (text results typed ``str``)."""
    src = zipfile.ZipFile(io.BytesIO(data))
    xml = src.read("xl/worksheets/sheet1.xml").decode()
    for ref, value in cached.items():
        kind = "" if value.isdigit() else ' t="str"'
        # openpyxl writes an empty value as <v/> or <v></v> (with lxml installed, as python-pptx brings it)
        xml = re.sub(
            rf'<c r="{ref}"([^>]*)>(<f>.*?</f>)<v ?(?:/>|></v>)', rf'<c r="{ref}"\1{kind}>\2<v>{value}</v>', xml
        )
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for info in src.infolist():
            target.writestr(info, xml if info.filename == "xl/worksheets/sheet1.xml" else src.read(info))
    return out.getvalue()


# --- where the marks go ---------------------------------------------------------------------------------------


OFFSET_ROWS = [HEADER, ["甲村", "历城区", 300, dt.date(2026, 6, 30)], [None, "历城区", -5, dt.date(2026, 6, 30)]]


def _offset_xlsx(tmp_path) -> Path:
    book = Workbook()
    ws = book.active
    ws.title = "项目"
    for r, row in enumerate(OFFSET_ROWS, start=3):
        for c, value in enumerate(row, start=3):
            ws.cell(r, c, value)
    book.save(tmp_path / "book.xlsx")
    return tmp_path / "book.xlsx"


def _offset_ods(tmp_path) -> Path:
    frame = pd.DataFrame(OFFSET_ROWS[1:], columns=HEADER)
    frame.to_excel(tmp_path / "book.ods", sheet_name="项目", index=False, startrow=2, startcol=2, engine="odf")
    return tmp_path / "book.ods"


@pytest.mark.parametrize("build", [_offset_xlsx, _offset_ods], ids=["xlsx", "ods"])
def test_leading_empty_rows_and_columns_keep_excel_positions(build, tmp_path):
    """A table starting at C3 (A:B and rows 1–2 empty): rows and columns are Excel's, so C5 is marked, not A3."""
    path = build(tmp_path)
    data = path.read_bytes()
    issues = load_bytes(data, path.name).issues
    assert [(i.code, i.row, i.col) for i in issues] == [("negative", 5, 4), ("missing_name", 5, 2)]
    _, out = annotated(data, path.name)
    assert marks(out["项目"]) == {"C5": (RED, "该行有数据但缺少项目名称"), "E5": (RED, "不能为负数")}
    assert [r[1] for r in summary_rows(out)[1:]] == ["项目!E5", "项目!C5"]


def test_guessed_area_unit_marks_the_header_cell():
    rows = [["项目台账"], ["项目名称", "建筑面积"], ["甲村", 3.5], ["乙村", 2.1]]
    data = xlsx_bytes(sheet_book(rows))
    issue = load_bytes(data, "book.xlsx").issues[0]
    assert (issue.code, issue.row, issue.col) == ("area_unit_guessed", None, 1)
    _, book = annotated(data)
    assert marks(book["项目"]) == {"B2": (AMBER, "列名未注明面积单位，按数值大小推断为万平方米")}
    assert summary_rows(book)[1][1:4] == ("项目!B2", None, "B（建筑面积）")


CELL = {"sheet": "项目", "row": 3, "column": "安置户数", "col": 2}


@pytest.mark.parametrize(
    ("issues", "expected"),
    [
        # several issues on one cell: one comment, a line each; the fill follows the worst
        (
            [Issue("month_only", **CELL, params={"date": "2026-03-31"}), Issue("not_integer", **CELL)],
            {"C3": (RED, "只填写了月份，按该月最后一天（2026-03-31）处理\n户数应为整数")},
        ),
        (
            [Issue("month_only", **CELL, params={"date": "2026-03-31"})],
            {"C3": (AMBER, "只填写了月份，按该月最后一天（2026-03-31）处理")},
        ),
        # a row but no column: the row's first cell
        ([Issue("missing_name", "项目", 3)], {"A3": (RED, "该行有数据但缺少项目名称")}),
        # nothing to point at, or a sheet that is not there: the list only
        ([Issue("no_table")], {}),
        ([Issue("negative", "没有这个表", 3, "安置户数", "-1", col=2)], {}),
        ([Issue("area_unit_guessed", "项目", None, "", params={"unit_zh": "平方米", "unit_en": "m²"})], {}),
    ],
    ids=["two-on-one-cell", "warning", "row-only", "file-level", "unknown-sheet", "sheet-level"],
)
def test_marks_for_given_issues(issues, expected):
    data = xlsx_bytes(sheet_book([HEADER, ["甲村", "历城区", 300, dt.date(2026, 6, 30)], ["乙村", "历城区", 2.5]]))
    book = load_workbook(io.BytesIO(annotate_workbook(data, "book.xlsx", issues)))
    assert marks(book["项目"]) == expected
    assert len(summary_rows(book)) == 1 + len(issues)


def test_file_level_issue_is_listed_for_the_whole_file():
    data = xlsx_bytes(sheet_book([["只是一些文字"], ["没有表头"]]))
    result = load_bytes(data, "book.xlsx")
    assert [i.code for i in result.issues] == ["no_table"]
    _, book = annotated(data, lang="en")
    assert summary_rows(book, "en")[1][:4] == ("Error", "Whole file", None, None)
    assert book["Problems"]["B2"].hyperlink is None
    assert_round_trip(data, "book.xlsx")


def test_issue_in_a_merged_range_marks_its_top_left_cell():
    rows = [HEADER, ["甲村", "历城区", -12, dt.date(2026, 6, 30)], ["乙村", None, None, dt.date(2026, 6, 30)]]
    book = sheet_book(rows)
    book.active.merge_cells("C2:C3")  # households merged down: both rows read -12
    data = xlsx_bytes(book)
    assert [(i.code, i.row) for i in load_bytes(data, "book.xlsx").issues] == [("negative", 2), ("negative", 3)]
    _, out = annotated(data)
    assert marks(out["项目"]) == {"C2": (RED, "不能为负数")}
    assert [r[1] for r in summary_rows(out)[1:]] == ["项目!C2", "项目!C2"]
    assert_round_trip(data, "book.xlsx")


def test_stray_cell_is_marked_where_it_is(make_xlsx):
    overrides = {"max_cells": 10_000}
    rows = [HEADER] + [[f"村{i}", "历城区", 100, dt.date(2026, 6, 30)] for i in range(100)]
    data = make_xlsx(rows, cells={"ZZ5": "stray"}).read_bytes()
    _, book = annotated(data, overrides=overrides)
    assert list(marks(book["项目"])) == ["ZZ5"]
    assert summary_rows(book)[1][1:4] == ("项目!ZZ5", 5, "ZZ")
    assert_round_trip(data, "book.xlsx", overrides=overrides)


# --- what the original keeps -----------------------------------------------------------------------------------


def test_formatting_merges_and_comments_are_kept():
    book = sheet_book([["项目台账"], HEADER, ["甲村", "历城区", -12, dt.date(2026, 6, 30)]])
    ws = book.active
    ws.merge_cells("A1:D1")
    for cell in ws[2]:
        cell.font = Font(bold=True)
    ws.column_dimensions["A"].width = 31
    ws["D3"].number_format = "yyyy年m月d日"
    ws["B3"].fill = PatternFill("solid", start_color="00B0F0")
    ws["C3"].comment = Comment("核对过", "张三")
    _, out = annotated(xlsx_bytes(book))
    ws = out["项目"]
    assert all(cell.font.b for cell in ws[2])
    assert ws.column_dimensions["A"].width == 31
    assert ws["D3"].number_format == "yyyy年m月d日"
    assert ws["B3"].fill.fgColor.rgb[-6:] == "00B0F0"
    assert [str(r) for r in ws.merged_cells.ranges] == ["A1:D1"]
    assert marks(ws) == {"C3": (RED, "不能为负数" + COMMENT_SEPARATOR + "核对过")}


def test_marks_from_an_earlier_run_are_replaced():
    """Download, fix one cell, upload again: only what is still wrong is marked, the user's comment is back."""
    book = sheet_book([HEADER, ["甲村", "历城区", -12, dt.date(2026, 6, 30)], ["乙村", "历城区", -3, None]])
    book.active["C2"].comment = Comment("核对过", "张三")
    first, _ = annotated(xlsx_bytes(book))
    again, same = annotated(first)
    assert marks(same["项目"]) == marks(load_workbook(io.BytesIO(first))["项目"])
    assert same.sheetnames == ["项目", "校验问题"]
    fixed = load_workbook(io.BytesIO(first))
    fixed["项目"]["C2"] = 12
    _, out = annotated(xlsx_bytes(fixed))
    ws = out["项目"]
    assert marks(ws) == {
        "C3": (RED, "不能为负数"),
        "D3": (AMBER, "缺少计划交付日期，无法判断是否逾期"),
        "C2": ("000000", "核对过"),
    }
    assert ws["C2"].fill.fill_type is None
    assert out.sheetnames == ["项目", "校验问题"]


def test_a_users_sheet_named_like_the_list_is_kept():
    book = sheet_book([HEADER, ["甲村", "历城区", -12, dt.date(2026, 6, 30)]])
    book.create_sheet("Problems")["A1"] = "my own notes"
    _, out = annotated(xlsx_bytes(book), lang="en")
    assert out.sheetnames == ["项目", "Problems", "Problems1"]
    assert out["Problems"]["A1"].value == "my own notes"


def test_xlsm_comes_back_as_plain_xlsx():
    data = xlsx_bytes(sheet_book([HEADER, ["甲村", "历城区", -12, dt.date(2026, 6, 30)]]))
    macro = "application/vnd.ms-excel.sheet.macroEnabled.main+xml"
    data = _replace_member(data, "[Content_Types].xml", lambda xml: re.sub(r"[\w.-]+sheet\.main\+xml", macro, xml))
    assert macro in zipfile.ZipFile(io.BytesIO(data)).read("[Content_Types].xml").decode()
    out, book = annotated(data, "book.xlsm")
    types = zipfile.ZipFile(io.BytesIO(out)).read("[Content_Types].xml").decode()
    assert "macroEnabled" not in types and "spreadsheetml.sheet.main+xml" in types
    assert marks(book["项目"]) == {"C2": (RED, "不能为负数")}
    assert_round_trip(data, "book.xlsm")


def _replace_member(data: bytes, member: str, change) -> bytes:
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for info in src.infolist():
            body = src.read(info)
            target.writestr(info, change(body.decode()) if info.filename == member else body)
    return out.getvalue()


# --- formats rebuilt from the values read ----------------------------------------------------------------------

BAD_CSV = (
    "项目名称,区县,安置户数,计划交付日期\n"
    "甲村,历城区,300,2026年6月30日\n"
    "乙村,历城区,约三百户,2021年13月5日\n"
    "=1+1,历城区,#N/A,\n"
)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_csv_is_rebuilt_as_xlsx_and_marked(lang):
    data = BAD_CSV.encode("gb18030")
    out, book = annotated(data, "台账.csv", lang)
    assert book.sheetnames == ["台账", SUMMARY_TITLES[lang]]
    ws = book["台账"]
    assert [[c.value for c in row] for row in ws.iter_rows()] == [
        ["项目名称", "区县", "安置户数", "计划交付日期"],
        ["甲村", "历城区", "300", "2026年6月30日"],
        ["乙村", "历城区", "约三百户", "2021年13月5日"],
        ["=1+1", "历城区", "#N/A", None],
    ]
    assert ws["A4"].data_type == "s" and ws["C4"].data_type == "s"  # text, not a formula or an error
    messages = {"zh": ("不是有效的数字", "日期不存在"), "en": ("Not a valid number", "This date does not exist")}[lang]
    assert {c: m for c, m in marks(ws).items() if c in ("C3", "D3")} == {
        "C3": (RED, messages[0]),
        "D3": (RED, messages[1]),
    }
    assert "C4" in marks(ws)  # "#N/A" is not a number either
    assert_round_trip(data, "台账.csv", lang)


def test_ods_is_rebuilt_with_dates_and_merges(tmp_path):
    path = tmp_path / "台账.ods"
    frame = pd.DataFrame(
        [["甲村", "历城区", 300, dt.date(2026, 6, 30)], ["乙村", None, -5, dt.date(2026, 9, 30)]], columns=HEADER
    )
    frame.to_excel(path, sheet_name="交付项目", index=False, engine="odf")
    data = path.read_bytes()
    out, book = annotated(data, path.name)
    ws = book["交付项目"]
    assert ws["D2"].value.date() == dt.date(2026, 6, 30)
    assert marks(ws) == {"C3": (RED, "不能为负数")}
    assert_round_trip(data, path.name)


def test_xls_is_rebuilt_and_marked():
    xlwt = pytest.importorskip("xlwt")  # only needed to write the test file
    book = xlwt.Workbook()
    ws = book.add_sheet("交付项目")
    rows = [["台账"], HEADER, ["甲村", "历城区", 300, "2026-06-30"], ["乙村", "历城区", -5, "2026年13月1日"]]
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            ws.write(r, c, value)
    ws.merge(0, 0, 0, 3)
    buffer = io.BytesIO()
    book.save(buffer)
    data = buffer.getvalue()
    _, out = annotated(data, "台账.xls")
    assert marks(out["交付项目"]) == {"C4": (RED, "不能为负数"), "D4": (RED, "日期不存在")}
    assert [str(r) for r in out["交付项目"].merged_cells.ranges] == ["A1:D1"]
    assert_round_trip(data, "台账.xls")


def test_fixture_formats_come_back_with_the_same_values():
    for path in (FIXTURES / "zhangqiu_2021.xls", FIXTURES / "zhangqiu_2021.ods"):
        data = path.read_bytes()
        raw = read_sheets(data, path.name)[0]
        out, book = annotated(data, path.name)
        rebuilt = read_sheets(out, "out.xlsx")[0]
        assert [s.name for s in rebuilt] == [s.name for s in raw] + ["校验问题"]
        assert rebuilt[0].rows == [[_midnight_as_date(v) for v in row] for row in raw[0].rows]
        assert summary_rows(book) == [SUMMARY_HEADERS["zh"]]


def _midnight_as_date(value):
    return value.date() if isinstance(value, dt.datetime) and value.time() == dt.time(0) else value


# --- nothing to annotate ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "filename"),
    [
        (b"", "empty.xlsx"),
        (b"PK\x03\x04 not really a zip", "broken.xlsx"),
        (b"<html><body><table></table></body></html>", "export.xls"),
        (b"\x00\x01\x02binary" * 10, "blob.csv"),
        (b"just text under a workbook's name", "fake.xlsx"),
    ],
    ids=["empty", "damaged-zip", "html", "binary", "text-as-xlsx"],
)
def test_unreadable_files_give_none(data, filename):
    issues = load_bytes(data, filename).issues
    assert annotate_workbook(data, filename, issues) is None


def test_every_table_issue_knows_its_column():
    """``Issue.col`` is the sheet column of the cell each check looks at; ``as_dict`` (the CLI's JSON) leaves it out."""
    header = ["项目名称", "区县", "安置户数", "建筑面积", "开工日期", "计划交付日期", "实际交付日期"]
    rows = [
        header,
        ["甲村", "历城区", 300, 3.5, dt.date(2024, 1, 1), dt.date(2026, 6, 30), None],
        ["甲村", "历城区", 1.5, 2.0, dt.date(2024, 1, 1), None, None],
        ["乙村", "历城区", 100, 1.0, dt.date(2025, 1, 1), dt.date(2026, 6, 30), dt.date(2024, 12, 1)],
        ["合计", None, 999],
    ]
    issues = load_bytes(xlsx_bytes(sheet_book(rows)), "book.xlsx").issues
    assert sorted((i.code, i.row, i.col) for i in issues) == [
        ("area_unit_guessed", None, 3),
        ("duplicate_project", 3, 0),
        ("handover_before_start", 4, 6),
        ("missing_deadline", 3, 5),
        ("not_integer", 3, 2),
        ("total_mismatch", 5, 2),
    ]
    assert "col" not in issues[0].as_dict()
