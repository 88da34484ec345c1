"""The briefing drawn by Streamlit: one 16:9 slide for the projector, or every slide as cards for a phone.

Renderers only lay blocks out (``briefing.blocks``); they never compute a figure. Text blocks become HTML
(every text escaped), charts go through ``st.plotly_chart``.

Sizes are in units of the body type, ``u`` (CSS ``var(--u)``): 24 px on a 1920×1080 projector, scaled with
the smaller side of the window, so a slide that fits at 1080p fits the same at 1280×720 (16 px). A slide
whose content would not fit is split into continuation slides with the header repeated (``paginate``), by a
budget computed from the lengths of its texts; nothing is ever cut off or scrolled.
"""

from __future__ import annotations

import html
import math
import re
import unicodedata
from collections.abc import Callable, Iterator, Sequence
from dataclasses import replace
from pathlib import Path

import streamlit as st

from briefing import blocks as B
from briefing.split import balanced_runs, notes_after
from housing.i18n import t
from housing.statuses import STATUS_COLORS
from ui.escape import html_text

CSS = Path(__file__).with_name("slides.css")
# The slide's geometry in u (see the module docstring; slides.css draws with the same figures).
CANVAS_W, CANVAS_H = 80.0, 45.0
BAR_H = 3.5  # the controls under the slide
PAD_X, PAD_Y = 2.0, 1.2
HEAD_H = 4.6  # title (1.8 u type) and subtitle
FOOT_H = 1.6
SAFETY = 1.0  # kept free: font metrics differ a little between machines
LINE = 1.35  # body line height
GAP = 0.8  # between blocks
CELL_PAD_X, CELL_PAD_Y = 0.5, 0.3
CONTENT_W = CANVAS_W - 2 * PAD_X
CONTENT_H = CANVAS_H - BAR_H - 2 * PAD_Y - HEAD_H - FOOT_H - SAFETY
CHART_MIN_H = 14.0
COVER_H = 10.5  # the cover: its title sits lower (top padding) and is larger
NUMERIC = (B.COUNT, B.WAN_M2, B.DAYS)
# Latin text's average width per character, in em, with a margin: 0.47-0.51 measured in Noto Sans CJK
# (the slides' font) for English reasons, dates and figures; only a run of capitals is wider.
LATIN_EM = 0.56
_TOKENS = re.compile(r"\s+|[^\s\u2e80-\U0002ffff]+|.", re.DOTALL)  # runs of Latin; each CJK character alone


# --- measuring text ------------------------------------------------------------------------------------------


def char_em(char: str) -> float:
    """A character's width in em: 1 for the wide ones (CJK, fullwidth, and the ambiguous ■ ▲ ● that a CJK font
    draws wide), ``LATIN_EM`` for the rest."""
    return 1.0 if unicodedata.east_asian_width(char) in "WFA" else LATIN_EM


def text_em(text: str) -> float:
    """A text's width on one line, in em."""
    return sum(char_em(c) for c in text)


def line_count(text: str, width_em: float) -> int:
    """How many lines ``text`` takes in a box ``width_em`` wide, wrapping words as a browser does.

    In CJK text one em is kept free at the end of each line for punctuation that may not start a line.
    """
    slack = 1.0 if any(char_em(c) == 1.0 for c in text) else 0.3
    room = max(width_em - slack, 1.0)
    lines, used = 1, 0.0
    for token in _TOKENS.findall(" ".join(text.split())):
        width = text_em(token)
        if token.isspace():
            used += width if used else 0.0
        elif used + width <= room:
            used += width
        elif width <= room:
            lines, used = lines + 1, width
        else:  # a word longer than a line breaks anywhere (overflow-wrap: anywhere)
            extra = math.ceil((used + width) / room) - 1
            lines, used = lines + extra, (used + width) - extra * room
    return lines


def text_height(text: str, width_em: float, size: float = 1.0, line: float = LINE) -> float:
    """Height in u of ``text`` set at ``size`` u in a box ``width_em`` u wide."""
    return line_count(text, width_em / size) * line * size


# --- the height of each block kind ------------------------------------------------------------------------------


