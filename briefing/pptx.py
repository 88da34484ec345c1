"""The briefing as a PowerPoint deck (16:9): ``render_pptx(briefing) -> bytes``.

Lays the briefing's blocks out and computes nothing: every text comes from the blocks. One briefing slide
becomes one deck slide, or several when its blocks do not fit (a long table continues on the next slide
with its header repeated; the title says "continued"). Titles are real title placeholders (the outline
view and screen readers see them), tables are native tables (editable in PowerPoint and WPS), charts are
PNG images drawn by ``briefing.images``, speaker notes carry the slide's notes, and every slide has the
briefing's footer (region, as-of date, version) and its number.

Fonts: python-pptx sets only the Latin typeface of a run; PowerPoint and WPS pick the East Asian face from
``a:ea``, so every run gets both (``_set_fonts``). One face is named for every run, Microsoft YaHei: it is
installed on every Windows since Vista, where PowerPoint and WPS run in district offices, and it has both
CJK and Latin glyphs, so a run never mixes two faces; a run's typeface can name only one face (no fallback
list), and LibreOffice on Linux substitutes it through fontconfig (Noto Sans CJK from fonts-noto-cjk).
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from pptx import Presentation
from pptx.dml.color import RGBColor
from pptx.enum.text import MSO_ANCHOR, PP_ALIGN
from pptx.oxml.ns import qn
from pptx.oxml.xmlchemy import OxmlElement
from pptx.util import Emu, Pt

from briefing import blocks as B
from briefing.images import briefing_charts, chart_pngs, png_size
from briefing.measure import LINE_SPACING, POINTS_PER_INCH, Grid, shortest_widths, text_height, text_width
from briefing.reproducible import author, fixed_zip, stamp
from briefing.split import balanced_runs, notes_after
from housing.i18n import t
from housing.statuses import STATUS_COLORS

FACE = "Microsoft YaHei"
SLIDE_W, SLIDE_H = 13.333, 7.5  # inches, 16:9
MARGIN = 0.5
CONTENT_W = SLIDE_W - 2 * MARGIN
TEXT_COLUMN_W = 6.4  # a project slide's reasons; its chart takes the rest of the width
TEXT_COLUMN_WIDTHS = (TEXT_COLUMN_W, 7.2, 8.0)  # wider when the reasons need it (the chart gets smaller)
TITLE_TOP, TITLE_H = 0.3, 0.8
SUBTITLE_H = 0.45
BODY_BOTTOM = 6.85  # the footer sits below
FOOTER_TOP, FOOTER_H = 6.95, 0.35
GAP = 0.2
TITLE_SMALL_PT = 22
TITLE_PT, SUBTITLE_PT, BODY_PT, TABLE_PT, FOOTER_PT = 28, 16, 18, 12, 11
INK, MUTED, RULE, HEADER_FILL = "1F2933", "5F6B7A", "C9D1DB", "1F3A5F"
NUMERIC = (B.COUNT, B.WAN_M2, B.DAYS)
CELL_PAD_W, CELL_PAD_H = 0.2, 0.1  # python-pptx's default cell margins (left+right, top+bottom), inches
TINT = 0.14  # share of a status colour in a row's background
TITLE_LAYOUT, TITLE_ONLY_LAYOUT = 0, 5  # in python-pptx's default template


def _emu(inches: float) -> Emu:
    return Emu(int(round(inches * 914400)))


def _rgb(hex_colour: str) -> RGBColor:
    return RGBColor.from_string(hex_colour.lstrip("#").upper())


def _tint(hex_colour: str, share: float = TINT) -> str:
    """``hex_colour`` mixed with white: a background light enough for dark text."""
    rgb = [int(hex_colour.lstrip("#")[i : i + 2], 16) for i in (0, 2, 4)]
    return "".join(f"{round(255 - (255 - c) * share):02X}" for c in rgb)


@dataclass
class _Page:
    """The deck slide being filled and the height already used on it."""

    slide: Any
    y: float
    top: float
    left: float = MARGIN  # the column being filled (the whole width, or one side of a red project's slide)
    width: float = CONTENT_W

    @property
    def room(self) -> float:
        return BODY_BOTTOM - self.y

    @property
    def empty(self) -> bool:
        return self.y <= self.top + 1e-6


@dataclass
class _Deck:
    """The presentation being built, the briefing it shows and its chart images."""

    briefing: B.Briefing
    prs: Any
    images: dict[int, bytes] = field(default_factory=dict)

    @property
    def lang(self) -> str:
        return self.briefing.lang


def render_pptx(b: B.Briefing) -> bytes:
    """The briefing as a .pptx file: one or more 16:9 slides per briefing slide, in the briefing's order."""
    prs = Presentation()
    prs.slide_width, prs.slide_height = _emu(SLIDE_W), _emu(SLIDE_H)
    charts = briefing_charts(b.slides())
    deck = _Deck(b, prs, {id(c): png for c, png in zip(charts, chart_pngs(charts))})
    for slide in b.slides():
        _add_slide(deck, slide)
    _number_slides(prs)
    for deck_slide in prs.slides:
        _set_fonts(deck_slide.element, b.lang)
        _set_fonts(deck_slide.notes_slide.element, b.lang)
    _properties(prs, b)
    out = io.BytesIO()
    prs.save(out)
    return fixed_zip(out.getvalue(), stamp(b))


