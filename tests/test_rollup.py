"""KPIs and roll-ups per district and street on a small hand-checked portfolio."""

import datetime as dt

import pandas as pd
import pytest

from housing.rollup import (
    by_district,
    by_street,
    filter_projects,
    has_streets,
    kpis,
    names_in,
    projects_in,
    rollup_by,
)
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


FIGURES = [
    "projects",
    "households",
    "done_households",
    "waiting_households",
    "floor_area_m2",
    "done",
    "on_track",
    "at_risk",
    "overdue",
]


@pytest.mark.parametrize(
    "column, district, expected",
    [
        (
            "district",
            None,
            {
                "历城区": [3, 1800, 1000, 800, 216_000.0, 1, 0, 1, 1],
                "—": [1, 1234, 1234, 0, 148_080.5, 1, 0, 0, 0],
                "章丘区": [2, 1200, 0, 1200, 163_960.0, 0, 2, 0, 0],  # F has no households: counted as 0
            },
        ),
        (
            "street",
            "历城区",
            {
                "王舍人街道": [1, 1000, 1000, 0, 120_000.0, 1, 0, 0, 0],
                "港沟街道": [2, 800, 0, 800, 96_000.0, 0, 0, 1, 1],
            },
        ),
        (
            "street",
            "章丘区",
            {"—": [1, 1200, 0, 1200, 150_000.0, 0, 1, 0, 0], "明水街道": [1, 0, 0, 0, 13_960.0, 0, 1, 0, 0]},
        ),
        ("street", "—", {"—": [1, 1234, 1234, 0, 148_080.5, 1, 0, 0, 0]}),
        ("street", "不存在的区", {}),
    ],
)
def test_rollup_by_every_level(column, district, expected):
    table = rollup_by(projects_in(_portfolio(), district), column)
    assert table[column].tolist() == list(expected)  # largest household count first
    assert {row[column]: [row[f] for f in FIGURES] for _, row in table.iterrows()} == expected


@pytest.mark.parametrize("district", [None, "历城区", "章丘区", "—"])
def test_rollup_children_add_up_to_their_parent(district):
    projects = projects_in(_portfolio(), district)
    column = "district" if district is None else "street"
    table, k = rollup_by(projects, column), kpis(projects, AS_OF)
    assert table[["projects", "households", "done_households", "waiting_households"]].sum().tolist() == [
        k.projects,
        k.households,
        k.done_households,
        k.waiting_households,
    ]
    assert (table["overdue"].sum(), table["at_risk"].sum()) == (k.overdue, k.at_risk)
    assert table["floor_area_m2"].sum() == k.floor_area_m2
    assert (table[["done", "on_track", "at_risk", "overdue"]].sum(axis=1) == table["projects"]).all()


@pytest.mark.parametrize(
    "district, street, names",
    [
        (None, None, "ABCDEF"),
        ("历城区", None, "ABC"),
        ("历城区", "港沟街道", "BC"),
        ("章丘区", "—", "D"),  # a blank street is found as UNNAMED
        ("—", None, "E"),
        ("—", "—", "E"),
        ("历城区", "明水街道", ""),  # a street of another district
        ("不存在的区", None, ""),
    ],
)
def test_projects_in(district, street, names):
    assert "".join(projects_in(_portfolio(), district, street)["name"]) == names


@pytest.mark.parametrize(
    "district, column, names, streets",
    [
        (None, "district", ["历城区", "章丘区", "—"], True),  # blank last
        ("历城区", "street", ["港沟街道", "王舍人街道"], True),
        ("章丘区", "street", ["明水街道", "—"], True),
        ("—", "street", ["—"], False),
    ],
)
def test_names_in_and_has_streets(district, column, names, streets):
    projects = projects_in(_portfolio(), district)
    assert names_in(projects, column) == names
    assert has_streets(projects) is streets