def column_widths(table: B.Table, total: float = CONTENT_W) -> list[float]:
    """Column widths in u: each as wide as its longest text, the widest capped so the table fits ``total``."""
    natural = [  # + 1 em: ``line_count`` keeps one free at the end of each line
        max([min(text_em(col.label) * 1.05, 6.0)] + [text_em(row[i].text) for row in table.rows]) + 2 * CELL_PAD_X + 1
        for i, col in enumerate(table.columns)
    ]
    if sum(natural) <= total:
        return [w * total / sum(natural) for w in natural]
    cap = _water_level(natural, total)
    return [min(w, cap) for w in natural]


def _water_level(widths: Sequence[float], total: float) -> float:
    """The cap c with sum(min(w, c)) == total: the widest columns share what the narrow ones leave."""
    left, rest = total, sorted(widths)
    while rest and rest[0] * len(rest) <= left:
        left -= rest.pop(0)
    return left / len(rest) if rest else max(widths)


def row_height(cells: Sequence[str], widths: Sequence[float], bold: bool = False) -> float:
    """A table row's height in u: its tallest cell."""
    scale = 1.05 if bold else 1.0
    lines = max(line_count(text, (w - 2 * CELL_PAD_X) / scale) for text, w in zip(cells, widths, strict=True))
    return lines * LINE + 2 * CELL_PAD_Y + 0.1


def table_heights(table: B.Table) -> tuple[float, list[float]]:
    """The header's height and each row's, in u."""
    widths = column_widths(table)
    head = row_height([c.label for c in table.columns], widths, bold=True)
    return head, [row_height([c.text for c in row], widths) for row in table.rows]


def table_height(table: B.Table) -> float:
    """A table's height in u (its empty-state sentence when it has no rows)."""
    if not table.rows:
        return text_height(table.empty, CONTENT_W)
    head, rows = table_heights(table)
    return head + sum(rows)


def _grid_columns(count: int) -> int:
    return 3 if count in (5, 6, 9) else min(max(count, 1), 4)


def headlines_height(block: B.Headlines) -> float:
    """Rows of figure tiles: label, figure (2.5 u), target."""
    cols = _grid_columns(len(block.items))
    width = (CONTENT_W - (cols - 1) * GAP) / cols - 1.6
    rows = [block.items[i : i + cols] for i in range(0, len(block.items), cols)]
    return sum(max(_tile_height(h, width) for h in row) + GAP for row in rows)


def _tile_height(item: B.Headline, width: float) -> float:
    figure = text_height(f"{item.value} {item.unit}", width, 2.5, 1.15)
    target = text_height(item.target, width) if item.target else 0.0
    return text_height(item.label, width) + figure + target + 1.4


def facts_height(block: B.Facts) -> float:
    """Label/value tiles, three to a row."""
    width = (CONTENT_W - 2 * GAP) / 3 - 1.2
    rows = [block.items[i : i + 3] for i in range(0, len(block.items), 3)]
    return sum(max(_fact_height(pair, width) for pair in row) + GAP for row in rows)


def _fact_height(pair: tuple[str, str], width: float) -> float:
    label, value = pair
    return text_height(label, width) + text_height(value, width, 1.3, 1.25) + 0.9


def reasons_height(block: B.Reasons) -> float:
    """A list, every reason in full."""
    return sum(_reason_height(r) for r in block.items)


def _reason_height(reason: str) -> float:
    return text_height(reason, CONTENT_W - 1.6) + 0.4


def note_height(block: B.Note) -> float:
    """A paragraph in a tinted box."""
    return text_height(block.text, CONTENT_W - 1.6) + 0.9


HEIGHTS: dict[type, Callable] = {
    B.Headlines: headlines_height,
    B.Table: table_height,
    B.Facts: facts_height,
    B.Reasons: reasons_height,
    B.Note: note_height,
    B.Chart: lambda block: CHART_MIN_H,
}


def block_height(block: B.Block) -> float:
    """The height in u a block needs on a slide (a chart: the least it is drawn at)."""
    return HEIGHTS[type(block)](block)


# --- continuation slides ----------------------------------------------------------------------------------------


def title_height(title: str, cover: bool = False) -> float:
    """What a title takes beyond the one line the head always has room for, in u."""
    size = 3.0 if cover else 1.8
    return (line_count(title, (CONTENT_W - 1.2) / size) - 1) * size * 1.25 + (COVER_H if cover else 0.0)


