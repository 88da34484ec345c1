"""The audit trail as people read it: named actions and outcomes, local times, and the .xlsx export.

Kept apart from the page so the export is tested as the file it is (AppTest never runs a download).
"""

from __future__ import annotations

import datetime as dt
import io
import json
import re

import pandas as pd
from openpyxl import Workbook

from housing.clock import zone
from housing.fmt import fmt_datetime
from housing.i18n import CATALOGUE, t
from loaders.cells import write_value
from service.audit import CHANGE_PASSWORD, FAILED, OK, REFUSED, SIGN_IN, SIGN_OUT
from service.roles import ACTIONS
from store.audit import AuditFilter

EVENTS = (SIGN_IN, SIGN_OUT, CHANGE_PASSWORD, *ACTIONS)
OUTCOMES = (OK, REFUSED, FAILED)
COLUMNS = {  # trail column -> heading key, in the order shown and exported
    "at": "au_col_time",
    "account": "au_col_account",
    "action": "au_col_action",
    "outcome": "au_col_outcome",
    "target": "au_col_target",
    "detail": "au_col_detail",
    "address": "au_col_address",
}
_VERSION = re.compile(r"version (\d+)")


def action_label(action: str, lang: str) -> str:
    """An action as the page names it (an action this code does not know: as recorded)."""
    key = f"au_action_{action}"
    return t(key, lang) if key in CATALOGUE else action


def target_label(target: str, lang: str) -> str:
    """What a row touched: "version 12" in the user's language, anything else (a file, an account) as is."""
    found = _VERSION.fullmatch(target or "")
    return t("au_target_version", lang, version=found.group(1)) if found else target


def detail_text(detail: object) -> str:
    """The row's figures and reasons as one line of JSON (plain text in the table and the export)."""
    return json.dumps(detail, ensure_ascii=False, sort_keys=True) if detail else ""


def day_bounds(dates: tuple, tz: str) -> tuple[dt.datetime | None, dt.datetime | None]:
    """The chosen local days as UTC instants: from the first day's midnight to the midnight after the last."""
    if not dates:
        return None, None
    local = zone(tz)
    since = dt.datetime.combine(dates[0], dt.time(), local).astimezone(dt.UTC)
    before = dt.datetime.combine(dates[-1] + dt.timedelta(days=1), dt.time(), local).astimezone(dt.UTC)
    return since, before


def shown(rows: pd.DataFrame, lang: str, tz: str) -> pd.DataFrame:
    """The rows as the user reads them: local times, named actions and outcomes, headings in their language."""
    table = pd.DataFrame(
        {
            "at": [fmt_datetime(v.to_pydatetime(), lang, tz) for v in rows["at"]],
            "account": rows["account"],
            "action": [action_label(a, lang) for a in rows["action"]],
            "outcome": [t(f"au_outcome_{o}", lang) if o in OUTCOMES else o for o in rows["outcome"]],
            "target": [target_label(v, lang) for v in rows["target"]],
            "detail": [detail_text(d) for d in rows["detail"]],
            "address": rows["address"],
        }
    )
    return table.rename(columns={c: t(k, lang) for c, k in COLUMNS.items()})


def workbook(table: pd.DataFrame, title: str) -> bytes:
    """The table as an .xlsx on a sheet named ``title``; every text cell stays text (an account or file name
    typed as "=HYPERLINK(…)" is no formula)."""
    book = Workbook()
    sheet = book.create_sheet(title, 0)
    for col, heading in enumerate(table.columns, start=1):
        write_value(sheet.cell(1, col), heading)
    for row, values in enumerate(table.itertuples(index=False), start=2):
        for col, value in enumerate(values, start=1):
            write_value(sheet.cell(row, col), value)
    book.remove(book.worksheets[1])  # the empty sheet a new workbook starts with
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def filter_params(wanted: AuditFilter) -> dict[str, object]:
    """The filter as the export's audit row records it."""
    return {
        "account": wanted.account or "",
        "actions": list(wanted.actions),
        "outcomes": list(wanted.outcomes),
        "since": wanted.since.isoformat() if wanted.since else "",
        "before": wanted.before.isoformat() if wanted.before else "",
    }
