"""The briefing as a PDF (A4 landscape): ``render_pdf(briefing) -> bytes``.

Lays the briefing's blocks out and computes nothing. Each briefing slide starts a new page; what does not
fit continues on the next page under the slide's title marked "continued", and a long table repeats its
header there. Every page carries the briefing's footer (region, as-of date, version) and "page n of N".

Library: fpdf2 (pure Python, maintained, LGPL, already a dependency). It embeds a subset of a TrueType
collection (Noto Sans CJK SC), so Chinese glyphs are in the file and the text stays selectable and
extractable; its ``table()`` wraps cells, splits long tables across pages and repeats the header. Charts are
the same kaleido PNGs as the deck (``briefing.images``). The font is looked up with fontconfig, then in the
usual install locations, or taken from ``BRIEFING_CJK_FONT``; if none is found the error says what to
install (Debian: ``fonts-noto-cjk``).
"""

from __future__ import annotations

import io
import os
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from fpdf import FPDF
from fpdf.enums import WrapMode, XPos, YPos
from fpdf.fonts import FontFace
from fpdf.util import Padding

from briefing import blocks as B
from briefing.images import briefing_charts, chart_pngs, png_size
from briefing.linebreak import wrap_lines
from briefing.measure import Grid, shortest_widths, text_width
from briefing.reproducible import author, stamp
from briefing.split import balanced_runs, notes_after
from housing.i18n import t
from housing.statuses import STATUS_COLORS

FAMILY = "NotoSansCJK"
SC_INDEX = 2  # Simplified Chinese face in Noto's .ttc collections (JP, KR, SC, TC, HK)
KNOWN_FONT_DIRS = (
    "/usr/share/fonts/opentype/noto",  # Debian, Ubuntu: fonts-noto-cjk
    "/usr/share/fonts/noto-cjk",  # Arch, Alpine
    "/usr/share/fonts/google-noto-cjk",  # Fedora
    "/usr/share/fonts/opentype/noto-cjk",
    "/opt/homebrew/share/fonts",
)
PAGE_W, PAGE_H = 297.0, 210.0  # mm, A4 landscape
MARGIN = 14.0
CONTENT_W = PAGE_W - 2 * MARGIN
FOOTER_H = 12.0
TITLE_PT, SUBTITLE_PT, BODY_PT, TABLE_PT, FOOTER_PT = 20, 12, 12, 9, 8
INK, MUTED, RULE, HEADER_FILL = "#1F2933", "#5F6B7A", "#C9D1DB", "#1F3A5F"
NUMERIC = (B.COUNT, B.WAN_M2, B.DAYS)
MM_PER_INCH = 25.4
TINT = 0.14


class FontMissing(RuntimeError):
    """Raised when no Noto Sans CJK font is installed (the message says what to install)."""


@dataclass(frozen=True)
class FontFile:
    """A TrueType collection and the index of its Simplified Chinese face."""

    path: str
    index: int