def _properties(prs: Any, b: B.Briefing) -> None:
    """Title, author and dates from the briefing (not the template's 2013 author and dates, nor the clock), so
    the same briefing gives the same file."""
    props, when = prs.core_properties, stamp(b).replace(tzinfo=None)  # python-pptx writes naive times as UTC
    props.title, props.author, props.last_modified_by = b.title, author(b), author(b)
    props.created = props.modified = when
    props.comments, props.revision = "", 1


# --- slides --------------------------------------------------------------------------------------------


def _add_slide(deck: _Deck, slide: B.Slide) -> None:
    """Lay out one briefing slide on as many deck slides as its blocks need."""
    if slide.key == B.TITLE:
        _title_slide(deck, slide)
        return
    page = _new_page(deck, slide, continued=False)
    if _side_by_side(slide):
        _two_columns(deck, slide, page)
        return
    for block in slide.blocks:
        page = _PLACERS[type(block)](deck, slide, page, block)


def _side_by_side(slide: B.Slide) -> bool:
    """A project's slide (its facts and reasons with one chart) is laid out in two columns, so the project
    stays on one screen: text on the left, the chart on the right."""
    charts = [block for block in slide.blocks if isinstance(block, B.Chart)]
    return len(charts) == 1 and any(isinstance(block, (B.Facts, B.Reasons)) for block in slide.blocks)


def _two_columns(deck: _Deck, slide: B.Slide, page: _Page) -> None:
    """Facts across the slide, then the other text blocks (reasons, notes) down the left column and the chart
    beside them on the right; if the text ran on to a continuation slide, the chart follows it there."""
    first, top, column = page, page.y, TEXT_COLUMN_W
    for block in (b for b in slide.blocks if not isinstance(b, B.Chart)):
        if not isinstance(block, B.Facts) and page.width == CONTENT_W and page is first:
            top, column = page.y, _text_column(slide, BODY_BOTTOM - page.y)
            page.width = column  # the columns start below the facts
        page = _PLACERS[type(block)](deck, slide, page, block)
    chart = next(b for b in slide.blocks if isinstance(b, B.Chart))
    if page is first:
        page = _Page(first.slide, top, top, MARGIN + column + GAP, CONTENT_W - column - GAP)
    _place_chart(deck, slide, page, chart)


def _text_column(slide: B.Slide, room: float) -> float:
    """The narrowest of the text column's widths that holds the reasons and notes in ``room`` (a wider text
    column leaves a smaller chart); the widest if none does (the text then continues on the next slide)."""
    blocks = [b for b in slide.blocks if isinstance(b, (B.Reasons, B.Note))]
    for width in TEXT_COLUMN_WIDTHS:
        if sum(_text_block_height(block, width) + GAP for block in blocks) <= room:
            return width
    return TEXT_COLUMN_WIDTHS[-1]


