"""In Debian's headless Chromium: a task raised on a red project's page (as a user does) shows in the briefing's
督办事项 section, and the tasks page draws without sideways scrolling on a desktop and a phone.

Set ``SCREENSHOT_DIR`` to keep the screenshots.
"""

from __future__ import annotations

import re

import pytest
from browser import *  # noqa: F403  (the served app, headless Chromium)
from browser import ADMIN, open_signed_in, shot, sign_in

pytestmark = pytest.mark.browser
AS_OF = "as_of=2026-11-21"
RED_PROJECT = "district=济阳区&name=纪家安置房项目"  # overdue in the seeded sample
# The page's widest element; a table's grid scrolls inside its own frame, so only the frame counts.
WIDEST = """() => Math.max(...[...document.querySelectorAll('[data-testid=stMain] *')]
  .filter((e) => !e.parentElement.closest('[data-testid=stDataFrame]'))
  .map((e) => e.getBoundingClientRect().right))"""


def test_a_task_raised_from_a_red_project_shows_in_the_briefing(server, page):  # noqa: F811
    # today (no as_of): the briefing lists the tasks raised in the week up to its date
    open_signed_in(page, f"{server}/detail?{RED_PROJECT}")
    page.get_by_text("就本项目交办督办事项").wait_for(timeout=60_000)
    form = page.locator(".st-key-pj_raise_title input")
    if not form.is_visible():
        page.get_by_text("就本项目交办督办事项").click()
    form.fill("约谈施工单位，明确复工时间")
    chooser = page.locator(".st-key-pj_raise_assignee input")
    chooser.click()
    chooser.fill(ADMIN)  # the account list narrowed to the one typed, then chosen
    page.get_by_role("option", name=ADMIN, exact=True).click()
    page.get_by_role("button", name="交办", exact=True).click()
    page.get_by_text(re.compile(r"已交办事项 #\d+")).wait_for(timeout=60_000)
    shot(page, "tasks-raised-on-project")
    page.goto(f"{server}/present?sections=tasks")
    sign_in(page)
    seen = ""
    for _ in range(8):  # the section's slides, one after the other, until the task is on one
        page.wait_for_timeout(1500)
        seen = page.inner_text(".st-key-pr_slide")
        if "约谈施工单位，明确复工时间" in seen:
            break
        page.get_by_role("button", name="下一页").click()
    assert "约谈施工单位，明确复工时间" in seen and "纪家安置房项目" in seen
    shot(page, "tasks-briefing")


@pytest.mark.parametrize(("width", "height"), [(1440, 900), (390, 844)])
def test_the_tasks_page_fits_the_screen(server, browser, width, height):  # noqa: F811
    context = browser.new_context(viewport={"width": width, "height": height}, locale="zh-CN")
    page = context.new_page()
    try:
        open_signed_in(page, f"{server}/tasks?{AS_OF}")
        page.get_by_role("heading", name="督办事项").wait_for(timeout=60_000)
        page.wait_for_timeout(1500)
        assert page.evaluate(WIDEST) <= width + 1
        shot(page, f"tasks-{width}")
    finally:
        context.close()


def _sheet(tmp_path, rows, name: str) -> str:
    """A task sheet written to disk, its path."""
    from conftest import write_xlsx

    return str(write_xlsx(tmp_path / name, rows, "督办事项"))


def test_a_task_sheet_is_checked_marked_up_and_imported(server, page, tmp_path):  # noqa: F811
    header = ["事项", "项目", "责任单位", "责任人", "交办日期"]
    open_signed_in(page, f"{server}/tasks")
    page.get_by_role("tab", name="批量导入").click()
    bad = _sheet(tmp_path, [header, ["核实延期原因", "不存在的项目", "区住建局", ADMIN, None]], "督办事项.xlsx")
    uploader = page.locator("[data-testid='stFileUploader'] input[type=file]")
    uploader.set_input_files(bad)
    # the problem is a cell of the report's grid (drawn on a canvas: in the page, not visible as text)
    page.get_by_text("系统中没有项目“不存在的项目”").first.wait_for(state="attached", timeout=60_000)
    page.get_by_role("button", name="下载标注了问题的工作簿").wait_for()
    shot(page, "tasks-sheet-problems")
    good = _sheet(
        tmp_path, [header, ["核实延期原因", "纪家安置房项目", "区住建局", ADMIN, None]], "督办事项（已改）.xlsx"
    )
    uploader.set_input_files(good)  # the fixed sheet in place of the first
    confirm = page.get_by_role("button", name=re.compile("确认交办全部 1 项"))
    confirm.wait_for(timeout=60_000)
    confirm.click()
    page.get_by_text("已交办 1 项事项。").wait_for(timeout=60_000)
    page.get_by_role("tab", name="在办事项").click()
    page.get_by_text("核实延期原因").first.wait_for(state="attached", timeout=30_000)