def paginate(slide: B.Slide, lang: str, cover: bool = False) -> list[B.Slide]:
    """``slide`` as one or more slides that each fit the body; later ones are titled "（续）" / "(continued)".

    Tables are split between rows (the header repeated), reasons between items; other blocks move whole.
    """
    title = t("pr_continued", lang, title=slide.title)
    room = CONTENT_H - max(title_height(slide.title, cover), title_height(title))
    pages: list[list[B.Block]] = [[]]
    left = room
    for index, block in enumerate(slide.blocks):
        tail = sum(block_height(n) + GAP for n in notes_after(slide.blocks, index))  # kept with a table's end
        for part in _parts(block, left, room, tail):
            height = block_height(part) + GAP
            if height > left and pages[-1]:
                pages.append([])
                left = room
            pages[-1].append(part)
            left -= height
    return [replace(slide, blocks=tuple(p), title=title if i else slide.title) for i, p in enumerate(pages)]


def _parts(block: B.Block, left: float, room: float, tail: float = 0.0) -> Iterator[B.Block]:
    """A table or list of reasons cut into pieces: the first fits ``left``, the others ``room`` each; a table's
    last piece leaves ``tail`` for the notes after it."""
    if isinstance(block, B.Table) and block.rows:
        head, heights = table_heights(block)
        first, further = left - head - GAP, room - head - GAP
        if heights[0] > first and left < room:
            first = further  # not one row fits below what the slide holds: the table starts on the next one
        # the rows shared out evenly over the slides they need (16 + 15, never 30 and then 1 on its own)
        for run in balanced_runs(heights, first, further, tail):
            yield replace(block, rows=block.rows[run.start : run.stop], statuses=block.statuses[run.start : run.stop])
    elif isinstance(block, B.Reasons):
        heights = [_reason_height(r) for r in block.items]
        for start, end in _spans(heights, left - GAP, room - GAP):
            yield replace(block, items=block.items[start:end])
    else:
        yield block


def _spans(heights: Sequence[float], first: float, room: float) -> Iterator[tuple[int, int]]:
    """Consecutive runs of items whose heights fit ``first``, then ``room`` each (at least one item a run;
    the first run may be empty, which means: start on a new slide)."""
    start, used, budget = 0, 0.0, first
    for i, height in enumerate(heights):
        if used + height > budget and (i > start or budget == first):
            if i > start:
                yield start, i
            start, used, budget = i, 0.0, room
        used += height
    yield start, len(heights)


# --- HTML ------------------------------------------------------------------------------------------------------


def esc(text: object) -> str:
    """User or data text as inert HTML text (never markup)."""
    return html.escape("" if text is None else str(text))


def _status_style(status: str | None) -> str:
    return f' style="--status:{STATUS_COLORS[status]}"' if status in STATUS_COLORS else ""


def headlines_html(block: B.Headlines) -> str:
    """Figure tiles; a status colours the tile's bar."""
    tiles = "".join(
        f'<div class="pr-tile"{_status_style(h.status)}><div class="pr-label">{esc(h.label)}</div>'
        f'<div class="pr-figure">{esc(h.value)}<span class="pr-unit">{esc(h.unit)}</span></div>'
        + (f'<div class="pr-target">{esc(h.target)}</div>' if h.target else "")
        + "</div>"
        for h in block.items
    )
    return f'<div class="pr-tiles" style="--cols:{_grid_columns(len(block.items))}">{tiles}</div>'


def table_html(block: B.Table) -> str:
    """A table with fixed column widths (the ones the budget was computed with); numbers right-aligned."""
    if not block.rows:
        return f'<p class="pr-empty">{esc(block.empty)}</p>'
    total = sum(widths := column_widths(block))
    cols = "".join(f'<col style="width:{w / total * 100:.3f}%">' for w in widths)
    aligned = ['class="pr-num"' if c.kind in NUMERIC else "" for c in block.columns]
    head = "".join(f"<th {a}>{esc(c.label)}</th>" for c, a in zip(block.columns, aligned, strict=True))
    statuses = list(block.statuses) + [None] * (len(block.rows) - len(block.statuses))
    body = "".join(
        f"<tr{_status_style(s)}>"
        + "".join(f"<td {a}>{html_text(c.text)}</td>" for c, a in zip(row, aligned, strict=True))
        for row, s in zip(block.rows, statuses, strict=True)
    )
    return (
        f'<table class="pr-table"><colgroup>{cols}</colgroup>'
        f"<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"
    )


