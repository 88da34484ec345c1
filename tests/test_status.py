"""Statuses at and around each threshold, the reasons they give, and the urgency order (rules: test_rules)."""

import datetime as dt

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as hst
from registers import AS_OF as REGISTER_AS_OF
from registers import random_register

from housing import status as status_module
from housing.status import AT_RISK, DONE, ON_TRACK, OVERDUE, classify, render, urgent_first

AS_OF = dt.date(2021, 5, 1)


def assess(deadline, handed_over, stage, as_of, thresholds=None):
    """One project classified on its own: its row of ``classify``."""
    frame = pd.DataFrame({"name": ["p"], "deadline": [deadline], "handed_over": [handed_over], "stage": [stage]})
    for column in ("deadline", "handed_over"):
        frame[column] = pd.to_datetime(frame[column])
    row = classify(frame, as_of, thresholds).iloc[0]
    return row.status, tuple(row.reasons), None if pd.isna(row.days_to_deadline) else row.days_to_deadline


@pytest.mark.parametrize(
    ("deadline", "handed_over", "expected", "days"),
    [
        ("2021-04-30", None, OVERDUE, -1),  # one day past the deadline
        ("2021-05-01", None, AT_RISK, 0),  # due today: not yet late
        ("2021-05-31", None, AT_RISK, 30),  # the last day of the 30-day window (stage unknown: yellow)
        ("2021-06-01", None, ON_TRACK, 31),  # just outside it
        ("2021-03-31", "2021-03-28", DONE, -31),  # handed over early
        ("2021-03-31", "2021-05-01", DONE, -31),  # handed over late, on the as-of date
        ("2021-03-31", "2021-05-02", OVERDUE, -31),  # a handover after the as-of date has not happened yet
        (None, None, ON_TRACK, None),  # no deadline: nothing to be late against
        (None, "2021-01-10", DONE, None),
    ],
)
def test_assess_thresholds(deadline, handed_over, expected, days):
    status, _, days_to_deadline = assess(deadline, handed_over, None, AS_OF)
    assert (status, days_to_deadline) == (expected, days)


@pytest.mark.parametrize(
    ("deadline", "handed_over", "stage", "zh", "en"),
    [
        (
            "2021-03-31",
            None,
            "主体封顶",
            ["已逾期 31 天（计划 2021年3月31日）", "当前形象进度：主体封顶"],
            ["31 days overdue (deadline 2021-03-31)", "Current stage: 主体封顶"],
        ),
        (
            "2021-05-13",
            None,
            None,
            ["距计划交付日期2021年5月13日仅剩 12 天，当前阶段：不详"],
            ["Deadline 2021-05-13 is 12 days away, current stage: unknown"],
        ),
        (
            "2021-03-31",
            "2021-03-26",
            None,
            ["已于2021年3月26日交付（提前5天）"],
            ["Handed over on 2021-03-26 (5 days early)"],
        ),
        (
            "2021-03-31",
            "2021-04-10",
            None,
            ["已于2021年4月10日交付（晚于计划10天）"],
            ["Handed over on 2021-04-10 (10 days late)"],
        ),
        (None, None, None, ["未填写计划交付日期"], ["No deadline given"]),
        (
            "2021-04-30",
            None,
            None,
            ["已逾期 1 天（计划 2021年4月30日）"],
            ["1 day overdue (deadline 2021-04-30)"],
        ),
        (
            "2021-06-30",
            None,
            None,
            ["距计划交付日期2021年6月30日还有60天"],
            ["60 days to the deadline 2021-06-30"],
        ),
    ],
)
def test_reasons_in_both_languages(deadline, handed_over, stage, zh, en):
    _, reasons, _ = assess(deadline, handed_over, stage, AS_OF)
    assert [render(r, "zh") for r in reasons] == zh
    assert [render(r, "en") for r in reasons] == en


