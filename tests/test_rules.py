"""The warning rules at and around each threshold, threshold overrides, the status mapping and the messages."""

import datetime as dt
import string

import numpy as np
import pandas as pd
import pytest
from registers import AS_OF as REGISTER_AS_OF
from registers import random_register

from housing.changes import project_key
from housing.i18n import CATALOGUE
from housing.rules import (
    DUE_SOON_DAYS,
    RULES,
    STAGE_PERCENT,
    Evidence,
    classify,
    default_thresholds,
    effective_thresholds,
    evaluate,
    judge,
)
from housing.stages import STAGE_IDS
from housing.status import AT_RISK, DONE, ON_TRACK, OVERDUE, render, urgent_first
from loaders.load import empty_stage_dates

AS_OF = dt.date(2021, 5, 1)
DAY = dt.timedelta(days=1)


def project(name="p", district="章丘区", **values) -> dict:
    """One project row; by default far from its deadline, with nothing that makes a rule fire."""
    row = {
        "name": name,
        "district": district,
        "households": 100,
        "start": None,
        "deadline": AS_OF + 200 * DAY,
        "handed_over": None,
        "stage": None,
        "stage_id": None,
        "progress": None,
    }
    return row | values


def table(*rows: dict) -> pd.DataFrame:
    """Project rows in the loader's dtypes."""
    frame = pd.DataFrame(list(rows))
    for column in ("start", "deadline", "handed_over"):
        frame[column] = pd.to_datetime(frame[column]).astype("datetime64[ns]")
    for column in ("name", "district", "stage", "stage_id"):
        frame[column] = frame[column].astype("string")
    frame["progress"] = frame["progress"].astype("Float64")
    frame["households"] = frame["households"].astype("Int64")
    return frame


def stage_dates(*rows: tuple) -> pd.DataFrame:
    """(name, stage_id, planned, actual) rows as the loader's stage-date table, district 章丘区."""
    frame = pd.DataFrame(
        [{"name": n, "district": "章丘区", "stage_id": s, "planned": p, "actual": a} for n, s, p, a in rows]
    )
    frame["planned"] = pd.to_datetime(frame["planned"]).astype("datetime64[ns]")
    frame["actual"] = pd.to_datetime(frame["actual"]).astype("datetime64[ns]")
    return frame.astype({"name": "string", "district": "string", "stage_id": "string"})


def fired(frame, thresholds=None, evidence=None, as_of=AS_OF) -> list[tuple[str, str]]:
    """(rule, level) of every firing, in the engine's order."""
    found = evaluate(frame, as_of, thresholds, evidence)
    return list(zip(found["rule"], found["level"], strict=True))


# --- behind schedule (序时进度) -------------------------------------------------------------------------------

HALFWAY = {"start": AS_OF - 100 * DAY, "deadline": AS_OF + 100 * DAY}  # expected: exactly 50 %


@pytest.mark.parametrize(
    ("progress", "stage_id", "expected"),
    [
        (40.1, None, []),  # 9.9 points behind
        (40.0, None, [("behind_schedule", "yellow")]),  # 10
        (20.0, None, [("behind_schedule", "yellow")]),  # 30
        (19.9, None, [("behind_schedule", "red")]),  # 30.1
        (55.0, None, []),  # ahead
        (None, "start", [("behind_schedule", "red")]),  # stage-implied 15 %: 35 behind
        (None, "structure", [("behind_schedule", "yellow")]),  # 35 %: 15 behind
        (None, "topped_out", []),  # 60 %
        (60.0, "start", []),  # a progress figure wins over the stage
        (None, None, []),  # neither progress nor stage: nothing to compare
    ],
)
def test_behind_schedule_bands(progress, stage_id, expected):
    assert fired(table(project(progress=progress, stage_id=stage_id, **HALFWAY))) == expected


def test_behind_schedule_needs_start_and_a_sensible_span():
    assert fired(table(project(progress=0.0, deadline=AS_OF + 100 * DAY))) == []  # no start
    span_backwards = {"start": AS_OF + 150 * DAY, "deadline": AS_OF + 100 * DAY}
    assert fired(table(project(progress=0.0, **span_backwards))) == []
    not_started_yet = {"start": AS_OF + 10 * DAY, "deadline": AS_OF + 300 * DAY}  # expected 0 %
    assert fired(table(project(progress=0.0, **not_started_yet))) == []


