"""The briefing as a PDF: read back with pypdf (text per page, fonts) and checked against the blocks."""

from __future__ import annotations

import io
import os
import re
import shutil
import subprocess

import pytest
from pypdf import PdfReader, PdfWriter

from briefing import blocks as B
from briefing import pdf as P
from briefing.images import browser_path
from housing.i18n import t
from tests.briefings import VERY_LONG_NAME, edge_briefing, sample_briefing, sample_briefing_en


def _flat(text: str) -> str:
    """Text without whitespace: pypdf spaces CJK glyphs out and breaks lines where the PDF wraps. NULs too:
    for a CID-keyed CFF font (Noto CJK) fpdf2 writes an encoding CMap, which pypdf 7 decodes one byte at a
    time, so a NUL precedes every character (poppler's pdftotext reads the same file cleanly, see below)."""
    return re.sub(r"[\s\x00]+", "", text)


@pytest.fixture(scope="module", params=["zh", "en"])
def rendered(request):
    """(briefing, text of each page, reader) for the sample in each language; rendered once per module."""
    try:
        browser_path()
    except RuntimeError:
        if os.environ.get("CI") == "true":
            pytest.fail("chromium is not installed, and the PDF's charts must be tested in CI")
        pytest.skip("chromium is not installed (apt-get install chromium fonts-noto-cjk)")
    briefing = sample_briefing() if request.param == "zh" else sample_briefing_en()
    reader = PdfReader(io.BytesIO(P.render_pdf(briefing)))
    return briefing, [_flat(page.extract_text()) for page in reader.pages], reader


def _pages_of(briefing: B.Briefing, pages: list[str], slide: B.Slide) -> list[int]:
    """Indexes of the pages headed by ``slide``'s title (or its continued form)."""
    continued = _flat(t("deck_continued", briefing.lang, title=slide.title))
    return [i for i, text in enumerate(pages) if text.startswith(continued) or text.startswith(_flat(slide.title))]


def test_pages_follow_the_briefing_each_slide_from_a_new_page(rendered):
    briefing, pages, _ = rendered
    firsts = [min(_pages_of(briefing, pages, slide)) for slide in briefing.slides()[1:]]
    assert firsts == sorted(firsts) and firsts[0] == 1
    assert _flat(briefing.slides()[0].title) in pages[0]
    assert len(pages) > len(briefing.slides())  # the 30-row table runs over pages


def test_page_is_a4_landscape(rendered):
    _, _, reader = rendered
    for page in reader.pages:
        assert (round(float(page.mediabox.width)), round(float(page.mediabox.height))) == (842, 595)


def test_headline_total_on_the_second_page(rendered):
    briefing, pages, _ = rendered
    heads = next(b for b in briefing.slides()[1].blocks if isinstance(b, B.Headlines))
    for item in heads.items:
        assert _flat(item.label + item.value) in pages[1]
    assert "7,253" in pages[1]


def test_each_red_project_on_its_own_page_with_every_reason_in_full(rendered):
    briefing, pages, _ = rendered
    for slide in (s for s in briefing.slides() if s.status == "overdue"):
        (index,) = _pages_of(briefing, pages, slide)
        assert pages[index].startswith(_flat(slide.title))
        reasons = next(b for b in slide.blocks if isinstance(b, B.Reasons))
        for reason in reasons.items:
            assert _flat(reason) in pages[index]
        facts = next(b for b in slide.blocks if isinstance(b, B.Facts))
        for _label, value in facts.items:
            assert _flat(value) in pages[index]


def test_long_table_split_with_the_header_on_every_page_and_every_row_once(rendered):
    briefing, pages, _ = rendered
    yellow = next(s for s in briefing.slides() if s.key == "yellow")
    table = next(b for b in yellow.blocks if isinstance(b, B.Table))
    indexes = _pages_of(briefing, pages, yellow)
    assert len(indexes) >= 2
    header = "".join(_flat(c.label) for c in table.columns)
    text = ""
    for i in indexes:
        assert header in pages[i], i
        text += pages[i]
    for row in table.rows:
        assert text.count(_flat(row[0].text)) == 1
        assert _flat("".join(cell.text for cell in row[2:])) in text  # figures and the reason, in full


def test_footer_and_page_numbers_on_every_page(rendered):
    briefing, pages, _ = rendered
    for number, text in enumerate(pages, start=1):
        assert _flat(briefing.footer) in text
        assert _flat(t("deck_page", briefing.lang, page=number, pages=len(pages))) in text


def test_cjk_font_is_embedded_as_a_subset(rendered):
    _, _, reader = rendered
    fonts = reader.pages[1]["/Resources"]["/Font"]
    names = []
    for ref in fonts.values():
        font = ref.get_object()
        descriptor = font["/DescendantFonts"][0].get_object()["/FontDescriptor"].get_object()
        assert {"/FontFile2", "/FontFile3"} & set(descriptor)  # the glyphs are in the file (TrueType or CFF)
        names.append(str(font["/BaseFont"]))
    assert names and all(re.match(r"/[A-Z]{6}\+", name) for name in names)  # subsetted


def test_title_is_in_the_document_info(rendered):
    briefing, _, reader = rendered
    assert reader.metadata.title == briefing.title


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_edge_cases_empty_table_and_a_very_long_name(lang):
    briefing = edge_briefing(lang)
    pages = [_flat(page.extract_text()) for page in PdfReader(io.BytesIO(P.render_pdf(briefing))).pages]
    assert len(pages) == 2
    assert _flat(briefing.slides()[0].blocks[0].empty) in pages[0]
    assert pages[1].count(_flat(VERY_LONG_NAME)) == 2  # the title and the table cell, both in full


