"""AppTest of the audit page through the entrypoint (admins only: filters, pages, export) and its export file."""

from __future__ import annotations

import datetime as dt
import io

import pandas as pd
import pytest
from app_pages import assert_unreachable, open_page
from openpyxl import load_workbook
from streamlit.testing.v1 import AppTest

from service import actions as S
from service.audit import OK, REFUSED, record
from service.roles import ADMIN, EDITOR, VIEWER, Actor, Refused
from store.db import open_database, writing
from ui.audit import detail_text, export_workbook, shown, target_label

BOSS = Actor("管理员甲", ADMIN, (), "10.0.0.1")


def start(actor: Actor | None = BOSS, **params) -> AppTest:
    return open_page("views/audit_trail.py", actor, **params)


@pytest.fixture
def trail(app_database):
    """The sample seeded (the system's publish), then 張三's upload and a viewer's refused rollback."""
    start()
    db = open_database(app_database)
    S.record_upload(db, Actor("张三", EDITOR, (), "10.0.0.2"), "第12周.xlsx", "ab" * 32, OK, {"errors": 0})
    with pytest.raises(Refused):
        S.rollback(db, Actor("访客", VIEWER, (), "10.0.0.3"), 1, confirmed=True)
    return db


def test_the_trail_newest_first_in_the_users_words(trail):
    table = start().dataframe[0].value
    assert table["账号"].tolist() == ["访客", "张三", "系统（示例数据）"]  # the seeder as the history names it
    assert table["操作"].tolist() == ["回退", "上传", "发布"]
    assert table["结果"].tolist() == ["无权限，已拒绝", "成功", "成功"]
    assert table["对象"].tolist() == ["第 1 版", "第12周.xlsx", "第 1 版"]
    assert table["来源地址"].tolist() == ["10.0.0.3", "10.0.0.2", ""]
    assert table["详情"][0] == "角色：查看者。原因：您的账号没有权限执行此操作。"  # the refusal as the user was told it
    assert table["详情"][1] == "SHA-256：abababababab；错误：0"  # the table shows a digest's first 12 hex digits


def test_filters_by_account_action_and_outcome(trail):
    at = start()
    at.selectbox(key="au_account").set_value("张三").run()
    assert at.dataframe[0].value["账号"].tolist() == ["张三"]
    at.selectbox(key="au_account").set_value(None).run()
    at.multiselect(key="au_outcomes__zh").set_value([REFUSED]).run()
    assert at.dataframe[0].value["账号"].tolist() == ["访客"]
    at.multiselect(key="au_actions__zh").set_value(["publish"]).run()
    assert not at.dataframe and at.info[0].value == "没有符合条件的记录。"


def test_filters_by_local_days(trail):
    today = dt.datetime.now(dt.UTC).astimezone(dt.timezone(dt.timedelta(hours=8))).date()  # Asia/Shanghai
    at = start()
    at.date_input(key="au_dates").set_value((today - dt.timedelta(days=3), today - dt.timedelta(days=1))).run()
    assert not at.dataframe
    at.date_input(key="au_dates").set_value((today, today)).run()
    assert len(at.dataframe[0].value) == 3


def test_a_long_trail_is_paged_and_offered_as_xlsx(app_database):
    start()
    with writing(open_database(app_database)) as conn:
        for n in range(120):
            record(conn, f"user{n:03d}", "export", OK, f"t{n}")
    at = start(lang="en")
    assert "121 entries; showing 1–50 (newest first)." in [c.value for c in at.caption]
    assert len(at.dataframe[0].value) == 50 and at.dataframe[0].value["Account"][0] == "user119"
    at.number_input(key=next(n.key for n in at.number_input)).set_value(3).run()
    assert "121 entries; showing 101–121 (newest first)." in [c.value for c in at.caption]
    assert at.dataframe[0].value["Account"].tolist()[-1] == "the system (sample data)"
    assert at.get("download_button")[0].proto.label == "Export the filtered entries (.xlsx)"


@pytest.mark.parametrize("actor", [Actor("张三", EDITOR), Actor("访客", VIEWER), None])
def test_only_admins_see_the_trail(trail, actor):
    assert_unreachable("views/audit_trail.py", actor)


def test_the_export_keeps_hostile_text_as_text():
    rows = pd.DataFrame(
        {
            "at": pd.to_datetime(["2026-11-21T02:00Z"], utc=True),
            "account": ['=HYPERLINK("http://evil","x")'],
            "action": ["publish"],
            "outcome": ["ok"],
            "target": ["version 3"],
            "detail": [{"file": "+1.xlsx", "sha256": "ab" * 32}],
            "address": ["10.0.0.1"],
        }
    )
    sheet = load_workbook(io.BytesIO(export_workbook(rows, "zh", "Asia/Shanghai")))["审计日志"]
    values = [[c.value for c in row] for row in sheet.iter_rows()]
    assert values[0] == ["时间", "账号", "操作", "结果", "对象", "详情", "来源地址"]
    assert values[1][:5] == ["2026年11月21日 10:00", '=HYPERLINK("http://evil","x")', "发布", "成功", "第 3 版"]
    assert sheet["B2"].data_type == "s" and sheet["B2"].quotePrefix  # text, never a formula
    assert values[1][5] == "文件：+1.xlsx；SHA-256：" + "ab" * 32  # the export has the whole digest


