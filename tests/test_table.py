"""From raw sheet rows to the project table: ``loaders.table`` (header, row kinds, totals, merges, units)."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from loaders import parallel
from loaders.reading import RawSheet
from loaders.schema import match_stage_date_header
from loaders.table import (
    OUTPUT_COLUMNS,
    STAGE_DATE_COLUMNS,
    column_array,
    fill_merged,
    find_header,
    find_stage_header,
    read_stage_sheet,
    read_table,
    row_kind,
)

D = dt.date
HEADER = ["序号", "项目名称", "区县", "安置户数", "总建筑面积（万㎡）", "计划交付日期"]


def table(rows, merged=(), sheet="项目"):
    """read_table on rows padded to one width, as calamine and the CSV reader deliver them."""
    width = max(len(r) for r in rows)
    padded = [list(r) + [""] * (width - len(r)) for r in rows]
    return read_table(RawSheet(sheet, padded, list(merged)))


def issues(result):
    return [(i.code, i.row, i.column, i.value) for i in result.issues]


DUE = D(2026, 6, 30)


def project(seq, name, households=100, area=1.0, deadline=DUE, district="历城区"):
    return [seq, name, district, households, area, deadline]


# --- find_header -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("rows", "header_row", "fields"),
    [
        ([["项目名称", "户数"]], 0, {"name", "households"}),
        ([["标题"], [""], ["项目名称", "区县", "户数"]], 2, {"name", "district", "households"}),
        (
            [["章丘区2021年安置房项目交付计划表", "", ""], ["填报单位：章丘区房屋征收服务中心", "", ""], HEADER],
            2,
            {"seq", "name", "district", "households", "floor_area", "deadline"},
        ),
        ([["No.", "Project", "District", "Households"]], 0, {"seq", "name", "district", "households"}),
        # the row naming the most columns wins over an earlier row that names a few
        ([["项目", "区"], HEADER], 1, {"seq", "name", "district", "households", "floor_area", "deadline"}),
        # header cells with line breaks and full-width brackets
        ([["项目\n名称", "安置户数\n（户）", "总建筑面积\n（万平方米）"]], 0, {"name", "households", "floor_area"}),
        ([[""]] * 29 + [["项目名称", "户数"]], 29, {"name", "households"}),  # the last row scanned
    ],
)
def test_find_header(rows, header_row, fields):
    found = find_header(rows)
    assert found is not None
    assert found[0] == header_row
    assert set(found[1]) == fields


@pytest.mark.parametrize(
    "rows",
    [
        [],
        [["安置房项目交付计划表"]],
        [["区县", "户数", "建筑面积"]],  # no name column
        [["项目名称", "说明"]],  # a name alone is not enough
        [["序号", "项目名称"]],  # the row-number column does not count
        [[""]] * 30 + [["项目名称", "户数"]],  # below the rows scanned
    ],
)
def test_find_header_none(rows):
    assert find_header(rows) is None


def test_find_header_keeps_the_text_as_written_its_index_and_unit():
    _, header = find_header([["序号", "项目名称", "安置户数（户）", " 总建筑面积（万平方米） ", "备注", "备注"]])
    assert (header["households"].index, header["households"].text, header["households"].unit) == (
        2,
        "安置户数（户）",
        "户",
    )
    assert (header["floor_area"].index, header["floor_area"].text) == (3, "总建筑面积（万平方米）")
    assert header["floor_area"].unit == "万平方米"
    assert header["notes"].index == 4  # the first of two columns with the same header (read_table: an error)


# --- row_kind ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("row", "kind"),
    [
        ([1, "西琅沟", "章丘区", 656], "data"),
        (["", "西琅沟", "", ""], "data"),  # a project with no figures yet
        (["", "", "历城区", 120], "data"),  # data without a name: kept, reported as missing_name
        (["", "", "", ""], "blank"),
        ([None, None, None, None], "blank"),
        (["", "—", "/", "无"], "blank"),
        (["合计", "", "", 7253], "total"),  # in the 序号 column
        (["", "合计", "", 7253], "total"),
        (["", "合 计", "", 7253], "total"),
        (["", "合　计", "", 7253], "total"),  # ideographic space
        (["", "合计：", "", 7253], "total"),
        (["", "总计", "", 7253], "total"),
        (["", "Total", "", 7253], "total"),
        (["", "TOTAL", "", 7253], "total"),
        (["", "Grand Total", "", 7253], "total"),
        (["", "Sum", "", 7253], "total"),
        (["", "全区合计", "", 7253], "total"),
        (["", "总合计", "", 7253], "total"),
        (["", "以上合计", "", 7253], "total"),
        (["", "合计（户）", "", 7253], "total"),
        (["", "小计", "历城区", 500], "subtotal"),
        (["", "Subtotal", "", 500], "subtotal"),
        (["", "历城区小计", "", 500], "subtotal"),
        (["", "历城区合计", "", 500], "subtotal"),  # a place before 合计: the total of a part
        (["", "本页合计", "", 500], "subtotal"),
        (["", "", "合计", 7253], "total"),  # label in the first filled cell when name and 序号 are empty
        (["填报人：张三", "", "", ""], "note"),
        (["注：数据截至2021年3月10日", "", "", ""], "note"),
        (["", "注：数据截至2021年3月10日", "", ""], "note"),  # a footnote in the name column
        (["", "说明：以上为计划数", "", ""], "note"),
        (["", "填报单位：章丘区房屋征收服务中心", "", ""], "note"),
        (["", "合计村安置区", "", 100], "data"),  # a name that merely contains a total word
        (["", "注册村安置区", "", ""], "data"),
        (["", "说明村安置区", "历城区", 100], "data"),
        (["", "注：数据截至2021年3月", "历城区", 100], "data"),  # not alone on its row: a (strange) project
        (["", "合计" + "x" * 15, "", 1], "data"),  # long text is a name even if it starts like a total
    ],
)
def test_row_kind(row, kind):
    assert row_kind(row, name_idx=1, seq_idx=0) == kind


def test_row_kind_without_a_seq_column():
    assert row_kind(["合计", "", 10], name_idx=0, seq_idx=None) == "total"
    assert row_kind(["", "小计", 10], name_idx=0, seq_idx=None) == "subtotal"


# --- fill_merged -------------------------------------------------------------------------------------------


def test_fill_merged_fills_down_a_column_below_the_header_only():
    rows = [
        ["标题", "", ""],
        ["项目名称", "区县", "户数"],
        ["A", "历城区", 1],
        ["B", "", 2],
        ["C", "", 3],
        ["D", "章丘区", 4],
    ]
    fill_merged(rows, [((0, 0), (0, 2)), ((2, 1), (4, 1))], first_row=2)
    assert [r[1] for r in rows] == ["", "区县", "历城区", "历城区", "历城区", "章丘区"]
    assert rows[0] == ["标题", "", ""]  # the title above the header is left alone


def test_fill_merged_does_not_spread_across_columns():
    rows = [["项目名称", "区县", "户数"], ["A", "历城区", 1], ["注：数据截至3月", "", ""]]
    fill_merged(rows, [((2, 0), (2, 2))], first_row=1)
    assert rows[2] == ["注：数据截至3月", "", ""]


def test_fill_merged_keeps_values_already_there():
    rows = [["项目名称", "区县"], ["A", "历城区"], ["B", "章丘区"]]
    fill_merged(rows, [((1, 1), (2, 1))], first_row=1)
    assert [r[1] for r in rows] == ["区县", "历城区", "章丘区"]


def test_district_merged_across_three_data_rows_fills_every_row(load_rows):
    rows = [
        ["安置房项目台账"],
        HEADER,
        project(1, "甲村", 100),
        project(2, "乙村", 200, district=None),
        project(3, "丙村", 300, district=None),
        project(4, "丁村", 400, district="章丘区"),
        project(5, "戊村", 500, district=None),
    ]
    result = load_rows(rows, merges=["A1:F1", "C3:C5", "C6:C7"])
    assert result.issues == []
    assert list(result.projects["district"]) == ["历城区", "历城区", "历城区", "章丘区", "章丘区"]
    assert list(result.projects["row"]) == [3, 4, 5, 6, 7]


def test_a_footnote_merged_across_the_row_is_not_a_project(load_rows):
    rows = [HEADER, project(1, "甲村", 100), project(2, "乙村", 200), ["注：数据截至2021年3月10日"]]
    result = load_rows(rows, merges=["A4:F4"])
    assert result.issues == []
    assert list(result.projects["name"]) == ["甲村", "乙村"]


def test_a_footnote_merged_down_several_rows_from_the_name_column_is_not_a_project(load_rows):
    rows = [
        ["项目名称", "户数", "计划交付日期"],
        ["甲村", 100, D(2026, 6, 30)],
        ["注：1. 户数为安置户数；2. 日期为计划"],
    ]
    result = load_rows(rows, merges=["A3:C5"])
    assert result.issues == []
    assert list(result.projects["name"]) == ["甲村"]


def test_a_total_label_merged_over_the_seq_and_name_columns(load_rows):
    rows = [HEADER, project(1, "甲村", 100), project(2, "乙村", 200), ["合计", None, None, 300, 2]]
    result = load_rows(rows, merges=["A4:B4"])
    assert result.issues == []
    assert list(result.projects["name"]) == ["甲村", "乙村"]


# --- totals ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "label", ["合计", "小计", "总计", "Total", "合 计", "合计：", "全区合计", "合计（户）", "TOTAL"]
)
def test_totals_rows_are_not_projects(label):
    result = table([HEADER, project(1, "甲村", 100), project(2, "乙村", 200), ["", label, "", 300, 2]])
    assert list(result.frame["name"]) == ["甲村", "乙村"]
    assert result.issues == []  # the total agrees with the rows


@pytest.mark.parametrize("label", ["合计", "总计", "Total"])
def test_total_label_in_the_seq_column(label):
    result = table([HEADER, project(1, "甲村", 100), [label, "", "", 101, ""]])
    assert list(result.frame["name"]) == ["甲村"]
    assert issues(result) == [("total_mismatch", 3, "安置户数", "101")]


def test_total_mismatch_names_both_figures():
    rows = [["标题"], HEADER, project(1, "甲村", 1200), project(2, "乙村", 850), ["合计", "", "", 2100, 2]]
    result = table(rows)
    assert len(result.frame) == 2
    (issue,) = result.issues
    assert (issue.code, issue.severity, issue.sheet, issue.row, issue.column, issue.value) == (
        "total_mismatch",
        "warning",
        "项目",
        5,
        "安置户数",
        "2100",
    )
    assert issue.params["file_value"] == "2,100"
    assert issue.params["sum_value"] == "2,050"
    assert issue.message("zh") == "文件中的合计行的“安置户数”为 2,100，但各行合计为 2,050"
    assert issue.message("en") == "The file's total row's “安置户数” says 2,100, but the rows add up to 2,050"


def test_total_mismatch_on_floor_area_is_in_the_files_unit():
    rows = [HEADER, project(1, "甲村", 100, 1.25), project(2, "乙村", 100, 1.25), ["合计", "", "", 200, 2.6]]
    result = table(rows)
    assert issues(result) == [("total_mismatch", 4, "总建筑面积（万㎡）", "2.6")]
    assert (result.issues[0].params["file_value"], result.issues[0].params["sum_value"]) == ("2.6", "2.5")
    assert list(result.frame["floor_area_m2"]) == [12_500.0, 12_500.0]


def test_total_within_rounding_is_not_a_mismatch():
    rows = [HEADER, project(1, "甲村", 1, 21.26), project(2, "乙村", 1, 13.96), project(3, "丙", 1, 57.68)]
    result = table(rows + [["合计", "", "", 3, 92.9]])
    assert result.issues == []


def test_subtotals_are_checked_against_their_own_group_and_the_total_against_all():
    rows = [
        HEADER,
        project(1, "甲村", 100),
        project(2, "乙村", 200),
        ["", "小计", "历城区", 300, 2],
        project(3, "丙村", 50, district="章丘区"),
        ["", "小计", "章丘区", 60, 1],  # wrong: 50
        ["", "合计", "", 360, 3],  # wrong: 350
    ]
    result = table(rows)
    assert list(result.frame["name"]) == ["甲村", "乙村", "丙村"]
    assert issues(result) == [("total_mismatch", 6, "安置户数", "60"), ("total_mismatch", 7, "安置户数", "360")]
    sub, total = result.issues
    assert (sub.params["label_en"], sub.params["file_value"], sub.params["sum_value"]) == (
        "subtotal row's “安置户数”",
        "60",
        "50",
    )
    assert (total.params["label_en"], total.params["file_value"], total.params["sum_value"]) == (
        "total row's “安置户数”",
        "360",
        "350",
    )


def test_a_place_subtotal_followed_by_a_district_wide_total():
    rows = [
        HEADER,
        project(1, "甲村", 100),
        ["", "历城区合计", "", 100, 1],
        project(2, "丙村", 50, district="章丘区"),
        ["", "章丘区合计", "", 50, 1],
        ["", "全区合计", "", 150, 2],
    ]
    result = table(rows)
    assert list(result.frame["name"]) == ["甲村", "丙村"]
    assert result.issues == []


@pytest.mark.parametrize("cell", ["", "—", "见附表"])
def test_total_row_without_a_usable_figure_is_not_checked(cell):
    result = table([HEADER, project(1, "甲村", 100), ["合计", "", "", cell, ""]])
    assert result.issues == []


def test_total_written_as_text_is_compared():
    result = table([HEADER, project(1, "甲村", 1623), ["合计", "", "", "1,623户", ""]])
    assert result.issues == []


# --- values by column ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("cells", "expected", "found"),
    [
        ([0.65, 1, 0.5, ""], [65.0, 100.0, 50.0, None], []),  # a % formatted column holds fractions
        ([0.65, "82%", 0.4, 0], [65.0, 82.0, 40.0, 0.0], []),  # text is already in percent
        ([65, 100, 50, 0], [65.0, 100.0, 50.0, 0.0], []),
        ([40, "82%", 0.5, 3], [40.0, 82.0, 0.5, 3.0], []),  # a percent column: 0.5 stays 0.5 %
        (["65%", "100%", "0%", "5"], [65.0, 100.0, 0.0, 5.0], []),
        ([65, 150, "120%", 50], [65.0, None, None, 50.0], [("percent_range", 3, "150"), ("percent_range", 4, "120%")]),
        ([65, -5, "约一半", 50], [65.0, None, None, 50.0], [("negative", 3, "-5"), ("not_a_number", 4, "约一半")]),
    ],
)
def test_progress_percent_and_fractions(cells, expected, found):
    rows = [["项目名称", "完成比例"]] + [[f"P{i}", c] for i, c in enumerate(cells)]
    result = table(rows)
    progress = [None if pd.isna(v) else v for v in result.frame["progress"]]
    assert progress == expected
    assert [(i.code, i.row, i.value) for i in result.issues] == found


@pytest.mark.parametrize(
    ("header", "cells", "expected"),
    [
        ("总建筑面积（万平方米）", [21.26, "13.96", 3.91], [212_600.0, 139_600.0, 39_100.0]),
        ("总建筑面积（万㎡）", [21.26, 0.5, 1], [212_600.0, 5_000.0, 10_000.0]),
        ("Floor area (10,000 m²)", [6.05, 16.35, 10.74], [60_500.0, 163_500.0, 107_400.0]),
        ("建筑面积（㎡）", [56990, "42,870", 300790.5], [56_990.0, 42_870.0, 300_790.5]),
        ("建筑面积（平方米）", [56990, 42870, 300790], [56_990.0, 42_870.0, 300_790.0]),
        ("建筑面积(m²)", [21.26, 13.96, 3.91], [21.26, 13.96, 3.91]),  # the header says m²: believed
    ],
)
def test_floor_area_is_stored_in_square_metres(header, cells, expected):
    result = table([["项目名称", header]] + [[f"P{i}", c] for i, c in enumerate(cells)])
    assert list(result.frame["floor_area_m2"]) == expected
    assert result.issues == []


@pytest.mark.parametrize(
    ("cells", "expected", "unit_zh", "unit_en"),
    [
        ([21.26, 13.96, 3.91], [212_600.0, 139_600.0, 39_100.0], "万平方米", "10,000 m²"),
        ([56990, 42870, 300790], [56_990.0, 42_870.0, 300_790.0], "平方米", "m²"),
    ],
)
def test_floor_area_without_a_unit_is_guessed_with_a_warning(cells, expected, unit_zh, unit_en):
    result = table([["项目名称", "建筑面积"]] + [[f"P{i}", c] for i, c in enumerate(cells)])
    assert list(result.frame["floor_area_m2"]) == expected
    (issue,) = result.issues
    assert (issue.code, issue.severity, issue.row, issue.column) == ("area_unit_guessed", "warning", None, "建筑面积")
    assert issue.params == {"unit_zh": unit_zh, "unit_en": unit_en}
    assert issue.message("zh") == f"列名未注明面积单位，按数值大小推断为{unit_zh}"


@pytest.mark.parametrize(
    ("cell", "households", "found"),
    [
        (1623, 1623, []),
        (1623.0, 1623, []),
        ("1,623", 1623, []),
        ("1623户", 1623, []),
        ("１６２３", 1623, []),
        ("—", None, []),
        ("", None, []),
        (12.5, None, [("not_integer", 2, "12.5")]),
        (-12, None, [("negative", 2, "-12")]),
        ("约三百户", None, [("not_a_number", 2, "约三百户")]),
    ],
)
def test_households(cell, households, found):
    result = table([["项目名称", "安置户数（户）", "计划交付日期"], ["甲村", cell, D(2026, 6, 30)]])
    value = result.frame["households"].iloc[0]
    assert (None if pd.isna(value) else value) == households
    assert [(i.code, i.row, i.value) for i in result.issues] == found
    assert all(i.column == "安置户数（户）" for i in result.issues)


@pytest.mark.parametrize(
    ("cell", "deadline", "found"),
    [
        (D(2021, 3, 31), "2021-03-31", []),
        (dt.datetime(2021, 3, 31, 9, 0), "2021-03-31", []),
        (44286, "2021-03-31", []),  # an Excel serial in a cell formatted as a number
        ("2021年3月31日前", "2021-03-31", []),
        ("2021.3.31", "2021-03-31", []),
        ("2021/3/31", "2021-03-31", []),
        ("20210331", "2021-03-31", []),
        ("2021年3月", "2021-03-31", [("month_only", "warning", "2021年3月")]),
        ("2021年13月5日", None, [("impossible_date", "error", "2021年13月5日")]),
        ("2021-02-30", None, [("impossible_date", "error", "2021-02-30")]),
        (D(1900, 1, 1), None, [("date_out_of_range", "error", "1900-01-01")]),
        ("下半年", None, [("not_a_date", "error", "下半年")]),
    ],
)
def test_deadline_cells(cell, deadline, found):
    result = table([["项目名称", "具备交付条件时间"], ["甲村", cell]])
    value = result.frame["deadline"].iloc[0]
    assert (None if pd.isna(value) else value.date().isoformat()) == deadline
    assert [(i.code, i.severity, i.value) for i in result.issues] == found
    assert all((i.row, i.column) == (2, "具备交付条件时间") for i in result.issues)


def test_text_cells_are_trimmed_and_blank_placeholders_are_empty():
    rows = [
        ["项目名称", "街道", "形象进度", "备注"],
        ["  西琅沟 ", "—", "主体\n封顶", "  "],
        [123, "无", "配套  工程", "/"],
    ]
    result = table(rows)
    assert list(result.frame["name"]) == ["西琅沟", "123"]
    assert result.frame["street"].isna().all()
    assert list(result.frame["stage"]) == ["主体 封顶", "配套 工程"]
    assert result.frame["notes"].isna().all()


# --- row checks ----------------------------------------------------------------------------------------------


def test_missing_name_where_the_row_has_data():
    result = table([HEADER, project(1, "甲村"), project(2, "", 120), project(3, "丙村")])
    assert issues(result) == [("missing_name", 3, "项目名称", "")]
    assert result.issues[0].severity == "error"
    assert list(result.frame["name"]) == ["甲村", "丙村"]


def test_blank_rows_between_projects_are_skipped():
    result = table(
        [HEADER, project(1, "甲村"), ["", "", "", "", "", ""], ["—", "", "/", "", "", ""], project(2, "乙村")]
    )
    assert result.issues == []
    assert list(result.frame["row"]) == [2, 5]


@pytest.mark.parametrize(
    ("rows", "expected"),
    [
        # same name, same district: an error on the later row naming both rows
        ([project(1, "甲村"), project(2, "甲村")], [(3, 2, 3)]),
        # same name in another district: two projects
        ([project(1, "甲村"), project(2, "甲村", district="章丘区")], []),
        ([project(1, "甲村"), project(2, "甲村", district="章丘区"), project(3, "甲村")], [(4, 2, 4)]),
        # both without a district: nothing tells them apart
        ([project(1, "甲村", district=""), project(2, "甲村", district="")], [(3, 2, 3)]),
        # one with a district, one without: not provably the same project
        ([project(1, "甲村"), project(2, "甲村", district="")], []),
        # three times: each repeat names the first row
        ([project(1, "甲村"), project(2, "乙村"), project(3, "甲村"), project(4, "甲村")], [(4, 2, 4), (5, 2, 5)]),
        ([project(1, "甲村"), project(2, "乙村")], []),
    ],
)
def test_a_project_listed_twice_is_an_error_naming_both_rows(rows, expected):
    result = table([HEADER, *rows])
    found = [i for i in result.issues if i.code == "duplicate_project"]
    assert [(i.row, i.params["first_row"], i.params["row"]) for i in found] == expected
    assert all(i.severity == "error" and i.column == "项目名称" and i.value == "甲村" for i in found)


def test_the_duplicate_message_names_both_rows_in_both_languages():
    issue = next(i for i in table([HEADER, project(1, "甲村"), project(2, "甲村")]).issues)
    assert "第 2 行和第 3 行" in issue.message("zh")
    assert issue.message("en").startswith("Rows 2 and 3 are the same project (same name and district)")


def test_missing_deadline_is_a_warning_unless_handed_over():
    rows = [
        ["项目名称", "计划交付日期", "实际交付日期"],
        ["甲村", "", ""],
        ["乙村", "", D(2024, 5, 1)],
        ["丙村", "2021年13月5日", ""],  # an unreadable date is its own error, not also "missing"
    ]
    result = table(rows)
    assert [(i.code, i.row) for i in result.issues] == [("missing_deadline", 2), ("impossible_date", 4)]
    assert result.issues[0].severity == "warning"


def test_handover_before_start():
    rows = [
        ["项目名称", "开工日期", "交房日期"],
        ["甲村", D(2024, 5, 1), D(2023, 1, 1)],
        ["乙村", D(2022, 1, 1), D(2024, 1, 1)],
    ]
    result = table(rows)
    assert issues(result) == [("handover_before_start", 2, "交房日期", "2023-01-01")]


def test_issues_are_sorted_by_row_then_column():
    rows = [["项目名称", "户数", "建筑面积（㎡）"], ["甲村", -1, -1], ["", 5, 5], ["丙村", "x", 5]]
    result = table(rows)
    assert [(i.row, i.column, i.code) for i in result.issues] == [
        (2, "建筑面积（㎡）", "negative"),
        (2, "户数", "negative"),
        (3, "项目名称", "missing_name"),
        (4, "户数", "not_a_number"),
    ]


# --- the frame -----------------------------------------------------------------------------------------------


def test_frame_columns_types_and_excel_rows():
    rows = [["标题"], [""], HEADER, project(1, "甲村", 656, 21.26, "2021年3月31日前"), project(2, "乙村", "", 13.96)]
    result = table(rows, sheet="交付项目")
    frame = result.frame
    assert list(frame.columns) == OUTPUT_COLUMNS
    assert str(frame["households"].dtype) == "Int64"
    assert str(frame["floor_area_m2"].dtype) == "Float64"
    assert str(frame["progress"].dtype) == "Float64"
    for column in ("start", "deadline", "handed_over"):
        assert str(frame[column].dtype) == "datetime64[ns]"
    assert list(frame["sheet"]) == ["交付项目", "交付项目"]
    assert list(frame["row"]) == [4, 5]
    assert frame["households"].tolist() == [656, pd.NA]
    assert frame["floor_area_m2"].tolist() == [212_600.0, 139_600.0]
    assert frame["deadline"].tolist() == [pd.Timestamp("2021-03-31"), pd.Timestamp("2026-06-30")]
    assert frame["street"].isna().all()  # no such column in the sheet


def test_a_sheet_without_a_header_is_no_table():
    assert read_table(RawSheet("说明", [["本工作簿说明"], ["第一页为项目表"]])) is None


# --- stage ids ---------------------------------------------------------------------------------------------


def test_stage_id_follows_stage_as_a_string_column():
    assert OUTPUT_COLUMNS[OUTPUT_COLUMNS.index("stage") + 1] == "stage_id"
    rows = [
        ["项目名称", "形象进度", "交房日期"],
        ["甲村", "主体封顶", ""],
        ["乙村", "5#楼主体封顶，3#楼二次结构", ""],
        ["丙村", "正在进行配套工程", ""],
        ["丁村", "", D(2025, 6, 1)],  # handed over, no stage written: none is invented
        ["戊村", "65%", ""],  # a progress figure in the stage column: no stage, no warning
        ["己村", "Topped out", ""],
    ]
    result = table(rows)
    assert result.issues == []
    frame = result.frame
    assert str(frame["stage_id"].dtype) == "string"
    assert [None if pd.isna(v) else v for v in frame["stage_id"]] == [
        "topped_out",
        "topped_out",
        "supporting",
        None,
        None,
        "topped_out",
    ]
    assert list(frame["stage"])[:3] == ["主体封顶", "5#楼主体封顶，3#楼二次结构", "正在进行配套工程"]


def test_a_sheet_without_a_stage_column_has_no_stage_ids():
    frame = table([HEADER, project(1, "甲村")]).frame
    assert frame["stage_id"].isna().all() and str(frame["stage_id"].dtype) == "string"


def test_unknown_stage_text_is_a_located_warning():
    rows = [["标题"], ["项目名称", "户数", "当前阶段"], ["甲村", 10, "主体封顶"], ["乙村", 20, " 停工 整改 "]]
    result = table(rows, sheet="台账")
    (issue,) = result.issues
    assert (issue.code, issue.severity, issue.sheet, issue.row, issue.column, issue.value) == (
        "unknown_stage",
        "warning",
        "台账",
        4,
        "当前阶段",
        "停工 整改",
    )
    assert issue.params == {"text": "停工 整改"}
    assert issue.message("zh") == "无法识别的形象进度“停工 整改”，请使用标准阶段名称（立项 … 交房入住）"
    assert (
        issue.message("en") == "Stage “停工 整改” is not recognised; use a standard stage name (Approval … Handed over)"
    )
    assert pd.isna(result.frame["stage_id"].iloc[1]) and result.frame["stage"].iloc[1] == "停工 整改"


# --- per-stage date columns in the project sheet ----------------------------------------------------------


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("主体封顶计划", ("topped_out", "planned")),
        ("主体封顶(计划)", ("topped_out", "planned")),
        ("主体封顶（计划）", ("topped_out", "planned")),
        ("主体封顶计划时间", ("topped_out", "planned")),
        ("主体封顶时间（计划）", ("topped_out", "planned")),
        ("联合验收计划完成时间", ("acceptance", "planned")),
        ("计划开工时间", ("start", "planned")),
        ("主体封顶实际", ("topped_out", "actual")),
        ("主体封顶(实际)", ("topped_out", "actual")),
        ("主体封顶完成时间", ("topped_out", "actual")),
        ("实际封顶日期", ("topped_out", "actual")),
        ("Topped out planned", ("topped_out", "planned")),
        ("Topped out (planned)", ("topped_out", "planned")),
        ("Topped out actual", ("topped_out", "actual")),
        ("Handover actual date", None),  # the project's handover date (handed_over), read by its words
        # project columns stay project columns
        ("计划交付日期", None),
        ("具备交付条件时间", None),
        ("实际交付日期", None),
        ("交房日期", None),
        ("实际开工日期", None),
        ("开工时间", None),
        ("完成比例", None),
        ("形象进度", None),
        # no stage named
        ("计划", None),
        ("进度计划", None),
        ("资金计划", None),
        ("主体封顶", None),
        ("", None),
        (None, None),
    ],
)
def test_stage_date_headers(header, expected):
    assert match_stage_date_header(header) == expected


STAGE_COLUMNS_HEADER = [
    "项目名称",
    "区县",
    "户数",
    "计划交付日期",
    "交房日期",
    "主体封顶计划",
    "主体封顶(实际)",
    "联合验收计划时间",
    "联合验收完成时间",
]


def test_per_stage_columns_become_stage_dates_and_leave_the_project_columns_alone():
    rows = [
        ["台账"],
        STAGE_COLUMNS_HEADER,
        ["甲村", "历城区", 100, D(2026, 6, 30), D(2026, 7, 20), D(2025, 3, 31), "2025年5月10日", D(2026, 5, 1), ""],
        ["乙村", "章丘区", 200, D(2027, 6, 30), "", D(2026, 3, 31), "", "", ""],
        ["丙村", "章丘区", 300, D(2028, 6, 30), "", "", "", "", ""],
    ]
    header_row, fields = find_header(rows)
    assert header_row == 1 and set(fields) == {"name", "district", "households", "deadline", "handed_over"}
    result = table(rows, sheet="台账")
    assert result.issues == []
    assert [str(d.date()) for d in result.frame["deadline"]] == ["2026-06-30", "2027-06-30", "2028-06-30"]
    assert str(result.frame["handed_over"].iloc[0].date()) == "2026-07-20"
    dates = result.stage_dates
    assert list(dates.columns) == STAGE_DATE_COLUMNS
    got = [
        (n, d, s, None if pd.isna(p) else str(p.date()), None if pd.isna(a) else str(a.date()), sh, r)
        for n, d, s, p, a, sh, r in dates.itertuples(index=False)
    ]
    assert got == [
        ("甲村", "历城区", "topped_out", "2025-03-31", "2025-05-10", "台账", 3),
        ("甲村", "历城区", "acceptance", "2026-05-01", None, "台账", 3),
        ("乙村", "章丘区", "topped_out", "2026-03-31", None, "台账", 4),
    ]


def test_per_stage_columns_in_english():
    rows = [
        ["Project", "Households", "Deadline", "Topped out planned", "Topped out actual"],
        ["Dongwu", 420, D(2026, 6, 30), D(2025, 3, 31), D(2025, 4, 2)],
    ]
    result = table(rows)
    assert result.issues == []
    assert list(result.stage_dates["stage_id"]) == ["topped_out"]
    assert result.stage_dates["actual"].iloc[0] == pd.Timestamp("2025-04-02")


def test_a_bad_date_in_a_stage_column_is_an_error_located_there():
    rows = [["项目名称", "户数", "主体封顶计划"], ["甲村", 10, "明年"], ["乙村", 10, "2026年3月"]]
    result = table(rows)
    assert [(i.code, i.severity, i.row, i.column, i.value) for i in result.issues] == [
        ("not_a_date", "error", 2, "主体封顶计划", "明年"),
        ("month_only", "warning", 3, "主体封顶计划", "2026年3月"),
    ]
    assert list(result.stage_dates["name"]) == ["乙村"]


def test_no_stage_columns_give_an_empty_typed_table():
    dates = table([HEADER, project(1, "甲村")]).stage_dates
    assert dates.empty and list(dates.columns) == STAGE_DATE_COLUMNS
    assert {c: str(dates[c].dtype) for c in STAGE_DATE_COLUMNS} == {
        "name": "string",
        "district": "string",
        "stage_id": "string",
        "planned": "datetime64[ns]",
        "actual": "datetime64[ns]",
        "sheet": "string",
        "row": "int64",
    }


# --- stage sheets --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "header",
    [
        ["项目名称", "阶段", "计划完成日期", "实际完成日期"],
        ["序号", "项目名称", "所属区县", "节点", "计划时间", "完成时间", "备注"],
        ["项目名称", "形象进度节点", "计划完成日期"],
        ["Project", "Stage", "Planned", "Actual"],
        ["Project", "District", "Milestone", "Actual date"],
    ],
)
def test_find_stage_header(header):
    found = find_stage_header([["节点计划表"], header])
    assert found is not None and found[0] == 1
    assert {"name", "stage"} <= set(found[1]) and {"planned", "actual"} & set(found[1])


@pytest.mark.parametrize(
    "header",
    [
        ["项目名称", "户数", "形象进度", "计划", "实际"],  # households: a project table
        ["项目名称", "形象进度", "计划交付日期", "实际交付日期"],  # deadline and handover: a project table
        ["项目名称", "区县", "形象进度"],  # no dates
        ["阶段", "计划完成日期", "实际完成日期"],  # no project
        HEADER,
    ],
)
def test_find_stage_header_none(header):
    assert find_stage_header([header]) is None


PROJECTS = pd.DataFrame({"name": ["甲村", "乙村"], "district": ["历城区", "章丘区"]}, dtype="string")


def stage_sheet(rows, merged=(), sheet="节点"):
    width = max(len(r) for r in rows)
    padded = [list(r) + [""] * (width - len(r)) for r in rows]
    return read_stage_sheet(RawSheet(sheet, padded, list(merged)), PROJECTS)


def test_a_stage_sheet_reads_one_row_per_project_and_stage():
    rows = [
        ["关键节点计划"],
        ["序号", "项目名称", "节点", "计划完成日期", "实际完成日期"],
        [1, "甲村", "开工", D(2023, 3, 1), D(2023, 3, 15)],  # 3
        ["", "", "主体封顶", D(2024, 6, 30), "2024年8月1日"],  # 4: 甲村 merged down B3:B5
        ["", "", "联合验收", D(2025, 12, 31), ""],  # 5
        [2, "乙村", "Topped out", D(2026, 3, 31), ""],  # 6
        ["", "", "具备交付条件", "", ""],  # 7: no dates, left out
        ["合计", "", "", "", ""],  # 8
    ]
    result = stage_sheet(rows, merged=[((2, 1), (4, 1)), ((2, 0), (4, 0))])
    assert result.issues == [] and result.frame.empty
    dates = result.stage_dates
    assert list(dates["row"]) == [3, 4, 5, 6]
    assert list(dates["name"]) == ["甲村", "甲村", "甲村", "乙村"]
    assert list(dates["district"]) == ["历城区", "历城区", "历城区", "章丘区"]  # from the project table
    assert list(dates["stage_id"]) == ["start", "topped_out", "acceptance", "topped_out"]
    assert dates["planned"].iloc[1] == pd.Timestamp("2024-06-30")
    assert dates["actual"].iloc[1] == pd.Timestamp("2024-08-01")
    assert dates["actual"].iloc[2:].isna().all()
    assert set(dates["sheet"]) == {"节点"}


def test_a_blank_name_continues_the_project_above():
    rows = [["项目名称", "节点", "计划完成日期"], ["甲村", "开工", D(2023, 3, 1)], ["", "主体封顶", D(2024, 6, 30)]]
    assert list(stage_sheet(rows).stage_dates["name"]) == ["甲村", "甲村"]


def test_stage_sheet_problems_are_located():
    rows = [
        ["项目名称", "所属区县", "节点", "计划完成日期", "实际完成日期"],
        ["甲村", "历城区", "主体封顶", "明年", ""],  # 2: bad date
        ["甲村", "历城区", "停工整改", D(2025, 1, 1), ""],  # 3: unknown stage
        ["丁村", "天桥区", "主体封顶", D(2025, 1, 1), ""],  # 4: unknown project
        ["丁村", "天桥区", "联合验收", D(2025, 6, 1), ""],  # 5: same project, reported once
        ["乙村", "", "65%", D(2025, 1, 1), ""],  # 6: a figure is no stage here
    ]
    result = stage_sheet(rows)
    assert [(i.code, i.severity, i.sheet, i.row, i.column, i.value) for i in result.issues] == [
        ("not_a_date", "error", "节点", 2, "计划完成日期", "明年"),
        ("unknown_stage", "warning", "节点", 3, "节点", "停工整改"),
        ("unknown_project", "warning", "节点", 4, "项目名称", "丁村"),
        ("unknown_stage", "warning", "节点", 6, "节点", "65%"),
    ]
    unknown = result.issues[2]
    assert unknown.message("zh") == "项目表中没有项目“丁村”，其节点日期无法对应到项目"
    assert unknown.message("en") == "Project “丁村” is not in the project table, so its stage dates match no project"
    dates = result.stage_dates
    assert list(zip(dates["row"], dates["name"], dates["district"])) == [(4, "丁村", "天桥区"), (5, "丁村", "天桥区")]


def test_a_stage_sheet_row_without_any_name_is_an_error():
    rows = [["项目名称", "节点", "计划完成日期"], ["", "开工", D(2023, 3, 1)], ["甲村", "开工", D(2023, 3, 1)]]
    result = stage_sheet(rows)
    assert [(i.code, i.row, i.column) for i in result.issues] == [("missing_name", 2, "项目名称")]
    assert list(result.stage_dates["row"]) == [3]


def test_a_project_sheet_is_not_read_as_a_stage_sheet():
    assert read_stage_sheet(RawSheet("项目", [HEADER, project(1, "甲村")]), PROJECTS) is None


# --- two columns read as the same field ------------------------------------------------------------------------

# (header row, [(first column, its header, other column, its header, field zh, field en)])
DUPLICATE_HEADERS = [
    (
        ["项目名称", "区县", "安置户数", "总建筑面积", "计划交付日期", "户数"],
        [("C", "安置户数", "F", "户数", "安置户数", "households")],
    ),
    (["项目名称", "项目", "户数"], [("A", "项目名称", "B", "项目", "项目名称", "project")]),
    (["项目名称", "备注", "户数", "备注"], [("B", "备注", "D", "备注", "备注", "notes")]),
    (["项目名称", "区", "县", "户数"], [("B", "区", "C", "县", "所属区县", "district")]),
    (
        ["Project", "Households", "Number of households"],
        [("B", "Households", "C", "Number of households", "安置户数", "households")],
    ),
    (["项目名称", "户数", "进度", "完成比例"], [("C", "进度", "D", "完成比例", "进度", "progress")]),
    (["项目名称", "户数", "形象进度", "当前阶段"], [("C", "形象进度", "D", "当前阶段", "形象进度", "stage")]),
    (
        ["项目名称", "户数", "计划交付日期", "交付期限"],
        [("C", "计划交付日期", "D", "交付期限", "计划交付日期", "deadline")],
    ),
    (
        ["项目名称", "户数", "主体封顶计划", "计划主体封顶"],
        [("C", "主体封顶计划", "D", "计划主体封顶", "主体封顶计划", "Topped out (planned)")],
    ),
    (
        ["项目名称", "户数", "安置户数", "安置总户数"],
        [
            ("B", "户数", "C", "安置户数", "安置户数", "households"),
            ("B", "户数", "D", "安置总户数", "安置户数", "households"),
        ],
    ),
    (["项目名称", "項目名稱", "户数"], [("A", "项目名称", "B", "項目名稱", "项目名称", "project")]),
    (["序号", "项目名称", "编号", "户数"], []),  # two ignored columns are harmless
    (["项目名称", "户数", "主体封顶计划", "主体封顶实际"], []),  # planned and actual are two fields
]


@pytest.mark.parametrize(
    ("header", "expected"), DUPLICATE_HEADERS, ids=lambda v: "|".join(v) if v and isinstance(v[0], str) else ""
)
def test_two_columns_read_as_one_field_are_an_error_naming_both(header, expected):
    row = ["甲村", 100] + [""] * (len(header) - 2)
    if header[0] == "序号":
        row = [1, "甲村", 2, 100]
    result = table([header, row])
    found = [i for i in result.issues if i.code == "duplicate_column"]
    params = [
        (i.params["first_col"], i.params["first"], i.params["col"], i.params["header"], i.params["field_zh"])
        + (i.params["field_en"],)
        for i in found
    ]
    assert sorted(params) == sorted(expected)  # issues come sorted by row and column header
    assert all(
        (i.severity, i.row, i.column, i.col) == ("error", 1, i.params["header"], ord(i.params["col"]) - 65)
        for i in found
    )
    assert list(result.frame["name"]) == ["甲村"]  # the first column is still read


def test_the_duplicate_column_message():
    result = table(
        [["项目名称", "区县", "安置户数", "总建筑面积", "计划交付日期", "户数"], ["甲村", "历城区", 1, 1, DUE, 2]]
    )
    (issue,) = [i for i in result.issues if i.code == "duplicate_column"]
    assert issue.message("zh") == "列 C“安置户数”和列 F“户数”都被识别为“安置户数”，请删除或重命名其中一列"
    assert issue.message("en") == (
        "Columns C “安置户数” and F “户数” are both read as “households”; delete or rename one of them"
    )
    assert list(result.frame["households"]) == [1]


def test_a_stage_sheet_with_two_stage_columns_is_an_error():
    rows = [["项目名称", "节点", "计划完成日期", "阶段"], ["甲村", "开工", D(2023, 3, 1), "封顶"]]
    result = stage_sheet(rows)
    assert [(i.code, i.params["first_col"], i.params["col"], i.params["field_zh"]) for i in result.issues] == [
        ("duplicate_column", "B", "D", "阶段")
    ]


def test_a_duplicate_column_blocks_the_upload(load_rows):
    result = load_rows([["项目名称", "户数", "安置户数"], ["甲村", 1, 2]])
    assert not result.ok and [i.code for i in result.errors] == ["duplicate_column"]


@pytest.mark.parametrize(
    ("cells", "dtype"),
    [
        (["安置房一期", None, "B", ""], "string"),
        ([], "string"),
        ([None, None], "string"),
        (["a", 1.5, None], "string"),  # a cell that is not text: pandas converts it
        (["𠀀\u202e", "x" * 10_000], "string"),
        ([1.5, None, 2.0], "Float64"),
    ],
)
def test_column_array_is_the_array_pandas_builds(cells, dtype):
    """Text handed to Arrow directly makes the same values and dtype as ``pd.Series(cells, dtype=...)``."""
    ours, theirs = column_array(cells, dtype), pd.Series(cells, dtype=dtype).array
    assert ours.dtype == theirs.dtype
    assert pd.Series(ours).equals(pd.Series(theirs))


@pytest.mark.parametrize("swapped", [False, True], ids=["as_shared", "groups_swapped"])
@pytest.mark.parametrize(("seed", "n"), [(1, 2), (2, 3), (3, 40), (4, 120), (5, 300)])
def test_columns_parsed_by_two_processes_read_as_by_one(monkeypatch, seed, n, swapped):
    """From ``SPLIT_ROWS`` data rows a forked helper parses some of the columns: the projects, every issue (in
    the same order) and every column's use are those one process finds, on messy rows with errors and warnings
    in every column (including control characters and an area unit left to guess)."""
    from test_summary import random_rows

    from loaders import table as table_module

    rows = random_rows(seed, n)
    rows[1][1] = "左\u202e右"  # a warning in the name column
    rows[0] = [str(h).replace("（万平方米）", "") for h in rows[0]]  # no unit: guessed, with a warning
    rows.append(["", "合计", "", "", 1, 1] + [""] * (len(rows[0]) - 6))  # checked with the guessed unit
    alone = read_table(RawSheet("项目", [list(r) for r in rows]))
    monkeypatch.setattr(table_module, "SPLIT_ROWS", 1)
    if swapped:  # each column parsed by the other process
        halves = table_module._halves
        monkeypatch.setattr(table_module, "_halves", lambda *args: tuple(reversed(halves(*args))))
    monkeypatch.setattr(table_module, "in_parallel", _counted(table_module.in_parallel))
    monkeypatch.setattr(parallel, "can_fork", lambda: True)  # pytest's own threads (AppTest) do not matter here
    shared = read_table(RawSheet("项目", [list(r) for r in rows]))
    assert _counted.calls == 1
    assert shared is not None and alone is not None
    pd.testing.assert_frame_equal(shared.frame, alone.frame)
    assert [i.as_dict("zh") for i in shared.issues] == [i.as_dict("zh") for i in alone.issues]
    assert {i.code for i in alone.issues} >= {"control_chars", "area_unit_guessed", "total_mismatch"}
    assert shared.columns == alone.columns


def _counted(func):
    _counted.calls = 0

    def counting(*args, **kwargs):
        _counted.calls += 1
        return func(*args, **kwargs)

    return counting
