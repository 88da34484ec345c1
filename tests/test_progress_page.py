"""AppTest of the delivery-progress page through the entrypoint: the funnel in each measure, the sidebar
filters, deadlines against their baseline with links to the slipped projects, in both languages."""

from __future__ import annotations

import base64
import html
import json
import re

import numpy as np
import pandas as pd
import pytest
from app_pages import html_table, open_page
from streamlit.testing.v1 import AppTest

from store import versions as V
from store.db import open_database

PAGE = "views/progress.py"


def start(**params) -> AppTest:
    at = open_page(PAGE, **params)
    assert not at.error, [e.value for e in at.error]
    return at


def figures(at: AppTest) -> list[dict]:
    """The plotly figures on the page, as the JSON the browser gets."""
    return [json.loads(chart.proto.spec) for chart in at.get("plotly_chart")]


def values(array) -> list[float]:
    """A plotly array from the JSON: a plain list, or plotly's typed array (base64 bytes and a dtype)."""
    if isinstance(array, dict):
        return np.frombuffer(base64.b64decode(array["bdata"]), dtype=array["dtype"]).tolist()
    return list(array)


def funnel(at: AppTest) -> tuple[list[str], list[float]]:
    (trace,) = [t for f in figures(at) for t in f["data"] if t["type"] == "funnel"]
    return trace["y"], values(trace["x"])


@pytest.mark.parametrize(
    ("lang", "title", "steps"),
    [
        ("zh", "济南市安置房交付进度", ["全部项目", "已主体封顶", "已联合验收", "已交房入住"]),
        ("en", "Jinan: delivery progress", ["All projects", "Topped out", "Accepted", "Handed over"]),
    ],
)
def test_funnel_of_the_portfolio(lang, title, steps):
    at = start(lang=lang)
    assert at.title[0].value == title
    assert funnel(at) == (steps, [56, 37, 23, 17])
    assert len(figures(at)) == 3  # the funnel, the projects per stage, the baseline timeline


def test_the_measure_switches_to_households_and_floor_area():
    at = start()
    at.button_group(key="pg_measure__zh").set_value("households").run()
    assert funnel(at)[1] == [67_650, 46_599, 27_223, 21_383]
    at.button_group(key="pg_measure__zh").set_value("floor_area_m2").run()
    assert funnel(at)[1] == [959.95, 658.56, 386.52, 303.47]
    at.radio(key="lang").set_value("en").run()  # the choice survives a language switch
    assert at.button_group(key="pg_measure__en").value == "floor_area_m2"
    assert funnel(at)[1][0] == 959.95


def test_sidebar_filters_narrow_the_funnel():
    at = start()
    at.multiselect(key="ov_filter_districts").set_value(["历城区"]).run()
    assert funnel(at)[1][0] == 12
    assert at.title[0].value == "历城区安置房交付进度"


def test_a_sample_explains_its_baseline_is_its_deadline():
    at = start(data="portfolio")
    assert any("基线即当前计划交付日期" in i.value for i in at.info)


def test_slipped_projects_are_listed_with_links(app_database):
    start()  # the first start publishes the sample as version 1
    db = open_database(app_database)
    week = V.version_projects(db, 1)
    slipped = week["name"] == "纪家安置房项目"
    week.loc[slipped, "deadline"] = week.loc[slipped, "deadline"] + pd.Timedelta(days=30)
    V.publish(db, week, content=b"week 2", filename="第2周.xlsx", uploader="张三")
    at = start()
    table = html_table(at)
    assert len(table) == 1 and table["推迟天数"].tolist() == ["30"] and table["项目名称"].tolist() == ["纪家安置房项目"]
    body = next(h.proto.body for h in at.get("html") if 'class="bf-table"' in h.proto.body)
    link = re.search(r'<a href="([^"]+)"', body).group(1)
    assert html.unescape(link).startswith("detail?district=济阳区&name=纪家安置房项目") and "as_of=2026-11-21" in link
    assert "1 个项目" in " ".join(c.value for c in at.caption)
    timeline = figures(at)[-1]
    assert timeline["layout"]["yaxis"]["ticktext"][0] == "纪家安置房项目"  # the largest slip on top


# --- a province's register: above chart_project_limit the moves are summed per district ---------------------------

BIG = 300  # projects of the register below; the limit is lowered around it rather than publishing thousands


@pytest.fixture
def moved_register(app_database, project_table):
    """300 projects over five districts (第04区 has 180, the others 30) published twice: version 2 moves one
    deadline in three, by 1 to 400 days later."""
    from test_overview import register_rows

    db = open_database(app_database)
    first = project_table(register_rows(BIG, districts=5))
    V.publish(db, first, content=b"v1", filename="省.xlsx", uploader="张三")
    second = first.copy()
    moved = second.index[::3]
    days = [1 + (k * 53) % 400 for k in range(len(moved))]
    second.loc[moved, "deadline"] = second.loc[moved, "deadline"] + pd.to_timedelta(days, unit="D")
    V.publish(db, second, content=b"v2", filename="省.xlsx", uploader="张三")


def plain(markdown: str) -> str:
    """Markdown as read: without the backslashes that keep workbook text from becoming markup."""
    return re.sub(r"\\(.)", r"\1", markdown)


