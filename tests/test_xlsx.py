"""The Excel export (``briefing.xlsx``): text stays text, numbers and dates keep their formats, headers in the
user's language, the filters stated, sheet names Excel accepts; and every page's download button."""

from __future__ import annotations

import datetime as dt
import io
import zipfile

import pytest
from briefings import PROJECTS, sample_briefing
from openpyxl import load_workbook
from test_xlsxsafe import HOSTILE, assert_text_cells

from briefing import blocks as B
from briefing.xlsx import MAX_WIDTH, render_xlsx, sheet_title, tables_xlsx, text_width
from housing.i18n import t
from housing.statuses import AT_RISK, OVERDUE

INJECTIONS = (*HOSTILE, "+1", "-2", "@SUM(A1)", "\tTAB", "\rCR", "\nLF")
DAY = dt.date(2021, 6, 30)


def project_table(names, lang: str = "zh") -> B.Table:
    """A project list as a page exports it: status, name, households, 万㎡ (raw m²), deadline, days, reasons."""
    columns = (
        B.Column("status", t("col_status", lang), B.STATUS),
        B.Column("name", t("col_name", lang)),
        B.Column("households", t("col_households", lang), B.COUNT),
        B.Column("area", t("col_area", lang), B.WAN_M2),
        B.Column("deadline", t("col_deadline", lang), B.DATE),
        B.Column("slip", t("pg_col_slip", lang), B.DAYS),
        B.Column("reasons", t("col_reasons", lang)),
    )
    rows = tuple(
        (
            B.Cell(OVERDUE, "■ 已逾期"),
            B.Cell(name, name),
            B.Cell(1234 + i, f"{1234 + i:,}"),
            B.Cell(123_456.0, "12.35"),
            B.Cell(DAY, "2021年6月30日"),
            B.Cell(31, "31"),
            B.Cell(name, name),
        )
        for i, name in enumerate(names)
    )
    return B.Table("projects", columns, rows, tuple(OVERDUE for _ in rows))


def workbook(data: bytes):
    return load_workbook(io.BytesIO(data))


def test_hostile_names_are_written_as_text_never_as_formulas():
    data = tables_xlsx([("风险项目", project_table(INJECTIONS))], "zh")
    assert_text_cells(data, INJECTIONS)  # in the XML: strings, quote-prefixed where Excel would see a formula
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        sheets = [zf.read(n) for n in zf.namelist() if n.startswith("xl/worksheets/sheet")]
    assert not [s for s in sheets if b"<f>" in s or b"<f " in s]
    ws = workbook(data)["风险项目"]
    names = [ws.cell(r, 2) for r in range(2, ws.max_row + 1)]
    assert [c.value.replace("\r", "\n") for c in names] == [n.replace("\r", "\n") for n in INJECTIONS]
    assert {c.data_type for c in names} == {"s"}
    assert ws["B2"].value == '=HYPERLINK("http://evil.example/x","点我")' and ws["B2"].quotePrefix


def test_numbers_and_dates_keep_their_formats():
    ws = workbook(tables_xlsx([("项目", project_table(["甲", "乙"]))], "zh"))["项目"]
    households, area, deadline, slip = ws["C2"], ws["D2"], ws["E2"], ws["F2"]
    assert (households.value, households.number_format) == (1234, "#,##0")
    assert (area.value, area.number_format) == (pytest.approx(12.3456), "#,##0.00")  # m² / 10,000, as on screen
    assert isinstance(deadline.value, dt.datetime) and deadline.value.date() == DAY
    assert deadline.number_format == "yyyy-mm-dd" and deadline.is_date
    assert (slip.value, slip.number_format) == (31, "0")
    assert ws["A2"].value == "已逾期" and ws["A2"].fill.fgColor.rgb.endswith("CC3311")  # label on its colour


