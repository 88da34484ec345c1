"""Presentation mode in Debian's headless Chromium: keys and clicker keys step through the slides, the URL keeps
the slide, nothing overflows at 1280×720, the type is large enough at 1920×1080, and a phone gets cards.

The served app and the browser are those of tests/test_browser.py (skipped with a reason without chromium).
Set ``SCREENSHOT_DIR`` to keep screenshots of every slide.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from browser import *  # noqa: F403  (the served app, headless Chromium)
from browser import open_signed_in, sign_in

pytestmark = pytest.mark.browser
AS_OF = "as_of=2026-11-21"
# Every element within the window; the slide's body above its footer, the footer inside the slide.
OVERFLOW = """() => {
  const bad = [];
  for (const el of document.querySelectorAll("body *")) {
    if (el.closest("svg") || getComputedStyle(el).display === "none") continue;
    if (el.scrollWidth > innerWidth + 1 || el.scrollHeight > innerHeight + 1)
      bad.push(`${el.tagName}.${el.className} ${el.scrollWidth}x${el.scrollHeight}`);
  }
  const slide = document.querySelector(".st-key-pr_slide").getBoundingClientRect();
  const foot = document.querySelector(".pr-foot").getBoundingClientRect();
  const parts = [...document.querySelectorAll(".st-key-pr_slide > *")].slice(0, -1);
  const lowest = Math.max(...parts.map((p) => p.getBoundingClientRect().bottom));
  if (lowest > foot.top + 1) bad.push(`body ends at ${lowest}, below the footer at ${foot.top}`);
  if (foot.bottom > slide.bottom + 1 || slide.bottom > innerHeight) bad.push("footer outside the slide");
  return bad;
}"""
SMALLEST = """(selector) => Math.min(...[...document.querySelectorAll(selector)]
  .filter((el) => el.innerText.trim()).map((el) => parseFloat(getComputedStyle(el).fontSize)))"""


@pytest.fixture
def viewport(browser):  # noqa: F811
    contexts = []

    def open_at(width: int, height: int, **options):
        context = browser.new_context(viewport={"width": width, "height": height}, locale="zh-CN", **options)
        contexts.append(context)
        return context.new_page()

    yield open_at
    for context in contexts:
        context.close()


def _counter(page) -> tuple[int, int]:
    number, count = page.inner_text(".pr-counter").split("/")
    return int(number), int(count)


def _wait_for_slide(page, number: int) -> None:
    # The key handler is a script element of its own: on a loaded machine it can mount after the counter,
    # and a key pressed before it is lost (CI once waited 60 s for a slide that was never asked for).
    page.wait_for_function(
        """(n) => { const c = document.querySelector('.pr-counter');
                    return c && c.innerText.trim().startsWith(n + ' /') && window.__prKeys
                      && !document.querySelector('[data-stale=true]'); }""",
        arg=number,
        timeout=60_000,
    )
    page.wait_for_timeout(300)  # the chart, if any, lays itself out


def _open(page, url: str, number: int = 1) -> None:
    open_signed_in(page, url)  # a new session: sign in, and the link's slide opens
    page.wait_for_selector(".pr-counter", timeout=90_000)
    _wait_for_slide(page, number)


def _url_slide(page) -> int:
    found = re.search(r"[?&]slide=(\d+)", page.url)
    assert found, page.url
    return int(found.group(1))


def _shot(page, name: str) -> None:
    folder = os.environ.get("SCREENSHOT_DIR")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(folder) / f"{name}.png"))


def test_keys_step_through_the_slides_and_a_reload_stays_put(server, viewport):  # noqa: F811
    page = viewport(1280, 720)
    _open(page, f"{server}/present?{AS_OF}")
    assert _counter(page)[0] == 1
    for key, number in [("ArrowRight", 2), ("PageDown", 3), (" ", 4), ("ArrowLeft", 3), ("PageUp", 2)]:
        page.keyboard.press(key)
        _wait_for_slide(page, number)
        assert _url_slide(page) == number
    page.reload()
    page.wait_for_selector(".pr-counter, [data-testid='stForm']", timeout=90_000)
    if page.locator("[data-testid='stForm']").count():  # a new session: sign in again, the URL's slide opens
        sign_in(page)
    page.wait_for_selector(".pr-counter", timeout=90_000)
    _wait_for_slide(page, 2)
    assert _counter(page)[0] == 2
    page.keyboard.press("PageUp")
    _wait_for_slide(page, 1)
    page.keyboard.press("PageUp")  # nothing before the first slide
    page.wait_for_timeout(500)
    assert _counter(page)[0] == 1 and _url_slide(page) == 1
    page.get_by_role("button", name="下一页").click()  # the buttons outside the slide too
    _wait_for_slide(page, 2)
    assert page.locator("[data-testid='stSidebar']").is_hidden()
    assert page.locator("header[data-testid='stHeader']").is_hidden()


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_nothing_overflows_on_any_slide_at_1280x720(server, viewport, lang):  # noqa: F811
    page = viewport(1280, 720)
    _open(page, f"{server}/present?{AS_OF}&lang={lang}")
    count = _counter(page)[1]
    assert count > 10
    for number in range(1, count + 1):
        if number > 1:
            page.keyboard.press("ArrowRight")
            _wait_for_slide(page, number)
        assert page.evaluate(OVERFLOW) == [], f"slide {number}"
        assert "…" not in page.inner_text(".st-key-pr_slide")
        _shot(page, f"present_{lang}_1280x720_{number:02d}")


def test_type_is_large_enough_at_1920x1080(server, viewport):  # noqa: F811
    page = viewport(1920, 1080)
    sizes = {}
    for section in ("headline", "red", "yellow"):  # slide 2: the section's first slide, after the title
        _open(page, f"{server}/present?{AS_OF}&slide=2&sections={section}", 2)
        sizes[section] = page.evaluate(SMALLEST, ".st-key-pr_slide :is(td, th, li, .pr-note, .pr-label, .pr-value)")
        assert page.evaluate(OVERFLOW) == [], section
    assert min(sizes.values()) >= 24, sizes
    _open(page, f"{server}/present?{AS_OF}&slide=2&sections=headline", 2)
    assert page.evaluate(SMALLEST, ".st-key-pr_slide .pr-figure") >= 48
    assert page.evaluate(SMALLEST, ".st-key-pr_slide .pr-title") >= 40


def test_a_phone_gets_the_briefing_as_cards(server, viewport):  # noqa: F811
    page = viewport(390, 844, device_scale_factor=2, is_mobile=True, has_touch=True)
    open_signed_in(page, f"{server}/present?{AS_OF}")
    page.wait_for_selector(".st-key-pr_phone .pr-card", timeout=90_000)
    page.wait_for_timeout(1000)
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    assert page.locator(".st-key-pr_slide").is_hidden()
    tiles = page.locator(".st-key-pr_phone .pr-tiles").first.locator(".pr-tile")
    first, second = tiles.nth(0).bounding_box(), tiles.nth(1).bounding_box()
    assert first["y"] == second["y"] and first["x"] < second["x"]  # two figures a row
    red = page.locator(".st-key-pr_phone .pr-card", has=page.locator(".pr-reasons")).first
    assert red.bounding_box()["y"] < 2 * 844  # which projects, and why: on the first two screens
    wide = page.evaluate(
        "[...document.querySelectorAll('.st-key-pr_phone *')].filter(e => e.getBoundingClientRect().right > 391).length"
    )
    assert wide == 0
    charts = page.locator("[class*='st-key-pr_phone_chart_']")
    timelines = [charts.nth(i).bounding_box()["height"] for i in range(charts.count() - 3, charts.count())]
    assert max(timelines) >= 150 + 19 * 22  # the timeline's slides (the last three) at their height: 22 px a row
    _shot(page, "present_phone_zh")
