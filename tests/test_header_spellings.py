"""Real header spellings of government forms and English reports, read by their words: ``loaders.schema``.

Each case is (spelling, the field it names, the factor from its unit to the stored unit or None). Areas are
stored in m², amounts in yuan; for other fields the factor is None. Collected from district resettlement
ledgers (安置房建设台账, 征收安置统计表, 回迁安置进度表), provincial weekly returns and English reports.
"""

from __future__ import annotations

import pytest

from housing.register import AREA, MONEY
from loaders.schema import match_words, unit_factor

SPELLINGS: list[tuple[str, str, float | None]] = [
    # --- project name
    ("项目名称", "name", None),
    ("安置房项目名称", "name", None),
    ("安置项目名称", "name", None),
    ("项目名称（全称）", "name", None),
    ("小区名称", "name", None),
    ("安置小区", "name", None),
    ("安置区名称", "name", None),
    ("项目", "name", None),
    ("Project", "name", None),
    ("Project name", "name", None),
    ("Estate", "name", None),
    ("Scheme", "name", None),
    # --- district
    ("所属区县", "district", None),
    ("区县", "district", None),
    ("县（市、区）", "district", None),
    ("县(市区)", "district", None),
    ("县区", "district", None),
    ("所属区", "district", None),
    ("区（县）", "district", None),
    ("District", "district", None),
    ("County", "district", None),
    ("District / County", "district", None),
    # --- street / town
    ("街道", "street", None),
    ("乡镇", "street", None),
    ("乡镇（街道）", "street", None),
    ("镇（街道）", "street", None),
    ("所属街道", "street", None),
    ("所属镇街", "street", None),
    ("镇街", "street", None),
    ("Subdistrict", "street", None),
    ("Township", "street", None),
    # --- households
    ("安置户数", "households", None),
    ("安置户数（户）", "households", None),
    ("拆迁户数(户)", "households", None),
    ("征收户数", "households", None),
    ("被征收户数（户）", "households", None),
    ("回迁户数", "households", None),
    ("安置总户数", "households", None),
    ("需安置户数", "households", None),
    ("涉及户数", "households", None),
    ("户数（户）", "households", None),
    ("Households", "households", None),
    ("Number of households", "households", None),
    ("No. of households", "households", None),
    ("Households to resettle", "households", None),
    ("Families", "households", None),
    # --- flats
    ("安置房套数（套）", "flats", None),
    ("安置房套数", "flats", None),
    ("套数", "flats", None),
    ("总套数（套）", "flats", None),
    ("房源套数", "flats", None),
    ("建设套数", "flats", None),
    ("住房套数（套）", "flats", None),
    ("Flats", "flats", None),
    ("Number of flats", "flats", None),
    ("Units", "flats", None),
    ("Dwellings", "flats", None),
    ("Apartments", "flats", None),
    # --- floor area, with its unit
    ("总建筑面积（万平方米）", "floor_area", 10_000.0),
    ("总建筑面积(万平方米)", "floor_area", 10_000.0),
    ("建筑面积(㎡)", "floor_area", 1.0),
    ("建筑面积（平方米）", "floor_area", 1.0),
    ("建筑面积（万㎡）", "floor_area", 10_000.0),
    ("建设规模（万平方米）", None, None),  # 规模 alone says no field: scale of what?
    ("安置房建筑面积（万平方米）", "floor_area", 10_000.0),
    ("总建筑面积（平米）", "floor_area", 1.0),
    ("面积（万平米）", "floor_area", 10_000.0),
    ("建筑面积", "floor_area", None),
    ("Floor area (10,000 m²)", "floor_area", 10_000.0),
    ("Gross floor area (sqm)", "floor_area", 1.0),
    ("Floor area (m²)", "floor_area", 1.0),
    ("GFA (m2)", "floor_area", 1.0),
    ("Total floor area", "floor_area", None),
    ("占地面积（亩）", None, None),  # land, not floor area
    ("用地面积（平方米）", None, None),
    ("住宅面积", None, None),
    # --- start
    ("开工日期", "start", None),
    ("开工时间", "start", None),
    ("实际开工时间", "start", None),
    ("实际开工日期", "start", None),
    ("开工时间（实际）", "start", None),
    ("项目开工时间", "start", None),
    ("Start date", "start", None),
    ("Construction start", "start", None),
    ("Date commenced", "start", None),
    # --- deadline: planned handover
    ("计划交付日期", "deadline", None),
    ("计划交付时间", "deadline", None),
    ("交付期限", "deadline", None),
    ("具备交付条件时间", "deadline", None),
    ("计划具备交付条件时间", "deadline", None),
    ("预计交付时间", "deadline", None),
    ("预计交房时间", "deadline", None),
    ("计划交房时间", "deadline", None),
    ("交房时间（计划）", "deadline", None),
    ("交付时间（计划）", "deadline", None),
    ("要求交付时间", "deadline", None),
    ("交付时限", "deadline", None),
    ("计划回迁时间", "deadline", None),
    ("目标交付时间", "deadline", None),
    ("最迟交付时间", "deadline", None),
    ("Deadline", "deadline", None),
    ("Planned handover", "deadline", None),
    ("Planned handover date", "deadline", None),
    ("Handover due", "deadline", None),
    ("Due date", "deadline", None),
    ("Target delivery date", "deadline", None),
    ("Scheduled handover", "deadline", None),
    # --- handed over: actual handover
    ("实际交付日期", "handed_over", None),
    ("实际交付时间", "handed_over", None),
    ("实际交房日期", "handed_over", None),
    ("交房日期", "handed_over", None),
    ("交房时间（实际）", "handed_over", None),
    ("交付日期", "handed_over", None),
    ("交付时间", "handed_over", None),
    ("已交付时间", "handed_over", None),
    ("交钥匙时间", "handed_over", None),
    ("实际回迁时间", "handed_over", None),
    ("交房日期(实际)", "handed_over", None),
    ("Handover date", "handed_over", None),
    ("Handed over", "handed_over", None),
    ("Date handed over", "handed_over", None),
    ("Actual handover", "handed_over", None),
    ("Delivered", "handed_over", None),
    ("Delivery date", "handed_over", None),
    ("Completed on", "handed_over", None),
    # --- completion (竣工), planned and actual
    ("计划竣工时间", "completion_planned", None),
    ("计划竣工日期", "completion_planned", None),
    ("预计竣工时间", "completion_planned", None),
    ("竣工时间（计划）", "completion_planned", None),
    ("计划竣工", "completion_planned", None),
    ("Planned completion", "completion_planned", None),
    ("Completion due", "completion_planned", None),
    ("实际竣工时间", "completion_actual", None),
    ("实际竣工日期", "completion_actual", None),
    ("竣工日期", "completion_actual", None),
    ("竣工时间", "completion_actual", None),
    ("竣工时间（实际）", "completion_actual", None),
    ("Actual completion", "completion_actual", None),
    ("Completion date", "completion_actual", None),
    ("竣工验收时间", None, None),  # the acceptance stage's date, not the completion field
    # --- stage
    ("形象进度", "stage", None),
    ("工程形象进度", "stage", None),
    ("当前阶段", "stage", None),
    ("工程进度", "stage", None),
    ("目前进度", "stage", None),
    ("建设进展", "stage", None),
    ("项目进展情况", "stage", None),
    ("Stage", "stage", None),
    ("Current stage", "stage", None),
    # --- progress
    ("完成进度（%）", "progress", None),
    ("完成比例", "progress", None),
    ("完成率", "progress", None),
    ("进度（%）", "progress", None),
    ("工程完成比例(%)", "progress", None),
    ("Progress", "progress", None),
    ("Progress (%)", "progress", None),
    ("Percent complete", "progress", None),
    # --- investment, planned and completed, with 万元 / 亿元
    ("总投资（万元）", "investment_planned", 10_000.0),
    ("计划投资（万元）", "investment_planned", 10_000.0),
    ("计划总投资(亿元)", "investment_planned", 1e8),
    ("项目总投资（亿元）", "investment_planned", 1e8),
    ("概算投资（万元）", "investment_planned", 10_000.0),
    ("投资（万元）", "investment_planned", 10_000.0),
    ("估算总投资（万元）", "investment_planned", 10_000.0),
    ("Investment (10,000 yuan)", "investment_planned", 10_000.0),
    ("Planned investment (yuan)", "investment_planned", 1.0),
    ("Budget (million yuan)", "investment_planned", 1e6),
    ("完成投资（亿元）", "investment_done", 1e8),
    ("完成投资（万元）", "investment_done", 10_000.0),
    ("累计完成投资（万元）", "investment_done", 10_000.0),
    ("累计完成投资(亿元)", "investment_done", 1e8),
    ("已完成投资", "investment_done", None),
    ("实际完成投资（万元）", "investment_done", 10_000.0),
    ("累计投资（万元）", "investment_done", 10_000.0),
    ("Investment completed (10,000 yuan)", "investment_done", 10_000.0),
    ("Invested to date (yuan)", "investment_done", 1.0),
    ("Actual investment", "investment_done", None),
    ("投资完成率", None, None),  # a share, not an amount
    ("年度计划投资（万元）", None, None),  # this year's share, not the project's total
    ("本年完成投资（万元）", None, None),
    # --- responsible unit and leader
    ("责任单位", "unit", None),
    ("责任部门", "unit", None),
    ("实施单位", "unit", None),
    ("建设单位", "unit", None),
    ("牵头单位", "unit", None),
    ("主责单位", "unit", None),
    ("Responsible unit", "unit", None),
    ("Responsible agency", "unit", None),
    ("责任领导", "leader", None),
    ("包保领导", "leader", None),
    ("分管领导", "leader", None),
    ("牵头领导", "leader", None),
    ("责任人", "leader", None),
    ("项目负责人", "leader", None),
    ("县级责任领导", "leader", None),
    ("Leader", "leader", None),
    ("Responsible leader", "leader", None),
    ("Official in charge", "leader", None),
    # --- notes and row numbers
    ("备注", "notes", None),
    ("Remarks", "notes", None),
    ("Notes", "notes", None),
    ("序号", "seq", None),
    ("No.", "seq", None),
    # --- headers naming no field: read as "not used", never guessed
    ("已交付户数", None, None),
    ("待交付户数", None, None),
    ("联系电话", None, None),
    ("填报单位：章丘区住建局", None, None),
    ("安置房项目交付计划表", None, None),
]


