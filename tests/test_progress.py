"""Progress figures: the milestone funnel's counting rules, one project's stage plan, deadline slips."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as hst

from housing.changes import project_key
from housing.progress import (
    MILESTONES,
    SLIP_BAND_KEYS,
    baseline_frame,
    deadline_history,
    reached,
    slip_band,
    slip_summary,
    stage_counts,
    stage_funnel,
    stage_plan,
)
from housing.register import UNNAMED
from housing.stages import STAGE_IDS
from housing.status import classify
from loaders.load import empty_stage_dates

AS_OF = dt.date(2026, 11, 21)


def stage_dates(rows: list[tuple]) -> pd.DataFrame:
    """A stage-date table from (name, district, stage_id, planned, actual) tuples."""
    frame = pd.DataFrame(rows, columns=["name", "district", "stage_id", "planned", "actual"])
    frame["sheet"], frame["row"] = "节点计划", range(2, len(frame) + 2)
    for column in ("planned", "actual"):
        frame[column] = pd.to_datetime(frame[column])
    return frame.astype(empty_stage_dates().dtypes.to_dict())


# (case, the project's stage_id, handed_over, stage-date rows (stage, planned, actual), reached per milestone)
FUNNEL_CASES = [
    ("stage at the milestone", "topped_out", None, [], (True, False, False)),
    ("stage past two milestones", "ready", None, [], (True, True, False)),
    ("stage before every milestone", "structure", None, [], (False, False, False)),
    ("stage unknown, nothing else", None, None, [], (False, False, False)),
    (
        "actual date of the milestone",
        "structure",
        None,
        [("topped_out", "2026-01-01", "2026-02-01")],
        (True, False, False),
    ),
    ("actual date of a later stage", "structure", None, [("ready", "2026-01-01", "2026-03-01")], (True, True, False)),
    ("planned date only", "structure", None, [("topped_out", "2026-01-01", None)], (False, False, False)),
    ("actual after the as-of date", "structure", None, [("topped_out", "2026-01-01", "2026-12-01")], (False,) * 3),
    ("handed over by the as-of date", None, "2026-06-30", [], (True, True, True)),
    ("handed over after the as-of date", "acceptance", "2026-12-30", [], (True, True, False)),
    ("stage text says handed over", "handover", None, [], (True, True, True)),
]


@pytest.mark.parametrize(
    ("stage_id", "handed_over", "dated", "expected"), [c[1:] for c in FUNNEL_CASES], ids=[c[0] for c in FUNNEL_CASES]
)
def test_funnel_counting_rules(project_table, stage_id, handed_over, dated, expected):
    projects = project_table(
        [{"name": "大辛村安置区", "district": "历城区", "stage_id": stage_id, "handed_over": handed_over}]
    )
    dates = stage_dates([("大辛村安置区", "历城区", s, p, a) for s, p, a in dated])
    hit = reached(classify(projects, AS_OF), dates, AS_OF)
    assert tuple(bool(hit[m].iloc[0]) for m in MILESTONES) == expected


def test_stage_dates_match_by_normalised_district_and_name_only(project_table):
    projects = project_table(
        [
            {"name": "大辛村安置区", "district": "历城区", "stage_id": "structure"},
            {"name": "大辛村安置区", "district": "章丘区", "stage_id": "structure"},
        ]
    )
    dates = stage_dates([(" 大辛村安置区 ", "历城区", "acceptance", "2026-01-01", "2026-02-01")])
    hit = reached(classify(projects, AS_OF), dates, AS_OF)
    assert hit["acceptance"].tolist() == [True, False]


def test_funnel_sums_projects_households_and_area(project_table):
    projects = project_table(
        [
            {"name": "甲", "households": 100, "floor_area_m2": 10_000.0, "stage_id": "structure"},
            {"name": "乙", "households": 200, "floor_area_m2": 25_000.0, "stage_id": "acceptance"},
            {"name": "丙", "households": 300, "floor_area_m2": 40_000.0, "handed_over": "2026-01-31"},
            {"name": "丁", "households": None, "floor_area_m2": None, "stage_id": "topped_out"},
        ]
    )
    funnel = stage_funnel(classify(projects, AS_OF))
    assert funnel["step"].tolist() == ["total", "topped_out", "acceptance", "handover"]
    assert funnel["projects"].tolist() == [4, 3, 2, 1]
    assert funnel["households"].tolist() == [600, 500, 500, 300]
    assert funnel["floor_area_m2"].tolist() == [75_000.0, 65_000.0, 65_000.0, 40_000.0]


def test_funnel_of_the_portfolio_sample():
    from loaders import load_workbook

    result = load_workbook("data/sample_portfolio.xlsx")
    funnel = stage_funnel(classify(result.projects, AS_OF), result.stage_dates, AS_OF)
    assert funnel["projects"].tolist() == [56, 37, 23, 17]
    assert funnel["households"].tolist() == [67_650, 46_599, 27_223, 21_383]


def test_stage_counts_every_stage_in_order_and_the_unknown_last(project_table):
    projects = project_table(
        [
            {"name": "甲", "households": 10, "stage_id": "structure"},
            {"name": "乙", "households": 20, "stage_id": "structure"},
            {"name": "丙", "households": 30, "stage_id": None},
        ]
    )
    counts = stage_counts(classify(projects, AS_OF))
    assert counts["stage_id"].tolist()[:-1] == list(STAGE_IDS) and pd.isna(counts["stage_id"].iloc[-1])
    assert counts.set_index("stage_id")["projects"].get("structure") == 2
    assert counts["projects"].sum() == 3 and counts["households"].iloc[-1] == 30


# --- stage plan ----------------------------------------------------------------------------------------------

PLAN = [  # a project's stage sheet rows, deliberately out of order
    ("acceptance", "2026-06-30", None),  # planned passed, not done: running
    ("start", "2024-03-01", "2024-03-01"),  # on time
    ("handover", "2027-03-31", None),  # not due yet
    ("topped_out", "2025-09-30", "2025-10-20"),  # 20 days late
]


def plan_for(rows=PLAN, stage_id=None, as_of=AS_OF) -> pd.DataFrame:
    dates = stage_dates([("大辛村安置区", "历城区", s, p, a) for s, p, a in rows])
    return stage_plan(dates, "大辛村安置区", "历城区", as_of, stage_id).set_index("stage_id")


@pytest.mark.parametrize(
    ("stage", "done", "running", "slip"),
    [
        ("start", True, False, 0),
        ("topped_out", True, False, 20),
        ("acceptance", False, True, (AS_OF - dt.date(2026, 6, 30)).days),
        ("handover", False, False, None),
    ],
)
def test_stage_plan_slips(stage, done, running, slip):
    row = plan_for().loc[stage]
    assert (bool(row["done"]), bool(row["running"])) == (done, running)
    assert (None if pd.isna(row["slip_days"]) else int(row["slip_days"])) == slip


def test_stage_plan_is_in_sequence_order_with_bars_from_the_previous_stage():
    plan = plan_for()
    assert plan.index.tolist() == ["start", "topped_out", "acceptance", "handover"]
    assert plan.loc["start", "planned_start"] == plan.loc["start", "planned_end"]  # the first stage is a point
    assert plan.loc["topped_out", "planned_start"] == pd.Timestamp("2024-03-01")
    assert plan.loc["topped_out", "actual_start"] == pd.Timestamp("2024-03-01")
    assert plan.loc["acceptance", "actual_start"] == pd.Timestamp("2025-10-20")  # where its work began
    assert pd.isna(plan.loc["acceptance", "actual_end"])
    assert pd.isna(plan.loc["handover", "actual_start"])  # its predecessor is not done


@pytest.mark.parametrize(
    ("case", "rows", "stage_id", "as_of", "expected"),
    [
        ("early", [("topped_out", "2025-09-30", "2025-09-20")], None, AS_OF, (True, False, -10)),
        (
            "actual after the as-of date",
            [("topped_out", "2025-09-30", "2025-10-20")],
            None,
            dt.date(2025, 10, 5),
            (False, True, 5),
        ),
        (
            "done by the current stage, no date",
            [("topped_out", "2025-09-30", None)],
            "supporting",
            AS_OF,
            (True, False, None),
        ),
        ("no planned date", [("topped_out", None, "2025-10-20")], None, AS_OF, (True, False, None)),
    ],
)
def test_stage_plan_edge_cases(case, rows, stage_id, as_of, expected):
    row = plan_for(rows, stage_id, as_of).loc["topped_out"]
    slip = None if pd.isna(row["slip_days"]) else int(row["slip_days"])
    assert (bool(row["done"]), bool(row["running"]), slip) == expected, case


def test_stage_plan_of_a_project_without_stage_dates_is_empty():
    plan = stage_plan(stage_dates([]), "大辛村安置区", "历城区", AS_OF)
    assert plan.empty and "slip_days" in plan
    assert stage_plan(empty_stage_dates(), "别的项目", None, AS_OF).empty


def test_a_repeated_stage_keeps_its_first_row():
    plan = plan_for([("start", "2024-03-01", "2024-03-05"), ("start", "2024-01-01", "2024-01-01")])
    assert len(plan) == 1 and int(plan.loc["start", "slip_days"]) == 4


# --- deadlines against their baseline ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("baseline", "deadline", "slip"),
    [
        ("2026-06-30", "2026-09-30", 92),
        ("2026-06-30", "2026-06-20", -10),
        ("2026-06-30", "2026-06-30", 0),
        (None, "2026-06-30", None),
        ("2026-06-30", None, None),
    ],
)
def test_baseline_slip(project_table, baseline, deadline, slip):
    projects = classify(project_table([{"name": "甲", "district": "历城区", "deadline": deadline}]), AS_OF)
    baselines = pd.Series([pd.Timestamp(baseline) if baseline else pd.NaT], index=project_key(projects).to_numpy())
    row = baseline_frame(projects, baselines).iloc[0]
    assert (None if pd.isna(row["slip_days"]) else int(row["slip_days"])) == slip


def test_baseline_frame_keeps_the_project_index_and_misses_unknown_keys(project_table):
    projects = classify(project_table([{"name": "甲", "deadline": "2026-06-30"}, {"name": "乙"}]), AS_OF)
    projects.index = [10, 20]
    frame = baseline_frame(projects, pd.Series(dtype="datetime64[ns]"))
    assert frame.index.tolist() == [10, 20] and frame["baseline"].isna().all()


def test_deadline_history_gives_the_move_since_the_version_before():
    history = pd.DataFrame(
        {
            "version_id": [3, 1, 2],
            "deadline": pd.to_datetime(["2026-09-30", "2026-06-30", "2026-06-30"]),
        }
    )
    moves = deadline_history(history)
    assert moves["version_id"].tolist() == [1, 2, 3]
    assert [None if pd.isna(d) else int(d) for d in moves["deadline_change"]] == [None, 0, 92]


# --- deadline moves summed per place (the progress page above chart_project_limit) ------------------------------


@pytest.mark.parametrize(
    ("slip", "band"),
    [
        (-400, "earlier"),
        (-1, "earlier"),
        (0, "unchanged"),
        (1, "later_30"),
        (30, "later_30"),
        (31, "later_90"),
        (90, "later_90"),
        (91, "later_180"),
        (180, "later_180"),
        (181, "later_more"),
        (3_000, "later_more"),
        (None, "unknown"),
    ],
)
def test_slip_band_edges(slip, band):
    assert slip_band(pd.Series(pd.array([slip], dtype="Int64"))).tolist() == [band]


def test_slip_summary_counts_projects_and_households_per_place():
    frame = pd.DataFrame(
        {
            "district": ["甲区", "甲区", "甲区", "乙区", None],
            "households": [100, 200, None, 50, 7],
            "slip_days": pd.array([10, 200, 0, -5, None], dtype="Int64"),
        }
    )
    summary = slip_summary(frame, "district").set_index("district")
    assert summary.index.tolist() == ["甲区", "乙区", UNNAMED]  # most slipped first, then by name
    first = summary.loc["甲区"]
    assert (first["projects"], first["slipped"], first["slipped_households"], first["max_slip"]) == (3, 2, 300, 200)
    assert (first["projects_later_30"], first["projects_later_more"], first["projects_unchanged"]) == (1, 1, 1)
    assert first["households"] == 300  # a blank household count counts as none
    assert summary.loc["乙区", "projects_earlier"] == 1 and summary.loc["乙区", "max_slip"] == 0
    assert summary.loc[UNNAMED, "projects_unknown"] == 1 and summary.loc[UNNAMED, "households_unknown"] == 7
    bands = [f"projects_{b}" for b in SLIP_BAND_KEYS]
    assert (summary[bands].sum(axis=1) == summary["projects"]).all()  # every project in exactly one band


def test_slip_summary_of_nothing_is_empty():
    frame = pd.DataFrame({"street": [], "households": [], "slip_days": pd.array([], dtype="Int64")})
    assert slip_summary(frame, "street").empty


@settings(deadline=None)  # pandas grouping on a shared, busy machine: no per-example time limit
@given(
    hst.lists(
        hst.tuples(
            hst.sampled_from(["甲区", "乙区", None]),
            hst.one_of(hst.none(), hst.integers(0, 5_000)),
            hst.one_of(hst.none(), hst.integers(-2_000, 2_000)),
        ),
        max_size=40,
    )
)
def test_slip_summary_accounts_for_every_project(rows):
    frame = pd.DataFrame(rows, columns=["district", "households", "slip_days"])
    frame["slip_days"] = frame["slip_days"].astype("Int64")
    summary = slip_summary(frame, "district")
    days = frame["slip_days"]
    assert summary["projects"].sum() == len(frame)
    assert summary["slipped"].sum() == int((days > 0).sum())
    assert summary["households"].sum() == int(pd.to_numeric(frame["households"]).fillna(0).sum())
    for band in SLIP_BAND_KEYS:
        assert summary[f"projects_{band}"].sum() == int((slip_band(days) == band).sum())
    largest = int(days.max()) if days.notna().any() else 0
    assert (int(summary["max_slip"].max()) if len(summary) else 0) == max(largest, 0)


@pytest.mark.parametrize("rows", [[0], [1], [2], [1, 2], [0, 1, 2]])
def test_baseline_frame_of_some_rows_with_their_keys_is_the_whole_narrowed(project_table, rows):
    """The detail page passes one row and its key from the whole register's keys: the same figures as the
    whole table's frame narrowed, for a name that repeats (its key carries the occurrence) too."""
    given = [
        {"name": "甲", "district": "历城区", "deadline": "2026-06-30"},
        {"name": "甲", "district": "历城区", "deadline": "2026-07-31"},  # the same key again: occurrence 2
        {"name": "乙", "district": "章丘区", "deadline": "2026-08-31"},
    ]
    projects = classify(project_table(given), AS_OF)
    projects.index = [10, 20, 30]
    keys = project_key(projects)
    baselines = pd.Series(pd.to_datetime(["2026-05-31", "2026-06-15", "2026-09-30"]), index=keys.to_numpy())
    labels = projects.index[rows]
    whole = baseline_frame(projects, baselines).loc[labels]
    some = baseline_frame(projects.loc[labels], baselines, keys.loc[labels])
    assert some.equals(whole)
    assert some["slip_days"].tolist() == [[30, 46, -30][r] for r in rows]
