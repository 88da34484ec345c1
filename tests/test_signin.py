"""AppTest of signing in (``ui.signin`` through ``app.py``): the form alone until signed in, wrong passwords,
the forced password change, idle expiry, signing out, a disabled account's session, anonymous viewing."""

from __future__ import annotations

import time

import pytest
from app_pages import APP, account_for, signed_in
from sqlalchemy import select
from streamlit.testing.v1 import AppTest

from service import accounts as A
from service.roles import EDITOR, VIEWER, Actor
from store.db import open_database
from store.schema import audit_log
from ui import signin
from ui.context import ANONYMOUS

ADMIN_PASSWORD = "first admin password"


@pytest.fixture(autouse=True)
def configured_admin(monkeypatch):
    monkeypatch.setenv("DASHBOARD_ADMIN_PASSWORD", ADMIN_PASSWORD)
    monkeypatch.delenv("DASHBOARD_ANONYMOUS_VIEWING", raising=False)


def fresh(**params) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=90)
    at.query_params.update({"as_of": "2026-11-21", **params})
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def submit(at: AppTest, username: str, password: str) -> AppTest:
    at.text_input(key="si_username").input(username)
    at.text_input(key="si_password").input(password)
    return next(b for b in at.button if b.label in ("登录", "Sign in")).click().run()


def audit_actions(app_database) -> list[tuple]:
    with open_database(app_database).connect() as conn:
        rows = conn.execute(select(audit_log).order_by(audit_log.c.id)).mappings().all()
    return [(r["account"], r["action"], r["outcome"], r["detail"]) for r in rows]


@pytest.mark.parametrize(
    ("lang", "title", "labels", "button"),
    [("zh", "登录", ["用户名", "密码"], "登录"), ("en", "Sign in", ["Username", "Password"], "Sign in")],
)
def test_nobody_signed_in_sees_the_form_and_nothing_else(lang, title, labels, button):
    at = fresh(lang=lang)
    assert [t.value for t in at.title] == [title]
    assert [i.label for i in at.text_input] == labels
    assert [b.label for b in at.button] == [button]
    assert not at.metric and not at.dataframe and not at.selectbox and not at.date_input
    assert [r.label for r in at.sidebar.radio] == ["语言 / Language"]  # the language switch stays


def test_the_language_switch_works_on_the_form():
    at = fresh()
    at.sidebar.radio[0].set_value("en").run()
    assert at.title[0].value == "Sign in" and at.text_input[0].label == "Username"


def test_signing_in_opens_the_dashboard_with_the_account_in_the_sidebar(app_database):
    at = submit(fresh(), "Admin", ADMIN_PASSWORD)
    assert not at.exception and at.metric
    assert at.session_state["actor"] == Actor("admin", "admin", (), "localhost")
    assert "当前用户：admin（管理员）" in [c.value for c in at.sidebar.caption]
    assert audit_actions(app_database)[-1] == ("admin", "sign_in", "ok", {})


def test_a_wrong_password_is_refused_and_the_field_emptied(app_database):
    at = submit(fresh(), "admin", "not the password")
    assert [e.value for e in at.error] == ["用户名或密码不正确。"]
    assert at.text_input(key="si_password").value == "" and not at.metric
    assert audit_actions(app_database)[-1] == ("admin", "sign_in", "failed", {"reason": "wrong"})


def test_repeated_wrong_passwords_lock_the_account(monkeypatch):
    monkeypatch.setenv("RESETTLE_SIGNIN_MAX_FAILURES", "3")
    at = fresh()
    for _ in range(3):
        submit(at, "admin", "not the password")
    assert "账号已锁定至" in at.error[0].value
    submit(at, "admin", ADMIN_PASSWORD)
    assert "账号已锁定至" in at.error[0].value and not at.metric


