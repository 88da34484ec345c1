"""Supervision tasks raised for a red project (and two about no project) appear in the served app's briefing:
the presentation's 督办事项 slides list each missed step, in both languages, without overflowing a 1280×720
projector slide.

The tasks are raised through the service into the served app's database (the pages that raise them are
tested with those pages). Set ``SCREENSHOT_DIR`` to keep screenshots.
"""

from __future__ import annotations

import datetime as dt

import pytest
from browser import *  # noqa: F403  (the served app, headless Chromium)
from browser import ADMIN, open_signed_in, shot
from test_present_browser import OVERFLOW, _counter, _wait_for_slide

from briefing.source import load_data
from housing.status import OVERDUE
from service.roles import ADMIN as ADMIN_ROLE
from service.roles import Actor
from service.tasks import advance_task, raise_task
from store.db import open_database

pytestmark = pytest.mark.browser
AS_OF = "as_of=2026-11-21"
BEIJING = dt.timezone(dt.timedelta(hours=8))
# (title, unit, raised on, steps recorded: step -> day)
TASKS = [
    ("督促加快主体结构施工进度，周五前报送赶工计划", "区住建局", "2026-11-16", {"acknowledged": "2026-11-18"}),
    ("约谈施工单位，说明竣工验收延期原因", "区城市更新局", "2026-11-19", {}),
    ("回迁户反映的交房时间问题，逐户电话答复", "街道办事处", "2026-11-10", {"acknowledged": "2026-11-10"}),
]


def at(day: str) -> dt.datetime:
    return dt.datetime.combine(dt.date.fromisoformat(day), dt.time(10), BEIJING)


@pytest.fixture(scope="module")
def tasks(server, database, browser):  # noqa: F811
    """The tasks, raised by the first administrator and given to them, in the served app's database (signed in
    once first: the app creates that account on its first page)."""
    context = browser.new_context()
    open_signed_in(context.new_page(), server)
    context.close()
    engine = open_database(database)
    projects = load_data("published", dt.date(2026, 11, 21), engine).projects
    red = projects[projects["status"] == OVERDUE].iloc[0]  # the first task is about a red project
    admin = Actor(ADMIN, ADMIN_ROLE)
    for number, (title, unit, raised, steps) in enumerate(TASKS):
        about = {"project": red["name"], "district": red["district"]} if number == 0 else {}
        task = raise_task(
            admin, title=title, unit=unit, assignee=ADMIN, source="briefing", at=at(raised), engine=engine, **about
        )
        for step, day in steps.items():
            advance_task(admin, task, step, at=at(day), engine=engine)
    return TASKS, red["name"]


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_briefing_lists_the_missed_steps(server, tasks, browser, lang):  # noqa: F811
    context = browser.new_context(viewport={"width": 1280, "height": 720}, locale="zh-CN")
    page = context.new_page()
    try:
        open_signed_in(page, f"{server}/present?{AS_OF}&lang={lang}&sections=tasks")
        page.wait_for_selector(".pr-counter", timeout=90_000)
        _wait_for_slide(page, 1)
        count = _counter(page)[1]
        seen = ""
        for number in range(1, count + 1):
            if number > 1:
                page.get_by_role("button", name="下一页").or_(page.get_by_role("button", name="Next")).click()
                _wait_for_slide(page, number)
            assert page.evaluate(OVERFLOW) == [], f"slide {number}"
            text = page.inner_text(".st-key-pr_slide")
            assert "…" not in text
            seen += text
            shot(page, f"tasks_{lang}_{number:02d}")
        listed, project = tasks
        for title, *_ in listed:
            assert title in seen
        assert project in seen
        # the first task's reply (due 11-19) and the second's acknowledgement (due 11-20) are late
        assert ("回复 · 已超时未完成" if lang == "zh" else "replied · overdue, not done") in seen
    finally:
        context.close()
