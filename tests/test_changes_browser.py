"""The weekly changes page in the real browser (``ui.weekly``): on a register whose projects have long names,
every list shows each name and reason in full, as a table on a desk and as cards on a phone, with nothing cut
off by an ellipsis and nothing scrolling the page sideways at 390 px, in Chinese and in English.

Uses the server and Chromium fixtures of ``tests/browser.py`` (skipped without chromium, failed under CI);
``SCREENSHOT_DIR`` keeps the screenshots.
"""

from __future__ import annotations

import pandas as pd
import pytest
from browser import *  # noqa: F403 - the fixtures: the served app, headless Chromium, a tab
from browser import require_chromium, shot, sign_in

pytestmark = pytest.mark.browser
LONGEST = "章丘区埠村街道棚户区改造安置房建设项目（二期）第七号地块住宅楼及地下车库、幼儿园、社区服务中心配套工程"
RED_COUNT = 12  # projects whose deadline passes between the two versions: they turn red

# Any text in the lists drawn narrower than it is (cut off, with an ellipsis or without), and how far the page
# scrolls sideways.
CUT = r"""() => {
    const cells = [...document.querySelectorAll('[class*="wk-list-"] :is(td, th, h4, li, .bf-meta)')]
        .filter(e => e.offsetParent !== null);
    const cut = cells.filter(e => e.scrollWidth > e.clientWidth + 1 || getComputedStyle(e).textOverflow === 'ellipsis')
        .map(e => e.textContent.slice(0, 40));
    return {cells: cells.length, cut, sideways: document.documentElement.scrollWidth - window.innerWidth};
}"""


def long_name(i: int) -> str:
    return LONGEST if i == 0 else f"历城区华山街道棚户区改造安置房建设项目（二期）第{i}号地块住宅楼及配套工程"


@pytest.fixture(scope="module")
def database(tmp_path_factory) -> str:
    """The served app's database: the sample with long project names as version 1 (2026-11-14) and version 2
    (2026-11-21), in which 12 of them are overdue, one long-named project is added and one removed."""
    from housing.datasets import SAMPLES
    from loaders import load_workbook
    from store import versions as V
    from store.db import open_database

    url = f"sqlite:///{tmp_path_factory.mktemp('weekly_browser') / 'app.db'}"
    db = open_database(url)
    result = load_workbook(SAMPLES["portfolio"].path)
    first = result.projects.copy()
    open_rows = first.index[first["handed_over"].isna()][:RED_COUNT]
    first.loc[open_rows, "name"] = [long_name(i) for i in range(RED_COUNT)]
    first.loc[open_rows, "deadline"] = pd.Timestamp("2027-09-30")
    stamp = {"content": b"w", "uploader": "张三", "stage_dates": None}
    V.publish(db, first, filename="第1周.xlsx", at=pd.Timestamp("2026-11-14T02:00Z"), **stamp)
    second = first.copy()
    second.loc[open_rows, "deadline"] = pd.Timestamp("2026-11-10")
    added = second.loc[[open_rows[0]]].assign(name=LONGEST + "（新增）")
    second = pd.concat([second.drop(index=second.index[-1]), added], ignore_index=True)
    V.publish(db, second, filename="第2周.xlsx", at=pd.Timestamp("2026-11-21T02:00Z"), **stamp)
    return url


@pytest.mark.parametrize("size", [(1440, 900), (390, 844)], ids=["desk", "phone"])
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_name_and_reason_in_full_on_a_desk_and_a_phone(server, browser, lang, size):
    require_chromium()
    width, height = size
    context = browser.new_context(viewport={"width": width, "height": height}, locale="zh-CN")
    tab = context.new_page()
    try:
        tab.goto(f"{server}/weekly?as_of=2026-11-21&lang={lang}")
        sign_in(tab)
        red = tab.locator(".wk-list-wk_turned_red")
        red.wait_for(timeout=90_000)
        table, cards = red.locator(".bf-wide table"), red.locator(".bf-narrow .bf-card")
        phone = width < 640
        assert (table.is_visible(), cards.first.is_visible()) == (not phone, phone)
        lists = tab.locator("[class*='wk-list-']")
        text = "\n".join(lists.nth(i).inner_text() for i in range(lists.count()))
        full = [i for i in range(RED_COUNT) if long_name(i) in text]  # (some were red already last week)
        assert len(full) >= RED_COUNT // 2, full
        assert (cards.count() if phone else table.locator("tbody tr").count()) >= RED_COUNT // 2
        assert LONGEST + "（新增）" in tab.locator(".wk-list-chg_added").inner_text()
        found = tab.evaluate(CUT)
        assert found["cells"] > RED_COUNT and found["cut"] == [] and found["sideways"] <= 0, found
        shot(tab, f"weekly_{lang}_{width}_top")
        red.scroll_into_view_if_needed()
        shot(tab, f"weekly_{lang}_{width}_red")  # the page scrolls inside Streamlit's frame: one shot a screen
        tab.locator(".wk-list-chg_added").scroll_into_view_if_needed()
        shot(tab, f"weekly_{lang}_{width}_added")
    finally:
        context.close()
