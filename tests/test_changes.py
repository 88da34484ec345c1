"""What changed between two versions of the project table: ``housing.changes``."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from housing.changes import (
    CHANGED_COLUMNS,
    FIELD_LABELS,
    KEY_SEP,
    Totals,
    change_line,
    changed_rows_table,
    changes_table,
    diff_projects,
    largest_first,
    project_key,
    totals_table,
)
from housing.i18n import CATALOGUE, LANGS
from loaders.table import project_frame

D = dt.date
T = pd.Timestamp
PARSED = ["name", "district", "street", "households", "floor_area", "start", "deadline", "handed_over"]
PARSED += ["stage", "progress", "unit", "notes"]


def frame(*projects: dict) -> pd.DataFrame:
    """The loader's project table (its real dtypes) from dicts of parsed values; district 章丘区 unless given."""
    rows = [{"district": "章丘区", **p} for p in projects]
    parsed = {k: [r.get(k) for r in rows] for k in PARSED}
    return project_frame("项目", list(range(3, 3 + len(rows))), parsed)


def key(district: str, name: str, occurrence: int = 1) -> str:
    return district + KEY_SEP + name + (f"{KEY_SEP}{occurrence}" if occurrence > 1 else "")


def listed(changes) -> list[tuple]:
    """The change list as (name, field, old, new, kind, delta) with NA as None."""
    c = changes.changed
    return [
        (n, f, o, w, k, None if pd.isna(d) else d)
        for n, f, o, w, k, d in zip(c["name"], c["field"], c["old"], c["new"], c["kind"], c["delta"])
    ]


# --- project_key ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("a", "b"),
    [
        (("章丘区", "西琅沟"), (" 章丘区 ", "西琅沟\n")),
        (("章丘区", "老四中周边ABC"), ("章丘区", "老四中周边ＡＢＣ")),  # full-width letters
        (("章丘区", "老四中周边ABC"), ("章丘区", "老四中周边abc")),  # Latin case
        (("历城区", "A 区 二期"), ("历城区", "a　区  二期")),  # ideographic space, doubled space
        (("历城区", "１号地块"), ("历城区", "1号地块")),  # full-width digits
        ((None, "白泉"), ("", "白泉")),  # no district either way
    ],
)
def test_project_key_same_project(a, b):
    keys = project_key(frame({"district": a[0], "name": a[1]}, {"district": b[0], "name": b[1]}))
    assert keys.tolist() == [keys[0], keys[0] + KEY_SEP + "2"]  # inside one version: the 2nd occurrence


@pytest.mark.parametrize(
    ("a", "b"),
    [
        (("章丘区", "西琅沟"), ("历城区", "西琅沟")),  # same name, other district
        (("章丘区", "白泉"), ("章丘区", "白泉二期")),
        (("章丘区", "白泉 一期"), ("章丘区", "白泉一期")),  # inner space kept (collapsed, not removed)
    ],
)
def test_project_key_different_projects(a, b):
    keys = project_key(frame({"district": a[0], "name": a[1]}, {"district": b[0], "name": b[1]}))
    assert keys[0] != keys[1] and KEY_SEP not in keys[0].split(KEY_SEP, 1)[1]


def test_project_key_numbers_repeats_and_stays_unique():
    projects = frame(
        {"name": "月官"},
        {"name": "月官"},
        {"name": "长青"},
        {"name": "月官 "},
        {"name": "月官\x1f2"},  # a name holding the separator cannot pose as an occurrence
        {"name": "月官", "district": "历城区"},
    )
    keys = project_key(projects)
    assert str(keys.dtype) == "string"
    assert keys.tolist() == [
        key("章丘区", "月官"),
        key("章丘区", "月官", 2),
        key("章丘区", "长青"),
        key("章丘区", "月官", 3),
        key("章丘区", "月官 2"),
        key("历城区", "月官"),
    ]
    assert keys.is_unique


# --- each kind of change -------------------------------------------------------------------------------------

BASE = {"name": "西琅沟", "households": 656, "floor_area": 212_600.0, "deadline": D(2021, 3, 31)}


