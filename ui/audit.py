"""The audit trail as people read it: named actions and outcomes, local times, and the .xlsx export.

Kept apart from the page so the export is tested as the file it is (AppTest never runs a download).
"""

from __future__ import annotations

import datetime as dt
import io
import json
import re
import unicodedata

import pandas as pd
from openpyxl import Workbook

from housing.clock import zone
from housing.fmt import fmt_datetime, fmt_int, fmt_list, fmt_number
from housing.i18n import CATALOGUE, t
from housing.xlsxsafe import write_value
from service.audit import CHANGE_PASSWORD, FAILED, OK, REFUSED, SIGN_IN, SIGN_OUT
from service.roles import ACTIONS
from store.audit import AuditFilter
from ui.data import uploader_label

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
_VERSION = re.compile(r"version (\d+)( file)?")
_ACCOUNT = re.compile(r"account (.+)", re.DOTALL)
_TASK = re.compile(r"task (\d+)")  # service.tasks.task_target
# Detail values recorded as codes (service.accounts, service.actions), shown through these catalogue keys;
# a code without its key is shown as recorded.
VALUE_KEYS = {
    "change": "au_change_{}",
    "role": "role_{}",
    "was": "role_{}",
    "password": "au_password_{}",
    "by": "au_by_{}",
    "source": "au_source_{}",
    "method": "au_method_{}",
    "step": "tk_step_{}",
    "state": "tk_state_{}",
    "kind": "nt_kind_{}",
    "what": "nt_what_{}",
}
# Detail values that are counts, shown with thousands separators (a refused publish's 133,492 households); the
# other whole numbers are numbers of things (a version, a task) and stay as recorded.
COUNTS = frozenset({"projects", "households", "errors", "warnings", "tasks"})
FRACTION_PATTERN = "0.##"  # a float in a detail: its whole value without a ".0", at most two decimals
SHORT_DIGEST = 12  # hex digits of a file's SHA-256 the table shows (the export has all 64)


def action_label(action: str, lang: str) -> str:
    """An action as the page names it (an action this code does not know: as recorded)."""
    key = f"au_action_{action}"
    return t(key, lang) if key in CATALOGUE else action


def target_label(target: str, lang: str) -> str:
    """What a row touched in the user's language: a version, its file, the settings; a file or account as is."""
    found = _VERSION.fullmatch(target or "")
    if found:
        return t("au_target_version_file" if found.group(2) else "au_target_version", lang, version=found.group(1))
    account = _ACCOUNT.fullmatch(target or "")
    if account:
        return t("au_target_account", lang, account=account.group(1))
    task = _TASK.fullmatch(target or "")
    if task:
        return t("au_target_task", lang, task=task.group(1))
    key = f"au_target_{(target or '').replace(' ', '_')}"
    return t(key, lang) if key in CATALOGUE else target


def _value_text(name: str, value: object, lang: str, full: bool) -> str:
    """One detail value as text: yes/no, names joined, a digest shortened in the table, structures as JSON."""
    if isinstance(value, bool):
        return t("au_yes" if value else "au_no", lang)
    if isinstance(value, list):
        return fmt_list(value, lang) or "—"
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    if name == "sha256" and not full:
        return str(value)[:SHORT_DIGEST]
    if isinstance(value, int) and name in COUNTS:
        return fmt_int(value)
    if isinstance(value, float):  # a figure recorded as a float (a setting's 7 days): 7, not 7.0
        return fmt_number(value, FRACTION_PATTERN)
    return "—" if value in (None, "") else _code_text(name, str(value), lang)


def _code_text(name: str, value: str, lang: str) -> str:
    """A recorded code (a role, an account change) in the user's language; anything else as recorded."""
    key = VALUE_KEYS.get(name, "").format(value)
    return t(key, lang) if key in CATALOGUE else value


def _reason_text(detail: dict, lang: str) -> str:
    """A refusal's reason as the user was told it (its catalogue text, filled from the detail)."""
    key = str(detail.get("reason", ""))
    if f"au_reason_{key}" in CATALOGUE:  # a sign-in failure records only its reason code
        key = f"au_reason_{key}"
    params = {k: fmt_list(v, lang) if isinstance(v, list) else v for k, v in detail.items()}
    try:
        return t(key, lang, **params)
    except (KeyError, IndexError):  # a reason this code no longer knows: as recorded
        return key


