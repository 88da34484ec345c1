"""Figures: the timeline stays readable from a handful of projects to hundreds."""

import datetime as dt

import pandas as pd
import pytest

from housing.rollup import by_district, rollup_by
from housing.status import STATUS_COLORS, classify
from ui.charts import (
    GROUPED_ABOVE,
    ROW_PX,
    WAITING_COLOR,
    bars_height,
    district_bars,
    households_bars,
    timeline,
    timeline_frame,
)

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


def streets(n: int) -> pd.DataFrame:
    """A roll-up of ``n`` streets of one district (every project its own street)."""
    projects = portfolio(n).assign(street=[f"第{i:02d}街道" for i in range(n)])
    return rollup_by(projects, "street")


@pytest.mark.parametrize("n", [1, 3, 12, 60])
def test_households_bars_rows_and_colours(n):
    table = streets(n)
    fig = households_bars(table, "street", "zh")
    done, waiting, totals = fig.data
    assert len(done.y) == len(waiting.y) == len(totals.y) == n  # one bar per street, none dropped
    assert set(done.y) == set(table["street"])
    assert list(done.y)[-1] == table["street"].iloc[0]  # largest on top (plotly draws the last row on top)
    assert (done.marker.color, waiting.marker.color) == (STATUS_COLORS["done"], WAITING_COLOR)
    assert (done.name, waiting.name) == ("已交付", "待交付")  # the legend names them: colour is not the only cue
    assert [int(a + b) for a, b in zip(done.x, waiting.x)] == [int(v) for v in totals.x]
    assert fig.layout.yaxis.type == "category" and tuple(fig.layout.yaxis.range) == (-0.5, n - 0.5)  # no padding


def test_households_bars_grow_with_60_children():
    fig = households_bars(streets(60), "street", "en")
    assert fig.layout.height == bars_height(60) >= 90 + 26 * 60  # 26 px or more per bar: labels stay readable
    assert bars_height(6) == 90 + 42 * 6  # a handful of districts keeps the roomy bars of the overview
    heights = [bars_height(n) for n in range(0, 80)]
    assert heights == sorted(heights)  # one more row never makes the chart shorter
    assert fig.data[0].name == "Handed over"


# --- progress charts: one project's stages, the funnel, deadlines against their baseline ---------------------
# (imports inside the tests: this part of the file is the progress pages', the top is shared)


def stage_plan_sample(as_of=AS_OF) -> pd.DataFrame:
    """Four stages: on time, 20 days late, running since 2026-06-30, not due yet."""
    from housing.progress import stage_plan
    from loaders.load import empty_stage_dates

    rows = [
        ("start", "2024-03-01", "2024-03-01"),
        ("topped_out", "2025-09-30", "2025-10-20"),
        ("acceptance", "2026-06-30", None),
        ("handover", "2027-03-31", None),
    ]
    dates = pd.DataFrame(rows, columns=["stage_id", "planned", "actual"]).assign(name="甲", district="区0")
    dates[["planned", "actual"]] = dates[["planned", "actual"]].apply(pd.to_datetime)
    dates = dates.assign(sheet="节点计划", row=range(len(dates)))[list(empty_stage_dates().columns)]
    return stage_plan(dates, "甲", "区0", as_of)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_stage_timeline_planned_beside_actual_with_slips_and_today(lang):
    from ui.charts import PLANNED_FILL, stage_timeline

    plan = stage_plan_sample()
    fig = stage_timeline(plan, AS_OF, lang)
    bars = [trace for trace in fig.data if trace.type == "bar"]
    planned, actual = bars[0], bars[1:]
    assert planned.marker.color == PLANNED_FILL and len(planned.y) == 4  # light, outlined
    assert all(y < i for y, i in zip(planned.y, range(4)))  # above each stage's row centre, actual below
    colours = {trace.marker.color: trace for trace in actual}
    assert STATUS_COLORS["overdue"] in colours  # the running stage, hatched red up to today
    running = colours[STATUS_COLORS["overdue"]]
    assert running.marker.pattern.shape == "/" and running.base[0] == pd.Timestamp("2025-10-20")
    assert STATUS_COLORS["at_risk"] in colours and colours[STATUS_COLORS["at_risk"]].marker.pattern.shape == ""
    labels = [a.text for a in fig.layout.annotations]
    late = "晚20天" if lang == "zh" else "20 days late"
    overdue = f"超期{(AS_OF - dt.date(2026, 6, 30)).days}天" if lang == "zh" else "144 days overdue"
    assert late in labels and overdue in labels
    assert [s.x0 for s in fig.layout.shapes] == [AS_OF.isoformat()]  # the today line
    assert len(fig.layout.yaxis.ticktext) == 4 and fig.layout.height >= 4 * 60


