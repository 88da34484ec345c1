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