def _text_block_height(block: B.Reasons | B.Note, width: float) -> float:
    if isinstance(block, B.Reasons):
        return _reasons_height(t("deck_reasons", "zh"), block.items, width)
    return text_height(block.text, width, BODY_PT) + 0.1


def _new_page(deck: _Deck, slide: B.Slide, continued: bool) -> _Page:
    """A fresh deck slide with the briefing slide's title (marked as continued), subtitle, notes, footer."""
    deck_slide = deck.prs.slides.add_slide(deck.prs.slide_layouts[TITLE_ONLY_LAYOUT])
    title = t("deck_continued", deck.lang, title=slide.title) if continued else slide.title
    top = TITLE_TOP + _title(deck_slide, title, slide.status) + GAP / 2
    if slide.subtitle:
        _text_box(deck_slide, slide.subtitle, (MARGIN, top, CONTENT_W, SUBTITLE_H), SUBTITLE_PT, colour=MUTED)
        top += SUBTITLE_H
    _footer(deck, deck_slide)
    _notes(deck_slide, slide)
    return _Page(deck_slide, top + GAP / 2, top + GAP / 2)


def _title_size(text: str, width: float) -> tuple[float, float]:
    """(points, box height in inches): 28 pt on one line, else 22 pt on as many lines as it takes."""
    if text_height(text, width, TITLE_PT) <= TITLE_PT * LINE_SPACING / POINTS_PER_INCH:
        return TITLE_PT, TITLE_H
    return TITLE_SMALL_PT, max(TITLE_H, text_height(text, width, TITLE_SMALL_PT) + 0.1)


def _title(deck_slide: Any, text: str, status: str | None) -> float:
    """Fill the slide's title placeholder (a flagged slide gets its status colour as a bar and text); returns
    the title's height, which grows for a title too long for one line (a title is never cut)."""
    shape = deck_slide.shapes.title
    left = MARGIN + (0.18 if status else 0.0)
    size, height = _title_size(text, SLIDE_W - MARGIN - left)
    _place(shape, (left, TITLE_TOP, SLIDE_W - MARGIN - left, height))
    frame = shape.text_frame
    frame.word_wrap, frame.vertical_anchor = True, MSO_ANCHOR.MIDDLE
    _margins(frame, 0.0)
    _fill_paragraph(frame.paragraphs[0], text, size, bold=True, colour=STATUS_COLORS.get(status or "", INK))
    frame.paragraphs[0].alignment = PP_ALIGN.LEFT
    if status:
        bar = deck_slide.shapes.add_shape(1, _emu(MARGIN), _emu(TITLE_TOP + 0.1), _emu(0.08), _emu(height - 0.2))
        bar.fill.solid()
        bar.fill.fore_color.rgb = _rgb(STATUS_COLORS[status])
        bar.line.fill.background()
    return height


def _title_slide(deck: _Deck, slide: B.Slide) -> None:
    """The opening slide: the title large and centred, its notes (region, as-of date, version) below."""
    deck_slide = deck.prs.slides.add_slide(deck.prs.slide_layouts[TITLE_LAYOUT])
    shape = deck_slide.shapes.title
    _place(shape, (MARGIN, 2.0, CONTENT_W, 1.5))
    _fill_paragraph(shape.text_frame.paragraphs[0], slide.title, 40, bold=True, colour=HEADER_FILL)
    shape.text_frame.paragraphs[0].alignment = PP_ALIGN.CENTER
    lines = [slide.subtitle] if slide.subtitle else []
    lines += [block.text for block in slide.blocks if isinstance(block, B.Note)]
    sub = deck_slide.placeholders[1]
    _place(sub, (MARGIN, 3.7, CONTENT_W, 1.6))
    _fill_lines(sub.text_frame, lines or [deck.briefing.footer], 20, colour=MUTED, align=PP_ALIGN.CENTER)
    _footer(deck, deck_slide)
    _notes(deck_slide, slide)
    page = _Page(deck_slide, 5.4, 5.4)
    for block in slide.blocks:
        if not isinstance(block, B.Note):
            page = _PLACERS[type(block)](deck, slide, page, block)


