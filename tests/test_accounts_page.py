"""AppTest of the accounts page (``pages/accounts.py``): the list, a new account with its temporary password
shown once, role and districts changed, password reset, lock, disable; bad input answered in words."""

from __future__ import annotations

from app_pages import html_table, open_page
from sqlalchemy import select

from service import accounts as A
from store.db import open_database
from store.schema import audit_log


def start(**params):
    return open_page("views/accounts.py", **params)


def click(at, label: str):
    return next(b for b in at.button if b.label == label).click().run()


def test_the_list_shows_every_account():
    at = start()
    table = html_table(at, "ac-list")
    assert list(table.columns) == ["用户名", "角色", "区县范围", "状态", "最近登录", "创建时间 · 创建人"]
    admin = table.set_index("用户名").loc["admin"]
    assert (admin["角色"], admin["区县范围"], admin["状态"]) == ("管理员", "全部区县", "正常")


def test_english_headers():
    at = start(lang="en")
    assert list(html_table(at, "ac-list").columns)[:4] == ["Username", "Role", "Districts", "Status"]
    assert at.title[0].value == "Accounts"


def test_creating_an_account_shows_its_temporary_password_once(app_database):
    at = start()
    at.text_input(key="ac_new_name").input("Li.Wei")
    at.selectbox(key="ac_new_role").set_value("editor")
    districts = at.multiselect(key="ac_new_districts")
    assert "章丘区" in districts.options  # the published data's districts
    districts.set_value(["章丘区"])
    click(at, "创建账号")
    assert not at.exception
    assert at.success[0].value.startswith("已创建账号“li\\.wei”")  # the name as stored, Markdown-escaped
    password = at.code[0].value
    db = open_database(app_database)
    assert A.sign_in(db, "li.wei", password) == A.sign_in(db, "LI.WEI", password)
    account = A.get_account(db, "li.wei")
    assert (account.role, account.districts, account.must_change_password) == ("editor", ("章丘区",), True)
    row = html_table(at, "ac-list").set_index("用户名").loc["li.wei"]
    assert (row["角色"], row["区县范围"], row["状态"]) == ("编辑", "章丘区", "待修改临时密码")
    at.run()
    assert not at.code  # shown once


def test_a_bad_or_taken_name_is_answered_and_nothing_is_created(app_database):
    at = start()
    for typed, error in (("li wei", "用户名只能包含"), ("ADMIN", "已被使用")):
        at.text_input(key="ac_new_name").input(typed)
        click(at, "创建账号")
        assert error in at.error[0].value and not at.code
    assert [a.username for a in A.list_accounts(open_database(app_database))] == ["admin"]


def test_changing_an_account(app_database):
    db = open_database(app_database)
    at = start()
    A.create_account(db, at.session_state["actor"], "wang", "viewer")
    at.run()
    at.selectbox(key="ac_pick").set_value("wang").run()
    at.selectbox(key="ac_role_wang").set_value("editor")
    at.multiselect(key="ac_districts_wang").set_value(["历城区"])
    click(at, "保存角色和区县范围")
    assert at.success[0].value == "已保存“wang”的角色和区县范围。"
    assert (A.get_account(db, "wang").role, A.get_account(db, "wang").districts) == ("editor", ("历城区",))
    click(at, "锁定")
    assert A.get_account(db, "wang").locked_until == A.LOCKED_BY_ADMIN
    assert "已被管理员锁定" in html_table(at, "ac-list").set_index("用户名").loc["wang"]["状态"]
    click(at, "解锁")
    click(at, "停用")
    assert A.get_account(db, "wang").disabled and not A.get_account(db, "wang").locked()
    click(at, "启用")
    click(at, "重置密码")
    assert at.success[0].value.startswith("已重置“wang”的密码") and len(at.code[0].value) >= 10
    with db.connect() as conn:
        changes = [r["change"] for r in conn.execute(select(audit_log.c.detail)).scalars() if "change" in r]
    assert changes[-7:] == ["create", "role", "lock", "unlock", "disable", "enable", "reset_password"]


def test_the_last_administrator_cannot_disable_itself():
    at = start()
    at.selectbox(key="ac_pick").set_value("admin").run()
    click(at, "停用")
    assert "至少需要保留一个可用的管理员账号" in at.error[0].value


def test_a_long_list_of_districts_and_a_hostile_name_show_in_full(app_database):
    from app_pages import account_for

    from service.roles import VIEWER, Actor

    many = (
        "历下区",
        "市中区",
        "槐荫区",
        "天桥区",
        "历城区",
        "长清区",
        "章丘区",
        "济阳区",
        "莱芜区",
        "钢城区",
        "平阴县",
    )
    account_for(Actor("<b>王</b>**区县办**", VIEWER, many))
    at = start()
    row = html_table(at, "ac-list").set_index("用户名").loc["<b>王</b>**区县办**"]  # as typed, not markup
    assert row["区县范围"] == "、".join(many) and not at.dataframe
    body = next(h.proto.body for h in at.get("html") if 'class="ac-list"' in h.proto.body)
    assert "<b>王" not in body and "&lt;b&gt;王&lt;/b&gt;**区县办**" in body