def test_nothing_in_the_app_edits_or_deletes_the_trail():
    """No module updates or deletes audit rows (only ``service.audit.record`` inserts them)."""
    from pathlib import Path

    root = Path(__file__).resolve().parents[1]
    sources = [
        p
        for d in ("app.py", "views", "ui", "service", "store", "briefing")
        for p in ([root / d] if d.endswith(".py") else (root / d).rglob("*.py"))
    ]
    offending = [
        p.name
        for p in sources
        if "audit_log" in (text := p.read_text(encoding="utf-8"))
        and any(w in text for w in ("update(audit_log", "delete(audit_log", "audit_log.update", "audit_log.delete"))
    ]
    assert offending == []


@pytest.mark.parametrize(
    ("target", "detail", "lang", "target_shown", "detail_shown"),
    [
        (
            "account admin",
            {"change": "create", "role": "admin", "password": "configured"},
            "zh",
            "账号 admin",
            "变更：新建账号；角色：管理员；初始密码：由服务器配置设定",
        ),
        (
            "account li.si",
            {"change": "role", "role": "editor", "districts": ["章丘区"], "was": "viewer"},
            "en",
            "account li.si",
            "change: role and districts changed; role: editor; account's districts: 章丘区; previous role: viewer",
        ),
        (
            "account admin",
            {"change": "reset_password", "by": "operator"},
            "zh",
            "账号 admin",
            "变更：重置密码；操作方式：服务器命令行",
        ),
        ("account admin", {"reason": "wrong"}, "zh", "账号 admin", "原因：用户名或密码不正确"),
        ("account admin", {"reason": "locked"}, "en", "account admin", "reason: account locked"),
        ("version 1", {"file": "a.xlsx", "source": "sample"}, "zh", "第 1 版", "文件：a.xlsx；来源：示例数据"),
        ("sso", {"method": "sso"}, "en", "sso", "sign-in method: single sign-on"),
        ("x", {"change": "something new", "role": "owner"}, "en", "x", "change: something new; role: owner"),
        ("task 12", {"step": "replied", "state": "missed"}, "zh", "督办事项 12", "环节：回复；时限：超时完成"),
        ("task 12", {"step": "done", "state": "kept"}, "en", "task 12", "step: done; timing: on time"),
        (
            "task sheet",
            {"tasks": 3, "first": 4, "last": 6},
            "zh",
            "督办事项表",
            "督办事项数：3；起始编号：4；截止编号：6",
        ),
        ("account admin", {"days": 7.0}, "zh", "账号 admin", "天数：7"),  # a float setting, not "7.0"
        ("account admin", {"days": 0.5}, "en", "account admin", "Days: 0.5"),
        ("upload", {"projects": 1200, "households": 133492}, "zh", "upload", "项目：1,200；户数：133,492"),
        ("version 12", {"new": 1234}, "en", "version 12", "new version: 1234"),  # a number of a thing: no separator
        (
            "task 3",
            {"title": "约谈", "assignee": "wang.wu", "source": "briefing", "again": True},
            "zh",
            "督办事项 3",
            "内容：约谈；承办人：wang.wu；来源：周例会简报；重复提交：是",
        ),
    ],
)
def test_recorded_codes_are_shown_in_the_users_words(target, detail, lang, target_shown, detail_shown):
    assert target_label(target, lang) == target_shown
    assert detail_text(detail, lang) == detail_shown


@pytest.mark.parametrize(
    ("lang", "expected"),
    [("zh", ["系统", "系统（示例数据）", "张三"]), ("en", ["the system", "the system (sample data)", "张三"])],
)
def test_the_systems_own_accounts_are_named_in_the_users_language(lang, expected):
    """The app's own account (the first administrator, ``python -m store import``) reads as the history page
    names it, not as the code ``system`` in the Chinese trail."""
    rows = pd.DataFrame(
        {
            "at": pd.to_datetime(["2026-12-02 08:00"] * 3, utc=True),
            "account": ["system", S.SYSTEM_ACCOUNT, "张三"],
            "action": ["publish"] * 3,
            "outcome": [OK] * 3,
            "target": ["version 1"] * 3,
            "detail": [{}] * 3,
            "address": [""] * 3,
        }
    )
    assert shown(rows, lang, "Asia/Shanghai").iloc[:, 1].tolist() == expected


@pytest.mark.parametrize(
    ("lang", "account", "action"),
    [("zh", "系统（示例数据）", "在设备上保持登录"), ("en", "the system (sample data)", "Stay signed in on a device")],
)
def test_the_short_columns_are_wide_enough_for_their_texts(trail, lang, account, action):
    """A fixed 120 px account column cut "the system (sample data)", and the action column (sized by the grid)
    cut "在设备上保持登录" to "在设备上保…": each short column is as wide as its longest text, at least one em
    (14 px) per Chinese character and 7 px per Latin one."""
    import json

    with writing(trail) as conn:
        record(conn, "张三", "remember_device", OK, "account 张三", {"days": 7.0})
    at = start(lang=lang)
    table = at.dataframe[0].value
    assert account in table.iloc[:, 1].tolist() and action in table.iloc[:, 2].tolist()
    widths = json.loads(at.dataframe[0].proto.columns)
    for column, text in ((table.columns[1], account), (table.columns[2], action)):
        needed = sum(14 if "\u4e00" <= c <= "\u9fff" or c in "（）" else 7 for c in text)
        assert widths[column]["width"] >= needed, (column, widths[column], needed)
