"""What changed since last week (housing/weekly.py): two versions give the exact change list."""

from __future__ import annotations

import pandas as pd
import pytest

from housing.weekly import eased_table, handovers_table, moves_table, slips_table, stages_table, weekly_changes

AS_OF = "2026-11-21"


def judged(project_table, rows: list[dict]) -> pd.DataFrame:
    """A classified table: the project columns plus status, level and reasons as the engine gives them."""
    frame = project_table(rows)
    frame["status"] = pd.array([r.get("status", "on_track") for r in rows], dtype="string")
    frame["level"] = pd.array([r.get("level") for r in rows], dtype="string")
    frame["reasons"] = pd.Series([r.get("reasons", ()) for r in rows], index=frame.index, dtype=object)
    return frame


def project(name: str, **kw) -> dict:
    return {"name": name, "district": "历城区", "households": 100, "deadline": "2027-06-30", **kw}


@pytest.fixture
def two_weeks(project_table):
    last = judged(
        project_table,
        [
            project("甲", level=None),
            project("乙", level="yellow", status="at_risk"),
            project("丙", level="red", status="at_risk"),
            project("丁", level="red", status="overdue"),
            project("戊", stage_id="structure", stage="主体施工"),
            project("己", households=300),
            project("庚"),  # removed this week
        ],
    )
    now = judged(
        project_table,
        [
            project("甲", level="red", status="overdue", reasons=(("reason_overdue", {"deadline": "x", "days": 3}),)),
            project("乙", level="red", status="at_risk"),
            project("丙", level="yellow", status="at_risk"),
            project("丁", level=None, status="done"),
            project("戊", stage_id="topped_out", stage="主体封顶", deadline="2027-08-29"),
            project("己", households=300, handed_over="2026-11-18", status="done"),
            project("辛", level="yellow", status="at_risk"),  # new this week: in "added", not in "turned yellow"
        ],
    )
    return weekly_changes(last, now, AS_OF)


def names(frame: pd.DataFrame, column: str = "name_new") -> list[str]:
    return frame[column].tolist()


def test_the_exact_change_list_of_two_versions(two_weeks):
    w = two_weeks
    assert names(w.turned_red) == ["甲", "乙"]
    assert names(w.turned_yellow) == []
    assert names(w.recovered) == ["丁"]  # red → handed over: progress
    assert names(w.cleared) == ["丙"] and w.eased.empty  # red → yellow with nothing done is no recovery
    assert names(w.stages_completed) == ["戊"]
    assert names(w.handed_over) == ["己"] and w.handed_over_households == 300
    assert w.slips[["name", "delta"]].values.tolist() == [["戊", 60]]
    assert names(w.changes.added, "name") == ["辛"] and names(w.changes.removed, "name") == ["庚"]
    assert not w.empty


def test_a_flag_from_nothing_is_turned_yellow(project_table):
    last = judged(project_table, [project("甲")])
    now = judged(project_table, [project("甲", level="yellow", status="at_risk")])
    w = weekly_changes(last, now, AS_OF)
    assert names(w.turned_yellow) == ["甲"] and w.turned_red.empty and w.recovered.empty


def test_the_same_table_twice_changes_nothing(project_table):
    table = judged(project_table, [project("甲", level="red", status="overdue"), project("乙")])
    assert weekly_changes(table, table.copy(), AS_OF).empty


def test_a_handover_dated_after_the_as_of_date_does_not_count_yet(project_table):
    last = judged(project_table, [project("甲")])
    now = judged(project_table, [project("甲", handed_over="2026-12-01")])
    assert weekly_changes(last, now, AS_OF).handed_over.empty


def test_a_stage_going_back_is_not_completed(project_table):
    last = judged(project_table, [project("甲", stage_id="topped_out")])
    now = judged(project_table, [project("甲", stage_id="structure")])
    assert weekly_changes(last, now, AS_OF).stages_completed.empty


