"""Header names to canonical columns, and area units: ``loaders.schema``."""

from __future__ import annotations

import pytest

from loaders.schema import (
    AREA,
    COLUMNS,
    COUNT,
    DATE,
    FIELDS,
    IGNORE,
    PERCENT,
    TEXT,
    area_factor,
    match_header,
    split_header,
)


@pytest.mark.parametrize(
    ("header", "field", "unit"),
    [
        # name
        ("项目名称", "name", ""),
        ("项目", "name", ""),
        ("项目名", "name", ""),
        ("安置房项目", "name", ""),
        ("Project", "name", ""),
        ("Project Name", "name", ""),
        ("PROJECT NAME", "name", ""),
        ("项目\n名称", "name", ""),  # a line break inside the header cell
        ("项 目 名 称", "name", ""),
        (" 项目名称： ", "name", ""),
        ("项目名称*", "name", ""),
        # district
        ("所属区县", "district", ""),
        ("区县", "district", ""),
        ("区", "district", ""),
        ("区（县）", "district", "县"),
        ("District", "district", ""),
        ("County", "district", ""),
        # street / town
        ("街道", "street", ""),
        ("镇", "street", ""),
        ("片区", "street", ""),
        ("街道（镇）", "street", "镇"),  # the bracket is read as a unit; harmless here
        ("街道(镇)", "street", "镇"),
        ("镇街", "street", ""),
        ("Subdistrict", "street", ""),
        ("Town", "street", ""),
        # households
        ("安置户数", "households", ""),
        ("户数", "households", ""),
        ("安置户数（户）", "households", "户"),
        ("安置户数(户)", "households", "户"),
        ("Households", "households", ""),
        # floor area, unit read from either kind of bracket
        ("总建筑面积", "floor_area", ""),
        ("建筑面积", "floor_area", ""),
        ("总建筑面积（万平方米）", "floor_area", "万平方米"),
        ("总建筑面积(万平方米)", "floor_area", "万平方米"),
        ("总建筑面积（万㎡）", "floor_area", "万m2"),
        ("建筑面积（㎡）", "floor_area", "m2"),
        ("建筑面积(m²)", "floor_area", "m2"),
        ("建筑面积[平方米]", "floor_area", "平方米"),
        ("Floor area (10,000 m²)", "floor_area", "10,000m2"),
        ("Gross floor area (sqm)", "floor_area", "sqm"),
        # dates
        ("开工日期", "start", ""),
        ("开工时间", "start", ""),
        ("Start date", "start", ""),
        ("计划交付日期", "deadline", ""),
        ("交付期限", "deadline", ""),
        ("具备交付条件时间", "deadline", ""),
        ("Deadline", "deadline", ""),
        ("实际交付日期", "handed_over", ""),
        ("交房日期", "handed_over", ""),
        ("Handover date", "handed_over", ""),
        # stage, progress, unit, notes
        ("形象进度", "stage", ""),
        ("当前阶段", "stage", ""),
        ("Stage", "stage", ""),
        ("进度", "progress", ""),
        ("完成比例", "progress", ""),
        ("进度(%)", "progress", "%"),
        ("进度（%）", "progress", "%"),
        ("Progress (%)", "progress", "%"),
        ("责任单位", "unit", ""),
        ("Responsible unit", "unit", ""),
        ("备注", "notes", ""),
        ("Notes", "notes", ""),
        ("Remarks", "notes", ""),
        # the row-number column, recognised so it can be ignored
        ("序号", "seq", ""),
        ("No.", "seq", ""),
    ],
)
def test_match_header(header, field, unit):
    column, found_unit = match_header(header)
    assert column is not None, header
    assert (column.field, found_unit) == (field, unit)


@pytest.mark.parametrize(
    "header",
    [
        None,
        "",
        "   ",
        12,
        3.5,
        "安置房项目交付计划表",  # a title, not a header
        "章丘区2021年安置房项目交付计划表",
        "项目经理",
        "合计",
        "说明",
        "填报单位：章丘区房屋征收服务中心",
        "住宅面积",
    ],
)
def test_match_header_unknown(header):
    assert match_header(header) == (None, "")


@pytest.mark.parametrize(
    ("field", "kind"),
    [
        ("seq", IGNORE),
        ("name", TEXT),
        ("district", TEXT),
        ("street", TEXT),
        ("households", COUNT),
        ("floor_area", AREA),
        ("start", DATE),
        ("deadline", DATE),
        ("handed_over", DATE),
        ("stage", TEXT),
        ("progress", PERCENT),
        ("unit", TEXT),
        ("notes", TEXT),
    ],
)
def test_column_kinds(field, kind):
    assert {c.field: c.kind for c in COLUMNS}[field] == kind


def test_fields_are_the_canonical_columns_in_order():
    assert FIELDS == [
        "name",
        "district",
        "street",
        "households",
        "floor_area",
        "start",
        "deadline",
        "handed_over",
        "stage",
        "progress",
        "unit",
        "notes",
        "flats",
        "investment_planned",
        "investment_done",
        "completion_planned",
        "completion_actual",
        "leader",
    ]


def test_no_alias_names_two_columns():
    aliases = [a.replace(" ", "") for c in COLUMNS for a in c.aliases]
    assert len(aliases) == len(set(aliases))


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("总建筑面积（万平方米）", ("总建筑面积", "万平方米")),
        ("安置户数（户）", ("安置户数", "户")),
        ("Floor area (10,000 m²)", ("floorarea", "10,000m2")),
        ("项目\r\n名称", ("项目名称", "")),
        ("计划交付日期", ("计划交付日期", "")),
    ],
)
def test_split_header(header, expected):
    assert split_header(header) == expected


@pytest.mark.parametrize(
    ("unit", "factor"),
    [
        ("万平方米", 10_000.0),
        ("万㎡", 10_000.0),
        ("万m2", 10_000.0),
        ("万平米", 10_000.0),
        ("10,000m2", 10_000.0),
        ("10000m2", 10_000.0),
        ("平方米", 1.0),
        ("平米", 1.0),
        ("m2", 1.0),
        ("m²", 1.0),
        ("sqm", 1.0),
        ("", None),
        ("户", None),
        ("%", None),
    ],
)
def test_area_factor(unit, factor):
    assert area_factor(unit) == factor


@pytest.mark.parametrize(
    ("header", "factor"),
    [
        ("总建筑面积（万平方米）", 10_000.0),
        ("总建筑面积(万平方米)", 10_000.0),
        ("总建筑面积（万㎡）", 10_000.0),
        ("建筑面积（万m²）", 10_000.0),
        ("Floor area (10,000 m²)", 10_000.0),
        ("总建筑面积（平方米）", 1.0),
        ("建筑面积（㎡）", 1.0),
        ("建筑面积(m²)", 1.0),
        ("Floor area (m2)", 1.0),
        ("Gross floor area (sqm)", 1.0),
        ("建筑面积", None),  # no unit: guessed from the values, with a warning
        ("Floor area", None),
    ],
)
def test_area_factor_from_the_header_as_written(header, factor):
    column, unit = match_header(header)
    assert column.field == "floor_area"
    assert area_factor(unit) == factor
