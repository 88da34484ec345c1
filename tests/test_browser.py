"""The real thing: the app served by ``streamlit run``, driven in Debian's headless Chromium (``tests/browser.py``
starts it and signs in). Set ``SCREENSHOT_DIR`` to keep screenshots.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from browser import *  # noqa: F403 - the fixtures: the served app, headless Chromium, a tab
from browser import ROOT, open_signed_in, sign_in
from browser import shot as _shot

pytestmark = pytest.mark.browser


def _open(page, url: str) -> None:
    open_signed_in(page, url)
    page.wait_for_selector("[data-testid='stMetric']", timeout=90_000)


def test_overview_shows_household_total(server, page):
    _open(page, f"{server}/?as_of=2026-11-21")
    households = page.locator("[data-testid='stMetric']").filter(has_text="安置户数")
    assert "67,650" in households.inner_text()
    assert page.locator("h1").first.inner_text() == "济南市安置房交付情况"
    page.wait_for_selector(".js-plotly-plot", timeout=30_000)
    _shot(page, "overview_zh")


def test_language_switch_in_the_browser(server, page):
    _open(page, f"{server}/?as_of=2026-11-21")
    page.get_by_text("English", exact=True).click()
    page.wait_for_function(
        "document.querySelector('h1') && document.querySelector('h1').innerText.includes('Jinan')", timeout=30_000
    )
    assert "lang=en" in page.url
    assert "67,650" in page.locator("[data-testid='stMetric']").filter(has_text="Households").inner_text()
    _shot(page, "overview_en")
    page.reload()  # the language is kept in the URL (a reload is a new session: sign in again, in English)
    sign_in(page)
    page.wait_for_selector("[data-testid='stMetric']", timeout=90_000)
    assert "Jinan" in page.locator("h1").first.inner_text()


def _upload(page, server: str, path: Path) -> None:
    open_signed_in(page, f"{server}/uploads?as_of=2026-11-21")
    page.wait_for_selector("[data-testid='stFileUploader']", timeout=90_000)
    page.locator("[data-testid='stFileUploader'] input[type=file]").set_input_files(str(path))
    page.get_by_text("校验结果").wait_for(timeout=60_000)


def _publish_and_open_the_overview(page, households: str) -> None:
    """Publish (as the signed-in account), follow the link to the overview and wait until it shows ``households``."""
    page.get_by_role("button", name="发布", exact=True).click()
    page.get_by_text("已发布第").wait_for(timeout=60_000)
    page.get_by_text("查看总览").click()
    page.wait_for_selector("[data-testid='stMetric']", timeout=60_000)
    page.wait_for_function(f"() => document.body.innerText.includes('{households}')", timeout=30_000)


def test_the_first_upload_replaces_the_sample_and_a_later_district_file_only_its_district(
    server,
    page,
    database,
    tmp_path,
):
    """Over the seeded sample a 章丘区 file is the whole register: the overview shows exactly its households.
    Over that real version, a 历城区 file replaces only 历城区 (the default), keeping 章丘区."""
    from conftest import write_xlsx

    from store import versions as V
    from store.db import open_database

    header = ["项目名称", "所属区县", "街道", "安置户数", "总建筑面积（万平方米）", "计划交付日期", "形象进度"]
    zhangqiu = [
        ["安置房项目台账（第47周）"],
        header,
        ["西琅沟", "章丘区", "明水街道", 656, 21.26, "2027-03-31", "主体封顶"],
        ["白泉", "章丘区", "白云湖街道", 1555, 52.06, "2027-04-30", "配套工程"],
        ["合计", None, None, 2211, 73.32, None, None],
    ]
    _upload(page, server, write_xlsx(tmp_path / "第47周.xlsx", zhangqiu))
    page.get_by_text("本文件将替换整个台账").wait_for(timeout=30_000)
    page.get_by_text("发布前预览").wait_for(timeout=30_000)
    assert page.get_by_text("发布范围").count() == 0  # no scope question over the sample
    _publish_and_open_the_overview(page, "2,211")
    _shot(page, "first_upload_over_sample_zh")
    households = page.locator("[data-testid='stMetric']").filter(has_text="安置户数")
    assert "2,211" in households.inner_text()  # exactly the file's households: nothing of the sample's 67,650
    assert page.get_by_text("内置示例数据").count() == 0  # and no sample banner any more
    version = V.current(open_database(database))
    assert (version.households, version.projects, version.sample) == (2211, 2, False)

    licheng = [header, ["唐冶", "历城区", "唐冶街道", 1200, 30.0, "2027-06-30", "主体施工"]]
    _upload(page, server, write_xlsx(tmp_path / "历城区第47周.xlsx", licheng))
    page.get_by_text("只更新本文件中的区县：历城区").wait_for(timeout=30_000)  # a real register: asked, 历城区 only
    _publish_and_open_the_overview(page, "3,411")
    assert "3,411" in page.locator("[data-testid='stMetric']").filter(has_text="安置户数").inner_text()
    assert V.current(open_database(database)).summary["scope"] == ["历城区"]


def test_upload_with_errors_shows_the_problems_and_publishes_nothing(server, page, database, tmp_path):
    from conftest import write_xlsx

    from store import versions as V
    from store.db import open_database

    before = V.current_version_id(open_database(database))
    rows = [
        ["项目名称", "所属区县", "安置户数", "计划交付日期"],
        ["西琅沟", "章丘区", "六百", "2027-03-31"],
        ["白泉", "章丘区", 1555, "2027-02-30"],
    ]
    _upload(page, server, write_xlsx(tmp_path / "有错误.xlsx", rows))
    page.get_by_text("修正后才能发布").wait_for(timeout=30_000)
    page.wait_for_selector("table.bf-table", timeout=30_000)  # the problem table
    assert page.get_by_role("button", name="发布", exact=True).count() == 0
    _shot(page, "upload_errors_zh")
    assert V.current_version_id(open_database(database)) == before


def test_a_file_that_kills_a_parser_is_refused_and_the_server_goes_on(server, page, database, tmp_path):
    """A far cell that slips past the pattern guard makes calamine ask for a 512 GB grid and abort: in the
    worker process, which the server survives; the page names the sheet and its size, nothing is published."""
    sys.path.insert(0, str(ROOT / "tests" / "fixtures" / "hostile"))
    from build_hostile import far_cell_single_quotes

    from store import versions as V
    from store.db import open_database

    _open(page, f"{server}/?as_of=2026-11-21")  # a first visit publishes the sample on a fresh database
    before = V.current(open_database(database))
    path = tmp_path / "第48周.xlsx"
    path.write_bytes(far_cell_single_quotes())
    _upload(page, server, path)
    # the message, and the problems list's row and card that repeat it
    page.get_by_text("工作表“项目”有 1,048,576 行，上限为 200,000 行").first.wait_for(timeout=60_000)
    page.get_by_text("未发布任何内容，当前数据保持不变").wait_for(timeout=10_000)
    assert page.get_by_role("button", name="发布", exact=True).count() == 0
    _shot(page, "upload_hostile_zh")
    _open(page, f"{server}/?as_of=2026-11-21")  # the same server answers, with the data it had
    households = page.locator("[data-testid='stMetric']").filter(has_text="安置户数")
    assert f"{before.households:,}" in households.inner_text()
    assert V.current(open_database(database)).sha256 == before.sha256


# The uploader's text nodes with Latin letters that are drawn at a readable size (icon ligatures excepted).
_VISIBLE_LATIN = """() => {
  const uploader = document.querySelector("[data-testid='stFileUploader']");
  const walker = document.createTreeWalker(uploader, NodeFilter.SHOW_TEXT);
  const found = [];
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const owner = node.parentElement;
    if (/[A-Za-z]{2,}/.test(node.textContent) && !owner.closest("[data-testid='stIconMaterial']")
        && getComputedStyle(owner).fontSize !== "0px") found.push(node.textContent);
  }
  return found;
}"""
_UPLOADER_TEXTS = """() => [
  ["[data-testid='stFileUploaderDropzone'] button [data-testid='stMarkdownContainer'] p", "button"],
  ["[data-testid='stFileUploaderDropzoneInstructions'] span", "limit"],
  ["[data-testid='stFileUploaderDropzone'] span.euud7oh2", "drop"],
].flatMap(([selector, part]) => [...document.querySelectorAll(selector)].map(e => ({
  part, size: getComputedStyle(e).fontSize, shown: getComputedStyle(e, "::after").content,
})))"""


@pytest.mark.parametrize(
    ("lang", "button", "limit", "drop"),
    [
        ("zh", "选择文件", "单个文件不超过 20 MB", "将文件拖放到此处"),
        ("en", "Choose a file", "Up to 20 MB per file", "Drop the file here"),
    ],
)
def test_the_uploader_speaks_the_pages_language(server, page, lang, button, limit, drop):
    """Streamlit's English uploader words ("Upload", "20MB per file", "Drag and drop a file here") are drawn at
    size 0 and the catalogue's words shown in their place; the main menu is gone (toolbarMode minimal)."""
    open_signed_in(page, f"{server}/uploads?lang={lang}&as_of=2026-11-21")
    page.wait_for_selector("[data-testid='stFileUploaderDropzoneInstructions']", timeout=90_000)
    limit_drawn = (
        "() => getComputedStyle(document.querySelector("
        "\"[data-testid='stFileUploaderDropzoneInstructions'] span\"), '::after').content !== 'none'"
    )
    page.wait_for_function(limit_drawn, timeout=30_000)
    _shot(page, f"upload_page_{lang}")
    dragged = page.evaluate_handle(
        "() => { const d = new DataTransfer(); d.items.add(new File(['x'], 'a.xlsx')); return d; }"
    )
    page.dispatch_event("[data-testid='stFileUploaderDropzone']", "dragenter", {"dataTransfer": dragged})
    page.wait_for_selector("[data-testid='stFileUploaderDropzone'] span.euud7oh2", timeout=10_000)
    _shot(page, f"upload_drag_{lang}")
    texts = page.evaluate(_UPLOADER_TEXTS)
    assert {(p["part"], p["shown"]) for p in texts} == {
        ("button", f'"{button}"'),
        ("limit", f'"{limit}"'),
        ("drop", f'"{drop}"'),
    }
    assert {p["size"] for p in texts} == {"0px"}  # the English words take no room and cannot be read
    assert page.locator("[data-testid='stMainMenu']").count() == 0
    if lang == "zh":  # no English word left that a reader can see (material icons are drawn as glyphs)
        assert page.evaluate(_VISIBLE_LATIN) == []
