"""Figures: the timeline stays readable from a handful of projects to hundreds."""

import datetime as dt

import pandas as pd
import pytest

from briefing.charts import (
    BARS_TOP,
    DEADLINE_MARK,
    GROUPED_ABOVE,
    OTHERS_COLUMN,
    QUARTERS_ABOVE,
    ROW_PX,
    SUMMARY_TOP,
    TALL_ROWS,
    WAITING_COLOR,
    bars_height,
    district_bars,
    households_bars,
    month_step,
    round_down,
    summary_frame,
    summary_groups,
    summary_period,
    tick_margin,
    timeline,
    timeline_frame,
    timeline_summary,
    top_with_others,
)
from housing.changes import project_key
from housing.rollup import by_district, rollup_by
from housing.status import STATUS_COLORS, classify

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
    plotted = sum(len(trace.y) for trace in fig.data if trace.legendgroup in STATUS_COLORS)
    assert plotted == 60  # each project is a bar, or a deadline marker when it has no start date
    pins = [
        s
        for trace in fig.data
        if trace.legendgroup in STATUS_COLORS and trace.type == "scatter"
        for s in trace.marker.symbol
    ]
    assert pins == [DEADLINE_MARK] * 12  # every fifth project has no start: a pin on its deadline, no sliver
    handovers = [trace for trace in fig.data if trace.type == "scatter" and trace.marker.symbol == "diamond"]
    assert len(handovers[0].x) == 15


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_hundreds_of_projects_are_grouped_by_district(lang):
    projects = portfolio(GROUPED_ABOVE + 180)
    fig = timeline(projects, AS_OF, lang)
    bars = [trace for trace in fig.data if trace.type == "bar" and len(trace.y)]
    assert all(len(trace.y) == 2 for trace in bars)  # multicategory axis: [districts, projects]
    assert timeline_frame(projects)["district"].is_monotonic_increasing


def one_project(**dates) -> pd.DataFrame:
    """One project in 历城区 named 甲, classified as of AS_OF, with the dates given (others missing)."""
    row = {"name": "甲", "district": "历城区", "households": 100, "stage": None, "floor_area_m2": 1.0}
    row |= {c: pd.Timestamp(dates[c]) if dates.get(c) else pd.NaT for c in ("start", "deadline", "handed_over")}
    return classify(pd.DataFrame([row]), AS_OF)


def drawn(fig) -> dict:
    """The one project as drawn: its bar's base and length in days, or its marker's date and symbol."""
    for trace in fig.data:
        if trace.legendgroup in STATUS_COLORS and len(trace.y):
            if trace.type == "bar":
                return {"bar": (pd.Timestamp(trace.base[0]), round(trace.x[0] / 86_400_000))}
            return {"mark": (pd.Timestamp(trace.x[0]), trace.marker.symbol[0])}
    return {}


@pytest.mark.parametrize(
    ("dates", "known", "expected"),
    [
        # a start date: the bar starts there, whatever else is known
        ({"start": "2025-03-01", "deadline": "2027-06-30"}, "2024-01-10", {"bar": ("2025-03-01", 851)}),
        # no start: from the first known date (a stage date or the first version it appeared in)
        ({"deadline": "2027-06-30"}, "2024-01-10", {"bar": ("2024-01-10", 1267)}),
        # nothing earlier known: a pin on the deadline, not a one-day sliver
        ({"deadline": "2027-06-30"}, None, {"mark": ("2027-06-30", DEADLINE_MARK)}),
        # first seen only after the deadline (or on it): still a pin, never a bar running backwards
        ({"deadline": "2026-06-30"}, "2026-11-01", {"mark": ("2026-06-30", DEADLINE_MARK)}),
        ({"deadline": "2026-06-30"}, "2026-06-30", {"mark": ("2026-06-30", DEADLINE_MARK)}),
        # a start but no deadline: an open circle on the start
        ({"start": "2025-03-01"}, None, {"mark": ("2025-03-01", "circle-open")}),
    ],
)
def test_a_bar_starts_at_the_first_known_date_or_the_deadline_is_a_pin(dates, known, expected):
    project = one_project(**dates)
    first_known = pd.Series([pd.Timestamp(known)], index=project_key(project)) if known else None
    fig = timeline(project, AS_OF, "zh", first_known)
    kind, (date, value) = next(iter(expected.items()))
    assert drawn(fig) == {kind: (pd.Timestamp(date), value)}


