"""Reading a 12345 hotline export (xlsx, xls, ods or CSV in UTF-8 or GBK) into the tickets table and its issues.

The columns and the words that name them are ``housing.hotline.COLUMNS``; the file is read by the same
guarded readers as the register (``loaders.reading``: size and zip-bomb checks, encodings), in a limited worker
process (``loaders.sandbox``). Errors (a missing ticket number or an unreadable date) block the upload, as a
register's do: the office fixes the export and uploads it again; warnings are shown and allowed.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
from dataclasses import dataclass, field

import pandas as pd

from housing import hotline as H
from housing.settings import resolved
from loaders.issues import Issue, Reported, display_value
from loaders.reading import RawSheet, ReadError, check_size, read_sheets
from loaders.sandbox import ChildError, LimitExceeded, Limits, limit_issue, run_limited
from loaders.values import YEAR_HIGH, YEAR_LOW, is_blank, normalize_text, parse_date

log = logging.getLogger(__name__)

HEADER_SCAN_ROWS = 30  # rows searched for the header (titles and notes come first in real exports)
_TIME = re.compile(r"(\d{1,2}):(\d{2})(?::(\d{2}))?\s*$")
_TOTAL = re.compile(r"^(合计|总计|小计|total)")


@dataclass
class HotlineResult(Reported):
    """What an export yielded: its tickets (``housing.hotline.TICKET_DTYPES``), the issues, readable or not."""

    filename: str
    tickets: pd.DataFrame = field(default_factory=H.empty_tickets)
    issues: list[Issue] = field(default_factory=list)
    readable: bool = True

    @property
    def ok(self) -> bool:
        """Readable, with tickets and free of errors."""
        return self.readable and not self.errors and len(self.tickets) > 0


def _column_letter(index: int) -> str:
    """``0`` → ``A``, ``27`` → ``AB``."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def find_header(rows: list[list]) -> tuple[int, dict[str, int]] | None:
    """The header row (0-based) and the column of each field it names: the first row within
    ``HEADER_SCAN_ROWS`` naming every required column (a field named twice keeps its first column)."""
    for r, row in enumerate(rows[:HEADER_SCAN_ROWS]):
        found: dict[str, int] = {}
        for c, cell in enumerate(row):
            name = H.match_column(cell) if isinstance(cell, str) else None
            if name and name not in found:
                found[name] = c
        if all(f in found for f in H.REQUIRED):
            return r, found
    return None


def _when(value) -> tuple[dt.datetime | None, str | None, dict]:
    """A date-and-time cell: a real datetime, an Excel serial, or text such as ``2026-11-20 09:31``; or the
    issue code (and its message's parameters) of a cell that is not one. A real datetime is held to the same
    years as a date (one in year 9999 made the whole file unreadable)."""
    if isinstance(value, dt.datetime):
        if not YEAR_LOW <= value.year <= YEAR_HIGH:
            return None, "date_out_of_range", {"low": YEAR_LOW, "high": YEAR_HIGH}
        return value.replace(tzinfo=None), None, {}
    day, code, params = parse_date(value)
    if code and code != "month_only":
        return None, code, params  # the message needs them (a date out of range names the years)
    if day is None:
        return None, None, {}
    if code == "month_only":
        return None, "not_a_date", {}  # a ticket has a day; a month alone is not one
    moment = dt.datetime(day.year, day.month, day.day)
    if isinstance(value, str):
        clock = _TIME.search(normalize_text(value))
        if clock:
            hour, minute, second = (int(g or 0) for g in clock.groups())
            if hour < 24 and minute < 60 and second < 60:
                moment = moment.replace(hour=hour, minute=minute, second=second)
    return moment, None, {}


