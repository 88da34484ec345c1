"""The briefing as a PPTX deck: opened again with python-pptx and checked against the blocks it was given."""

from __future__ import annotations

import datetime as dt
import io
import re

import pytest
from pptx import Presentation
from pptx.oxml.ns import qn
from pptx.util import Emu

from briefing import blocks as B
from briefing.images import browser_path
from briefing.pptx import BODY_BOTTOM, FACE, render_pptx
from housing.i18n import t
from housing.statuses import STATUS_COLORS
from tests.briefings import LONG_REASON, VERY_LONG_NAME, edge_briefing, sample_briefing, sample_briefing_en

CJK = re.compile(r"[\u3000-\u9fff\uff00-\uffef]")
EMU_PER_INCH = 914400


def _chromium_or_skip() -> None:
    try:
        browser_path()
    except RuntimeError:
        import os

        if os.environ.get("CI") == "true":
            pytest.fail("chromium is not installed, and the deck's charts must be tested in CI")
        pytest.skip("chromium is not installed (apt-get install chromium fonts-noto-cjk)")


@pytest.fixture(scope="module", params=["zh", "en"])
def rendered(request):
    """(briefing, the deck opened again) for the sample in each language; rendered once per module."""
    _chromium_or_skip()
    briefing = sample_briefing() if request.param == "zh" else sample_briefing_en()
    return briefing, Presentation(io.BytesIO(render_pptx(briefing)))


def _titles(prs) -> list[str]:
    return [slide.shapes.title.text for slide in prs.slides]


def _base_title(title: str, briefing: B.Briefing) -> str:
    """The briefing slide title a deck title stands for (strips the "continued" marking)."""
    for slide in briefing.slides():
        if title in (slide.title, t("deck_continued", briefing.lang, title=slide.title)):
            return slide.title
    raise AssertionError(f"deck title {title!r} names no briefing slide")


def _tables(deck_slide) -> list[list[list[str]]]:
    return [[[cell.text for cell in row.cells] for row in s.table.rows] for s in deck_slide.shapes if s.has_table]


def _deck_slides_of(prs, briefing: B.Briefing, slide: B.Slide) -> list:
    return [s for s in prs.slides if _base_title(s.shapes.title.text, briefing) == slide.title]


def test_deck_is_16_9_and_follows_the_briefing_slide_by_slide(rendered):
    briefing, prs = rendered
    assert (prs.slide_width, prs.slide_height) == (Emu(int(13.333 * EMU_PER_INCH)), Emu(int(7.5 * EMU_PER_INCH)))
    bases = [_base_title(title, briefing) for title in _titles(prs)]
    deduplicated = [title for i, title in enumerate(bases) if i == 0 or bases[i - 1] != title]
    assert deduplicated == [slide.title for slide in briefing.slides()]
    # the 30-row table with long reasons cannot fit one slide: it continues
    assert len(prs.slides) > len(briefing.slides())


def test_titles_are_title_placeholders(rendered):
    _, prs = rendered
    for slide in prs.slides:
        title = slide.shapes.title
        assert title is not None and title.is_placeholder and title.text.strip()


def test_one_slide_per_red_project_titled_and_coloured_as_overdue(rendered):
    briefing, prs = rendered
    red = [slide for slide in briefing.slides() if slide.status == "overdue"]
    assert len(red) == 2
    for slide in red:
        (deck_slide,) = _deck_slides_of(prs, briefing, slide)
        run = deck_slide.shapes.title.text_frame.paragraphs[0].runs[0]
        assert str(run.font.color.rgb) == STATUS_COLORS["overdue"].lstrip("#")
        text = " ".join(shape.text_frame.text for shape in deck_slide.shapes if shape.has_text_frame)
        for label, value in next(b for b in slide.blocks if isinstance(b, B.Facts)).items:
            assert label in text and value in text
        for reason in next(b for b in slide.blocks if isinstance(b, B.Reasons)).items:
            assert reason in text  # in full, never cut


def test_table_cells_are_the_blocks_texts_with_the_header_repeated(rendered):
    briefing, prs = rendered
    for slide in briefing.slides():
        for block in (b for b in slide.blocks if isinstance(b, B.Table)):
            header = [c.label for c in block.columns]
            parts = [table for s in _deck_slides_of(prs, briefing, slide) for table in _tables(s)]
            assert parts and all(part[0] == header for part in parts)  # header on every continuation slide
            body = [row for part in parts for row in part[1:]]
            assert body == [[cell.text for cell in row] for row in block.rows]


def test_yellow_table_continues_on_slides_marked_continued(rendered):
    briefing, prs = rendered
    yellow = next(slide for slide in briefing.slides() if slide.key == "yellow")
    titles = [s.shapes.title.text for s in _deck_slides_of(prs, briefing, yellow)]
    assert len(titles) >= 2
    assert titles == [yellow.title] + [t("deck_continued", briefing.lang, title=yellow.title)] * (len(titles) - 1)


