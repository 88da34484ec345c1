"""Figures: the timeline stays readable from a handful of projects to hundreds."""

import datetime as dt

import pandas as pd
import pytest

from housing.rollup import by_district
from housing.status import STATUS_COLORS, classify
from ui.charts import GROUPED_ABOVE, ROW_PX, district_bars, timeline, timeline_frame

AS_OF = dt.date(2026, 11, 21)


def portfolio(n: int) -> pd.DataFrame:
    """``n`` projects over six districts with staggered dates; every fifth has no start date."""
    start = pd.Timestamp("2022-01-01")
    frame = pd.DataFrame(
        {
            "name": [f"项目{i:03d}" for i in range(n)],
            "district": [f"区{i % 6}" for i in range(n)],
            "households": pd.array([100 + i for i in range(n)], dtype="Int64"),
            "start": [pd.NaT if i % 5 == 0 else start + pd.Timedelta(days=7 * i) for i in range(n)],
            "deadline": [start + pd.Timedelta(days=900 + 11 * ((i * 37) % n)) for i in range(n)],
            "handed_over": [start + pd.Timedelta(days=880) if i % 4 == 0 else pd.NaT for i in range(n)],
            "stage": None,
        }
    )
    frame["floor_area_m2"] = frame["households"].astype(float) * 120
    return classify(frame, AS_OF)


def test_timeline_sorted_by_deadline_with_a_row_per_project():
    projects = portfolio(60)
    frame = timeline_frame(projects)
    assert frame["deadline"].is_monotonic_increasing
    fig = timeline(projects, AS_OF, "zh")
    assert fig.layout.height >= ROW_PX * 60
    assert list(fig.layout.yaxis.categoryarray) == frame["name"].tolist()
    status_bars = [trace for trace in fig.data if trace.type == "bar"]
    assert {trace.marker.color for trace in status_bars} <= set(STATUS_COLORS.values())
    plotted = sum(
        len(trace.y)
        for trace in fig.data
        if trace.type == "bar" or trace.mode == "markers" and trace.marker.symbol == "line-ns"
    )
    assert plotted == 60  # each project is a bar, or a deadline tick when it has no start date
    handovers = [trace for trace in fig.data if trace.type == "scatter" and trace.marker.symbol == "diamond"]
    assert len(handovers[0].x) == 15


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_hundreds_of_projects_are_grouped_by_district(lang):
    projects = portfolio(GROUPED_ABOVE + 180)
    fig = timeline(projects, AS_OF, lang)
    bars = [trace for trace in fig.data if trace.type == "bar" and len(trace.y)]
    assert all(len(trace.y) == 2 for trace in bars)  # multicategory axis: [districts, projects]
    assert timeline_frame(projects)["district"].is_monotonic_increasing


def test_district_bars_largest_on_top_with_totals():
    fig = district_bars(by_district(portfolio(30)), "zh")
    done, waiting, labels = fig.data
    assert list(done.y) == sorted(done.y, key=lambda d: dict(zip(labels.y, labels.x))[d])
    assert [int(v) for v in done.x + waiting.x] == [int(v) for v in labels.x]
    assert labels.text[-1] == f"{int(max(labels.x)):,}"
