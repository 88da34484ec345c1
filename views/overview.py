"""Overview: headline figures, overdue and at-risk projects, households per district and street, timeline."""

from __future__ import annotations

from functools import partial

import pandas as pd
import streamlit as st

from briefing.blocks import SECTIONS
from briefing.build import (
    districts_block,
    districts_chart,
    headline_block,
    risk_block,
    summarised,
    summary_caption,
    summary_column,
)
from briefing.charts import GROUPED_ABOVE, timeline, timeline_frame, timeline_summary
from housing.fmt import fmt_count, fmt_date, fmt_datetime, fmt_int
from housing.i18n import t
from housing.rollup import UNNAMED, by_street
from housing.rules import at_risk_help
from housing.settings import get_setting
from housing.status import urgent_first
from store import history as H
from ui.blocks import (
    CARDS_KEY,
    TABLE_KEY,
    html_table,
    phone_layout,
    risk_cards,
    show_headlines,
)
from ui.context import View, current_view, empty_state
from ui.data import engine, first_known_dates, uploader_label, view_figure, weekly_for
from ui.downloads import briefing_downloads
from ui.drill import district_link
from ui.escape import md_t
from ui.exports import download_xlsx, rollup_block, today_name, view_filters
from ui.issues import show_issues
from ui.links import project_link
from ui.paging import count_caption, current_page, pager
from ui.tables import number_columns, rollup_table
from ui.tasks import my_tasks_notice
from ui.urls import SHARED_PARAMS
from ui.weekly import counts

PLOTLY_CONFIG = {"displaylogo": False}
DISTRICTS_TABLE_KEY = "ov_districts_table"
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


RISK_KEY = "ov_risk"  # the risk list's pager (``ui.paging``: its page and buttons are keyed on it)


def at_risk(view: View) -> None:
    """Every overdue or at-risk project with its reasons, most urgent first, a page of rows at a time: an HTML
    table on a desk (every reason in full, the status cells in their colours), cards on a phone (both from the
    briefing's risk block), the count above and the whole list in the Excel download."""
    lang = view.lang
    st.subheader(t("sec_risk", lang))
    flagged = urgent_first(view.projects)
    if flagged.empty:
        st.success(t("empty_risk", lang, date=fmt_date(view.as_of, lang)))
        return
    count = len(flagged)
    listed = (view.districts, view.statuses, view.as_of, view.source.version and view.source.version.id, count)
    page, first, last = current_page(RISK_KEY, count, listed)  # another list (filters, date, data): its first page
    total = fmt_count(count, "count.projects", lang)
    st.caption(count_caption(total, first, last, count, ("risk_count_all", "risk_count"), lang))
    rows = flagged.iloc[first:last]
    block = risk_block(rows, lang)  # only the rows shown: the page never formats the whole list
    links = {"name": [project_link(d, n) for d, n in zip(rows["district"], rows["name"])]}
    with st.container(key=TABLE_KEY):
        st.html(html_table(block, links))
    labels = {"households": t("col_households", lang), "deadline": t("col_deadline", lang)}
    with st.container(key=CARDS_KEY):
        st.html(risk_cards(block, labels))
    pager(RISK_KEY, count, page, lang)
    download_xlsx(
        t("xl_download", lang),
        lambda: [(t("sec_risk", lang), risk_block(flagged, lang))],  # the whole list, built when downloaded
        view_filters(view),
        today_name("xl_file_risk", view),
        "xl_risk",
        lang=lang,
    )


def districts_section(view: View) -> None:
    """Households per district as bars and a table; pick a district to see its streets and towns."""
    lang = view.lang
    st.subheader(t("sec_districts", lang))
    figure = view_figure(view, "districts_chart", lambda: districts_chart(view.projects, lang).figure)
    st.plotly_chart(figure, width="stretch", config=PLOTLY_CONFIG)
    block = districts_block(view.projects, lang)
    # An HTML table, not st.dataframe: one row per district (dozens at most) needs no data grid, and the grid's
    # scripts (about 1.3 MB) and canvas were half a second of the first screen's drawing (bench/README.md).
    links = {"district": [district_link(row[0].value) for row in block.rows]}  # each opens its drill-down
    with st.container(key=DISTRICTS_TABLE_KEY):
        st.html(f'<div class="bf-scroll">{html_table(block, links)}</div>')
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


def timeline_scope(view: View) -> pd.DataFrame:
    """The projects the timeline draws: the page's, narrowed by the timeline's own district and street pickers
    (shown only when the page's projects are more than ``chart_project_limit``)."""
    projects, lang = view.projects, view.lang
    if not summarised(projects):
        return projects
    with st.container(horizontal=True, key="ov_timeline_pickers"):
        districts = projects["district"].fillna(UNNAMED).value_counts()
        district = st.selectbox(
            t("timeline_pick_district", lang),
            sorted(districts.index, key=lambda d: (-districts[d], d)),  # most projects first
            index=None,
            placeholder=t("timeline_all_districts", lang),
            key="ov_timeline_district",
        )
        if district is None:
            return projects
        projects = projects[projects["district"].fillna(UNNAMED) == district]
        streets = projects["street"].fillna(UNNAMED).value_counts() if "street" in projects else pd.Series()
        street = st.selectbox(
            t("timeline_pick_street", lang),
            sorted(streets.index, key=lambda s: (-streets[s], s)),
            index=None,
            placeholder=t("timeline_all_streets", lang),
            key="ov_timeline_street",
            disabled=len(streets) < 2,
        )
    return projects if street is None else projects[projects["street"].fillna(UNNAMED) == street]


def timeline_section(view: View) -> None:
    """One bar per project from start to deadline, coloured by status, with the as-of line; above
    ``chart_project_limit`` projects the households due per month, a row per district (or street), until the
    reader narrows the timeline to a district or street small enough."""
    lang = view.lang
    st.subheader(t("sec_timeline", lang))
    if timeline_frame(view.projects).empty:
        st.info(t("empty_timeline", lang))
        return
    projects = timeline_scope(view)
    if summarised(projects):
        column = summary_column(projects)
        limit = fmt_int(int(get_setting("chart_project_limit")))
        caption = summary_caption(projects, column, lang)
        st.caption(caption + (" " if lang == "en" else "") + t("timeline_narrow_hint", lang, limit=limit))
        scope = (st.session_state.get("ov_timeline_district"), st.session_state.get("ov_timeline_street"))
        draw = partial(timeline_summary, projects, view.as_of, lang, column, fixed_margins=True)
        st.plotly_chart(view_figure(view, "timeline_summary", draw, *scope), width="stretch", config=PLOTLY_CONFIG)
        return
    if timeline_frame(projects).empty:
        st.info(t("empty_timeline", lang))
        return
    grouped = " " + t("timeline_grouped", lang) if len(projects) > GROUPED_ABOVE else ""
    st.caption(t("timeline_caption", lang) + grouped)
    # Only a project without a start date needs its first known date (stage dates, first published version).
    first_known = first_known_dates(view.source, view.result) if projects["start"].isna().any() else None
    figure = timeline(projects, view.as_of, lang, first_known)
    st.plotly_chart(figure, width="stretch", config=PLOTLY_CONFIG)


def load_notes(view: View) -> None:
    """What the loader noticed in the data file, folded away."""
    if view.result.issues:
        with st.expander(t("load_notes", view.lang, count=len(view.result.issues))):
            show_issues(view.result.issues, view.lang, "ov_issues")


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
