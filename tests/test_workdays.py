"""The working-day clock: official holidays and make-up working days from ``chinesecalendar``, calendar days
as an option, Monday to Friday beyond the years the package covers."""

from __future__ import annotations

import datetime as dt

import chinese_calendar
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from housing.workdays import add_working_days, add_working_days_many, beyond_calendar, covered_years, is_working_day

D = dt.date.fromisoformat

# (day, working?, why) — checked against the State Council's notices for those years.
DAYS = [
    ("2024-02-04", True, "Sunday worked before the 2024 Spring Festival"),
    ("2024-02-09", True, "Friday, the last working day before it (除夕 was not a holiday in 2024)"),
    ("2024-02-10", False, "Spring Festival, first day"),
    ("2024-02-17", False, "Spring Festival, last day (a Saturday)"),
    ("2024-02-18", True, "Sunday worked after it"),
    ("2025-01-26", True, "Sunday worked before the 2025 Spring Festival"),
    ("2025-01-28", False, "Spring Festival 2025 starts (除夕)"),
    ("2025-02-04", False, "Spring Festival 2025, last day (a Tuesday)"),
    ("2025-02-08", True, "Saturday worked after it"),
    ("2025-02-09", False, "an ordinary Sunday"),
    ("2024-09-29", True, "Sunday worked before National Day 2024"),
    ("2024-10-01", False, "National Day"),
    ("2024-10-07", False, "National Day, last day (a Monday)"),
    ("2024-10-12", True, "Saturday worked after National Day 2024"),
    ("2026-10-10", True, "Saturday worked after National Day 2026"),
    ("2027-01-01", True, "beyond coverage: a Friday counts, though it will be New Year's Day"),
    ("2027-01-02", False, "beyond coverage: a Saturday"),
]


@pytest.mark.parametrize(("day", "working", "why"), DAYS)
def test_official_working_days(day, working, why):
    assert is_working_day(D(day)) is working, why


# (start, n, calendar?, deadline, why)
ADDS = [
    ("2024-02-08", 1, False, "2024-02-09", "Thursday + 1: Friday"),
    ("2024-02-09", 1, False, "2024-02-18", "the last day before the holiday: + 1 is the make-up Sunday"),
    ("2024-02-09", 3, False, "2024-02-20", "make-up Sunday, Monday, Tuesday"),
    ("2024-02-09", 7, False, "2024-02-26", "the whole Spring Festival skipped"),
    ("2024-02-03", 1, False, "2024-02-04", "Saturday + 1: the make-up Sunday"),
    ("2024-02-12", 1, False, "2024-02-18", "raised during the holiday: the first working day after it"),
    ("2024-02-09", 1, True, "2024-02-10", "calendar days ignore the holiday"),
    ("2024-02-09", 7, True, "2024-02-16", "calendar days ignore the holiday"),
    ("2025-01-24", 1, False, "2025-01-26", "Friday + 1: the make-up Sunday"),
    ("2025-01-26", 1, False, "2025-01-27", "make-up Sunday + 1: Monday"),
    ("2025-01-27", 1, False, "2025-02-05", "the day before 除夕: + 1 is after the holiday"),
    ("2025-01-27", 3, False, "2025-02-07", "Wednesday, Thursday, Friday after it"),
    ("2025-01-27", 4, False, "2025-02-08", "the make-up Saturday is the 4th"),
    ("2025-01-27", 7, False, "2025-02-12", "7 working days across the 2025 Spring Festival"),
    ("2024-09-30", 1, False, "2024-10-08", "National Day 2024 skipped"),
    ("2024-09-27", 1, False, "2024-09-29", "Friday + 1: the make-up Sunday"),
    ("2024-09-30", 7, False, "2024-10-15", "7 across National Day, counting the make-up Saturday 10-12"),
    ("2026-12-30", 3, False, "2027-01-04", "into 2027 (beyond coverage): Dec 31, Fri Jan 1, Mon Jan 4"),
    ("2027-03-05", 1, False, "2027-03-08", "beyond coverage: Friday + 1 is Monday"),
    ("2024-02-08", 0, False, "2024-02-08", "no days: the same day"),
    ("1985-01-04", 1, False, "1985-01-07", "before the day table: stepped, Mon–Fri"),
]


@pytest.mark.parametrize(("start", "n", "calendar", "due", "why"), ADDS)
def test_add_working_days(start, n, calendar, due, why):
    assert add_working_days(D(start), n, calendar) == D(due), why


def test_many_agree_with_one_at_a_time():
    starts = pd.Series([D(s) for s, *_ in ADDS] + [None])
    for n in (1, 3, 7):
        many = add_working_days_many(starts, n)
        assert many.iloc[-1] is pd.NaT
        assert [d.date() for d in many.iloc[:-1]] == [add_working_days(d, n) for d in starts.iloc[:-1]]


@given(st.dates(dt.date(2000, 1, 1), dt.date(2030, 12, 31)), st.integers(1, 10))
def test_deadline_is_the_nth_working_day_after(start, n):
    due = add_working_days(start, n)
    between = [start + dt.timedelta(days=i) for i in range(1, (due - start).days + 1)]
    assert sum(is_working_day(d) for d in between) == n
    assert is_working_day(due)


def test_coverage_comes_from_the_package():
    years = covered_years()
    assert years == range(2004, 2027)  # chinesecalendar 1.11.0
    assert (
        not beyond_calendar(D("2026-12-31")) and beyond_calendar(D("2027-01-01")) and beyond_calendar(D("2003-12-31"))
    )
    with pytest.raises(NotImplementedError):  # why the fallback exists: the package refuses uncovered years
        chinese_calendar.is_workday(D("2027-01-04"))


def test_negative_days_refused():
    with pytest.raises(ValueError):
        add_working_days(D("2024-02-08"), -1)
