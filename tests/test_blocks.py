"""The overview on a phone (390×844) in Debian's Chromium: headline figures two to a row, then the overdue and
at-risk projects as cards with every reason in full, nothing wider than the screen; on a desk, the table."""

from __future__ import annotations

import datetime as dt
import re

import pandas as pd
import pytest
from browser import *  # noqa: F403  (the server and browser fixtures)
from browser import open_signed_in, shot

from briefing import blocks as B
from briefing.build import risk_block
from briefing.source import load_data
from housing.datasets import DATA_DIR
from housing.status import OVERDUE, render, urgent_first
from ui.blocks import html_table, risk_cards, table_frame
from ui.escape import html_text

PHONE = {"width": 390, "height": 844}
# Any element in the main area wider than its box (a sideways scroll), except the ones that scroll by design
# (charts, data grids, the hidden risk table, the districts table in its own sideways-scrolling box).
OVERFLOW = """() => {
  const root = document.scrollingElement;
  const wide = [...document.querySelectorAll('[data-testid=stMain] *')].filter(e =>
      e.scrollWidth > e.clientWidth + 1 && getComputedStyle(e).overflowX !== 'visible'
      && e.offsetParent !== null
      && !e.closest('.js-plotly-plot, [data-testid=stDataFrame], .st-key-risk_table, .bf-scroll'));
  return {root: root.scrollWidth - root.clientWidth, wide: wide.map(e => e.className || e.tagName)};
}"""


def _open(browser, url: str, viewport: dict):
    context = browser.new_context(viewport=viewport, locale="zh-CN")
    page = context.new_page()
    open_signed_in(page, url)
    page.wait_for_selector("[data-testid='stMetric']", timeout=90_000)
    page.wait_for_selector(".js-plotly-plot", timeout=60_000)
    return context, page


def _first_red_reasons(lang: str) -> tuple[str, list[str]]:
    data = load_data(str(DATA_DIR / "sample_portfolio.xlsx"), dt.date(2026, 11, 21))
    red = urgent_first(data.projects)
    first = red[red["status"] == OVERDUE].iloc[0]
    return first["name"], [render(r, lang) for r in first["reasons"] if r[0] != "reason_stage"]


@pytest.mark.browser
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_phone_shows_figures_two_a_row_then_cards_with_every_reason(server, browser, lang):
    context, page = _open(browser, f"{server}/?as_of=2026-11-21&lang={lang}", PHONE)
    try:
        boxes = [m.bounding_box() for m in page.locator("[data-testid='stMetric']").all()[:3]]
        assert boxes[0]["y"] == pytest.approx(boxes[1]["y"], abs=2) and boxes[2]["y"] > boxes[0]["y"] + 20
        assert boxes[1]["x"] + boxes[1]["width"] <= PHONE["width"]
        assert not page.locator(".st-key-risk_table").is_visible()  # the wide table gives way to cards
        name, reasons = _first_red_reasons(lang)
        card = page.locator(".bf-card").first
        assert name in card.locator("h4").inner_text()
        card_top = page.evaluate(
            "() => document.querySelector('.bf-card').getBoundingClientRect().top"
            " + document.querySelector('[data-testid=stMain]').scrollTop"
        )
        assert card_top < 2 * PHONE["height"]  # on the first two screens
        card.scroll_into_view_if_needed()
        items = card.locator("li")
        assert [items.nth(i).inner_text() for i in range(items.count())] == reasons  # every reason, in full
        for i in range(items.count()):
            box = items.nth(i).bounding_box()
            assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"]
            assert items.nth(i).evaluate("e => e.scrollWidth <= e.clientWidth + 1")
        overflow = page.evaluate(OVERFLOW)
        assert overflow == {"root": 0, "wide": []}
        shot(page, f"overview_phone_{lang}")
    finally:
        context.close()


@pytest.mark.browser
def test_desk_shows_the_table_not_the_cards(server, browser):
    context, page = _open(browser, f"{server}/?as_of=2026-11-21", {"width": 1440, "height": 900})
    try:
        assert page.locator(".st-key-risk_table").is_visible() and not page.locator(".st-key-risk_cards").is_visible()
        boxes = [m.bounding_box() for m in page.locator("[data-testid='stMetric']").all()[:7]]
        assert len({round(b["y"]) for b in boxes}) == 1  # one row of figures
    finally:
        context.close()