def facts_html(block: B.Facts) -> str:
    """Label/value tiles."""
    items = "".join(
        f'<div class="pr-fact"><div class="pr-label">{esc(k)}</div><div class="pr-value">{esc(v)}</div></div>'
        for k, v in block.items
    )
    return f'<div class="pr-facts">{items}</div>'


def reasons_html(block: B.Reasons) -> str:
    """Every reason in full."""
    return '<ul class="pr-reasons">' + "".join(f"<li>{html_text(r)}</li>" for r in block.items) + "</ul>"


def note_html(block: B.Note) -> str:
    """A paragraph; a warning is tinted orange."""
    return f'<p class="pr-note pr-{esc(block.tone)}">{esc(block.text)}</p>'


HTML: dict[type, Callable] = {
    B.Headlines: headlines_html,
    B.Table: table_html,
    B.Facts: facts_html,
    B.Reasons: reasons_html,
    B.Note: note_html,
}


def runs(blocks: Sequence[B.Block]) -> list[str | B.Chart]:
    """Blocks as HTML strings (consecutive text blocks joined) and charts, in order."""
    out: list[str | B.Chart] = []
    for block in blocks:
        if isinstance(block, B.Chart):
            out.append(block)
        elif out and isinstance(out[-1], str):
            out[-1] += HTML[type(block)](block)
        else:
            out.append(HTML[type(block)](block))
    return out


def head_html(slide: B.Slide, cover: bool = False) -> str:
    """The slide's title (with its status's colour bar) and subtitle."""
    kind = "pr-head pr-cover" if cover else "pr-head"
    return (
        f'<header class="{kind}"{_status_style(slide.status)}><h1 class="pr-title">{esc(slide.title)}</h1>'
        f'<p class="pr-sub">{esc(slide.subtitle)}</p></header>'
    )


def chart_height(slide: B.Slide) -> float:
    """The height in u a slide's charts share: what its other blocks leave."""
    charts = [b for b in slide.blocks if isinstance(b, B.Chart)]
    others = sum(block_height(b) + GAP for b in slide.blocks if not isinstance(b, B.Chart))
    return max(CHART_MIN_H, (CONTENT_H + SAFETY - others) / max(len(charts), 1) - GAP)


# --- Streamlit ---------------------------------------------------------------------------------------------------


def style() -> None:
    """The slides' and cards' style sheet (also hides Streamlit's chrome: call it on presentation pages only)."""
    st.html(CSS)


def _figure(chart: B.Chart, font: int) -> dict:
    """The chart's figure at a type size for the screen it is drawn on (layout only; the data is untouched)."""
    figure = dict(chart.figure)
    layout = dict(figure.get("layout", {}))
    layout["font"] = {**layout.get("font", {}), "size": font}
    for name in [k for k in layout if k.startswith(("xaxis", "yaxis"))] or ["xaxis", "yaxis"]:
        layout[name] = {**layout.get(name, {}), "automargin": True}  # larger type needs room for the ticks
    legend = layout.get("legend", {})
    if legend.get("y", 0) > 1:  # placed above the plot for the figure's own height: pin it to the top instead
        layout["legend"] = {**legend, "yref": "container", "y": 1, "yanchor": "top"}
    layout.pop("height", None)
    layout["autosize"] = True
    figure["layout"] = layout
    return figure


def _chart(chart: B.Chart, key: str, font: int) -> None:
    with st.container(key=key):
        st.plotly_chart(
            _figure(chart, font),
            height="stretch",
            theme=None,
            config={"displayModeBar": False, "responsive": True},
            key=f"{key}_plot",
        )


def show_slide(slide: B.Slide, footer: str, cover: bool = False) -> None:
    """One slide (already paginated) in a keyed container ``pr_slide`` that slides.css sizes to the screen."""
    charts = chart_height(slide)
    with st.container(key="pr_slide", gap=None):
        st.html(head_html(slide, cover))
        for i, part in enumerate(runs(slide.blocks)):
            if isinstance(part, B.Chart):
                st.html(f"<style>.st-key-pr_chart_{i}{{height:calc({charts:.2f} * var(--u)) !important}}</style>")
                _chart(part, f"pr_chart_{i}", 16)
            else:
                st.html(f'<div class="pr-body">{part}</div>')
        st.html(f'<div class="pr-foot">{esc(footer)}</div>')


