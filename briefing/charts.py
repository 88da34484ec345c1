"""Plotly figures of the dashboard and the briefing: households per district, the project timeline, stages.

Plain functions from data to figure, so they are tested without a browser. Fonts list CJK faces first
so Chinese renders on projectors and in exported images alike.
"""

from __future__ import annotations

import datetime as dt
import html
import math

import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from housing.changes import project_key
from housing.fmt import WAN_PATTERN, fmt_count, fmt_date, fmt_int, fmt_number, fmt_percent, fmt_size
from housing.i18n import status_label, t, template
from housing.register import UNNAMED
from housing.stages import stage_name
from housing.status import STATUS_COLORS, STATUSES

FONT = "Noto Sans CJK SC, Source Han Sans SC, Microsoft YaHei, PingFang SC, sans-serif"
WAITING_COLOR = "#BBBBBB"
ROW_PX, GROUPED_ABOVE = 22, 120
TALL_ROWS = 20  # a timeline with more rows than this (about 600 px) gets its date axis below the rows too
DEADLINE_MARK = "triangle-down"  # a project with a deadline but no known start: a pin on the deadline
BAR_PX, DENSE_BAR_PX, ROOMY_ROWS = 42, 26, 12  # households_bars: 42 px a bar for the first 12, then 26
BARS_TOP = 15  # bars a chart names before the rest become one "N other districts" bar (a slide holds 16 rows)
# The plural texts naming the rest of a roll-up folded into one bar or row, by the roll-up's column.
OTHERS_KEYS = {"district": "count.other_districts", "street": "count.other_streets"}
OTHERS_COLUMN = "_others"  # marks the folded row of ``top_with_others``
MODEBAR_PX = 36  # right margin: room for the upright toolbar, so it covers neither the legend nor a label


def plot_escape(text: object) -> str:
    """``text`` for a Plotly label, hover or tick: ``<``, ``>`` and ``&`` as entities, so no tag is drawn.

    Plotly turns the entities back into the characters when it draws the text. Workbook names (projects,
    districts, streets) go through this before they reach a figure.
    """
    return "" if text is None else html.escape(str(text), quote=False)


def _layout(fig: go.Figure, height: int) -> go.Figure:
    fig.update_layout(
        height=height,
        font={"family": FONT, "size": 13},
        margin={"l": 10, "r": MODEBAR_PX, "t": 40, "b": 10},
        legend={"orientation": "h", "yanchor": "bottom", "y": 1.0, "x": 0},
        plot_bgcolor="white",
        hoverlabel={"font_family": FONT},
        # The toolbar stands on the right edge, not along the top where the legend lies, so it never covers it.
        modebar={"orientation": "v"},
    )
    return fig


def district_bars(districts: pd.DataFrame, lang: str) -> go.Figure:
    """Stacked horizontal bars: households handed over and still waiting, per district, largest on top."""
    return households_bars(districts, "district", lang)


def bars_height(rows: int) -> int:
    """Chart height that grows with the rows and keeps each label readable: roomy bars first, denser after."""
    rows = max(rows, 1)
    return 90 + BAR_PX * min(rows, ROOMY_ROWS) + DENSE_BAR_PX * max(rows - ROOMY_ROWS, 0)


def top_with_others(rollup: pd.DataFrame, column: str, lang: str, top: int | None, value: str = "households"):
    """The ``top`` largest rows of a roll-up by ``value`` (ties by name), then the rest summed into one row named
    ``其他 85 个区县`` / ``85 other districts`` and marked in ``OTHERS_COLUMN``; every row when there are at most
    ``top + 1`` (folding a single row would hide a name to save nothing) or ``top`` is ``None``."""
    if top is None or len(rollup) <= top + 1:
        return rollup.assign(**{OTHERS_COLUMN: False})
    ranked = rollup.sort_values([value, column], ascending=[False, True], kind="stable")
    head, rest = ranked.iloc[:top], ranked.iloc[top:]
    sums = rest.select_dtypes("number").sum()
    other = {**sums.to_dict(), column: fmt_count(len(rest), OTHERS_KEYS.get(column, "count.others"), lang)}
    folded = pd.DataFrame([other]).astype({k: head[k].dtype for k in sums.index}, errors="ignore")
    return pd.concat([head.assign(**{OTHERS_COLUMN: False}), folded.assign(**{OTHERS_COLUMN: True})], ignore_index=True)