def test_font_found_by_fontconfig_or_known_path_else_a_clear_error(monkeypatch, tmp_path):
    if P._fc_match("Regular") is None and P._known_path("Regular") is None:
        pytest.skip("Noto Sans CJK is not installed (apt-get install fonts-noto-cjk)")
    found = P.find_font("Regular")
    assert found.path.endswith(".ttc") and found.index == 2  # the SC face of the collection
    monkeypatch.setattr(P, "_fc_match", lambda style: None)
    monkeypatch.setattr(P, "KNOWN_FONT_DIRS", (str(tmp_path),))
    with pytest.raises(P.FontMissing, match="fonts-noto-cjk"):
        P.find_font("Regular", "en")
    (tmp_path / "NotoSansCJK-Bold.ttc").write_bytes(b"")
    assert P.find_font("Bold") == P.FontFile(str(tmp_path / "NotoSansCJK-Bold.ttc"), 2)
    monkeypatch.setenv("BRIEFING_CJK_FONT", f"{tmp_path / 'NotoSansCJK-Bold.ttc'}:3")
    assert P.find_font("Regular").index == 3


@pytest.mark.skipif(not shutil.which("pdftotext"), reason="poppler-utils is not installed")
def test_another_reader_extracts_the_text_cleanly(rendered):
    briefing, _, reader = rendered
    out = io.BytesIO()
    writer = PdfWriter()
    writer.add_page(reader.pages[1])
    writer.write(out)
    text = subprocess.run(["pdftotext", "-", "-"], input=out.getvalue(), capture_output=True, check=True).stdout
    heads = next(b for b in briefing.slides()[1].blocks if isinstance(b, B.Headlines))
    assert heads.items[0].value in text.decode("utf-8") and "\x00" not in text.decode("utf-8")


@pytest.mark.skipif(not shutil.which("pdftotext"), reason="poppler-utils is not installed")
def test_no_chinese_line_starts_with_closing_punctuation_and_figures_stay_whole():
    import datetime as dt

    from briefing.linebreak import NO_LINE_START

    # Items of varying length, so that many lines would otherwise break just before a 、 or inside a figure.
    text = "、".join(f"{'甲乙丙丁戊己庚'[: 1 + i % 7]}项目{1000 + i * 37:,}户" for i in range(60)) + "。"
    note = B.Note(text, "warning")
    columns = (B.Column("name", "项目名称"), B.Column("notes", "原因"))
    table = B.Table("red", columns, ((B.Cell("甲", "甲"), B.Cell(text, text)),))
    slide = B.Slide("red", "逾期项目", (note, B.Reasons((text, text[text.index("、", 40) + 1 :])), table))
    briefing = B.Briefing(
        "zh", dt.date(2021, 5, 1), "章丘区", "调度会", "第 1 版", "页脚", (), (B.Section(B.RED, "逾期", (slide,)),)
    )
    out = subprocess.run(
        ["pdftotext", "-layout", "-", "-"], input=P.render_pdf(briefing), capture_output=True, check=True
    ).stdout.decode("utf-8")
    lines = [line.strip() for line in out.splitlines() if line.strip()]
    assert len(lines) > 20  # the text did wrap, many times
    starts = [line for line in lines if line[0] in NO_LINE_START]
    assert starts == []
    assert all(re.fullmatch(r"\d{1,3}(,\d{3})*", m) for line in lines for m in re.findall(r"[\d,]+\d", line))


def _rows_per_page(rows: int, note: str = "") -> list[list[str]]:
    """The at-risk table's first cells on each page of a PDF of one table of ``rows`` rows of one height (each
    page also repeats the header), and ``note`` after it when given."""
    from tests.test_pptx import _long_table_briefing

    reader = PdfReader(io.BytesIO(P.render_pdf(_long_table_briefing(rows, note=note))))
    texts = [_flat(page.extract_text()) for page in reader.pages]
    assert all("项目名称" in text for text in texts)
    if note:  # on the last page only, under rows of the table
        assert [_flat(note) in text for text in texts] == [False] * (len(texts) - 1) + [True]
    return [re.findall(r"项目\d{3}", text) for text in texts]


@pytest.fixture(scope="module")
def filling():
    """How many rows filling each page to the brim puts on the first page and on each continuation."""
    from briefing.split import _runs

    saved, P.balanced_runs = P.balanced_runs, _runs
    try:
        pages = _rows_per_page(150)
    finally:
        P.balanced_runs = saved
    return len(pages[0]), len(pages[1])


@pytest.mark.parametrize("extra", [1, 2])
@pytest.mark.parametrize("full_pages", [1, 2])
def test_a_table_one_row_too_long_is_shared_out_over_the_pages(filling, full_pages, extra):
    first, further = filling
    rows = first + further * (full_pages - 1) + extra  # filling would end on a page of ``extra`` rows
    pages = _rows_per_page(rows)
    counts = [len(p) for p in pages]
    assert len(pages) == full_pages + 1 and max(counts) - min(counts) <= 1, counts  # never 30 + 1
    assert [name for page in pages for name in page] == [f"项目{i:03d}" for i in range(rows)]  # once, in order


def test_a_table_that_fills_its_page_exactly_does_not_continue(filling):
    assert [len(p) for p in _rows_per_page(filling[0])] == [filling[0]]


@pytest.mark.parametrize("extra", [-1, 0, 1])
def test_the_note_after_a_table_never_stands_on_a_page_of_its_own(filling, extra):
    from tests.test_pptx import CAPPED

    rows = filling[0] + extra  # around a page full: filling would leave the note alone on the next page
    counts = [len(p) for p in _rows_per_page(rows, note=CAPPED)]
    assert sum(counts) == rows and min(counts) >= 1 and max(counts) - min(counts) <= 1, counts
