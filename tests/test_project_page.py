"""AppTest of the project detail page through the entrypoint: the project from the URL or the pickers, its
figures, status and reasons, stage plan and history, in both languages."""

from __future__ import annotations

import re

import pandas as pd
import pytest
from app_pages import open_page
from streamlit.testing.v1 import AppTest

from store import versions as V
from store.db import open_database

PAGE = "views/project.py"
JIJIA = {"district": "济阳区", "name": "纪家安置房项目"}  # overdue since 2025-12-31, topped out, 1,802 households
XINZHUANG = {"district": "章丘区", "name": "辛庄村旧村改造安置房"}  # four stages past their planned dates


def start(**params) -> AppTest:
    at = open_page(PAGE, **params)
    assert not at.error, [e.value for e in at.error]
    return at


def metrics(at: AppTest) -> dict[str, tuple[str, str]]:
    return {m.label: (m.value, m.delta) for m in at.metric}


def html_of(at: AppTest, css_class: str) -> str:
    """The body of the page's ``st.html`` block of class ``css_class``."""
    return next(h.proto.body for h in at.get("html") if f'class="{css_class}"' in h.proto.body)


def markdown(at: AppTest) -> str:
    return "\n".join(m.value for m in at.markdown)


def test_a_link_opens_the_project_with_its_figures_in_chinese():
    at = start(**JIJIA)
    assert at.title[0].value == "纪家安置房项目"
    assert at.caption[0].value.startswith("济阳区 · 济北街道 · 截至2026年11月21日")
    figures = metrics(at)
    assert figures["安置户数"][0] == "1,802" and figures["总建筑面积（万㎡）"][0] == "26.10"
    assert figures["计划交付日期"] == ("2025年12月31日", "已逾期325天")
    assert figures["基线交付日期"] == ("2025年12月31日", "未变")  # one version: the baseline is the deadline
    assert figures["形象进度"][0] == "主体封顶" and figures["完成比例"][0] == "64%"
    text = markdown(at)
    assert "■ 已逾期" in text and "红色预警" in text
    reasons = html_of(at, "pj-reasons")
    assert "已逾期 325 天" in re.sub(r"<[^>]+>", "", reasons)  # the overdue reason, rendered
    assert '<span style="white-space:nowrap">2025年12月31日</span>' in reasons  # its date on one line, on a phone too
    assert "济阳区城发集团" in text and "资金未到位" in text  # responsible unit and notes
    assert (at.selectbox(key="pj_district").value, at.selectbox(key="pj_name").value) == ("济阳区", "纪家安置房项目")


def test_the_project_in_english():
    at = start(lang="en", **JIJIA)
    figures = metrics(at)
    assert figures["Households"][0] == "1,802" and figures["Area (10k m²)"][0] == "26.10"
    assert figures["Deadline"] == ("2025-12-31", "325 days overdue")
    assert figures["Stage"][0] == "Topped out" and figures["Baseline deadline"][1] == "unchanged"
    assert "■ Overdue" in markdown(at) and "Red warning" in markdown(at)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_stage_plan_with_late_stages(lang):
    at = start(lang=lang, data="portfolio", **XINZHUANG)
    table = at.dataframe[0].value
    assert len(table) == 5  # 开工, 主体封顶, 联合验收, 具备交付条件, 交房入住
    stage, slip = ("节点", "偏差") if lang == "zh" else ("Stage", "Slip")
    by_stage = dict(zip(table[stage], table[slip]))
    if lang == "zh":
        assert by_stage["开工"] == "按期" and by_stage["主体封顶"] == "已超期809天（未完成）"
    else:
        assert by_stage["Start of works"] == "on time" and by_stage["Topped out"] == "809 days overdue, not done"
    assert len(at.get("plotly_chart")) == 1
    assert at.info and any(("只有一个版本" in i.value) or ("one version" in i.value) for i in at.info)


def test_a_project_without_stage_dates_says_so():
    at = start(data="zhangqiu_2021", as_of="2021-05-01", district="章丘区", name="西琅沟")
    assert at.title[0].value == "西琅沟"
    assert any("没有节点计划日期" in i.value for i in at.info)
    assert not at.get("plotly_chart")


def test_pickers_choose_a_project_and_write_the_url():
    at = start()
    assert at.title[0].value == "项目详情" and any("请在上方选择" in i.value for i in at.info)
    at.selectbox(key="pj_district").set_value("济阳区").run()
    assert at.query_params["district"] == "济阳区" and "name" not in at.query_params
    at.selectbox(key="pj_name").set_value("纪家安置房项目").run()
    assert not at.exception
    assert at.title[0].value == "纪家安置房项目"
    assert at.query_params["name"] == "纪家安置房项目" and at.query_params["lang"] == "zh"


@pytest.mark.parametrize(
    ("lang", "caption"), [("zh", "济南市 · 截至2026年11月21日"), ("en", "Jinan · As of 2026-11-21")]
)
def test_before_a_project_is_picked_the_title_has_the_region_and_date(lang, caption):
    at = start(lang=lang)
    assert at.caption[0].value == caption


def test_an_unknown_project_in_the_link_is_reported():
    at = start(district="济阳区", name="不存在的项目")
    assert any("不存在的项目" in i.value for i in at.info)
    assert at.title[0].value == "项目详情"


def test_history_across_versions(app_database):
    start()  # the first start publishes the sample as version 1
    db = open_database(app_database)
    week = V.version_projects(db, 1)
    at_jijia = week["name"] == JIJIA["name"]
    week.loc[at_jijia, "deadline"] = week.loc[at_jijia, "deadline"] + pd.Timedelta(days=30)
    V.publish(db, week, content=b"week 2", filename="第2周.xlsx", uploader="张三")
    at = start(**JIJIA)
    figures = metrics(at)
    assert figures["计划交付日期"][0] == "2026年1月30日"
    assert figures["基线交付日期"] == ("2025年12月31日", "推迟30天")
    history = at.dataframe[-1].value
    assert list(history["版本"]) == ["2", "1"]
    assert list(history["计划交付日期"]) == ["2026年1月30日", "2025年12月31日"]
    assert list(history["交付日期变化"]) == ["推迟30天", ""]


def test_project_link_escapes_what_would_break_the_query():
    from urllib.parse import parse_qs, urlsplit

    from ui.links import project_link

    link = project_link("历城区", "A&B 项目#1", shared={"lang": "en", "as_of": "2026-11-21", "street": "x"})
    assert link == "detail?district=历城区&name=A%26B%20项目%231&lang=en&as_of=2026-11-21"
    query = parse_qs(urlsplit(link).query)
    assert query["name"] == ["A&B 项目#1"] and "street" not in query  # only app.py's parameters are carried
    assert project_link(None, "甲", shared={}) == "detail?name=甲"