def card_html(slide: B.Slide) -> str:
    """A slide's text as a phone card: tables become one card per row, with every column and reason."""
    parts = [f'<h2 class="pr-card-title">{esc(slide.title)}</h2>']
    if slide.subtitle:
        parts.append(f'<p class="pr-sub">{esc(slide.subtitle)}</p>')
    return f'<article class="pr-card"{_status_style(slide.status)}>' + "".join(parts)


def row_cards_html(block: B.Table) -> str:
    """A table as cards: the first column is the card's title, the others label/value lines."""
    if not block.rows:
        return f'<p class="pr-empty">{esc(block.empty)}</p>'
    statuses = list(block.statuses) + [None] * (len(block.rows) - len(block.statuses))
    cards = []
    for row, status in zip(block.rows, statuses, strict=True):
        lines = "".join(
            f'<div class="pr-line"><span class="pr-label">{esc(c.label)}</span> {html_text(cell.text)}</div>'
            for c, cell in zip(block.columns[1:], row[1:], strict=True)
        )
        cards.append(f'<div class="pr-rowcard"{_status_style(status)}><b>{esc(row[0].text)}</b>{lines}</div>')
    return "".join(cards)


PHONE_HTML: dict[type, Callable] = {**HTML, B.Table: row_cards_html}


def phone_runs(slide: B.Slide, charts: bool = True) -> list[str | B.Chart]:
    """A slide as phone cards (HTML) and, with ``charts``, its charts between them, in order."""
    out: list[str | B.Chart] = [card_html(slide)]
    for block in slide.blocks:
        if isinstance(block, B.Chart):
            out += [block, '<article class="pr-card pr-more">'] if charts else []
        else:
            out[-1] = str(out[-1]) + PHONE_HTML[type(block)](block)
    if out[-1] == '<article class="pr-card pr-more">':  # nothing after the last chart
        out.pop()
    return [part if isinstance(part, B.Chart) else part + "</article>" for part in out]


# On a phone "which projects, and why" comes right after the headline figures, before the week's changes.
PHONE_ORDER = (B.TITLE, B.HEADLINE, B.RED, B.YELLOW)
# A red project's stage chart is too fine for a phone's width; its card has the dates and every reason.
PHONE_NO_CHARTS = (B.RED,)


def phone_slides(briefing: B.Briefing) -> list[tuple[B.Slide, bool]]:
    """The slides in the phone's order (title, figures, red and yellow projects, then the rest), each with
    whether its charts are drawn."""
    first = [s for key in PHONE_ORDER for s in briefing.sections if s.key == key]
    rest = [s for s in briefing.sections if s.key not in PHONE_ORDER]
    return [(slide, section.key not in PHONE_NO_CHARTS) for section in first + rest for slide in section.slides]


PHONE_LEGEND_PX = 90  # a phone wraps a chart's legend onto several lines above the plot


def _phone_chart(chart: B.Chart, key: str) -> None:
    """A chart on the phone at its own height (a timeline's rows keep their size and every name), not squeezed
    into the default plot height."""
    height = chart.height_px + PHONE_LEGEND_PX
    st.html(f"<style>.st-key-{key}{{height:{height}px !important;flex:none !important}}</style>")
    _chart(chart, key, 13)


def show_phone(briefing: B.Briefing) -> None:
    """The whole briefing as a vertical stream of cards (``pr_phone``; slides.css shows it on narrow screens)."""
    with st.container(key="pr_phone", gap=None):
        st.html(f'<p class="pr-phone-foot">{esc(briefing.footer)}</p>')
        for s, (slide, charts) in enumerate(phone_slides(briefing)):
            for i, part in enumerate(phone_runs(slide, charts)):
                if isinstance(part, B.Chart):
                    _phone_chart(part, f"pr_phone_chart_{s}_{i}")
                else:
                    st.html(part)


# --- the deck: slide number, controls, keys ----------------------------------------------------------------------