@pytest.mark.parametrize(
    ("field", "parsed", "old", "new", "kind", "delta"),
    [
        ("deadline", "deadline", D(2021, 3, 31), D(2021, 4, 30), "deadline_slip", 30),
        ("deadline", "deadline", D(2021, 3, 31), D(2021, 3, 1), "deadline_earlier", -30),
        ("deadline", "deadline", None, D(2021, 3, 31), "field", None),
        ("deadline", "deadline", D(2021, 3, 31), None, "field", None),
        ("households", "households", 656, 700, "households", 44),
        ("households", "households", 656, 600, "households", -56),
        ("households", "households", None, 656, "households", None),
        ("households", "households", 656, None, "households", None),
        ("handed_over", "handed_over", None, D(2021, 5, 1), "handed_over", None),
        ("handed_over", "handed_over", D(2021, 5, 1), D(2021, 5, 8), "field", None),
        ("handed_over", "handed_over", D(2021, 5, 1), None, "field", None),
        ("street", "street", "明水街道", "双山街道", "field", None),
        ("floor_area_m2", "floor_area", 212_600.0, 212_700.0, "field", 100.0),
        ("floor_area_m2", "floor_area", 212_600.0, None, "field", None),
        ("start", "start", D(2019, 5, 1), D(2019, 6, 1), "field", None),
        ("stage", "stage", "主体封顶", "配套工程", "field", None),
        ("progress", "progress", 80.0, 85.5, "field", 5.5),
        ("progress", "progress", None, 10.0, "field", None),
        ("unit", "unit", "区房屋征收服务中心", "明水街道办事处", "field", None),
        ("notes", "notes", None, "电力户表提前5天安装完成", "field", None),
        ("notes", "notes", "已封顶", None, "field", None),
    ],
)
def test_each_kind_of_change(field, parsed, old, new, kind, delta):
    changes = diff_projects(frame({**BASE, parsed: old}), frame({**BASE, parsed: new}))
    expected_old = None if old is None else (T(old) if isinstance(old, D) else old)
    expected_new = None if new is None else (T(new) if isinstance(new, D) else new)
    assert listed(changes) == [("西琅沟", field, expected_old, expected_new, kind, delta)]
    assert changes.changed_projects == 1 and not changes.empty
    assert changes.added.empty and changes.removed.empty


@pytest.mark.parametrize(
    ("parsed", "old", "new"),
    [
        *[(p, None, None) for p in PARSED[2:]],  # NA → NA is no change, for every compared field
        ("floor_area", 212_600.0, 212_600.004),  # within 0.005 m²
        ("progress", 80.0, 80.04),  # within 0.05 points
        ("progress", 80.0, 79.96),
        ("deadline", dt.datetime(2021, 3, 31, 0, 0), dt.datetime(2021, 3, 31, 17, 30)),  # same day
        ("households", 656, 656.0),
        ("sheet", "项目", "项目台账"),  # where a row sits is not compared …
        ("row", 4, 40),
    ],
)
def test_no_change(parsed, old, new):
    before, after = frame({**BASE, parsed: old}), frame({**BASE, parsed: new})
    if parsed in ("sheet", "row"):  # … so move the row to another sheet and line
        before[parsed], after[parsed] = old, new
    changes = diff_projects(before, after)
    assert changes.empty and listed(changes) == [] and changes.changed_projects == 0


@pytest.mark.parametrize(
    ("parsed", "old", "new", "delta"),
    [
        ("floor_area", 212_600.0, 212_600.01, 0.01),  # beyond 0.005 m²
        ("progress", 80.0, 80.1, 0.1),  # beyond 0.05 points
        ("deadline", D(2021, 3, 31), D(2021, 4, 1), 1),  # one day
    ],
)
def test_just_beyond_tolerance(parsed, old, new, delta):
    changes = diff_projects(frame({**BASE, parsed: old}), frame({**BASE, parsed: new}))
    assert changes.changed["delta"].tolist() == [pytest.approx(delta)]


# --- matching projects ---------------------------------------------------------------------------------------


def test_renamed_district_is_removed_plus_added():
    old = frame({**BASE, "district": "章丘区"}, {"name": "月官"})
    new = frame({**BASE, "district": "章丘市"}, {"name": "月官"})
    changes = diff_projects(old, new)
    assert changes.removed[["name", "district"]].values.tolist() == [["西琅沟", "章丘区"]]
    assert changes.added[["name", "district"]].values.tolist() == [["西琅沟", "章丘市"]]
    assert changes.changed.empty and changes.changed_projects == 0 and not changes.empty


