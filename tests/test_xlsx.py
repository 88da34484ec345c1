"""The Excel export (``briefing.xlsx``): text stays text, numbers and dates keep their formats, headers in the
user's language, the filters stated, sheet names Excel accepts; and every page's download button."""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from collections.abc import Callable

import pandas as pd
import pytest
from app_pages import APP, html_table, open_page, table_texts
from briefings import PROJECTS, sample_briefing
from openpyxl import load_workbook
from streamlit.runtime.media_file_manager import MediaFileManager
from streamlit.testing.v1 import AppTest, app_test
from test_xlsxsafe import HOSTILE, assert_text_cells

from briefing import blocks as B
from briefing.xlsx import LINE_HEIGHT, MAX_WIDTH, render_xlsx, sheet_title, tables_xlsx, text_width
from housing.i18n import t
from housing.statuses import AT_RISK, OVERDUE
from store import versions as V
from store.db import open_database

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
    assert (wb.properties.title, wb.properties.creator) == ("本文件的内容与筛选条件", "安置房交付看板")


def test_column_widths_fit_the_text_counting_cjk_double():
    ws = workbook(tables_xlsx([("项目", project_table(["一二三四五六七八九十", "ab"]))], "zh"))["项目"]
    assert ws.column_dimensions["B"].width == text_width("一二三四五六七八九十") + 2 == 22
    assert ws.column_dimensions["C"].width == text_width("安置户数") + 2  # the header is the widest
    long = project_table(["长" * 100])
    ws = workbook(tables_xlsx([("项目", long)], "zh"))["项目"]
    assert ws.column_dimensions["G"].width == MAX_WIDTH and ws["G2"].alignment.wrap_text  # never cut: wrapped
    assert ws.row_dimensions[2].height == 4 * LINE_HEIGHT  # 200 widths in 59 a line: tall enough for 4 lines
    assert ws.row_dimensions[1].height is None  # a row that fits on one line keeps the default height


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


# --- the pages' download buttons ----------------------------------------------------------------------------------


class RecordingFiles(MediaFileManager):
    """The AppTest's media file manager, keeping each deferred download (its file name and the callable a click
    runs)."""

    made: dict[str, tuple[str, Callable[[], bytes]]] = {}

    def add_deferred(self, data_callable, mimetype, coordinates, file_name=None, **kwargs) -> str:
        file_id = super().add_deferred(data_callable, mimetype, coordinates, file_name=file_name, **kwargs)
        RecordingFiles.made[file_id] = (file_name, data_callable)
        return file_id


@pytest.fixture
def downloads(monkeypatch):
    """Run a page, then ``downloads(at, key)`` gives the file name and workbook of its "下载 Excel" button."""
    monkeypatch.setattr(app_test, "MediaFileManager", RecordingFiles)

    def get(at, key: str, label: str = "下载 Excel"):
        (button,) = [b for b in at.get("download_button") if b.proto.id.endswith(f"-{key}")]
        assert button.proto.label == label
        name, make = RecordingFiles.made[button.proto.deferred_file_id]
        return name, workbook(make())

    return get


@pytest.fixture
def two_versions(app_database):
    """Version 2 of the sample: two deadlines 45 days later (a slip on the delivery page and in what changed)."""
    AppTest.from_file(APP, default_timeout=90).run()  # the first start publishes the sample as version 1
    db = open_database(app_database)
    week = V.version_projects(db, 1)
    late = week.index[week["handed_over"].isna()][-2:]
    week.loc[late, "deadline"] += pd.Timedelta(days=45)
    V.publish(db, week, content=b"week 2", filename="第2周.xlsx", uploader="张三")
    return week.loc[late, "name"].tolist()


def data_rows(ws) -> int:
    """A sheet's rows under its header, not counting the line saying the list is empty."""
    return 0 if ws.max_row == 2 and ws["A2"].value == "无。" else ws.max_row - 1


def about(wb) -> dict:
    """The about sheet's label/value rows."""
    return {r[0]: r[1] for r in wb.worksheets[0].iter_rows(min_row=3, values_only=True)}