def _footer(deck: _Deck, deck_slide: Any) -> None:
    """The briefing's footer (region, as-of date, version) bottom left; the slide number is added later."""
    box = (MARGIN, FOOTER_TOP, CONTENT_W - 1.2, FOOTER_H)
    _text_box(deck_slide, deck.briefing.footer, box, FOOTER_PT, colour=MUTED, name="Footer")


def _notes(deck_slide: Any, slide: B.Slide) -> None:
    """Speaker notes: the slide's notes, then what each chart shows (its alt text)."""
    parts = [slide.notes] if slide.notes else []
    parts += [block.alt for block in slide.blocks if isinstance(block, B.Chart) and block.alt]
    if parts:
        deck_slide.notes_slide.notes_text_frame.text = "\n".join(parts)


def _number_slides(prs: Any) -> None:
    """A slide-number field (updated by PowerPoint when slides move) bottom right of every slide."""
    for number, deck_slide in enumerate(prs.slides, start=1):
        box = _text_box(deck_slide, "", (SLIDE_W - MARGIN - 1.0, FOOTER_TOP, 1.0, FOOTER_H), FOOTER_PT, name="Number")
        paragraph = box.text_frame.paragraphs[0]
        paragraph.alignment = PP_ALIGN.RIGHT
        _slide_number_field(paragraph, number)


def _slide_number_field(paragraph: Any, number: int) -> None:
    p = paragraph._p
    for run in p.findall(qn("a:r")):
        p.remove(run)
    fld = _sub(p, "a:fld", id="{B6F15528-21DE-4FAA-801E-634DDDAF4B2B}", type="slidenum")
    rpr = _sub(fld, "a:rPr", sz=str(FOOTER_PT * 100))
    _solid(rpr, MUTED)
    _sub(fld, "a:t").text = str(number)
    end = p.find(qn("a:endParaRPr"))
    if end is not None:  # endParaRPr must stay last
        p.remove(end)
        p.append(end)


# --- blocks --------------------------------------------------------------------------------------------


def _ensure_room(deck: _Deck, slide: B.Slide, page: _Page, height: float) -> _Page:
    """``page`` if ``height`` fits below what it holds (or it is empty), else a continuation slide."""
    if height <= page.room or page.empty:
        return page
    return _new_page(deck, slide, continued=True)


def _place_headlines(deck: _Deck, slide: B.Slide, page: _Page, block: B.Headlines) -> _Page:
    """Headline figures as large cards in rows of up to four, the value coloured by its status."""
    per_row = 4
    for start in range(0, len(block.items), per_row):
        row = block.items[start : start + per_row]
        height = max(_card_height(item, CONTENT_W / per_row - GAP) for item in row)
        page = _ensure_room(deck, slide, page, height)
        width = (CONTENT_W - GAP * (len(row) - 1)) / len(row)
        for i, item in enumerate(row):
            _card(page.slide, item, (MARGIN + i * (width + GAP), page.y, width, height))
        page.y += height + GAP
    return page


CARD_LABEL_PT, CARD_VALUE_PT, CARD_UNIT_PT, CARD_TARGET_PT = 18, 48, 20, 14
CARD_MIN_H = 2.0  # inches: the figures are what the room looks at
BOLD_SLACK = 1.15  # bold digits are wider than the measure's regular glyphs


def _value_size(item: B.Headline, width: float) -> float:
    """The value's font size: ``CARD_VALUE_PT``, smaller only if the value alone would not fit its card."""
    wanted = text_width(item.value, CARD_VALUE_PT) * BOLD_SLACK
    return CARD_VALUE_PT if wanted <= width - 0.5 else max(24.0, CARD_VALUE_PT * (width - 0.5) / wanted)


def _unit_inline(item: B.Headline, width: float) -> bool:
    """Whether the unit fits after the value on its line (else it gets a line of its own, e.g. "households")."""
    value = text_width(item.value, _value_size(item, width)) * BOLD_SLACK
    return value + text_width(f" {item.unit}", CARD_UNIT_PT) <= width - 0.5