def test_spelling_of_the_key_is_not_a_change_and_the_new_spelling_is_shown():
    old = frame({**BASE, "name": "老四中周边ＡＢＣ", "district": " 章丘区"})
    new = frame({**BASE, "name": "老四中周边abc", "district": "章丘区", "households": 700})
    changes = diff_projects(old, new)
    assert changes.added.empty and changes.removed.empty
    assert changes.changed[["name", "district", "field"]].values.tolist() == [["老四中周边abc", "章丘区", "households"]]


def test_repeated_names_match_by_occurrence():
    old = frame({**BASE, "households": 100}, {**BASE, "households": 200})
    new = frame({**BASE, "households": 100}, {**BASE, "households": 250}, {**BASE, "households": 300})
    changes = diff_projects(old, new)
    assert changes.changed[["key", "delta"]].values.tolist() == [[key("章丘区", "西琅沟", 2), 50]]
    assert changes.added["households"].tolist() == [300] and changes.removed.empty


def test_row_order_does_not_matter():
    projects = [{**BASE, "name": name} for name in ("西琅沟", "月官", "长青")]
    changes = diff_projects(frame(*projects), frame(*projects[::-1]))
    assert changes.empty


def test_added_and_removed_keep_their_rows_and_dtypes():
    old = frame({**BASE}, {"name": "月官", "households": 803})
    new = frame({**BASE}, {"name": "长青", "households": 161, "deadline": D(2021, 6, 30)})
    changes = diff_projects(old, new)
    assert changes.added["name"].tolist() == ["长青"] and changes.removed["name"].tolist() == ["月官"]
    assert changes.added.dtypes.equals(new.dtypes) and changes.removed.dtypes.equals(old.dtypes)
    assert list(changes.added.index) == [0]


def test_missing_and_extra_columns_are_tolerated():
    old = frame({**BASE, "notes": "旧备注", "stage": "主体施工"})
    new = frame({**BASE, "notes": "新备注", "stage": "主体封顶", "households": 700})
    new = new.drop(columns=["notes"]).assign(stage_id="topped_out", extra=1)
    old = old.drop(columns=["stage_id"], errors="ignore")
    changes = diff_projects(old, new)  # notes is in one version only: not compared; stage_id, extra ignored
    assert changes.changed["field"].tolist() == ["households", "stage"]


def test_empty_versions():
    empty = frame()
    changes = diff_projects(empty, empty)
    assert changes.empty and changes.changed_projects == 0
    assert list(changes.changed.columns) == CHANGED_COLUMNS
    assert changes.totals_before == changes.totals_after == Totals(0, 0, 0.0, 0)
    everything_new = diff_projects(empty, frame(BASE))
    assert len(everything_new.added) == 1 and not everything_new.empty
    assert len(changes_table(changes, "zh")) == 0


# --- ordering ------------------------------------------------------------------------------------------------


def test_slips_first_then_households_then_handovers_then_the_rest():
    due = D(2021, 6, 30)
    old = frame(
        {"name": "A", "deadline": due, "households": 100, "stage": "主体施工"},
        {"name": "B", "deadline": due, "households": 100},
        {"name": "C", "deadline": due, "households": 100, "handed_over": None},
        {"name": "D", "deadline": due, "households": None},
        {"name": "E", "deadline": due, "progress": 10.0},
    )
    new = frame(
        {"name": "A", "deadline": D(2021, 7, 10), "households": 95, "stage": "主体封顶"},  # +10 days, −5
        {"name": "B", "deadline": D(2021, 8, 9), "households": 200},  # +40 days, +100
        {"name": "C", "deadline": D(2021, 6, 1), "households": 100, "handed_over": D(2021, 6, 2)},  # earlier
        {"name": "D", "deadline": due, "households": 50},  # NA → 50: no delta, last of the households
        {"name": "E", "deadline": due, "progress": 20.0, "handed_over": D(2021, 6, 30)},
    )
    order = [(n, f, k) for n, f, _, _, k, _ in listed(diff_projects(old, new))]
    assert order == [
        ("B", "deadline", "deadline_slip"),
        ("A", "deadline", "deadline_slip"),
        ("B", "households", "households"),
        ("A", "households", "households"),
        ("D", "households", "households"),
        ("C", "handed_over", "handed_over"),
        ("E", "handed_over", "handed_over"),
        ("A", "stage", "field"),
        ("C", "deadline", "deadline_earlier"),
        ("E", "progress", "field"),
    ]