def households_bars(rollup: pd.DataFrame, column: str, lang: str, top: int | None = None) -> go.Figure:
    """Stacked horizontal bars of a roll-up (districts, streets): households handed over and still waiting per
    ``column`` value, the total at the end of each bar, largest on top; the height grows with the rows. With
    ``top``, the largest ``top`` rows and one bar for the rest (``top_with_others``), always at the bottom; when
    the rest adds up to more than the largest named row, the scale stays the named rows' and the rest's bar spans
    the chart, handed over and waiting in their true shares, its total written at the edge (``920,135 »``), so
    the named rows stay comparable."""
    folded = top_with_others(rollup, column, lang, top)
    # plotly draws the first row at the bottom: the folded rest first, then the rows smallest to largest
    table = folded.sort_values([OTHERS_COLUMN, "households"], ascending=[False, True], kind="stable")
    names = table[column].astype(str).map(plot_escape)  # workbook names: Plotly would draw <a>, <b> in them
    longest = float(table["households"].max()) if len(table) else 0.0
    rest = table[OTHERS_COLUMN].to_numpy(bool)
    named = table.loc[~rest, "households"]
    edge = max(float(named.max()) if len(named) else 0.0, 1) * 1.15  # room for the totals after the longest bar
    broken = longest > edge  # the folded rest outgrows the named rows: it runs off the edge rather than flatten them
    # a broken bar is drawn as wide as the chart, its parts in their true shares; the hover gives the true counts
    shrink = pd.Series(1.0, index=table.index)
    if broken:
        shrink[rest] = edge / table.loc[rest, "households"].astype(float)
    fig = go.Figure()
    for part, key, color in (
        ("done_households", "chart_done", STATUS_COLORS["done"]),
        ("waiting_households", "chart_waiting", WAITING_COLOR),
    ):
        fig.add_bar(
            y=names,
            x=table[part].astype(float) * shrink,
            customdata=table[part],
            name=t(key, lang),
            orientation="h",
            marker_color=color,
            hovertemplate="%{y}: %{customdata:,}<extra>" + t(key, lang) + "</extra>",
        )
    fig.add_scatter(
        y=names,
        x=table["households"],
        mode="text",
        # a broken bar's total is written on it, at the edge (below)
        text=["" if broken and r else fmt_size(v, lang) for v, r in zip(table["households"], rest)],
        textposition="middle right",
        cliponaxis=False,  # a total may reach into the right margin on a phone rather than be cut
        showlegend=False,
        hoverinfo="skip",
    )
    fig.update_layout(barmode="stack", legend_traceorder="normal")  # legend in bar order: handed over first
    # Names stay categories even when one looks like a number (a street called "3"); the fixed range drops the
    # padding plotly adds around the total labels, which grows with the rows.
    fig.update_yaxes(type="category", automargin=True, range=[-0.5, max(len(table), 1) - 0.5])
    if broken:
        fig.add_annotation(
            x=edge,
            y=names[rest].iloc[0],
            xanchor="right",
            text=f"{fmt_size(table.loc[rest, 'households'].iloc[0], lang)} »",
            showarrow=False,
            bgcolor="white",
            borderpad=2,
            font={"color": "#222222"},
        )
    right = edge if broken else max(longest, 1) * 1.15
    fig.update_xaxes(title=t("chart_households", lang), tickformat=",", gridcolor="#EEEEEE", range=[0, right])
    return _layout(fig, bars_height(len(table)))


def _labels(frame: pd.DataFrame) -> list[str]:
    """Project names, with the district added where two projects share a name (escaped for Plotly)."""
    dup = frame["name"].duplicated(keep=False)
    names = [f"{n}（{d}）" if twin else n for n, d, twin in zip(frame["name"], frame["district"], dup)]
    return [plot_escape(n) for n in names]


def _axis_y(frame: pd.DataFrame, grouped: bool):
    labels = _labels(frame)
    return [[plot_escape(d) for d in frame["district"].fillna("—")], labels] if grouped else labels


def _first_known(start, begin, lang: str) -> str:
    """The hover line saying where a bar without a start date begins (nothing when the start is known)."""
    if pd.notna(start) or pd.isna(begin):
        return ""
    return f"<br>{t('chart_first_known', lang)}: {fmt_date(begin, lang)}"


def _hover(frame: pd.DataFrame, lang: str) -> list[str]:
    begins = frame["begin"] if "begin" in frame else frame["start"]
    return [
        f"<b>{plot_escape(n)}</b> · {plot_escape(d) if isinstance(d, str) else '—'}<br>{status_label(s, lang)}<br>"
        f"{t('col_start', lang)}: {fmt_date(a, lang) or '—'}{_first_known(a, g, lang)}"
        f"<br>{t('col_deadline', lang)}: {fmt_date(b, lang) or '—'}"
        f"<br>{t('col_handed_over', lang)}: {fmt_date(h, lang) or '—'}"
        f"<br>{t('col_households', lang)}: {fmt_int(hh) or '—'}"
        for n, d, s, a, g, b, h, hh in zip(
            frame["name"],
            frame["district"],
            frame["status"],
            frame["start"],
            begins,
            frame["deadline"],
            frame["handed_over"],
            frame["households"],
        )
    ]


def timeline_frame(classified: pd.DataFrame, first_known: pd.Series | None = None) -> pd.DataFrame:
    """Projects with any date, sorted by deadline (by district first when there are many).

    ``begin`` is where a project's bar starts: its start date, else its first known date (``first_known``, by
    project key: its earliest stage date or its first appearance in the register); ``bar`` says whether it is
    drawn as a bar (a start before the deadline) or, with no such start, as a marker on its deadline.
    """
    dated = classified[classified[["start", "deadline", "handed_over"]].notna().any(axis=1)].copy()
    known = pd.Series(pd.NaT, index=dated.index, dtype="datetime64[ns]")
    if first_known is not None and len(first_known) and len(dated):
        known = pd.Series(pd.to_datetime(project_key(dated).map(first_known)).to_numpy(), index=dated.index)
    dated["begin"] = pd.to_datetime(dated["start"]).fillna(known)
    dated["bar"] = (dated["begin"] < dated["deadline"]).fillna(False).astype(bool)  # never a sliver backwards
    keys = ["district", "deadline", "name"] if len(dated) > GROUPED_ABOVE else ["deadline", "name"]
    return dated.sort_values(keys, na_position="last", ignore_index=True)


def _anchor(frame: pd.DataFrame) -> pd.Series:
    """A date for every row (deadline, else start, else handover): where the row-order trace puts it."""
    return frame["deadline"].fillna(frame["begin"]).fillna(frame["handed_over"])


def month_step(dates: pd.Series) -> str:
    """Months between date ticks (plotly ``dtick``) for the span of ``dates``: about 6 to 10 ticks."""
    known = pd.to_datetime(dates.dropna())
    days = (known.max() - known.min()).days if len(known) else 0
    for limit, step in ((200, "M1"), (730, "M3"), (1461, "M6"), (3653, "M12")):
        if days <= limit:
            return step
    return "M24"


