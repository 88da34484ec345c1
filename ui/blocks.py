"""Briefing blocks drawn on the dashboard pages, so a page's figures and the briefing's have one source.

The pages build their headline figures, risk list, week counts and district table with the briefing's block
functions (``briefing.build``) and draw them here: ``show_headlines`` as metrics (two per row on a phone),
``table_frame`` / ``table_columns`` as a data frame, ``risk_cards`` as readable cards for a phone. ``PHONE_CSS``
switches between the table and the cards by screen width, so nothing scrolls sideways at 390 px.
"""

from __future__ import annotations

import html
import re

import pandas as pd
import streamlit as st

from briefing import blocks as B
from housing.status import STATUS_COLORS
from ui.escape import html_text
from ui.tables import COUNT_FORMAT, WAN_FORMAT

PHONE_PX = 640  # below this width Streamlit stacks columns: the phone layout takes over
HEADLINES_KEY, CARDS_KEY, TABLE_KEY = "headlines", "risk_cards", "risk_table"
REASON_SEPARATORS = re.compile("；|; ")  # ``briefing.build.joined``: one list item per reason on a card

# Headline columns wrap two to a row, the risk table gives way to cards, chart toolbars stay off the legends.
PHONE_CSS = f"""
<style>
.st-key-{CARDS_KEY} {{ display: none; }}
/* A figure's label wraps onto a second line rather than ending in an ellipsis (on a phone, two a row). */
[data-testid="stMetricLabel"], [data-testid="stMetricLabel"] * {{ white-space: normal !important;
  overflow: visible !important; text-overflow: clip !important; }}
.bf-cards {{ display: flex; flex-direction: column; gap: 0.6rem; }}
.bf-card {{ border: 1px solid #DDDDDD; border-left: 6px solid var(--bf-status); border-radius: 6px;
  padding: 0.5rem 0.75rem; overflow-wrap: anywhere; }}
.bf-card h4 {{ margin: 0 0 0.15rem 0; padding: 0; font-size: 1.05rem; line-height: 1.35; }}
.bf-card .bf-status {{ display: inline-block; background: var(--bf-status); color: white; border-radius: 4px;
  padding: 0 0.45rem; font-size: 0.85rem; margin-right: 0.35rem; }}
.bf-card .bf-meta {{ color: #444444; font-size: 0.9rem; margin: 0.1rem 0 0.3rem 0; }}
.bf-card ul {{ margin: 0; padding-left: 1.1rem; }}
.bf-card li {{ font-size: 0.92rem; line-height: 1.45; white-space: normal; }}
/* A figure never ends in an ellipsis: a long one (1,333.78万) wraps rather than being cut. */
[data-testid="stMetricValue"], [data-testid="stMetricValue"] *, [data-testid="stMetricDelta"],
[data-testid="stMetricDelta"] * {{ white-space: normal !important; overflow: visible !important;
  text-overflow: clip !important; overflow-wrap: anywhere; }}
.bf-narrow {{ display: none; }}  /* a list's cards: shown instead of its table (.bf-wide) on a phone */
.bf-scroll {{ overflow-x: auto; }}  /* a wide table scrolls sideways on a phone rather than squeezing */
.bf-table {{ width: 100%; border-collapse: collapse; font-size: 0.9rem; line-height: 1.45; }}
.bf-table th {{ text-align: left; font-weight: 600; color: #333333; background: #F5F5F5; vertical-align: bottom;
  border-bottom: 2px solid #DDDDDD; padding: 0.35rem 0.5rem; white-space: normal; word-break: keep-all; }}
.bf-table td {{ border-bottom: 1px solid #EEEEEE; padding: 0.35rem 0.5rem; vertical-align: top;
  white-space: normal; overflow-wrap: anywhere; }}
.bf-table td.bf-num {{ text-align: right; white-space: nowrap; }}
.bf-table th.bf-num {{ text-align: right; }}  /* a long English header wraps between words, a Chinese one not */
.bf-table td:first-child {{ min-width: 4.5rem; }}  /* a row's name (a district) is not broken after each character */
.bf-table td.bf-date {{ white-space: nowrap; }}
.bf-table td.bf-status-cell {{ color: white; white-space: nowrap; font-weight: 600; }}
/* Smallest widths that keep a projector's 820 px column (1280×720, sidebar open) wide enough for the whole risk
   table; a wider screen gives the reasons the rest. */
.bf-table td.bf-reasons {{ min-width: 13rem; }}
.bf-table td.bf-col-name {{ min-width: 6.5rem; }}
.bf-table td.bf-col-district, .bf-table td.bf-col-stage {{ min-width: 5rem; }}
.bf-table td.bf-col-message {{ min-width: 14rem; }}
.bf-table td.bf-col-before, .bf-table td.bf-col-after {{ min-width: 5.5rem; overflow-wrap: normal;
  word-break: keep-all; }}
@media (max-width: {PHONE_PX}px) {{
  [class*="st-key-{HEADLINES_KEY}"] [data-testid="stHorizontalBlock"] {{ flex-wrap: wrap !important;
    gap: 0.5rem 1rem; }}
  [class*="st-key-{HEADLINES_KEY}"] [data-testid="stColumn"] {{ flex: 1 1 calc(50% - 0.5rem) !important;
    width: calc(50% - 0.5rem) !important; min-width: calc(50% - 0.5rem) !important; }}
  [class*="st-key-{HEADLINES_KEY}"] [data-testid="stMetricValue"] {{ font-size: 1.5rem; }}
  [data-testid="stMain"] h1 {{ font-size: 1.9rem; }}
  .st-key-{CARDS_KEY} {{ display: block; }}
  .st-key-{TABLE_KEY} {{ display: none; }}
  .bf-narrow {{ display: block; }}
  .bf-wide {{ display: none; }}
  .modebar-container, [data-testid="stElementToolbar"] {{ display: none !important; }}
}}
</style>
"""


