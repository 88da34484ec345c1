"""AppTest of the history page through the entrypoint: list, compare, roll back, view a past version."""

from __future__ import annotations

import pytest
from app_pages import assert_unreachable, html_table, open_page
from streamlit.testing.v1 import AppTest

from service.roles import EDITOR, Actor
from store import versions as V
from store.db import open_database

LI = Actor("李四", EDITOR, (), "10.1.2.4")


def start(page: str = "views/history.py", actor: Actor | None = LI, **params) -> AppTest:
    return open_page(page, actor, **params)


@pytest.fixture
def two_versions(app_database):
    """The bundled sample as version 1, then a week where one deadline slipped and one project left."""
    start("views/overview.py")  # the first start publishes the sample as version 1
    db = open_database(app_database)
    week = V.version_projects(db, 1)
    week.loc[0, "deadline"] = week.loc[0, "deadline"] + __import__("pandas").Timedelta(days=30)
    week = week.drop(index=5).reset_index(drop=True)
    V.publish(db, week, content=b"week 2", filename="第2周.xlsx", uploader="张三", comment="第2周")
    return db


def test_versions_are_listed_newest_first_with_who_and_what(two_versions):
    at = start()
    table = html_table(at, "hi-versions")
    assert list(table["版本"]) == ["2 · 当前", "1"]
    assert list(table["上传人"]) == ["张三", "系统（示例数据）"]
    assert list(table["项目数"]) == ["55", "56"]
    assert list(table["来源"]) == ["上传", "内置示例数据"]
    assert list(table["说明"]) == ["第2周", ""]


def test_compare_defaults_to_the_two_newest_versions(two_versions):
    at = start()
    figures = {m.label: m.value for m in at.metric}
    assert (figures["新增项目"], figures["移除项目"], figures["有变化的项目"]) == ("0", "1", "1")
    changed = html_table(at, "chg-list-changed")
    assert changed.iloc[0]["变更项"] == "计划交付日期" and changed.iloc[0]["变化"] == "推迟 30 天"
    removed = html_table(at, "chg-list-removed")
    assert len(removed) == 1 and "chg-list-added" not in "".join(h.proto.body for h in at.get("html"))


def rollback_button(at: AppTest, version: int):
    return next(b for b in at.button if b.label == f"回退到第 {version} 版")


def test_rollback_names_what_goes_and_what_comes_back_and_needs_the_confirmation(two_versions):
    at = start()
    at.selectbox(key="hi_version__zh").set_value(1).run()
    assert not [i for i in at.text_input if i.key == "hi_rb_uploader"]  # nobody types a name
    gone = V.version_projects(two_versions, 1).iloc[5]
    back = next(i.value for i in at.info if i.value.startswith("回退后将恢复"))
    assert back == f"回退后将恢复 1 个项目、{gone.households:,} 户：{gone['name']}"
    assert not [w for w in at.warning if w.value.startswith("回退后将移除")]  # version 2 has no project 1 lacks
    confirm = next(c for c in at.checkbox if str(c.key).startswith("hi_rb_confirm_"))
    assert confirm.label == f"我确认回退到第 1 版：移除 0 个项目、0 户，恢复 1 个项目、{gone.households:,} 户"
    at.text_input(key="hi_rb_comment").input("第2周数据有误")
    rollback_button(at, 1).click().run()
    assert "请先勾选确认" in at.error[0].value and V.current_version_id(two_versions) == 2
    next(c for c in at.checkbox if str(c.key).startswith("hi_rb_confirm_")).check()
    rollback_button(at, 1).click().run()
    assert not at.exception
    assert "已将第 1 版的数据发布为第 3 版" in at.success[0].value
    current = V.current(two_versions)
    assert (current.id, current.restored_from, current.uploader, current.projects) == (3, 1, "李四", 56)
    assert current.comment == "第2周数据有误"
    assert [v.id for v in V.list_versions(two_versions)] == [3, 2, 1]
    assert at.selectbox(key="hi_version__zh").value == 3 and not at.checkbox  # the form is gone: no second click


def test_a_rollback_confirmed_in_a_second_tab_meanwhile_asks_again(two_versions):
    """Two tabs confirm the same rollback; the first makes version 3, the second's confirmation was about
    version 2 and is asked again against version 3 (a double click never makes two versions)."""
    tabs = [start(), start()]
    for at in tabs:
        at.selectbox(key="hi_version__zh").set_value(1).run()
        next(c for c in at.checkbox if str(c.key).startswith("hi_rb_confirm_")).check()
    first, second = (rollback_button(at, 1).click().run() for at in tabs)
    assert "已将第 1 版的数据发布为第 3 版" in first.success[0].value
    assert "请先勾选确认" in second.error[0].value and not second.success
    assert next(c for c in second.checkbox if str(c.key).startswith("hi_rb_confirm_")).key == "hi_rb_confirm_1_3"
    assert [v.id for v in V.list_versions(two_versions)] == [3, 2, 1]