# --- totals --------------------------------------------------------------------------------------------------


def test_totals_before_and_after():
    old = frame(
        {"name": "西琅沟", "households": 656, "floor_area": 212_600.0, "handed_over": D(2021, 4, 1)},
        {"name": "月官", "households": 803, "floor_area": 264_200.0},
        {"name": "老四中周边沿街", "households": None, "floor_area": 139_600.0},
    )
    new = frame(
        {"name": "西琅沟", "households": 656, "floor_area": 212_600.0, "handed_over": D(2021, 4, 1)},
        {"name": "月官", "households": 803, "floor_area": 264_200.0, "handed_over": D(2021, 5, 20)},
    )
    changes = diff_projects(old, new)
    assert changes.totals_before == Totals(projects=3, households=1459, floor_area_m2=616_400.0, handed_over=1)
    assert changes.totals_after == Totals(projects=2, households=1459, floor_area_m2=476_800.0, handed_over=2)


# --- two versions, the whole change list ---------------------------------------------------------------------

WEEK_1 = [
    {"name": "西琅沟", "households": 656, "floor_area": 212_600.0, "deadline": D(2021, 3, 31), "progress": 95.0},
    {"name": "月官", "households": 803, "floor_area": 264_200.0, "deadline": D(2021, 3, 31), "stage": "主体封顶"},
    {"name": "白泉", "households": 1555, "floor_area": 520_600.0, "deadline": D(2021, 4, 30)},
    {"name": "北皋埠", "households": 268, "floor_area": 158_600.0, "deadline": D(2021, 7, 30)},
]
WEEK_2 = [
    {"name": "西琅沟", "households": 656, "floor_area": 212_600.0, "deadline": D(2021, 3, 31), "progress": 100.0}
    | {"handed_over": D(2021, 3, 28)},
    {"name": "月官", "households": 803, "floor_area": 264_200.0, "deadline": D(2021, 4, 30), "stage": "配套工程"},
    {"name": "白泉", "households": 1600, "floor_area": 520_600.0, "deadline": D(2021, 4, 30)},
    {"name": "长青", "households": 161, "floor_area": 39_100.0, "deadline": D(2021, 6, 30)},
]


def test_two_versions_give_the_exact_change_list():
    changes = diff_projects(frame(*WEEK_1), frame(*WEEK_2))
    assert listed(changes) == [
        ("月官", "deadline", T("2021-03-31"), T("2021-04-30"), "deadline_slip", 30),
        ("白泉", "households", 1555, 1600, "households", 45),
        ("西琅沟", "handed_over", None, T("2021-03-28"), "handed_over", None),
        ("月官", "stage", "主体封顶", "配套工程", "field", None),
        ("西琅沟", "progress", 95.0, 100.0, "field", 5.0),
    ]
    assert changes.changed["key"].tolist()[:2] == [key("章丘区", "月官"), key("章丘区", "白泉")]
    assert changes.changed["district"].unique().tolist() == ["章丘区"]
    assert changes.added["name"].tolist() == ["长青"] and changes.removed["name"].tolist() == ["北皋埠"]
    assert changes.changed_projects == 3
    assert changes.totals_before == Totals(4, 3282, 1_156_000.0, 0)
    assert changes.totals_after == Totals(4, 3220, 1_036_500.0, 1)