def test_a_bar_from_its_first_known_date_says_so_on_hover():
    project = one_project(deadline="2027-06-30")
    fig = timeline(project, AS_OF, "en", pd.Series([pd.Timestamp("2024-01-10")], index=project_key(project)))
    bar = next(trace for trace in fig.data if trace.type == "bar" and len(trace.y))
    assert "Start: —<br>First known date (bar starts here): 2024-01-10" in bar.hovertext[0]


@pytest.mark.parametrize(("rows", "tall"), [(3, False), (TALL_ROWS, False), (TALL_ROWS + 1, True), (400, True)])
def test_a_tall_timeline_has_date_axes_at_top_and_bottom(rows, tall):
    fig = timeline(portfolio(rows), AS_OF, "zh")
    assert fig.layout.xaxis.side == "top" and fig.layout.xaxis.type == "date"
    if tall:
        bottom = fig.layout.xaxis2
        assert (bottom.side, bottom.matches, bottom.overlaying, bottom.type) == ("bottom", "x", "x", "date")
        top = fig.layout.xaxis
        # the same explicit ticks on both: plotly's own on a matched axis fall minutes before the month
        assert (bottom.tickformat, bottom.tickmode, bottom.tick0, bottom.dtick) == (
            top.tickformat,
            "linear",
            top.tick0,
            top.dtick,
        )
        assert [trace.xaxis for trace in fig.data].count("x2") == 1  # the one trace that makes plotly draw it
        assert fig.layout.annotations[0].yanchor == "bottom"  # the as-of label moves inside, off the bottom axis
    else:
        assert "xaxis2" not in fig.layout.to_plotly_json() and all(trace.xaxis in (None, "x") for trace in fig.data)


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
    from briefing.charts import PLANNED_FILL, stage_timeline

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
    from briefing.charts import funnel_chart
    from housing.progress import stage_funnel

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
    from briefing.charts import stage_bars
    from housing.progress import stage_counts

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
    from briefing.charts import SLIP_COLOR, baseline_order, baseline_timeline

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


@pytest.mark.parametrize(("rows", "tall"), [(5, False), (TALL_ROWS + 1, True), (60, True)])
def test_a_tall_baseline_timeline_has_date_axes_at_top_and_bottom(rows, tall):
    from briefing.charts import baseline_timeline

    fig = baseline_timeline(with_baselines(rows), AS_OF, "en")
    axes = fig.layout.to_plotly_json()
    assert axes["xaxis"]["side"] == "top"
    assert ("xaxis2" in axes) == tall
    if tall:
        assert (axes["xaxis2"]["side"], axes["xaxis2"]["matches"]) == ("bottom", "x")


@pytest.mark.parametrize(
    ("first", "last", "step"),
    [
        ("2026-01-01", "2026-01-01", "M1"),
        ("2026-01-01", "2026-07-01", "M1"),
        ("2026-01-01", "2027-06-30", "M3"),
        ("2024-01-01", "2027-06-30", "M6"),
        ("2020-01-01", "2027-06-30", "M12"),
        ("2010-01-01", "2027-06-30", "M24"),
    ],
)
def test_month_step_gives_a_handful_of_ticks(first, last, step):
    assert month_step(pd.Series([pd.Timestamp(first), pd.NaT, pd.Timestamp(last)])) == step