@pytest.mark.browser
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_projector_shows_the_whole_risk_table(server, browser, lang):
    """At 1280×720 with the sidebar open the main column is 820 px: the risk table's smallest column widths
    (status, name, district, households, deadline, stage, reasons, unit) added up to 912 px, so the responsible
    unit ran off the right edge of the screen."""
    context, page = _open(browser, f"{server}/?as_of=2026-11-21&lang={lang}", {"width": 1280, "height": 720})
    try:
        page.wait_for_selector(".st-key-risk_table .bf-table", timeout=60_000)
        edges = page.evaluate(
            """() => ({table: document.querySelector('.st-key-risk_table .bf-table').getBoundingClientRect().right,
                       column: document.querySelector('.st-key-risk_table').getBoundingClientRect().right})"""
        )
        assert edges["table"] <= edges["column"] + 1, edges
    finally:
        context.close()


def _flagged(name: str, households) -> pd.DataFrame:
    reasons = (("reason_overdue", {"days": 31, "deadline": dt.date(2021, 3, 31)}), ("reason_stage", {"stage_id": None}))
    return pd.DataFrame(
        {
            "status": [OVERDUE],
            "name": [name],
            "district": ["章丘区"],
            "households": [households],
            "deadline": [pd.Timestamp("2021-03-31")],
            "stage": ["主体施工"],
            "reasons": [reasons],
            "unit": ["区住建局"],
        }
    )


def test_cards_escape_workbook_text_and_list_every_reason():
    block = risk_block(_flagged('<img src=x onerror="alert(1)">', 656), "zh")
    cards = risk_cards(block, {"households": "安置户数", "deadline": "计划交付日期"})
    assert "<img" not in cards and "&lt;img src=x onerror=&quot;alert(1)&quot;&gt;" in cards
    assert "安置户数 656" in cards and "计划交付日期 2021年3月31日" in cards and "主体施工" in cards
    # a phone wraps the facts line between facts, never inside a date (2021年3月31 / 日) or a labelled figure
    assert '<span style="white-space:nowrap">计划交付日期 2021年3月31日</span>' in cards
    assert '<span style="white-space:nowrap">安置户数 656</span>' in cards
    reasons = block.rows[0][[c.key for c in block.columns].index("reasons")].text
    assert cards.count("<li>") == len([r for r in reasons.split("；") if r]) >= 1


def test_a_blank_figure_is_left_off_the_card_and_the_table_keeps_numbers():
    block = risk_block(_flagged("西琅沟", None), "zh")
    assert "安置户数" not in risk_cards(block, {"households": "安置户数"})
    frame = table_frame(risk_block(_flagged("西琅沟", 1802), "en"))
    assert frame["Households"].tolist() == [1802] and frame["Status"].tolist() == ["■ Overdue"]
    assert isinstance(block, B.Table) and block.statuses == (OVERDUE,)


def test_the_html_table_escapes_every_cell_keeps_every_text_and_colours_the_status():
    flagged = _flagged('<img src=x onerror="alert(1)">', 2_600).assign(unit="区住建局" + "长" * 600)
    block = risk_block(flagged, "zh")
    table = html_table(block, {"name": ['detail?name=<a">']})
    assert "<img" not in table and "&lt;img src=x onerror=&quot;alert(1)&quot;&gt;" in table
    assert '<a href="detail?name=&lt;a&quot;&gt;" target="_self">' in table  # the link's URL is an attribute, quoted
    assert "长" * 600 in table and "…" not in table  # a text far longer than a cell: in full, it wraps
    reasons = block.rows[0][[c.key for c in block.columns].index("reasons")].text
    assert f'<td class="bf-reasons">{html_text(reasons)}</td>' in table and "已逾期31天" in reasons
    assert '<span style="white-space:nowrap">2021年3月31日</span>' in table  # not 2021年3 / 月31日 on two lines
    assert 'class="bf-status-cell" style="background:#CC3311">■ 已逾期</td>' in table
    assert '<td class="bf-num">2,600</td>' in table and '<td class="bf-date">2021年3月31日</td>' in table
    assert len(re.findall(r"<th[ >]", table)) == len(block.columns) and table.count("<tr>") == 2
    assert '<th class="bf-num">安置户数</th>' in table and "<th>区县</th>" in table  # figures' headings over them