def test_two_workbooks_through_the_loader(load_rows):
    header = [
        "序号",
        "项目名称",
        "所属区县",
        "安置户数（户）",
        "总建筑面积（万平方米）",
        "计划交付日期",
        "实际交付日期",
    ]
    week_1 = [["章丘区安置房项目交付计划表"], header]
    week_1 += [
        [1, "西琅沟", "章丘区", 656, 21.26, D(2021, 3, 31), None],
        [2, "月官", "章丘区", 803, 26.42, "2021年3月"],
    ]
    week_2 = [header, [1, "月官", "章丘区", "803户", 26.42, "2021年4月30日前"], [2, "西琅沟 ", "章丘区", 656, 21.26]]
    week_2[-1] += [D(2021, 3, 31), D(2021, 3, 28)]
    old = load_rows(week_1, name="week1.xlsx").projects
    new = load_rows(week_2, name="week2.xlsx").projects
    changes = diff_projects(old, new)
    assert listed(changes) == [
        ("月官", "deadline", T("2021-03-31"), T("2021-04-30"), "deadline_slip", 30),
        ("西琅沟", "handed_over", None, T("2021-03-28"), "handed_over", None),
    ]


# --- display tables ------------------------------------------------------------------------------------------


def test_changes_table_in_chinese():
    table = changes_table(diff_projects(frame(*WEEK_1), frame(*WEEK_2)), "zh")
    assert list(table.columns) == ["项目名称", "区县", "变更项", "变更前", "变更后", "变化"]
    assert table.values.tolist() == [
        ["月官", "章丘区", "计划交付日期", "2021年3月31日", "2021年4月30日", "推迟 30 天"],
        ["白泉", "章丘区", "安置户数", "1,555", "1,600", "增加 45 户"],
        ["西琅沟", "章丘区", "实际交付日期", "—", "2021年3月28日", "已交付"],
        ["月官", "章丘区", "形象进度", "主体封顶", "配套工程", ""],
        ["西琅沟", "章丘区", "完成比例", "95%", "100%", "提高 5 个百分点"],
    ]


def test_changes_table_in_english():
    table = changes_table(diff_projects(frame(*WEEK_1), frame(*WEEK_2)), "en")
    assert list(table.columns) == ["Project", "District", "Field", "Before", "After", "Change"]
    assert table.values.tolist() == [
        ["月官", "章丘区", "Deadline", "2021-03-31", "2021-04-30", "30 days later"],
        ["白泉", "章丘区", "Households", "1,555", "1,600", "up by 45 households"],
        ["西琅沟", "章丘区", "Handed over", "—", "2021-03-28", "handed over"],
        ["月官", "章丘区", "Stage", "主体封顶", "配套工程", ""],
        ["西琅沟", "章丘区", "Progress", "95%", "100%", "up by 5 points"],
    ]


@pytest.mark.parametrize(
    ("field", "old", "new", "zh", "en"),
    [
        (
            "deadline",
            T("2021-03-31"),
            T("2021-04-30"),
            "计划交付日期 2021年3月31日 → 2021年4月30日（推迟 30 天）",
            "Deadline 2021-03-31 → 2021-04-30 (30 days later)",
        ),
        (
            "deadline",
            T("2021-04-30"),
            T("2021-04-29"),
            "计划交付日期 2021年4月30日 → 2021年4月29日（提前 1 天）",
            "Deadline 2021-04-30 → 2021-04-29 (1 day earlier)",
        ),
        ("start", None, T("2019-05-01"), "开工日期 — → 2019年5月1日（新填写）", "Start — → 2019-05-01 (filled in)"),
        (
            "households",
            1623,
            1622,
            "安置户数 1,623 → 1,622（减少 1 户）",
            "Households 1,623 → 1,622 (down by 1 household)",
        ),
        (
            "floor_area_m2",
            576_800.0,
            571_800.0,
            "建筑面积（万㎡） 57.68 → 57.18（减少 0.50 万㎡）",
            "Floor area (10,000 m²) 57.68 → 57.18 (down by 0.50 × 10,000 m²)",
        ),
        (
            "floor_area_m2",
            576_800.0,
            576_840.0,
            "建筑面积（万㎡） 57.68 → 57.68（增加 40 ㎡）",
            "Floor area (10,000 m²) 57.68 → 57.68 (up by 40 m²)",
        ),
        ("progress", 65.0, 64.0, "完成比例 65% → 64%（降低 1 个百分点）", "Progress 65% → 64% (down by 1 point)"),
        ("notes", "已封顶", None, "备注 已封顶 → —（已清空）", "Notes 已封顶 → — (cleared)"),
        ("street", "明水街道", "双山街道", "街道（镇） 明水街道 → 双山街道", "Subdistrict / town 明水街道 → 双山街道"),
    ],
)
def test_change_line(field, old, new, zh, en):
    assert change_line(field, old, new, "zh") == zh
    assert change_line(field, old, new, "en") == en


