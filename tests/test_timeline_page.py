"""AppTest of the overview's timeline: a project without a start date starts at its first known date."""

from __future__ import annotations

import json

import pandas as pd
import pytest
from app_pages import open_page

from briefing.charts import DEADLINE_MARK
from loaders.load import empty_stage_dates
from store import versions as V
from store.db import open_database


def row(name: str, **kw) -> dict:
    return {"name": name, "district": "历城区", "households": 100, "stage": None, **kw}


def stage_dates(name: str, planned: list[str], actual: list[str | None]) -> pd.DataFrame:
    rows = [(name, "历城区", stage, p, a) for stage, p, a in zip(("start", "structure"), planned, actual)]
    frame = pd.DataFrame(rows, columns=["name", "district", "stage_id", "planned", "actual"])
    frame[["planned", "actual"]] = frame[["planned", "actual"]].apply(pd.to_datetime)
    return frame.assign(sheet="节点计划", row=range(len(frame)))[list(empty_stage_dates().columns)]


@pytest.fixture
def published(app_database, project_table):
    """Version 1 at 2026-06-01 20:00 UTC (2 June in Beijing), version 2 a week later; no project has a start."""
    db = open_database(app_database)
    first = project_table([row("甲", deadline="2027-06-30"), row("乙", deadline="2027-06-30")])
    V.publish(db, first, content=b"1", filename="1.xlsx", uploader="张三", at=pd.Timestamp("2026-06-01T20:00Z"))
    second = project_table(
        [row("甲", deadline="2027-06-30"), row("乙", deadline="2027-06-30"), row("丙", deadline="2026-05-01")]
    )
    stages = stage_dates("乙", ["2024-03-01", "2025-01-15"], [None, "2024-02-20"])
    at = pd.Timestamp("2026-06-08T02:00Z")
    V.publish(db, second, content=b"2", filename="2.xlsx", uploader="张三", stage_dates=stages, at=at)


def timeline_traces(at) -> list[dict]:
    charts = [json.loads(chart.proto.spec) for chart in at.get("plotly_chart")]
    return next(c["data"] for c in charts if any(t.get("type") == "bar" and "base" in t for t in c["data"]))


def test_projects_without_a_start_begin_at_their_first_known_date(published):
    traces = timeline_traces(open_page("views/overview.py"))
    begins = {y: pd.Timestamp(b) for t in traces if t.get("type") == "bar" for y, b in zip(t["y"], t["base"])}
    assert begins == {
        "甲": pd.Timestamp("2026-06-02"),  # first published version, on Beijing's calendar
        "乙": pd.Timestamp("2024-02-20"),  # its earliest stage date (an actual one, before any planned)
    }
    pins = {
        y: (pd.Timestamp(x), symbol)
        for t in traces
        if t.get("type") == "scatter" and isinstance(t.get("marker", {}).get("symbol"), list)
        for y, x, symbol in zip(t["y"], t["x"], t["marker"]["symbol"])
    }
    assert pins == {"丙": (pd.Timestamp("2026-05-01"), DEADLINE_MARK)}  # first seen after its deadline: a pin
