"""One briefing, four renderings that say the same: for the bundled sample (56 projects, as of 2026-11-21), in
both languages, the headline figures, the red projects and every reason of each are identical in the
presentation (``ui.slides`` HTML), the PPTX deck, the PDF and the phone cards, and the figures are the
overview's.

Each rendering is read back as units of text, each with its title: a projector slide, a deck slide, a PDF page
(its header is the slide's title), a phone card. Text is compared with whitespace and NULs removed, since each
renderer wraps lines (and a Chinese line breaks anywhere).
"""

from __future__ import annotations

import datetime as dt
import html
import io
import re
from dataclasses import dataclass
from pathlib import Path

import pytest
from app_pages import open_page
from pptx import Presentation
from pypdf import PdfReader

from briefing import blocks as B
from briefing.build import build_briefing
from briefing.cli import read_workbook
from briefing.pdf import render_pdf
from briefing.pptx import render_pptx
from briefing.source import load_data
from housing.i18n import t
from ui import slides as S

SAMPLE = Path(__file__).resolve().parent.parent / "data" / "sample_portfolio.xlsx"
AS_OF = dt.date(2026, 11, 21)
_SPACE = re.compile(r"[\s\x00]+")
_TAG = re.compile(r"<[^>]+>")


def norm(text: str) -> str:
    """Text without whitespace or NULs (each renderer breaks lines its own way)."""
    return _SPACE.sub("", text)


@dataclass(frozen=True)
class Unit:
    """One slide, page or card of a rendering: its title and all its text (both normalised)."""

    title: str
    text: str


def html_text(markup: str) -> str:
    """The text a browser shows for ``markup`` (tags dropped, entities read)."""
    return html.unescape(_TAG.sub(" ", markup))


def _title_in(markup: str, pattern: str) -> str:
    found = re.search(pattern, markup)
    return html.unescape(found.group(1)) if found else ""


def presentation_units(b: B.Briefing) -> list[Unit]:
    """The projector's slides (continuations included) as ``ui.slides`` draws them."""
    units = []
    for page, cover in S.deck(b):
        markup = S.head_html(page, cover) + "".join(p for p in S.runs(page.blocks) if isinstance(p, str))
        units.append(Unit(norm(_title_in(markup, r'<h1 class="pr-title">([^<]*)</h1>')), norm(html_text(markup))))
    return units


def phone_units(b: B.Briefing) -> list[Unit]:
    """The phone's cards, one unit per briefing slide."""
    units = []
    for slide, charts in S.phone_slides(b):
        markup = "".join(p for p in S.phone_runs(slide, charts) if isinstance(p, str))
        units.append(Unit(norm(_title_in(markup, r'<h2 class="pr-card-title">([^<]*)</h2>')), norm(html_text(markup))))
    return units


def _shape_texts(shape) -> list[str]:
    if shape.has_text_frame:
        return [shape.text_frame.text]
    if getattr(shape, "has_table", False) and shape.has_table:
        return [cell.text for row in shape.table.rows for cell in row.cells]
    return []


def pptx_units(data: bytes) -> list[Unit]:
    """The deck's slides: the title placeholder's text and every text on the slide (tables included)."""
    units = []
    for slide in Presentation(io.BytesIO(data)).slides:
        title = slide.shapes.title.text_frame.text if slide.shapes.title is not None else ""
        texts = [text for shape in slide.shapes for text in _shape_texts(shape)]
        units.append(Unit(norm(title), norm("\n".join(texts))))
    return units


def pdf_units(data: bytes) -> list[Unit]:
    """The PDF's pages as a reader extracts them; a page's title is where its text starts (the header)."""
    units = []
    for page in PdfReader(io.BytesIO(data)).pages:
        text = norm(page.extract_text())
        units.append(Unit(text, text))
    return units


def headline_pairs(b: B.Briefing) -> list[tuple[str, str]]:
    """Each headline figure's label and value, in order."""
    (slide,) = [s for sec in b.sections if sec.key == B.HEADLINE for s in sec.slides]
    (block,) = [block for block in slide.blocks if isinstance(block, B.Headlines)]
    return [(h.label, h.value) for h in block.items]


def red_projects(b: B.Briefing) -> list[tuple[str, tuple[str, ...]]]:
    """Each red project's name and reasons, in the briefing's order."""
    red = [s for sec in b.sections if sec.key == B.RED for s in sec.slides]
    return [(s.title, next(bl.items for bl in s.blocks if isinstance(bl, B.Reasons))) for s in red]


def belongs(unit: Unit, title: str, pdf: bool) -> bool:
    """Whether ``unit`` is (a page of) the slide titled ``title``: its title, or the title "continued"."""
    lang_titles = {norm(title), *(norm(t("deck_continued", lang, title=title)) for lang in ("zh", "en"))}
    lang_titles |= {norm(t("pr_continued", lang, title=title)) for lang in ("zh", "en")}
    if pdf:  # a page's text starts with its header
        return any(unit.title.startswith(name) for name in lang_titles)
    return unit.title in lang_titles


@pytest.fixture(scope="module", params=["zh", "en"])
def rendered(request):
    """The sample's briefing in one language and its four renderings as units."""
    lang = request.param
    data = load_data(str(SAMPLE), AS_OF, thresholds=None, reader=read_workbook)
    b = build_briefing(data, lang, (), B.SECTIONS)
    return b, {
        "presentation": presentation_units(b),
        "pptx": pptx_units(render_pptx(b)),
        "pdf": pdf_units(render_pdf(b)),
        "phone": phone_units(b),
    }


def units_of(units: list[Unit], title: str, kind: str) -> list[Unit]:
    return [u for u in units if belongs(u, title, kind == "pdf")]


KINDS = ["presentation", "pptx", "pdf", "phone"]


@pytest.mark.parametrize("kind", KINDS)
def test_the_headline_figures_are_the_same_in_every_rendering(rendered, kind):
    b, renderings = rendered
    title = t("bf_sec_headline", b.lang)
    text = "".join(u.text for u in units_of(renderings[kind], title, kind))
    pairs = headline_pairs(b)
    assert len(pairs) == 7 and text
    for label, value in pairs:
        assert norm(label) in text and norm(value) in text, (kind, label, value)
    # each label is followed by its own value (not by another figure's)
    positions = [text.index(norm(label)) for label, _ in pairs]
    for (label, value), start in zip(pairs, positions, strict=True):
        assert norm(value) in text[start : start + len(norm(label)) + 40], (kind, label, value)


@pytest.mark.parametrize("kind", KINDS)
def test_the_red_projects_and_every_reason_are_the_same_in_every_rendering(rendered, kind):
    b, renderings = rendered
    red = red_projects(b)
    assert len(red) == 7 and all(reasons for _, reasons in red)
    units = renderings[kind]
    # the red projects have their own slides / pages / cards, in the briefing's order
    firsts = [next(i for i, u in enumerate(units) if belongs(u, name, kind == "pdf")) for name, _ in red]
    assert firsts == sorted(firsts), kind
    for name, reasons in red:
        text = "".join(u.text for u in units_of(units, name, kind))
        for reason in reasons:
            assert norm(reason) in text, (kind, name, reason)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_briefings_figures_are_the_overviews(lang):
    data = load_data(str(SAMPLE), AS_OF, thresholds=None, reader=read_workbook)
    pairs = headline_pairs(build_briefing(data, lang, (), (B.HEADLINE,)))
    at = open_page("views/overview.py", lang=lang)  # the published sample (the same workbook), as of the same day
    assert [(m.label, m.value) for m in at.metric] == pairs