@pytest.mark.parametrize(
    ("lang", "headers", "about"),
    [
        ("zh", ["状态", "项目名称", "安置户数", "建筑面积（万㎡）", "计划交付日期", "推迟天数", "原因"], "说明"),
        (
            "en",
            ["Status", "Project", "Households", "Floor area (10,000 m²)", "Deadline", "Days later", "Reasons"],
            "About",
        ),
    ],
)
def test_headers_are_in_the_users_language_frozen_and_filtered(lang, headers, about):
    wb = workbook(tables_xlsx([("x", project_table(["甲"], lang))], lang))
    assert wb.sheetnames == [about, "x"] and wb.active.title == "x"  # opens on the table
    ws = wb["x"]
    assert [c.value for c in ws[1]] == headers
    assert ws.freeze_panes == "A2" and ws.auto_filter.ref == "A1:G2"
    assert all(c.font.bold for c in ws[1])


def test_the_filters_in_force_and_the_row_counts_are_stated():
    filters = [("区县", "章丘区、历城区"), ("状态", "已逾期"), ("截至日期", "2021年5月1日"), ("数据版本", "第 12 版")]
    wb = workbook(tables_xlsx([("风险项目", project_table(["甲", "乙", "丙"]))], "zh", filters))
    rows = {r[0]: r[1] for r in wb["说明"].iter_rows(min_row=3, values_only=True)}
    assert rows == {**dict(filters), "工作表「风险项目」行数": 3}
    assert wb["说明"]["A1"].value == "本文件的内容与筛选条件"


def test_column_widths_fit_the_text_counting_cjk_double():
    ws = workbook(tables_xlsx([("项目", project_table(["一二三四五六七八九十", "ab"]))], "zh"))["项目"]
    assert ws.column_dimensions["B"].width == text_width("一二三四五六七八九十") + 2 == 22
    assert ws.column_dimensions["C"].width == text_width("安置户数") + 2  # the header is the widest
    long = project_table(["长" * 100])
    ws = workbook(tables_xlsx([("项目", long)], "zh"))["项目"]
    assert ws.column_dimensions["G"].width == MAX_WIDTH and ws["G2"].alignment.wrap_text  # never cut: wrapped


def test_an_empty_table_says_so_under_its_header():
    table = B.Table("risk", project_table([]).columns, (), empty="截至2021年5月1日没有逾期或有风险的项目。")
    ws = workbook(tables_xlsx([("风险项目", table)], "zh"))["风险项目"]
    assert ws["A1"].value == "状态" and ws["A2"].value == "截至2021年5月1日没有逾期或有风险的项目。"


@pytest.mark.parametrize(
    ("names", "expected"),
    [
        (["a/b\\c?d*e:f[g]h"], ["a b c d e f g h"]),
        (["x" * 40], ["x" * 31]),
        (["逾期项目", "逾期项目", "逾期项目"], ["逾期项目", "逾期项目 (2)", "逾期项目 (3)"]),
        (["Risk", "RISK"], ["Risk", "RISK (2)"]),  # Excel compares sheet names ignoring case
        (["History"], ["History (2)"]),  # reserved by Excel
        (["'quoted'", "[]:*?/\\"], ["quoted", "Sheet"]),
        (["y" * 31, "y" * 31], ["y" * 31, "y" * 27 + " (2)"]),
        (["说明"], ["说明 (2)"]),  # the about sheet keeps its name
    ],
)
def test_sheet_names_are_sanitised_and_unique(names, expected):
    wb = workbook(tables_xlsx([(n, project_table(["甲"])) for n in names], "zh"))
    assert wb.sheetnames[1:] == expected
    assert all(len(s) <= 31 for s in wb.sheetnames)


def test_sheet_title_counts_utf16_units():
    assert sheet_title("😀" * 20, set()) == "😀" * 15  # an emoji is two units in Excel's count


def test_the_briefing_has_a_sheet_per_section_with_every_table():
    b = sample_briefing()
    wb = workbook(render_xlsx(b))
    assert wb.sheetnames == ["说明", "总体情况", "逾期项目", "有风险的项目", "各区县安置户数", "按期推进"]
    about = {r[0]: r[1] for r in wb["说明"].iter_rows(min_row=3, values_only=True)}
    assert about["截至日期"].date() == dt.date(2021, 5, 1) and about["数据版本"] == b.version
    assert about["区县"] == "章丘区" and about["包含内容"].startswith("总体情况、逾期项目")
    heads = wb["总体情况"]
    assert [c.value for c in heads[1]] == ["状态", "指标", "数值", "单位", "目标"]
    assert [(r[1], r[2]) for r in heads.iter_rows(min_row=2, values_only=True)] == [
        ("安置户数", 7253),
        ("已交付", 5120),
        ("建筑面积", 264.83),
        ("已逾期", 2),
    ]
    assert heads["C4"].number_format == "#,##0.00" and heads["C2"].number_format == "#,##0"
    yellow = wb["有风险的项目"]
    assert yellow.max_row == 1 + len(PROJECTS) and yellow["A2"].value == "有风险"
    assert [yellow.cell(r, 4).value for r in range(2, 32)] == [hh for _, _, hh, _ in PROJECTS]
    assert yellow["E2"].value == pytest.approx(PROJECTS[0][3] / 10_000) and yellow["E2"].number_format == "#,##0.00"


