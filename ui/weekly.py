"""The week's changes on screen: two rows of counts, then one table per kind of change."""

from __future__ import annotations

import streamlit as st

from briefing.build import week_block
from housing.i18n import t
from housing.weekly import Weekly, eased_table, handovers_table, moves_table, slips_table, stages_table
from ui.blocks import show_headlines
from ui.changes import project_list


def counts(weekly: Weekly, lang: str) -> None:
    """Judgements (turned red / yellow, recovered, eased by a later deadline, eased otherwise), then facts
    (deadline slips, stages completed, handovers, projects added and removed): every list has its count (the
    briefing's week block)."""
    helps = {key: t(f"wk_{key}_help", lang) for key in ("recovered", "eased", "cleared")}
    show_headlines(week_block(weekly, lang), per_row=5, helps=helps, key="headlines_week")


def _section(title_key: str, table, lang: str) -> None:
    st.markdown(f"**{t(title_key, lang)}**")
    if table.empty:
        st.caption(t("wk_none", lang))
    else:
        st.dataframe(table, hide_index=True, width="stretch")


def details(weekly: Weekly, lang: str) -> None:
    """Every change, most pressing first: red, yellow, slips, warnings eased by a later deadline or without
    progress, recoveries, stages, handovers, new and removed."""
    _section("wk_turned_red", moves_table(weekly.turned_red, lang), lang)
    _section("wk_turned_yellow", moves_table(weekly.turned_yellow, lang), lang)
    _section("wk_slips", slips_table(weekly.slips, lang), lang)
    _section("wk_eased", eased_table(weekly.eased, lang), lang)
    _section("wk_cleared", moves_table(weekly.cleared, lang), lang)
    _section("wk_recovered", moves_table(weekly.recovered, lang, deadline=True), lang)
    _section("wk_stages", stages_table(weekly.stages_completed, lang), lang)
    _section("wk_handed_over", handovers_table(weekly.handed_over, lang), lang)
    _section("chg_added", project_list(weekly.changes.added, lang), lang)
    _section("chg_removed", project_list(weekly.changes.removed, lang), lang)