def test_behind_schedule_params_and_message():
    found = evaluate(table(project(progress=40.0, **HALFWAY)), AS_OF)
    params = found["params"].iloc[0]
    assert params == {"expected": 50.0, "actual": 40.0, "points": 10.0, "basis": "progress"}
    assert render(("behind_schedule", params), "zh") == "按序时应完成 50%，实际 40%，落后 10 个百分点"
    assert render(("behind_schedule", params), "en") == "Expected 50% by now, actual 40%: 10 points behind"


def test_stage_percent_covers_every_stage_in_order():
    assert list(STAGE_PERCENT) == list(STAGE_IDS)
    values = list(STAGE_PERCENT.values())
    assert values == sorted(values) and values[0] == 0 and values[-1] == 100


# --- stage late ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("days_late", "expected"),
    [(0, []), (1, ["yellow"]), (7, ["yellow"]), (8, ["yellow"]), (14, ["yellow"]), (15, ["red"]), (400, ["red"])],
)
def test_stage_late_bands(days_late, expected):
    dates = stage_dates(("p", "topped_out", AS_OF - days_late * DAY, None))
    found = fired(table(project(stage_id="structure")), evidence=Evidence(stage_dates=dates))
    assert found == [("stage_late", level) for level in expected]


@pytest.mark.parametrize(
    ("stage_id", "actual", "fires"),
    [
        ("structure", None, True),  # before topped out, no actual date
        (None, None, True),  # stage unknown: only the dates tell
        ("topped_out", None, False),  # the current stage is at it: done
        ("supporting", None, False),  # past it: done
        ("structure", AS_OF - 3 * DAY, False),  # an actual date: done
        ("structure", AS_OF, False),  # done on the as-of date
        ("structure", AS_OF + DAY, True),  # done after the as-of date: not yet done then
    ],
)
def test_stage_done_by_actual_date_or_current_stage(stage_id, actual, fires):
    dates = stage_dates(("p", "topped_out", AS_OF - 20 * DAY, actual))
    found = fired(table(project(stage_id=stage_id)), evidence=Evidence(stage_dates=dates))
    assert found == ([("stage_late", "red")] if fires else [])


def test_stage_late_one_flag_per_late_stage_matched_by_project_key():
    projects = table(project("西琅沟", stage_id="start"), project("月官", stage_id="start"))
    dates = stage_dates(
        ("西琅沟", "structure", AS_OF - 2 * DAY, None),
        ("西琅沟", "topped_out", AS_OF - 30 * DAY, None),  # an odd plan, but two late stages
        ("西琅沟", "topped_out", AS_OF - 30 * DAY, None),  # the sheet repeats a row: still one flag
        ("西琅沟", "acceptance", AS_OF + 30 * DAY, None),  # not due yet
        (" 月官 ", "start", AS_OF - 40 * DAY, None),  # at the start stage already: done
        ("月官", "structure", None, None),  # no planned date
        ("白泉", "start", AS_OF - 40 * DAY, None),  # not in the project table
        ("月官", "no_such_stage", AS_OF - 40 * DAY, None),
    )
    found = evaluate(projects, AS_OF, evidence=Evidence(stage_dates=dates))
    assert found[["position", "rule", "level"]].values.tolist() == [
        [0, "stage_late", "red"],  # most severe first
        [0, "stage_late", "yellow"],
    ]
    assert [p["stage_id"] for p in found["params"]] == ["topped_out", "structure"]


@pytest.mark.parametrize(
    ("deadline_days", "expected"),
    [
        (-5, [("overdue", "red"), ("stage_late", "yellow")]),  # overdue says the handover is late: said once
        (5, [("stage_late", "red"), ("due_soon", "red"), ("stage_late", "yellow")]),  # not overdue: handover too
    ],
)
def test_late_handover_stage_is_left_to_overdue(deadline_days, expected):
    dates = stage_dates(
        ("p", "ready", AS_OF - 3 * DAY, None),
        ("p", "handover", AS_OF - 20 * DAY, None),
    )
    frame = table(project(stage_id="structure", deadline=AS_OF + deadline_days * DAY))
    assert fired(frame, evidence=Evidence(stage_dates=dates)) == expected


