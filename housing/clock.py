"""The product's "today": the date in the configured time zone, not the server's clock.

The servers run on UTC while the districts work on Beijing time, so at 20:00 UTC it is already the next
day for every user. Statuses are judged as of this date, and version times are shown in the same zone
(``timezone`` in ``housing.settings``), so a version published "today" is published on the day shown.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from housing.settings import get_setting

FALLBACK_ZONE = "Asia/Shanghai"  # the default of the ``timezone`` setting, used when it names no zone
# The years a date may fall in: a cell's date outside them is an error (``loaders.values``), an as-of date from
# a link or a command line outside them is refused (year 1 or 9999 is beyond what the tables can hold).
FIRST_YEAR, LAST_YEAR = 1990, 2100


def within_years(day: dt.date) -> bool:
    """Whether ``day`` falls in ``FIRST_YEAR`` to ``LAST_YEAR``."""
    return FIRST_YEAR <= day.year <= LAST_YEAR


def zone(name: str | None = None) -> ZoneInfo:
    """The time zone ``name`` (default: the ``timezone`` setting); an unknown name gives the default zone."""
    try:
        return ZoneInfo(name or str(get_setting("timezone")))
    except (ZoneInfoNotFoundError, ValueError):  # a typo in the setting must not stop every page
        return ZoneInfo(FALLBACK_ZONE)


def now_utc() -> dt.datetime:
    """The current instant (one place to fix it in tests)."""
    return dt.datetime.now(dt.UTC)


def date_at(instant: dt.datetime, tz: str | None = None) -> dt.date:
    """The calendar date in ``tz`` (default: the ``timezone`` setting) at an aware ``instant``."""
    return instant.astimezone(zone(tz)).date()


def today(tz: str | None = None, now: dt.datetime | None = None) -> dt.date:
    """Today's date in ``tz`` (default: the ``timezone`` setting) at ``now`` (default: the current instant)."""
    return date_at(now or now_utc(), tz)
