"""Delivery progress: how many projects, households and 万㎡ have topped out, passed acceptance and been handed
over, where the projects stand now, and every deadline against its first published one. Sidebar filters apply.
"""

from __future__ import annotations

from functools import partial

import pandas as pd
import streamlit as st

from briefing.build import summarised, summary_column
from briefing.charts import (
    BARS_TOP,
    MEASURE_KEYS,
    baseline_order,
    baseline_timeline,
    days_text,
    funnel_chart,
    slip_bars,
    stage_bars,
)
from housing.fmt import fmt_count, fmt_date, fmt_int
from housing.i18n import t
from housing.progress import MEASURES, baseline_frame, slip_summary, stage_counts, stage_funnel
from housing.rollup import UNNAMED
from housing.settings import get_setting
from ui.blocks import CARDS_KEY, TABLE_KEY, block_cards, html_table, phone_layout
from ui.context import View, current_view, empty_state
from ui.data import baselines, view_figure
from ui.escape import md_escape, md_t
from ui.exports import download_xlsx, slipped_block, today_name, view_filters
from ui.links import project_link
from ui.paging import count_caption, current_page, pager
from ui.scope import narrowed, picked
from ui.tables import status_text

PLOTLY_CONFIG = {"displaylogo": False}


def keep_measure(key: str) -> None:
    """Callback: the measure picked in one language stays picked in the other."""
    st.session_state["pg_measure"] = st.session_state[key]


def measure_picker(lang: str) -> str:
    """Projects / households / 万㎡ (one widget key per language: its labels are translated)."""
    key = f"pg_measure__{lang}"
    st.session_state[key] = st.session_state.setdefault("pg_measure", MEASURES[0])
    st.segmented_control(
        t("pg_measure", lang),
        MEASURES,
        key=key,
        required=True,
        format_func=lambda m: t(MEASURE_KEYS[m], lang),
        on_change=keep_measure,
        args=(key,),
    )
    return st.session_state["pg_measure"]


def funnel_section(view: View) -> None:
    """The milestone funnel beside the count at each current stage, in the chosen measure (both figures drawn
    once per data version, filters and measure: counting the stages of 50,000 projects is not redone per run)."""
    lang = view.lang
    st.subheader(t("pg_sec_funnel", lang))
    measure = measure_picker(lang)
    st.caption(t("pg_funnel_caption", lang))
    left, right = st.columns([5, 4], gap="large")
    funnel = partial(stage_funnel, view.projects, view.result.stage_dates, view.as_of)
    draw_funnel = lambda: funnel_chart(funnel(), measure, lang)  # noqa: E731
    draw_stages = lambda: stage_bars(stage_counts(view.projects), measure, lang)  # noqa: E731
    left.plotly_chart(view_figure(view, "funnel", draw_funnel, measure), width="stretch", config=PLOTLY_CONFIG)
    right.plotly_chart(view_figure(view, "stages", draw_stages, measure), width="stretch", config=PLOTLY_CONFIG)


def slipped_table(frame: pd.DataFrame, lang: str) -> pd.DataFrame:
    """The projects whose deadline moved later, largest slip first, each name linking to its detail page."""
    return pd.DataFrame(
        {
            t("col_status", lang): [status_text(s, lang) for s in frame["status"]],
            t("col_name", lang): [project_link(d, n) for d, n in zip(frame["district"], frame["name"])],
            t("col_district", lang): frame["district"].fillna(UNNAMED).tolist(),
            t("pg_baseline", lang): [fmt_date(d, lang) for d in frame["baseline"]],
            t("col_deadline", lang): [fmt_date(d, lang) for d in frame["deadline"]],
            t("pg_col_slip", lang): frame["slip_days"].astype("Int64").to_numpy(),
            t("col_households", lang): [fmt_int(h) or UNNAMED for h in frame["households"]],
        }
    )


SCOPE_KEY = "pg_scope"  # the deadline section's own district and street pickers (``ui.scope``)
SLIPPED_KEY = "pg_slipped"  # the paged list of slipped projects (``ui.paging``)


def slip_totals(frame: pd.DataFrame, lang: str) -> str:
    """One sentence over the projects in view: how many moved later (households, the largest move), how many
    earlier, how many unchanged."""
    days = pd.to_numeric(frame["slip_days"], errors="coerce")
    later = days > 0
    households = pd.to_numeric(frame.loc[later.to_numpy(bool), "households"], errors="coerce").fillna(0).sum()
    return t(
        "pg_slip_total",
        lang,
        slipped=fmt_count(int(later.sum()), "count.projects", lang),
        households=fmt_int(int(households)),
        days=days_text(int(days.max()) if later.any() else 0, lang),
        earlier=fmt_count(int((days < 0).sum()), "count.projects", lang),
        unchanged=fmt_count(int((days == 0).sum()), "count.projects", lang),
    )


