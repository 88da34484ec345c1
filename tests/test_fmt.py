"""Formats leadership reads: 万㎡ with two decimals, thousands separators, dates per language."""

import datetime as dt

import pandas as pd
import pytest

from housing.fmt import fmt_big, fmt_count, fmt_date, fmt_datetime, fmt_int, fmt_list, fmt_percent, fmt_size, fmt_wan


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


@pytest.mark.parametrize(
    ("value", "lang", "expected"),
    [
        (dt.datetime(2026, 11, 21, 6, 5, tzinfo=dt.UTC), "zh", "2026年11月21日 14:05"),
        (dt.datetime(2026, 11, 21, 6, 5, tzinfo=dt.UTC), "en", "2026-11-21 14:05"),
        (dt.datetime(2026, 12, 31, 20, 0, tzinfo=dt.UTC), "zh", "2027年1月1日 04:00"),  # the local day
    ],
)
def test_fmt_datetime(value, lang, expected):
    assert fmt_datetime(value, lang) == expected


@pytest.mark.parametrize(
    ("value", "lang", "expected"),
    [
        (1_261_900_00, "zh", "1.26亿"),
        (1_261_900_00, "en", "126.2 million"),
        (1_261_900_000, "en", "1.3 billion"),
        (12_345, "zh", "1.23万"),
        (12_619_000, "zh", "1,261.9万"),  # four digits before 万 take the separator, as every figure does
        (12_619_000, "en", "12.6 million"),
        (12_345, "en", "12.3 thousand"),
        (999, "zh", "999"),
        (None, "en", ""),
    ],
)
def test_fmt_big_says_large_figures_as_people_do(value, lang, expected):
    assert fmt_big(value, lang) == expected


@pytest.mark.parametrize(
    ("n", "key", "lang", "expected"),
    [
        (1, "count.projects", "en", "1 project"),
        (0, "count.projects", "en", "0 projects"),
        (2, "count.projects", "en", "2 projects"),
        (1_200, "count.projects", "en", "1,200 projects"),
        (1, "count.projects", "zh", "1 个项目"),
        (56, "count.projects", "zh", "56 个项目"),
        (1, "count.days", "en", "1 day"),
        (30, "count.days", "en", "30 days"),
        (30, "count.days", "zh", "30"),  # the Chinese sentence carries 天 itself
        ("1", "count.points", "en", "1 point"),
        ("12.5", "count.points", "en", "12.5 points"),
        ("1.0", "count.points", "en", "1.0 points"),  # CLDR: a visible decimal is plural in English
        (1, "count.errors", "en", "1 error"),
    ],
)
def test_fmt_count_picks_the_plural_form(n, key, lang, expected):
    assert fmt_count(n, key, lang) == expected


@pytest.mark.parametrize(
    ("share", "digits", "expected"),
    [(0.256, 0, "26%"), (0.9134, 1, "91.3%"), (1 / 3, 0, "33%"), (1, 0, "100%"), (0, 1, "0.0%"), (None, 0, "")],
)
def test_fmt_percent(share, digits, expected):
    assert fmt_percent(share, digits) == expected


@pytest.mark.parametrize(
    ("value", "zh", "en"),
    [
        (999_999, "999,999", "999,999"),  # just below: as it is
        (1_000_000, "100万", "1 million"),  # at the threshold: as people say it
        (1_000_001, "100万", "1 million"),
        (12_619_000, "1,261.9万", "12.6 million"),
        (-2_500_000, "-250万", "-2.5 million"),
        (0, "0", "0"),
        (None, "", ""),
    ],
)
def test_fmt_size_says_a_count_as_people_do_from_seven_digits(value, zh, en):
    assert (fmt_size(value, "zh"), fmt_size(value, "en")) == (zh, en)
    assert "…" not in fmt_size(value, "zh") + fmt_size(value, "en")


@pytest.mark.parametrize("zone", ["Mars/Base", "../../etc/passwd", ""])
def test_fmt_datetime_in_a_zone_that_names_none_uses_the_default_zone(zone):
    """Pages pass the ``timezone`` setting as written: a typo raised ZoneInfoNotFoundError on them."""
    moment = dt.datetime(2026, 11, 21, 6, 5, tzinfo=dt.UTC)
    assert fmt_datetime(moment, "zh", zone) == "2026年11月21日 14:05"
