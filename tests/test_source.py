"""briefing.source: the computations the pages and the command line share."""

from __future__ import annotations

import pandas as pd

from briefing.source import first_known, seen_days
from housing.changes import project_key


def test_first_known_dates_of_an_empty_version():
    empty = pd.Series(dtype="datetime64[us, UTC]", name="first_seen")
    assert seen_days(empty, "Asia/Shanghai").empty


def test_first_known_takes_the_earliest_stage_date_then_the_day_first_seen():
    stages = pd.DataFrame(
        {
            "district": ["章丘区", "章丘区", "历城区"],
            "name": ["甲", "甲", "乙"],
            "stage_id": ["start", "topped_out", "start"],
            "planned": pd.to_datetime(["2021-03-01", "2021-09-01", None]),
            "actual": pd.to_datetime(["2021-02-20", None, None]),
        }
    )
    keys = project_key(pd.DataFrame({"district": ["章丘区", "历城区"], "name": ["甲", "乙"]})).tolist()
    seen = pd.Series(pd.to_datetime(["2021-01-31T18:00:00Z", "2021-01-31T18:00:00Z"]), index=keys)
    days = seen_days(seen, "Asia/Shanghai")  # 18:00 UTC is the next morning in Beijing
    assert days.tolist() == [pd.Timestamp("2021-02-01")] * 2
    known = first_known(stages, days)
    assert known.reindex(keys).tolist() == [pd.Timestamp("2021-02-20"), pd.Timestamp("2021-02-01")]
