"""China's official working days, for the 1-3-7 clock of supervision tasks (督办事项).

The State Council publishes each year's public holidays and the weekend days worked in their place
(调休上班, "make-up working days": e.g. Sunday 2024-02-04 and Sunday 2024-02-18 around the 2024 Spring
Festival). Those days come from the ``chinesecalendar`` package (import name ``chinese_calendar``, pinned
at 1.11.0), not from a hand-written list.

Coverage: version 1.11.0 holds the official schedules of 2004 to 2026 (``covered_years()``; read from the
package's own tables, so a newer pin widens it without a code change). Beyond those years there is no
official schedule to follow: every Monday to Friday counts as a working day and every weekend as a rest
day, with no holidays and no make-up days — so New Year's Day or the Spring Festival of an uncovered year
count as working days and a 7-day limit may end a few days early. ``beyond_calendar(d)`` says when a date
is judged this way, so a page can warn; upgrading the package once the State Council publishes next
year's schedule (usually in November) removes the fallback for that year.

``calendar=True`` counts calendar days instead (the ``task_calendar_days`` setting).
"""

from __future__ import annotations

import datetime as dt
from functools import cache

import chinese_calendar
import numpy as np
import pandas as pd

# The span the day table below is built for; dates outside it are counted day by day (Mon–Fri).
_TABLE_START, _TABLE_END = dt.date(1990, 1, 1), dt.date(2199, 12, 31)


@cache
def covered_years() -> range:
    """The years whose official holidays and make-up working days the installed package knows."""
    known = [*chinese_calendar.holidays, *chinese_calendar.workdays]
    return range(min(known).year, max(known).year + 1)


def beyond_calendar(day: dt.date) -> bool:
    """Whether ``day`` is outside the covered years (its working days are then plain Monday to Friday)."""
    return day.year not in covered_years()


def is_working_day(day: dt.date) -> bool:
    """Whether ``day`` is an official working day (make-up weekend days included; Mon–Fri beyond coverage)."""
    if beyond_calendar(day):
        return day.weekday() < 5
    return bool(chinese_calendar.is_workday(day))


@cache
def _working_days() -> np.ndarray:
    """Every working day of the table's span, sorted, as ``datetime64[D]`` (built once per process)."""
    days = pd.date_range(_TABLE_START, _TABLE_END, freq="D")
    weekday = days.day_of_week < 5
    covered = covered_years()
    inside = (days.year >= covered.start) & (days.year < covered.stop)
    # Inside the covered years ask the package for each day (about 8,400 days, a few milliseconds).
    official = np.array([chinese_calendar.is_workday(d) for d in days[inside].date], dtype=bool)
    working = weekday.copy()
    working[inside] = official
    return days[working].to_numpy().astype("datetime64[D]")


def add_working_days(start: dt.date, n: int, calendar: bool = False) -> dt.date:
    """The day ``n`` working days after ``start`` (the deadline of a step "within n working days").

    ``start`` itself never counts, whether or not it is a working day: a task raised on Friday with one
    working day is due on Monday, one raised on a Saturday also on Monday. ``n = 0`` gives ``start``.
    ``calendar=True`` counts calendar days (``start + n``).
    """
    if n < 0:
        raise ValueError("n must not be negative")
    if calendar or n == 0:
        return start + dt.timedelta(days=n)
    if not (_TABLE_START <= start < _TABLE_END - dt.timedelta(days=2 * n + 30)):
        return _add_by_stepping(start, n)
    days = _working_days()
    position = int(np.searchsorted(days, np.datetime64(start, "D"), side="right"))
    return days[position + n - 1].astype(dt.date)


def _add_by_stepping(start: dt.date, n: int) -> dt.date:
    """``add_working_days`` one day at a time (for dates outside the table)."""
    day, left = start, n
    while left:
        day += dt.timedelta(days=1)
        left -= is_working_day(day)
    return day


def add_working_days_many(starts: pd.Series, n: int, calendar: bool = False) -> pd.Series:
    """``add_working_days`` for a column of dates at once (missing stays missing), as ``datetime64`` days."""
    when = pd.to_datetime(starts).dt.normalize()
    if calendar or n == 0:
        return when + pd.Timedelta(days=n)
    out = pd.Series(pd.NaT, index=starts.index, dtype="datetime64[ns]")
    present = when.notna()
    if not present.any():
        return out
    values = when[present].to_numpy().astype("datetime64[D]")
    lo, hi = np.datetime64(_TABLE_START, "D"), np.datetime64(_TABLE_END - dt.timedelta(days=2 * n + 30), "D")
    inside = (values >= lo) & (values < hi)
    result = np.empty(len(values), dtype="datetime64[D]")
    days = _working_days()
    result[inside] = days[np.searchsorted(days, values[inside], side="right") + n - 1]
    for i in np.flatnonzero(~inside):  # rare: a date before 1990 or after 2199
        result[i] = np.datetime64(_add_by_stepping(values[i].astype(dt.date), n), "D")
    out[present] = result.astype("datetime64[ns]")
    return out
