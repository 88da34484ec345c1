"""Single cell values as staff type them: ``loaders.values`` (parse_date, parse_number, is_blank)."""

from __future__ import annotations

import datetime as dt

import pytest

from loaders.values import is_blank, normalize_text, parse_date, parse_number

D = dt.date
RANGE = {"low": 1990, "high": 2100}


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        # text, as typed
        ("2021年3月31日", D(2021, 3, 31)),
        ("2021年3月31日前", D(2021, 3, 31)),
        ("2021年3月31日之前", D(2021, 3, 31)),
        ("2021年3月31日以前", D(2021, 3, 31)),
        ("2021年3月31日左右", D(2021, 3, 31)),
        ("2021年3月31日 前", D(2021, 3, 31)),
        ("2021年3月31号", D(2021, 3, 31)),
        ("2021年3月31", D(2021, 3, 31)),
        ("2021.3.31", D(2021, 3, 31)),
        ("2021.03.31", D(2021, 3, 31)),
        ("2021/3/31", D(2021, 3, 31)),
        ("2021-03-31", D(2021, 3, 31)),
        ("2021-3-31", D(2021, 3, 31)),
        ("2021 - 03 - 31", D(2021, 3, 31)),
        ("20210331", D(2021, 3, 31)),
        ("２０２１年３月３１日", D(2021, 3, 31)),  # full-width digits
        ("２０２１．３．３１", D(2021, 3, 31)),
        ("  2021年4月30日前  ", D(2021, 4, 30)),
        ("2021-03-31 00:00:00", D(2021, 3, 31)),  # a datetime pasted as text
        ("2021-03-31 10:30", D(2021, 3, 31)),
        ("2024年2月29日", D(2024, 2, 29)),  # leap day
        ("1990-01-01", D(1990, 1, 1)),  # range bounds
        ("2100-12-31", D(2100, 12, 31)),
        # real date cells
        (D(2021, 3, 31), D(2021, 3, 31)),
        (dt.datetime(2021, 3, 31, 17, 45), D(2021, 3, 31)),
        # Excel serials, as numbers and as text
        (44286, D(2021, 3, 31)),
        (44286.0, D(2021, 3, 31)),
        (44286.75, D(2021, 3, 31)),  # a time of day is dropped
        ("44286", D(2021, 3, 31)),
        (45657, D(2024, 12, 31)),
        (32874, D(1990, 1, 1)),
    ],
)
def test_parse_date_reads_every_clean_form(value, expected):
    assert parse_date(value) == (expected, None, {})


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2021年3月", D(2021, 3, 31)),
        ("2021年3月底", D(2021, 3, 31)),
        ("2021年3月末", D(2021, 3, 31)),
        ("2021年3月份", D(2021, 3, 31)),
        ("2021年3月前", D(2021, 3, 31)),
        ("2021年3月底前", D(2021, 3, 31)),
        ("2021.3", D(2021, 3, 31)),
        ("2021-3", D(2021, 3, 31)),
        ("2021/03", D(2021, 3, 31)),
        ("2021年2月", D(2021, 2, 28)),
        ("2024年2月", D(2024, 2, 29)),  # leap year
        ("2028年6月", D(2028, 6, 30)),
        ("2021年12月", D(2021, 12, 31)),
        ("２０２１年４月", D(2021, 4, 30)),
    ],
)
def test_a_month_alone_is_its_last_day_with_a_warning(text, expected):
    assert parse_date(text) == (expected, "month_only", {"date": expected.isoformat()})


@pytest.mark.parametrize(
    ("value", "code", "params"),
    [
        ("2021年13月5日", "impossible_date", {}),
        ("2021-02-30", "impossible_date", {}),
        ("2021年2月29日", "impossible_date", {}),  # 2021 is not a leap year
        ("2021年4月31日", "impossible_date", {}),
        ("2021年3月32日", "impossible_date", {}),
        ("2021年0月10日", "impossible_date", {}),
        ("20211301", "impossible_date", {}),
        ("20210230", "impossible_date", {}),
        ("2021年13月", "impossible_date", {}),
        ("2021年0月", "impossible_date", {}),
        ("1989-12-31", "date_out_of_range", RANGE),
        ("2101-01-01", "date_out_of_range", RANGE),
        ("1899年1月1日", "date_out_of_range", RANGE),
        (D(1900, 1, 1), "date_out_of_range", RANGE),
        (1900, "date_out_of_range", RANGE),  # serial 1900 is 1905-03-14
        ("1900", "date_out_of_range", RANGE),
        (1.0, "date_out_of_range", RANGE),  # serial 1 is 1900-01-01
        (0, "not_a_date", {}),  # before Excel's first serial
        (-5, "not_a_date", {}),
        (2958466, "not_a_date", {}),  # after 9999-12-31
        (True, "not_a_date", {}),
        ("abc", "not_a_date", {}),
        ("2021年", "not_a_date", {}),
        ("3/31/2021", "not_a_date", {}),  # month-first is ambiguous: not guessed
        ("31/3/2021", "not_a_date", {}),
        ("21.3.31", "not_a_date", {}),  # two-digit year
        ("2021.03.31.", "not_a_date", {}),
        ("2021年4月30日前完成", "not_a_date", {}),
        ("尽快", "not_a_date", {}),
    ],
)
def test_parse_date_rejects_with_the_right_code(value, code, params):
    assert parse_date(value) == (None, code, params)


