"""ui.slides: text measurement, continuation slides by the text-length budget, HTML of every block kind, and
the renderer in AppTest (tests/present_sample.py draws the hand-made briefing of tests/briefings.py)."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from briefing import blocks as B
from housing.statuses import AT_RISK, OVERDUE, STATUS_COLORS
from tests.briefings import LONG_REASON, PROJECTS, _table, sample_briefing, sample_briefing_en
from ui import slides as S
from ui.escape import html_text

SAMPLE_PAGE = str(Path(__file__).with_name("present_sample.py"))
HOSTILE = '<img src=x onerror="alert(1)"><script>alert(2)</script>&amp;'


@pytest.mark.parametrize(
    ("text", "width", "lines"),
    [
        ("", 10, 1),
        ("章丘区", 4, 1),  # 3 em and the 1 em kept free for punctuation
        ("章丘区", 3.5, 2),
        ("章" * 30, 11, 3),  # 10 characters a line
        ("handed over on time", 40, 1),
        ("handed over on time", 8, 2),  # words are not broken: "handed over " / "on time"
        ("handed over on time", 6, 3),  # "handed " / "over on " / "time"
        ("x" * 40, 11, 3),  # one long word (24.8 em) breaks anywhere: 10 em a line
    ],
)
def test_line_count_wraps_as_a_browser_does(text, width, lines):
    assert S.line_count(text, width) == lines


@pytest.mark.parametrize(("char", "em"), [("章", 1.0), ("（", 1.0), ("▲", 1.0), ("■", 1.0), ("a", 0.56), ("7", 0.56)])
def test_character_widths(char, em):
    assert S.char_em(char) == em


def test_column_widths_fill_the_slide_and_cap_only_the_widest():
    table = _table("yellow", PROJECTS, AT_RISK)
    widths = S.column_widths(table)
    assert sum(widths) == pytest.approx(S.CONTENT_W)
    reasons = widths[-1]
    assert reasons == max(widths)  # the long reasons column takes the room the others leave
    assert all(S.text_em(row[2].text) + 2 * S.CELL_PAD_X + 1 <= widths[2] + 1e-9 for row in table.rows)


def _slide(*blocks: B.Block, title: str = "有风险的项目") -> B.Slide:
    return B.Slide("s", title, tuple(blocks))


def _reasons(count: int) -> B.Reasons:
    return B.Reasons(tuple(f"{i + 1}. {LONG_REASON}" for i in range(count)))


def _rows(count: int) -> B.Table:
    return _table("yellow", (PROJECTS * 3)[:count], AT_RISK)


@pytest.mark.parametrize(
    ("slide", "lang", "pages"),
    [
        (_slide(B.Note("截至2021年5月1日")), "zh", 1),
        (_slide(_rows(3)), "zh", 1),
        (_slide(_rows(30)), "zh", 4),
        (_slide(_rows(90)), "en", 12),
        (_slide(_reasons(3)), "zh", 1),
        (_slide(_reasons(40)), "zh", 4),
        (_slide(B.Facts((("区县", "章丘区"),) * 6), _reasons(20)), "en", 3),
        (_slide(_rows(0)), "zh", 1),
    ],
)
def test_paginate_splits_long_content_into_continuation_slides(slide, lang, pages):
    parts = S.paginate(slide, lang)
    assert len(parts) == pages
    suffix = "（续）" if lang == "zh" else " (continued)"
    assert [p.title for p in parts] == [slide.title] + [slide.title + suffix] * (pages - 1)
    for part in parts:  # every part fits its body by the same budget
        assert sum(S.block_height(b) + S.GAP for b in part.blocks) <= S.CONTENT_H + 1e-9
    rows = [row for p in parts for b in p.blocks if isinstance(b, B.Table) for row in b.rows]
    reasons = [r for p in parts for b in p.blocks if isinstance(b, B.Reasons) for r in b.items]
    assert rows == [row for b in slide.blocks if isinstance(b, B.Table) for row in b.rows]  # all, in order
    assert reasons == [r for b in slide.blocks if isinstance(b, B.Reasons) for r in b.items]
    tables = [b for p in parts for b in p.blocks if isinstance(b, B.Table)]
    assert all(t.columns == tables[0].columns for t in tables)  # the header is repeated
    assert all(len(t.statuses) == len(t.rows) for t in tables)


def test_a_long_title_leaves_less_room():
    long = "埠村街道安置区" * 8
    short, wrapped = S.paginate(_slide(_rows(30)), "zh"), S.paginate(_slide(_rows(30), title=long), "zh")
    assert len(wrapped) >= len(short)
    assert S.title_height(long) > 0 == S.title_height("总体情况")


def test_the_deck_keeps_every_slide_and_marks_the_cover():
    briefing = sample_briefing()
    deck = S.deck(briefing)
    assert [cover for _, cover in deck] == [True] + [False] * (len(deck) - 1)
    assert len(deck) > len(briefing.slides())  # the 30-row table is continued
    assert {s.title for s, _ in deck} >= {s.title for s in briefing.slides()}


@pytest.mark.parametrize(
    ("text", "count", "number"),
    [(None, 5, 1), ("3", 5, 3), ("-1", 5, 1), ("0", 5, 1), ("99999", 5, 5), ("abc", 5, 1), ("²", 5, 1),
     (" 2 ", 5, 2), ("1" * 30, 5, 1), ("3", 0, 1)],
)  # fmt: skip
def test_slide_number_from_a_hostile_url(text, count, number):
    assert S.slide_number(text, count) == number


@pytest.mark.parametrize(
    ("block", "expected"),
    [
        (B.Headlines((B.Headline("hh", "安置户数", "7,253", "户", "目标 9,000 户", OVERDUE),)), "pr-figure"),
        (_rows(2), "<table"),
        (B.Facts((("区县", "章丘区"),)), "pr-fact"),
        (B.Reasons(("原因一", "原因二")), "<li>原因二</li>"),
        (B.Note("说明", "warning"), "pr-warning"),
    ],
)
def test_every_text_block_kind_has_html(block, expected):
    html = S.HTML[type(block)](block)
    assert expected in html
    assert "…" not in html and "..." not in html  # nothing is shortened


def test_status_colours_come_from_the_catalogue_of_statuses():
    html = S.headlines_html(B.Headlines((B.Headline("o", "已逾期", "2", status=OVERDUE),)))
    assert f"--status:{STATUS_COLORS[OVERDUE]}" in html
    assert f"--status:{STATUS_COLORS[AT_RISK]}" in S.table_html(_rows(1))


@pytest.mark.parametrize(
    "block",
    [
        B.Note(HOSTILE),
        B.Reasons((HOSTILE,)),
        B.Facts(((HOSTILE, HOSTILE),)),
        B.Headlines((B.Headline("k", HOSTILE, HOSTILE, HOSTILE, HOSTILE),)),
        B.Table("t", (B.Column("n", HOSTILE),), ((B.Cell(HOSTILE, HOSTILE),),)),
    ],
)
def test_user_text_is_never_markup(block):
    for html in (S.HTML[type(block)](block), S.PHONE_HTML[type(block)](block)):
        assert "<img" not in html and "<script" not in html
        assert "&lt;script&gt;" in html and "&amp;amp;" in html


def test_phone_cards_give_every_row_and_reason_in_full():
    table = _rows(30)
    cards = S.row_cards_html(table)
    assert cards.count('class="pr-rowcard"') == 30
    assert cards.count(html_text(LONG_REASON)) == sum(row[-1].text == LONG_REASON for row in table.rows)
    assert "计划交付日期" in cards and "2021年6月30日" in cards


def test_phone_order_puts_the_projects_first_and_leaves_out_their_stage_charts():
    briefing = sample_briefing()
    order = [slide.key for slide, _ in S.phone_slides(briefing)]
    assert order[:5] == ["title", "headline", "red_0", "red_1", "yellow"]
    red = replace(briefing.slides()[2], blocks=(*briefing.slides()[2].blocks, briefing.slides()[-2].blocks[0]))
    assert not any(isinstance(p, B.Chart) for p in S.phone_runs(red, charts=False))
    assert sum(isinstance(p, B.Chart) for p in S.phone_runs(red)) == 1


def _sample(slide: int | str) -> AppTest:
    at = AppTest.from_file(SAMPLE_PAGE, default_timeout=60)
    at.query_params["slide"] = str(slide)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def _html(at: AppTest) -> str:
    return "\n".join(element.proto.body for element in at.get("html"))


def _counter(at: AppTest) -> str:
    return next(e.proto.body for e in at.get("html") if "pr-counter" in e.proto.body)


@pytest.mark.parametrize(
    ("slide", "shows", "charts"),
    [
        (1, ["pr-cover", "章丘区安置房交付调度会"], 0),
        (2, ["pr-tiles", "7,253"], 0),
        (3, ["pr-facts", "pr-reasons", html_text(LONG_REASON)[:20]], 0),
        (5, ["<table", "有风险的项目", "埠村街道安置区00号地块"], 0),
        (6, ["有风险的项目（续）", "<thead>"], 0),
        (9, ["数据来自第 12 版。"], 1),
    ],
)
def test_the_renderer_draws_each_block_kind(slide, shows, charts):
    at = _sample(slide)
    body = _html(at)
    for text in shows:
        assert text in body
    assert "济南市章丘区 · 截至2021年5月1日 · 第 12 版" in body  # the footer on every slide
    assert len(at.get("plotly_chart")) == charts + 1  # + the districts chart in the phone's cards


def test_step_buttons_move_through_the_url():
    at = _sample(1)
    count = len(S.deck(sample_briefing()))
    assert _counter(at).endswith(f">1 / {count}</span>")
    assert at.button(key="pr_prev").disabled
    at.button(key="pr_next").click().run()
    assert at.query_params["slide"] == ["2"] or at.query_params["slide"] == "2"
    assert f">2 / {count}<" in _counter(at)
    last = _sample(count)
    assert last.button(key="pr_next").disabled


@pytest.mark.parametrize(("given", "last"), [("-1", False), ("99999", True), ("abc", False), ("", False)])
def test_a_hostile_slide_number_shows_a_slide(given, last):
    count = len(S.deck(sample_briefing()))
    shown = count if last else 1
    at = _sample(given)
    assert f">{shown} / {count}<" in _counter(at)
    assert str(at.query_params["slide"]).strip("[]'") == str(shown)


def test_the_deck_is_laid_out_once_per_briefing_key():
    """``kept_deck`` gives exactly ``deck``'s slides, laid out once for a key (the same object again on the next
    click), afresh for another key; without a key it lays them out each time."""
    briefing = sample_briefing()
    first = S.kept_deck(briefing, ("db", "v1", "zh"))
    assert list(first) == S.deck(briefing)
    assert S.kept_deck(briefing, ("db", "v1", "zh")) is first
    other = S.kept_deck(sample_briefing_en(), ("db", "v1", "en"))
    assert other is not first and list(other) == S.deck(sample_briefing_en())
    assert S.kept_deck(briefing, None) == S.deck(briefing)


def _filled(slide: B.Slide, lang: str = "zh") -> int:
    """How many rows the first slide of ``slide`` holds when filled to the brim (the old split)."""
    from briefing.split import _runs

    saved, S.balanced_runs = S.balanced_runs, _runs
    try:
        return len(S.paginate(slide, lang)[0].blocks[0].rows)
    finally:
        S.balanced_runs = saved


@pytest.mark.parametrize("extra", [1, 2])
def test_a_table_one_row_longer_than_a_slide_is_shared_out_not_left_with_one_row(extra):
    full = _filled(_slide(_rows(90)))
    rows = full + extra  # filled to the brim: ``full`` rows and a slide of ``extra`` rows
    parts = S.paginate(_slide(_rows(rows)), "zh")
    counts = [len(b.rows) for p in parts for b in p.blocks]
    assert len(parts) == 2 and sum(counts) == rows and max(counts) - min(counts) <= 1, counts
    assert len(S.paginate(_slide(_rows(full)), "zh")) == 1  # exactly a slide full: no continuation


def test_a_date_in_a_table_cell_or_reason_stays_on_one_line():
    """A narrow reasons column broke "(deadline 2023-02-11)" after "2023-" on a 1280×720 projector."""
    table = B.Table(
        "late",
        (B.Column("name", "Project"), B.Column("reasons", "Reasons")),
        ((B.Cell("A", "A"), B.Cell(None, "31 days overdue (deadline 2023-02-11)")),),
    )
    whole = '<span style="white-space:nowrap">{}</span>'
    assert whole.format("2023-02-11") in S.table_html(table)
    assert whole.format("2023年3月6日") in S.reasons_html(B.Reasons(("计划交付日期推迟至2023年3月6日",)))
    assert whole.format("2023-02-11") in S.row_cards_html(table)  # the phone's cards too
