"""Hostile text in the real browser (``ui.escape``): the app served by ``streamlit run`` on a database whose
current version has Markdown links and images, raw HTML and ``javascript:`` URLs in every user-written field
(``tests/hostile.py``). The DOM must show that text as typed, with no image fetched from elsewhere and no link
taken from the data, in the page and in the Plotly figures.

Uses the server and Chromium fixtures of ``tests/browser.py`` (skipped without chromium, failed under CI).
"""

from __future__ import annotations

import pytest
from browser import *  # noqa: F403 - the fixtures: the served app, headless Chromium, a tab
from browser import open_signed_in
from hostile import ATTACK, EVIL, publish_hostile

pytestmark = pytest.mark.browser
# The page shows ``text`` (the word joiners ui.escape puts into URLs to stop autolinking are invisible).
SHOWS = "(text) => document.body.innerText.replaceAll('\\u2060', '').includes(text)"

# Every <img> whose source is not this server (or inline data), every link (HTML or SVG) the data made into a
# script URL or a way off this server, and any script the data would have added.
FOREIGN = r"""(origin) => {
    const imgs = [...document.querySelectorAll('img')].map(i => i.getAttribute('src') || '')
        .filter(s => !(s.startsWith('/') || s.startsWith(origin) || s.startsWith('data:') || s.startsWith('blob:')
                       || s.startsWith('./') || !/^[a-z]+:/i.test(s)));
    const links = [...document.querySelectorAll('a')]
        .map(a => a.getAttribute('href') || a.getAttribute('xlink:href') || '')
        .filter(h => !h.startsWith('#'))  // '#…': a heading's anchor
        // a link of our own may carry hostile text encoded in its query (the risk list's project links): only
        // a script URL, or a link leaving this server, is the data's doing
        .filter(h => /^\s*javascript:/i.test(h) || (new URL(h, location.href).origin !== location.origin
                                                     && /evil/i.test(h)));
    const scripts = [...document.querySelectorAll('script')].filter(s => /alert/.test(s.textContent)).length;
    return {imgs, links, scripts};
}"""


@pytest.fixture(scope="module")
def database(tmp_path_factory) -> str:
    """The served app's database: the sample as version 1, the hostile version 2 current."""
    from housing.datasets import SAMPLES
    from loaders import load_workbook
    from store import versions as V
    from store.db import open_database

    url = f"sqlite:///{tmp_path_factory.mktemp('hostile_browser') / 'app.db'}"
    db = open_database(url)
    sample = SAMPLES["portfolio"]
    result = load_workbook(sample.path)
    V.publish_if_empty(
        db,
        result.projects,
        content=sample.path.read_bytes(),
        filename=sample.file,
        issues=result.issues,
        uploader="系统 (示例数据)",
        stage_dates=result.stage_dates,
    )
    publish_hostile(db)
    return url


def _assert_nothing_foreign(tab, origin: str) -> None:
    found = tab.evaluate(FOREIGN, origin)
    assert found == {"imgs": [], "links": [], "scripts": 0}, found


def _open(tab, url: str) -> None:
    open_signed_in(tab, url)
    tab.wait_for_selector("[data-testid='stMetric']", timeout=90_000)
    tab.wait_for_selector(".js-plotly-plot", timeout=60_000)


def test_overview_shows_hostile_uploader_and_file_name_as_text(server, page):
    _open(page, f"{server}/?as_of=2026-11-21")
    caption = f"{ATTACK['uploader']} · {ATTACK['filename']}"
    page.wait_for_function(SHOWS, arg=caption, timeout=30_000)
    bars = page.locator(".js-plotly-plot").first.text_content()  # the district bars: tick labels as typed
    assert ATTACK["district"] in bars
    _assert_nothing_foreign(page, server)


def test_project_page_shows_hostile_name_notes_and_unit_as_text(server, page):
    from urllib.parse import urlencode

    query = urlencode({"as_of": "2026-11-21", "district": ATTACK["district"], "name": ATTACK["name"]})
    _open(page, f"{server}/detail?{query}")
    assert page.locator("h1").first.inner_text().replace("\u2060", "") == ATTACK["name"]
    body = page.locator("body").inner_text().replace("\u2060", "")
    assert " ".join(ATTACK["notes"].split("\n")) in body  # one line, every character as typed
    assert ATTACK["unit"] in body
    _assert_nothing_foreign(page, server)


def test_unknown_project_from_the_link_is_echoed_as_text(server, page):
    from urllib.parse import urlencode

    name = f"[链接](http://{EVIL}/q)<img src=http://{EVIL}/q.png>"
    open_signed_in(page, f"{server}/detail?{urlencode({'as_of': '2026-11-21', 'name': name})}")
    page.wait_for_function(SHOWS, arg=name, timeout=90_000)
    _assert_nothing_foreign(page, server)