def test_the_red_projects_are_one_row_each_with_every_reason_in_full():
    ws = workbook(render_xlsx(sample_briefing()))["逾期项目"]
    header = [c.value for c in ws[1]]
    assert header[:3] == ["状态", "项目名称", "区县"] and header[-1] == "原因"
    assert [r[1] for r in ws.iter_rows(min_row=2, values_only=True)] == [PROJECTS[0][0], PROJECTS[1][0]]
    reasons = ws.cell(2, len(header)).value
    assert reasons.split("\n") == [
        sample_briefing().slides()[2].blocks[1].items[0],
        "计划交付日期前30天内尚未完成竣工验收",
    ]
    assert ws.cell(2, len(header)).alignment.wrap_text


def test_a_section_of_several_tables_captions_each_and_notes_follow():
    table = project_table(["甲"])
    section = B.Section(
        B.CHANGES,
        "本周变化",
        (
            B.Slide("red", "新增逾期", (table,)),
            B.Slide("yellow", "新增风险", (table, B.Note("=1+1 说明"))),
        ),
    )
    b = B.Briefing("zh", dt.date(2021, 5, 1), "济南市", "调度会", "第 1 版", "页脚", (), (section,))
    data = render_xlsx(b)
    ws = workbook(data)["本周变化"]
    column_a = [c.value for c in ws["A"]]
    assert column_a == ["新增逾期", "状态", "已逾期", None, "新增风险", "状态", "已逾期", None, "=1+1 说明"]
    assert ws.freeze_panes is None and ws.auto_filter.ref is None  # Excel has one filter per sheet
    assert_text_cells(data, ["=1+1 说明"])


def test_an_english_briefing_has_english_chrome():
    table = project_table(["A"], "en")
    section = B.Section(B.RED, "Overdue projects", (B.Slide("red", "Overdue", (table,)),))
    b = B.Briefing("en", dt.date(2021, 5, 1), "Jinan", "Meeting", "version 1", "f", ("章丘区",), (section,))
    wb = workbook(render_xlsx(b))
    assert wb.sheetnames == ["About", "Overdue projects"]
    about = {r[0]: r[1] for r in wb["About"].iter_rows(min_row=3, values_only=True)}
    assert set(about) == {"Region", "As of", "Data version", "Districts", "Sections"}
    assert wb["Overdue projects"]["A2"].value == "Overdue"


def test_rows_without_a_status_column_get_one_from_the_row_statuses():
    plain = B.Table(
        "t", (B.Column("name", "项目名称"),), ((B.Cell("甲", "甲"),), (B.Cell("乙", "乙"),)), (AT_RISK, None)
    )
    ws = workbook(tables_xlsx([("t", plain)], "zh"))["t"]
    assert [[c.value for c in row] for row in ws.iter_rows()] == [["状态", "项目名称"], ["有风险", "甲"], [None, "乙"]]
    bare = B.Table("t", (B.Column("name", "项目名称"),), ((B.Cell("甲", "甲"),),))
    assert [c.value for c in workbook(tables_xlsx([("t", bare)], "zh"))["t"][1]] == ["项目名称"]


def test_a_missing_value_shows_what_the_screen_shows():
    columns = (B.Column("households", "安置户数", B.COUNT), B.Column("deadline", "计划交付日期", B.DATE))
    table = B.Table("t", columns, ((B.Cell(None, "—"), B.Cell(float("nan"), "—")),))
    ws = workbook(tables_xlsx([("t", table)], "zh"))["t"]
    assert (ws["A2"].value, ws["B2"].value) == ("—", "—")
