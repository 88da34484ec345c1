"""How figures read on screen and in files: 万㎡ with two decimals, thousands separators, dates by language."""

from __future__ import annotations

import datetime as dt

import pandas as pd


def as_date(value) -> dt.date | None:
    """A ``date`` from a date, datetime, Timestamp or ISO text; ``None`` for missing values."""
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return None
    if isinstance(value, str):
        return dt.date.fromisoformat(value[:10])
    if isinstance(value, pd.Timestamp | dt.datetime):
        return value.date()
    return value


def fmt_date(value, lang: str) -> str:
    """``2021年3月31日`` in Chinese, ``2021-03-31`` in English; empty for a missing date."""
    day = as_date(value)
    if day is None:
        return ""
    return f"{day.year}年{day.month}月{day.day}日" if lang == "zh" else day.isoformat()


def fmt_int(value) -> str:
    """Whole number with thousands separators (``7,253``); empty for a missing value."""
    return "" if value is None or pd.isna(value) else f"{int(round(float(value))):,}"


def fmt_wan(m2) -> str:
    """Square metres shown in 万㎡ (units of 10,000 m²) with two decimals: ``264.83``."""
    return "" if m2 is None or pd.isna(m2) else f"{float(m2) / 10_000:,.2f}"


def fmt_list(items, lang: str) -> str:
    """Names as one line: ``章丘区、历城区`` in Chinese, ``章丘区, 历城区`` in English."""
    return ("、" if lang == "zh" else ", ").join(str(i) for i in items)


def fmt_datetime(value: dt.datetime, lang: str, tz: str = "Asia/Shanghai") -> str:
    """A moment in local time: ``2026年11月21日 14:05`` in Chinese, ``2026-11-21 14:05`` in English."""
    from zoneinfo import ZoneInfo

    local = value.astimezone(ZoneInfo(tz))
    return f"{fmt_date(local.date(), lang)} {local:%H:%M}"
