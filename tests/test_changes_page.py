"""AppTest of the weekly changes page through the entrypoint: the exact list for two published versions."""

from __future__ import annotations

import pandas as pd
import pytest
from app_pages import APP, open_page
from streamlit.testing.v1 import AppTest

from store import versions as V
from store.db import open_database


def start(**params) -> AppTest:
    return open_page("views/changes.py", **params)


@pytest.fixture
def second_week(app_database):
    """Version 2: one deadline slips 45 days, one project is handed over, one moves to 主体封顶, one leaves."""
    AppTest.from_file(APP, default_timeout=90).run()  # the first start publishes the sample as version 1
    db = open_database(app_database)
    week = V.version_projects(db, 1)
    open_rows = week.index[week["handed_over"].isna()]
    slipped, handed, climbing = open_rows[-1], open_rows[-2], week.index[week["stage"].str.startswith("主体施工")][-1]
    week.loc[slipped, "deadline"] += pd.Timedelta(days=45)
    week.loc[handed, "handed_over"] = pd.Timestamp("2026-11-18")
    week.loc[climbing, ["stage", "stage_id"]] = ["主体封顶", "topped_out"]
    gone = week.loc[0, "name"]
    week = week.drop(index=0).reset_index(drop=True)
    V.publish(db, week, content=b"week 2", filename="第2周.xlsx", uploader="张三")
    names = {"slipped": week_name(db, slipped), "handed": week_name(db, handed), "climbing": week_name(db, climbing)}
    return {**names, "gone": gone}


def week_name(db, index) -> str:
    return V.version_projects(db, 1).loc[index, "name"]


def test_the_changes_since_the_earlier_version(second_week):
    at = start()
    figures = {m.label: m.value for m in at.metric}
    assert figures["交付日期推迟"] == "1" and figures["完成节点"] == "1" and figures["新交付项目"] == "1"
    assert [c.value for c in at.caption[:2]] == ["截至2026年11月21日", "第 1 版 → 第 2 版"]
    tables = {frame.value.columns[-1]: frame.value for frame in at.dataframe}
    slips = tables["推迟（天）"]
    assert slips.iloc[0]["项目名称"] == second_week["slipped"] and slips.iloc[0]["推迟（天）"] == "45"
    assert tables["现阶段"].iloc[0]["项目名称"] == second_week["climbing"]
    assert tables["实际交付日期"].iloc[0]["实际交付日期"] == "2026年11月18日"
    assert tables["计划交付日期"]["项目名称"].tolist() == [second_week["gone"]]  # removed (nothing added)


def test_only_one_version_says_there_is_nothing_to_compare(app_database):
    at = start()
    assert any("第一个发布的版本" in i.value for i in at.info)  # under the sample banner


def test_a_sample_has_no_versions_to_compare(app_database):
    at = start(data="zhangqiu_2021")
    assert any("已发布数据" in i.value for i in at.info)


def test_changes_in_english(second_week):
    at = start(lang="en")
    assert at.title[0].value == "Jinan: what changed"
    assert at.caption[0].value == "As of 2026-11-21"
    assert {m.label: m.value for m in at.metric}["Deadline slips"] == "1"


def row(name: str, **kw) -> dict:
    return {"name": name, "district": "历城区", "households": 120, "stage": None, **kw}


@pytest.fixture
def eased_and_recovered(app_database, project_table):
    """Version 1 (2026-11-14): 甲 and 乙 overdue. Version 2 (2026-11-21): 甲's deadline moved 232 days later and
    nothing else; 乙 handed over; 丙 removed, 丁 added."""
    db = open_database(app_database)
    first = project_table([row("甲", deadline="2026-11-10"), row("乙", deadline="2026-11-10"), row("丙")])
    V.publish(db, first, content=b"w1", filename="1.xlsx", uploader="张三", at=pd.Timestamp("2026-11-14T02:00Z"))
    second = project_table(
        [row("甲", deadline="2027-06-30"), row("乙", deadline="2026-11-10", handed_over="2026-11-20"), row("丁")]
    )
    V.publish(db, second, content=b"w2", filename="2.xlsx", uploader="张三", at=pd.Timestamp("2026-11-21T02:00Z"))


@pytest.mark.parametrize("page", ["views/changes.py", "views/overview.py"])
def test_a_later_deadline_is_eased_not_recovered_and_the_counts_include_added_and_removed(eased_and_recovered, page):
    at = open_page(page)
    figures = {m.label: m.value for m in at.metric}
    assert figures["因推迟交付日期而减轻"] == "1" and figures["有进展，预警解除或减轻"] == "1"
    assert figures["无进展，预警解除或减轻"] == "0"
    assert figures["新增项目"] == "1" and figures["移除项目"] == "1"
    if page == "views/changes.py":
        eased = next(f.value for f in at.dataframe if "原计划交付日期" in f.value and "对比版本" in f.value)
        assert eased[["项目名称", "推迟（天）"]].values.tolist() == [["甲", "232"]]
        recovered = next(f.value for f in at.dataframe if "交付日期变动（天）" in f.value)
        assert recovered["项目名称"].tolist() == ["乙"]


@pytest.fixture
def sixty_added(app_database):
    """Version 2: the sample and 60 new projects (households 100 to 159): more than one page of added projects."""
    AppTest.from_file(APP, default_timeout=90).run()  # the first start publishes the sample as version 1
    db = open_database(app_database)
    week = V.version_projects(db, 1)
    new = pd.concat([week.iloc[[0]]] * 60, ignore_index=True)
    new["name"] = [f"新项目{i:02d}" for i in range(60)]
    new["households"] = pd.array(range(100, 160), dtype=week["households"].dtype)
    V.publish(db, pd.concat([week, new], ignore_index=True), content=b"week 2", filename="第2周.xlsx", uploader="张三")


def added_table(at: AppTest) -> pd.DataFrame:
    return next(f.value for f in at.dataframe if "街道（镇）" in f.value and f.value.iloc[0, 0].startswith("新项目"))


def test_a_long_list_is_shown_a_page_at_a_time_most_households_first(sixty_added):
    at = start()
    assert added_table(at)["项目名称"].tolist() == [f"新项目{i:02d}" for i in range(59, 9, -1)]
    assert "共 60 条，显示第 1–50 条。完整名单请下载 Excel。" in [c.value for c in at.caption]
    at.button(key="wk_list_chg_added_next").click().run()
    assert added_table(at)["项目名称"].tolist() == [f"新项目{i:02d}" for i in range(9, -1, -1)]
    assert "共 60 条，显示第 51–60 条。完整名单请下载 Excel。" in [c.value for c in at.caption]
    assert at.button(key="wk_list_chg_added_next").disabled and not at.button(key="wk_list_chg_added_prev").disabled