def test_a_temporary_password_must_be_changed_before_anything_else(app_database):
    fresh()  # creates the first admin
    db = open_database(app_database)
    temporary = A.create_account(db, Actor("admin", "admin"), "li", EDITOR)
    at = submit(fresh(), "li", temporary)
    assert at.title[0].value == "设置新密码" and not at.metric
    fields = ("si_current", "si_new", "si_repeat")
    for values, error in (
        ((temporary, "a good new password", "another one entirely"), "两次输入的新密码不一致。"),
        ((temporary, "short", "short"), "密码至少需要 10 个字符。"),
        (("wrong", "a good new password", "a good new password"), "当前密码不正确。"),
    ):
        for key, value in zip(fields, values, strict=True):
            at.text_input(key=key).input(value)
        next(b for b in at.button if b.label == "保存新密码").click().run()
        assert [e.value for e in at.error] == [error]
        assert all(at.text_input(key=k).value == "" for k in fields)
    for key, value in zip(fields, (temporary, "a good new password", "a good new password"), strict=True):
        at.text_input(key=key).input(value)
    next(b for b in at.button if b.label == "保存新密码").click().run()
    assert at.metric and "密码已修改。" in [s.value for s in at.success]
    assert not A.get_account(db, "li").must_change_password


def test_an_idle_session_is_signed_out(app_database):
    at = signed_in(AppTest.from_file(APP, default_timeout=90), VIEWER)
    at.run()
    assert at.metric
    at.session_state[signin.LAST_SEEN] = time.time() - 31 * 60
    at.run()
    assert at.title[0].value == "登录" and not at.metric
    assert "已超过 30 分钟未操作" in at.warning[0].value
    assert audit_actions(app_database)[-1] == ("viewer", "sign_out", "ok", {"reason": "idle"})


def test_signing_out(app_database):
    at = signed_in(AppTest.from_file(APP, default_timeout=90), VIEWER).run()
    next(b for b in at.sidebar.button if b.label == "退出登录").click().run()
    assert at.title[0].value == "登录" and at.info[0].value == "您已退出登录。"
    assert "actor" not in at.session_state or at.session_state["actor"] is None
    assert audit_actions(app_database)[-1] == ("viewer", "sign_out", "ok", {})


@pytest.mark.parametrize("change", ["disable", "lock", "role"])
def test_changes_by_an_administrator_apply_at_the_next_run(app_database, change):
    at = signed_in(AppTest.from_file(APP, default_timeout=90), EDITOR).run()
    db, boss = open_database(app_database), Actor("admin", "admin")
    {
        "disable": lambda: A.set_disabled(db, boss, "editor", True),
        "lock": lambda: A.set_locked(db, boss, "editor", True),
        "role": lambda: A.update_account(db, boss, "editor", VIEWER),
    }[change]()
    at.run()
    if change == "role":
        assert at.session_state["actor"].role == VIEWER and at.metric
    else:
        assert at.title[0].value == "登录" and "已被停用或锁定" in at.warning[0].value


def test_anonymous_viewing_when_configured(monkeypatch):
    monkeypatch.setenv("DASHBOARD_ANONYMOUS_VIEWING", "1")
    at = fresh()
    assert at.metric and at.session_state["actor"].role == VIEWER
    assert at.session_state["actor"].username == ANONYMOUS.username  # one "nobody" for the app and its audit
    assert "未登录：仅可查看看板。" in [c.value for c in at.sidebar.caption]
    with pytest.raises(ValueError, match="Could not find a navigation page"):
        at.switch_page("views/upload.py")
    next(b for b in at.sidebar.button if b.label == "工作人员登录").click().run()
    assert at.title[0].value == "登录"
    submit(at, "admin", ADMIN_PASSWORD)
    assert at.session_state["actor"].username == "admin" and at.metric


def test_anonymous_viewing_is_off_by_default():
    account_for(Actor("viewer", VIEWER))
    assert fresh().title[0].value == "登录"


# --- staying signed in on this device (service.devices) -------------------------------------------------------


def remember_me(at: AppTest, username: str = "admin", password: str = ADMIN_PASSWORD) -> AppTest:
    at.checkbox(key="si_remember").check()
    return submit(at, username, password)


def test_the_form_offers_to_stay_signed_in_for_the_configured_days(monkeypatch):
    assert fresh().checkbox(key="si_remember").label == "在此设备上保持登录 7 天"
    assert fresh(lang="en").checkbox(key="si_remember").label == "Stay signed in on this device for 7 days"
    monkeypatch.setenv("RESETTLE_REMEMBER_DAYS", "0")
    assert not fresh().checkbox