def slip_summary_chart(view: View, frame: pd.DataFrame) -> None:
    """Above ``chart_project_limit`` projects: a bar per district (or street) of its projects by how far their
    deadlines moved, with the totals above and how to get each project's view."""
    lang = view.lang
    column = summary_column(frame)
    key = "pg_slip_summary_caption_streets" if column == "street" else "pg_slip_summary_caption"
    limit = fmt_int(int(get_setting("chart_project_limit")))
    count = fmt_count(len(frame), "count.projects", lang)
    parts = [t(key, lang, count=count, limit=limit, top=fmt_int(BARS_TOP)), t("pg_slip_narrow_hint", lang, limit=limit)]
    if view.source.version is not None:
        st.markdown(md_escape(slip_totals(frame, lang)))
    st.caption((" " if lang == "en" else "").join(parts))
    draw = lambda: slip_bars(slip_summary(frame, column), column, lang)  # noqa: E731
    figure = view_figure(view, "slip_bars", draw, *picked(SCOPE_KEY))
    st.plotly_chart(figure, width="stretch", config=PLOTLY_CONFIG)


def slipped_list(view: View, ordered: pd.DataFrame) -> None:
    """The projects whose deadline moved later, largest move first, a page at a time: an HTML table on a desk,
    cards on a phone, names linking to the detail page; the whole list in the Excel download."""
    lang = view.lang
    slipped = ordered[(ordered["slip_days"] > 0).fillna(False).to_numpy(bool)]
    if slipped.empty:
        st.success(t("pg_no_slips", lang))
        return
    count = len(slipped)
    version = view.source.version and view.source.version.id
    listed = (view.districts, view.statuses, view.as_of, version, picked(SCOPE_KEY), count)
    page, first, last = current_page(SLIPPED_KEY, count, listed)
    total = fmt_count(count, "count.projects", lang)
    st.caption(count_caption(total, first, last, count, ("pg_slipped_count_all", "pg_slipped_count"), lang))
    rows = slipped.iloc[first:last]
    block = slipped_block(rows, slipped_table(rows, lang), lang)  # only the rows shown
    name = t("col_name", lang)
    links = {name: [project_link(d, n) for d, n in zip(rows["district"], rows["name"])]}
    with st.container(key=TABLE_KEY):
        st.html(html_table(block, links))
    with st.container(key=CARDS_KEY):
        st.html(block_cards(block, links, title=name))
    pager(SLIPPED_KEY, count, page, lang)
    download_xlsx(
        t("xl_download", lang),
        lambda: [(t("pg_sec_baseline", lang), slipped_block(slipped, slipped_table(slipped, lang), lang))],
        view_filters(view),
        today_name("xl_file_slipped", view),
        "xl_slipped",
        lang=lang,
    )


def baseline_section(view: View) -> None:
    """Baseline against current deadline: each project while they are at most ``chart_project_limit``, else
    summed by district (or street) with pickers to narrow it; then the slipped ones as a paged, linked list."""
    lang = view.lang
    st.subheader(t("pg_sec_baseline", lang))
    frame = baseline_frame(view.classified, baselines(view.source, view.classified)).loc[view.projects.index]
    if "street" in view.projects:
        frame["street"] = view.projects["street"]
    if baseline_order(frame).empty:
        st.info(t("empty_timeline", lang))
        return
    if summarised(frame):  # the pickers only where the chart is summed: a small register has nothing to narrow
        frame = frame.loc[narrowed(view.projects, SCOPE_KEY, lang).index]
    ordered = baseline_order(frame)
    if summarised(frame):
        slip_summary_chart(view, frame)
    elif ordered.empty:
        st.info(t("empty_timeline", lang))
    else:
        st.caption(t("pg_baseline_caption", lang))
        draw = partial(baseline_timeline, frame, view.as_of, lang)
        figure = view_figure(view, "baseline_timeline", draw, *picked(SCOPE_KEY))
        st.plotly_chart(figure, width="stretch", config=PLOTLY_CONFIG)
    if view.source.version is None:  # a bundled sample has one version: its deadlines are their own baseline
        st.info(t("pg_baseline_sample", lang))
        return
    slipped_list(view, ordered)


view = current_view()
phone_layout()
st.title(md_t("pg_title", view.lang, region=view.region()))
st.caption(t("as_of_caption", view.lang, date=fmt_date(view.as_of, view.lang)))
if not empty_state(view):
    funnel_section(view)
    baseline_section(view)