def test_funnel_chart_in_each_measure():
    from housing.progress import stage_funnel
    from ui.charts import funnel_chart

    projects = portfolio(60)
    funnel = stage_funnel(projects)
    for measure, expected in (
        ("projects", funnel["projects"].astype(float).tolist()),
        ("households", funnel["households"].astype(float).tolist()),
        ("floor_area_m2", (funnel["floor_area_m2"] / 10_000).round(2).tolist()),
    ):
        fig = funnel_chart(funnel, measure, "zh")
        (trace,) = fig.data
        assert trace.type == "funnel" and list(trace.x) == expected
        assert trace.text[0].endswith("（100%）") and list(trace.y)[0] == "全部项目"
    assert funnel_chart(funnel, "floor_area_m2", "en").data[0].text[0].startswith(f"{expected[0]:,.2f} (")


def test_stage_bars_show_every_stage():
    from housing.progress import stage_counts
    from ui.charts import stage_bars

    fig = stage_bars(stage_counts(portfolio(60).assign(stage_id="structure")), "projects", "en")
    (trace,) = fig.data
    assert len(trace.y) == 13 and list(trace.x)[5] == 60 and trace.y[5] == "Main structure"


def with_baselines(n: int) -> pd.DataFrame:
    """``portfolio(n)`` against baselines where every third deadline moved later by 10·i days, one earlier."""
    from housing.changes import project_key
    from housing.progress import baseline_frame

    projects = portfolio(n)
    moved = pd.Series([pd.Timedelta(days=10 * i if i % 3 == 0 else 0) for i in range(n)], index=projects.index)
    moved.iloc[1] = pd.Timedelta(days=-15)
    baselines = pd.Series((projects["deadline"] - moved).to_numpy(), index=project_key(projects).to_numpy())
    return baseline_frame(projects, baselines)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_baseline_timeline_readable_at_60_projects(lang):
    from ui.charts import SLIP_COLOR, baseline_order, baseline_timeline

    frame = with_baselines(60)
    fig = baseline_timeline(frame, AS_OF, lang)
    assert fig.layout.height >= ROW_PX * 60
    assert len(fig.layout.yaxis.ticktext) == 60
    order = baseline_order(frame)
    assert list(fig.layout.yaxis.ticktext) == order["name"].tolist()
    slips = order["slip_days"].astype(float).tolist()
    assert slips[0] == max(slips) and slips[:19] == sorted(slips[:19], reverse=True)  # largest slip on top
    later = next(trace for trace in fig.data if trace.mode == "lines" and trace.line.color == SLIP_COLOR)
    assert len([x for x in later.x if x is None]) == 19  # one segment per project that moved later (i = 3 … 57)
    texts = next(trace for trace in fig.data if trace.mode == "markers+text")
    assert len(texts.text) == 20  # every move labelled, the earlier one too
    assert ("推迟570天" if lang == "zh" else "570 days later") in texts.text
    assert [s.x0 for s in fig.layout.shapes] == [AS_OF.isoformat()]
