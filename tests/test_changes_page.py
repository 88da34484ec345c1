"""AppTest of the weekly changes page through the entrypoint: the exact list for two published versions."""

from __future__ import annotations

import html
import re

import pandas as pd
import pytest
from app_pages import APP, html_table, open_page, table_texts
from hypothesis import given, settings
from hypothesis import strategies as st
from streamlit.testing.v1 import AppTest

from store import versions as V
from store.db import open_database
from ui.exports import added_block
from ui.weekly import list_html


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


def week_list(at: AppTest, title_key: str) -> pd.DataFrame:
    """The page of list ``title_key`` (``wk_slips``, ``chg_added``) the page shows, as the texts of its table."""
    return html_table(at, f"wk-list-{title_key}")


def week_name(db, index) -> str:
    return V.version_projects(db, 1).loc[index, "name"]


def test_the_changes_since_the_earlier_version(second_week):
    at = start()
    figures = {m.label: m.value for m in at.metric}
    assert figures["交付日期推迟"] == "1" and figures["完成节点"] == "1" and figures["新交付项目"] == "1"
    assert [c.value for c in at.caption[:2]] == ["截至2026年11月21日", "第 1 版 → 第 2 版"]
    slips = week_list(at, "wk_slips")
    assert slips.iloc[0]["项目名称"] == second_week["slipped"] and slips.iloc[0]["推迟（天）"] == "45"
    assert week_list(at, "wk_stages").iloc[0]["项目名称"] == second_week["climbing"]
    assert week_list(at, "wk_handed_over").iloc[0]["实际交付日期"] == "2026年11月18日"
    assert week_list(at, "chg_removed")["项目名称"].tolist() == [second_week["gone"]]  # removed (nothing added)
    assert not at.dataframe  # every list an HTML table: no text cut off in a data grid's cell


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
        eased = week_list(at, "wk_eased")
        assert eased[["项目名称", "推迟（天）"]].values.tolist() == [["甲", "232"]]
        recovered = week_list(at, "wk_recovered")
        assert recovered["项目名称"].tolist() == ["乙"] and "交付日期变动（天）" in recovered
        card = card_facts(at, "wk_eased")  # a phone's card says what the table row says, before and after apart
        assert eased.iloc[0]["对比版本"] != eased.iloc[0]["当前"]
        assert f"对比版本 {eased.iloc[0]['对比版本']}" in card and f"当前 {eased.iloc[0]['当前']}" in card


def card_facts(at: AppTest, title_key: str) -> str:
    """The facts line of the first card of list ``title_key`` (its phone face), as text."""
    body = next(h.proto.body for h in at.get("html") if f'class="wk-list-{title_key}"' in h.proto.body)
    meta = re.search(r'<div class="bf-meta">(.*?)</div>', body, flags=re.S)
    assert meta is not None
    return html.unescape(re.sub(r"<[^>]+>", "", meta.group(1))).replace("\xa0", " ")


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
    return week_list(at, "chg_added")


def test_a_long_list_is_shown_a_page_at_a_time_most_households_first(sixty_added):
    at = start()
    assert added_table(at)["项目名称"].tolist() == [f"新项目{i:02d}" for i in range(59, 9, -1)]
    assert "共 60 条，显示第 1–50 条。完整名单请下载 Excel。" in [c.value for c in at.caption]
    at.button(key="wk_list_chg_added_next").click().run()
    assert added_table(at)["项目名称"].tolist() == [f"新项目{i:02d}" for i in range(9, -1, -1)]
    assert "共 60 条，显示第 51–60 条。完整名单请下载 Excel。" in [c.value for c in at.caption]
    assert at.button(key="wk_list_chg_added_next").disabled and not at.button(key="wk_list_chg_added_prev").disabled


LONG_NAME = "历城区" + "超长名称安置房项目" * 40 + "（尾）"  # 365 characters: the end must still show
HOSTILE_NAMES = (
    "<script>alert(1)</script>",
    "**粗体** _斜体_ [链接](http://evil.example/x) :red[红]",
    '<img src=x onerror=alert(2)> & "引号"',
    LONG_NAME,
)


@pytest.fixture
def hostile_week(app_database, project_table):
    """Version 1 (2026-11-14): the hostile names on track. Version 2 (2026-11-21): their deadline passed (they
    turn red, the deadline moved earlier), and one more hostile project is added."""
    db = open_database(app_database)
    first = project_table([row(n, deadline="2027-06-30") for n in HOSTILE_NAMES])
    V.publish(db, first, content=b"w1", filename="1.xlsx", uploader="张三", at=pd.Timestamp("2026-11-14T02:00Z"))
    second = project_table([row(n, deadline="2026-11-10") for n in HOSTILE_NAMES] + [row("<b>新</b>" + LONG_NAME)])
    V.publish(db, second, content=b"w2", filename="2.xlsx", uploader="张三", at=pd.Timestamp("2026-11-21T02:00Z"))


def list_bodies(at: AppTest) -> str:
    return "".join(h.proto.body for h in at.get("html") if "wk-list-" in h.proto.body)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_hostile_and_long_names_show_as_typed_in_full(hostile_week, lang):
    at = start(lang=lang)
    name = "项目名称" if lang == "zh" else "Project"
    red = week_list(at, "wk_turned_red")
    assert sorted(red[name]) == sorted(HOSTILE_NAMES)  # every character, none cut off, none turned into markup
    assert week_list(at, "chg_added")[name].tolist() == ["<b>新</b>" + LONG_NAME]
    body = list_bodies(at)
    assert "<script" not in body and "<img" not in body and "<b>" not in body and "<strong>" not in body
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in body and "**粗体** _斜体_ [链接](http://evil.example/x)" in body
    assert body.count(LONG_NAME) == 2 * 2  # in the red list and the added one, as a table row and as a card
    assert "…" not in body and "..." not in body
    assert not at.dataframe


@given(st.text(min_size=1, max_size=300), st.text(max_size=80))
@settings(max_examples=60, deadline=None)
def test_any_name_and_district_show_as_typed_in_the_table_and_the_card(name, district):
    """Whatever a workbook holds, the table cell reads exactly that text and no tag of it survives."""
    frame = pd.DataFrame(
        {
            "name": [name],
            "district": [district],
            "street": [None],
            "households": [7],
            "floor_area_m2": [1234.5],
            "deadline": [pd.Timestamp("2027-01-31")],
        }
    )
    shown = list_html("chg_added", added_block(frame, "zh"))
    table = table_texts(shown)
    assert table.iloc[0]["项目名称"] == name and table.iloc[0]["区县"] == district
    assert table.iloc[0]["计划交付日期"] == "2027年1月31日" and table.iloc[0]["安置户数"] == "7"
    for text in (name, district):
        assert html.escape(text) in shown  # in the table and on the card, escaped
    assert "<script" not in shown.lower()
