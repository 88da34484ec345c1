"""Delivery progress: how many projects, households and 万㎡ have topped out, passed acceptance and been handed
over, where the projects stand now, and every deadline against its first published one. Sidebar filters apply.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from briefing.charts import MEASURE_KEYS, baseline_order, baseline_timeline, funnel_chart, stage_bars
from housing.fmt import fmt_date, fmt_int
from housing.i18n import t
from housing.progress import MEASURES, baseline_frame, stage_counts, stage_funnel
from housing.rollup import UNNAMED
from ui.context import View, current_view, empty_state
from ui.data import baselines
from ui.escape import md_t
from ui.exports import download_xlsx, slipped_block, today_name, view_filters
from ui.links import project_link
from ui.tables import status_text, style_status
from ui.urls import link_column

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
    """The milestone funnel beside the count at each current stage, in the chosen measure."""
    lang = view.lang
    st.subheader(t("pg_sec_funnel", lang))
    measure = measure_picker(lang)
    st.caption(t("pg_funnel_caption", lang))
    left, right = st.columns([5, 4], gap="large")
    funnel = stage_funnel(view.projects, view.result.stage_dates, view.as_of)
    left.plotly_chart(funnel_chart(funnel, measure, lang), width="stretch", config=PLOTLY_CONFIG)
    right.plotly_chart(stage_bars(stage_counts(view.projects), measure, lang), width="stretch", config=PLOTLY_CONFIG)


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


def baseline_section(view: View) -> None:
    """Baseline against current deadline for every project in view, and the slipped ones as a linked table."""
    lang = view.lang
    st.subheader(t("pg_sec_baseline", lang))
    frame = baseline_frame(view.classified, baselines(view.source, view.classified)).loc[view.projects.index]
    ordered = baseline_order(frame)
    if ordered.empty:
        st.info(t("empty_timeline", lang))
        return
    st.caption(t("pg_baseline_caption", lang))
    st.plotly_chart(baseline_timeline(frame, view.as_of, lang), width="stretch", config=PLOTLY_CONFIG)
    if view.source.version is None:  # a bundled sample has one version: its deadlines are their own baseline
        st.info(t("pg_baseline_sample", lang))
        return
    slipped = ordered[(ordered["slip_days"] > 0).fillna(False).to_numpy(bool)]
    if slipped.empty:
        st.success(t("pg_no_slips", lang))
        return
    st.markdown(t("pg_slipped", lang, count=len(slipped)))
    table = slipped_table(slipped, lang)
    st.dataframe(
        style_status(table, lang),
        hide_index=True,
        width="stretch",
        column_config={
            t("col_name", lang): link_column(t("col_name", lang), "name"),
            t("pg_col_slip", lang): st.column_config.NumberColumn(format="localized"),
        },
    )
    download_xlsx(
        t("xl_download", lang),
        [(t("pg_sec_baseline", lang), slipped_block(slipped, table, lang))],
        view_filters(view),
        today_name("xl_file_slipped", view),
        "xl_slipped",
        lang=lang,
    )


view = current_view()
st.title(md_t("pg_title", view.lang, region=view.region()))
st.caption(t("as_of_caption", view.lang, date=fmt_date(view.as_of, view.lang)))
if not empty_state(view):
    funnel_section(view)
    baseline_section(view)
