"""The problems found in a workbook (the upload's check, a hotline or task sheet, the loader's notes on the data
in view), a page of 50 at a time as an HTML table, cards on a phone: a message or a cell's value shown in full,
never cut off with an ellipsis as a data grid's cell would be. A workbook wrong throughout lists thousands."""

from __future__ import annotations

import streamlit as st

from briefing.blocks import Table
from housing.fmt import fmt_int
from housing.i18n import t
from loaders.issues import Issue
from ui.blocks import table_and_cards
from ui.exports import frame_block
from ui.paging import current_page, pager
from ui.tables import issues_table, page_count

ISSUE_KEYS = {"col_message": "message", "col_value": "value"}  # styled by ``ui.blocks`` (room for the message)


def issues_block(issues: list[Issue], lang: str) -> Table:
    """Problems as a table block: type, sheet, row (as Excel numbers it, no separator), column, value, message."""
    display = issues_table(issues, lang)
    row = t("col_row", lang)
    display[row] = ["" if r is None else str(r) for r in display[row]]
    return frame_block("issues", display, keys={t(k, lang): v for k, v in ISSUE_KEYS.items()})


def show_issues(issues: list[Issue], lang: str, key: str) -> None:
    """Every problem, a page at a time under ``key`` (``<key>_prev`` / ``<key>_next``), in ``<div class=key>``;
    another list of problems starts on its first page."""
    first_issue = [(i.code, i.sheet, i.row, i.column, i.value) for i in issues[:1]]
    page, first, last = current_page(key, len(issues), (len(issues), *first_issue))
    if page_count(len(issues)) > 1:
        st.caption(t("pg_rows_shown", lang, first=fmt_int(first + 1), last=fmt_int(last)))
    st.html(table_and_cards(key, issues_block(issues[first:last], lang), title="message"))
    pager(key, len(issues), page, lang)