def _date_axes(fig: go.Figure, rows: int, dates: pd.Series) -> bool:
    """Date ticks above the rows, and below them too on a tall chart, so every row is near a date axis.

    The bottom axis is a second x axis matching the first (same range and zoom); a one-point invisible trace
    on it makes plotly draw it. Both get the same explicit ticks: plotly's automatic ticks on a matched axis
    land minutes before the month and would be labelled with the month before. Returns whether it is tall.
    """
    tall = rows > TALL_ROWS
    if tall:
        ticks = {"tickmode": "linear", "tick0": "2000-01-01", "dtick": month_step(dates)}
        fig.update_xaxes(**ticks)
        fig.add_scatter(
            x=[dates.dropna().min()], y=[None], xaxis="x2", mode="markers", showlegend=False, hoverinfo="skip"
        )
        top = fig.layout.xaxis
        bottom = {"matches": "x", "overlaying": "x", "side": "bottom", "type": "date", "showline": True}
        fig.update_layout(xaxis2=bottom | ticks | {"showgrid": False, "tickformat": top.tickformat})
    return tall


def timeline(
    classified: pd.DataFrame,
    as_of: dt.date,
    lang: str,
    first_known: pd.Series | None = None,
    span: pd.Series | None = None,
) -> go.Figure:
    """One bar per project from start (or first known date, see ``timeline_frame``) to deadline, coloured by
    status; a project with no known start is a marker on its deadline, never a sliver of a bar. ``span``: the
    dates the axis must cover, so the parts of a timeline split over several slides share one axis."""
    frame = timeline_frame(classified, first_known)
    grouped = len(frame) > GROUPED_ABOVE
    fig = go.Figure()
    # An invisible first trace fixes the row order (deadline, or district then deadline): plotly orders
    # categories by first appearance, and the status traces below would otherwise group rows by status.
    fig.add_scatter(
        y=_axis_y(frame, grouped),
        x=_anchor(frame),
        mode="markers",
        marker={"opacity": 0},
        showlegend=False,
        hoverinfo="skip",
    )
    for status in STATUSES:
        part = frame[frame["status"] == status]
        bars, marks = part[part["bar"]], part[~part["bar"]]
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
            x=_anchor(marks),
            mode="markers",
            marker={
                # a pin on the deadline (no known start); an open circle where only a start or handover is known
                "symbol": [DEADLINE_MARK if pd.notna(d) else "circle-open" for d in marks["deadline"]],
                "size": 13,
                "color": STATUS_COLORS[status],
                "line": {"width": 2, "color": STATUS_COLORS[status]},
            },
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
    when = pd.concat([frame["begin"], frame["deadline"], frame["handed_over"], pd.Series([pd.Timestamp(as_of)])])
    tall = _date_axes(fig, len(frame), when)
    _as_of_line(fig, as_of, lang, inside=tall)
    if span is not None and span.notna().any():
        fig.update_xaxes(range=_date_range(span, as_of, right=0.03), tickformat=_dates_tick_format(span, lang))
    height = 150 + ROW_PX * max(len(frame), 3)
    _layout(fig, height)
    # The date axis sits on top of a tall chart; lift the legend above its tick labels.
    fig.update_layout(margin={"t": 90, "b": 40}, legend={"y": 1 + 40 / (height - 130)})
    return fig


def _tick_format(frame: pd.DataFrame, lang: str) -> str:
    """Date ticks in the reader's convention: months over long spans, days over a few months."""
    dates = pd.concat([frame["begin"], frame["deadline"], frame["handed_over"]]).dropna()
    short = dates.empty or (dates.max() - dates.min()).days < 200
    return template("chart_ticks_days" if short else "chart_ticks_months", lang)


def _as_of_line(fig: go.Figure, as_of: dt.date, lang: str, inside: bool = False, below_px: int = 0) -> None:
    """The dashed as-of line, labelled below the plot (``below_px`` lower: under the bottom date ticks), or
    (``inside``: a date axis is below) just inside it."""
    x = as_of.isoformat()
    fig.add_shape(type="line", x0=x, x1=x, y0=0, y1=1, yref="paper", line={"color": "#333333", "dash": "dash"})
    fig.add_annotation(
        x=x,
        y=0,
        yref="paper",
        yanchor="bottom" if inside else "top",
        showarrow=False,
        text=f"{t('chart_as_of', lang)} {fmt_date(as_of, lang)}",
        yshift=-below_px,
        font={"size": 12},
        bgcolor="rgba(255,255,255,0.85)" if inside else None,
    )


# --- progress: one project's stages, the stage funnel, deadlines against their baseline ----------------------

PLANNED_FILL, PLANNED_LINE = "#E6E6E6", "#777777"
STAGE_ROW_PX, STAGE_BAR_WIDTH, STAGE_OFFSET = 64, 0.34, 0.2  # planned above the stage's row centre, actual below
FUNNEL_COLORS = {
    "total": "#DDDDDD",
    "topped_out": "#BBBBBB",
    "acceptance": "#777777",
    "handover": STATUS_COLORS["done"],
}
FUNNEL_TEXT = {"total": "#222222", "topped_out": "#222222", "acceptance": "white", "handover": "white"}
FUNNEL_STEP_KEYS = {
    "total": "pg_step_total",
    "topped_out": "pg_step_topped_out",
    "acceptance": "pg_step_acceptance",
    "handover": "pg_step_handover",
}
MEASURE_KEYS = {
    "projects": "pg_measure_projects",
    "households": "pg_measure_households",
    "floor_area_m2": "pg_measure_area",
}
BASELINE_COLOR, SLIP_COLOR = "#777777", STATUS_COLORS["at_risk"]


def _ms(end: pd.Series, start: pd.Series) -> pd.Series:
    """Bar lengths on a date axis: plotly reads a horizontal bar's x as milliseconds from its base."""
    return (end - start).dt.total_seconds() * 1000


def _dates_tick_format(dates: pd.Series, lang: str) -> str:
    """``_tick_format`` for any set of dates (months over long spans, days over a few months)."""
    return _tick_format(pd.DataFrame({"begin": dates, "deadline": dates, "handed_over": dates}), lang)