def test_at_least_150_spellings():
    assert len(SPELLINGS) >= 150
    assert len({s for s, _, _ in SPELLINGS}) == len(SPELLINGS)  # no spelling listed twice


@pytest.mark.parametrize(("spelling", "field", "factor"), SPELLINGS)
def test_spelling_reads_as_its_field_and_unit(spelling, field, factor):
    found = match_words(spelling)
    assert (found.column.field if found.column else None) == field
    assert not found.candidates
    if field in ("floor_area", "investment_planned", "investment_done"):
        kind = AREA if field == "floor_area" else MONEY
        assert unit_factor(kind, found.unit) == factor


@pytest.mark.parametrize(
    ("spelling", "candidates"),
    [
        ("户数/面积", ("households", "floor_area")),  # two figures in one header
        ("户数（套数）", ("households", "flats")),  # households or flats: the qualifier contradicts
    ],
)
def test_ambiguous_headers_name_the_candidates(spelling, candidates):
    found = match_words(spelling)
    assert found.column is None and set(found.candidates) == set(candidates)


@pytest.mark.parametrize("spelling", ["差额", "差额（万元）", "Gap", "偏差（天）"])
def test_gap_columns_are_not_used(spelling):
    found = match_words(spelling)
    assert found.column is None and found.gap