def _card_height(item: B.Headline, width: float) -> float:
    inner = width - 0.4
    height = (
        text_height(item.label, inner, CARD_LABEL_PT) + _value_size(item, width) * LINE_SPACING / POINTS_PER_INCH + 0.5
    )
    height += 0.0 if _unit_inline(item, width) else text_height(item.unit, inner, CARD_UNIT_PT)
    height += text_height(item.target, inner, CARD_TARGET_PT) + 0.1 if item.target else 0.0
    return max(height, CARD_MIN_H)


def _card(deck_slide: Any, item: B.Headline, box: tuple[float, float, float, float]) -> None:
    """One headline figure: label, large value (status colour) with its unit, and its target sentence."""
    colour = STATUS_COLORS.get(item.status or "", HEADER_FILL)
    shape = deck_slide.shapes.add_shape(1, *(_emu(v) for v in box))
    shape.fill.solid()
    shape.fill.fore_color.rgb = _rgb(_tint(colour, 0.08))
    shape.line.color.rgb = _rgb(colour)
    frame = shape.text_frame
    frame.word_wrap, frame.vertical_anchor = True, MSO_ANCHOR.TOP
    _margins(frame, 0.2)
    _fill_paragraph(frame.paragraphs[0], item.label, CARD_LABEL_PT, colour=INK)
    value = frame.add_paragraph()
    _add_run(value, item.value, _value_size(item, box[2]), bold=True, colour=colour)
    if item.unit:
        inline = _unit_inline(item, box[2])
        _add_run(
            value if inline else frame.add_paragraph(),
            f" {item.unit}" if inline else item.unit,
            CARD_UNIT_PT,
            colour=colour,
        )
    if item.target:
        _fill_paragraph(frame.add_paragraph(), item.target, CARD_TARGET_PT, colour=MUTED)
    for paragraph in frame.paragraphs:
        paragraph.alignment = PP_ALIGN.LEFT


def _place_note(deck: _Deck, slide: B.Slide, page: _Page, block: B.Note) -> _Page:
    """A paragraph; a warning is set bold in the at-risk colour."""
    height = text_height(block.text, page.width, BODY_PT) + 0.1
    page = _ensure_room(deck, slide, page, height)
    warning = block.tone == "warning"
    colour = STATUS_COLORS["at_risk"] if warning else INK
    box = (page.left, page.y, page.width, height)
    _text_box(page.slide, block.text, box, BODY_PT, colour=colour, bold=warning)
    page.y += height + GAP
    return page


FACT_PT = 18


def _place_facts(deck: _Deck, slide: B.Slide, page: _Page, block: B.Facts) -> _Page:
    """Label/value pairs (in two columns on a full-width slide), the label muted and the value bold."""
    count = 2 if page.width > TEXT_COLUMN_W else 1
    size = (len(block.items) + count - 1) // count
    columns = [block.items[i * size : (i + 1) * size] for i in range(count)]
    width = (page.width - GAP * (count - 1)) / count
    height = max(_facts_height(column, width) for column in columns) + 0.1
    page = _ensure_room(deck, slide, page, height)
    for i, column in enumerate(columns):
        if column:
            box = page.slide.shapes.add_textbox(
                *(_emu(v) for v in (page.left + i * (width + GAP), page.y, width, height))
            )
            _facts_text(box.text_frame, column, deck.lang)
    page.y += height + GAP
    return page


def _facts_height(items: Sequence[tuple[str, str]], width: float) -> float:
    return sum(text_height(f"{label}：{value}", width - 0.2, FACT_PT) + 0.06 for label, value in items)


def _facts_text(frame: Any, items: Sequence[tuple[str, str]], lang: str) -> None:
    frame.word_wrap = True
    for i, (label, value) in enumerate(items):
        paragraph = frame.paragraphs[0] if i == 0 else frame.add_paragraph()
        _add_run(paragraph, t("deck_fact_label", lang, label=label), FACT_PT, colour=MUTED)
        _add_run(paragraph, value, FACT_PT, bold=True, colour=INK)
        paragraph.space_after = Pt(4)