def test_the_toolbar_stands_upright_in_the_right_margin_clear_of_the_legend():
    from briefing.charts import MODEBAR_PX

    classified = classify(portfolio(12), AS_OF)
    for figure in (district_bars(by_district(classified), "zh"), timeline(classified, AS_OF, "en")):
        assert figure.layout.modebar.orientation == "v" and figure.layout.margin.r >= MODEBAR_PX
        assert figure.layout.legend.orientation == "h" and figure.layout.legend.y >= 1.0  # the legend on top


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_timeline_legend_names_each_mark_once(lang):
    fig = timeline(portfolio(40), AS_OF, lang)
    shown = [trace.name for trace in fig.data if trace.showlegend is not False and trace.name]
    assert len(shown) == len(set(shown))  # the handed-over status and the actual-handover mark read apart


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_baseline_lines_and_hovers_equal_the_row_by_row_ones(lang):
    """The slip segments and hover texts, built column-wise, are those the former per-row loops built."""
    from briefing.charts import BASELINE_COLOR, SLIP_COLOR, baseline_order, baseline_timeline, moved_text, plot_escape
    from housing.fmt import fmt_date
    from housing.i18n import status_label, t

    frame = with_baselines(60)
    frame.loc[frame.index[::7], "baseline"] = pd.NaT  # some projects without a baseline
    frame["slip_days"] = (frame["deadline"] - frame["baseline"]).dt.days.astype("Int64").array
    fig = baseline_timeline(frame, AS_OF, lang)
    rows = baseline_order(frame).reset_index(drop=True)
    for color, moved in ((SLIP_COLOR, rows["slip_days"] > 0), (BASELINE_COLOR, rows["slip_days"] < 0)):
        xs, ys = [], []
        for i, r in rows[moved.fillna(False).to_numpy(bool)].iterrows():
            xs += [r["baseline"], r["deadline"], None]
            ys += [i, i, None]
        line = next(trace for trace in fig.data if trace.mode == "lines" and trace.line.color == color)
        assert list(line.x) == xs and list(line.y) == ys
    hovers = [
        f"<b>{plot_escape(n)}</b> · {plot_escape(d) if isinstance(d, str) else '—'}<br>{status_label(s, lang)}"
        f"<br>{t('pg_baseline', lang)}: {fmt_date(b, lang) or '—'}"
        f"<br>{t('col_deadline', lang)}: {fmt_date(c, lang) or '—'}"
        + (f"<br>{moved_text(p, lang)}" if pd.notna(p) else "")
        for n, d, s, b, c, p in zip(
            rows["name"], rows["district"], rows["status"], rows["baseline"], rows["deadline"], rows["slip_days"]
        )
    ]
    circles = next(trace for trace in fig.data if trace.name == t("pg_baseline", lang))
    assert list(circles.hovertext) == hovers and len(hovers) == len(rows)


# --- at province scale: bars folded past the top, the timeline summed by month ------------------------------


def districts(n: int) -> pd.DataFrame:
    """``n`` projects, each its own district ``区00``…, households growing with the number."""
    projects = portfolio(n).assign(district=[f"区{i:02d}" for i in range(n)])
    return classify(projects.drop(columns=["status", "level", "reasons", "days_to_deadline"], errors="ignore"), AS_OF)


@pytest.mark.parametrize(
    ("rows", "top", "shown", "others"),
    [
        (BARS_TOP, BARS_TOP, BARS_TOP, ""),  # at the top: every row
        (BARS_TOP + 1, BARS_TOP, BARS_TOP + 1, ""),  # one more: still every row (folding one hides a name)
        (BARS_TOP + 2, BARS_TOP, BARS_TOP + 1, "其他 2 个区县"),
        (100, BARS_TOP, BARS_TOP + 1, "其他 85 个区县"),
        (100, None, 100, ""),
    ],
)
def test_top_with_others(rows, top, shown, others):
    table = by_district(districts(rows))
    folded = top_with_others(table, "district", "zh", top)
    assert len(folded) == shown
    assert folded["households"].sum() == table["households"].sum()  # nothing lost, nothing counted twice
    assert folded["projects"].sum() == rows
    if others:
        assert folded[OTHERS_COLUMN].tolist() == [False] * (shown - 1) + [True]
        assert folded["district"].iloc[-1] == others
        kept = table.nlargest(top, "households")["district"]
        assert set(folded["district"].iloc[:-1]) == set(kept)  # the largest are named
    else:
        assert not folded[OTHERS_COLUMN].any()


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_hundred_district_bars_read_as_the_top_and_the_rest(lang):
    fig = households_bars(by_district(districts(100)), "district", lang, top=BARS_TOP)
    done, waiting, totals = fig.data
    assert len(done.y) == BARS_TOP + 1 and fig.layout.height == bars_height(BARS_TOP + 1)
    assert done.y[0] == ("其他 85 个区县" if lang == "zh" else "85 other districts")  # at the foot, not sorted in
    assert list(totals.x[1:]) == sorted(totals.x[1:])  # the named ones largest on top