def _fc_match(style: str) -> FontFile | None:
    """Ask fontconfig for Noto Sans CJK SC; ``None`` if it is absent (fc-match always answers something)."""
    if not shutil.which("fc-match"):
        return None
    pattern = f"Noto Sans CJK SC:style={style}"
    try:
        out = subprocess.run(
            ["fc-match", "-f", "%{family}|%{file}|%{index}", pattern], capture_output=True, text=True, timeout=10
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return None
    family, _, rest = out.partition("|")
    path, _, index = rest.partition("|")
    if "Noto Sans CJK" not in family or not Path(path).is_file():
        return None
    return FontFile(path, int(index or 0))


def _known_path(style: str) -> FontFile | None:
    for folder in KNOWN_FONT_DIRS:
        path = Path(folder) / f"NotoSansCJK-{style}.ttc"
        if path.is_file():
            return FontFile(str(path), SC_INDEX)
    return None


def find_font(style: str, lang: str = "zh") -> FontFile:
    """The Noto Sans CJK SC font file for ``style`` (``Regular``/``Bold``): ``BRIEFING_CJK_FONT`` (a path,
    optionally ``:index``; used for both styles), fontconfig, then the usual install locations."""
    override = os.environ.get("BRIEFING_CJK_FONT", "")
    if override:
        path, _, index = override.partition(":")
        if Path(path).is_file():
            return FontFile(path, int(index or SC_INDEX))
    found = _fc_match(style) or _known_path(style)
    if found is None:
        raise FontMissing(t("deck_font_missing", lang))
    return found


def _hex(colour: str) -> str:
    return "#" + colour.lstrip("#").upper()


def _tint(hex_colour: str, share: float = TINT) -> str:
    rgb = [int(hex_colour.lstrip("#")[i : i + 2], 16) for i in (0, 2, 4)]
    return "#" + "".join(f"{round(255 - (255 - c) * share):02X}" for c in rgb)


class _Doc(FPDF):
    """An A4-landscape document whose header is the current slide's title and whose footer is the
    briefing's footer and the page number."""

    def __init__(self, briefing: B.Briefing) -> None:
        super().__init__(orientation="landscape", unit="mm", format="A4")
        self.briefing = briefing
        self.slide: B.Slide | None = None
        self.starting = False
        self._widths: dict[tuple, float] = {}
        self.set_margins(MARGIN, MARGIN, MARGIN)
        self.set_auto_page_break(True, margin=MARGIN + FOOTER_H)
        regular, bold = find_font("Regular", briefing.lang), find_font("Bold", briefing.lang)
        self.add_font(FAMILY, "", regular.path, collection_font_number=regular.index)
        self.add_font(FAMILY, "B", bold.path, collection_font_number=bold.index)
        self.set_font(FAMILY, size=BODY_PT)
        self.set_title(briefing.title)
        self.set_lang("zh-CN" if briefing.lang == "zh" else "en-US")
        self.set_creator("briefing.pdf")
        self.set_author(author(briefing))
        self.set_creation_date(stamp(briefing))  # the briefing's date, not the clock: the same briefing, the same file

    def multi_cell(self, w: float, h: float | None = None, text: str = "", *args: Any, **kwargs: Any) -> Any:
        """fpdf2's ``multi_cell`` (every paragraph and table cell goes through it), with Chinese text broken
        into lines by the typesetter's rules first (``briefing.linebreak``): left to itself, fpdf2 breaks
        wherever a line is full, starting lines with "、" and splitting figures."""
        if text and kwargs.get("wrapmode") == WrapMode.CHAR and not kwargs.get("markdown"):
            lines = wrap_lines(text, self._line_room(w, kwargs.get("padding", 0)), self._char_width)
            text = "\n".join(lines)
        return super().multi_cell(w, h, text, *args, **kwargs)

    def _line_room(self, w: float, padding: Any) -> float:
        """The width ``multi_cell`` fills with text (fpdf2: the cell less its padding, or its clearance margin
        on a side without padding), a hair less so that rounding never makes fpdf2 break a line again."""
        pad = Padding.new(padding)
        width = (w or self.w - self.r_margin - self.x) - pad.left - pad.right
        width -= (0 if pad.left else self.c_margin) + (0 if pad.right else self.c_margin)
        return width - 0.01

    def _char_width(self, char: str) -> float:
        key = (self.font_family, self.font_style, self.font_size_pt, char)
        if key not in self._widths:
            self._widths[key] = self.get_string_width(char)
        return self._widths[key]

    @property
    def wrap(self) -> WrapMode:
        # Chinese has no spaces between words: break anywhere. English: break between words.
        return WrapMode.CHAR if self.briefing.lang == "zh" else WrapMode.WORD

    def header(self) -> None:
        """The slide's title on every page of it (``continued`` after the first) and its subtitle."""
        slide = self.slide
        if slide is None or slide.key == B.TITLE:
            return
        title = slide.title if self.starting else t("deck_continued", self.briefing.lang, title=slide.title)
        self.starting = False
        colour = STATUS_COLORS.get(slide.status or "", INK)
        if slide.status:
            self.set_fill_color(_hex(colour))
            self.rect(MARGIN, MARGIN + 1, 1.6, 8, style="F")
        left = MARGIN + (3.5 if slide.status else 0)
        self.set_xy(left, MARGIN)
        self._text(title, TITLE_PT, bold=True, colour=colour, width=PAGE_W - MARGIN - left)
        if slide.subtitle:
            self.set_x(MARGIN)
            self._text(slide.subtitle, SUBTITLE_PT, colour=MUTED)
        self.ln(3)

    def footer(self) -> None:
        """The briefing's footer on the left, "page n of N" on the right."""
        self.set_y(-MARGIN - 4)
        self.set_font(FAMILY, size=FOOTER_PT)
        self.set_text_color(_hex(MUTED))
        page = t("deck_page", self.briefing.lang, page=self.page_no(), pages="{nb}")
        self.cell(CONTENT_W * 0.75, 5, self.briefing.footer, align="L")
        self.cell(CONTENT_W * 0.25, 5, page, align="R")

    def _text(
        self, text: str, size: float, bold: bool = False, colour: str = INK, width: float = 0, align: str = "L"
    ) -> None:
        """A wrapped paragraph at the cursor, full width unless ``width`` is given."""
        self.set_font(FAMILY, "B" if bold else "", size)
        self.set_text_color(_hex(colour))
        self.multi_cell(
            width or CONTENT_W,
            size * 0.5,
            text,
            align=align,
            wrapmode=self.wrap,
            new_x=XPos.LMARGIN,
            new_y=YPos.NEXT,
        )

    @property
    def room(self) -> float:
        """Height left above the footer on the current page, in mm."""
        return self.page_break_trigger - self.get_y()


def render_pdf(b: B.Briefing) -> bytes:
    """The briefing as an A4-landscape PDF: each slide from a new page, in the briefing's order."""
    doc = _Doc(b)
    charts = briefing_charts(b.slides())
    images = {id(c): png for c, png in zip(charts, chart_pngs(charts))}
    for slide in b.slides():
        _start_slide(doc, slide)
        for block in slide.blocks:
            _PLACERS[type(block)](doc, block, images)
    return bytes(doc.output())


def _start_slide(doc: _Doc, slide: B.Slide) -> None:
    doc.slide, doc.starting = slide, True
    doc.add_page()
    if slide.key == B.TITLE:
        _title_page(doc, slide)


def _title_page(doc: _Doc, slide: B.Slide) -> None:
    doc.set_y(PAGE_H * 0.32)
    doc._text(slide.title, 30, bold=True, colour=HEADER_FILL, align="C")
    doc.ln(6)
    if slide.subtitle:
        doc._text(slide.subtitle, 16, colour=MUTED, align="C")


def _ensure_room(doc: _Doc, height: float) -> None:
    """Start a continuation page when ``height`` mm do not fit below the cursor."""
    if height > doc.room:
        doc.add_page()


# --- blocks --------------------------------------------------------------------------------------------


def _note(doc: _Doc, block: B.Note, images: dict[int, bytes]) -> None:
    warning = block.tone == "warning"
    title_page = doc.slide is not None and doc.slide.key == B.TITLE
    size = 16 if title_page else BODY_PT
    colour = STATUS_COLORS["at_risk"] if warning else (MUTED if title_page else INK)
    doc._text(block.text, size, bold=warning, colour=colour, align="C" if title_page else "L")
    doc.ln(3)


CARD_H, CARD_GAP = 34.0, 5.0


def _headlines(doc: _Doc, block: B.Headlines, images: dict[int, bytes]) -> None:
    """Headline figures as cards, four to a row, the value in its status colour."""
    per_row = 4
    for start in range(0, len(block.items), per_row):
        row = block.items[start : start + per_row]
        _ensure_room(doc, CARD_H)
        width = (CONTENT_W - CARD_GAP * (len(row) - 1)) / len(row)
        top = doc.get_y()
        for i, item in enumerate(row):
            _card(doc, item, MARGIN + i * (width + CARD_GAP), top, width)
        doc.set_xy(MARGIN, top + CARD_H + CARD_GAP)


def _card(doc: _Doc, item: B.Headline, x: float, y: float, width: float) -> None:
    colour = STATUS_COLORS.get(item.status or "", HEADER_FILL)
    doc.set_fill_color(_tint(colour, 0.08))
    doc.set_draw_color(_hex(colour))
    doc.rect(x, y, width, CARD_H, style="DF")
    inner = width - 8
    doc.set_xy(x + 4, y + 3)
    doc._text(item.label, 11, colour=INK, width=inner)
    doc.set_xy(x + 4, doc.get_y() + 1)
    size = _value_size(item, inner)
    doc.set_font(FAMILY, "B", size)
    doc.set_text_color(_hex(colour))
    doc.cell(doc.get_string_width(item.value), size * 0.45, item.value)
    if item.unit:
        doc.set_font(FAMILY, "", 12)
        doc.cell(doc.get_string_width(f" {item.unit}"), size * 0.45, f" {item.unit}", align="L")
    if item.target:
        doc.set_xy(x + 4, doc.get_y() + size * 0.45 + 1)
        doc._text(item.target, 9, colour=MUTED, width=inner)


def _value_size(item: B.Headline, inner_mm: float) -> float:
    wanted = (text_width(item.value, 28) + text_width(f" {item.unit}", 12)) * MM_PER_INCH * 1.15
    return 28.0 if wanted <= inner_mm else max(16.0, 28.0 * inner_mm / wanted)


def _facts(doc: _Doc, block: B.Facts, images: dict[int, bytes]) -> None:
    """Label/value pairs in two columns."""
    half = (len(block.items) + 1) // 2
    columns = [block.items[:half], block.items[half:]]
    width = (CONTENT_W - 6) / 2
    _ensure_room(doc, half * 8)
    top, bottom = doc.get_y(), doc.get_y()
    for i, column in enumerate(columns):
        doc.set_y(top)
        for label, value in column:
            doc.set_x(MARGIN + i * (width + 6))
            _fact(doc, label, value, width)
        bottom = max(bottom, doc.get_y())
    doc.set_xy(MARGIN, bottom + 3)


def _fact(doc: _Doc, label: str, value: str, width: float) -> None:
    doc.set_font(FAMILY, "", BODY_PT)
    doc.set_text_color(_hex(MUTED))
    label = t("deck_fact_label", doc.briefing.lang, label=label)
    label_w = min(doc.get_string_width(label) + 1, width / 2)
    doc.cell(label_w, 7, label)
    doc.set_font(FAMILY, "B", BODY_PT)
    doc.set_text_color(_hex(INK))
    x = doc.get_x()
    doc.multi_cell(width - label_w, 7, value, wrapmode=doc.wrap, new_x=XPos.LEFT, new_y=YPos.NEXT)
    doc.set_x(x - label_w)


def _reasons(doc: _Doc, block: B.Reasons, images: dict[int, bytes]) -> None:
    """A heading and every reason in full, as a bulleted list (pages break between lines if needed)."""
    _ensure_room(doc, 20)
    doc._text(t("deck_reasons", doc.briefing.lang), BODY_PT + 1, bold=True)
    doc.ln(1)
    for item in block.items:
        doc.set_x(MARGIN)
        doc.set_font(FAMILY, "", BODY_PT)
        doc.set_text_color(_hex(INK))
        doc.cell(5, BODY_PT * 0.5, "•")
        doc.multi_cell(CONTENT_W - 5, BODY_PT * 0.5, item, wrapmode=doc.wrap, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        doc.ln(1.5)
    doc.ln(2)


def _chart(doc: _Doc, block: B.Chart, images: dict[int, bytes]) -> None:
    """The chart's image as wide as the page allows, on a new page if less than a third of a page is left."""
    png = images[id(block)]
    width_px, height_px = png_size(png)
    full = PAGE_H - 2 * MARGIN - FOOTER_H - 16  # below a title
    height = min(CONTENT_W * height_px / width_px, full)
    _ensure_room(doc, min(height, full / 3))  # shrink it to stay with its project rather than break the page
    height = min(height, doc.room - 2)
    width = height * width_px / height_px
    doc.image(io.BytesIO(png), x=MARGIN + (CONTENT_W - width) / 2, y=doc.get_y(), w=width, h=height, alt_text=block.alt)
    doc.set_xy(MARGIN, doc.get_y() + height + 3)


TABLE_PAD = 1.5  # mm around a table cell's text
TABLE_SLACK = 1.0  # mm a run of rows leaves spare: fpdf2 must never break a page inside a planned run


def _table(doc: _Doc, block: B.Table, images: dict[int, bytes]) -> None:
    """A table with the header repeated on every page it runs over; rows tinted by status. The rows are shared
    out evenly over the pages they need (``briefing.split``: 16 + 15 rows, never 30 and then 1)."""
    if not block.rows:
        _note(doc, B.Note(block.empty or t("deck_table_empty", doc.briefing.lang)), images)
        return
    _ensure_room(doc, 25)
    widths = _column_widths(block)
    cells = [CONTENT_W * w / sum(widths) for w in widths]  # mm, as fpdf2 shares the table's width out
    header = _row_height(doc, [c.label for c in block.columns], cells, bold=True)
    heights = [_row_height(doc, [cell.text for cell in row], cells) for row in block.rows]
    further = doc.page_break_trigger - _content_top(doc, continued=True) - header - TABLE_SLACK
    start = 0
    while start < len(block.rows):
        _ensure_room(doc, header + heights[start] + TABLE_SLACK)
        run = balanced_runs(heights[start:], doc.room - header - TABLE_SLACK, further, _notes_following(doc, block))[0]
        _table_rows(doc, block, widths, range(start, start + len(run)))
        start += len(run)
        if start < len(block.rows):
            doc.add_page()
    doc.ln(4)


def _table_rows(doc: _Doc, block: B.Table, widths: tuple[float, ...], rows: range) -> None:
    """The header and ``rows`` of ``block`` as one fpdf2 table at the cursor."""
    doc.set_draw_color(RULE)
    doc.set_font(FAMILY, "", TABLE_PT)
    doc.set_text_color(_hex(INK))
    heading = FontFace(emphasis="BOLD", color="#FFFFFF", fill_color=HEADER_FILL)
    aligns = ["RIGHT" if c.kind in NUMERIC else "LEFT" for c in block.columns]
    with doc.table(
        col_widths=widths,
        width=CONTENT_W,
        align="LEFT",
        text_align=aligns,
        headings_style=heading,
        repeat_headings=1,
        line_height=TABLE_PT * 0.5,
        wrapmode=doc.wrap,
        padding=TABLE_PAD,
        borders_layout="HORIZONTAL_LINES",
    ) as table:
        table.row([c.label for c in block.columns])
        for i in rows:
            status = block.statuses[i] if i < len(block.statuses) else None
            fill = _tint(STATUS_COLORS[status]) if status in STATUS_COLORS else None
            table.row([cell.text for cell in block.rows[i]], style=FontFace(fill_color=fill))


def _row_height(doc: _Doc, texts: list[str], widths: list[float], bold: bool = False) -> float:
    """A table row's height in mm as fpdf2 lays it out: its tallest cell, wrapped in its column's width."""
    doc.set_font(FAMILY, "B" if bold else "", TABLE_PT)
    line = TABLE_PT * 0.5
    tallest = max(
        doc.multi_cell(
            w, line, text, max_line_height=line, wrapmode=doc.wrap, padding=TABLE_PAD, dry_run=True, output="HEIGHT"
        )
        for text, w in zip(texts, widths)
    )
    return max(tallest, line)


def _notes_following(doc: _Doc, block: B.Block) -> float:
    """The height (mm) of the notes right after ``block`` on the current slide (the count of rows a table
    leaves out): the table's last page keeps room for them, so they never stand on a page of their own."""
    if doc.slide is None or block not in doc.slide.blocks:
        return 0.0
    notes = notes_after(doc.slide.blocks, doc.slide.blocks.index(block))
    heights = [_text_height(doc, n.text, BODY_PT, CONTENT_W, bold=n.tone == "warning") + 3 for n in notes]
    return 4.0 + sum(heights) if notes else 0.0  # 4: the table's own space below it


def _content_top(doc: _Doc, continued: bool) -> float:
    """Where a page of the current slide's content starts (mm): below its title and subtitle (``_Doc.header``)."""
    slide = doc.slide
    if slide is None:
        return MARGIN
    title = t("deck_continued", doc.briefing.lang, title=slide.title) if continued else slide.title
    left = MARGIN + (3.5 if slide.status else 0)
    top = MARGIN + _text_height(doc, title, TITLE_PT, PAGE_W - MARGIN - left, bold=True)
    if slide.subtitle:
        top += _text_height(doc, slide.subtitle, SUBTITLE_PT, CONTENT_W)
    return top + 3


def _text_height(doc: _Doc, text: str, size: float, width: float, bold: bool = False) -> float:
    """The height ``_Doc._text`` gives ``text`` (mm)."""
    doc.set_font(FAMILY, "B" if bold else "", size)
    return doc.multi_cell(width, size * 0.5, text, wrapmode=doc.wrap, dry_run=True, output="HEIGHT")


def _column_widths(block: B.Table) -> tuple[float, ...]:
    """Short columns as wide as their text, the rest of the width where it saves most height."""
    rows = [[c.label for c in block.columns]] + [[cell.text for cell in row] for row in block.rows]
    return tuple(
        shortest_widths(Grid(rows, TABLE_PT, 0.15, [c.kind != B.TEXT for c in block.columns]), CONTENT_W / MM_PER_INCH)
    )


_PLACERS: dict[type, Any] = {
    B.Headlines: _headlines,
    B.Table: _table,
    B.Chart: _chart,
    B.Note: _note,
    B.Facts: _facts,
    B.Reasons: _reasons,
}
