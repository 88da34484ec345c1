"""The 1-3-7 clock of supervision tasks: deadlines, each step's state at its boundary day, compliance."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from housing.tasks import (
    CLOCKED,
    COLUMNS,
    DUE,
    KEPT,
    LATE_OPEN,
    MISSED,
    compliance,
    deadlines,
    limits,
    step_states,
    task_states,
)

D = dt.date.fromisoformat
BEIJING = dt.timezone(dt.timedelta(hours=8))


def at(day: str, hour: int = 10) -> dt.datetime:
    """A time stamp on ``day`` at ``hour`` Beijing time (stored as UTC, as the store does)."""
    return dt.datetime.combine(D(day), dt.time(hour), BEIJING).astimezone(dt.UTC)


def test_deadlines_default_1_3_7_across_the_2025_spring_festival():
    assert deadlines(D("2025-01-24")) == {
        "acknowledged": D("2025-01-26"),  # the make-up Sunday
        "replied": D("2025-02-05"),
        "done": D("2025-02-10"),  # 26, 27, 05, 06, 07, 08 (make-up Saturday), 10
    }


def test_limits_and_calendar_days_are_settings(monkeypatch):
    assert limits() == {"acknowledged": 1, "replied": 3, "done": 7}
    assert deadlines(D("2025-01-24"), {"task_calendar_days": 1}) == {
        "acknowledged": D("2025-01-25"),
        "replied": D("2025-01-27"),
        "done": D("2025-01-31"),
    }
    monkeypatch.setenv("RESETTLE_TASK_DONE_DAYS", "10")
    assert deadlines(D("2025-01-24"))["done"] == D("2025-02-13")


# A task raised Friday 2024-02-09 (last day before the Spring Festival): deadlines acknowledged 02-18
# (make-up Sunday), replied 02-20, done 02-26. (step stamps, as of, expected states, why)
RAISED = "2024-02-09"
STEP_CASES = [
    ({}, "2024-02-18", {"acknowledged": DUE, "replied": DUE, "done": DUE}, "deadline day itself: still due"),
    ({}, "2024-02-19", {"acknowledged": LATE_OPEN, "replied": DUE, "done": DUE}, "day after: late"),
    (
        {"acknowledged": "2024-02-18"},
        "2024-02-19",
        {"acknowledged": KEPT, "replied": DUE, "done": DUE},
        "on the make-up Sunday",
    ),
    ({"acknowledged": "2024-02-19"}, "2024-02-19", {"acknowledged": MISSED, "replied": DUE, "done": DUE}, "a day late"),
    (
        {"acknowledged": "2024-02-12"},
        "2024-02-21",
        {"acknowledged": KEPT, "replied": LATE_OPEN, "done": DUE},
        "in the holiday",
    ),
    (
        {"acknowledged": "2024-02-18", "replied": "2024-02-20"},
        "2024-02-26",
        {"acknowledged": KEPT, "replied": KEPT, "done": DUE},
        "reply on its deadline; done due on its last day",
    ),
    (
        {"acknowledged": "2024-02-18", "replied": "2024-02-20"},
        "2024-02-27",
        {"acknowledged": KEPT, "replied": KEPT, "done": LATE_OPEN},
        "done late and still open",
    ),
    (
        {"acknowledged": "2024-02-18", "replied": "2024-02-20", "done": "2024-02-26"},
        "2024-03-31",
        {"acknowledged": KEPT, "replied": KEPT, "done": KEPT},
        "all kept, each on its last day",
    ),
    (
        {"acknowledged": "2024-02-18", "replied": "2024-02-21", "done": "2024-02-27"},
        "2024-03-31",
        {"acknowledged": KEPT, "replied": MISSED, "done": MISSED},
        "reply and done a day late",
    ),
]


@pytest.mark.parametrize(("stamps", "as_of", "expected", "why"), STEP_CASES)
def test_step_states_at_the_boundary(stamps, as_of, expected, why):
    row = {"raised_at": at(RAISED), **{f"{step}_at": at(day) for step, day in stamps.items()}}
    assert step_states(row, D(as_of)) == expected, why


def test_a_step_counts_on_the_districts_day_not_utc():
    # 2024-02-18 23:30 in Beijing is still 02-18 there (15:30 UTC): kept.
    late_evening = dt.datetime(2024, 2, 18, 15, 30, tzinfo=dt.UTC)
    # 2024-02-19 00:30 in Beijing is 02-18 16:30 UTC: a UTC clock would call it kept; it is a day late.
    after_midnight = dt.datetime(2024, 2, 18, 16, 30, tzinfo=dt.UTC)
    raised = {"raised_at": at(RAISED)}
    assert step_states({**raised, "acknowledged_at": late_evening}, D("2024-03-01"))["acknowledged"] == KEPT
    assert step_states({**raised, "acknowledged_at": after_midnight}, D("2024-03-01"))["acknowledged"] == MISSED


def _task(raised: str, unit: str, **stamps: str) -> dict:
    row: dict = dict.fromkeys(COLUMNS)
    row.update(title=f"{unit} {raised}", unit=unit, raised_at=at(raised))
    row.update({f"{step}_at": at(day) for step, day in stamps.items()})
    return row


def _all_kept(raised: str) -> dict[str, str]:
    due = deadlines(D(raised))
    return {step: due[step].isoformat() for step in CLOCKED}


TASKS = pd.DataFrame(
    [
        _task("2025-01-06", "住建局", **_all_kept("2025-01-06")),  # kept
        _task("2025-01-08", "住建局", acknowledged="2025-01-10"),  # ack missed, replied late_open: judged, not on time
        _task("2025-01-20", "街道办", **_all_kept("2025-01-20")),  # kept
        _task("2025-02-20", "街道办", acknowledged="2025-02-20"),  # as of 02-24: still due, not judged
        _task("2025-02-03", "住建局"),  # raised in the holiday; nothing recorded as of 02-24: late
    ]
)


def test_task_states_columns():
    states = task_states(TASKS, D("2025-02-24"))
    assert list(states["on_time"]) == [True, False, True, False, False]
    assert list(states["judged"]) == [True, True, True, False, True]
    assert list(states["open"]) == [False, True, False, True, True]
    assert list(states["next_step"]) == [None, "replied", None, "replied", "acknowledged"]
    assert states.loc[4, "acknowledged_due"] == pd.Timestamp("2025-02-05")


def test_compliance_by_month():
    table = compliance(TASKS, "month", D("2025-02-24"))
    assert table.to_dict("list") == {
        "month": ["2025-01", "2025-02"],
        "tasks": [3, 2],
        "judged": [3, 1],
        "on_time": [2, 0],
        "late": [1, 1],
        "open": [1, 2],
        "rate": [pytest.approx(2 / 3), 0.0],
    }


def test_compliance_by_unit():
    table = compliance(TASKS, "unit", D("2025-02-24"))
    assert table.set_index("unit")[["tasks", "judged", "on_time"]].to_dict("index") == {
        "住建局": {"tasks": 3, "judged": 3, "on_time": 1},
        "街道办": {"tasks": 2, "judged": 1, "on_time": 1},
    }
    assert table.set_index("unit")["rate"].to_dict() == {"住建局": pytest.approx(1 / 3), "街道办": 1.0}


def test_nothing_judged_has_no_rate_and_an_empty_table_none():
    early = compliance(TASKS.iloc[[3]], "unit", D("2025-02-21"))
    assert early["judged"].tolist() == [0] and early["rate"].isna().all()
    assert compliance(TASKS.iloc[:0], "month", D("2025-02-24")).empty


def test_compliance_by_something_else_is_refused():
    with pytest.raises(ValueError):
        compliance(TASKS, "assignee", D("2025-02-24"))


@st.composite
def task_frames(draw):
    """Tasks raised in 2024–2025 with some steps recorded, in order, a few days apart."""
    rows = []
    for _ in range(draw(st.integers(1, 12))):
        raised = draw(st.dates(dt.date(2024, 1, 1), dt.date(2025, 12, 31)))
        row = _task(raised.isoformat(), draw(st.sampled_from(["住建局", "街道办", "城投"])))
        day = raised
        for step in CLOCKED:
            if not draw(st.booleans()):
                break
            day += dt.timedelta(days=draw(st.integers(0, 6)))
            row[f"{step}_at"] = at(day.isoformat())
        rows.append(row)
    return pd.DataFrame(rows)


@given(task_frames(), st.dates(dt.date(2024, 1, 1), dt.date(2026, 6, 30)))
@settings(max_examples=40, deadline=None)
def test_compliance_adds_up_whichever_way_it_is_grouped(tasks, as_of):
    by_month, by_unit = compliance(tasks, "month", as_of), compliance(tasks, "unit", as_of)
    for name in ("tasks", "judged", "on_time", "late", "open"):
        assert by_month[name].sum() == by_unit[name].sum()
    assert by_month["tasks"].sum() == len(tasks)
    assert (by_unit["on_time"] <= by_unit["judged"]).all() and (by_unit["judged"] <= by_unit["tasks"]).all()
    rates = by_unit["rate"].dropna()
    assert ((rates >= 0) & (rates <= 1)).all()
    states = task_states(tasks, as_of)
    for i, row in tasks.iterrows():  # the one-task function agrees with the table
        assert step_states(row, as_of) == {s: states.at[i, f"{s}_state"] for s in CLOCKED}