def test_custom_due_soon_window():
    window = {"due_soon": {"days": 10}}
    assert assess("2021-05-20", None, None, AS_OF, window)[0] == ON_TRACK
    assert assess("2021-05-11", None, None, AS_OF, window)[0] == AT_RISK


def _frame(rows):
    frame = pd.DataFrame(rows, columns=["name", "deadline", "handed_over", "households"])
    frame["stage"] = None
    for column in ("deadline", "handed_over"):
        frame[column] = pd.to_datetime(frame[column])
    return frame


def test_classify_and_urgency_order():
    frame = _frame(
        [
            ["soon", "2021-05-20", None, 100],
            ["late-a-bit", "2021-04-25", None, 50],
            ["done", "2021-04-01", "2021-03-30", 10],
            ["very-late", "2021-01-31", None, 5],
            ["later", "2022-01-01", None, 7],
            ["sooner", "2021-05-05", None, 1],
        ]
    )
    classified = classify(frame, AS_OF)
    assert classified.set_index("name")["status"].to_dict() == {
        "soon": AT_RISK,
        "late-a-bit": OVERDUE,
        "done": DONE,
        "very-late": OVERDUE,
        "later": ON_TRACK,
        "sooner": AT_RISK,
    }
    assert urgent_first(classified)["name"].tolist() == ["very-late", "late-a-bit", "sooner", "soon"]


# --- reasons phrased from memory read as phrased afresh ---------------------------------------------------------


@settings(max_examples=15, deadline=None)
@given(seed=hst.integers(0, 100_000))
def test_remembered_reasons_read_as_phrased_afresh(seed):
    """Every reason of a random register (every rule fires), in both languages, twice (the second from memory):
    the sentence ``render`` gives is the one phrasing it anew gives."""
    projects, evidence = random_register(seed)
    reasons = [r for rs in classify(projects, REGISTER_AS_OF, None, evidence)["reasons"] for r in rs]
    assert len({r[0] for r in reasons}) >= 6
    for lang in ("zh", "en"):
        fresh = [status_module._sentence(key, params, lang) for key, params in reasons]
        assert [render(r, lang) for r in reasons] == fresh
        assert [render(r, lang) for r in reasons] == fresh


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"deadline": dt.date(2021, 3, 31), "days": 1}, "1 day"),
        ({"deadline": dt.date(2021, 3, 31), "days": 1.5}, "1.5 days"),
        ({"deadline": dt.date(2021, 3, 31), "days": 2}, "2 days"),
    ],
)
def test_equal_params_of_other_types_are_remembered_apart(params, expected):
    """1 and 1.0 are equal and hash alike; the memory keys on the type too, so each reads as its own type does."""
    render(("overdue", {"deadline": dt.date(2021, 3, 31), "days": 1.0}), "en")  # 1.0 remembered first
    assert expected in render(("overdue", params), "en")
    assert render(("overdue", params), "en") == status_module._sentence("overdue", params, "en")


def test_unhashable_params_are_phrased_afresh():
    reason = ("reason_stage", {"stage": ["主体施工"]})  # a list cannot key the memory
    assert render(reason, "zh") == status_module._sentence(*reason, "zh")


@pytest.mark.parametrize(
    ("name", "values"),
    [
        ("days", [1, 1.0, True, 1.5, 2]),
        ("points", [93.0, 93, 12.5]),
        ("deadline", [dt.date(2021, 3, 31), dt.datetime(2021, 3, 31, 8, 0), "2021-03-31"]),
        ("stage_id", ["permit", "", None]),
        ("stage", ["主体施工", ["主体施工"]]),  # the list cannot key the memory
    ],
)
def test_a_param_shown_from_memory_reads_as_shown_afresh(name, values):
    """Each param is remembered by name, type and value: equal values of other types (1, 1.0, True) and a
    param that cannot be hashed read, first and again, as they read formatted afresh."""
    for lang in ("zh", "en"):
        for _ in range(2):
            for value in values:
                assert status_module._shown(name, value, lang) == status_module._shown_afresh(name, value, lang)
