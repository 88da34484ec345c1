"""Overview: headline figures, households per district (and street), the timeline, at-risk projects."""

from __future__ import annotations

import streamlit as st

from housing.fmt import fmt_date, fmt_int, fmt_wan
from housing.i18n import t
from housing.rollup import by_district, by_street, kpis
from housing.settings import get_setting
from housing.status import urgent_first
from ui.charts import GROUPED_ABOVE, district_bars, timeline, timeline_frame
from ui.context import current_view
from ui.tables import issues_table, number_columns, risk_table, rollup_table, style_status

view = current_view()
lang = view.lang

st.title(t("page_title", lang, region=view.region()))
st.caption(t("as_of_caption", lang, date=fmt_date(view.as_of, lang)))
st.info(t("sample_banner", lang, title=t(view.sample.title_key, lang)), icon="ℹ️")

if view.projects.empty:
    st.warning(t("empty_filtered", lang))
    st.stop()

# Headline figures first.
k = kpis(view.projects, view.as_of, view.sample.target_for(view.as_of.year))
cols = st.columns(7)
cols[0].metric(t("kpi_projects", lang), t("kpi_projects_unit", lang, count=fmt_int(k.projects)))
cols[1].metric(
    t("kpi_households", lang),
    fmt_int(k.households),
    t("kpi_waiting", lang, households=fmt_int(k.waiting_households)),
    delta_color="off",
    delta_arrow="off",
)
cols[2].metric(t("kpi_area", lang), fmt_wan(k.floor_area_m2))
cols[3].metric(
    t("kpi_done", lang),
    t("kpi_projects_unit", lang, count=fmt_int(k.done_projects)),
    t("kpi_households_unit", lang, households=fmt_int(k.done_households)),
    delta_color="off",
    delta_arrow="off",
)
cols[4].metric(
    t("kpi_year", lang, year=k.year),
    t("kpi_year_value", lang, done=k.year_done_projects, target=k.target_projects),
    t("kpi_year_households", lang, done=fmt_int(k.year_done_households), target=fmt_int(k.target_households)),
    delta_color="off",
    delta_arrow="off",
)
cols[5].metric(t("kpi_overdue", lang), fmt_int(k.overdue))
cols[6].metric(
    t("kpi_at_risk", lang), fmt_int(k.at_risk), help=t("kpi_at_risk_help", lang, days=get_setting("due_soon_days"))
)

# At-risk projects, most urgent first: what the meeting opens with.
st.subheader(t("sec_risk", lang))
flagged = urgent_first(view.projects)
if flagged.empty:
    st.success(t("empty_risk", lang, date=fmt_date(view.as_of, lang)))
else:
    table = risk_table(flagged, lang)
    st.dataframe(
        style_status(table, lang),
        hide_index=True,
        width="stretch",
        column_config=number_columns(lang),
        key="ov_risk_table",
    )

# Households per district, and one click further per street/town.
st.subheader(t("sec_districts", lang))
districts = by_district(view.projects)
chart_col, table_col = st.columns([2, 3])
chart_col.plotly_chart(district_bars(districts, lang), width="stretch", config={"displaylogo": False})
table_col.dataframe(
    rollup_table(districts, lang, ["district"]),
    hide_index=True,
    width="stretch",
    column_config=number_columns(lang),
    key="ov_district_table",
)
picked = table_col.selectbox(
    t("pick_district", lang),
    districts["district"],
    key="ov_street_district",
    index=None,
    placeholder=t("street_hint", lang),
)
if picked:
    streets = by_street(view.projects, picked)
    table_col.dataframe(
        rollup_table(streets, lang, ["street"]),
        hide_index=True,
        width="stretch",
        column_config=number_columns(lang),
        key="ov_street_table",
    )

# Progress timeline.
st.subheader(t("sec_timeline", lang))
caption = t("timeline_caption", lang)
st.caption(caption + (" " + t("timeline_grouped", lang) if len(view.projects) > GROUPED_ABOVE else ""))
if timeline_frame(view.projects).empty:
    st.info(t("empty_timeline", lang))
else:
    st.plotly_chart(timeline(view.projects, view.as_of, lang), width="stretch", config={"displaylogo": False})

if view.result.issues:
    with st.expander(t("load_notes", lang, count=len(view.result.issues))):
        st.dataframe(issues_table(view.result.issues, lang), hide_index=True, width="stretch")
