"""Every column accounted for: two-row headers, columns read as / not used, warnings for unused data, an
explicit mapping, the new optional fields and their units (``loaders.table``, ``LoadResult.columns``)."""

from __future__ import annotations

import datetime as dt

import pytest

from housing.summary import columns_table, optional_fields, summarize

D = dt.date


def _fields(result) -> dict[str, str | None]:
    return {c.letter: c.field for c in result.columns}


def _codes(result) -> list[tuple[str, str]]:
    return [(i.code, i.params.get("col", "")) for i in result.issues]


def test_group_header_over_planned_actual_gap_and_units_in_a_second_row(load_rows):
    result = load_rows(
        [
            ["项目名称", "所属区县", "交付时间", None, None, "投资（万元）", None, "总建筑面积"],
            [None, None, "计划", "完成", "差额", "计划", "完成", "万平方米"],
            ["甲", "章丘区", D(2025, 6, 30), D(2025, 6, 20), -10, 5000, 3000, 2.5],
            ["乙", "章丘区", D(2026, 6, 30), None, None, 8000, 1000, 1.25],
        ],
        merges=["A1:A2", "B1:B2", "C1:E1", "F1:G1"],
    )
    assert result.ok, [i.message() for i in result.issues]
    assert _fields(result) == {
        "A": "name",
        "B": "district",
        "C": "deadline",
        "D": "handed_over",
        "E": None,  # 差额: not used, and no warning for it
        "F": "investment_planned",
        "G": "investment_done",
        "H": "floor_area",
    }
    assert [c.header for c in result.columns][2:5] == ["交付时间 计划", "交付时间 完成", "交付时间 差额"]
    first = result.projects.iloc[0]
    assert first["deadline"] == dt.datetime(2025, 6, 30) and first["handed_over"] == dt.datetime(2025, 6, 20)
    assert first["investment_planned"] == 5000 * 10_000 and first["investment_done"] == 3000 * 10_000
    assert list(result.projects["floor_area_m2"]) == [25_000, 12_500]
    assert result.issues == []


def test_english_group_header_over_planned_actual_gap(load_rows):
    result = load_rows(
        [
            ["Project", "Handover", None, None],
            [None, "Planned", "Actual", "Gap"],
            ["A", D(2025, 6, 30), D(2025, 7, 2), 2],
        ],
        merges=["A1:A2", "B1:D1"],
    )
    assert _fields(result) == {"A": "name", "B": "deadline", "C": "handed_over", "D": None}
    assert result.issues == []


def test_unused_columns_holding_dates_or_numbers_are_warnings_naming_them(load_rows):
    result = load_rows(
        [
            ["项目名称", "安置户数", "完工日期", "已交付户数", "联系人"],
            ["甲", 10, D(2025, 1, 5), 4, "张三"],
            ["乙", 20, D(2025, 2, 5), 8, "李四"],
        ]
    )
    assert _fields(result) == {"A": "name", "B": "households", "C": None, "D": None, "E": None}
    warnings = {i.params["col"]: i for i in result.issues if i.code == "unused_data_column"}
    assert set(warnings) == {"C", "D"}  # the names in E are no figure anyone loses
    assert warnings["C"].message("zh") == "列 C“完工日期”看起来是日期数据，但没有对应到任何字段，未被使用"
    assert (
        warnings["D"].message("en")
        == "Column D “已交付户数” looks like numbers but matches no field, so it was not used"
    )
    assert result.ok  # warnings only


def test_an_ambiguous_header_is_reported_with_its_candidates_not_guessed(load_rows):
    result = load_rows([["项目名称", "计划交付日期", "户数（套数）"], ["甲", D(2026, 1, 1), 12]])
    assert _fields(result) == {"A": "name", "B": "deadline", "C": None}
    (issue,) = [i for i in result.issues if i.code == "ambiguous_header"]
    assert issue.params["candidates"] == "households、flats" and "C" in issue.message("zh")
    assert "unused_data_column" not in {i.code for i in result.issues}  # one warning per column