def test_ticking_it_writes_the_cookie_and_a_new_session_with_it_is_signed_in(app_database, monkeypatch):
    at = remember_me(fresh())
    token = at.session_state[signin.COOKIE_WRITE]
    assert at.metric and token and at.session_state[signin.DEVICE] == token
    assert ("admin", "remember_device", "ok", {"days": 7.0}) in audit_actions(app_database)
    monkeypatch.setattr(signin, "device_cookie", lambda: token)  # the browser sends the cookie on reload
    again = fresh()
    assert again.metric and again.session_state["actor"].username == "admin"
    assert audit_actions(app_database)[-1] == ("admin", "sign_in", "ok", {"method": "device"})


def test_not_ticking_it_writes_no_cookie(app_database):
    at = submit(fresh(), "admin", ADMIN_PASSWORD)
    assert at.metric and signin.COOKIE_WRITE not in at.session_state


def test_a_remembered_session_does_not_end_when_idle_but_signing_out_ends_it_on_the_device(app_database, monkeypatch):
    at = remember_me(fresh())
    token = at.session_state[signin.DEVICE]
    at.session_state[signin.LAST_SEEN] = time.time() - 31 * 60
    at.run()
    assert at.metric  # still signed in: its user chose to stay signed in on this device
    next(b for b in at.sidebar.button if b.label == "退出登录").click().run()
    assert at.title[0].value == "登录" and at.session_state[signin.COOKIE_WRITE] == ""  # the cookie is removed
    monkeypatch.setattr(signin, "device_cookie", lambda: token)
    again = fresh()
    assert again.title[0].value == "登录" and not again.metric  # the token was revoked at sign-out
    assert again.session_state[signin.COOKIE_WRITE] == ""
    assert audit_actions(app_database)[-1] == ("admin", "sign_in", "failed", {"method": "device", "reason": "revoked"})


@pytest.mark.parametrize("cookie", ["garbage", "<b>x</b>", "a" * 43, "x" * 5000])
def test_a_cookie_we_did_not_issue_shows_the_form(cookie, monkeypatch):
    monkeypatch.setattr(signin, "device_cookie", lambda: cookie)
    at = fresh()
    assert at.title[0].value == "登录" and not at.metric


def test_a_remembered_session_ends_when_idle_once_its_token_is_revoked_elsewhere(app_database):
    """Outliving the idle limit is allowed only while the device's token stands: a password change on another
    device (which revokes every other device) ends an idle remembered session at its next run, and the cookie
    is removed."""
    at = remember_me(fresh())
    db = open_database(app_database)
    elsewhere = A.get_account(db, "admin").actor("10.0.0.9")
    A.change_password(db, elsewhere, ADMIN_PASSWORD, ADMIN_PASSWORD + " new")
    at.run()
    assert at.metric  # not idle: the session goes on, as any signed-in session does
    at.session_state[signin.LAST_SEEN] = time.time() - 31 * 60
    at.run()
    assert at.title[0].value == "登录" and at.session_state[signin.COOKIE_WRITE] == ""
    assert audit_actions(app_database)[-1][:3] == ("admin", "sign_out", "ok")


def test_a_sign_in_reads_the_days_once_and_the_cookie_lasts_as_long_as_its_token(app_database, monkeypatch):
    at = fresh()
    reads: list[str] = []
    real = signin.get_setting
    monkeypatch.setattr(signin, "get_setting", lambda key: reads.append(key) or real(key))
    remember_me(at)
    assert at.metric and reads.count("remember_days") == 1  # the ticked box's sign-in run: the token and its cookie
    assert "Max-Age=604800;" in cookie_script(at)  # 7 days
    monkeypatch.setenv("RESETTLE_REMEMBER_DAYS", "1")  # changed later: the token made still lasts 7 days
    reads.clear()
    at.run()
    assert reads.count("remember_days") == 0 and "Max-Age=604800;" in cookie_script(at)


def cookie_script(at: AppTest) -> str:
    """The script of the one-pixel frame that writes the sign-in cookie (``signin.sync_device_cookie``)."""
    found = [str(node.proto) for node in at.get("iframe")]
    return next(text for text in found if "document.cookie" in text)
