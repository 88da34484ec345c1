"""The briefing's supervision-task section (督办事项): the week's counts, every missed step, the tasks raised and
done, as of the briefing's date and for the chosen districts, drawn by every renderer (projector, phone, PPTX,
PDF, xlsx).

The tasks sit around the 2021 Labour Day holiday (2021-05-01..05; make-up working days Sunday 04-25 and
Saturday 05-08); the briefing is the Zhangqiu sample's, as of 2021-05-01: its week is 04-25..05-01.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import io

import pandas as pd
import pytest
from openpyxl import load_workbook
from test_renderings import norm, pdf_units, phone_units, pptx_units, presentation_units, units_of

from briefing import blocks as B
from briefing.build import build_briefing
from briefing.pdf import render_pdf
from briefing.pptx import render_pptx
from briefing.source import load_data
from briefing.xlsx import render_xlsx
from housing.datasets import DATA_DIR
from housing.i18n import t
from housing.tasks import COLUMNS

AS_OF = dt.date(2021, 5, 1)
BEIJING = dt.timezone(dt.timedelta(hours=8))


def at(day: str | None) -> dt.datetime | None:
    return (
        None if day is None else dt.datetime.combine(dt.date.fromisoformat(day), dt.time(9), BEIJING).astimezone(dt.UTC)
    )


def task(title, district, raised, ack=None, reply=None, done=None, note="") -> dict:
    row: dict = dict.fromkeys(COLUMNS)
    row.update(
        title=title,
        project="明水安置区" if district == "章丘区" else None,
        district=district,
        unit="区住建局",
        assignee="wang.wu",
        assignee_name="王五",
        raised_by="li.si",
        raised_at=at(raised),
        acknowledged_at=at(ack),
        replied_at=at(reply),
        done_at=at(done),
        done_note=note,
        source="briefing",
    )
    return row


# A: done 04-29, its deadline 04-28 (21, 22, 23, 25 make-up Sunday, 26, 27, 28): done late this week.
# B: acknowledged 04-28 after its deadline 04-27; reply due 04-29, still open. C: raised Friday 04-30, its
# acknowledgement due after the holiday (05-06). D: all kept, weeks ago. E: raised after the briefing's day.
# F: another district, nothing recorded.
TASKS = pd.DataFrame(
    [
        task("A 主体封顶滞后", "章丘区", "2021-04-20", "2021-04-20", "2021-04-23", "2021-04-29", "已增加施工班组"),
        task("B 回迁户投诉", "章丘区", "2021-04-26", "2021-04-28"),
        task("C 配套学校", "章丘区", "2021-04-30"),
        task("D 道路施工", "章丘区", "2021-04-10", "2021-04-12", "2021-04-13", "2021-04-15", "已完成"),
        task("E 下周事项", "章丘区", "2021-05-03"),
        task("F 征收补偿", "历城区", "2021-04-27"),
    ]
)
for column in ("raised_at", "acknowledged_at", "replied_at", "done_at"):
    TASKS[column] = pd.to_datetime(TASKS[column], utc=True)


@functools.cache
def workbook_data():
    return load_data(str(DATA_DIR / "sample_zhangqiu_2021.xlsx"), AS_OF)


@functools.cache
def briefing(lang: str = "zh", districts: tuple[str, ...] = (), as_of: dt.date = AS_OF) -> B.Briefing:
    data = dataclasses.replace(workbook_data(), tasks=TASKS, as_of=as_of)
    return build_briefing(data, lang, districts, (B.TASKS,))


def slides(b: B.Briefing) -> dict[str, B.Slide]:
    (section,) = [s for s in b.sections if s.key == B.TASKS]
    return {slide.key: slide for slide in section.slides}


def counts(b: B.Briefing) -> dict[str, str]:
    (block,) = [bl for bl in slides(b)["tasks"].blocks if isinstance(bl, B.Headlines)]
    return {h.key: h.value for h in block.items}


def column(table: B.Table, key: str) -> list[str]:
    i = [c.key for c in table.columns].index(key)
    return [row[i].text for row in table.rows]


def table(b: B.Briefing, key: str) -> B.Table:
    return next(bl for s in slides(b).values() for bl in s.blocks if isinstance(bl, B.Table) and bl.key == key)


def test_the_weeks_counts():
    assert counts(briefing()) == {
        "tasks_new": "3",  # B, C, F
        "tasks_missed": "5",
        "tasks_done": "1",  # A
        "tasks_open": "3",
        "tasks_rate": "25.0%",  # of A, B, D, F (C's outcome is not known yet) only D was on time
    }
    assert counts(briefing("zh", ("章丘区",)))["tasks_rate"] == "33.3%"


def test_every_missed_step_longest_overdue_first():
    missed = table(briefing(), "tasks_missed")
    assert [c.key for c in missed.columns] == ["title", "project", "unit", "assignee", "step", "due"]
    assert list(zip(column(missed, "title"), column(missed, "step"), column(missed, "due"), strict=True)) == [
        ("B 回迁户投诉", "签收 · 超时完成", "2021年4月27日"),
        ("A 主体封顶滞后", "办结 · 超时完成", "2021年4月28日"),
        ("F 征收补偿", "签收 · 已超时未完成", "2021年4月28日"),
        ("B 回迁户投诉", "回复 · 已超时未完成", "2021年4月29日"),
        ("F 征收补偿", "回复 · 已超时未完成", "2021年4月30日"),
    ]
    assert set(missed.statuses) == {"overdue"} and column(missed, "assignee")[0] == "王五"
    assert column(missed, "project")[2] == "—"  # a task about no project


def test_new_and_done():
    b = briefing("en")
    assert column(table(b, "tasks_new"), "title") == ["B 回迁户投诉", "F 征收补偿", "C 配套学校"]
    # C: 05-06, 05-07, 05-08 (make-up Saturday), 05-10, 05-11, 05-12, 05-13: 7 working days across the holiday
    assert column(table(b, "tasks_new"), "due")[-1] == "2021-05-13"
    done = table(b, "tasks_done")
    assert column(done, "title") == ["A 主体封顶滞后"] and column(done, "on_time") == ["a step was late"]
    assert column(done, "note") == ["已增加施工班组"] and column(done, "done") == ["2021-04-29"]


def test_a_district_briefing_has_its_districts_tasks():
    missed = table(briefing("zh", ("历城区",)), "tasks_missed")
    assert set(column(missed, "title")) == {"F 征收补偿"}


def test_an_earlier_date_shows_what_was_known_then():
    b = briefing("zh", (), dt.date(2021, 4, 27))  # A's done and B's acknowledgement were recorded later
    assert counts(b) == {
        "tasks_new": "2",
        "tasks_missed": "0",
        "tasks_done": "0",
        "tasks_open": "3",
        "tasks_rate": "100.0%",
    }
    missed = table(b, "tasks_missed")
    assert missed.rows == () and missed.empty == "没有超时的环节。"


def test_no_tasks_and_a_workbook_say_so():
    b = build_briefing(workbook_data(), "zh", (), (B.TASKS,))
    assert list(slides(b)) == ["tasks"] and slides(b)["tasks"].blocks == (B.Note(t("bf_tasks_workbook", "zh")),)
    early = build_briefing(
        dataclasses.replace(workbook_data(), tasks=TASKS, as_of=dt.date(2021, 4, 1)), "en", (), (B.TASKS,)
    )
    assert slides(early)["tasks"].blocks == (B.Note("No supervision tasks as of 2021-04-01."),)


def test_calendar_days_and_the_caption(monkeypatch):
    assert "工作日" in slides(briefing())["tasks"].subtitle
    monkeypatch.setenv("RESETTLE_TASK_CALENDAR_DAYS", "1")
    b = build_briefing(dataclasses.replace(workbook_data(), tasks=TASKS), "zh", (), (B.TASKS,))
    assert "自然日" in slides(b)["tasks"].subtitle
    # A was done on 04-29, by calendar days 04-27: still late; C's acknowledgement due 05-01 is not late yet
    assert ("C 配套学校", "签收 · 已超时未完成") not in zip(
        column(table(b, "tasks_missed"), "title"), column(table(b, "tasks_missed"), "step")
    )


def test_deadlines_beyond_the_known_years_are_flagged():
    late = TASKS.iloc[[2]].assign(raised_at=pd.Timestamp("2026-12-28T01:00:00Z"))
    data = dataclasses.replace(workbook_data(), tasks=late, as_of=dt.date(2026, 12, 29))
    notes = [bl for bl in slides(build_briefing(data, "zh", (), (B.TASKS,)))["tasks"].blocks if isinstance(bl, B.Note)]
    assert [n.tone for n in notes] == ["warning"] and "2027" in notes[0].text and "2026" in notes[0].text


# --- every renderer draws the section ---------------------------------------------------------------------


@pytest.fixture(scope="module", params=["zh", "en"])
def rendered(request):
    b = briefing(request.param)
    return b, {
        "presentation": presentation_units(b),
        "pptx": pptx_units(render_pptx(b)),
        "pdf": pdf_units(render_pdf(b)),
        "phone": phone_units(b),
    }


@pytest.mark.parametrize("kind", ["presentation", "pptx", "pdf", "phone"])
def test_every_rendering_shows_the_counts_and_each_missed_step(rendered, kind):
    b, renderings = rendered
    units = renderings[kind]
    head = "".join(u.text for u in units_of(units, t("bf_sec_tasks", b.lang), kind))
    for label, value in [
        (h.label, h.value) for bl in slides(b)["tasks"].blocks if isinstance(bl, B.Headlines) for h in bl.items
    ]:
        assert norm(label) in head and norm(value) in head, (kind, label)
    missed = table(b, "tasks_missed")
    text = "".join(u.text for u in units_of(units, t("bf_tasks_missed_title", b.lang), kind))
    for title, step in zip(column(missed, "title"), column(missed, "step"), strict=True):
        assert norm(title) in text and norm(step) in text, (kind, title, step)
    done = "".join(u.text for u in units_of(units, t("bf_tasks_done_title", b.lang), kind))
    assert norm("已增加施工班组") in done, kind


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_spreadsheet_has_a_tasks_sheet(lang):
    b = briefing(lang)
    book = load_workbook(io.BytesIO(render_xlsx(b)))
    sheet = book[t("bf_sec_tasks", lang)]
    cells = [str(c) for row in sheet.iter_rows(values_only=True) for c in row if c is not None]
    for title in column(table(b, "tasks_missed"), "title"):
        assert title in cells
    due = [c for row in sheet.iter_rows() for c in row if isinstance(c.value, dt.datetime)]
    assert due and all(c.number_format != "General" for c in due)  # deadlines written as dates