def test_an_explicit_mapping_decides_before_automatic_matching(load_rows):
    rows = [["项目名称", "完工日期", "备注"], ["甲", D(2025, 1, 5), "note"]]
    result = load_rows(rows, overrides={"mapping": {"完工日期": "handed_over", "备注": None}})
    assert _fields(result) == {"A": "name", "B": "handed_over", "C": None}
    assert result.projects.loc[0, "handed_over"] == dt.datetime(2025, 1, 5)
    assert result.projects["notes"].isna().all()
    assert result.issues == []  # a column the user set to "not used" is no surprise


@pytest.mark.parametrize(
    ("header", "value", "stored"),
    [
        ("完成投资（亿元）", 1.2, 1.2e8),
        ("完成投资（万元）", 350, 3.5e6),
        ("Investment completed (yuan)", 125_000, 125_000),
        ("完成投资", 350, 3.5e6),  # no unit: 万元, with a warning
    ],
)
def test_investment_is_stored_in_yuan(load_rows, header, value, stored):
    result = load_rows([["项目名称", header], ["甲", value]])
    assert result.projects.loc[0, "investment_done"] == stored
    guessed = [i for i in result.issues if i.code == "money_unit_guessed"]
    assert bool(guessed) == ("（" not in header and "(" not in header)


def test_new_fields_are_read_and_completion_dates_are_the_acceptance_stage(load_rows):
    result = load_rows(
        [
            ["项目名称", "安置房套数（套）", "计划竣工时间", "实际竣工时间", "责任领导", "计划交付日期"],
            ["甲", 320, D(2025, 3, 31), D(2025, 4, 10), "王五", D(2025, 6, 30)],
        ]
    )
    assert result.ok
    row = result.projects.iloc[0]
    assert (row["flats"], row["leader"]) == (320, "王五")
    assert row["completion_planned"] == dt.datetime(2025, 3, 31)
    stage = result.stage_dates.set_index("stage_id").loc["acceptance"]
    assert (stage["planned"], stage["actual"]) == (dt.datetime(2025, 3, 31), dt.datetime(2025, 4, 10))
    assert optional_fields(row, "zh") == [
        ("安置房套数", "320"),
        ("计划竣工日期", "2025年3月31日"),
        ("实际竣工日期", "2025年4月10日"),
        ("责任领导", "王五"),
    ]


def test_summary_json_lists_columns_and_the_investment_rate(load_rows):
    result = load_rows(
        [
            ["项目名称", "计划投资（万元）", "完成投资（万元）", "完工日期", "计划交付日期"],
            ["甲", 1000, 250, D(2025, 1, 1), D(2026, 1, 1)],
            ["乙", 3000, 1750, D(2025, 1, 1), D(2026, 1, 1)],
            ["丙", None, 999, D(2025, 1, 1), D(2026, 1, 1)],  # no plan: not part of the rate
        ]
    )
    summary = summarize(result, D(2025, 6, 1), "zh")
    assert summary["columns"] == [
        {"header": "项目名称", "field": "name"},
        {"header": "计划投资（万元）", "field": "investment_planned"},
        {"header": "完成投资（万元）", "field": "investment_done"},
        {"header": "完工日期", "field": None},
        {"header": "计划交付日期", "field": "deadline"},
    ]
    assert summary["investment_rate"] == 50.0
    table = columns_table(result.columns, "zh")
    assert list(table.columns) == ["工作表", "列", "列名", "读作"]
    assert list(table["读作"]) == ["项目名称", "计划投资（万元）", "完成投资（万元）", "未使用", "计划交付日期"]


def test_without_investment_there_is_no_rate(load_rows):
    result = load_rows([["项目名称", "计划交付日期"], ["甲", D(2026, 1, 1)]])
    assert summarize(result, D(2025, 6, 1), "en")["investment_rate"] is None
