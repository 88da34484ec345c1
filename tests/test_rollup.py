"""KPIs and roll-ups per district and street on a small hand-checked portfolio."""

import datetime as dt

import pandas as pd

from housing.rollup import by_district, by_street, filter_projects, kpis
from housing.status import AT_RISK, OVERDUE, classify

AS_OF = dt.date(2026, 11, 21)


def _portfolio():
    rows = [
        # name, district, street, households, area m², deadline, handed over
        ("A", "历城区", "王舍人街道", 1000, 120_000.0, "2026-03-31", "2026-03-20"),
        ("B", "历城区", "港沟街道", 500, 60_000.0, "2026-10-31", None),
        ("C", "历城区", "港沟街道", 300, 36_000.0, "2026-12-10", None),
        ("D", "章丘区", None, 1200, 150_000.0, "2027-06-30", None),
        ("E", None, None, 1234, 148_080.5, "2025-06-30", "2025-07-15"),
        ("F", "章丘区", "明水街道", None, 13_960.0, "2026-12-31", None),
    ]
    frame = pd.DataFrame(
        rows, columns=["name", "district", "street", "households", "floor_area_m2", "deadline", "handed_over"]
    )
    frame["households"] = frame["households"].astype("Int64")
    frame["stage"] = None
    for column in ("deadline", "handed_over"):
        frame[column] = pd.to_datetime(frame[column])
    return classify(frame, AS_OF)


def test_kpis():
    k = kpis(_portfolio(), AS_OF)
    assert (k.projects, k.households, k.floor_area_m2) == (6, 4234, 528_040.5)
    assert (k.done_projects, k.done_households, k.waiting_households) == (2, 2234, 2000)
    assert (k.overdue, k.at_risk) == (1, 1)
    # the year's target: due in 2026 (A, B, C, F) or handed over in 2026 (A)
    assert (k.year, k.year_done_projects, k.year_done_households) == (2026, 1, 1000)
    assert (k.target_projects, k.target_households) == (4, 1800)


def test_published_target_wins():
    assert kpis(_portfolio(), AS_OF, target_projects=15).target_projects == 15


def test_by_district():
    table = by_district(_portfolio()).set_index("district")
    assert table.loc[
        "历城区", ["projects", "households", "done_households", "waiting_households", "overdue", "at_risk"]
    ].tolist() == [3, 1800, 1000, 800, 1, 1]
    assert table.loc["章丘区", "households"] == 1200
    assert table.loc["—", "households"] == 1234  # a blank district is kept, not dropped
    assert table.index.tolist() == ["历城区", "—", "章丘区"]  # largest first


def test_by_street_within_district():
    table = by_street(_portfolio(), "历城区").set_index("street")
    assert table["households"].to_dict() == {"王舍人街道": 1000, "港沟街道": 800}
    assert by_street(_portfolio(), "章丘区")["street"].tolist() == ["—", "明水街道"]


def test_filters():
    portfolio = _portfolio()
    assert filter_projects(portfolio, [], [])["name"].tolist() == list("ABCDEF")
    assert filter_projects(portfolio, ["历城区"], [OVERDUE, AT_RISK])["name"].tolist() == ["B", "C"]
    assert filter_projects(portfolio, ["—"], [])["name"].tolist() == ["E"]