def test_stage_late_message():
    params = {"stage_id": "topped_out", "planned": dt.date(2021, 2, 10), "days": 19}
    assert render(("stage_late", params), "zh") == "主体封顶计划于2021年2月10日完成，尚未完成，已晚 19 天"
    assert render(("stage_late", params), "en") == "Topped out planned 2021-02-10, not done, 19 days late"
    dates = stage_dates(("p", "topped_out", "2021-02-10", None))
    found = evaluate(table(project(stage_id="structure")), dt.date(2021, 3, 1), evidence=Evidence(stage_dates=dates))
    assert found["params"].tolist() == [params]


def test_empty_stage_dates_fire_nothing():
    assert fired(table(project()), evidence=Evidence(stage_dates=empty_stage_dates())) == []


# --- due soon ----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("days", [31, 30, 0, -1])
@pytest.mark.parametrize("stage_id", [None, "permit", "structure", "meters", "acceptance", "ready", "allocation"])
def test_due_soon_by_days_and_stage(days, stage_id):
    found = fired(table(project(deadline=AS_OF + days * DAY, stage_id=stage_id)))
    if days < 0:
        expected = [("overdue", "red")]
    elif days > DUE_SOON_DAYS or stage_id in ("acceptance", "ready", "allocation"):
        expected = []
    else:
        expected = [("due_soon", "yellow" if stage_id is None else "red")]
    assert found == expected


def test_due_soon_message():
    params = {"deadline": dt.date(2021, 5, 13), "days": 12, "stage_id": "topped_out"}
    assert render(("due_soon", params), "zh") == "距计划交付日期2021年5月13日仅剩 12 天，当前阶段：主体封顶"
    assert render(("due_soon", params), "en") == "Deadline 2021-05-13 is 12 days away, current stage: Topped out"
    unknown = params | {"stage_id": None, "days": 1}
    assert render(("due_soon", unknown), "en") == "Deadline 2021-05-13 is 1 day away, current stage: unknown"


# --- overdue ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("days", "expected"), [(0, []), (-1, [("overdue", "red")]), (-400, [("overdue", "red")])])
def test_overdue(days, expected):
    assert fired(table(project(deadline=AS_OF + days * DAY, stage_id="ready"))) == expected


def test_overdue_message():
    params = {"deadline": dt.date(2021, 3, 31), "days": 31}
    assert render(("overdue", params), "zh") == "已逾期 31 天（计划 2021年3月31日）"
    assert render(("overdue", params), "en") == "31 days overdue (deadline 2021-03-31)"
    assert render(("overdue", params | {"days": 1}), "en") == "1 day overdue (deadline 2021-03-31)"


# --- slip ------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("slip_days", "expected"), [(-10, []), (0, []), (1, [("slip", "yellow")]), (90, [("slip", "yellow")])]
)
def test_slip(slip_days, expected):
    now = table(project(deadline=AS_OF + 200 * DAY))
    before = table(project(deadline=AS_OF + (200 - slip_days) * DAY))
    assert fired(now, evidence=Evidence(previous=before)) == expected


def test_slip_matches_by_key_and_says_how_much():
    now = table(project("北皋埠", deadline=dt.date(2021, 7, 30)), project("长青", deadline=dt.date(2021, 6, 30)))
    before = table(project("长青", deadline=dt.date(2021, 6, 30)), project("北皋埠 ", deadline=dt.date(2021, 6, 30)))
    found = evaluate(now, AS_OF, evidence=Evidence(previous=before))
    assert found["position"].tolist() == [0]
    params = found["params"].iloc[0]
    assert params == {"old": dt.date(2021, 6, 30), "new": dt.date(2021, 7, 30), "days": 30}
    assert render(("slip", params), "zh") == "计划交付日期由2021年6月30日推迟至2021年7月30日，推迟 30 天"
    assert render(("slip", params), "en") == "Deadline moved from 2021-06-30 to 2021-07-30 (30 days later)"
    assert fired(now, {"slip": {"days": 31}}, Evidence(previous=before)) == []
    assert fired(now, evidence=Evidence(previous=table(project("别的项目")))) == []  # a new project: no slip