@pytest.mark.parametrize(
    ("lang", "columns", "rows"),
    [
        (
            "zh",
            ["指标", "变更前", "变更后", "增减"],
            [
                ["项目数", "4", "4", "0"],
                ["安置户数", "3,282", "3,220", "-62"],
                ["建筑面积（万㎡）", "115.60", "103.65", "-11.95"],
                ["已交付项目数", "0", "1", "+1"],
            ],
        ),
        (
            "en",
            ["Figure", "Before", "After", "Difference"],
            [
                ["Projects", "4", "4", "0"],
                ["Households", "3,282", "3,220", "-62"],
                ["Floor area (10,000 m²)", "115.60", "103.65", "-11.95"],
                ["Projects handed over", "0", "1", "+1"],
            ],
        ),
    ],
)
def test_totals_table(lang, columns, rows):
    table = totals_table(diff_projects(frame(*WEEK_1), frame(*WEEK_2)), lang)
    assert list(table.columns) == columns
    assert table.values.tolist() == rows


def test_a_difference_too_small_for_two_decimals_has_no_sign():
    old = frame({**BASE, "floor_area": 212_600.0})
    new = frame({**BASE, "floor_area": 212_640.0})
    assert totals_table(diff_projects(old, new), "en").values.tolist()[2] == [
        "Floor area (10,000 m²)",
        "21.26",
        "21.26",
        "0.00",
    ]


def test_every_text_the_tables_can_use_exists():
    """Keys built at run time (field labels, f-string keys) are not seen by tests/test_i18n.py's scan."""
    built = set(FIELD_LABELS.values())
    built |= {f"chg_{what}_{way}" for what in ("households", "area", "progress") for way in ("up", "down")}
    assert built <= set(CATALOGUE)
    assert all(CATALOGUE[k][LANGS.index(lang)] for k in built for lang in LANGS)


# --- the change view's order and pages ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("projects", "order"),
    [
        # most households first
        ([("甲", "章丘区", 10), ("乙", "章丘区", 300), ("丙", "章丘区", 20)], ["乙", "丙", "甲"]),
        # equal households: by district, then name (by code point, as every picker sorts: 乙 before 甲)
        ([("甲", "章丘区", 50), ("甲", "历城区", 50), ("乙", "历城区", 50)], ["乙", "甲", "甲"]),
        # no household count: last, however many the others have
        ([("甲", "章丘区", None), ("乙", "章丘区", 1), ("丙", "章丘区", 2)], ["丙", "乙", "甲"]),
        # a blank district sorts after the named ones at the same count
        ([("甲", None, 5), ("乙", "章丘区", 5)], ["乙", "甲"]),
        ([], []),
    ],
)
def test_added_and_removed_projects_come_most_households_first(projects, order):
    given = frame(*({"name": n, "district": d, "households": h} for n, d, h in projects))
    ordered = largest_first(given)
    assert ordered["name"].tolist() == order
    if projects and projects[0][2] == 50:
        assert ordered["district"].tolist() == ["历城区", "历城区", "章丘区"]
    assert list(ordered.index) == list(range(len(order)))  # a fresh index: pages slice it by position
    assert sorted(ordered["row"].tolist()) == sorted(given["row"].tolist())  # every project kept, whole rows


@pytest.mark.parametrize("lang", LANGS)
def test_a_page_of_changes_is_phrased_as_the_whole_list_phrases_those_rows(lang):
    old = frame(*({"name": f"项目{i}", "households": 100 + i, "deadline": D(2026, 6, 1)} for i in range(7)))
    new = frame(*({"name": f"项目{i}", "households": 90 + 3 * i, "deadline": D(2026, 6, 1 + i)} for i in range(7)))
    changes = diff_projects(old, new)
    whole = changes_table(changes, lang)
    for first, last in ((0, 3), (3, 9), (9, 50)):
        page = changed_rows_table(changes.changed.iloc[first:last], lang)
        assert page.reset_index(drop=True).equals(whole.iloc[first:last].reset_index(drop=True))
