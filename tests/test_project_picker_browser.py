"""In Debian's headless Chromium: the search-first project picker of the task form (``ui.project_picker``). Typing
a search reruns the page outside the form; what was already typed in the form stays, the best match is chosen,
and the task is raised on it. On a phone nothing of the picker runs off the screen.

Set ``SCREENSHOT_DIR`` to keep the screenshots.
"""

from __future__ import annotations

import re

import pytest
from browser import *  # noqa: F403  (the served app, headless Chromium)
from browser import ADMIN, open_signed_in, shot

from store.db import open_database
from store.tasks import tasks_frame

pytestmark = pytest.mark.browser
AS_OF = "as_of=2026-11-21"
# The picker's right edge: its search box, the line under it and the form (the tab bar above scrolls on its own).
PICKER_RIGHT = """() => Math.max(...[...document.querySelectorAll(
  '.st-key-tv_raise_form_search *, [data-testid=stCaptionContainer] *, [data-testid=stForm] *')]
  .map((e) => e.getBoundingClientRect().right))"""


def raise_tab(page, server: str, lang: str = "zh") -> None:
    open_signed_in(page, f"{server}/tasks?{AS_OF}&lang={lang}")
    page.get_by_role("tab", name="交办事项" if lang == "zh" else "Raise a task").click()
    page.locator(".st-key-tv_raise_form_search input").wait_for(timeout=60_000)


def test_a_search_keeps_what_was_typed_and_the_task_is_raised_on_its_best_match(server, database, page):  # noqa: F811
    raise_tab(page, server)
    title = page.locator(".st-key-tv_raise_form_title input")
    title.fill("督促纪家项目复工")  # typed in the form before searching
    search = page.locator(".st-key-tv_raise_form_search input")
    search.fill("纪家")
    search.press("Enter")
    page.get_by_text("找到 1 个项目。").wait_for(timeout=60_000)
    assert title.input_value() == "督促纪家项目复工"
    page.wait_for_function(  # the picker's box shows its choice as its input's value
        "() => document.querySelector('.st-key-tv_raise_form_project input').value === '济阳区 · 纪家安置房项目'",
        timeout=30_000,
    )
    page.locator(".st-key-tv_raise_form_unit input").fill("济阳区城发集团")
    chooser = page.locator(".st-key-tv_raise_form_assignee input")
    chooser.click()
    chooser.fill(ADMIN)
    page.get_by_role("option", name=ADMIN, exact=True).click()
    shot(page, "picker-tasks-searched")
    page.get_by_role("button", name="交办", exact=True).click()
    page.get_by_text(re.compile(r"已交办事项 #\d+")).wait_for(timeout=60_000)
    raised = tasks_frame(open_database(database)).set_index("title").loc["督促纪家项目复工"]
    assert (raised["district"], raised["project"]) == ("济阳区", "纪家安置房项目")


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_on_a_phone_the_picker_stays_on_the_screen(server, browser, lang):  # noqa: F811
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="zh-CN")
    page = context.new_page()
    try:
        raise_tab(page, server, lang)
        search = page.locator(".st-key-tv_raise_form_search input")
        search.fill("安置")
        search.press("Enter")
        page.get_by_text(re.compile("找到 .* 个项目|projects found")).wait_for(timeout=60_000)
        shot(page, f"picker-tasks-phone-{lang}")
        assert page.evaluate(PICKER_RIGHT) <= 390 + 1
    finally:
        context.close()
