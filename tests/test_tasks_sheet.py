"""The task sheet (``loaders.tasks_sheet``): headers as staff write them, each problem at its cell, the
marked-up workbook and the template read back."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from conftest import write_xlsx
from openpyxl import load_workbook

from loaders.annotate import annotate_workbook
from loaders.tasks_sheet import TASK_FIELDS, build_task_template, load_task_sheet, match_task_header

TODAY = dt.date(2026, 12, 2)
PROJECTS = {"大辛村安置区": 11, "历城区/港沟片区": 12, "章丘区/港沟片区": 13, "港沟片区": None}
ACCOUNTS = {"zhang.wei", "Li_Na"}
HEADER = ["事项", "项目", "责任单位", "责任人", "交办日期"]


def sheet_bytes(tmp_path, rows, sheet="督办事项") -> bytes:
    """An xlsx of ``rows`` (from A1), as bytes."""
    return write_xlsx(tmp_path / "tasks.xlsx", rows, sheet).read_bytes()


def load(tmp_path, rows, **kw):
    return load_task_sheet(
        sheet_bytes(tmp_path, rows), "tasks.xlsx", projects=PROJECTS, accounts=ACCOUNTS, today=TODAY, **kw
    )


@pytest.mark.parametrize(
    ("header", "field"),
    [
        ("事项", "title"),
        ("督办事项", "title"),
        ("督办 事项\n内容", "title"),
        ("Task", "title"),
        ("项目名称", "project"),
        ("所属项目", "project"),
        ("Project", "project"),
        ("责任单位", "unit"),
        ("责任单位：", "unit"),
        ("承办部门", "unit"),
        ("Responsible unit", "unit"),
        ("责任人", "assignee"),
        ("责任人（账号）", "assignee"),
        ("ＡＳＳＩＧＮＥＥ", "assignee"),
        ("交办日期", "raised_on"),
        ("交办时间（年月日）", "raised_on"),
        ("Raised on", "raised_on"),
        ("备注", None),
        ("", None),
        (None, None),
        ("本表由区住建局督办科汇总填报，请于每周五前报送", None),
    ],
)
def test_headers_as_staff_write_them(header, field):
    found = match_task_header(header)
    assert (found.key if found else None) == field


def test_a_clean_sheet_below_a_title_row_reads_every_task(tmp_path):
    rows = [
        ["2026年第48周督办事项交办表"],
        ["序号", *HEADER, "备注"],
        [1, "尽快协调施工单位复工", "大辛村安置区", "历城区住建局", "ZHANG.WEI", dt.date(2026, 11, 30), "周报"],
        [2, "核实交付延期原因", "历城区/港沟片区", "港沟街道办", "li_na", None, None],
        [None, None, None, None, None, None, None],
        [3, "回复群众来电", None, "区信访局", "zhang.wei", "2026年12月1日", None],
        ["注：责任人填写登录用户名"],
    ]
    result = load(tmp_path, rows)
    assert result.issues == [] and result.ok
    assert [(r.title, r.project, r.unit, r.assignee, r.raised_on, r.row) for r in result.rows] == [
        ("尽快协调施工单位复工", 11, "历城区住建局", "zhang.wei", dt.date(2026, 11, 30), 3),
        ("核实交付延期原因", 12, "港沟街道办", "Li_Na", TODAY, 4),  # blank date: today; username as stored
        ("回复群众来电", None, "区信访局", "zhang.wei", dt.date(2026, 12, 1), 6),
    ]


# Each problem, the cell it is reported at (Excel row 2 is the first task) and its parameters.
BAD_ROWS = [
    (["", "大辛村安置区", "住建局", "zhang.wei", None], "task_missing_title", "事项", {}),
    (["复工", None, None, "zhang.wei", None], "task_missing_unit", "责任单位", {}),
    (["复工", None, "住建局", None, None], "task_missing_assignee", "责任人", {}),
    (["复工", "不存在的项目", "住建局", "zhang.wei", None], "task_unknown_project", "项目", {"name": "不存在的项目"}),
    (["复工", "港沟片区", "住建局", "zhang.wei", None], "task_ambiguous_project", "项目", {"name": "港沟片区"}),
    (["复工", None, "住建局", "wang.fang", None], "task_unknown_assignee", "责任人", {"name": "wang.fang"}),
    (
        ["复工", None, "住建局", "zhang.wei", dt.date(2026, 12, 3)],
        "task_future_date",
        "交办日期",
        {"date": "2026-12-03"},
    ),
    (["复工", None, "住建局", "zhang.wei", "下周一"], "not_a_date", "交办日期", {}),
]


@pytest.mark.parametrize(("row", "code", "column", "params"), BAD_ROWS, ids=[b[1] for b in BAD_ROWS])
def test_each_problem_is_an_error_at_its_cell(tmp_path, row, code, column, params):
    result = load(tmp_path, [HEADER, row, ["另一项", None, "住建局", "zhang.wei", None]])
    assert [(i.code, i.severity, i.sheet, i.row, i.column, i.col) for i in result.issues] == [
        (code, "error", "督办事项", 2, column, HEADER.index(column))
    ]
    assert result.issues[0].params == params
    assert not result.ok
    assert [r.title for r in result.rows] == ["另一项"]  # the good row is still read, the bad one is not
    for lang in ("zh", "en"):
        assert "{" not in result.issues[0].message(lang)


def test_a_sheet_without_the_required_columns_says_which(tmp_path):
    result = load(tmp_path, [["事项", "项目"], ["复工", "大辛村安置区"]])
    assert [(i.code, i.params) for i in result.issues] == [
        ("task_missing_column", {"column": "责任单位"}),
        ("task_missing_column", {"column": "责任人"}),
    ]
    assert not result.ok


@pytest.mark.parametrize(
    "content",
    [b"", b"not a workbook at all \x00\x01\x02" * 10, "项目名称,区县\n大辛村,历城区\n".encode()],
    ids=["empty", "garbage", "project-register"],
)
def test_an_unreadable_file_or_one_without_tasks_is_one_clear_issue(content):
    result = load_task_sheet(content, "x.csv", projects=PROJECTS, accounts=ACCOUNTS, today=TODAY)
    assert not result.ok and result.rows == []
    assert len(result.issues) == 1 and result.issues[0].severity == "error"


def test_control_characters_are_removed_with_a_warning(tmp_path):
    result = load(tmp_path, [HEADER, ["复工\u202e", None, "住建局", "zhang.wei", None]])
    assert [i.code for i in result.issues] == ["control_chars"]
    assert result.ok and result.rows[0].title == "复工"


def test_a_repeated_task_is_a_warning_at_the_repeat(tmp_path):
    """Imported, two identical rows were two tasks for the same thing, without a word."""
    task = ["复工", None, "住建局", "zhang.wei", dt.date(2026, 11, 2)]
    spelled = ["复工 ", None, "住建局", "ZHANG.WEI", dt.date(2026, 11, 2)]  # the same after normalising
    other_day = ["复工", None, "住建局", "zhang.wei", dt.date(2026, 11, 3)]
    result = load(tmp_path, [HEADER, task, other_day, spelled])
    assert [(i.code, i.row, i.column, i.params) for i in result.issues] == [
        ("task_duplicate_row", 4, "事项", {"first": 2})
    ]
    assert result.issues[0].message("zh") == "与第 2 行的事项完全相同，导入后会重复交办"
    assert result.ok and len(result.rows) == 3  # a warning: the user decides


def test_ten_thousand_rows_are_read_in_bounded_time(tmp_path):
    import time

    rows = [HEADER] + [[f"事项{i}", None, "住建局", "zhang.wei", dt.date(2026, 11, 2)] for i in range(10_000)]
    data = sheet_bytes(tmp_path, rows)
    started = time.monotonic()
    result = load_task_sheet(data, "tasks.xlsx", projects=PROJECTS, accounts=ACCOUNTS, today=TODAY)
    assert time.monotonic() - started < 60
    assert result.ok and len(result.rows) == 10_000 and result.issues == []


def test_the_marked_up_workbook_marks_each_problem_cell_and_reads_back_the_same(tmp_path):
    rows = [HEADER, ["", None, "住建局", "zhang.wei", None], ["复工", "不存在的项目", "住建局", "nobody", None]]
    data = sheet_bytes(tmp_path, rows)
    result = load_task_sheet(data, "tasks.xlsx", projects=PROJECTS, accounts=ACCOUNTS, today=TODAY)
    marked = annotate_workbook(data, "tasks.xlsx", result.issues, "zh")
    assert marked is not None
    ws = load_workbook(io.BytesIO(marked))["督办事项"]
    commented = {c.coordinate: c.comment.text for row in ws.iter_rows() for c in row if c.comment}
    assert set(commented) == {"A2", "B3", "D3"}
    assert "缺少事项内容" in commented["A2"] and "nobody" in commented["D3"]
    again = load_task_sheet(marked, "tasks.xlsx", projects=PROJECTS, accounts=ACCOUNTS, today=TODAY)
    assert [(i.code, i.row, i.col) for i in again.issues] == [(i.code, i.row, i.col) for i in result.issues]


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_template_reads_as_an_empty_task_sheet_and_filled_in_as_tasks(lang, tmp_path):
    data = build_task_template(lang)
    empty = load_task_sheet(data, "t.xlsx", projects=PROJECTS, accounts=ACCOUNTS, today=TODAY)
    assert empty.issues == [] and empty.rows == [] and not empty.ok
    book = load_workbook(io.BytesIO(data))
    ws = book.worksheets[0]
    assert [match_task_header(c.value).key for c in ws[1]] == [f.key for f in TASK_FIELDS]
    ws.append(["复工", "大辛村安置区", "住建局", "zhang.wei", dt.date(2026, 12, 1)])
    out = io.BytesIO()
    book.save(out)
    filled = load_task_sheet(out.getvalue(), "t.xlsx", projects=PROJECTS, accounts=ACCOUNTS, today=TODAY)
    assert filled.ok and [(r.title, r.project) for r in filled.rows] == [("复工", 11)]
