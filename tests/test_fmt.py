"""Formats leadership reads: 万㎡ with two decimals, thousands separators, dates per language."""

import datetime as dt

import pandas as pd
import pytest

from housing.fmt import fmt_date, fmt_int, fmt_list, fmt_wan


@pytest.mark.parametrize(
    ("value", "lang", "expected"),
    [
        (dt.date(2021, 3, 31), "zh", "2021年3月31日"),
        (dt.date(2021, 3, 31), "en", "2021-03-31"),
        (pd.Timestamp("2021-12-01"), "zh", "2021年12月1日"),
        ("2021-03-31", "en", "2021-03-31"),
        (pd.NaT, "zh", ""),
        (None, "en", ""),
    ],
)
def test_fmt_date(value, lang, expected):
    assert fmt_date(value, lang) == expected


@pytest.mark.parametrize(
    ("value", "expected"), [(7253, "7,253"), (0, "0"), (1234567.0, "1,234,567"), (None, ""), (pd.NA, "")]
)
def test_fmt_int(value, expected):
    assert fmt_int(value) == expected


@pytest.mark.parametrize(
    ("m2", "expected"), [(2_648_300, "264.83"), (39_100, "3.91"), (0, "0.00"), (95_995_200, "9,599.52"), (None, "")]
)
def test_fmt_wan(m2, expected):
    assert fmt_wan(m2) == expected


@pytest.mark.parametrize(
    ("items", "lang", "expected"),
    [(["章丘区", "历城区"], "zh", "章丘区、历城区"), (["章丘区", "历城区"], "en", "章丘区, 历城区"), ([], "zh", "")],
)
def test_fmt_list(items, lang, expected):
    assert fmt_list(items, lang) == expected
