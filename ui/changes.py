"""The change view shared by the upload preview and the history comparison."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from housing.changes import Changes, changes_table, totals_table
from housing.fmt import fmt_date, fmt_int, fmt_wan
from housing.i18n import t
from housing.rollup import UNNAMED


def project_list(frame: pd.DataFrame, lang: str) -> pd.DataFrame:
    """Added or removed projects: name, district, street, households, 万㎡ and deadline, as text."""
    return pd.DataFrame(
        {
            t("col_name", lang): frame["name"],
            t("col_district", lang): frame["district"].fillna(UNNAMED),
            t("col_street", lang): frame["street"].fillna(UNNAMED),
            t("col_households", lang): [fmt_int(v) if pd.notna(v) else UNNAMED for v in frame["households"]],
            t("col_area", lang): [fmt_wan(v) if pd.notna(v) else UNNAMED for v in frame["floor_area_m2"]],
            t("col_deadline", lang): [fmt_date(v, lang) if pd.notna(v) else UNNAMED for v in frame["deadline"]],
        }
    )


def show_changes(changes: Changes, lang: str) -> None:
    """Counts, totals before and after, then changed fields (slips and households first), added, removed."""
    cols = st.columns(3)
    cols[0].metric(t("chg_added", lang), fmt_int(len(changes.added)))
    cols[1].metric(t("chg_removed", lang), fmt_int(len(changes.removed)))
    cols[2].metric(t("chg_changed", lang), fmt_int(changes.changed_projects))
    st.dataframe(totals_table(changes, lang), hide_index=True, width="stretch")
    if changes.empty:
        st.info(t("chg_none", lang))
        return
    if not changes.changed.empty:
        st.markdown(f"**{t('chg_changed_fields', lang)}**")
        st.dataframe(changes_table(changes, lang), hide_index=True, width="stretch")
    for label, frame in (("chg_added", changes.added), ("chg_removed", changes.removed)):
        if not frame.empty:
            st.markdown(f"**{t(label, lang)}**")
            st.dataframe(project_list(frame, lang), hide_index=True, width="stretch")
