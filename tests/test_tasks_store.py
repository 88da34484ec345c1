"""Supervision tasks in the database: a round trip of every column, steps recorded once, the migration."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from housing.tasks import COLUMNS
from store import tasks as T
from store.db import writing

RAISED = dt.datetime(2025, 1, 24, 2, 0, tzinfo=dt.UTC)


def _raise(engine, **fields) -> int:
    base = {
        "title": "大辛村安置区 主体结构滞后，请说明原因",
        "project": "大辛村安置区",
        "district": "历城区",
        "unit": "区住建局",
        "assignee": "wang.wu",
        "raised_by": "li.si",
        "raised_at": RAISED,
        "source": "briefing",
    }
    with writing(engine) as conn:
        return T.insert_task_in(conn, **{**base, **fields})


def test_round_trip(engine):
    first = _raise(engine)
    second = _raise(engine, project=None, district=None, title="全区 回复率", raised_at=RAISED + dt.timedelta(hours=1))
    with writing(engine) as conn:
        T.advance_in(conn, first, "acknowledged", "wang.wu", RAISED + dt.timedelta(hours=3))
        T.advance_in(conn, first, "replied", "wang.wu", RAISED + dt.timedelta(days=1), "已约谈施工单位")
    frame = T.tasks_frame(engine)
    assert list(frame.columns) == [*COLUMNS, "assignee_name"] and frame["id"].tolist() == [first, second]
    row = frame.iloc[0]
    assert (row["title"], row["project"], row["district"], row["unit"], row["source"]) == (
        "大辛村安置区 主体结构滞后，请说明原因",
        "大辛村安置区",
        "历城区",
        "区住建局",
        "briefing",
    )
    assert row["raised_at"] == RAISED and row["acknowledged_at"] == RAISED + dt.timedelta(hours=3)
    assert (row["replied_by"], row["replied_note"], row["done_note"]) == ("wang.wu", "已约谈施工单位", "")
    assert pd.isna(frame.iloc[1]["project"]) and pd.isna(frame.iloc[1]["acknowledged_at"])
    assert str(frame["raised_at"].dt.tz) == "UTC"
    with writing(engine) as conn:
        task = T.task_in(conn, first)
        assert task is not None and task["replied_at"] == RAISED + dt.timedelta(days=1)
        assert T.task_in(conn, 999) is None
    assert T.tasks_frame(engine, ("历城区",))["id"].tolist() == [first]


def test_a_step_is_recorded_once(engine):
    task = _raise(engine)
    with writing(engine) as conn:
        T.advance_in(conn, task, "acknowledged", "wang.wu", RAISED + dt.timedelta(hours=1))
    with pytest.raises(T.StepTaken), writing(engine) as conn:
        T.advance_in(conn, task, "acknowledged", "li.si", RAISED + dt.timedelta(hours=2))
    with writing(engine) as conn:
        assert T.task_in(conn, task)["acknowledged_by"] == "wang.wu"  # type: ignore[index]
    with pytest.raises(ValueError), writing(engine) as conn:
        T.advance_in(conn, task, "raised", "li.si", RAISED)
    with pytest.raises(TypeError), writing(engine) as conn:
        T.insert_task_in(conn, title="x", colour="red")


def test_an_empty_table(engine):
    frame = T.tasks_frame(engine)
    assert frame.empty and list(frame.columns) == [*COLUMNS, "assignee_name"]


def test_the_stamp_changes_with_every_write(engine):
    stamps = [T.tasks_stamp(engine)]
    task = _raise(engine)
    stamps.append(T.tasks_stamp(engine))
    with writing(engine) as conn:
        T.advance_in(conn, task, "acknowledged", "wang.wu", RAISED + dt.timedelta(hours=1))
    stamps.append(T.tasks_stamp(engine))
    assert len(set(stamps)) == 3 and T.tasks_stamp(engine) == stamps[-1]
