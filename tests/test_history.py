"""Questions across versions (store/history.py): previous week, one project's history, baselines, staleness."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from store import history as H
from store import versions as V

WEEK0 = dt.datetime(2026, 10, 1, 9, 0, tzinfo=dt.UTC)


def publish_week(engine, table, week: int, rows: list[dict]):
    at = WEEK0 + dt.timedelta(weeks=week)
    return V.publish(engine, table(rows), content=f"week {week}".encode(), filename="w.xlsx", uploader="x", at=at)


def row(name: str, deadline: str, **kw) -> dict:
    return {"name": name, "district": "章丘区", "deadline": deadline, "households": 100, **kw}


def test_week_before_is_the_newest_version_at_least_seven_days_older(engine, project_table):
    for week, day_shift in ((0, 0), (1, 0), (1, 3)):  # versions 1, 2 and 3 (three days after 2)
        at = WEEK0 + dt.timedelta(weeks=week, days=day_shift)
        V.publish(engine, project_table([row("白泉", "2027-01-01")]), content=b"x", filename="w", uploader="x", at=at)
    newest = V.get_version(engine, 3)
    assert H.week_before(engine, newest) == 1  # version 2 is only 3 days older
    assert H.week_before(engine, V.get_version(engine, 2)) == 1
    assert H.week_before(engine, V.get_version(engine, 1)) is None
    assert H.previous_id(engine, 3) == 2


def test_project_history_follows_one_project_across_versions(engine, project_table):
    publish_week(engine, project_table, 0, [row("白泉", "2027-01-01", stage="主体施工"), row("月官", "2027-02-01")])
    publish_week(engine, project_table, 1, [row("白泉", "2027-03-01", stage="主体封顶")])
    history = H.project_history(engine, "章丘区", "白泉")
    assert history["version_id"].tolist() == [1, 2]
    assert history["deadline"].dt.strftime("%Y-%m-%d").tolist() == ["2027-01-01", "2027-03-01"]
    assert history["stage"].tolist() == ["主体施工", "主体封顶"]
    assert H.project_history(engine, "章丘区", "月官")["version_id"].tolist() == [1]
    assert H.project_history(engine, "章丘区", "白泉", upto=1)["version_id"].tolist() == [1]


def test_a_project_without_district_has_a_history_too(engine, project_table):
    publish_week(engine, project_table, 0, [{"name": "长青", "deadline": "2027-01-01"}])
    assert len(H.project_history(engine, None, "长青")) == 1


def test_baseline_is_the_first_published_deadline(engine, project_table):
    publish_week(engine, project_table, 0, [row("白泉", "2027-01-01"), row("月官", None)])
    publish_week(
        engine, project_table, 1, [row("白泉", "2027-03-01"), row("月官", "2027-05-01"), row("长青", "2027-06-01")]
    )
    baseline = H.baseline_deadlines(engine, upto=2)
    assert baseline.dt.strftime("%Y-%m-%d").to_dict() == {
        "章丘区\x1f白泉": "2027-01-01",
        "章丘区\x1f月官": "2027-05-01",  # no deadline in week 0: the first one given
        "章丘区\x1f长青": "2027-06-01",
    }
    assert list(H.baseline_deadlines(engine, upto=1).index) == ["章丘区\x1f白泉"]


@pytest.mark.parametrize(
    ("weeks", "expected_week"),
    [
        ([{"households": 100}, {"households": 100}, {"households": 100}], 0),  # never changed
        ([{"households": 100}, {"households": 120}, {"households": 120}], 1),  # changed in week 1
        ([{"households": 100}, {"households": 100}, {"households": 130}], 2),  # changed just now
        ([{"households": 100}, None, {"households": 100}], 2),  # missing in week 1: the run starts again
        ([{"notes": "a"}, {"notes": "b"}, {"notes": "b"}], 1),  # any watched field counts
    ],
)
def test_unchanged_since_is_the_start_of_the_unbroken_run(engine, project_table, weeks, expected_week):
    for week, fields in enumerate(weeks):
        rows = [row("月官", "2027-02-01")] + ([row("白泉", "2027-01-01", **fields)] if fields else [])
        publish_week(engine, project_table, week, rows)
    since = H.unchanged_since(engine, V.current(engine))
    assert since["章丘区\x1f白泉"] == pd.Timestamp(WEEK0 + dt.timedelta(weeks=expected_week))
    assert since["章丘区\x1f月官"] == pd.Timestamp(WEEK0)


def test_sheet_and_row_moves_are_not_changes(engine, project_table):
    publish_week(engine, project_table, 0, [row("白泉", "2027-01-01")])
    publish_week(engine, project_table, 1, [row("月官", "2027-02-01"), row("白泉", "2027-01-01")])  # now on row 3
    assert H.unchanged_since(engine, V.current(engine))["章丘区\x1f白泉"] == pd.Timestamp(WEEK0)


@pytest.mark.parametrize(
    ("upto", "expected"),
    [
        (1, {"章丘区\x1f白泉": 0}),
        (3, {"章丘区\x1f白泉": 0, "章丘区\x1f月官": 1, "章丘区\x1f长青": 2}),  # 月官 left in week 2: still week 1
    ],
)
def test_first_seen_is_the_first_version_a_project_appeared_in(engine, project_table, upto, expected):
    publish_week(engine, project_table, 0, [row("白泉", "2027-01-01")])
    publish_week(engine, project_table, 1, [row("白泉", "2027-01-01"), row("月官", "2027-02-01")])
    publish_week(engine, project_table, 2, [row("白泉", "2027-01-01"), row("长青", "2027-02-01")])
    seen = H.first_seen(engine, upto)
    assert seen.to_dict() == {key: pd.Timestamp(WEEK0 + dt.timedelta(weeks=w)) for key, w in expected.items()}