# --- stale -----------------------------------------------------------------------------------------------------


def _since(frame: pd.DataFrame, days_ago: int) -> pd.Series:
    return pd.Series(pd.Timestamp(AS_OF - days_ago * DAY), index=project_key(frame))


@pytest.mark.parametrize(("days_ago", "expected"), [(0, []), (28, []), (29, [("stale", "yellow")])])
def test_stale_after_four_weeks(days_ago, expected):
    frame = table(project())
    assert fired(frame, evidence=Evidence(unchanged_since=_since(frame, days_ago))) == expected


def test_stale_threshold_and_message():
    frame = table(project())
    evidence = Evidence(unchanged_since=_since(frame, 15))
    assert fired(frame, {"stale": {"weeks": 2}}, evidence) == [("stale", "yellow")]
    params = evaluate(frame, AS_OF, {"stale": {"weeks": 2}}, evidence)["params"].iloc[0]
    assert params == {"since": dt.date(2021, 4, 16), "days": 15}
    assert render(("stale", params), "zh") == "自2021年4月16日起已 15 天未更新"
    assert render(("stale", params), "en") == "Unchanged for 15 days (since 2021-04-16)"
    other = pd.Series([pd.Timestamp("2020-01-01")], index=["someone\x1felse"])
    assert fired(frame, evidence=Evidence(unchanged_since=other)) == []


# --- done projects, overrides, status mapping ---------------------------------------------------------------------


def _everything(handed_over) -> tuple[pd.DataFrame, Evidence]:
    """A project every rule would flag (late, behind, a late stage, slipped, stale), handed over or not."""
    frame = table(
        project(
            handed_over=handed_over,
            start=AS_OF - 400 * DAY,
            deadline=AS_OF - 10 * DAY,
            progress=10.0,
            stage_id="structure",
            stage="主体施工",
        )
    )
    evidence = Evidence(
        stage_dates=stage_dates(("p", "topped_out", AS_OF - 30 * DAY, None)),
        previous=table(project(deadline=AS_OF - 40 * DAY)),
        unchanged_since=_since(frame, 60),
    )
    return frame, evidence


@pytest.mark.parametrize("handed_over", [AS_OF - 5 * DAY, AS_OF])
def test_done_projects_fire_nothing(handed_over):
    frame, evidence = _everything(handed_over)
    assert fired(frame, evidence=evidence) == []
    row = classify(frame, AS_OF, evidence=evidence).iloc[0]
    assert row.status == DONE and pd.isna(row.level)
    assert row.reasons == (
        ("reason_done_late", {"date": handed_over, "days": (handed_over - (AS_OF - 10 * DAY)).days}),
    )


def test_a_later_handover_is_not_done_yet_and_every_rule_fires():
    frame, evidence = _everything(AS_OF + DAY)
    assert fired(frame, evidence=evidence) == [
        ("overdue", "red"),
        ("behind_schedule", "red"),
        ("stage_late", "red"),
        ("slip", "yellow"),
        ("stale", "yellow"),
    ]
    row = classify(frame, AS_OF, evidence=evidence).iloc[0]
    assert (row.status, row.level) == (OVERDUE, "red")
    assert row.reasons[-1] == ("reason_stage", {"stage": "主体施工"})
    for rule_id, params in row.reasons[:-1]:  # every firing's params fill its templates
        for lang in ("zh", "en"):
            assert "{" not in render((rule_id, params), lang)


def test_threshold_overrides():
    behind = table(project(progress=35.0, **HALFWAY))  # 15 points behind
    assert fired(behind) == [("behind_schedule", "yellow")]
    assert fired(behind, {"behind_schedule": {"yellow_points": 5, "red_points": 12}}) == [("behind_schedule", "red")]
    assert fired(behind, {"behind_schedule": {"yellow_points": 20, "red_points": 40}}) == []
    late = stage_dates(("p", "topped_out", AS_OF - 8 * DAY, None))
    evidence = Evidence(stage_dates=late)
    assert fired(table(project()), {"stage_late": {"red_days": 8}}, evidence) == [("stage_late", "red")]
    assert fired(table(project()), {"stage_late": {"yellow_days": 9, "red_days": 20}}, evidence) == []
    soon = table(project(deadline=AS_OF + 45 * DAY, stage_id="structure"))
    assert fired(soon) == [] and fired(soon, {"due_soon": {"days": 45}}) == [("due_soon", "red")]


