"""The week's changes on screen: two rows of counts, then one table per kind of change."""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd
import streamlit as st

from briefing.build import week_block
from housing.changes import largest_first
from housing.fmt import fmt_count
from housing.i18n import t
from housing.weekly import Weekly, eased_table, handovers_table, moves_table, slips_table, stages_table
from ui.blocks import show_headlines
from ui.changes import project_list
from ui.paging import count_caption, current_page, pager
from ui.tables import page_count


def counts(weekly: Weekly, lang: str) -> None:
    """Judgements (turned red / yellow, recovered, eased by a later deadline, eased otherwise), then facts
    (deadline slips, stages completed, handovers, projects added and removed): every list has its count (the
    briefing's week block)."""
    helps = {key: t(f"wk_{key}_help", lang) for key in ("recovered", "eased", "cleared")}
    show_headlines(week_block(weekly, lang), per_row=5, helps=helps, key="headlines_week")


def _section(
    title_key: str, frame: pd.DataFrame, table: Callable[[pd.DataFrame], pd.DataFrame], listed: object, lang: str
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
    st.dataframe(table(frame.iloc[first:last]), hide_index=True, width="stretch")
    pager(key, len(frame), page, lang)


def details(weekly: Weekly, lang: str, listed: object = None) -> None:
    """Every change, most pressing first: red, yellow, slips, warnings eased by a later deadline or without
    progress, recoveries, stages, handovers, new and removed (most households first). ``listed`` names the
    comparison (versions, date, districts): another one starts every list on its first page."""
    sections: list[tuple[str, pd.DataFrame, Callable[[pd.DataFrame], pd.DataFrame]]] = [
        ("wk_turned_red", weekly.turned_red, lambda f: moves_table(f, lang)),
        ("wk_turned_yellow", weekly.turned_yellow, lambda f: moves_table(f, lang)),
        ("wk_slips", weekly.slips, lambda f: slips_table(f, lang)),
        ("wk_eased", weekly.eased, lambda f: eased_table(f, lang)),
        ("wk_cleared", weekly.cleared, lambda f: moves_table(f, lang)),
        ("wk_recovered", weekly.recovered, lambda f: moves_table(f, lang, deadline=True)),
        ("wk_stages", weekly.stages_completed, lambda f: stages_table(f, lang)),
        ("wk_handed_over", weekly.handed_over, lambda f: handovers_table(f, lang)),
        ("chg_added", largest_first(weekly.changes.added), lambda f: project_list(f, lang)),
        ("chg_removed", largest_first(weekly.changes.removed), lambda f: project_list(f, lang)),
    ]
    for title_key, frame, table in sections:
        _section(title_key, frame, table, listed, lang)
