"""The 12345 hotline in the served app (headless Chromium): a GBK CSV export uploaded and imported on the page,
the rates in both languages, and the surge on the project's page. ``SCREENSHOT_DIR`` keeps the screenshots."""

from __future__ import annotations

import pytest
from browser import *  # noqa: F403 - the fixtures: the served app, headless Chromium
from browser import ROOT, open_signed_in
from hotline_sample import SURGING, sample_csv

from loaders import load_workbook

pytestmark = pytest.mark.browser


@pytest.fixture
def wide(browser):
    """A 1440×900 tab in a Chinese-language browser."""
    context = browser.new_context(viewport={"width": 1440, "height": 900}, locale="zh-CN")
    yield context.new_page()
    context.close()


def shot(page, name: str, at: str | None = None) -> None:
    """A 1440×900 screenshot under ``SCREENSHOT_DIR`` when it is set, scrolled to the text ``at`` (Streamlit
    scrolls its main block, not the page, so a full-page shot would show the top only)."""
    import os
    from pathlib import Path

    folder = os.environ.get("SCREENSHOT_DIR")
    if folder:
        if at:
            page.get_by_text(at, exact=True).first.scroll_into_view_if_needed()
            page.get_by_text(at, exact=True).first.evaluate("e => e.scrollIntoView({block: 'start'})")
        page.mouse.move(5, 890)  # no table toolbar shown over the text
        if page.locator("[data-testid='stDataFrame']").count():
            page.locator("[data-testid='stDataFrame'] canvas").first.wait_for(timeout=30_000)
            page.wait_for_timeout(4000)  # the grid draws its cells after its canvas appears (slowly, under load)
        page.wait_for_timeout(800)  # charts finish their transition
        page.screenshot(path=str(Path(folder) / f"{name}.png"))


def test_import_an_export_then_see_rates_and_the_surge(server, wide, tmp_path):
    page = wide
    projects = load_workbook(ROOT / "data" / "sample_portfolio.xlsx").projects
    export = tmp_path / "12345工单导出.csv"
    export.write_bytes(sample_csv(projects, "gbk"))
    broken = tmp_path / "有错误的导出.csv"
    broken.write_bytes(
        "工单编号,受理时间,诉求内容,满意度\nA1,2026-13-02,西琅沟漏水,满意\n,2026-11-02,噪音,还行\n".encode("gbk")
    )
    open_signed_in(page, f"{server}/hotline?as_of=2026-11-21")
    page.wait_for_selector("[data-testid='stFileUploader']", timeout=90_000)
    page.locator("[data-testid='stFileUploader'] input[type=file]").set_input_files(str(broken))
    page.get_by_text("请修改后重新上传").wait_for(timeout=60_000)
    assert page.get_by_role("button", name="确认导入").count() == 0
    page.get_by_text("下载标注了问题的工作簿").wait_for(timeout=30_000)
    shot(page, "hotline_errors_zh")
    page.locator("[data-testid='stFileUploader'] input[type=file]").set_input_files(str(export))
    page.get_by_role("button", name="确认导入").wait_for(timeout=60_000)
    shot(page, "hotline_report_zh")
    page.get_by_role("button", name="确认导入").click()
    page.get_by_text("已导入：新增").wait_for(timeout=60_000)
    page.wait_for_selector(".js-plotly-plot", timeout=30_000)
    assert page.get_by_text("“双百”月份").count() == 1
    shot(page, "hotline_zh")
    shot(page, "hotline_rates_zh", "来电量、回复率和满意率")
    shot(page, "hotline_tables_zh", "“双百”月份（回复率、满意率均为100%）：2026年8月、2026年10月")

    open_signed_in(page, f"{server}/hotline?as_of=2026-11-21&lang=en")
    page.wait_for_selector(".js-plotly-plot", timeout=90_000)
    assert page.locator("h1").first.inner_text() == "Jinan: 12345 hotline"
    shot(page, "hotline_en", "Calls, reply rate and satisfaction rate")
    page.get_by_role("radio", name="By week").click()
    page.wait_for_timeout(1500)
    shot(page, "hotline_weekly_en", "By district")

    open_signed_in(page, f"{server}/detail?as_of=2026-11-21&district={SURGING[0]}&name={SURGING[1]}")
    page.get_by_text("近7天12345来电").first.wait_for(timeout=90_000)
    shot(page, "project_surge_zh")
    shot(page, "project_calls_zh", "12345 热线来电")
    open_signed_in(page, f"{server}/detail?as_of=2026-11-21&district={SURGING[0]}&name={SURGING[1]}&lang=en")
    page.get_by_text("12345 calls in the last 7 days: 9").first.wait_for(timeout=90_000)
    shot(page, "project_surge_en")