def _date_range(dates: pd.Series, as_of: dt.date, right: float = 0.16) -> list[pd.Timestamp]:
    """The x range covering every date and the as-of day, with room on the right for slip labels."""
    known = pd.concat([pd.to_datetime(dates.dropna()), pd.Series([pd.Timestamp(as_of)])])
    low, high = known.min(), known.max()
    span = max(high - low, pd.Timedelta(days=30))
    return [low - span * 0.03, high + span * right]


def days_text(days: int, lang: str) -> str:
    """A count of days for a message: the bare number in Chinese (the text carries 天), ``1 day``/``30 days``."""
    return fmt_count(days, "count.days", lang)


def slip_text(days, running: bool, lang: str, short: bool = False) -> str:
    """A stage's slip in words: ``晚20天`` / ``早5天`` / ``按期``, or ``已超期35天（未完成）`` while it runs
    (``short``: ``超期35天``, for a label beside a bar)."""
    if days is None or pd.isna(days):
        return ""
    days = int(days)
    if running:
        return t("pj_chart_running" if short else "pj_slip_running", lang, days=days_text(days, lang))
    if days == 0:
        return t("pj_slip_on_time", lang)
    key = "pj_slip_late" if days > 0 else "pj_slip_early"
    return t(key, lang, days=days_text(abs(days), lang))


def _stage_style(row) -> tuple[str, str, str]:
    """How a stage's actual bar looks: (legend key, colour, pattern) by done / late / under way."""
    if row.running:
        return "pj_actual_running", STATUS_COLORS["overdue"], "/"
    if not row.done:
        return "pj_actual_open", STATUS_COLORS["on_track"], "/"
    late = not pd.isna(row.slip_days) and row.slip_days > 0
    return ("pj_actual_late", STATUS_COLORS["at_risk"], "") if late else ("pj_actual_done", STATUS_COLORS["done"], "")


def _actual_span(plan: pd.DataFrame, as_of: dt.date) -> tuple[pd.Series, pd.Series]:
    """Where each actual bar starts and ends: done stages between actual dates; open stages up to the as-of
    day, from where their work began (a running stage whose start is unknown: from its planned date)."""
    today = pd.Timestamp(as_of)
    start = plan["actual_start"].where(plan["done"] | plan["actual_start"].notna())
    start = start.where(~(plan["running"] & start.isna()), plan["planned_end"])
    end = plan["actual_end"].where(plan["done"], today)
    return start, end.where(start.notna() | plan["done"])


def stage_timeline(plan: pd.DataFrame, as_of: dt.date, lang: str) -> go.Figure:
    """One project's stages (``housing.progress.stage_plan``): planned bars (light, outlined) above actual bars
    (solid; hatched while a stage is open, red once it is past its planned date), ◇/◆ at each stage's planned and
    actual date, the slip at the end of each actual bar, and the as-of line."""
    rows = list(range(len(plan)))
    planned_y = [i - STAGE_OFFSET for i in rows]
    actual_y = [i + STAGE_OFFSET for i in rows]
    fig = go.Figure()
    fig.add_bar(
        y=planned_y,
        base=plan["planned_start"],
        x=_ms(plan["planned_end"], plan["planned_start"]),
        width=STAGE_BAR_WIDTH,
        orientation="h",
        name=t("pj_planned", lang),
        legendgroup="planned",
        marker={"color": PLANNED_FILL, "line": {"color": PLANNED_LINE, "width": 1.5}},
        hoverinfo="skip",
    )
    fig.add_scatter(
        y=planned_y,
        x=plan["planned_end"],
        mode="markers",
        name=t("pj_planned", lang),
        legendgroup="planned",
        showlegend=False,
        marker={"symbol": "diamond-open", "size": 11, "color": PLANNED_LINE, "line": {"width": 2}},
        hovertext=[
            f"{stage_name(s, lang)} · {t('pj_planned', lang)}: {fmt_date(d, lang)}"
            for s, d in zip(plan["stage_id"], plan["planned_end"])
        ],
        hoverinfo="text",
    )
    start, end = _actual_span(plan, as_of)
    styles = [_stage_style(r) for r in plan.itertuples()]
    for key in ("pj_actual_done", "pj_actual_late", "pj_actual_running", "pj_actual_open"):
        picked = [i for i in rows if styles[i][0] == key and pd.notna(end.iloc[i])]
        if not picked:
            continue
        color, pattern = next((c, p) for k, c, p in styles if k == key)
        fig.add_bar(
            y=[actual_y[i] for i in picked],
            base=start.iloc[picked],
            x=_ms(end.iloc[picked], start.iloc[picked]),
            width=STAGE_BAR_WIDTH,
            orientation="h",
            name=t(key, lang),
            legendgroup=key,
            marker={"color": color, "line": {"color": color, "width": 1}, "pattern": {"shape": pattern}},
            hovertext=[_stage_hover(plan.iloc[i], lang) for i in picked],
            hoverinfo="text",
        )
    dated = [i for i in rows if pd.notna(plan["actual_end"].iloc[i])]
    fig.add_scatter(
        y=[actual_y[i] for i in dated],
        x=plan["actual_end"].iloc[dated],
        mode="markers",
        showlegend=False,
        marker={"symbol": "diamond", "size": 11, "color": "#222222", "line": {"width": 1, "color": "white"}},
        hovertext=[_stage_hover(plan.iloc[i], lang) for i in dated],
        hoverinfo="text",
    )
    for i in rows:
        text = slip_text(plan["slip_days"].iloc[i], bool(plan["running"].iloc[i]), lang, short=True)
        x = end.iloc[i] if pd.notna(end.iloc[i]) else plan["planned_end"].iloc[i]
        if text and pd.notna(x):
            color = STATUS_COLORS["overdue"] if plan["running"].iloc[i] else "#333333"
            fig.add_annotation(
                x=x,
                y=actual_y[i],
                text=text,
                showarrow=False,
                xanchor="left",
                xshift=8,
                font={"size": 13, "color": color},
            )
    _as_of_line(fig, as_of, lang)
    every = pd.concat([plan["planned_start"], plan["planned_end"], plan["actual_start"], plan["actual_end"]])
    fig.update_yaxes(
        tickvals=rows,
        ticktext=[stage_name(s, lang) for s in plan["stage_id"]],
        range=[len(plan) - 0.5, -0.5],  # first stage on top
        automargin=True,
        showgrid=False,
        zeroline=False,
        tickfont={"size": 14},
    )
    # Dates on top, as on the overview's timeline: the as-of label sits under the plot without touching them.
    fig.update_xaxes(
        type="date",
        side="top",
        showline=True,
        range=_date_range(every, as_of),
        gridcolor="#EEEEEE",
        tickformat=_dates_tick_format(every, lang),
    )
    fig.update_layout(barmode="overlay")
    height = 170 + STAGE_ROW_PX * max(len(plan), 2)
    _layout(fig, height)
    fig.update_layout(margin={"t": 90, "b": 40, "r": MODEBAR_PX}, legend={"y": 1 + 40 / (height - 130)})
    return fig


