"""One district's file published into the whole register (housing/scope.py)."""

from __future__ import annotations

import pandas as pd
import pytest

from housing.changes import diff_projects
from housing.scope import file_districts, kept_rows, merge_districts, removal, removal_in


def table(*rows: tuple[str, str | None]) -> pd.DataFrame:
    """(name, district) rows, typed like the loader's table."""
    frame = pd.DataFrame(rows, columns=["name", "district"])
    return frame.astype({"name": "string", "district": "string"})


def pairs(frame: pd.DataFrame) -> list[tuple]:
    return [(n, None if pd.isna(d) else d) for n, d in zip(frame["name"], frame["district"], strict=True)]


@pytest.mark.parametrize(
    ("rows", "expected"),
    [
        ([("a", "章丘区"), ("b", "历城区"), ("c", "章丘区")], ["章丘区", "历城区"]),  # first appearance
        ([("a", "章丘区")], ["章丘区"]),
        ([("a", "章丘区"), ("b", None)], []),  # a project naming no district: the file cannot be scoped
        ([], []),
    ],
)
def test_file_districts(rows, expected):
    assert file_districts(table(*rows)) == expected


CURRENT = table(("a", "历城区"), ("b", "章丘区"), ("c", "历城区"), ("d", None), ("e", "天桥区"))


@pytest.mark.parametrize(
    ("upload", "covered", "expected"),
    [
        (  # one district replaced in its place; the others, and the row without a district, kept
            [("x", "章丘区"), ("y", "章丘区")],
            ["章丘区"],
            [("a", "历城区"), ("c", "历城区"), ("x", "章丘区"), ("y", "章丘区"), ("e", "天桥区"), ("d", None)],
        ),
        (  # a district new to the register comes after the known ones, before rows without a district
            [("z", "槐荫区")],
            ["槐荫区"],
            [("a", "历城区"), ("c", "历城区"), ("b", "章丘区"), ("e", "天桥区"), ("z", "槐荫区"), ("d", None)],
        ),
        (  # two districts at once, each in its place and in the file's order
            [("t", "天桥区"), ("l", "历城区")],
            ["天桥区", "历城区"],
            [("l", "历城区"), ("b", "章丘区"), ("t", "天桥区"), ("d", None)],
        ),
    ],
)
def test_merge_districts(upload, covered, expected):
    assert pairs(merge_districts(CURRENT, table(*upload), covered)) == expected


def test_merge_keeps_types_and_every_column():
    current = CURRENT.assign(households=pd.array([1, 2, 3, None, 5], dtype="Int64"))
    upload = table(("x", "章丘区")).assign(households=pd.array([7], dtype="Int64"))
    merged = merge_districts(current, upload, ["章丘区"])
    assert merged.dtypes.equals(current.dtypes)
    assert merged["households"].tolist() == [1, 3, 7, 5, pd.NA]


def test_everything_covered_is_the_file_itself():
    upload = table(("x", "历城区"), ("y", "章丘区"), ("z", "天桥区"))
    current = CURRENT.dropna()
    assert kept_rows(current, file_districts(upload)).empty
    assert pairs(merge_districts(current, upload, file_districts(upload))) == pairs(upload)


def households_table(*rows: tuple[str, str | None, int | None]) -> pd.DataFrame:
    """(name, district, households) rows."""
    frame = pd.DataFrame(rows, columns=["name", "district", "households"])
    return frame.astype({"name": "string", "district": "string", "households": "Int64"})


BIG = households_table(*[(f"p{n}", "历城区", 100) for n in range(20)])  # 20 projects, 2,000 households


@pytest.mark.parametrize(
    ("new", "gone", "households", "large"),
    [
        (BIG, [], 0, False),  # the same projects
        (BIG.iloc[1:], ["p0"], 100, False),  # 1 of 20 (5 %)
        (BIG.iloc[2:], ["p0", "p1"], 200, False),  # exactly a tenth: not more than a tenth
        (BIG.iloc[3:], ["p0", "p1", "p2"], 300, True),  # 15 %
        (BIG.assign(district="章丘区"), [f"p{n}" for n in range(20)], 2000, True),  # the district renamed: all go
        (BIG.assign(name=BIG["name"] + " "), [], 0, False),  # keys are normalised like the change preview's
        (BIG.iloc[:0], [f"p{n}" for n in range(20)], 2000, True),
    ],
)
def test_removal_states_what_goes(new, gone, households, large):
    found = removal(BIG, new)
    assert (found.projects["name"].tolist(), found.households, found.large) == (gone, households, large)
    # The upload page reads the same removal off the preview's comparison instead of comparing again.
    read_off = removal_in(diff_projects(BIG, new))
    assert read_off.projects["name"].tolist() == gone
    assert (read_off.households, read_off.large, read_off.current_projects, read_off.current_households) == (
        households,
        large,
        found.current_projects,
        found.current_households,
    )


def test_a_removal_large_in_households_only_is_large():
    current = households_table(("big", "历城区", 5000), *[(f"p{n}", "历城区", 10) for n in range(30)])
    for found in (removal(current, current.iloc[1:]), removal_in(diff_projects(current, current.iloc[1:]))):
        # 1 of 31 projects, but 5,000 of 5,300 households
        assert (len(found.projects), found.households, found.large) == (1, 5000, True)
        assert (found.current_projects, found.current_households) == (31, 5300)


def test_a_removal_from_nothing_is_nothing():
    found = removal(households_table(), BIG)
    assert found.projects.empty and not found.large
