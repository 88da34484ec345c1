"""How figures read on screen and in files: 万㎡ with two decimals, thousands separators, dates by language.

Numbers, dates and plurals go through Babel (CLDR data for ``zh_CN`` and ``en``, see ``housing.i18n.locale``)
rather than hand-written rules, so every renderer (pages, decks, PDFs) writes them the same way. Counts and
万㎡ keep the comma separator and the decimal point in both languages, as Chinese government tables do.
"""

from __future__ import annotations

import datetime as dt
import numbers
import re
from functools import lru_cache

import pandas as pd
from babel.dates import format_date, format_time
from babel.numbers import NumberPattern, format_compact_decimal, parse_pattern

from housing.i18n import locale, plural

# Dates as the product shows them: CLDR's long Chinese date (2021年3月31日), ISO in English (2021-03-31).
DATE_PATTERNS = {"zh": "long", "en": "yyyy-MM-dd"}
# Figures in tables: a whole number, and 万㎡ (or 万元) with two decimals, both with thousands separators.
INT_PATTERN, WAN_PATTERN = "#,##0", "#,##0.00"
# Large figures as people say them: 1.26亿 has two decimals, 126.2 million one.
BIG_DIGITS = {"zh": 2, "en": 1}
BIG_FROM = 1_000_000  # from seven digits on, a count reads as 万 / million (``fmt_size``)
_LEADING_DIGITS = re.compile(r"^\d{4,}")


@lru_cache(maxsize=8)
def _pattern(pattern: str) -> NumberPattern:
    """A parsed Babel number pattern (parsing once: tables format thousands of cells)."""
    return parse_pattern(pattern)


def _missing(value) -> bool:
    """``None``, NaN, ``pd.NA`` or ``NaT``."""
    return value is None or (not isinstance(value, str) and bool(pd.isna(value)))


def as_date(value) -> dt.date | None:
    """A ``date`` from a date, datetime, Timestamp or ISO text; ``None`` for missing values."""
    if _missing(value):
        return None
    if isinstance(value, str):
        return dt.date.fromisoformat(value[:10])
    if isinstance(value, pd.Timestamp | dt.datetime):
        return value.date()
    return value


@lru_cache(maxsize=16_384)
def _day_text(day: dt.date, lang: str) -> str:
    return format_date(day, DATE_PATTERNS["en" if lang == "en" else "zh"], locale=locale(lang))


def fmt_date(value, lang: str) -> str:
    """``2021年3月31日`` in Chinese, ``2021-03-31`` in English; empty for a missing date.

    Plain dates are remembered (tables of thousands of rows repeat the same days)."""
    day = as_date(value)
    if day is None:
        return ""
    if type(day) is dt.date:
        return _day_text(day, lang)
    return format_date(day, DATE_PATTERNS["en" if lang == "en" else "zh"], locale=locale(lang))


def fmt_number(value, pattern: str = INT_PATTERN, lang: str = "en") -> str:
    """A number in a Babel pattern (``#,##0.00``); the separators are the same in ``zh_CN`` and ``en``."""
    return _pattern(pattern).apply(value, locale(lang))


@lru_cache(maxsize=16_384)
def _whole(value: int) -> str:
    return fmt_number(value)


def fmt_int(value) -> str:
    """Whole number with thousands separators (``7,253``); empty for a missing value (remembered: counts repeat)."""
    return "" if _missing(value) else _whole(int(round(float(value))))


def fmt_wan(m2) -> str:
    """Square metres shown in 万㎡ (units of 10,000 m²) with two decimals: ``264.83``."""
    return "" if _missing(m2) else fmt_number(float(m2) / 10_000, WAN_PATTERN)


def fmt_percent(share, digits: int = 0) -> str:
    """A share (0.256) as a percentage, ``26%`` (``digits`` decimals: ``25.6%``); empty for a missing value."""
    return "" if _missing(share) else fmt_number(share, "#,##0" + ("." + "0" * digits if digits else "") + "%")


def fmt_big(value, lang: str) -> str:
    """A large figure as people say it: ``1.26亿`` / ``126.2 million`` (CLDR compact decimals); empty if missing."""
    if _missing(value):
        return ""
    if lang == "en":  # "126.2 million": the long form, as English speakers say it
        return format_compact_decimal(value, format_type="long", locale=locale(lang), fraction_digits=BIG_DIGITS["en"])
    short = format_compact_decimal(value, format_type="short", locale=locale(lang), fraction_digits=BIG_DIGITS["zh"])
    # CLDR writes 1261.9万 without a separator; the product writes every figure of four digits or more with one.
    return _LEADING_DIGITS.sub(lambda m: fmt_number(int(m.group(0))), short, count=1)


def fmt_size(value, lang: str) -> str:
    """A count that may grow large: ``523,456`` as it is, from ``BIG_FROM`` on as people say it (``fmt_big``:
    ``1,261.9万`` / ``12.6 million``), so a headline or chart label never outgrows its place."""
    if _missing(value):
        return ""
    return fmt_big(value, lang) if abs(float(value)) >= BIG_FROM else fmt_int(value)


def fmt_count(n, unit_key: str, lang: str, **params) -> str:
    """A count with its noun in the reader's language and plural form: ``1 project`` / ``3 projects`` / ``3 个项目``.

    ``unit_key`` names a plural text of the catalogue (``count.projects``); its ``{n}`` is the count with thousands
    separators when it is a whole number, else as given (``12.5`` points)."""
    shown = fmt_int(n) if isinstance(n, numbers.Integral) else str(n)
    return plural(unit_key, n, lang, n=shown, **params)


def fmt_list(items, lang: str) -> str:
    """Names as one line: ``章丘区、历城区`` in Chinese, ``章丘区, 历城区`` in English."""
    return ("、" if lang == "zh" else ", ").join(str(i) for i in items)


def fmt_datetime(value: dt.datetime, lang: str, tz: str = "Asia/Shanghai") -> str:
    """A moment in local time: ``2026年11月21日 14:05`` in Chinese, ``2026-11-21 14:05`` in English."""
    from housing.clock import zone  # a zone that names none (a typo in the setting) is the default zone

    local = value.astimezone(zone(tz))
    return f"{fmt_date(local.date(), lang)} {format_time(local, 'HH:mm', locale=locale(lang))}"
