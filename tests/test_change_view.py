"""The change view at any size (``ui.change_view``), through the entrypoint: the upload preview and the history's
comparison list 50 rows a page, counted, most important first, with every list whole in the Excel download."""

from __future__ import annotations

import io

import openpyxl
import pandas as pd
import pytest
from app_pages import html_table, open_page
from streamlit.testing.v1 import AppTest

import housing.changes
from housing.changes import changes_table, diff_projects
from service.roles import EDITOR, Actor
from store import versions as V
from store.db import open_database
from ui.change_view import change_sheets

LI = Actor("李四", EDITOR, (), "10.1.2.4")
HEADER = ["项目名称", "所属区县", "街道", "安置户数", "总建筑面积（万平方米）", "计划交付日期", "形象进度"]


def history(**params) -> AppTest:
    return open_page("views/history.py", LI, **params)


@pytest.fixture
def slipped_week(app_database):
    """The sample as version 1; version 2: every project but the first slips (1 to 55 days later) and gains
    households, the first leaves: 110 changed fields, 1 project removed."""
    open_page("views/overview.py")  # the first start publishes the sample as version 1
    db = open_database(app_database)
    week = V.version_projects(db, 1)
    week["deadline"] = week["deadline"] + pd.to_timedelta(range(len(week)), unit="D")
    week["households"] = week["households"] + 1
    week = week.drop(index=0).reset_index(drop=True)
    V.publish(db, week, content=b"week 2", filename="第2周.xlsx", uploader="张三")
    return db


def rows_of(frame: pd.DataFrame) -> list[list[str]]:
    return [list(map(str, row)) for row in frame.itertuples(index=False)]


def captions(at: AppTest) -> list[str]:
    return [c.value for c in at.caption]


def test_the_comparison_lists_a_page_at_a_time_most_important_first(slipped_week):
    at = history()
    whole = changes_table(diff_projects(V.version_projects(slipped_week, 1), V.version_projects(slipped_week, 2)), "zh")
    assert len(whole) == 110
    assert "共 110 处变化，显示第 1–50 条。完整名单请下载 Excel。" in captions(at)
    page = html_table(at, "chg-list-changed")
    assert rows_of(page) == rows_of(whole.iloc[:50])  # the same rows, in the same order, as the whole list
    assert page.iloc[0]["变化"] == "推迟 55 天"  # the largest slip first
    at.button(key="hi_chg_changed_next").click().run()
    assert "共 110 处变化，显示第 51–100 条。完整名单请下载 Excel。" in captions(at)
    assert rows_of(html_table(at, "chg-list-changed")) == rows_of(whole.iloc[50:100])
    at.button(key="hi_chg_changed_next").click().run()
    assert len(html_table(at, "chg-list-changed")) == 10 and at.button(key="hi_chg_changed_next").disabled
    assert any(m.value == "第 3 / 3 页" for m in at.markdown)
    removed = html_table(at, "chg-list-removed")  # one project: counted without a window, no pager
    assert len(removed) == 1 and "共 1 个项目，户数多的在前。" in captions(at)
    assert not [b for b in at.button if str(b.key).startswith("hi_chg_removed_")]
    at.selectbox(key="hi_from__zh").set_value(2).run()  # another comparison starts on its first page
    at.selectbox(key="hi_to__zh").set_value(1).run()
    assert "共 110 处变化，显示第 1–50 条。完整名单请下载 Excel。" in captions(at)


def test_the_comparison_in_english(slipped_week):
    at = history(lang="en")
    assert "110 changes in all; showing 1–50. The full list is in the Excel download." in captions(at)
    assert "1 project in all, most households first." in captions(at)
    assert at.button(key="hi_chg_changed_next").label == "Next"


def test_the_download_holds_every_list_whole(slipped_week):
    changes = diff_projects(V.version_projects(slipped_week, 1), V.version_projects(slipped_week, 2))
    for lang, names in (
        ("zh", ["变化明细", "新增项目", "移除项目"]),
        ("en", ["Changes", "Projects added", "Projects removed"]),
    ):
        sheets = change_sheets(changes, lang)
        assert [name for name, _ in sheets] == names
        assert [len(table.rows) for _, table in sheets] == [110, 0, 1]


def week_file(make_xlsx, count: int) -> bytes:
    """``count`` new projects (none of the sample's), households 100, 101, …"""
    rows = [HEADER] + [
        [f"新项目{i:03d}", "章丘区", "明水街道", 100 + i, 1.5, "2027-06-30", "主体施工"] for i in range(count)
    ]
    return make_xlsx(rows, name="week.xlsx").read_bytes()


def test_the_preview_pages_its_lists_and_compares_once_per_reading(make_xlsx, app_database, monkeypatch):
    calls = []
    original = housing.changes.diff_projects

    def counted(old, new):
        calls.append(len(new))
        return original(old, new)

    monkeypatch.setattr(housing.changes, "diff_projects", counted)
    at = open_page("views/upload.py", Actor("张三", EDITOR, (), "10.1.2.3"), as_of="2021-03-01")
    at.file_uploader[0].upload("第12周.xlsx", week_file(make_xlsx, 60)).run()
    assert not at.exception, [e.value for e in at.exception]
    assert "共 60 个项目，户数多的在前，显示第 1–50 个。完整名单请下载 Excel。" in captions(at)
    added = html_table(at, "chg-list-added")
    assert added["安置户数"].tolist() == [f"{h:,}" for h in range(159, 109, -1)]  # most households first
    assert calls == [60]
    at.text_area(key="up_comment").input("第12周").run()  # typing a comment does not compare again
    at.button(key="up_chg_added_next").click().run()  # nor does turning a page
    assert html_table(at, "chg-list-added")["项目名称"].tolist() == [f"新项目{i:03d}" for i in range(9, -1, -1)]
    assert calls == [60]
    at.file_uploader[0].upload("第13周.xlsx", week_file(make_xlsx, 3)).run()  # another file: compared afresh
    assert calls == [60, 3] and "共 3 个项目，户数多的在前。" in captions(at)
    assert len(html_table(at, "chg-list-added")) == 3


def test_the_download_writes_the_workbook(slipped_week):
    """The workbook the download writes: an about sheet, then the three lists whole."""
    from briefing.xlsx import tables_xlsx

    changes = diff_projects(V.version_projects(slipped_week, 1), V.version_projects(slipped_week, 2))
    book = openpyxl.load_workbook(io.BytesIO(tables_xlsx(change_sheets(changes, "zh"), "zh", [("对比版本", "1 → 2")])))
    assert book.sheetnames[1:] == ["变化明细", "新增项目", "移除项目"]
    assert book["变化明细"].max_row >= 111  # a header and 110 changes
