"""Parsing of single cell values the way staff type them: dates as text, numbers with units.

Each parser returns ``(value, code, params)``: the parsed value (or ``None``), and an issue code from
``loaders.issues.SEVERITY`` (or ``None`` when the value is clean).
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
import unicodedata

from housing.clock import FIRST_YEAR, LAST_YEAR
from loaders.chars import clean

EXCEL_EPOCH = dt.date(1899, 12, 30)
YEAR_LOW, YEAR_HIGH = FIRST_YEAR, LAST_YEAR
# Cells staff use to mean "nothing here".
BLANKS = {"", "-", "--", "—", "——", "/", "无", "暂无", "n/a", "na", "none", "null"}

_FULL_DATE = re.compile(
    r"^(\d{4})\s*[年./\-]\s*(\d{1,2})\s*[月./\-]\s*(\d{1,2})\s*[日号]?"
    r"\s*(?:前|之前|以前|左右|底前)?\s*(?:\d{1,2}:\d{2}(?::\d{2})?)?$"
)
_COMPACT_DATE = re.compile(r"^(\d{4})(\d{2})(\d{2})$")
_MONTH_ONLY = re.compile(r"^(\d{4})\s*[年./\-]\s*(\d{1,2})\s*(?:月)?\s*(?:底|末|份|前|底前)?$")
_NUMBER_UNITS = re.compile(r"(万平方米|万m2|平方米|m2|户|套|人|个|%|万)$")


def normalize_text(value: str) -> str:
    """Full-width to half-width (NFKC), control and invisible characters removed (``loaders.chars``) and
    trimmed, so ``２０２１年`` reads as ``2021年`` and a pasted ``656\u200b`` as ``656``."""
    return clean(unicodedata.normalize("NFKC", value)).strip()


def is_blank(value) -> bool:
    """True for empty cells and the placeholders staff type for 'nothing'."""
    if value is None:
        return True
    if isinstance(value, str):
        return normalize_text(value).lower() in BLANKS
    return isinstance(value, float) and value != value


def parse_number(value):
    """A non-negative number from a cell: ``1,623``, ``1623户``, ``８６０``, ``65%`` all work; blanks are ``None``."""
    if is_blank(value):
        return None, None, {}
    if isinstance(value, bool):
        return None, "not_a_number", {}
    if isinstance(value, (int, float)):
        number = float(value)
    else:
        text = normalize_text(str(value)).replace(",", "").replace(" ", "")
        text = _NUMBER_UNITS.sub("", text)
        try:
            number = float(text)
        except ValueError:
            return None, "not_a_number", {}
    if number != number or number in (float("inf"), float("-inf")):
        return None, "not_a_number", {}
    if number < 0:
        return None, "negative", {}
    return number, None, {}


def _checked_date(year: int, month: int, day: int):
    if not YEAR_LOW <= year <= YEAR_HIGH:
        return None, "date_out_of_range", {"low": YEAR_LOW, "high": YEAR_HIGH}
    try:
        return dt.date(year, month, day), None, {}
    except ValueError:
        return None, "impossible_date", {}


def _month_end(year: int, month: int):
    if not 1 <= month <= 12:
        return None, "impossible_date", {}
    date, code, params = _checked_date(year, month, calendar.monthrange(year, month)[1])
    if code:
        return date, code, params
    return date, "month_only", {"date": date.isoformat()}


def _from_serial(number: float):
    if not 1 <= number < 2958466:  # Excel's own range: 1900-01-01 .. 9999-12-31
        return None, "not_a_date", {}
    date = EXCEL_EPOCH + dt.timedelta(days=int(number))
    return _checked_date(date.year, date.month, date.day)


def parse_date(value):
    """A date from a real date cell, an Excel serial, or text such as ``2021年3月31日前``; blanks are ``None``."""
    if is_blank(value):
        return None, None, {}
    if isinstance(value, dt.datetime):
        value = value.date()
    if isinstance(value, dt.date):
        return _checked_date(value.year, value.month, value.day)
    if isinstance(value, bool):
        return None, "not_a_date", {}
    if isinstance(value, (int, float)):
        return _from_serial(float(value))
    return parse_date_text(normalize_text(str(value)))


def parse_date_text(text: str):
    """The text forms of a date staff type; a month alone means its last day (with a warning)."""
    text = text.replace(" ", "")
    for pattern in (_FULL_DATE, _COMPACT_DATE):
        match = pattern.match(text)
        if match:
            return _checked_date(*(int(g) for g in match.groups()))
    match = _MONTH_ONLY.match(text)
    if match:
        return _month_end(int(match.group(1)), int(match.group(2)))
    if re.fullmatch(r"\d+(\.\d+)?", text):
        return _from_serial(float(text))
    return None, "not_a_date", {}
