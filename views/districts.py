"""Drill-down: all districts → one district → one street/town, the same figures at every level, then projects.

The level lives in the URL (``?district=历城区&street=华山街道``, see ``ui.drill``); the sidebar filters apply.
"""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd
import streamlit as st

from briefing.build import place_headline_block, place_projects_block
from briefing.charts import BARS_TOP, households_bars
from housing.fmt import fmt_count, fmt_date
from housing.i18n import t
from housing.rollup import has_streets, names_in, projects_in, rollup_by
from housing.rules import at_risk_help
from ui.blocks import CARDS_KEY, TABLE_KEY, block_cards, html_table, phone_layout, show_headlines
from ui.context import View, current_view, empty_state
from ui.drill import PICKER_KEYS, Place, crumb_label, current_place, district_link, go_to, picked, place_name
from ui.escape import md_escape, md_t
from ui.exports import Sheets, download_xlsx, status_count_block, today_name, view_filters
from ui.links import project_link
from ui.paging import count_caption, current_page, pager
from ui.tables import urgent_order

PLOTLY_CONFIG = {"displaylogo": False}
CHILDREN_KEY = "dd_children"  # the container of the one-level-down table


def breadcrumb(place: Place, lang: str) -> None:
    """全部区县 › 历城区 › 华山街道: each item above the current level goes back up to it."""
    with st.container(horizontal=True, gap="small", vertical_alignment="center"):
        for depth, step in enumerate(place.trail()):
            if depth:
                st.markdown("›", width="content")
            if step == place:
                st.markdown(f"**{md_escape(crumb_label(step, lang))}**", width="content")
                continue
            st.button(
                md_escape(crumb_label(step, lang)),  # button labels are Markdown
                key=f"dd_crumb_{depth}",
                type="tertiary",
                on_click=go_to,
                args=(step,),
                help=md_t("dd_up", lang, place=crumb_label(step, lang)),
            )


def street_hint(place: Place, streets: list[str], lang: str) -> str:
    """What the street/town picker says while nothing is picked."""
    if place.district is None:
        return t("dd_pick_district_first", lang)
    return t("dd_all_streets", lang) if streets else t("empty_streets", lang)


def pickers(view: View, place: Place) -> None:
    """The district picker, then the street/town picker of the chosen district."""
    lang = view.lang
    district_key, street_key = PICKER_KEYS
    in_district = projects_in(view.classified, place.district) if place.district else None
    streets = names_in(in_district, "street") if in_district is not None and has_streets(in_district) else []
    left, right = st.columns(2)
    left.selectbox(
        t("dd_pick_district", lang),
        names_in(view.classified, "district"),
        index=None,
        key=district_key,
        placeholder=t("all_districts", lang),
        on_change=picked,
        args=(district_key,),
    )
    right.selectbox(
        t("dd_pick_street", lang),
        streets,
        index=None,
        key=street_key,
        placeholder=street_hint(place, streets, lang),
        disabled=not streets,
        on_change=picked,
        args=(street_key,),
    )


def headline(projects: pd.DataFrame, view: View) -> None:
    """The KPI row: projects, households, waiting, handed over, floor area, overdue, at risk (the briefing's
    place block)."""
    block = place_headline_block(projects, view.as_of, view.lang)
    show_headlines(block, helps={"at_risk": at_risk_help(view.thresholds, view.lang)})


