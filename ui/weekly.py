"""The week's changes on screen: two rows of counts, then one list per kind of change, a page of rows at a time
as an HTML table (cards on a phone): a project name, a reason or a changed value shown in full, never cut off
with an ellipsis as a data grid's cell would be."""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd
import streamlit as st

from briefing.blocks import Table
from briefing.build import week_block
from housing.fmt import fmt_count
from housing.i18n import t
from housing.weekly import Weekly
from ui.blocks import show_headlines, table_and_cards
from ui.exports import weekly_lists
from ui.paging import count_caption, current_page, pager
from ui.tables import page_count


def counts(weekly: Weekly, lang: str) -> None:
    """Judgements (turned red / yellow, recovered, eased by a later deadline, eased otherwise), then facts
    (deadline slips, stages completed, handovers, projects added and removed): every list has its count (the
    briefing's week block)."""
    helps = {key: t(f"wk_{key}_help", lang) for key in ("recovered", "eased", "cleared")}
    show_headlines(week_block(weekly, lang), per_row=5, helps=helps, key="headlines_week")


def list_html(title_key: str, block: Table) -> str:
    """One page of list ``title_key`` as HTML in ``wk-list-<title_key>``: a table, cards on a phone."""
    return table_and_cards(f"wk-list-{title_key}", block)


def _section(
    title_key: str, frame: pd.DataFrame, block: Callable[[pd.DataFrame], Table], listed: object, lang: str
) -> None:
    """One list under its heading: 50 rows a page (only those phrased), counted with the pager when it takes
    more than one page (a week in which a province's register changed lists tens of thousands)."""
    st.markdown(f"**{t(title_key, lang)}**")
    if frame.empty:
        st.caption(t("wk_none", lang))
        return
    key = f"wk_list_{title_key}"
    page, first, last = current_page(key, len(frame), listed)
    if page_count(len(frame)) > 1:
        count = fmt_count(len(frame), "count.items", lang)
        st.caption(count_caption(count, first, last, len(frame), ("chg_list_all", "chg_list_page"), lang))
    st.html(list_html(title_key, block(frame.iloc[first:last])))
    pager(key, len(frame), page, lang)


def details(weekly: Weekly, lang: str, listed: object = None) -> None:
    """Every change, most pressing first: red, yellow, slips, warnings eased by a later deadline or without
    progress, recoveries, stages, handovers, new and removed (most households first), each list as the Excel
    download has it (``ui.exports.weekly_lists``). ``listed`` names the comparison (versions, date, districts):
    another one starts every list on its first page. The page adds the tables' style (``ui.blocks.phone_layout``).
    """
    for title_key, frame, block in weekly_lists(weekly, lang):
        _section(title_key, frame, block, listed, lang)