def test_big_totals_read_as_people_say_them():
    table = by_district(districts(3)).assign(households=[12_619_000, 999_999, 5])
    table["waiting_households"] = table["households"]
    assert list(households_bars(table, "district", "zh").data[2].text) == ["5", "999,999", "1,261.9万"]
    assert list(households_bars(table, "district", "en").data[2].text) == ["5", "999,999", "12.6 million"]


@pytest.mark.parametrize(
    ("count", "rows", "others"),
    [(SUMMARY_TOP, SUMMARY_TOP, ""), (SUMMARY_TOP + 1, SUMMARY_TOP + 1, ""), (30, SUMMARY_TOP + 1, "其他 23 个区县")],
)
def test_summary_rows_are_the_districts_with_most_projects_and_the_rest(count, rows, others):
    projects = portfolio(600).assign(district=[f"区{min(i % (count + 3), count - 1):02d}" for i in range(600)])
    groups, named_rest = summary_groups(projects, "district", "zh")
    assert groups.nunique() == rows and named_rest == others
    frame = summary_frame(projects, "district", "zh")
    assert list(frame["group"].cat.categories)[-1] == (others or list(frame["group"].cat.categories)[-1])
    assert frame["projects"].sum() == projects["deadline"].notna().sum()
    assert frame["households"].sum() == projects.loc[projects["deadline"].notna(), "households"].sum()
    totals = frame.groupby("group", observed=True)["projects"].sum()
    named = [g for g in totals.index if g != others]
    assert [totals[g] for g in named] == sorted((totals[g] for g in named), reverse=True)  # most projects first


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_summary_draws_a_row_per_group_stacked_by_status_with_no_bar_per_project(lang):
    projects = portfolio(600).assign(district=[f"区{i % 30:02d}" for i in range(600)])
    fig = timeline_summary(projects, AS_OF, lang)
    rows = SUMMARY_TOP + 1
    assert f"yaxis{rows}" in fig.layout and f"yaxis{rows + 1}" not in fig.layout
    assert {trace.marker.color for trace in fig.data} <= set(STATUS_COLORS.values())
    assert sum(trace.showlegend is not False for trace in fig.data) == 4  # one legend entry per status
    assert sum(len(trace.x) for trace in fig.data) < 600  # bars per month and status, not per project
    assert sum(sum(trace.y) for trace in fig.data) == projects["households"].sum()
    titles = [a.text for a in fig.layout.annotations if a.text and "·" in a.text]
    assert len(titles) == rows and titles[-1].startswith("其他 23 个区县" if lang == "zh" else "23 other districts")
    assert fig.layout.height == 150 + 118 * rows


@pytest.mark.parametrize(("months", "period"), [(QUARTERS_ABOVE, "M"), (QUARTERS_ABOVE + 1, "Q")])
def test_the_summary_counts_quarters_over_long_spans(months, period):
    start = pd.Timestamp("2020-01-15")
    deadlines = pd.Series([start, start + pd.DateOffset(months=months - 1)])
    assert summary_period(deadlines) == period


@pytest.mark.parametrize(("every", "labelled"), [(True, 6), (False, 1)])
def test_a_slides_summary_labels_dates_under_its_last_row_only(every, labelled):
    projects = portfolio(600).assign(district=[f"区{i % 30:02d}" for i in range(600)])
    fig = timeline_summary(projects, AS_OF, "zh", top=5, dates_every_row=every)
    axes = [fig.layout[f"xaxis{i}" if i > 1 else "xaxis"] for i in range(1, 7)]
    assert "yaxis7" not in fig.layout  # five districts and the others
    assert sum(axis.showticklabels is not False for axis in axes) == labelled and axes[-1].showticklabels


# --- deadline moves per district (the progress page above chart_project_limit) ---------------------------------


