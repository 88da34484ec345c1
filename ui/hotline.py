"""The 12345 hotline's tables and chart for the hotline page and a project's page (figures from
``housing.hotline.rates``; targets from the settings ``hotline_reply_target`` and ``hotline_satisfaction_target``)."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go
import streamlit as st
from babel.dates import format_date

from briefing.charts import FONT, plot_escape
from housing import hotline as H
from housing.fmt import fmt_date, fmt_int, fmt_percent
from housing.i18n import t
from housing.register import UNNAMED
from housing.settings import get_setting

PLOTLY_CONFIG = {"displaylogo": False}
# Colour-blind safe pair (Okabe-Ito blue and orange) for the two rates; their targets are dashed in the same hue.
RATE_COLORS = {"reply_rate": "#0072B2", "satisfaction_rate": "#E69F00"}
TARGET_SETTINGS = {"reply_rate": "hotline_reply_target", "satisfaction_rate": "hotline_satisfaction_target"}


def targets() -> dict[str, float]:
    """The two targets in force, in percent, by rate column."""
    return {rate: float(get_setting(key)) for rate, key in TARGET_SETTINGS.items()}


def period_label(start, period: str, lang: str) -> str:
    """A period as people name it: ``2026年11月`` / ``2026-11``, or the week by its Monday."""
    day = pd.Timestamp(start)
    if period == H.MONTH:
        return f"{day.year}年{day.month}月" if lang != "en" else f"{day.year}-{day.month:02d}"
    return t("hl_week_of", lang, date=fmt_date(day.date(), lang))


def axis_label(start, period: str, lang: str) -> str:
    """A period on the chart's axis, short: the month as in the tables, a week by its Monday (``8月3日``, ``Aug 3``)."""
    if period == H.MONTH:
        return period_label(start, period, lang)
    day = pd.Timestamp(start).date()
    return format_date(day, "MMM d" if lang == "en" else "M月d日", locale="en" if lang == "en" else "zh_CN")


def months_text(months: list, lang: str) -> str:
    """Months listed as the language lists them (``2026年8月、2026年10月`` / ``2026-08, 2026-10``)."""
    return ("、" if lang != "en" else ", ").join(period_label(m, H.MONTH, lang) for m in months)


def _rate_text(rate, target: float, lang: str) -> str:
    """A rate with one decimal and, when it misses its target, a mark saying so (not colour alone)."""
    if rate is None or rate != rate:
        return "—"
    shown = fmt_percent(rate, 1)
    return shown if H.meets(rate, target) else f"{shown} {t('hl_below_target', lang)}"


def rates_table(frame: pd.DataFrame, period: str, lang: str, by: tuple[str, ...] = ()) -> pd.DataFrame:
    """Rates as a table in ``lang``: the ``by`` columns, the period, calls, both rates (marked when below
    target) and 双百 for a month with every call replied and every rating satisfied."""
    goal = targets()
    names = {"project_district": t("col_district", lang), "project_name": t("col_name", lang)}
    out = pd.DataFrame({names.get(c, c): frame[c].fillna(UNNAMED).astype(str) for c in by})
    out[t("hl_col_period", lang)] = [period_label(p, period, lang) for p in frame["period"]]
    out[t("hl_col_calls", lang)] = [fmt_int(v) for v in frame["calls"]]
    out[t("hl_col_reply_rate", lang)] = [_rate_text(v, goal["reply_rate"], lang) for v in frame["reply_rate"]]
    out[t("hl_col_rated", lang)] = [fmt_int(v) for v in frame["rated"]]
    out[t("hl_col_satisfaction_rate", lang)] = [
        _rate_text(v, goal["satisfaction_rate"], lang) for v in frame["satisfaction_rate"]
    ]
    if period == H.MONTH:
        out[t("hl_col_double", lang)] = [t("hl_double_100", lang) if d else "" for d in frame["double_100"]]
    return out


def rates_chart(frame: pd.DataFrame, period: str, lang: str) -> go.Figure:
    """Reply and satisfaction rate per period (lines), each with its target (dashed)."""
    goal = targets()
    labels = [plot_escape(axis_label(p, period, lang)) for p in frame["period"]]
    fig = go.Figure()
    for rate, color in RATE_COLORS.items():
        name = t(f"hl_col_{rate}", lang)
        values = (frame[rate].astype(float) * 100).round(1)
        fig.add_scatter(x=labels, y=values, name=name, mode="lines+markers", line={"color": color, "width": 3})
        fig.add_scatter(
            x=labels,
            y=[goal[rate]] * len(labels),
            name=t("hl_target_line", lang, name=name, target=f"{goal[rate]:g}"),
            mode="lines",
            line={"color": color, "dash": "dash", "width": 1.5},
            hoverinfo="skip",
        )
    fig.update_layout(
        height=340,
        font={"family": FONT, "size": 13},
        margin={"l": 10, "r": 36, "t": 40, "b": 10},
        legend={"orientation": "h", "yanchor": "bottom", "y": 1.0, "x": 0},
        plot_bgcolor="white",
        yaxis={"ticksuffix": "%", "range": [0, 105], "gridcolor": "#DDDDDD"},
        xaxis={"type": "category"},  # labels as written: Plotly would read 2026-08 as a date
        modebar={"orientation": "v"},
    )
    return fig


def headline(tickets: pd.DataFrame, lang: str) -> None:
    """Calls, reply rate and satisfaction rate over ``tickets``, each against its target."""
    goal, total = targets(), H.totals(tickets)
    cols = st.columns(3)
    cols[0].metric(t("hl_col_calls", lang), fmt_int(total["calls"]))
    for col, rate in zip(cols[1:], ("reply_rate", "satisfaction_rate"), strict=True):
        value = total[rate]
        met = H.meets(value, goal[rate])
        delta = (
            None if met is None else t("hl_target_met" if met else "hl_target_missed", lang, target=f"{goal[rate]:g}")
        )
        col.metric(
            t(f"hl_col_{rate}", lang),
            fmt_percent(value, 1) if value == value else "—",
            delta=delta,
            delta_color="normal" if met else "off",  # red is kept for overdue projects
            delta_arrow="off",
        )


def project_section(tickets: pd.DataFrame, district, name: str, lang: str) -> None:
    """A project's 12345 calls: the figures against the targets and its months (on the project page)."""
    st.subheader(t("hl_project_title", lang))
    same_district = tickets["project_district"].fillna("").eq(district if isinstance(district, str) else "")
    mine = tickets[same_district & tickets["project_name"].eq(name).fillna(False)]
    if mine.empty:
        st.caption(t("hl_project_none", lang))
        return
    headline(mine, lang)
    monthly = H.rates(mine, H.MONTH).sort_values("period", ascending=False)
    st.dataframe(rates_table(monthly, H.MONTH, lang), hide_index=True, width="stretch")