SLIDE_PARAM = "slide"
# Keys a keyboard or a presentation clicker sends (clickers send Page Down / Page Up, some the arrows).
KEYS_JS = """<script>
(() => {
  const steps = {ArrowRight: "next", ArrowDown: "next", PageDown: "next", " ": "next",
                 ArrowLeft: "prev", ArrowUp: "prev", PageUp: "prev"};
  if (window.__prKeys) document.removeEventListener("keydown", window.__prKeys, true);
  window.__prKeys = (event) => {
    let step = steps[event.key];
    if (!step || event.altKey || event.ctrlKey || event.metaKey) return;
    if (event.key === " " && event.shiftKey) step = "prev";
    const typing = event.target.closest && event.target.closest(
      "input, textarea, select, [contenteditable='true'], [data-baseweb='popover']");
    if (typing) return;
    const button = document.querySelector(`.st-key-pr_${step} button`);
    if (!button) return;  // not the presentation page: leave the key alone
    event.preventDefault();
    event.stopPropagation();
    if (!button.disabled) button.click();
  };
  document.addEventListener("keydown", window.__prKeys, true);
})();
</script>"""


def deck(briefing: B.Briefing) -> list[tuple[B.Slide, bool]]:
    """Every slide of the briefing as shown on the projector (continuations included); True: the cover."""
    return [
        (page, i == 0)
        for i, slide in enumerate(briefing.slides())
        for page in paginate(slide, briefing.lang, cover=i == 0)
    ]


@st.cache_resource(show_spinner=False, max_entries=16)
def _deck_kept(key: tuple, _briefing: B.Briefing) -> tuple[tuple[B.Slide, bool], ...]:
    # ``key`` names the briefing (``ui.data.briefing_key``); the briefing itself is not hashed. Slides are frozen
    # dataclasses: kept, not pickled, and shared by every viewer of the same briefing.
    return tuple(deck(_briefing))


def kept_deck(briefing: B.Briefing, key: tuple | None) -> Sequence[tuple[B.Slide, bool]]:
    """``deck(briefing)``, laid out once per ``key`` (what the briefing was built from): measuring every table
    row of a province's briefing to cut its slides took most of a second on every click of "next"."""
    return deck(briefing) if key is None else _deck_kept(key, briefing)


def slide_number(text: object, count: int) -> int:
    """The URL's slide number (1-based) within 1..count; anything else (missing, -1, abc, ²) is 1 or the end."""
    raw = str(text or "").strip()
    digits = raw.isascii() and raw.isdigit() and len(raw) <= 9
    return min(max(int(raw) if digits else 1, 1), max(count, 1))


def go_to(number: int) -> None:
    """Callback of the step buttons: the slide number lives in the URL, so a reload stays on the slide."""
    st.query_params[SLIDE_PARAM] = str(number)


def controls(number: int, count: int, lang: str, settings: Callable[[], None] | None = None) -> None:
    """Previous / next buttons, the counter ("3 / 12") and the presenter's settings, under the slide."""
    with st.container(key="pr_bar", horizontal=True, vertical_alignment="center"):
        st.button(
            t("pr_prev", lang),
            key="pr_prev",
            icon=":material/chevron_left:",
            disabled=number <= 1,
            on_click=go_to,
            args=(number - 1,),
        )
        st.html(f'<span class="pr-counter">{number} / {count}</span>', width="content")
        st.button(
            t("pr_next", lang),
            key="pr_next",
            icon=":material/chevron_right:",
            disabled=number >= count,
            on_click=go_to,
            args=(number + 1,),
        )
        if settings is not None:
            with st.popover(t("pr_settings", lang), icon=":material/tune:"):
                settings()


def show_deck(briefing: B.Briefing, settings: Callable[[], None] | None = None, key: tuple | None = None) -> int:
    """The presentation: the URL's slide, the controls and keys, and the phone's cards; returns the slide shown.

    ``key`` names the briefing (``ui.data.briefing_key``), so its slides are laid out once (``kept_deck``)."""
    style()
    slides = kept_deck(briefing, key)
    number = slide_number(st.query_params.get(SLIDE_PARAM), len(slides))
    st.query_params[SLIDE_PARAM] = str(number)  # a hostile or missing number is corrected in the URL too
    slide, cover = slides[number - 1]
    show_slide(slide, briefing.footer, cover)
    controls(number, len(slides), briefing.lang, settings)
    st.html(KEYS_JS, unsafe_allow_javascript=True)
    show_phone(briefing)
    return number