def _stage_hover(row, lang: str) -> str:
    """One stage's planned and actual dates and its slip, for the hover label."""
    actual = fmt_date(row["actual_end"], lang) or ("✔" if row["done"] else "—")
    slip = slip_text(row["slip_days"], bool(row["running"]), lang)
    planned = fmt_date(row["planned_end"], lang) or "—"
    return (
        f"<b>{stage_name(row['stage_id'], lang)}</b><br>{t('pj_planned', lang)}: {planned}"
        f"<br>{t('pj_actual', lang)}: {actual}" + (f"<br>{slip}" if slip else "")
    )


def measure_values(frame: pd.DataFrame, measure: str) -> pd.Series:
    """A measure as charts show it: projects and households as counts, floor area in 万㎡ (two decimals)."""
    values = pd.to_numeric(frame[measure], errors="coerce").fillna(0).astype(float)
    return (values / 10_000).round(2) if measure == "floor_area_m2" else values


def measure_text(value: float, measure: str, lang: str) -> str:
    """A measure's value with its unit: ``37个``, ``46,599户``, ``658.56万㎡`` (English: the bare figure)."""
    shown = fmt_number(value, WAN_PATTERN) if measure == "floor_area_m2" else fmt_int(value)
    return t(f"pg_unit_{measure}", lang, value=shown)


def funnel_chart(funnel: pd.DataFrame, measure: str, lang: str) -> go.Figure:
    """The stage funnel (``housing.progress.stage_funnel``) in one measure: projects, households or 万㎡, each
    step with its share of the total; greys darken along the steps, handed over in the done blue."""
    values = measure_values(funnel, measure)
    total = float(values.iloc[0]) if len(values) else 0.0
    shares = [fmt_percent(v / total) if total else "—" for v in values]
    steps = funnel["step"].tolist()
    fig = go.Figure(
        go.Funnel(
            y=[t(FUNNEL_STEP_KEYS[s], lang) for s in steps],
            x=values,
            text=[
                t("pg_funnel_text", lang, value=measure_text(v, measure, lang), share=p) for v, p in zip(values, shares)
            ],
            textinfo="text",
            textposition="inside",
            textfont={"size": 14, "color": [FUNNEL_TEXT[s] for s in steps]},
            marker={"color": [FUNNEL_COLORS[s] for s in steps]},
            connector={"fillcolor": "#F3F3F3", "line": {"width": 0}},
            hovertemplate="%{y}: %{text}<extra></extra>",
        )
    )
    fig.update_yaxes(automargin=True, tickfont={"size": 14})
    _layout(fig, 110 + 72 * max(len(funnel), 1))
    fig.update_layout(margin={"t": 20}, showlegend=False)
    return fig


def stage_bars(counts: pd.DataFrame, measure: str, lang: str) -> go.Figure:
    """Projects (or households, 万㎡) at each current stage (``housing.progress.stage_counts``), first stage on top,
    handed over in the done blue, the others grey; the value at the end of each bar."""
    values = measure_values(counts, measure)
    names = [stage_name(s, lang) if isinstance(s, str) else t("pg_stage_unknown", lang) for s in counts["stage_id"]]
    colors = [STATUS_COLORS["done"] if s == "handover" else "#999999" for s in counts["stage_id"]]
    fig = go.Figure()
    fig.add_bar(
        y=names,
        x=values,
        orientation="h",
        marker_color=colors,
        text=[measure_text(v, measure, lang) if v else "" for v in values],
        textposition="outside",
        cliponaxis=False,
        hovertemplate="%{y}: %{text}<extra></extra>",
    )
    fig.update_yaxes(type="category", categoryorder="array", categoryarray=names, autorange="reversed", automargin=True)
    fig.update_xaxes(
        title=t(MEASURE_KEYS[measure], lang),
        gridcolor="#EEEEEE",
        range=[0, max(float(values.max()) if len(values) else 0.0, 1) * 1.18],
    )
    return _layout(fig, bars_height(len(counts)))


def baseline_order(frame: pd.DataFrame) -> pd.DataFrame:
    """The projects with a baseline or current deadline, largest slip first, then by current deadline and name."""
    dated = frame[frame[["baseline", "deadline"]].notna().any(axis=1)]
    keys = dated.assign(_slip=dated["slip_days"].astype("Float64").fillna(float("-inf")))
    return keys.sort_values(["_slip", "deadline", "name"], ascending=[False, True, True], na_position="last").drop(
        columns="_slip"
    )


