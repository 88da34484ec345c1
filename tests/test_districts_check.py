"""District names that mean a known district (章丘 / 章丘区), and rows without a district: ``housing.districts``."""

from __future__ import annotations

import pandas as pd
import pytest

from housing.districts import apply_mapping, district_issues, district_stem, district_variants, rows_without_district
from loaders.load import empty_projects

KNOWN = ["章丘区", "历城区", "历下区", "市中区", "平阴县", "济阳区"]


def projects(*districts) -> pd.DataFrame:
    """One project per district given (``None``: none), on Excel rows 2, 3, … of sheet 项目."""
    rows = [
        {"name": f"项目{n}", "district": d, "households": 10, "sheet": "项目", "row": n + 2}
        for n, d in enumerate(districts)
    ]
    return pd.concat([empty_projects(), pd.DataFrame(rows)], ignore_index=True).astype(empty_projects().dtypes)


@pytest.mark.parametrize(
    ("name", "stem"),
    [
        ("章丘区", "章丘"),
        ("章丘", "章丘"),
        ("历城 区", "历城"),
        ("历城\u3000区", "历城"),  # full-width (ideographic) space
        (" 历 城 ", "历城"),
        ("平阴县", "平阴"),
        ("区", "区"),  # only a suffix: kept
        ("ＡＢ区", "AB"),  # full-width letters read half-width
    ],
)
def test_district_stem(name, stem):
    assert district_stem(name) == stem


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        ("章丘", ("章丘区", "district_variant_suffix")),
        ("历城", ("历城区", "district_variant_suffix")),
        ("历城 区", ("历城区", "district_variant_spacing")),
        ("历城\u3000区", ("历城区", "district_variant_spacing")),
        ("历 城", ("历城区", "district_variant_suffix")),
        ("平阴", ("平阴县", "district_variant_suffix")),
        ("平阴区", ("平阴县", "district_variant_suffix")),  # another suffix: still only the suffix differs
        ("市中", ("市中区", "district_variant_suffix")),
        # no false positives
        ("章丘区", None),  # known as written
        ("历下区", None),  # a different district one character away from 历城区
        ("历下", ("历下区", "district_variant_suffix")),  # …matched to its own district, not to 历城区
        ("历城区东", None),
        ("天桥区", None),  # simply a new district
        ("莱芜", None),
    ],
)
def test_district_variants(written, expected):
    found = district_variants(projects("章丘区", written), KNOWN)
    assert [(v.known, v.code) for v in found if v.written == written] == ([expected] if expected else [])


def test_a_variant_lists_every_row_naming_it():
    found = district_variants(projects("章丘", "历城区", "章丘", None), KNOWN)
    assert [(v.written, v.known, v.rows) for v in found] == [("章丘", "章丘区", (("项目", 2), ("项目", 4)))]


def test_a_name_matching_two_known_districts_is_left_as_written():
    assert district_variants(projects("章丘"), ["章丘区", "章丘市"]) == []


def test_no_known_districts_no_variants():
    assert district_variants(projects("章丘", "历城"), []) == []


@pytest.mark.parametrize(
    ("districts", "rows"),
    [
        (("章丘区", None, "章丘区"), [3]),
        (("章丘区", "历城区"), []),
        ((None, None), []),  # no district anywhere: the file has no district column, nothing odd in a row
        ((None, "历城区", None), [2, 4]),
    ],
)
def test_rows_without_district(districts, rows):
    assert rows_without_district(projects(*districts))["row"].tolist() == rows


def test_district_issues_name_the_known_district_and_the_row():
    issues = district_issues(projects("章丘区", "章丘", None), KNOWN)
    assert [(i.code, i.row, i.severity) for i in issues] == [
        ("district_variant_suffix", 3, "warning"),
        ("district_missing", 4, "warning"),
    ]
    assert issues[0].message("zh").startswith("“章丘”与已有区县“章丘区”仅后缀不同，是否为同一区县？")
    assert issues[1].message("en").startswith("Project “项目2” names no district while the file's other projects do")


def test_apply_mapping_reads_the_variant_as_the_known_district():
    mapped = apply_mapping(projects("章丘", "历城区", None), {"章丘": "章丘区"})
    assert mapped["district"].tolist() == ["章丘区", "历城区", pd.NA]
    assert apply_mapping(projects("章丘"), {})["district"].tolist() == ["章丘"]


def test_a_mapping_that_makes_one_project_twice_is_found():
    frame = projects("章丘", "章丘区").assign(name=["白泉", "白泉"])
    from housing.districts import repeated_projects

    assert repeated_projects(frame) == []
    assert repeated_projects(apply_mapping(frame, {"章丘": "章丘区"})) == ["白泉"]