REASON_PT = 16


def _place_reasons(deck: _Deck, slide: B.Slide, page: _Page, block: B.Reasons) -> _Page:
    """Every reason in full as a bulleted list under a heading; continues on the next slide if long."""
    heading = t("deck_reasons", deck.lang)
    pending = list(block.items)
    while pending:
        page = _ensure_room(deck, slide, page, _reasons_height(heading, pending[:1], page.width))
        take = _reasons_fitting(heading, pending, page) or 1  # one reason taller than a slide: still whole
        height = _reasons_height(heading, pending[:take], page.width)
        box = page.slide.shapes.add_textbox(*(_emu(v) for v in (page.left, page.y, page.width, height)))
        _reasons_text(box.text_frame, heading, pending[:take])
        page.y += height + GAP
        pending = pending[take:]
        if pending:
            page = _new_page(deck, slide, continued=True)
    return page


def _reasons_height(heading: str, items: Sequence[str], width: float) -> float:
    body = sum(text_height(f"• {item}", width - 0.4, REASON_PT) + 0.08 for item in items)
    return text_height(heading, width, BODY_PT) + body + 0.15


def _reasons_fitting(heading: str, items: Sequence[str], page: _Page) -> int:
    take = 0
    while take < len(items) and _reasons_height(heading, items[: take + 1], page.width) <= page.room:
        take += 1
    return take


def _reasons_text(frame: Any, heading: str, items: Sequence[str]) -> None:
    frame.word_wrap = True
    _fill_paragraph(frame.paragraphs[0], heading, BODY_PT, bold=True, colour=INK)
    for item in items:
        paragraph = frame.add_paragraph()
        _add_run(paragraph, f"• {item}", REASON_PT, colour=INK)
        paragraph.space_before = Pt(4)


def _place_chart(deck: _Deck, slide: B.Slide, page: _Page, block: B.Chart) -> _Page:
    """The chart's image, as wide as the slide allows and never taller than the room below the title."""
    png = deck.images[id(block)]
    width_px, height_px = png_size(png)
    full = _new_page_room(slide)
    width = min(page.width, full * width_px / height_px)
    page = _ensure_room(deck, slide, page, min(width * height_px / width_px, full * 0.6))
    below = _notes_after(slide, block) if page.width == CONTENT_W else 0.0  # beside text, no note follows
    width = min(width, page.width, (page.room - below) * width_px / height_px)
    height = width * height_px / width_px
    left = page.left + (page.width - width) / 2
    picture = page.slide.shapes.add_picture(io.BytesIO(png), _emu(left), _emu(page.y), _emu(width), _emu(height))
    picture._element.nvPicPr.cNvPr.set("descr", block.alt)  # alt text for screen readers
    page.y += height + GAP
    return page


def _notes_after(slide: B.Slide, block: B.Chart) -> float:
    """Room for the notes that follow a chart on its slide (a source line, a caveat): the chart leaves it."""
    following = slide.blocks[slide.blocks.index(block) + 1 :]
    notes = [b for b in following if isinstance(b, B.Note)]
    return sum(text_height(note.text, CONTENT_W, BODY_PT) + 0.15 + GAP for note in notes)


def _notes_following(slide: B.Slide, block: B.Block) -> float:
    """The height of the notes right after ``block`` on its slide (the count of rows a table leaves out): the
    table's last slide keeps room for them, so they never stand on a slide of their own."""
    notes = notes_after(slide.blocks, slide.blocks.index(block))
    return sum(text_height(note.text, CONTENT_W, BODY_PT) + 0.1 + GAP for note in notes)


def _new_page_room(slide: B.Slide) -> float:
    """The height a fresh (continuation) slide offers below its title."""
    title = _title_size(t("deck_continued", "zh", title=slide.title), SLIDE_W - 2 * MARGIN - 0.18)[1]
    top = TITLE_TOP + title + GAP + (SUBTITLE_H if slide.subtitle else 0.0)
    return BODY_BOTTOM - top