def phone_layout() -> None:
    """Add the phone layout's styles to the page (once per page run)."""
    st.html(PHONE_CSS)


WIDE_VALUE_CHARS = 7  # a headline value longer than this (1,333.78万, 166,740.41) needs a wider column


def headlines_per_row(block: B.Headlines) -> int:
    """All the figures in one row while their values are short (``67,650``); half a row each once one is long
    (a province's ``1,333.78万``), so every value has the room to show in full."""
    items = len(block.items)
    longest = max((len(item.value) for item in block.items), default=0)
    return items if longest <= WIDE_VALUE_CHARS else max((items + 1) // 2, 1)


def show_headlines(
    block: B.Headlines,
    per_row: int | None = None,
    helps: dict[str, str] | None = None,
    target_as_help=(),
    key: str = HEADLINES_KEY,
) -> None:
    """Headline figures as metrics, ``per_row`` to a row (default: ``headlines_per_row``); the target sentence under the
    value (or, for keys in ``target_as_help``, in the tooltip); two to a row on a phone. ``key`` names the
    container (one per page and key; it starts with ``headlines`` so the phone styles find it)."""
    helps = helps or {}
    items = list(block.items)
    per_row = per_row or headlines_per_row(block)
    with st.container(key=key):
        for start in range(0, len(items), per_row):
            row = items[start : start + per_row]
            for col, item in zip(st.columns(per_row), row):
                in_help = item.key in target_as_help
                col.metric(
                    item.label,
                    item.value,
                    None if in_help else (item.target or None),
                    delta_color="off",
                    delta_arrow="off",
                    help=item.target if in_help else helps.get(item.key),
                )


def _shown(cell: B.Cell, kind: str):
    """What a data frame cell holds: numbers as numbers (sortable, formatted by the column), the rest as text."""
    if kind in (B.COUNT, B.DAYS):
        return cell.value
    if kind == B.WAN_M2:
        return None if cell.value is None else round(float(cell.value) / 10_000, 2)
    return cell.text


def table_frame(block: B.Table) -> pd.DataFrame:
    """A table block as a data frame headed in the block's language."""
    data = {column.label: [_shown(row[i], column.kind) for row in block.rows] for i, column in enumerate(block.columns)}
    frame = pd.DataFrame(data, columns=[c.label for c in block.columns])
    for column in block.columns:
        if column.kind in (B.COUNT, B.DAYS):
            frame[column.label] = frame[column.label].astype("Int64")
    return frame


def table_columns(block: B.Table) -> dict:
    """Column formats: thousands separators for counts, two decimals for 万㎡, room for the reasons."""
    config: dict = {}
    for column in block.columns:
        if column.kind in (B.COUNT, B.DAYS):
            config[column.label] = st.column_config.NumberColumn(format=COUNT_FORMAT)
        elif column.kind == B.WAN_M2:
            config[column.label] = st.column_config.NumberColumn(format=WAN_FORMAT)
        elif column.key == "reasons":
            config[column.label] = st.column_config.TextColumn(width="large")
    return config


def _card(row: tuple[B.Cell, ...], keys: list[str], status: str | None) -> str:
    """One project as an HTML card; every text is escaped (workbook text never becomes markup)."""
    cell = dict(zip(keys, row))

    def text(key: str) -> str:
        return html.escape(cell[key].text) if key in cell else ""

    def whole(key: str) -> str:  # a labelled figure or date on one line: 2022年7月8 / 日 is not broken on a phone
        return f'<span style="white-space:nowrap">{text(key)}</span>' if text(key) else ""

    meta = " · ".join(x for x in (text("district"), whole("households"), whole("deadline"), text("stage")) if x)
    reasons = [r for r in REASON_SEPARATORS.split(cell["reasons"].text) if r.strip()] if "reasons" in cell else []
    items = "".join(f"<li>{html_text(r)}</li>" for r in reasons)
    color = STATUS_COLORS.get(status or "", "#777777")
    return (
        f'<div class="bf-card" style="--bf-status:{color}"><h4><span class="bf-status">{text("status")}</span>'
        f'{text("name")}</h4><div class="bf-meta">{meta}</div><ul>{items}</ul></div>'
    )


def risk_cards(block: B.Table, labels: dict[str, str]) -> str:
    """The flagged projects as cards (name, status, district, households, deadline, every reason), for a phone.

    ``labels`` prefix the households and deadline (``安置户数``, ``计划交付日期``)."""
    keys = [c.key for c in block.columns]
    rows = [_labelled(row, keys, labels) for row in block.rows]
    statuses = list(block.statuses) or [None] * len(rows)
    return '<div class="bf-cards">' + "".join(_card(r, keys, s) for r, s in zip(rows, statuses)) + "</div>"


def _labelled(row: tuple[B.Cell, ...], keys: list[str], labels: dict[str, str]) -> tuple[B.Cell, ...]:
    """Labelled figures (``安置户数 231``); a figure the workbook left blank is left off the card."""
    return tuple(B.Cell(c.value, _labelled_text(labels.get(k), c)) for k, c in zip(keys, row))


def _labelled_text(label: str | None, cell: B.Cell) -> str:
    if label is None:
        return cell.text
    return f"{label} {cell.text}" if cell.value is not None else ""


# Column kinds drawn right-aligned (figures) or kept on one line (dates) in ``html_table``.
NUMBER_KINDS, DATE_KINDS = (B.COUNT, B.DAYS, B.WAN_M2), (B.DATE,)


def _cell_html(cell: B.Cell, column: B.Column, status: str | None, link: str | None) -> str:
    """One table cell as HTML: the text escaped, the status filled with its colour, a name linked."""
    # A date within a text (a reason) stays on one line; a date column is kept whole by its class.
    text = html.escape(cell.text) if column.kind in DATE_KINDS else html_text(cell.text)
    if column.kind == B.STATUS:
        color = STATUS_COLORS.get(status or "", "#777777")
        return f'<td class="bf-status-cell" style="background:{color}">{text}</td>'
    if link is not None:
        text = f'<a href="{html.escape(link, quote=True)}" target="_self">{text}</a>'
    kind = "bf-num" if column.kind in NUMBER_KINDS else "bf-date" if column.kind in DATE_KINDS else ""
    kind = "bf-reasons" if column.key == "reasons" else kind or f"bf-col-{column.key}"
    return f'<td class="{html.escape(kind, quote=True)}">{text}</td>'


def html_table(block: B.Table, links: dict[str, list[str]] | None = None) -> str:
    """A table block as an HTML table: every cell's text in full and escaped (workbook text never becomes
    markup), wrapping rather than cut, the status cells in the status colours, and the cells of the columns in
    ``links`` (column key -> one relative URL per row) as links. No cell limit: it is as long as the block,
    so the page gives it one page of rows at a time."""
    links = links or {}
    statuses = list(block.statuses) or [None] * len(block.rows)
    head = "".join(
        f'<th class="bf-num">{html.escape(c.label)}</th>'
        if c.kind in NUMBER_KINDS
        else f"<th>{html.escape(c.label)}</th>"
        for c in block.columns
    )  # a figure's heading stands over its right-aligned figures
    body = "".join(
        "<tr>"
        + "".join(
            _cell_html(cell, column, status, links[column.key][i] if column.key in links else None)
            for cell, column in zip(row, block.columns)
        )
        + "</tr>"
        for i, (row, status) in enumerate(zip(block.rows, statuses))
    )
    table = f'<table class="bf-table" data-block="{html.escape(block.key, quote=True)}">'
    return f"{table}<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


LIST_KEYS = ("reasons",)  # columns a card shows as a list, one item per sentence, rather than in its facts line


def _fact(column: B.Column, cell: B.Cell) -> str:
    """ "label value" on a card: a figure or date kept on one line with its label (Chinese would break between any
    two characters, 安置户 / 数), workbook text free to wrap (a long name must not run off a phone's screen)."""
    label, text = html.escape(column.label), html.escape(cell.text)
    if column.kind in NUMBER_KINDS + DATE_KINDS:
        return f'<span style="white-space:nowrap">{label} {text}</span>'
    return f"{label}&nbsp;{text}"


def block_cards(block: B.Table, links: dict[str, list[str]] | None = None, title: str = "name") -> str:
    """Any table block as cards for a phone (the paged lists' other face): the status chip and the ``title``
    column (linked where ``links`` gives one), then every other figure as "label value" on one line, and the
    reasons as a list. Blank cells are left off; every text is escaped."""
    links = links or {}
    statuses = list(block.statuses) or [None] * len(block.rows)
    cards = []
    for i, (row, status) in enumerate(zip(block.rows, statuses)):
        cells = dict(zip((c.key for c in block.columns), row))
        name = html.escape(cells[title].text) if title in cells else ""
        if title in links:
            name = f'<a href="{html.escape(links[title][i], quote=True)}" target="_self">{name}</a>'
        chips = (html.escape(cells[c.key].text) for c in block.columns if c.kind == B.STATUS)
        chip = "".join(f'<span class="bf-status">{text}</span>' for text in chips)
        facts = " · ".join(
            _fact(c, cells[c.key])
            for c in block.columns
            if c.kind != B.STATUS and c.key != title and c.key not in LIST_KEYS and cells[c.key].value not in (None, "")
        )
        items = "".join(
            f"<li>{html_text(r)}</li>"
            for c in block.columns
            if c.key in LIST_KEYS
            for r in REASON_SEPARATORS.split(cells[c.key].text)
            if r.strip()
        )
        color = STATUS_COLORS.get(status or "", "#777777")
        cards.append(
            f'<div class="bf-card" style="--bf-status:{color}"><h4>{chip}{name}</h4>'
            f'<div class="bf-meta">{facts}</div>' + (f"<ul>{items}</ul>" if items else "") + "</div>"
        )
    return '<div class="bf-cards">' + "".join(cards) + "</div>"


def table_and_cards(css_class: str, block: B.Table, title: str = "name") -> str:
    """A page of a list as HTML inside ``<div class=css_class>``: a table on a desk, cards headed by the ``title``
    column on a phone (``PHONE_CSS`` shows one of the two); every text in full and escaped, wrapping, never cut."""
    return (
        f'<div class="{html.escape(css_class, quote=True)}"><div class="bf-wide">{html_table(block)}</div>'
        f'<div class="bf-narrow">{block_cards(block, title=title)}</div></div>'
    )
