"""Overview: headline figures, overdue and at-risk projects, households per district and street, timeline."""

from __future__ import annotations

import streamlit as st

from briefing.blocks import SECTIONS
from briefing.build import districts_block, districts_chart, headline_block, risk_block
from briefing.charts import GROUPED_ABOVE, timeline, timeline_frame
from housing.fmt import fmt_date, fmt_datetime
from housing.i18n import t
from housing.rollup import UNNAMED, by_street
from housing.rules import at_risk_help
from housing.settings import get_setting
from housing.status import urgent_first
from store import history as H
from ui.blocks import (
    CARDS_KEY,
    TABLE_KEY,
    phone_layout,
    risk_cards,
    show_headlines,
    status_styled,
    table_columns,
    table_frame,
)
from ui.context import View, current_view, empty_state
from ui.data import engine, first_known_dates, uploader_label, weekly_for
from ui.downloads import briefing_downloads
from ui.drill import district_link
from ui.escape import md_t
from ui.exports import download_xlsx, rollup_block, today_name, view_filters
from ui.links import project_link
from ui.tables import issues_table, number_columns, rollup_table
from ui.tasks import my_tasks_notice
from ui.urls import SHARED_PARAMS, link_column
from ui.weekly import counts

PLOTLY_CONFIG = {"displaylogo": False}
PRESENT_PAGE = "views/presentation.py"  # served at /present (app.py)


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
        md_t(
            "data_version",
            lang,
            version=version.id,
            time=when,
            uploader=uploader_label(version.uploader, lang),
            file=version.filename,
        )
    )


def headline(view: View) -> None:
    """The KPI row: projects, households, floor area, handed over, the year's target, overdue, at risk (the
    briefing's headline block)."""
    block = headline_block(view.projects, view.as_of, view.source.target_for(view.as_of.year), view.lang)
    show_headlines(block, helps={"at_risk": at_risk_help(view.thresholds, view.lang)}, target_as_help=("investment",))


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
    st.page_link("views/changes.py", label=t("wk_more", view.lang), icon=":material/compare_arrows:")


def at_risk(view: View) -> None:
    """Every overdue or at-risk project with its reasons, most urgent first: a table on a desk, cards on a
    phone (both from the briefing's risk block)."""
    lang = view.lang
    st.subheader(t("sec_risk", lang))
    flagged = urgent_first(view.projects)
    if flagged.empty:
        st.success(t("empty_risk", lang, date=fmt_date(view.as_of, lang)))
        return
    block = risk_block(flagged, lang)
    table = table_frame(block)
    name = t("col_name", lang)
    table[name] = [project_link(d, n) for d, n in zip(flagged["district"], flagged["name"])]
    with st.container(key=TABLE_KEY):
        st.dataframe(
            status_styled(table, block),
            hide_index=True,
            width="stretch",
            height=min(38 + 35 * len(table), 640),  # every row visible up to ~17, then it scrolls
            column_config=table_columns(block) | {name: link_column(name, "name")},
        )
    labels = {"households": t("col_households", lang), "deadline": t("col_deadline", lang)}
    with st.container(key=CARDS_KEY):
        st.html(risk_cards(block, labels))
    download_xlsx(
        t("xl_download", lang),
        [(t("sec_risk", lang), block)],
        view_filters(view),
        today_name("xl_file_risk", view),
        "xl_risk",
        lang=lang,
    )


def districts_section(view: View) -> None:
    """Households per district as bars and a table; pick a district to see its streets and towns."""
    lang = view.lang
    st.subheader(t("sec_districts", lang))
    st.plotly_chart(districts_chart(view.projects, lang).figure, width="stretch", config=PLOTLY_CONFIG)
    block = districts_block(view.projects, lang)
    table = table_frame(block)
    label = t("col_district", lang)
    table[label] = [district_link(row[0].value) for row in block.rows]  # each district opens its drill-down
    st.dataframe(
        table,
        hide_index=True,
        width="stretch",
        column_config=table_columns(block) | {label: link_column(label, "district")},
    )
    download_xlsx(
        t("xl_download", lang),
        [(t("sec_districts", lang), block)],
        view_filters(view),
        today_name("xl_file_districts", view),
        "xl_districts",
        lang=lang,
    )
    picked = st.selectbox(
        t("pick_district", lang),
        [row[0].value for row in block.rows],
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
    download_xlsx(
        t("xl_download", lang),
        [(picked, rollup_block("streets", streets, lang, ["street"]))],
        view_filters(view, (t("xl_place", lang), picked)),
        today_name("xl_file_streets", view, picked),
        "xl_streets",
        lang=lang,
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


def presentation_link(view: View) -> None:
    """The weekly meeting's presentation of this view (same language, date, data and districts) and, next to
    it, the same briefing as PPTX, PDF and Excel."""
    shared = {k: v for k, v in st.query_params.to_dict().items() if k in SHARED_PARAMS}
    districts = {"districts": ",".join(view.districts)} if view.districts else {}
    with st.container(horizontal=True, vertical_alignment="center", key="ov_briefing"):
        st.page_link(
            PRESENT_PAGE, label=t("pr_open", view.lang), icon=":material/slideshow:", query_params=shared | districts
        )
        briefing_downloads(view, view.districts, SECTIONS, "ov")


view = current_view()
phone_layout()
st.title(md_t("page_title", view.lang, region=view.region()))  # a district chosen in the sidebar
st.caption(t("as_of_caption", view.lang, date=fmt_date(view.as_of, view.lang)))
my_tasks_notice(view.as_of, view.lang)  # an assignee's own open tasks come first, before the figures
data_banner(view)
if not empty_state(view):
    presentation_link(view)
    headline(view)
    week_section(view)
    at_risk(view)
    districts_section(view)
    timeline_section(view)
load_notes(view)
