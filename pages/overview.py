"""Overview: headline figures, overdue and at-risk projects, households per district and street, timeline."""

from __future__ import annotations

import streamlit as st

from housing.fmt import fmt_date, fmt_datetime, fmt_int, fmt_percent, fmt_wan
from housing.i18n import t
from housing.rollup import UNNAMED, by_district, by_street, kpis
from housing.rules import at_risk_help
from housing.settings import get_setting
from housing.status import urgent_first
from store import history as H
from ui.charts import GROUPED_ABOVE, district_bars, timeline, timeline_frame
from ui.context import View, current_view, empty_state
from ui.data import engine, first_known_dates, weekly_for
from ui.drill import district_link
from ui.escape import md_t
from ui.links import project_link
from ui.tables import issues_table, number_columns, risk_columns, risk_table, rollup_table, style_status
from ui.urls import link_column
from ui.weekly import counts

PLOTLY_CONFIG = {"displaylogo": False}


def data_banner(view: View) -> None:
    """Which version this is, with who and when (``app.py`` says above every dashboard page when the data is
    sample data)."""
    lang, source = view.lang, view.source
    version = source.version
    if version is None:
        return
    when = fmt_datetime(version.created_at, lang, str(get_setting("timezone")))
    if source.past:
        st.warning(
            t("past_version", lang, version=version.id, time=when, current=source.current_id), icon=":material/history:"
        )
    st.caption(
        md_t("data_version", lang, version=version.id, time=when, uploader=version.uploader, file=version.filename)
    )


def headline(view: View) -> None:
    """The KPI row: projects, households, floor area, handed over, the year's target, overdue, at risk."""
    lang = view.lang
    k = kpis(view.projects, view.as_of, view.source.target_for(view.as_of.year))
    rate = k.investment_rate  # only when the workbook gives investment figures
    cols = st.columns(7 if rate is None else 8)
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
    cols[6].metric(t("kpi_at_risk", lang), fmt_int(k.at_risk), help=at_risk_help(view.thresholds, lang))
    if rate is not None:
        help_text = t(
            "kpi_investment_rate_help", lang, done=fmt_wan(k.investment_done), planned=fmt_wan(k.investment_planned)
        )
        cols[7].metric(t("kpi_investment_rate", lang), fmt_percent(rate / 100, 1), help=help_text)


def week_section(view: View) -> None:
    """What changed since last week, in one row of counts, with the way to the full list."""
    version = view.source.version
    if version is None:
        return
    compare_id = H.week_before(engine(), version)
    if compare_id is None:
        return
    st.subheader(t("sec_week", view.lang))
    st.caption(t("wk_caption", view.lang, old=compare_id, new=version.id))
    counts(weekly_for(view, compare_id), view.lang)
    st.page_link("pages/changes.py", label=t("wk_more", view.lang), icon=":material/compare_arrows:")


def at_risk(view: View) -> None:
    """Every overdue or at-risk project with its reasons, most urgent first."""
    st.subheader(t("sec_risk", view.lang))
    flagged = urgent_first(view.projects)
    if flagged.empty:
        st.success(t("empty_risk", view.lang, date=fmt_date(view.as_of, view.lang)))
        return
    table = risk_table(flagged, view.lang)
    name = t("col_name", view.lang)
    table[name] = [project_link(d, n) for d, n in zip(flagged["district"], flagged["name"])]
    st.dataframe(
        style_status(table, view.lang),
        hide_index=True,
        width="stretch",
        height=min(38 + 35 * len(table), 640),  # every row visible up to ~17, then it scrolls
        column_config=risk_columns(view.lang) | {name: link_column(name, "name")},
    )


def districts_section(view: View) -> None:
    """Households per district as bars and a table; pick a district to see its streets and towns."""
    lang = view.lang
    st.subheader(t("sec_districts", lang))
    districts = by_district(view.projects)
    st.plotly_chart(district_bars(districts, lang), width="stretch", config=PLOTLY_CONFIG)
    table = rollup_table(districts, lang, ["district"])
    label = t("col_district", lang)
    table[label] = [district_link(d) for d in districts["district"]]  # each district opens its drill-down
    st.dataframe(
        table,
        hide_index=True,
        width="stretch",
        column_config=number_columns(lang) | {label: link_column(label, "district")},
    )
    picked = st.selectbox(
        t("pick_district", lang),
        districts["district"],
        index=None,
        key="ov_street_district",
        placeholder=t("street_hint", lang),
    )
    if picked is None:
        return
    streets = by_street(view.projects, picked)
    if streets["street"].eq(UNNAMED).all():
        st.info(t("empty_streets", lang))
        return
    st.dataframe(
        rollup_table(streets, lang, ["street"]), hide_index=True, width="stretch", column_config=number_columns(lang)
    )


def timeline_section(view: View) -> None:
    """One bar per project from start to deadline, coloured by status, with the as-of line."""
    lang = view.lang
    st.subheader(t("sec_timeline", lang))
    if timeline_frame(view.projects).empty:
        st.info(t("empty_timeline", lang))
        return
    grouped = " " + t("timeline_grouped", lang) if len(view.projects) > GROUPED_ABOVE else ""
    st.caption(t("timeline_caption", lang) + grouped)
    # Only a project without a start date needs its first known date (stage dates, first published version).
    first_known = first_known_dates(view.source, view.result) if view.projects["start"].isna().any() else None
    figure = timeline(view.projects, view.as_of, lang, first_known)
    st.plotly_chart(figure, width="stretch", config=PLOTLY_CONFIG)


def load_notes(view: View) -> None:
    """What the loader noticed in the data file, folded away."""
    if view.result.issues:
        with st.expander(t("load_notes", view.lang, count=len(view.result.issues))):
            st.dataframe(issues_table(view.result.issues, view.lang), hide_index=True, width="stretch")


view = current_view()
st.title(md_t("page_title", view.lang, region=view.region()))  # a district chosen in the sidebar
st.caption(t("as_of_caption", view.lang, date=fmt_date(view.as_of, view.lang)))
data_banner(view)
if not empty_state(view):
    headline(view)
    week_section(view)
    at_risk(view)
    districts_section(view)
    timeline_section(view)
load_notes(view)
