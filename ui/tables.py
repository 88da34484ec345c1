"""Display tables: the domain frames with headers, labels and formats in the user's language."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from briefing.build import status_text  # noqa: F401  (re-exported)
from housing.i18n import t
from housing.status import STATUSES
from loaders.issues import Issue

# Number formats of data frame columns (sprintf, as ``st.column_config.NumberColumn`` reads them): thousands
# separators whatever the browser's locale ("localized" would follow it), 万㎡ with two decimals: 13,337.80.
COUNT_FORMAT, WAN_FORMAT = "%,d", "%,.2f"
PAGE_ROWS = 50  # rows of a long list on one page (the risk list): the most urgent first, the rest a click away


def page_count(count: int, rows: int = PAGE_ROWS) -> int:
    """How many pages a list of ``count`` rows takes (at least one)."""
    return max((count + rows - 1) // rows, 1)


def page_window(count: int, page: int, rows: int = PAGE_ROWS) -> tuple[int, int, int]:
    """The page actually shown (``page`` kept within the list) and its first and past-the-last row."""
    page = min(max(page, 0), page_count(count, rows) - 1)
    return page, page * rows, min((page + 1) * rows, count)


def rollup_table(rollup: pd.DataFrame, lang: str, by: list[str]) -> pd.DataFrame:
    """A district or street roll-up with translated headers; floor area in 万㎡."""
    names = {
        "district": "col_district",
        "street": "col_street",
        "projects": "col_projects",
        "households": "col_households",
        "floor_area_m2": "col_area",
        "done_households": "col_done_households",
        "waiting_households": "col_waiting_households",
        "overdue": "col_overdue",
        "at_risk": "col_at_risk",
    }
    frame = rollup[
        [*by, "projects", "households", "floor_area_m2", "done_households", "waiting_households", "overdue", "at_risk"]
    ].copy()
    frame["floor_area_m2"] = (frame["floor_area_m2"] / 10_000).round(2)
    return frame.rename(columns={c: t(names[c], lang) for c in frame.columns})


def number_columns(lang: str) -> dict:
    """Column formats: thousands separators for counts, two decimals for 万㎡."""
    counts = (
        "col_projects",
        "col_households",
        "col_done_households",
        "col_waiting_households",
        "col_overdue",
        "col_at_risk",
    )
    config = {t(k, lang): st.column_config.NumberColumn(format=COUNT_FORMAT) for k in counts}
    config[t("col_area", lang)] = st.column_config.NumberColumn(format=WAN_FORMAT)
    return config


def status_count_table(rollup: pd.DataFrame, lang: str, column: str) -> pd.DataFrame:
    """A roll-up per district or street with the project count per status, headed ``■ 已逾期`` and so on."""
    frame = rollup_table(rollup, lang, [column]).drop(columns=[t("col_overdue", lang), t("col_at_risk", lang)])
    for status in STATUSES:  # most urgent first, as everywhere else
        frame[status_text(status, lang)] = rollup[status].astype("int64").to_numpy()
    area = t("col_area", lang)  # last: on a narrow screen the least needed column is the one scrolled off
    return frame[[c for c in frame.columns if c != area] + [area]]


def urgent_order(projects: pd.DataFrame) -> pd.DataFrame:
    """The projects most urgent status first, then by deadline and name (the project list's order)."""
    ranked = projects.assign(_rank=projects["status"].map({s: i for i, s in enumerate(STATUSES)}))
    return ranked.sort_values(["_rank", "deadline", "name"], na_position="last").drop(columns="_rank")


def issues_table(issues: list[Issue], lang: str) -> pd.DataFrame:
    """Problems found in a workbook, one row each, in the user's language."""
    return pd.DataFrame(
        {
            t("col_severity", lang): [t(f"severity_{i.severity}", lang) for i in issues],
            t("col_sheet", lang): [i.sheet for i in issues],
            t("col_row", lang): [i.row for i in issues],
            t("col_column", lang): [i.column for i in issues],
            t("col_value", lang): [i.value for i in issues],
            t("col_message", lang): [i.message(lang) for i in issues],
        }
    )