@pytest.mark.parametrize(
    ("lang", "expected"),
    [
        ("zh", {"before": "● 正常推进", "after": "■ 已逾期 · 红色预警", "slip": "60", "stage": "主体封顶"}),
        ("en", {"before": "● On track", "after": "■ Overdue · Red", "slip": "60", "stage": "Topped out"}),
    ],
)
def test_display_tables_in_both_languages(two_weeks, lang, expected):
    moves = moves_table(two_weeks.turned_red, lang)
    assert moves.iloc[0, 3] == expected["before"] and moves.iloc[0, 4] == expected["after"]
    assert slips_table(two_weeks.slips, lang).iloc[0, 4] == expected["slip"]
    assert stages_table(two_weeks.stages_completed, lang).iloc[0, 3] == expected["stage"]
    handovers = handovers_table(two_weeks.handed_over, lang)
    assert handovers.iloc[0, 2] == "300" and handovers.iloc[0, 3] == (
        "2026年11月18日" if lang == "zh" else "2026-11-18"
    )


# --- a lowered warning is judged by what changed: progress recovers, a later deadline only eases ------------

RED_DUE = {"level": "red", "status": "at_risk", "stage_id": "structure", "progress": 40.0, "deadline": "2026-12-01"}


@pytest.mark.parametrize(
    ("now", "expected", "days"),
    [
        ({"level": None, "deadline": "2027-03-01"}, "eased", 90),  # only the deadline moved: eased, 90 days
        ({"level": "yellow", "deadline": "2026-12-31"}, "eased", 30),  # red → yellow by a later deadline
        ({"level": None, "stage_id": "topped_out", "stage": "主体封顶"}, "recovered", 0),  # stage advanced
        ({"level": None, "progress": 70.0}, "recovered", 0),  # progress figure up
        ({"level": None, "status": "done", "handed_over": "2026-11-20"}, "recovered", 0),  # handed over
        ({"level": None, "deadline": "2027-03-01", "progress": 70.0}, "recovered", 90),  # both: recovered
        ({"level": None, "deadline": "2027-03-01", "stage_id": "topped_out"}, "recovered", 90),
        ({"level": None, "progress": 40.04}, "cleared", 0),  # a rounding wobble is no progress
        ({"level": None, "deadline": "2026-11-25"}, "cleared", -6),  # an earlier deadline eases nothing
        ({"level": "yellow"}, "cleared", 0),  # lowered with nothing changed: listed, never a recovery
        ({"level": "red", "deadline": "2027-03-01"}, None, 90),  # still red: a slip, no easing
    ],
)
def test_a_lowered_warning_is_split_by_what_changed(project_table, now, expected, days):
    last = judged(project_table, [project("甲", **RED_DUE)])
    w = weekly_changes(last, judged(project_table, [project("甲", **(RED_DUE | {"status": "on_track"} | now))]), AS_OF)
    lists = {"recovered": w.recovered, "eased": w.eased, "cleared": w.cleared}
    assert {k for k, frame in lists.items() if not frame.empty} == ({expected} if expected else set())
    if expected:
        assert lists[expected]["deadline_days"].tolist() == [days]
    assert names(w.slips, "name") == (["甲"] if days > 0 else [])  # a later deadline always stays a slip


@pytest.mark.parametrize(
    ("lang", "columns", "row"),
    [
        ("zh", ["原计划交付日期", "新计划交付日期", "推迟（天）"], ["2026年12月1日", "2027年3月1日", "90"]),
        ("en", ["Old deadline", "New deadline", "Slip (days)"], ["2026-12-01", "2027-03-01", "90"]),
    ],
)
def test_eased_and_recovered_tables_show_the_days_the_deadline_moved(project_table, lang, columns, row):
    last = judged(project_table, [project("甲", **RED_DUE), project("乙", **RED_DUE)])
    now = judged(
        project_table,
        [
            project("甲", **(RED_DUE | {"level": None, "deadline": "2027-03-01"})),
            project("乙", **(RED_DUE | {"level": None, "deadline": "2027-03-01", "progress": 80.0})),
        ],
    )
    w = weekly_changes(last, now, AS_OF)
    eased = eased_table(w.eased, lang)
    assert eased[columns].iloc[0].tolist() == row and eased.iloc[0, 0] == "甲"
    recovered = moves_table(w.recovered, lang, deadline=True)
    assert (
        recovered.iloc[0, 0] == "乙"
        and recovered["交付日期变动（天）" if lang == "zh" else "Deadline moved (days)"][0] == "+90"
    )
