"""Plotly figures for the overview: household totals per district and the project timeline.

Plain functions from data to figure, so they are tested without a browser. Fonts list CJK faces first
so Chinese renders on projectors and in exported images alike.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
import plotly.graph_objects as go

from housing.fmt import fmt_date, fmt_int
from housing.i18n import status_label, t
from housing.status import STATUS_COLORS, STATUSES

FONT = "Noto Sans CJK SC, Source Han Sans SC, Microsoft YaHei, PingFang SC, sans-serif"
WAITING_COLOR = "#BBBBBB"
ROW_PX, GROUPED_ABOVE = 22, 120


def _layout(fig: go.Figure, height: int) -> go.Figure:
    fig.update_layout(
        height=height,
        font={"family": FONT, "size": 13},
        margin={"l": 10, "r": 10, "t": 40, "b": 10},
        legend={"orientation": "h", "yanchor": "bottom", "y": 1.0, "x": 0},
        plot_bgcolor="white",
        hoverlabel={"font_family": FONT},
    )
    return fig


def district_bars(districts: pd.DataFrame, lang: str) -> go.Figure:
    """Stacked horizontal bars: households handed over and still waiting, per district, largest on top."""
    table = districts.sort_values("households")
    fig = go.Figure()
    for column, key, color in (
        ("done_households", "chart_done", STATUS_COLORS["done"]),
        ("waiting_households", "chart_waiting", WAITING_COLOR),
    ):
        fig.add_bar(
            y=table["district"],
            x=table[column],
            name=t(key, lang),
            orientation="h",
            marker_color=color,
            hovertemplate="%{y}: %{x:,}<extra>" + t(key, lang) + "</extra>",
        )
    fig.add_scatter(
        y=table["district"],
        x=table["households"],
        mode="text",
        text=[fmt_int(v) for v in table["households"]],
        textposition="middle right",
        showlegend=False,
        hoverinfo="skip",
    )
    fig.update_layout(barmode="stack")
    fig.update_xaxes(
        title=t("chart_households", lang),
        tickformat=",",
        gridcolor="#EEEEEE",
        range=[0, float(table["households"].max() or 1) * 1.15],
    )
    return _layout(fig, 90 + 42 * len(table))


def _labels(frame: pd.DataFrame) -> list[str]:
    """Project names, with the district added where two projects share a name."""
    dup = frame["name"].duplicated(keep=False)
    return [f"{n}（{d}）" if twin else n for n, d, twin in zip(frame["name"], frame["district"], dup)]


def _axis_y(frame: pd.DataFrame, grouped: bool):
    labels = _labels(frame)
    return [frame["district"].fillna("—").tolist(), labels] if grouped else labels


def _hover(frame: pd.DataFrame, lang: str) -> list[str]:
    return [
        f"<b>{n}</b> · {d if isinstance(d, str) else '—'}<br>{status_label(s, lang)}<br>"
        f"{t('col_start', lang)}: {fmt_date(a, lang) or '—'}<br>{t('col_deadline', lang)}: {fmt_date(b, lang) or '—'}"
        f"<br>{t('col_handed_over', lang)}: {fmt_date(h, lang) or '—'}"
        f"<br>{t('col_households', lang)}: {fmt_int(hh) or '—'}"
        for n, d, s, a, b, h, hh in zip(
            frame["name"],
            frame["district"],
            frame["status"],
            frame["start"],
            frame["deadline"],
            frame["handed_over"],
            frame["households"],
        )
    ]


def timeline_frame(classified: pd.DataFrame) -> pd.DataFrame:
    """Projects with any date, sorted by deadline (by district first when there are many)."""
    dated = classified[classified[["start", "deadline", "handed_over"]].notna().any(axis=1)].copy()
    dated["begin"] = dated["start"].fillna(dated[["deadline", "handed_over"]].min(axis=1))
    keys = ["district", "deadline", "name"] if len(dated) > GROUPED_ABOVE else ["deadline", "name"]
    return dated.sort_values(keys, na_position="last", ignore_index=True)


def timeline(classified: pd.DataFrame, as_of: dt.date, lang: str) -> go.Figure:
    """One bar per project from start (or earliest known date) to deadline, coloured by status."""
    frame = timeline_frame(classified)
    grouped = len(frame) > GROUPED_ABOVE
    fig = go.Figure()
    # An invisible first trace fixes the row order (deadline, or district then deadline): plotly orders
    # categories by first appearance, and the status traces below would otherwise group rows by status.
    fig.add_scatter(
        y=_axis_y(frame, grouped),
        x=frame["begin"],
        mode="markers",
        marker={"opacity": 0},
        showlegend=False,
        hoverinfo="skip",
    )
    for status in STATUSES:
        part = frame[frame["status"] == status]
        bars = part[part["start"].notna() & part["deadline"].notna()]
        marks = part[part["start"].isna() | part["deadline"].isna()]
        fig.add_bar(
            y=_axis_y(bars, grouped),
            base=bars["begin"],
            x=(bars["deadline"] - bars["begin"]).dt.total_seconds() * 1000,
            orientation="h",
            marker_color=STATUS_COLORS[status],
            name=status_label(status, lang),
            legendgroup=status,
            hovertext=_hover(bars, lang),
            hoverinfo="text",
        )
        fig.add_scatter(
            y=_axis_y(marks, grouped),
            x=marks["deadline"].fillna(marks["begin"]),
            mode="markers",
            marker={"symbol": "line-ns", "size": 16, "line": {"width": 4, "color": STATUS_COLORS[status]}},
            name=status_label(status, lang),
            legendgroup=status,
            showlegend=bars.empty and not marks.empty,
            hovertext=_hover(marks, lang),
            hoverinfo="text",
        )
    handed = frame[frame["handed_over"].notna()]
    fig.add_scatter(
        y=_axis_y(handed, grouped),
        x=handed["handed_over"],
        mode="markers",
        name=t("chart_handover", lang),
        marker={"symbol": "diamond", "size": 10, "color": "#222222", "line": {"width": 1, "color": "white"}},
        hovertext=_hover(handed, lang),
        hoverinfo="text",
    )
    _as_of_line(fig, as_of, lang)
    order = _axis_y(frame, grouped)
    fig.update_yaxes(
        range=[len(frame) - 0.5, -0.5],  # first row on top, no padding rows
        categoryorder="array",
        categoryarray=order if not grouped else None,
        automargin=True,
        tickfont={"size": 12},
    )
    fig.update_xaxes(type="date", gridcolor="#EEEEEE", side="top", showline=True, tickformat=_tick_format(frame, lang))
    fig.update_layout(barmode="overlay", bargap=0.35)
    height = 150 + ROW_PX * max(len(frame), 3)
    _layout(fig, height)
    # The date axis sits on top of a tall chart; lift the legend above its tick labels.
    fig.update_layout(margin={"t": 90, "b": 40}, legend={"y": 1 + 40 / (height - 130)})
    return fig


def _tick_format(frame: pd.DataFrame, lang: str) -> str:
    """Date ticks in the reader's convention: months over long spans, days over a few months."""
    dates = pd.concat([frame["begin"], frame["deadline"], frame["handed_over"]]).dropna()
    short = dates.empty or (dates.max() - dates.min()).days < 200
    if lang == "zh":
        return "%-m月%-d日" if short else "%Y年%-m月"
    return "%m-%d" if short else "%Y-%m"


def _as_of_line(fig: go.Figure, as_of: dt.date, lang: str) -> None:
    x = as_of.isoformat()
    fig.add_shape(type="line", x0=x, x1=x, y0=0, y1=1, yref="paper", line={"color": "#333333", "dash": "dash"})
    fig.add_annotation(
        x=x,
        y=0,
        yref="paper",
        yanchor="top",
        showarrow=False,
        text=f"{t('chart_as_of', lang)} {fmt_date(as_of, lang)}",
        font={"size": 12},
    )