# --- tables --------------------------------------------------------------------------------------------


def _place_table(deck: _Deck, slide: B.Slide, page: _Page, block: B.Table) -> _Page:
    """A native table; rows that do not fit continue on the next slide under a repeated header."""
    if not block.rows:
        return _place_note(deck, slide, page, B.Note(block.empty or t("deck_table_empty", deck.lang)))
    widths = _column_widths(block)
    header = _row_height([c.label for c in block.columns], widths, bold=True)
    heights = [_row_height([cell.text for cell in row], widths) for row in block.rows]
    further = _new_page_room(slide) - header  # what each continuation slide holds
    start = 0
    while start < len(block.rows):
        page = _ensure_room(deck, slide, page, header + heights[start])
        # planned again on every slide from the room it really has: the rows shared out evenly (16 + 15,
        # never 30 + 1) over as many slides as filling them would take
        run = balanced_runs(heights[start:], page.room - header, further, _notes_following(slide, block))[0]
        end = start + len(run)
        _table_shape(page, block, widths, range(start, end), header, heights)
        page.y += header + sum(heights[start:end]) + GAP
        start = end
        if start < len(block.rows):
            page = _new_page(deck, slide, continued=True)
    return page


def _column_widths(block: B.Table) -> list[float]:
    """Widths filling the slide: short columns as wide as their text, the rest where it saves most height."""
    rows = [[c.label for c in block.columns]] + [[cell.text for cell in row] for row in block.rows]
    return shortest_widths(Grid(rows, TABLE_PT, CELL_PAD_W, [c.kind != B.TEXT for c in block.columns]), CONTENT_W)


def _row_height(texts: Sequence[str], widths: Sequence[float], bold: bool = False) -> float:
    tallest = max(text_height(text, w - CELL_PAD_W, TABLE_PT, bold) for text, w in zip(texts, widths))
    return tallest + CELL_PAD_H + 0.02


def _table_shape(
    page: _Page, block: B.Table, widths: Sequence[float], rows: range, header: float, heights: Sequence[float]
) -> None:
    """Add a table holding the header and ``rows`` of ``block`` at the page's cursor."""
    box = (MARGIN, page.y, sum(widths), header + sum(heights[i] for i in rows))
    table = page.slide.shapes.add_table(len(rows) + 1, len(block.columns), *(_emu(v) for v in box)).table
    table.first_row, table.horz_banding = True, False
    for j, width in enumerate(widths):
        table.columns[j].width = _emu(width)
    table.rows[0].height = _emu(header)
    for j, column in enumerate(block.columns):
        _cell(table.cell(0, j), column.label, column.kind, HEADER_FILL, "FFFFFF", bold=True)
    for i, index in enumerate(rows, start=1):
        table.rows[i].height = _emu(heights[index])
        status = block.statuses[index] if index < len(block.statuses) else None
        fill = _tint(STATUS_COLORS[status]) if status in STATUS_COLORS else "FFFFFF"
        for j, (column, cell) in enumerate(zip(block.columns, block.rows[index])):
            _cell(table.cell(i, j), cell.text, column.kind, fill, INK)


def _cell(cell: Any, text: str, kind: str, fill: str, colour: str, bold: bool = False) -> None:
    cell.fill.solid()
    cell.fill.fore_color.rgb = _rgb(fill)
    cell.vertical_anchor = MSO_ANCHOR.MIDDLE
    frame = cell.text_frame
    frame.word_wrap = True
    _fill_paragraph(frame.paragraphs[0], text, TABLE_PT, bold=bold, colour=colour)
    frame.paragraphs[0].alignment = PP_ALIGN.RIGHT if kind in NUMERIC else PP_ALIGN.LEFT


_PLACERS: dict[type, Any] = {
    B.Headlines: _place_headlines,
    B.Table: _place_table,
    B.Chart: _place_chart,
    B.Note: _place_note,
    B.Facts: _place_facts,
    B.Reasons: _place_reasons,
}