def test_default_thresholds_as_documented():
    assert default_thresholds() == {
        "overdue": {},
        "behind_schedule": {"yellow_points": 10.0, "red_points": 30.0},
        "stage_late": {"yellow_days": 1, "red_days": 15},
        "due_soon": {"days": 30},
        "slip": {"days": 1},
        "stale": {"weeks": 4},
        "hotline_surge": {"calls": 5, "ratio": 2.0},  # tests/test_hotline.py tests it at its thresholds
    }
    defaults = default_thresholds()
    defaults["due_soon"]["days"] = 1  # a fresh copy each time
    assert default_thresholds()["due_soon"]["days"] == 30


@pytest.mark.parametrize(
    ("stored", "changed"),
    [
        (None, {}),
        ("not a mapping", {}),
        ([1, 2], {}),
        ({"no_such_rule": {"days": 3}}, {}),
        ({"due_soon": "x"}, {}),
        ({"due_soon": {"no_such_threshold": 3}}, {}),
        ({"due_soon": {"days": -1}}, {}),
        ({"due_soon": {"days": 2.5}}, {}),  # days are whole
        ({"due_soon": {"days": True}}, {}),
        ({"due_soon": {"days": None}}, {}),
        ({"due_soon": {"days": float("nan")}}, {}),
        ({"due_soon": {"days": float("inf")}}, {}),
        ({"due_soon": {"days": "abc"}}, {}),
        ({"due_soon": {"days": 10**9}}, {}),
        ({"due_soon": {"days": 20}}, {"due_soon": {"days": 20}}),
        ({"due_soon": {"days": 20.0}}, {"due_soon": {"days": 20}}),
        ({"due_soon": {"days": " 20 "}}, {"due_soon": {"days": 20}}),
        ({"behind_schedule": {"yellow_points": 40}}, {}),  # red 30 would not exceed yellow 40
        ({"behind_schedule": {"yellow_points": 30}}, {}),  # equal: not greater
        ({"behind_schedule": {"yellow_points": 5}}, {"behind_schedule": {"yellow_points": 5.0, "red_points": 30.0}}),
        (
            {"behind_schedule": {"yellow_points": 12.5, "red_points": "25"}},
            {"behind_schedule": {"yellow_points": 12.5, "red_points": 25.0}},
        ),
        ({"stage_late": {"red_days": 1}}, {}),
        ({"stage_late": {"yellow_days": 0}}, {}),  # at least one day late
        ({"stale": {"weeks": 0}}, {}),
        ({"slip": {"days": 7}, "stale": {"weeks": "x"}}, {"slip": {"days": 7}}),
    ],
)
def test_effective_thresholds_merges_valid_values_and_ignores_the_rest(stored, changed):
    expected = default_thresholds()
    for rule_id, values in changed.items():
        expected[rule_id] |= values
    assert effective_thresholds(stored) == expected


def test_status_mapping_and_level():
    frame = table(
        project("done", handed_over=AS_OF - DAY, deadline=AS_OF - 50 * DAY),
        project("overdue", deadline=AS_OF - DAY),
        project("red", deadline=AS_OF + 10 * DAY, stage_id="structure"),
        project("yellow", deadline=AS_OF + 10 * DAY),
        project("fine", deadline=AS_OF + 100 * DAY),
        project("no deadline", deadline=None),
    )
    found = classify(frame, AS_OF).set_index("name")
    assert found["status"].to_dict() == {
        "done": DONE,
        "overdue": OVERDUE,
        "red": AT_RISK,
        "yellow": AT_RISK,
        "fine": ON_TRACK,
        "no deadline": ON_TRACK,
    }
    assert found["level"].fillna("-").to_dict() == {
        "done": "-",
        "overdue": "red",
        "red": "red",
        "yellow": "yellow",
        "fine": "-",
        "no deadline": "-",
    }
    assert found.loc["fine", "reasons"] == (("reason_on_track", {"deadline": AS_OF + 100 * DAY, "days": 100}),)
    assert found.loc["no deadline", "reasons"] == (("reason_no_deadline", {}),)
    assert found["days_to_deadline"].tolist()[:5] == [-50, -1, 10, 10, 100]
    assert pd.isna(found["days_to_deadline"].iloc[5])