def test_nothing_runs_off_the_slide(rendered):
    _, prs = rendered
    for number, slide in enumerate(prs.slides, start=1):
        for shape in slide.shapes:
            assert shape.left >= 0 and shape.left + shape.width <= prs.slide_width, (number, shape.name)
            assert shape.top + shape.height <= prs.slide_height, (number, shape.name)
            if shape.has_table or shape.shape_type == 13:  # tables and pictures stay above the footer
                assert (shape.top + shape.height) / EMU_PER_INCH <= BODY_BOTTOM + 0.01, (number, shape.name)


def test_every_run_names_the_east_asian_and_latin_face(rendered):
    briefing, prs = rendered
    parts = [slide.element for slide in prs.slides] + [slide.notes_slide.element for slide in prs.slides]
    runs = [run for part in parts for run in part.iter(qn("a:r"), qn("a:fld"))]
    assert any(CJK.search(run.findtext(qn("a:t")) or "") for run in runs) == (briefing.lang == "zh")
    for run in runs:
        rpr = run.find(qn("a:rPr"))
        assert rpr is not None, run.findtext(qn("a:t"))
        for tag in ("a:latin", "a:ea"):
            font = rpr.find(qn(tag))
            assert font is not None and font.get("typeface") == FACE, (tag, run.findtext(qn("a:t")))


def test_footer_and_slide_number_on_every_slide(rendered):
    briefing, prs = rendered
    for number, slide in enumerate(prs.slides, start=1):
        shapes = {shape.name: shape for shape in slide.shapes}
        assert shapes["Footer"].text_frame.text == briefing.footer
        field = shapes["Number"].text_frame.paragraphs[0]._p.find(qn("a:fld"))
        assert field.get("type") == "slidenum" and field.findtext(qn("a:t")) == str(number)


def test_speaker_notes_carry_the_slide_notes_and_chart_descriptions(rendered):
    briefing, prs = rendered
    for slide in briefing.slides():
        charts = [b.alt for b in slide.blocks if isinstance(b, B.Chart)]
        for deck_slide in _deck_slides_of(prs, briefing, slide):
            notes = deck_slide.notes_slide.notes_text_frame.text
            for part in [slide.notes, *charts]:
                assert part in notes


def test_chart_is_a_picture_with_its_description(rendered):
    briefing, prs = rendered
    chart_slide = next(slide for slide in briefing.slides() if any(isinstance(b, B.Chart) for b in slide.blocks))
    (deck_slide,) = _deck_slides_of(prs, briefing, chart_slide)
    pictures = [shape for shape in deck_slide.shapes if shape.shape_type == 13]
    assert len(pictures) == 1
    assert pictures[0]._element.nvPicPr.cNvPr.get("descr") == next(b.alt for b in chart_slide.blocks if b.key)
    assert pictures[0].image.content_type == "image/png" and pictures[0].image.size[0] >= 1600  # crisp


def test_headline_values_are_large_and_coloured_by_status(rendered):
    briefing, prs = rendered
    heads = next(b for s in briefing.slides() for b in s.blocks if isinstance(b, B.Headlines))
    (deck_slide,) = [
        s for s in prs.slides if s.shapes.title.text == "总体情况" or s.shapes.title.text == "Headline figures"
    ]
    runs = {r.text: r for s in deck_slide.shapes if s.has_text_frame for p in s.text_frame.paragraphs for r in p.runs}
    for item in heads.items:
        run = runs[item.value]
        assert run.font.size.pt >= 32 and run.font.bold
        if item.status:
            assert str(run.font.color.rgb) == STATUS_COLORS[item.status].lstrip("#")


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_edge_cases_empty_table_no_red_project_and_a_very_long_name(lang):
    briefing = edge_briefing(lang)
    prs = Presentation(io.BytesIO(render_pptx(briefing)))
    texts = [" ".join(s.text_frame.text for s in slide.shapes if s.has_text_frame) for slide in prs.slides]
    empty = briefing.slides()[0].blocks[0]
    assert empty.empty in texts[0] and not _tables(prs.slides[0])
    assert prs.slides[1].shapes.title.text == VERY_LONG_NAME
    (table,) = _tables(prs.slides[1])
    assert table[1][0] == VERY_LONG_NAME  # in full
    assert len(prs.slides) == 2


def test_a_project_with_a_chart_stays_on_one_slide_chart_beside_the_reasons():
    _chromium_or_skip()
    sample = sample_briefing()
    red = next(slide for slide in sample.slides() if slide.status == "overdue")
    chart = next(b for s in sample.slides() for b in s.blocks if isinstance(b, B.Chart))
    slide = B.Slide(red.key, red.title, (*red.blocks, chart), red.subtitle, red.status, red.notes)
    briefing = B.Briefing(
        "zh",
        sample.as_of,
        sample.region,
        sample.title,
        sample.version,
        sample.footer,
        (),
        (B.Section(B.RED, "逾期项目", (slide,)),),
    )
    (deck_slide,) = Presentation(io.BytesIO(render_pptx(briefing))).slides
    (picture,) = [shape for shape in deck_slide.shapes if shape.shape_type == 13]
    reasons = next(s for s in deck_slide.shapes if s.has_text_frame and LONG_REASON in s.text_frame.text)
    assert picture.left >= reasons.left + reasons.width  # beside, not below
    assert picture.top + picture.height <= Emu(int(BODY_BOTTOM * EMU_PER_INCH))