def slip_register(districts: int, per_district: int = 3) -> pd.DataFrame:
    """A baseline frame: district ``区k`` has ``k + 1`` projects slipped by 45 days and one unchanged."""
    rows = []
    for k in range(districts):
        rows += [{"district": f"区{k:02d}", "households": 10, "slip_days": 45}] * (k + 1)
        rows.append({"district": f"区{k:02d}", "households": 5, "slip_days": 0})
    frame = pd.DataFrame(rows)
    frame["slip_days"] = frame["slip_days"].astype("Int64")
    return frame


@pytest.mark.parametrize(
    ("districts", "lang", "rows", "top_tick", "foot_tick"),
    [
        (3, "zh", 3, "区02<br>", "区00<br>"),  # every district, most slipped on top
        (BARS_TOP + 1, "zh", BARS_TOP + 1, f"区{BARS_TOP:02d}<br>", "区00<br>"),  # one over: nothing folded
        (BARS_TOP + 5, "zh", BARS_TOP + 1, f"区{BARS_TOP + 4:02d}<br>", "其他 5 个区县<br>"),
        (BARS_TOP + 5, "en", BARS_TOP + 1, f"区{BARS_TOP + 4:02d}<br>", "5 other districts<br>"),
    ],
)
def test_slip_bars_a_bar_per_district_the_rest_folded(districts, lang, rows, top_tick, foot_tick):
    from briefing.charts import SLIP_BAND_STYLE, slip_bars
    from housing.progress import slip_summary

    fig = slip_bars(slip_summary(slip_register(districts), "district"), "district", lang)
    assert len(fig.data) == len(SLIP_BAND_STYLE)  # a trace per band, never one per project
    ticks = list(fig.layout.yaxis.ticktext)
    assert len(ticks) == rows and ticks[-1].startswith(top_tick) and ticks[0].startswith(foot_tick)
    later = next(trace for trace in fig.data if trace.name == ("推迟31–90天" if lang == "zh" else "31–90 days later"))
    assert sum(later.x) == sum(k + 1 for k in range(districts))  # the folded row carries the rest
    foot = "推迟1个（50%）" if lang == "zh" else "1 later (50%)"  # 区00: 1 of its 2 projects moved
    assert (foot in ticks[0]) == (districts <= BARS_TOP + 1)  # folded, the rows' counts are summed


def test_slip_bars_escape_workbook_names():
    from briefing.charts import slip_bars
    from housing.progress import slip_summary

    frame = slip_register(1).assign(district="<b>区</b>")
    fig = slip_bars(slip_summary(frame, "district"), "district", "zh")
    assert fig.layout.yaxis.ticktext[0].startswith("&lt;b&gt;区&lt;/b&gt;<br>")
    assert "&lt;b&gt;" in fig.data[0].hovertext[0]