# --- text helpers --------------------------------------------------------------------------------------


def _place(shape: Any, box: tuple[float, float, float, float]) -> None:
    shape.left, shape.top, shape.width, shape.height = (_emu(v) for v in box)


def _margins(frame: Any, inches: float) -> None:
    frame.margin_left = frame.margin_right = frame.margin_top = frame.margin_bottom = _emu(inches)


def _text_box(
    deck_slide: Any,
    text: str,
    box: tuple[float, float, float, float],
    size: float,
    colour: str = INK,
    bold: bool = False,
    name: str = "",
) -> Any:
    shape = deck_slide.shapes.add_textbox(*(_emu(v) for v in box))
    if name:
        shape.name = name
    shape.text_frame.word_wrap = True
    _fill_lines(shape.text_frame, text.split("\n") if text else [], size, colour=colour, bold=bold)
    return shape


def _fill_lines(
    frame: Any, lines: Sequence[str], size: float, colour: str = INK, bold: bool = False, align: Any = None
) -> None:
    for i, line in enumerate(lines):
        paragraph = frame.paragraphs[0] if i == 0 else frame.add_paragraph()
        _fill_paragraph(paragraph, line, size, bold=bold, colour=colour)
        if align is not None:
            paragraph.alignment = align


def _fill_paragraph(paragraph: Any, text: str, size: float, bold: bool = False, colour: str = INK) -> None:
    for run in list(paragraph.runs):
        paragraph._p.remove(run._r)
    _add_run(paragraph, text, size, bold=bold, colour=colour)


def _add_run(paragraph: Any, text: str, size: float, bold: bool = False, colour: str = INK) -> None:
    paragraph.line_spacing = Pt(max(size, _paragraph_size(paragraph)) * LINE_SPACING)
    run = paragraph.add_run()
    run.text = text
    run.font.size, run.font.bold = Pt(size), bold
    run.font.color.rgb = _rgb(colour)


def _paragraph_size(paragraph: Any) -> float:
    """The largest font size (points) of the paragraph's runs so far (0 when it has none)."""
    return max((run.font.size.pt for run in paragraph.runs if run.font.size is not None), default=0.0)


def _solid(rpr: Any, colour: str) -> None:
    _sub(_sub(rpr, "a:solidFill"), "a:srgbClr", val=colour)


def _element(tag: str, **attributes: str) -> Any:
    element = OxmlElement(tag)
    for name, value in attributes.items():
        element.set(name, value)
    return element


def _sub(parent: Any, tag: str, **attributes: str) -> Any:
    """Append a new ``tag`` element (namespace-prefixed, e.g. ``a:fld``) to ``parent``."""
    element = _element(tag, **attributes)
    parent.append(element)
    return element


# Children of a:rPr that come after a:latin/a:ea/a:cs in the schema's sequence.
_AFTER_FONTS = {qn(tag) for tag in ("a:sym", "a:hlinkClick", "a:hlinkMouseOver", "a:rtl", "a:extLst")}
_LANG = {"zh": "zh-CN", "en": "en-US"}


def _set_fonts(element: Any, lang: str) -> None:
    """Name ``FACE`` as the Latin, East Asian and complex-script typeface of every run and field."""
    for run in element.iter(qn("a:r"), qn("a:fld")):
        rpr = run.find(qn("a:rPr"))
        if rpr is None:
            rpr = _element("a:rPr")
            run.insert(0, rpr)
        rpr.set("lang", _LANG.get(lang, "zh-CN"))
        rpr.set("altLang", "zh-CN" if lang == "en" else "en-US")
        _font_elements(rpr)


def _font_elements(rpr: Any) -> None:
    for tag in ("a:latin", "a:ea", "a:cs"):
        for old in rpr.findall(qn(tag)):
            rpr.remove(old)
    anchor = next((child for child in rpr if child.tag in _AFTER_FONTS), None)
    for tag in ("a:latin", "a:ea", "a:cs"):
        font = _element(tag, typeface=FACE)
        if anchor is None:
            rpr.append(font)
        else:
            anchor.addprevious(font)