@pytest.mark.parametrize("value", [None, "", "   ", "—", "——", "-", "--", "/", "无", "暂无", "N/A", float("nan")])
def test_parse_date_blank_is_none_without_an_issue(value):
    assert parse_date(value) == (None, None, {})


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (1623, 1623.0),
        (1623.0, 1623.0),
        (21.26, 21.26),
        (0, 0.0),
        ("0", 0.0),
        ("1623", 1623.0),
        ("1,623", 1623.0),
        ("12,345,678", 12345678.0),
        ("1623户", 1623.0),
        ("2,187户", 2187.0),
        ("1623套", 1623.0),
        ("100人", 100.0),
        ("１６２３", 1623.0),  # full-width digits
        ("８６０", 860.0),
        ("１，６２３", 1623.0),  # full-width comma
        (" 1 623 ", 1623.0),
        ("65%", 65.0),
        ("21.26万平方米", 21.26),  # the unit belongs to the header; the number is kept as written
        ("21.26万㎡", 21.26),
        ("3.5 万m2", 3.5),
        ("12.5平方米", 12.5),
        ("12.5㎡", 12.5),
        ("12.5m²", 12.5),
        ("+5", 5.0),
        ("1e3", 1000.0),
    ],
)
def test_parse_number_reads_numbers_typed_as_text(value, expected):
    assert parse_number(value) == (expected, None, {})


@pytest.mark.parametrize(
    ("value", "code"),
    [
        (-12, "negative"),
        (-1.2, "negative"),
        ("-12", "negative"),
        ("-1,200户", "negative"),
        ("－１２", "negative"),  # full-width minus and digits
        ("约三百户", "not_a_number"),
        ("三百", "not_a_number"),
        ("待定", "not_a_number"),
        ("1623户（含商业）", "not_a_number"),
        ("(12)", "not_a_number"),
        ("1.2.3", "not_a_number"),
        (True, "not_a_number"),
        (False, "not_a_number"),
        (float("inf"), "not_a_number"),
        ("inf", "not_a_number"),
        ("nan", "not_a_number"),
    ],
)
def test_parse_number_rejects_with_the_right_code(value, code):
    assert parse_number(value) == (None, code, {})


@pytest.mark.parametrize("value", [None, "", "  ", "—", "——", "-", "/", "无", "暂无", "n/a", "NULL", float("nan")])
def test_parse_number_blank_is_none_without_an_issue(value):
    assert parse_number(value) == (None, None, {})


@pytest.mark.parametrize(
    ("value", "blank"),
    [
        (None, True),
        ("", True),
        ("   ", True),
        ("—", True),
        ("——", True),
        ("  —  ", True),
        ("－", True),  # full-width hyphen-minus reads as "-"
        ("-", True),
        ("--", True),
        ("/", True),
        ("无", True),
        ("暂无", True),
        ("N/A", True),
        ("NA", True),
        ("None", True),
        ("null", True),
        (float("nan"), True),
        (0, False),
        (0.0, False),
        ("0", False),
        ("x", False),
        ("无锡", False),
        (D(2021, 3, 31), False),
    ],
)
def test_is_blank(value, blank):
    assert is_blank(value) is blank


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("２０２１年３月", "2021年3月"),
        ("  项目名称  ", "项目名称"),
        ("安置户数（户）", "安置户数(户)"),
        ("ＡＢＣ１２３", "ABC123"),
        ("１，６２３", "1,623"),
        ("建筑面积(㎡)", "建筑面积(m2)"),
    ],
)
def test_normalize_text_folds_full_width(text, expected):
    assert normalize_text(text) == expected