@pytest.mark.parametrize(
    ("small", "each", "broken"),
    [
        (3, 10, False),  # the rest smaller than the largest named row: one scale for all
        (3, 380, False),  # 1,140: within the room after the largest bar
        (25, 500, True),  # 12,500 outweigh the largest (1,000): the rest's bar runs off the edge, its total there
    ],
)
def test_a_large_rest_does_not_flatten_the_named_bars(small, each, broken):
    households = [1_000] * BARS_TOP + [each] * small
    table = pd.DataFrame(
        {
            "district": [f"区{i:02d}" for i in range(len(households))],
            "households": households,
            "done_households": [h // 2 for h in households],
            "waiting_households": [h - h // 2 for h in households],
        }
    )
    fig = households_bars(table, "district", "zh", top=BARS_TOP)
    assert len(fig.data[0].y) == BARS_TOP + 1  # fifteen named, the rest as one
    right = fig.layout.xaxis.range[1]
    notes = [a.text for a in fig.layout.annotations]
    done, waiting, totals = fig.data
    if broken:
        assert right == pytest.approx(1_000 * 1.15) and notes == [f"{small * each:,} »"]
        assert done.x[0] + waiting.x[0] == pytest.approx(right)  # the rest's bar spans the chart
        assert done.x[0] / right == pytest.approx(small * (each // 2) / (small * each))  # in its true shares
        assert done.customdata[0] == small * (each // 2) and totals.text[0] == ""  # true counts in the hover
    else:
        assert right >= 1_000 * 1.15 and right >= small * each and not notes


@pytest.mark.parametrize("households", [80, 2_600, 90_000])
def test_a_pages_summary_sets_its_left_margin_to_its_widest_tick(households):
    """On a page the summary does not let the browser find its margins (Plotly's automargin redraws a chart of
    16 axes until they settle): the left margin holds the widest household tick, the tallest stacked bar of any
    row with 10 % to spare, 8 px a character and 12 px beside it."""
    projects = portfolio(600).assign(district=[f"区{i % 30:02d}" for i in range(600)], households=households)
    frame = summary_frame(projects, "district", "zh")
    tallest = frame.groupby(["group", "period"], observed=True)["households"].sum().max()
    fig = timeline_summary(projects, AS_OF, "zh", fixed_margins=True)
    assert fig.layout.margin.l == tick_margin(frame) == 12 + 8 * len(f"{int(tallest * 1.1):,}")
    assert tallest >= households and fig.layout.margin.l >= 12 + 8 * len(f"{households:,}")
    axes = [k for k in fig.layout if k.startswith(("xaxis", "yaxis"))]
    assert len(axes) == 2 * (SUMMARY_TOP + 1) and all(fig.layout[k].automargin is False for k in axes)
    slide = timeline_summary(projects, AS_OF, "zh", dates_every_row=False)  # a slide's type size differs
    assert all(slide.layout[k].automargin is None for k in axes) and slide.layout.margin.l == 10


@pytest.mark.parametrize(
    ("value", "expected"), [(6_840, 5_000), (17_200, 10_000), (230, 200), (1, 1), (0.4, 1), (2_000, 2_000)]
)
def test_a_slide_rows_tick_is_a_round_figure_within_its_range(value, expected):
    assert round_down(value) == expected


def _tick_rows(figure: dict, width: int, height: int) -> dict[str, list[float]]:
    """The figure drawn by Chromium (kaleido) as SVG: each y axis's tick labels' vertical positions (px)."""
    import asyncio
    import re

    import kaleido

    from briefing.images import ChartRenderError, browser_path

    try:
        path = browser_path()
    except ChartRenderError as missing:
        pytest.skip(str(missing))

    async def draw() -> bytes:
        async with kaleido.Kaleido(path=path, mathjax=False) as k:
            return await k.calc_fig(figure, opts={"format": "svg", "width": width, "height": height})

    svg = asyncio.run(draw()).decode()
    rows: dict[str, list[float]] = {}
    for axis, tag in re.findall(r'class="(y\d*tick)"><text([^>]*)>', svg):
        rows.setdefault(axis, []).append(float(re.search(r"translate\([\d.]+,([\d.]+)\)", tag).group(1)))
    return rows


def test_the_slides_month_summary_ticks_do_not_run_into_each_other():
    """On a 1280×720 projector a slide gives each of the six rows a plot a couple of type sizes tall, where four
    ticks (0, 2,000, 4,000, 6,000) were drawn 10 px apart in 16 px type: each row shows one round figure."""
    import json

    import plotly.io as pio

    from briefing import blocks as B
    from briefing.build import SLIDE_SUMMARY_TOP
    from ui.slides import CONTENT_H, GAP, PAD_X, SAFETY, _figure

    n = 1_000
    projects = portfolio(n).assign(district=[f"区{i % 9}" for i in range(n)])
    fig = timeline_summary(projects, AS_OF, "zh", top=SLIDE_SUMMARY_TOP, dates_every_row=False)
    u, font = 16, 16  # 1280×720: 16 px to the slide unit; the slide draws charts in 16 px type
    figure = _figure(B.Chart("timeline", json.loads(pio.to_json(fig)), ""), font)
    rows = _tick_rows(figure, int(1280 - 2 * PAD_X * u), int((CONTENT_H + SAFETY - GAP) * u))
    assert len(rows) == SLIDE_SUMMARY_TOP + 1
    for axis, ys in rows.items():
        ys = sorted(ys)
        assert all(b - a >= font for a, b in zip(ys, ys[1:])), (axis, ys)