def children(projects: pd.DataFrame, column: str, view: View, place: Place) -> None:
    """One level down: households handed over and waiting as bars, project counts per status as a table."""
    lang = view.lang
    title = t("dd_sec_district", lang) if column == "district" else t("dd_sec_street", lang)
    st.subheader(title)
    st.caption(t("dd_chart_caption", lang))
    table = rollup_by(projects, column)
    # the largest BARS_TOP and one bar for the rest: a province's 100 districts stay readable (the table lists all)
    st.plotly_chart(households_bars(table, column, lang, top=BARS_TOP), width="stretch", config=PLOTLY_CONFIG)
    block = status_count_block(column, table, lang, column)
    # An HTML table (as on the overview): headers wrap instead of being cut at a province's wide figures, and
    # each name opens its level of the drill-down.
    names = [row[0].value for row in block.rows]
    urls = [district_link(n) if column == "district" else district_link(place.district or "", n) for n in names]
    links = {block.columns[0].key: urls}
    with st.container(key=CHILDREN_KEY):
        st.html(f'<div class="bf-scroll">{html_table(block, links)}</div>')
    stem = "xl_file_districts" if column == "district" else "xl_file_streets"
    export(view, place, [(title, block)], stem, "xl_dd_children")


PROJECTS_KEY = "dd_projects"  # the paged project list (``ui.paging``)


def project_list(projects: pd.DataFrame, view: View, place: Place) -> None:
    """The place's projects, most urgent first, a page at a time: status (icon, label, colour), households, 万㎡,
    deadline, stage and every reason in full, as an HTML table on a desk and cards on a phone; the count above,
    the whole list in the Excel download."""
    lang = view.lang
    st.subheader(t("dd_sec_projects", lang))
    ordered = urgent_order(projects)
    count = len(ordered)
    version = view.source.version and view.source.version.id
    listed = (place, view.districts, view.statuses, view.as_of, version, count)
    page, first, last = current_page(PROJECTS_KEY, count, listed)
    total = fmt_count(count, "count.projects", lang)
    st.caption(count_caption(total, first, last, count, ("risk_count_all", "risk_count"), lang))
    rows = ordered.iloc[first:last]
    block = place_projects_block(rows, lang)  # only the rows shown
    links = {"name": [project_link(d, n) for d, n in zip(rows["district"], rows["name"])]}  # each opens its detail
    with st.container(key=TABLE_KEY):
        st.html(html_table(block, links))
    with st.container(key=CARDS_KEY):
        st.html(block_cards(block, links))
    pager(PROJECTS_KEY, count, page, lang)
    export(
        view,
        place,
        lambda: [(t("dd_sec_projects", lang), place_projects_block(ordered, lang))],  # built when downloaded
        "xl_file_projects",
        "xl_dd_projects",
    )


def export(view: View, place: Place, sheets: Sheets | Callable[[], Sheets], stem: str, key: str) -> None:
    """The level's table as Excel, its place (district, street) among the filters and in the file name."""
    where = place_name(place, view.region(), view.lang)
    filters = view_filters(view, (t("xl_place", view.lang), where))
    parts = [p for p in (place.district, place.street) if p] or [view.region()]
    download_xlsx(t("xl_download", view.lang), sheets, filters, today_name(stem, view, *parts), key, lang=view.lang)


def level(view: View, place: Place) -> None:
    """The figures of the current place, then its children, or its projects at the bottom level."""
    lang = view.lang
    projects = projects_in(view.projects, place.district, place.street)
    if projects.empty:
        st.warning(md_t("dd_empty_place", lang, place=place_name(place, view.region(), lang)))
        return
    headline(projects, view)
    if place.child == "district":
        children(projects, "district", view, place)
    elif place.child == "street" and has_streets(projects):
        children(projects, "street", view, place)
    else:
        if place.child == "street":  # a district whose projects name no street/town: its projects at once
            st.info(md_t("dd_no_streets", lang, place=place.district))
        project_list(projects, view, place)


view = current_view()
phone_layout()
place, unknown = current_place(view.classified)
st.title(md_t("dd_title", view.lang, place=place_name(place, view.region(), view.lang)))
st.caption(t("as_of_caption", view.lang, date=fmt_date(view.as_of, view.lang)))
breadcrumb(place, view.lang)
pickers(view, place)
if unknown:
    st.info(md_t("dd_unknown_place", view.lang, name=unknown))  # from the URL, as typed
if not empty_state(view):
    level(view, place)