def _baseline_hover(frame: pd.DataFrame, lang: str) -> list[str]:
    # the labels looked up once, not once per project (every project in view has a hover text)
    statuses = {s: status_label(s, lang) for s in STATUSES}
    baseline, deadline = t("pg_baseline", lang), t("col_deadline", lang)
    return [
        f"<b>{plot_escape(n)}</b> · {plot_escape(d) if isinstance(d, str) else '—'}<br>"
        f"{statuses[s] if s in statuses else status_label(s, lang)}"
        f"<br>{baseline}: {fmt_date(b, lang) or '—'}"
        f"<br>{deadline}: {fmt_date(c, lang) or '—'}" + (f"<br>{moved_text(p, lang)}" if pd.notna(p) else "")
        for n, d, s, b, c, p in zip(
            frame["name"], frame["district"], frame["status"], frame["baseline"], frame["deadline"], frame["slip_days"]
        )
    ]


def moved_text(days, lang: str) -> str:
    """A deadline's move in words: ``推迟30天`` / ``提前5天`` / ``未变``; empty when unknown."""
    if days is None or pd.isna(days):
        return ""
    days = int(days)
    if days == 0:
        return t("pg_slip_none", lang)
    key = "pg_slip_later" if days > 0 else "pg_slip_earlier"
    return t(key, lang, days=days_text(abs(days), lang))


def baseline_timeline(frame: pd.DataFrame, as_of: dt.date, lang: str) -> go.Figure:
    """Every project's baseline deadline (○) against its current one (●, status colour), joined by a line (orange
    where it moved later), the move in days beside it; largest slip on top; the height grows with the rows."""
    rows = baseline_order(frame).reset_index(drop=True)
    y = list(range(len(rows)))
    fig = go.Figure()
    for moved, color, width, key in (
        (rows["slip_days"] > 0, SLIP_COLOR, 3, "pg_moved_later"),
        (rows["slip_days"] < 0, BASELINE_COLOR, 2, "pg_moved_earlier"),
    ):
        part = rows[moved.fillna(False).to_numpy(bool)]
        # baseline → deadline, then a gap (None), for each project: one line trace, built column-wise
        xs = [x for pair in zip(part["baseline"], part["deadline"], strict=True) for x in (*pair, None)]
        ys = [y for i in part.index for y in (i, i, None)]
        fig.add_scatter(
            x=xs,
            y=ys,
            mode="lines",
            line={"color": color, "width": width},
            name=t(key, lang),
            showlegend=bool(len(part)),
            hoverinfo="skip",
        )
    fig.add_scatter(
        x=rows["baseline"],
        y=y,
        mode="markers",
        name=t("pg_baseline", lang),
        marker={"symbol": "circle-open", "size": 14, "color": BASELINE_COLOR, "line": {"width": 2}},
        hovertext=_baseline_hover(rows, lang),
        hoverinfo="text",
    )
    for status in STATUSES:
        part = rows[(rows["status"] == status).fillna(False).to_numpy(bool)]
        fig.add_scatter(
            x=part["deadline"],
            y=part.index,
            mode="markers",
            name=status_label(status, lang),
            marker={"size": 9, "color": STATUS_COLORS[status]},
            showlegend=bool(len(part)),
            hovertext=_baseline_hover(part, lang),
            hoverinfo="text",
        )
    moved = rows[rows["slip_days"].fillna(0).to_numpy() != 0]
    fig.add_scatter(
        x=moved[["baseline", "deadline"]].max(axis=1),
        y=moved.index,
        # An invisible marker as wide as the dots pushes each label clear of the dot it sits beside.
        mode="markers+text",
        marker={"size": 16, "opacity": 0},
        text=[moved_text(d, lang) for d in moved["slip_days"]],
        textposition="middle right",
        textfont={"size": 12, "color": "#333333"},
        showlegend=False,
        hoverinfo="skip",
    )
    dates = pd.concat([rows["baseline"], rows["deadline"]])
    fig.update_yaxes(
        tickvals=y,
        ticktext=_labels(rows),
        range=[len(rows) - 0.5, -0.5],
        automargin=True,
        tickfont={"size": 12},
        showgrid=True,
        gridcolor="#F3F3F3",
        zeroline=False,
    )
    fig.update_xaxes(
        type="date",
        side="top",
        showline=True,
        gridcolor="#EEEEEE",
        range=_date_range(dates, as_of, right=0.1),
        tickformat=_dates_tick_format(dates, lang),
    )
    tall = _date_axes(fig, len(rows), pd.concat([dates, pd.Series([pd.Timestamp(as_of)])]))
    _as_of_line(fig, as_of, lang, inside=tall)
    height = 150 + ROW_PX * max(len(rows), 3)
    _layout(fig, height)
    fig.update_layout(margin={"t": 90, "b": 40}, legend={"y": 1 + 40 / (height - 130)})
    return fig


# --- the portfolio timeline at scale: households due per month, a row per district ---------------------------

SUMMARY_TOP = 7  # named rows of the month summary before the rest become one "others" row (8 rows in all)
SUMMARY_ROW_PX = 118  # one row of the month summary: bars, three y ticks and the row's title
SLIDE_ROW_PX = 84  # the same on a slide, whose dates are under the last row only
QUARTERS_ABOVE = 96  # months on the axis beyond which the summary counts quarters (bars stay wider than a line)
SUMMARY_STACK = STATUSES  # bottom to top: overdue at the foot of every bar, handed over on top


def summary_groups(projects: pd.DataFrame, column: str, lang: str, top: int = SUMMARY_TOP) -> tuple[pd.Series, str]:
    """Each project's row of the month summary: its ``column`` value when that is one of the ``top`` with the
    most projects (ties by name), else ``其他 N 个区县`` for the rest (every value when at most ``top + 1``);
    and the name of that last row (empty when there is none)."""
    values = projects[column].fillna(UNNAMED).astype(str)
    counts = values.value_counts()
    ranked = sorted(counts.index, key=lambda v: (-counts[v], v))
    if len(ranked) <= top + 1:
        return values, ""
    others = fmt_count(len(ranked) - top, OTHERS_KEYS.get(column, "count.others"), lang)
    return values.where(values.isin(ranked[:top]), others), others