def _text(value) -> str:
    """A text cell as written (numbers without a trailing ``.0``), trimmed."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return normalize_text(str(value))


def read_sheet(sheet: RawSheet, today: dt.date | None = None) -> tuple[list[dict], list[Issue]] | None:
    """One sheet's tickets and issues, or ``None`` when it has no hotline header. A receipt or reply after
    ``today`` (default: the machine's date) is an error: a call cannot come from the future (a typo such as
    2062 for 2026 would sit in a month to come of every rate)."""
    today = today or dt.date.today()
    found = find_header(sheet.rows)
    if found is None:
        return None
    header_row, columns = found
    header = sheet.rows[header_row]
    issues: list[Issue] = []
    tickets: list[dict] = []

    def problem(code: str, r: int, name: str, value, **params) -> None:
        col = columns[name]
        issues.append(
            Issue(code, sheet.name, r + 1, f"{_column_letter(col)} {header[col]}", display_value(value), params, col)
        )

    for r in range(header_row + 1, len(sheet.rows)):
        row = sheet.rows[r]
        cell = {name: (row[c] if c < len(row) else None) for name, c in columns.items()}
        if all(is_blank(v) for v in cell.values()):
            continue
        number = _text(cell[H.TICKET])
        if _TOTAL.match(number.lower()):
            continue
        if not number or is_blank(number):
            problem("hl_missing_ticket", r, H.TICKET, cell[H.TICKET])
            continue
        if len(number) > H.TICKET_NO_MAX:  # never cut: two numbers alike in their first characters would merge
            problem("hl_long_ticket", r, H.TICKET, cell[H.TICKET], length=len(number), limit=H.TICKET_NO_MAX)
            continue
        received, code, params = _when(cell[H.RECEIVED])
        if received is None:
            problem(code or "hl_missing_received", r, H.RECEIVED, cell[H.RECEIVED], **params)
            continue
        if received.date() > today:
            problem("hl_future_date", r, H.RECEIVED, cell[H.RECEIVED], date=received.date().isoformat())
            continue
        text = _text(cell[H.TEXT])
        if not text:
            problem("hl_missing_text", r, H.TEXT, cell[H.TEXT])
        replied, understood = H.replied_flag(cell.get(H.REPLIED))
        if not understood:
            problem("hl_bad_replied", r, H.REPLIED, cell[H.REPLIED])
        replied_at, code, params = _when(cell.get(H.REPLIED_AT)) if H.REPLIED_AT in columns else (None, None, {})
        if code:
            problem(code, r, H.REPLIED_AT, cell[H.REPLIED_AT], **params)
        if replied_at is not None and replied_at.date() > today:
            problem("hl_future_date", r, H.REPLIED_AT, cell[H.REPLIED_AT], date=replied_at.date().isoformat())
            replied_at = None
        if replied is None and replied_at is not None:
            replied = True  # a reply time says it was replied when the export has no yes/no column
        if replied_at is not None and replied_at < received:
            problem("hl_reply_before_received", r, H.REPLIED_AT, cell[H.REPLIED_AT])
        grade, understood = H.grade(cell.get(H.SATISFACTION_COLUMN))
        if not understood:
            problem("hl_bad_satisfaction", r, H.SATISFACTION_COLUMN, cell[H.SATISFACTION_COLUMN])
        tickets.append(
            {
                H.TICKET: number,
                H.RECEIVED: received,
                H.TEXT: text,
                H.DISTRICT: _text(cell.get(H.DISTRICT)) or None,
                H.REPLIED: bool(replied) if replied is not None else False,
                H.REPLIED_AT: replied_at,
                H.SATISFACTION_COLUMN: grade,
                "sheet": sheet.name,
                "row": r + 1,
            }
        )
    return tickets, issues


def _frame(rows: list[dict]) -> pd.DataFrame:
    """The tickets as the declared table."""
    if not rows:
        return H.empty_tickets()
    frame = pd.DataFrame(rows, columns=list(H.TICKET_DTYPES))
    return frame.astype(H.TICKET_DTYPES)


def _duplicates(frame: pd.DataFrame) -> tuple[pd.DataFrame, list[Issue]]:
    """A ticket number twice in the file: the last row is kept (an export lists a ticket's latest state last)."""
    repeated = frame[H.TICKET].duplicated(keep="last")
    issues = [
        Issue("hl_duplicate_ticket", str(s), int(r), "", str(n))
        for s, r, n in zip(frame.loc[repeated, "sheet"], frame.loc[repeated, "row"], frame.loc[repeated, H.TICKET])
    ]
    return frame[~repeated].reset_index(drop=True), issues


def read_hotline_unguarded(
    data: bytes, filename: str = "", overrides: dict | None = None, today: dt.date | None = None
) -> HotlineResult:
    """``read_hotline`` without the worker process: only for code already running under the limits."""
    try:
        sheets, issues = read_sheets(data, filename, overrides)
    except ReadError as exc:
        return HotlineResult(filename, issues=[exc.issue], readable=False)
    rows: list[dict] = []
    found = False
    for sheet in sheets:
        got = read_sheet(sheet, today)
        if got is None:
            continue
        found = True
        rows += got[0]
        issues += got[1]
    if not found:
        return HotlineResult(filename, issues=issues + [Issue("hl_no_header")])
    tickets, repeated = _duplicates(_frame(rows))
    return HotlineResult(filename, tickets, issues + repeated)


def read_hotline(
    data: bytes, filename: str = "", overrides: dict | None = None, today: dt.date | None = None
) -> HotlineResult:
    """Read a hotline export from its bytes in a limited worker; never raises for bad input (see the module)."""
    settings = resolved(overrides)
    try:
        check_size(data, settings)
        return run_limited(
            read_hotline_unguarded, data, filename, settings, today, limits=Limits.from_settings(settings)
        )
    except ReadError as exc:
        return HotlineResult(filename, issues=[exc.issue], readable=False)
    except LimitExceeded as exc:
        return HotlineResult(filename, issues=[limit_issue(exc)], readable=False)
    except ChildError as exc:  # a bug of ours on odd input: logged in full, told to the user as unreadable
        log.error("reading hotline export %r failed in the worker:\n%s", filename, exc)
        return HotlineResult(filename, issues=[Issue("damaged")], readable=False)