def test_a_rule_without_a_deadline_still_flags():
    frame = table(project(deadline=None))
    row = classify(frame, AS_OF, evidence=Evidence(unchanged_since=_since(frame, 40))).iloc[0]
    assert (row.status, row.level, [r for r, _ in row.reasons]) == (AT_RISK, "yellow", ["stale"])


def test_urgent_first_red_before_yellow():
    frame = table(
        project("yellow-sooner", deadline=AS_OF + 3 * DAY),  # due soon, stage unknown: yellow
        project("red-later", deadline=AS_OF + 20 * DAY, stage_id="structure"),  # due soon before acceptance: red
        project("late", deadline=AS_OF - 5 * DAY),
        project("later", deadline=AS_OF - 50 * DAY),
        project("red-sooner", deadline=AS_OF + 5 * DAY, stage_id="permit"),
        project("yellow-behind", progress=35.0, **HALFWAY),  # 15 points behind, 100 days to go
        project("fine"),
    )
    assert urgent_first(classify(frame, AS_OF))["name"].tolist() == [
        "later",
        "late",
        "red-sooner",
        "red-later",
        "yellow-sooner",
        "yellow-behind",
    ]


def test_frames_missing_optional_columns_and_empty_frames():
    bare = pd.DataFrame({"name": ["a"], "deadline": pd.to_datetime(["2021-04-01"]), "handed_over": [pd.NaT]})
    assert classify(bare, AS_OF)["status"].tolist() == [OVERDUE]
    empty = table(project()).iloc[:0]
    assert evaluate(empty, AS_OF).columns.tolist() == ["position", "rule", "level", "params"]
    assert classify(empty, AS_OF, evidence=_everything(None)[1]).empty


def test_vectorised_engine_equals_one_project_at_a_time():
    """200 varied projects evaluated together give the same firings as each on its own."""
    rng = np.random.default_rng(3)
    rows, dated = [], []
    for i in range(200):
        start = AS_OF + int(rng.integers(-900, 30)) * DAY
        stage = rng.choice([None, *STAGE_IDS])
        rows.append(
            project(
                f"项目{i % 150}",  # some names repeat (the stage dates then go to the first)
                start=start if rng.random() > 0.2 else None,
                deadline=start + int(rng.integers(200, 1200)) * DAY if rng.random() > 0.1 else None,
                handed_over=AS_OF + int(rng.integers(-60, 60)) * DAY if rng.random() > 0.7 else None,
                stage_id=stage,
                progress=float(rng.integers(0, 100)) if rng.random() > 0.5 else None,
            )
        )
        for s in rng.choice(STAGE_IDS, 3, replace=False):
            planned = AS_OF + int(rng.integers(-60, 60)) * DAY
            dated.append((f"项目{i % 150}", s, planned, planned + 3 * DAY if rng.random() > 0.6 else None))
    frame = table(*rows)
    dates = stage_dates(*dated)
    together = evaluate(frame, AS_OF, evidence=Evidence(stage_dates=dates))
    assert len(together) > 50 and set(together["rule"]) >= {"overdue", "behind_schedule", "stage_late", "due_soon"}
    alone = []
    for i in range(len(frame)):
        one = frame.iloc[[i]].reset_index(drop=True)
        first = frame["name"].tolist().index(frame["name"].iloc[i]) == i
        mine = dates[dates["name"] == frame["name"].iloc[i]] if first else empty_stage_dates()
        found = evaluate(one, AS_OF, evidence=Evidence(stage_dates=mine.reset_index(drop=True)))
        alone += [(i, r, lv, p) for r, lv, p in zip(found["rule"], found["level"], found["params"], strict=True)]
    assert [tuple(r) for r in together.itertuples(index=False)] == alone


# --- the rules as data ---------------------------------------------------------------------------------------------