@pytest.mark.parametrize(
    ("page", "params", "key", "table", "file_name", "column"),
    [
        ("views/overview.py", {}, "xl_risk", 0, "风险项目_2026-11-21.xlsx", "区县"),
        ("views/overview.py", {}, "xl_districts", 0, "区县汇总_2026-11-21.xlsx", "区县"),
        ("views/districts.py", {}, "xl_dd_children", 0, "区县汇总_济南市_2026-11-21.xlsx", "区县"),
        (
            "views/districts.py",
            {"district": "历城区"},
            "xl_dd_children",
            0,
            "街道汇总_历城区_2026-11-21.xlsx",
            "街道（镇）",
        ),
        (
            "views/districts.py",
            {"district": "历城区", "street": "港沟街道"},
            "xl_dd_projects",
            0,
            "项目清单_历城区_港沟街道_2026-11-21.xlsx",
            "项目名称",
        ),
        ("views/progress.py", {}, "xl_slipped", 0, "推迟项目_2026-11-21.xlsx", "区县"),
        ("views/history.py", {}, "xl_versions", 0, "版本历史_2026-11-21.xlsx", "上传人"),
    ],
)
def test_each_page_offers_its_table_as_excel(two_versions, downloads, page, params, key, table, file_name, column):
    at = open_page(page, **params)
    # The paged lists and the overview's districts are HTML tables (their texts as shown), the rest data frames.
    html_blocks = {"xl_risk": "risk", "xl_districts": "districts"} if page == "views/overview.py" else {}
    if key in html_blocks:
        shown = html_table(at, block=html_blocks[key])
    else:
        # the paged lists (the history's versions among them) and the drill's levels
        paged = ("xl_dd_projects", "xl_slipped", "xl_dd_children", "xl_versions")
        shown = html_table(at) if key in paged else at.dataframe[table].value
    name, wb = downloads(at, key)
    assert name == file_name
    ws = wb.worksheets[1]
    assert [c.value for c in ws[1]] == list(shown.columns)
    assert ws.max_row - 1 == len(shown) > 0
    position = list(shown.columns).index(column) + 1
    assert [ws.cell(r, position).value for r in range(2, ws.max_row + 1)] == shown[column].tolist()
    assert about(wb)["截至日期"] == "2026年11月21日" and about(wb)["数据版本"].startswith("数据：第 2 版")


def test_the_changes_page_exports_every_list(two_versions, downloads):
    at = open_page("views/changes.py")
    name, wb = downloads(at, "xl_changes")
    assert name == "本周变化_2026-11-21.xlsx"
    assert wb.sheetnames[1:] == [
        "转为红色预警",
        "转为黄色预警",
        "交付日期推迟",
        "因推迟交付日期而减轻",
        "无进展，预警解除或减轻",
        "有进展，预警解除或减轻",
        "完成节点",
        "新交付项目",
        "新增项目",
        "移除项目",
    ]
    listed = [ws for ws in wb.worksheets[1:] if ws["A2"].value != "无。"]
    shown = [len(table_texts(h.proto.body)) for h in at.get("html") if 'class="bf-table"' in h.proto.body]
    assert sorted(ws.max_row - 1 for ws in listed) == sorted(shown)  # each list's page, an HTML table
    slips = wb["交付日期推迟"]
    assert sorted(slips.cell(r, 1).value for r in (2, 3)) == sorted(two_versions)
    assert slips["E2"].value == 45 and slips["C2"].is_date
    assert about(wb)["对比版本"] == "第 1 版 → 第 2 版"


def test_the_export_states_the_sidebar_filters_and_holds_only_what_they_leave(two_versions, downloads):
    at = open_page("views/overview.py")
    at.multiselect(key="ov_statuses__zh").set_value(["overdue"]).run()
    at.multiselect(key="ov_filter_districts").set_value(["历城区", "章丘区"]).run()
    shown = html_table(at)
    _, wb = downloads(at, "xl_risk")
    assert about(wb)["状态"] == "已逾期" and about(wb)["区县"] == "历城区、章丘区"
    ws = wb.worksheets[1]
    assert ws.max_row - 1 == len(shown) > 0
    assert {ws.cell(r, 1).value for r in range(2, ws.max_row + 1)} == {"已逾期"}
    assert {ws.cell(r, 3).value for r in range(2, ws.max_row + 1)} <= {"历城区", "章丘区"}


def test_an_english_page_exports_english_headers_and_names(two_versions, downloads):
    at = open_page("views/overview.py", lang="en")
    name, wb = downloads(at, "xl_risk", "Download Excel")
    assert name == "at-risk_2026-11-21.xlsx"
    assert wb.sheetnames[0] == "About" and [c.value for c in wb.worksheets[1][1]] == list(html_table(at).columns)
    assert about(wb)["As of"] == "2026-11-21" and about(wb)["Statuses"] == "All"


def test_a_project_named_like_a_formula_is_exported_as_text(app_database, downloads):
    AppTest.from_file(APP, default_timeout=90).run()
    db = open_database(app_database)
    week = V.version_projects(db, 1)
    overdue = week.index[week["handed_over"].isna()][0]
    week.loc[overdue, ["name", "deadline"]] = ['=HYPERLINK("http://x","y")', pd.Timestamp("2026-01-31")]
    V.publish(db, week, content=b"hostile", filename="hostile.xlsx", uploader="张三")
    _, wb = downloads(open_page("views/overview.py"), "xl_risk")
    names = {c.value: c for c in wb.worksheets[1]["B"]}
    cell = names['=HYPERLINK("http://x","y")']
    assert cell.data_type == "s" and cell.quotePrefix