def slip_bars_figure(at: AppTest) -> dict | None:
    """The summed chart (a bar trace per slip band), if the page drew it."""
    return next((f for f in figures(at) if any(t.get("name") == "推迟1–30天" for t in f["data"])), None)


def per_project_figure(at: AppTest) -> dict | None:
    """The per-project chart (the baseline rings), if the page drew it."""
    return next(
        (f for f in figures(at) if any(t.get("marker", {}).get("symbol") == "circle-open" for t in f["data"])), None
    )


@pytest.mark.parametrize(("limit", "summed"), [(BIG - 1, True), (BIG, False), (BIG + 1, False), (10, True)])
def test_the_chart_is_summed_above_the_limit_and_per_project_up_to_it(moved_register, monkeypatch, limit, summed):
    monkeypatch.setenv("RESETTLE_CHART_PROJECT_LIMIT", str(limit))
    at = start(data="published")
    assert (slip_bars_figure(at) is not None) == summed
    assert (per_project_figure(at) is not None) == (not summed)
    assert any(s.key == "pg_scope_district" for s in at.selectbox) == summed  # pickers only where summed


def test_summed_moves_read_per_district_and_narrow_to_each_project(moved_register, monkeypatch):
    monkeypatch.setenv("RESETTLE_CHART_PROJECT_LIMIT", "100")
    at = start(data="published")
    ticks = slip_bars_figure(at)["layout"]["yaxis"]["ticktext"]
    assert len(ticks) == 5 and ticks[-1].startswith("第04区<br>")  # the most moved projects on top
    assert any(plain(m.value).startswith("自首次发布以来，100 个项目（") for m in at.markdown)
    assert any("共 300 个项目，超过 100 个时按区县汇总" in c.value for c in at.caption)
    at.selectbox(key="pg_scope_district").set_value("第04区").run()  # 180 projects: summed by street
    ticks = slip_bars_figure(at)["layout"]["yaxis"]["ticktext"]
    assert len(ticks) == 5 and all(t.startswith("第04区街道") for t in ticks)
    assert any("按街道（镇）汇总" in c.value for c in at.caption)
    at.selectbox(key="pg_scope_street").set_value("第04区街道0").run()  # 36 projects: each one
    figure = per_project_figure(at)
    assert figure is not None and slip_bars_figure(at) is None
    assert 0 < len(figure["layout"]["yaxis"]["ticktext"]) <= 36
    table = html_table(at)
    assert len(table) and set(table["区县"]) == {"第04区"}  # the list follows the pickers


def test_the_slipped_list_pages(moved_register, monkeypatch):
    monkeypatch.setenv("RESETTLE_CHART_PROJECT_LIMIT", "100")
    at = start(data="published")
    assert any("推迟的项目共 100 个项目" in c.value and "显示第 1–50 个" in c.value for c in at.caption)
    first = html_table(at)
    assert len(first) == 50 and first["推迟天数"].str.replace(",", "").astype(int).is_monotonic_decreasing
    at.button(key="pg_slipped_next").click().run()
    assert any("显示第 51–100 个" in c.value for c in at.caption)
    assert at.button(key="pg_slipped_next").disabled and not at.button(key="pg_slipped_prev").disabled
    assert html_table(at)["项目名称"].tolist() != first["项目名称"].tolist()
    at.selectbox(key="pg_scope_district").set_value("第00区").run()  # another list: its first page
    assert any("显示第" not in c.value and "推迟的项目共 10 个项目" in c.value for c in at.caption)


def test_summed_moves_in_english(moved_register, monkeypatch):
    monkeypatch.setenv("RESETTLE_CHART_PROJECT_LIMIT", "100")
    at = start(data="published", lang="en")
    figure = next(f for f in figures(at) if any(t.get("name") == "1–30 days later" for t in f["data"]))
    assert "later (" in figure["layout"]["yaxis"]["ticktext"][-1]
    assert any(plain(m.value).startswith("Since first published, the deadlines of 100 projects (") for m in at.markdown)
    assert any("100 projects moved later in all, largest move first; showing 1–50." in c.value for c in at.caption)


def test_a_sidebar_filter_leaving_out_the_picked_district_shows_the_rest(moved_register, monkeypatch):
    monkeypatch.setenv("RESETTLE_CHART_PROJECT_LIMIT", "20")
    at = start(data="published")
    at.selectbox(key="pg_scope_district").set_value("第04区").run()
    at.multiselect(key="ov_filter_districts").set_value(["第00区", "第01区"]).run()  # 第04区 is filtered out
    assert not at.exception and not at.error
    assert at.selectbox(key="pg_scope_district").value is None
    ticks = slip_bars_figure(at)["layout"]["yaxis"]["ticktext"]
    assert sorted(t.split("<br>")[0] for t in ticks) == ["第00区", "第01区"]


def test_another_district_drops_the_street_of_the_one_before(moved_register, monkeypatch):
    monkeypatch.setenv("RESETTLE_CHART_PROJECT_LIMIT", "20")
    at = start(data="published")
    at.selectbox(key="pg_scope_district").set_value("第04区").run()
    at.selectbox(key="pg_scope_street").set_value("第04区街道1").run()
    at.selectbox(key="pg_scope_district").set_value("第00区").run()  # 30 projects, six a street
    assert not at.exception and not at.error
    assert set(html_table(at)["区县"]) == {"第00区"}  # not an empty list for 第00区's "第04区街道1"
