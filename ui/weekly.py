"""The week's changes on screen: a row of counts, then one table per kind of change."""

from __future__ import annotations

import streamlit as st

from housing.fmt import fmt_int
from housing.i18n import t
from housing.weekly import Weekly, handovers_table, moves_table, slips_table, stages_table
from ui.changes import project_list


def counts(weekly: Weekly, lang: str) -> None:
    """Turned red, turned yellow, recovered, slips, stages completed, handed over, added/removed."""
    cols = st.columns(6)
    cols[0].metric(t("wk_turned_red", lang), fmt_int(len(weekly.turned_red)))
    cols[1].metric(t("wk_turned_yellow", lang), fmt_int(len(weekly.turned_yellow)))
    cols[2].metric(t("wk_recovered", lang), fmt_int(len(weekly.recovered)))
    cols[3].metric(t("wk_slips", lang), fmt_int(len(weekly.slips)))
    cols[4].metric(t("wk_stages", lang), fmt_int(len(weekly.stages_completed)))
    cols[5].metric(
        t("wk_handed_over", lang),
        fmt_int(len(weekly.handed_over)),
        t("kpi_households_unit", lang, households=fmt_int(weekly.handed_over_households)),
        delta_color="off",
        delta_arrow="off",
    )


def _section(title_key: str, table, lang: str) -> None:
    st.markdown(f"**{t(title_key, lang)}**")
    if table.empty:
        st.caption(t("wk_none", lang))
    else:
        st.dataframe(table, hide_index=True, width="stretch")


def details(weekly: Weekly, lang: str) -> None:
    """Every change, most pressing first: red, yellow, slips, recoveries, stages, handovers, new and removed."""
    _section("wk_turned_red", moves_table(weekly.turned_red, lang), lang)
    _section("wk_turned_yellow", moves_table(weekly.turned_yellow, lang), lang)
    _section("wk_slips", slips_table(weekly.slips, lang), lang)
    _section("wk_recovered", moves_table(weekly.recovered, lang), lang)
    _section("wk_stages", stages_table(weekly.stages_completed, lang), lang)
    _section("wk_handed_over", handovers_table(weekly.handed_over, lang), lang)
    _section("chg_added", project_list(weekly.changes.added, lang), lang)
    _section("chg_removed", project_list(weekly.changes.removed, lang), lang)