def test_a_rollback_removing_projects_names_them(two_versions):
    at = start()  # version 1 is current again after this rollback, so rolling back to 2 removes a project
    V.rollback(two_versions, 1, "李四")
    at = start()
    at.selectbox(key="hi_version__zh").set_value(2).run()
    gone = V.version_projects(two_versions, 1).iloc[5]
    warning = next(w.value for w in at.warning if w.value.startswith("回退后将移除"))
    assert warning == f"回退后将移除当前第 3 版中的 1 个项目、{gone.households:,} 户：{gone['name']}"


def test_nobody_has_no_history_page(two_versions):
    assert_unreachable("views/history.py", None)


@pytest.mark.parametrize("actor", [Actor("章丘区办", EDITOR, ("章丘区",))])
def test_no_rollback_for_a_district_office(two_versions, actor):
    at = start(actor=actor)
    at.selectbox(key="hi_version__zh").set_value(1).run()
    assert not [b for b in at.button if b.label.startswith("回退到")] and not at.checkbox


def test_the_dashboard_can_be_viewed_as_of_a_past_version(two_versions):
    at = start()
    at.selectbox(key="hi_version__zh").set_value(1).run()
    next(b for b in at.button if b.label == "在看板中查看此版本").click().run()
    assert not at.exception
    assert "正在查看历史版本：第 1 版" in at.warning[0].value
    assert {m.label: m.value for m in at.metric}["项目"] == "56个"
    next(b for b in at.button if b.label == "返回当前版本").click().run()
    at.switch_page("views/overview.py").run()  # AppTest stays on the page it last switched to
    assert not at.warning
    assert {m.label: m.value for m in at.metric}["项目"] == "55个"


def test_a_link_to_a_version_opens_the_dashboard_as_of_it(two_versions):
    at = start("views/overview.py", version="1")
    assert "第 1 版" in at.warning[0].value and {m.label: m.value for m in at.metric}["项目"] == "56个"


def test_history_in_english(two_versions):
    at = start(lang="en")
    assert at.title[0].value == "History"
    assert list(html_table(at, "hi-versions")["Source"]) == ["Upload", "Bundled sample"]


DASHBOARD_PAGES = ["views/overview.py", "views/changes.py", "views/districts.py", "views/progress.py"]


@pytest.mark.parametrize("page", DASHBOARD_PAGES)
def test_every_dashboard_page_says_when_the_published_data_is_the_sample(app_database, page):
    at = start(page)  # the first start publishes the sample as version 1
    assert any("当前发布的是内置示例数据（第 1 版）" in i.value for i in at.info)


def test_a_rollback_to_the_sample_is_marked_as_sample_data_everywhere(two_versions):
    rolled = V.rollback(two_versions, 1, "李四")
    assert rolled.sample
    at = start()
    assert list(html_table(at, "hi-versions")["来源"]) == ["回退至第 1 版 · 示例数据", "上传", "内置示例数据"]
    (download,) = [b for b in at.get("download_button") if b.proto.id.endswith("-hi_download")]  # not the Excel export
    assert download.proto.label.startswith("下载原始文件 sample") and download.proto.label.endswith("（内置示例数据）")
    at.switch_page("views/overview.py").run()
    assert any("当前发布的是内置示例数据（第 3 版）" in i.value for i in at.info)
    at = start("views/overview.py", version="2")  # the real version in between says nothing of a sample
    assert not [i for i in at.info if "示例数据" in i.value]
    at = start("views/overview.py", version="1")
    assert any("正在查看的第 1 版是内置示例数据" in i.value for i in at.info)


def test_the_samples_uploader_is_named_in_english_too(two_versions):
    table = html_table(start(lang="en"), "hi-versions")
    assert list(table["By"]) == ["张三", "the system (sample data)"]  # an account name is shown as it is


def test_many_versions_are_listed_a_page_at_a_time_with_every_comment_in_full(app_database):
    """60 versions: 50 on the first page, newest first, the last 10 a click away; a 400-character comment whole."""
    start("views/overview.py")  # the first start publishes the sample as version 1
    db = open_database(app_database)
    week = V.version_projects(db, 1)
    long = "本周更新：" + "历城区华山街道安置房项目交付日期调整说明" * 20
    for i in range(2, 61):
        V.publish(db, week, content=f"w{i}".encode(), filename=f"第{i}周.xlsx", uploader="张三", comment=long)
    at = start()
    first = html_table(at, "hi-versions")
    assert first["版本"].tolist() == ["60 · 当前", *map(str, range(59, 10, -1))]
    assert set(first["说明"]) == {long} and "…" not in first["说明"].iloc[0]
    assert "显示第 1–50 个。" in [c.value for c in at.caption]
    assert not [d for d in at.dataframe if "说明" in d.value]  # no data grid cuts a comment off
    at.button(key="hi_versions_next").click().run()
    assert html_table(at, "hi-versions")["版本"].tolist() == [*map(str, range(10, 0, -1))]
    assert at.button(key="hi_versions_next").disabled
