"""The overview at province scale: a register of thousands of projects over dozens of districts stays readable
(the risk list a page at a time, district bars folded into "others", the timeline summed by month)."""

from __future__ import annotations

import json
import re

import pandas as pd
import pytest
from app_pages import html_table, open_page

from store import versions as V
from store.db import open_database
from ui.tables import PAGE_ROWS as RISK_PAGE_ROWS
from ui.tables import page_count, page_window

DISTRICTS = 30
STATUS_DAYS = (-400, -30, 20, 400)  # deadlines before and after the as-of day: overdue, at risk, on track


def register_rows(n: int, districts: int = DISTRICTS) -> list[dict]:
    """``n`` projects over ``districts`` districts (the first has the most), five streets each, deadlines spread
    over three years around the as-of day (2026-11-21), one in four handed over."""
    as_of = pd.Timestamp("2026-11-21")
    rows = []
    for i in range(n):
        district = f"第{min(i % (districts + 5), districts - 1):02d}区"  # district 29 gets the spill: unequal sizes
        deadline = as_of + pd.Timedelta(days=STATUS_DAYS[i % 4] - (i * 7) % 30)
        rows.append(
            {
                "name": f"安置项目{i:05d}",
                "district": district,
                "street": f"{district}街道{i % 5}",
                "households": 100 + (i * 37) % 900,
                "floor_area_m2": 12_000.0,
                "start": deadline - pd.Timedelta(days=900),
                "deadline": deadline,
                "handed_over": deadline - pd.Timedelta(days=10) if i % 4 == 0 else None,
                "stage": "主体施工",
            }
        )
    return rows


@pytest.fixture
def province(app_database, project_table):
    """A published register of 3,000 projects over 30 districts."""
    V.publish(
        open_database(app_database),
        project_table(register_rows(3000)),
        content=b"p",
        filename="省.xlsx",
        uploader="张三",
    )


def charts(at) -> list[dict]:
    return [json.loads(chart.proto.spec) for chart in at.get("plotly_chart")]


def risk_html(at) -> str:
    return next(h.proto.body for h in at.get("html") if 'class="bf-table"' in h.proto.body)


@pytest.mark.parametrize(
    ("count", "page", "shown"),
    [
        (1, 0, (0, 0, 1)),
        (RISK_PAGE_ROWS, 0, (0, 0, RISK_PAGE_ROWS)),
        (RISK_PAGE_ROWS + 1, 1, (1, RISK_PAGE_ROWS, RISK_PAGE_ROWS + 1)),
        (33_000, 659, (659, 32_950, 33_000)),
        (33_000, 700, (659, 32_950, 33_000)),  # a page past the end (a narrower filter): the last one
        (120, -3, (0, 0, RISK_PAGE_ROWS)),
    ],
)
def test_page_window(count, page, shown):
    assert page_window(count, page) == shown


@pytest.mark.parametrize(("count", "pages"), [(0, 1), (1, 1), (50, 1), (51, 2), (33_000, 660)])
def test_page_count(count, pages):
    assert page_count(count) == pages


def test_overview_of_3000_projects_pages_folds_and_sums(province):
    at = open_page("views/overview.py", data="published")
    assert not at.error, [e.value for e in at.error]
    captions = [c.value for c in at.caption]
    count = next(c for c in captions if c.startswith("共 ") and "按紧急程度排序" in c)
    flagged = int(re.search(r"共 ([\d,]+) 个项目", count).group(1).replace(",", ""))
    assert flagged >= 750 and f"显示第 1–{RISK_PAGE_ROWS} 个" in count and "下载 Excel" in count
    table = risk_html(at)
    assert table.count("<tr>") == RISK_PAGE_ROWS + 1  # the header and one page of rows, not the whole list
    assert "■ 已逾期" in table and "#CC3311" in table  # status in words and colour
    at.button(key="ov_risk_next").click().run()
    assert any(f"显示第 {RISK_PAGE_ROWS + 1}–{2 * RISK_PAGE_ROWS} 个" in c.value for c in at.caption)
    assert risk_html(at) != table and at.button(key="ov_risk_prev").disabled is False
    figures = charts(at)
    bars = next(f for f in figures if f["data"][0].get("orientation") == "h" and "base" not in f["data"][0])
    assert len(bars["data"][0]["y"]) == 16 and bars["data"][0]["y"][0] == "其他 15 个区县"  # at the foot
    summary = next(f for f in figures if "yaxis8" in f["layout"])  # seven districts and the others, by month
    assert not any("base" in trace for trace in summary["data"])  # no bar per project
    assert "其他 23 个区县" in " ".join(a["text"] for a in summary["layout"]["annotations"])
    districts_table = html_table(at, block="districts")
    assert len(districts_table) == DISTRICTS  # the table stays complete
    assert not at.dataframe  # no data grid on the first screen: its scripts and canvas cost the browser most


def test_timeline_narrowed_to_a_small_street_shows_each_project(province):
    at = open_page("views/overview.py", data="published")
    at.selectbox(key="ov_timeline_district").set_value("第29区").run()  # about 500 projects: still summed
    summary = next(f for f in charts(at) if "yaxis5" in f["layout"] and "yaxis6" not in f["layout"])
    assert "第29区街道0" in " ".join(a["text"] for a in summary["layout"]["annotations"])  # a row per street
    at.selectbox(key="ov_timeline_street").set_value("第29区街道0").run()  # about 100 projects
    per_project = [f for f in charts(at) if any("base" in trace for trace in f["data"])]
    assert len(per_project) == 1
    names = {y for trace in per_project[0]["data"] if "base" in trace for y in trace["y"]}
    assert 0 < len(names) <= 150 and all(n.startswith("安置项目") for n in names)


def test_overview_in_english_says_how_many(province):
    at = open_page("views/overview.py", data="published", lang="en")
    assert any("in all, most urgent first; showing 1–50." in c.value for c in at.caption)
    summary = next(f for f in charts(at) if "yaxis8" in f["layout"])
    assert "23 other districts" in " ".join(a["text"] for a in summary["layout"]["annotations"])


def test_a_new_filter_starts_the_risk_list_on_its_first_page(province):
    at = open_page("views/overview.py", data="published")
    at.button(key="ov_risk_next").click().run()
    at.button(key="ov_risk_next").click().run()
    assert any("显示第 101–150 个" in c.value for c in at.caption)
    at.multiselect(key="ov_filter_districts").set_value(["第29区"]).run()
    assert any("显示第 1–50 个" in c.value for c in at.caption)
    assert at.button(key="ov_risk_prev").disabled
