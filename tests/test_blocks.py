"""The overview on a phone (390×844) in Debian's Chromium: headline figures two to a row, then the overdue and
at-risk projects as cards with every reason in full, nothing wider than the screen; on a desk, the table."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys

import pytest
from test_browser import CHROMIUM_ARGS, ROOT, _free_port, _require_chromium, _shot, _wait_healthy

from briefing.source import load_data
from housing.datasets import DATA_DIR
from housing.status import OVERDUE, render, urgent_first

pytestmark = pytest.mark.browser
PHONE = {"width": 390, "height": 844}
# Any element in the main area wider than its box (a sideways scroll), except the ones that scroll by design.
OVERFLOW = """() => {
  const root = document.scrollingElement;
  const wide = [...document.querySelectorAll('[data-testid=stMain] *')].filter(e =>
      e.scrollWidth > e.clientWidth + 1 && getComputedStyle(e).overflowX !== 'visible'
      && e.offsetParent !== null && !e.closest('.js-plotly-plot, [data-testid=stDataFrame], .st-key-risk_table'));
  return {root: root.scrollWidth - root.clientWidth, wide: wide.map(e => e.className || e.tagName)};
}"""


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """The app on its own port (``BROWSER_PORT``, else a free one) and its own database."""
    port = int(os.environ.get("BROWSER_PORT") or _free_port())
    database = f"sqlite:///{tmp_path_factory.mktemp('phone') / 'app.db'}"
    command = [sys.executable, "-m", "streamlit", "run", "app.py", "--server.port", str(port)]
    command += ["--server.address", "127.0.0.1", "--server.headless", "true"]
    env = {**os.environ, "DATABASE_URL": database}
    process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_healthy(url, process)
        yield url
    finally:
        process.terminate()
        process.wait(timeout=20)


@pytest.fixture(scope="module")
def browser():
    executable = _require_chromium()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        yield launched
        launched.close()


def _open(browser, url: str, viewport: dict):
    context = browser.new_context(viewport=viewport, locale="zh-CN")
    page = context.new_page()
    page.goto(url)
    page.wait_for_selector("[data-testid='stMetric']", timeout=90_000)
    page.wait_for_selector(".js-plotly-plot", timeout=60_000)
    return context, page


def _first_red_reasons(lang: str) -> tuple[str, list[str]]:
    data = load_data(str(DATA_DIR / "sample_portfolio.xlsx"), dt.date(2026, 11, 21))
    red = urgent_first(data.projects)
    first = red[red["status"] == OVERDUE].iloc[0]
    return first["name"], [render(r, lang) for r in first["reasons"] if r[0] != "reason_stage"]


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
        _shot(page, f"overview_phone_{lang}")
    finally:
        context.close()


def test_desk_shows_the_table_not_the_cards(server, browser):
    context, page = _open(browser, f"{server}/?as_of=2026-11-21", {"width": 1440, "height": 900})
    try:
        assert page.locator(".st-key-risk_table").is_visible() and not page.locator(".st-key-risk_cards").is_visible()
        boxes = [m.bounding_box() for m in page.locator("[data-testid='stMetric']").all()[:7]]
        assert len({round(b["y"]) for b in boxes}) == 1  # one row of figures
    finally:
        context.close()