def test_real_briefing_from_the_sample_portfolio():
    """The builder's briefing for the 56-project sample: one slide per red project, every table text shown."""
    _chromium_or_skip()
    import datetime as dt
    from pathlib import Path

    from briefing.build import build_briefing
    from briefing.source import load_data

    data = load_data(str(Path(__file__).parent.parent / "data" / "sample_portfolio.xlsx"), dt.date(2026, 11, 21))
    briefing = build_briefing(data, "zh")
    prs = Presentation(io.BytesIO(render_pptx(briefing)))
    red = [slide for slide in briefing.slides() if slide.status == "overdue"]
    assert len(red) == 7
    for slide in red:
        assert len(_deck_slides_of(prs, briefing, slide)) == 1
    shown = [row for deck_slide in prs.slides for table in _tables(deck_slide) for row in table[1:]]
    expected = [
        [c.text for c in row] for s in briefing.slides() for b in s.blocks if isinstance(b, B.Table) for row in b.rows
    ]
    assert shown == expected
    for deck_slide in prs.slides:
        for shape in deck_slide.shapes:
            assert (shape.top + shape.height) / EMU_PER_INCH <= 7.5


CAPPED = "以上为最紧急的 50 个；另有 263 个未列出，完整名单见看板总览页的 Excel 下载。"


def _long_table_briefing(rows: int, lang: str = "zh", note: str = "") -> B.Briefing:
    """A briefing of one at-risk table of ``rows`` rows of the same height (short texts), under a subtitle, and
    ``note`` after it when given (the count of the rows left out)."""
    columns = (B.Column("name", "项目名称"), B.Column("households", "安置户数", B.COUNT), B.Column("reasons", "原因"))
    body = tuple(
        (B.Cell(f"项目{i:03d}", f"项目{i:03d}"), B.Cell(i, f"{i:,}"), B.Cell("临近交付", "临近交付"))
        for i in range(rows)
    )
    table = B.Table("yellow", columns, body, tuple("at_risk" for _ in body))
    slide = B.Slide("yellow", "黄色预警项目", (table, *([B.Note(note)] if note else [])), subtitle=f"共 {rows} 个")
    return B.Briefing(
        lang,
        dt.date(2026, 11, 21),
        "济南市",
        "简报",
        "第 1 版",
        "济南市 · 第 1 版",
        (),
        (B.Section("yellow", "预警", (slide,)),),
    )


def _rows_per_slide(briefing: B.Briefing) -> tuple[list[int], list[str]]:
    """The body rows of the table on each deck slide, and every body row's first cell in deck order."""
    prs = Presentation(io.BytesIO(render_pptx(briefing)))
    parts = [table for slide in prs.slides for table in _tables(slide)]
    return [len(part) - 1 for part in parts], [row[0] for part in parts for row in part[1:]]


@pytest.fixture(scope="module")
def filling():
    """How many rows filling to the brim puts on the first slide and on each continuation (the old layout)."""
    import briefing.pptx as P
    from briefing.split import _runs

    saved, P.balanced_runs = P.balanced_runs, _runs
    try:
        counts, _ = _rows_per_slide(_long_table_briefing(200))
    finally:
        P.balanced_runs = saved
    return counts[0], counts[1]


@pytest.mark.parametrize("extra", [1, 2])
@pytest.mark.parametrize("full_slides", [1, 2])
def test_a_table_one_row_too_long_is_shared_out_not_left_with_one_row(filling, full_slides, extra):
    first, further = filling
    rows = first + further * (full_slides - 1) + extra  # filling would end on a slide of ``extra`` rows
    counts, names = _rows_per_slide(_long_table_briefing(rows))
    assert len(counts) == full_slides + 1  # as many slides as filling takes, no more
    assert sum(counts) == rows and names == [f"项目{i:03d}" for i in range(rows)]  # every row once, in order
    assert max(counts) - min(counts) <= 1, counts  # 16 + 15, never 30 + 1


def test_a_table_that_fills_its_slide_exactly_does_not_continue(filling):
    counts, _ = _rows_per_slide(_long_table_briefing(filling[0]))
    assert counts == [filling[0]]


@pytest.mark.parametrize("extra", [-1, 0, 1])
def test_the_note_after_a_table_never_stands_on_a_slide_of_its_own(filling, extra):
    rows = filling[0] + extra  # around a slide full: filling would leave the note alone on the next slide
    prs = Presentation(io.BytesIO(render_pptx(_long_table_briefing(rows, note=CAPPED))))
    slides = [
        (len(_tables(s)), any(CAPPED in shape.text_frame.text for shape in s.shapes if shape.has_text_frame))
        for s in prs.slides
    ]
    assert [has_note for _, has_note in slides] == [False] * (len(slides) - 1) + [True]  # the note, last
    assert slides[-1][0] == 1  # with rows of the table above it
    counts = [len(part) - 1 for s in prs.slides for part in _tables(s)]
    assert sum(counts) == rows and max(counts) - min(counts) <= 1, counts