def summary_period(deadlines: pd.Series) -> str:
    """``M`` (months) or ``Q`` (quarters, when the deadlines span more than ``QUARTERS_ABOVE`` months)."""
    known = pd.to_datetime(deadlines.dropna())
    if known.empty:
        return "M"
    months = (known.max().year - known.min().year) * 12 + known.max().month - known.min().month + 1
    return "Q" if months > QUARTERS_ABOVE else "M"


def summary_frame(projects: pd.DataFrame, column: str, lang: str, top: int = SUMMARY_TOP) -> pd.DataFrame:
    """Projects with a deadline counted per row (``summary_groups``), month (or quarter) of the deadline and
    status: ``group``, ``period`` (its first day), ``status``, ``projects``, ``households``; rows ordered as the
    chart draws them (most projects first, the others last)."""
    due = projects[projects["deadline"].notna()]
    if due.empty:
        return pd.DataFrame(columns=["group", "period", "status", "projects", "households"])
    period = summary_period(due["deadline"])
    groups, others = summary_groups(due, column, lang, top)
    frame = pd.DataFrame(
        {
            "group": groups,
            "period": pd.to_datetime(due["deadline"]).dt.to_period(period).dt.start_time,
            "status": due["status"],
            "households": pd.to_numeric(due["households"], errors="coerce").fillna(0).astype("int64"),
        }
    )
    counted = frame.groupby(["group", "period", "status"], observed=True).agg(
        projects=("households", "size"), households=("households", "sum")
    )
    counted = counted.reset_index()
    totals = counted.groupby("group")["projects"].sum()
    order = sorted(totals.index, key=lambda g: (g == others, -totals[g], g))
    counted["group"] = pd.Categorical(counted["group"], categories=order, ordered=True)
    return counted.sort_values(["group", "period", "status"], ignore_index=True)


def _projects_households(projects, households, lang: str) -> str:
    """ "12 个项目，3,456户" / "12 projects, 3,456 households": a summed bar part's hover line."""
    return t(
        "chart_summary_hover",
        lang,
        projects=fmt_count(int(projects), "count.projects", lang),
        households=fmt_int(int(households)),
    )


