"""Signing in, in the real browser (``ui.signin`` served by ``streamlit run``): wrong passwords lock an
account and say so; a viewer, made by an administrator on the accounts page, changes the temporary password
and sees no upload page. Screenshots of the sign-in form and the accounts page in both languages go to
``SCREENSHOT_DIR`` when it is set."""

from __future__ import annotations

import pytest
from browser import *  # noqa: F403 - the fixtures: the served app, headless Chromium
from browser import ADMIN_PASSWORD, fill_sign_in, open_signed_in, shot, sign_in

pytestmark = pytest.mark.browser


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1440, "height": 900}, locale="zh-CN")
    yield context.new_page()
    context.close()


def make_account(database: str, name: str, role: str) -> str:
    """An account made as the accounts page makes it: the temporary password it shows once."""
    from service.accounts import create_account
    from service.roles import ADMIN, Actor
    from store.db import open_database

    return create_account(open_database(database), Actor("admin", ADMIN), name, role)


@pytest.mark.parametrize(("lang", "button"), [("zh", "登录"), ("en", "Sign in")])
def test_the_sign_in_form_alone(server, page, lang, button):
    page.goto(f"{server}/?lang={lang}")
    page.get_by_role("button", name=button).wait_for(timeout=90_000)
    assert page.locator("[data-testid='stMetric']").count() == 0
    assert page.locator("[data-testid='stSidebarNav']").count() == 0  # no page is offered before signing in
    shot(page, f"signin_{lang}")


def sign_in_attempts(database: str, name: str) -> int:
    """How many sign-ins of ``name`` the audit trail holds."""
    from sqlalchemy import func, select

    from store.db import open_database
    from store.schema import audit_log

    query = select(func.count()).where(audit_log.c.account == name, audit_log.c.action == "sign_in")
    with open_database(database).connect() as conn:
        return int(conn.execute(query).scalar_one())


def attempt(page, database: str, name: str, password: str) -> None:
    """One sign-in, waited for until the server has recorded it (the form's answer is then on its way)."""
    before = sign_in_attempts(database, name)
    fill_sign_in(page, name, password)
    page.wait_for_function("() => true")  # let the click reach the server
    for _ in range(120):
        if sign_in_attempts(database, name) > before:
            return
        page.wait_for_timeout(250)
    raise AssertionError("the sign-in was never recorded")


def test_wrong_passwords_lock_the_account(server, page, database):
    password = make_account(database, "guesser.target", "viewer")
    page.goto(f"{server}/")
    for number in range(5):
        attempt(page, database, "guesser.target", f"wrong password {number}")
        page.get_by_text("账号已锁定至" if number == 4 else "用户名或密码不正确").wait_for(timeout=30_000)
    attempt(page, database, "guesser.target", password)  # even the right password, while locked
    page.get_by_text("账号已锁定至").wait_for(timeout=30_000)
    page.wait_for_function("() => document.querySelector('input[type=password]').value === ''", timeout=30_000)
    assert page.locator("[data-testid='stMetric']").count() == 0
    shot(page, "signin_locked_zh")


def test_a_viewer_changes_the_temporary_password_and_sees_no_upload_page(server, page, database):
    temporary = make_account(database, "viewer.wang", "viewer")
    page.goto(f"{server}/uploads?as_of=2026-11-21")  # a deep link to a page a viewer may not use
    fill_sign_in(page, "viewer.wang", temporary)
    page.get_by_text("设置新密码").first.wait_for(timeout=60_000)
    for label, value in (
        ("当前密码（临时密码）", temporary),
        ("新密码", "viewer wang 2026"),
        ("再次输入新密码", "viewer wang 2026"),
    ):
        page.get_by_label(label, exact=True).fill(value)
    page.get_by_role("button", name="保存新密码").click()
    page.wait_for_selector("[data-testid='stMetric']", timeout=90_000)  # the overview, not the upload page
    nav = page.locator("[data-testid='stSidebarNav']").inner_text()
    assert "总览" in nav and "上传数据" not in nav and "版本历史" not in nav and "账号管理" not in nav
    assert page.locator("[data-testid='stFileUploader']").count() == 0
    page.get_by_text("当前用户：viewer.wang（查看者）").wait_for(timeout=10_000)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_accounts_page(server, page, database, lang):
    make_account(database, f"editor.{lang}", "editor")
    open_signed_in(page, f"{server}/accounts?lang={lang}", "admin", ADMIN_PASSWORD)
    title = "账号管理" if lang == "zh" else "Accounts"
    page.locator("h1").filter(has_text=title).wait_for(timeout=60_000)
    page.wait_for_selector("table.bf-table", timeout=30_000)  # the accounts list, an HTML table
    shot(page, f"accounts_{lang}")
    nav = page.locator("[data-testid='stSidebarNav']").inner_text()
    assert ("账号管理" if lang == "zh" else "Accounts") in nav


def test_staying_signed_in_on_this_device_survives_a_reload_until_signing_out(server, page):
    page.goto(f"{server}/?lang=zh")
    page.wait_for_selector("[data-testid='stForm']", timeout=90_000)
    page.get_by_text("在此设备上保持登录 7 天").click()
    sign_in(page)
    sign_out = page.get_by_role("button", name="退出登录")
    for _ in range(120):  # the frame writes the cookie: wait until the browser has it
        if any(c["name"] == "resettle_device" for c in page.context.cookies()):
            break
        page.wait_for_timeout(250)
    cookie = next(c for c in page.context.cookies() if c["name"] == "resettle_device")
    assert cookie["sameSite"] == "Strict" and cookie["expires"] > 0 and len(cookie["value"]) == 43
    page.reload()  # a new Streamlit session: signed in again from the cookie, no form
    sign_out.wait_for(timeout=90_000)
    assert page.locator("[data-testid='stForm']").count() == 0
    sign_out.click()
    page.get_by_role("button", name="登录").wait_for(timeout=60_000)
    for _ in range(120):
        if not any(c["name"] == "resettle_device" for c in page.context.cookies()):
            break
        page.wait_for_timeout(250)
    assert not any(c["name"] == "resettle_device" for c in page.context.cookies())
    page.reload()
    page.get_by_role("button", name="登录").wait_for(timeout=90_000)  # signed out for good on this device