def _fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


@pytest.mark.parametrize("rule", RULES, ids=lambda r: r.id)
def test_each_rule_is_documented_in_both_languages(rule):
    assert rule.level in ("red", "yellow")
    assert all(rule.template(lang).strip() and rule.help(lang).strip() for lang in ("zh", "en"))
    assert _fields(rule.template("zh")) == _fields(rule.template("en"))
    assert rule.id not in CATALOGUE  # a reason key names a rule or a catalogue text, never both
    names = [th.name for th in rule.thresholds]
    assert len(set(names)) == len(names)
    for th in rule.thresholds:
        assert (
            rule.threshold_help(th, "zh").strip()
            and rule.threshold_help(th, "en").strip()
            and th.unit in ("days", "points", "weeks", "calls", "times")
        )
        assert th.minimum <= th.default <= th.maximum
    for low, high in rule.ordered:
        assert {low, high} <= set(names)


def test_the_kpi_help_quotes_the_due_soon_default():
    assert default_thresholds()["due_soon"]["days"] == DUE_SOON_DAYS


@pytest.mark.parametrize(
    ("stored", "lang", "expected"),
    [
        (None, "zh", ("不超过30天", "达10个百分点")),
        ({"due_soon": {"days": 45}}, "zh", ("不超过45天", "达10个百分点")),
        ({"behind_schedule": {"yellow_points": 12.5, "red_points": 40}}, "en", ("within 30 days", "12.5 points")),
        ({"due_soon": {"days": -3}}, "en", ("within 30 days", "10 points")),  # unusable: the default is in force
        ({"behind_schedule": {"yellow_points": 50, "red_points": 40}}, "en", ("within 30 days", "10 points")),
    ],
)
def test_the_at_risk_help_quotes_what_the_rules_apply(stored, lang, expected):
    from housing.rules import at_risk_help, in_force

    text = at_risk_help(stored, lang)
    assert all(part in text for part in expected), text
    assert f"{in_force(stored, 'due_soon', 'days'):g}" in text


def test_a_reason_never_contains_the_separator_that_joins_reasons():
    """A phone card lists one reason a line by splitting the joined text (``ui.blocks.REASON_SEPARATORS``): a
    reason with '; ' inside would be cut into two bullets, the second starting mid-sentence."""
    from housing.i18n import CATALOGUE
    from ui.blocks import REASON_SEPARATORS

    texts = [
        (key, text)
        for key, entry in CATALOGUE.items()
        if key.startswith("rule.") and key.endswith(".reason") or key.startswith("reason_")
        for text in entry
        if isinstance(text, str)
    ]
    assert len(texts) > 10
    assert [(key, text) for key, text in texts if REASON_SEPARATORS.search(text)] == []


@pytest.mark.parametrize("seed", range(8))
def test_a_judgements_reasons_spelled_out_a_run_at_a_time_are_classifys(seed):
    projects, evidence = random_register(seed, n=150)
    classified = classify(projects, REGISTER_AS_OF, evidence=evidence)
    judgement = judge(projects, REGISTER_AS_OF, evidence=evidence)
    pd.testing.assert_frame_equal(judgement.frame, classified.drop(columns="reasons"))
    whole = classified["reasons"].tolist()
    cuts = sorted(np.random.default_rng(seed).integers(0, 151, 3).tolist())
    runs = [judgement.reasons(a, b) for a, b in zip([0, *cuts], [*cuts, 150], strict=True)]
    assert [r for run in runs for r in run] == whole == judgement.reasons()
    assert judgement.reasons(40, 40) == []


def test_a_table_judged_again_keeps_its_columns_where_they_were():
    projects, evidence = random_register(3, n=60)
    once = classify(projects, REGISTER_AS_OF, evidence=evidence)
    assert list(once.columns[-4:]) == ["status", "level", "reasons", "days_to_deadline"]
    pd.testing.assert_frame_equal(classify(once, REGISTER_AS_OF, evidence=evidence), once)
    moved = once.drop(columns="reasons")  # days_to_deadline there, reasons not: reasons come last, as ever
    assert list(classify(moved, REGISTER_AS_OF, evidence=evidence).columns) == [*moved.columns, "reasons"]