def _period_text(period: pd.Timestamp, quarters: bool, lang: str) -> str:
    """``2024年3月`` / ``2024-03``, or ``2024年第1季度`` / ``2024 Q1`` for a quarter."""
    if quarters:
        return t("chart_quarter", lang, year=period.year, quarter=(period.month - 1) // 3 + 1)
    return t("chart_month", lang, year=period.year, month=f"{period.month:02d}" if lang == "en" else period.month)


def timeline_summary(
    projects: pd.DataFrame,
    as_of: dt.date,
    lang: str,
    column: str = "district",
    top: int = SUMMARY_TOP,
    dates_every_row: bool = True,
    fixed_margins: bool = False,
) -> go.Figure:
    """The portfolio timeline a leader can read at any size: households due per month (or quarter) of the
    deadline, one row per district (or street) with the most projects and one for the rest, each bar stacked by
    status in the status colours (overdue at the foot), the as-of line across all rows; each row's title gives
    its projects and households, the hover the projects and households of a bar's part. Each row has its own
    household scale (its ticks say it), so the smaller districts stay visible. ``dates_every_row``: date labels
    under every row (a long page) or only under the last (a slide, where the rows sit close). ``fixed_margins``
    (a page, in the figure's own type size): the left margin is set here to fit the widest household tick rather
    than found by the browser (Plotly's ``automargin``), which redraws a chart of 16 axes until its margins settle
    and made this chart two to three times as slow to draw (bench/README.md, browser benchmark)."""
    frame = summary_frame(projects, column, lang, top)
    groups = list(frame["group"].cat.categories) if len(frame) else []
    quarters = summary_period(projects["deadline"]) == "Q"
    rows = max(len(groups), 1)
    titles = [
        plot_escape(g)
        + " · "
        + t(
            "chart_summary_row",
            lang,
            projects=fmt_count(int(part["projects"].sum()), "count.projects", lang),
            households=fmt_size(int(part["households"].sum()), lang),
        )
        for g, part in frame.groupby("group", observed=True, sort=True)
    ]
    fig = make_subplots(rows=rows, cols=1, shared_xaxes=True, vertical_spacing=0.5 / rows, subplot_titles=titles)
    for status in SUMMARY_STACK:
        for row, group in enumerate(groups, start=1):
            part = frame[(frame["group"] == group) & (frame["status"] == status)]
            fig.add_bar(
                x=part["period"],
                y=part["households"],
                xperiod="M3" if quarters else "M1",
                xperiodalignment="middle",
                marker_color=STATUS_COLORS[status],
                name=status_label(status, lang),
                legendgroup=status,
                showlegend=row == 1,
                hovertext=[
                    f"<b>{plot_escape(group)}</b> · {_period_text(p, quarters, lang)}<br>{status_label(status, lang)}: "
                    + _projects_households(n, h, lang)
                    for p, n, h in zip(part["period"], part["projects"], part["households"])
                ],
                hoverinfo="text",
                row=row,
                col=1,
            )
    for annotation in fig.layout.annotations:  # the row titles: left, above their row
        annotation.update(x=0, xanchor="left")
        annotation.font = {"color": "#222222"}  # the figure's type size: a slide draws it larger
    # Each row on its own scale: one shared with the largest would flatten the smaller districts to nothing.
    fig.update_yaxes(tickformat=",", nticks=4, gridcolor="#EEEEEE", rangemode="tozero")
    if not dates_every_row:  # a slide: rows a few type sizes tall, where 0, 2,000, 4,000, 6,000 ran into each other
        for row, tallest in enumerate(_tallest_bars(frame, groups), start=1):
            if tallest > 0:
                fig.update_yaxes(tickvals=[round_down(tallest)], row=row, col=1)
    fig.update_xaxes(
        type="date",
        gridcolor="#EEEEEE",
        showticklabels=dates_every_row,
        tickformat=template("chart_ticks_months", lang),
    )
    fig.update_xaxes(showticklabels=True, row=rows, col=1)
    fig.update_layout(barmode="stack", bargap=0.15)
    _as_of_line(fig, as_of, lang, below_px=22)
    height = 150 + (SUMMARY_ROW_PX if dates_every_row else SLIDE_ROW_PX) * rows  # a slide's page is wide
    _layout(fig, height)
    fig.update_layout(margin={"t": 70, "b": 70}, legend={"y": 1 + 34 / (height - 120), "traceorder": "normal"})
    if fixed_margins:
        fig.update_xaxes(automargin=False)
        fig.update_yaxes(automargin=False)
        fig.update_layout(margin={"l": tick_margin(frame)})
    return fig


# --- deadlines against their baseline at scale: projects per slip band, a bar per district -------------------------

# Left to right: the longest slips first (darkest), so every bar's slipped part starts at zero and compares across
# rows; then the unchanged, the earlier and the undated. Oranges only (the at-risk hue): red stays for overdue.
SLIP_BAND_STYLE: tuple[tuple[str, str], ...] = (
    ("later_more", "#8C3B00"),
    ("later_180", "#D55E00"),
    ("later_90", SLIP_COLOR),
    ("later_30", "#F9C08F"),
    ("unchanged", "#D9D9D9"),
    ("earlier", "#88CCEE"),
    ("unknown", "#F7F7F7"),
)


def slip_bars(summary: pd.DataFrame, column: str, lang: str, top: int | None = BARS_TOP) -> go.Figure:
    """How far deadlines moved, where: for each district (or street) of ``housing.progress.slip_summary``, its
    projects stacked by slip band (longest slip on the left, darkest), the projects later than their baseline
    and their share under its name; the ``top`` rows with the most slipped projects on top and one bar
    for the rest at the foot (``top_with_others``). The hover gives each part's projects and households."""
    counts = summary.drop(columns=["max_slip"], errors="ignore")
    folded = top_with_others(counts, column, lang, top, value="slipped")
    # plotly draws the first row at the bottom: the folded rest first, then the rows least to most slipped
    table = folded.sort_values([OTHERS_COLUMN, "slipped", column], ascending=[False, True, False], kind="stable")
    names = table[column].astype(str).map(plot_escape).tolist()
    rows = list(range(len(table)))  # positions, so two rows named alike stay two rows; the names are tick texts
    fig = go.Figure()
    for band, color in SLIP_BAND_STYLE:
        label = t(f"pg_band_{band}", lang)
        projects, households = table[f"projects_{band}"], table[f"households_{band}"]
        fig.add_bar(
            y=rows,
            x=projects,
            name=label,
            orientation="h",
            marker={"color": color, "line": {"color": "#BBBBBB", "width": 0.5 if band == "unknown" else 0}},
            hovertext=[
                f"<b>{n}</b><br>{label}: " + _projects_households(p, h, lang)
                for n, p, h in zip(names, projects, households)
            ],
            hoverinfo="text",
        )
    totals = table["projects"].astype(float)
    shares = [fmt_percent(s / n) if n else "—" for s, n in zip(table["slipped"], totals)]
    # the moved projects under each name, not after the bar: a phone's narrow chart would cut a text there
    ticks = [
        f"{n}<br><span style='font-size:11px;color:#555555'>"
        + t("pg_slip_bar_text", lang, count=fmt_int(int(s)), share=p)
        + "</span>"
        for n, s, p in zip(names, table["slipped"], shares)
    ]
    fig.update_layout(barmode="stack", legend_traceorder="normal")
    fig.update_yaxes(tickvals=rows, ticktext=ticks, automargin=True, range=[-0.5, max(len(table), 1) - 0.5])
    fig.update_xaxes(title=t("pg_measure_projects", lang), tickformat=",", gridcolor="#EEEEEE", rangemode="tozero")
    height = bars_height(len(table)) + 12 * len(table) + 40  # two-line names; the legend may wrap
    _layout(fig, height)
    fig.update_layout(margin={"t": 70})
    return fig


TICK_CHAR_PX, TICK_PAD_PX = 8, 12  # a digit or separator of the 13 px type, and the room beside the ticks


def round_down(value: float) -> int:
    """The largest 1, 2 or 5 times a power of ten not above ``value`` (at least 1): a slide row's one y tick,
    a round figure within the row's range (6,840 -> 5,000; 17,200 -> 10,000; 230 -> 200)."""
    if value < 1:
        return 1
    power = 10 ** int(math.floor(math.log10(value)))
    return max(step * power for step in (1, 2, 5) if step * power <= value)


def _tallest_bars(frame: pd.DataFrame, groups: list) -> list[int]:
    """Each row's tallest stacked bar (households of one month or quarter), in ``groups`` order."""
    if frame.empty:
        return [0 for _ in groups]
    tallest = (
        frame.groupby(["group", "period"], observed=True)["households"].sum().groupby(level=0, observed=True).max()
    )
    by_group = dict(zip(tallest.index.astype(str), tallest.tolist()))
    return [int(by_group.get(str(group), 0)) for group in groups]


def tick_margin(frame: pd.DataFrame) -> int:
    """The left margin (px) that holds the widest household tick of ``summary_frame``'s rows: a tick never
    exceeds a row's range, which Plotly pads about 5 % above its tallest stacked bar (10 % allowed here)."""
    tallest = int(frame.groupby(["group", "period"], observed=True)["households"].sum().max()) if len(frame) else 0
    return TICK_PAD_PX + TICK_CHAR_PX * len(fmt_int(int(tallest * 1.1)))