def detail_text(detail: object, lang: str, full: bool = False) -> str:
    """The row's figures and reasons on one line, named in the user's language (``full``: whole digests); a
    refusal's reason last, as the user was told it, without repeating the figures it already names."""
    if not isinstance(detail, dict) or not detail:
        return ""
    reason = _reason_text(detail, lang) if "reason" in detail else ""
    told = _placeholders(str(detail.get("reason", "")), lang) | {"reason"}
    parts = [
        _named(name, _value_text(name, value, lang, full), lang) for name, value in detail.items() if name not in told
    ]
    joined = ("; " if lang == "en" else "；").join(parts)
    return (
        f"{joined}{'. ' if lang == 'en' else '。'}{_named('reason', reason, lang)}"
        if reason and parts
        else (_named("reason", reason, lang) if reason else joined)
    )


def _named(name: str, text: str, lang: str) -> str:
    """``label: text`` with the detail's name in the user's language (an unknown name as recorded)."""
    label = t(f"au_detail_{name}", lang) if f"au_detail_{name}" in CATALOGUE else name
    return f"{label}: {text}" if lang == "en" else f"{label}：{text}"


def _placeholders(key: str, lang: str) -> set[str]:
    """The ``{names}`` a catalogue text fills (none for a key it does not have)."""
    return set(re.findall(r"{(\w+)}", CATALOGUE[key][lang == "en"])) if key in CATALOGUE else set()


def day_bounds(dates: tuple, tz: str) -> tuple[dt.datetime | None, dt.datetime | None]:
    """The chosen local days as UTC instants: from the first day's midnight to the midnight after the last."""
    if not dates:
        return None, None
    local = zone(tz)
    since = dt.datetime.combine(dates[0], dt.time(), local).astimezone(dt.UTC)
    before = dt.datetime.combine(dates[-1] + dt.timedelta(days=1), dt.time(), local).astimezone(dt.UTC)
    return since, before


def shown(rows: pd.DataFrame, lang: str, tz: str, full: bool = False) -> pd.DataFrame:
    """The rows as the user reads them: local times, named actions and outcomes, headings in their language
    (``full``: for the export, with whole digests)."""
    table = pd.DataFrame(
        {
            "at": [fmt_datetime(v.to_pydatetime(), lang, tz) for v in rows["at"]],
            "account": [uploader_label(a, lang) for a in rows["account"]],
            "action": [action_label(a, lang) for a in rows["action"]],
            "outcome": [t(f"au_outcome_{o}", lang) if o in OUTCOMES else o for o in rows["outcome"]],
            "target": [target_label(v, lang) for v in rows["target"]],
            "detail": [detail_text(d, lang, full) for d in rows["detail"]],
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


def export_workbook(rows: pd.DataFrame, lang: str, tz: str) -> bytes:
    """The audit page's export: ``rows`` as shown, with whole digests, on a sheet named after the page."""
    return workbook(shown(rows, lang, tz, full=True), t("page_audit", lang))


# A data grid cell's text width, roughly: a Chinese character is about one em (14 px) wide, a Latin one about
# half; plus the cell's padding. Enough to size the short columns so no label ends in an ellipsis.
WIDE_CHAR_PX, NARROW_CHAR_PX, CELL_PAD_PX = 14, 7.5, 22
MIN_COLUMN_PX, MAX_COLUMN_PX = 80, 260  # a column never narrower than its heading, nor wider than a long file name


def text_px(text: str) -> float:
    """About how wide ``text`` is drawn in a data grid cell (14 px type), in px."""
    return sum(WIDE_CHAR_PX if unicodedata.east_asian_width(c) in "WF" else NARROW_CHAR_PX for c in text)


def column_px(texts) -> int:
    """A data grid column wide enough for the longest of ``texts`` (within the min and max)."""
    widest = max((text_px(str(x)) for x in texts), default=0) + CELL_PAD_PX
    return int(min(max(widest, MIN_COLUMN_PX), MAX_COLUMN_PX))
