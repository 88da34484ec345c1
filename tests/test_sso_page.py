"""Single sign-on in app.py (ui/sso.py through ui/signin.py) in AppTest: offered on the sign-in form, the mapped
account, refusals, and an administrator's changes to a single sign-on account at the next click."""

from __future__ import annotations

import pytest
from app_pages import APP
from sqlalchemy import select
from streamlit.testing.v1 import AppTest

from ui.escape import md_escape

AUTH = {
    "redirect_uri": "http://localhost:8501/oauth2callback",
    "cookie_secret": "x" * 32,
    "client_id": "dashboard",
    "client_secret": "secret",
    "server_metadata_url": "http://127.0.0.1:9/.well-known/openid-configuration",
}
SSO = {"roles": {"editor": ["group:zhangqiu-office"]}, "districts": {"group:zhangqiu-office": ["章丘区"]}}


@pytest.fixture(autouse=True)
def oidc_ready(monkeypatch):
    """As on a server with streamlit[auth] (Authlib and httpx) installed; a test may say otherwise."""
    import ui.sso

    monkeypatch.setattr(ui.sso, "ready", lambda: True)
    return monkeypatch


def _app(user: dict | None = None, sso: dict | None = None, lang: str = "zh") -> AppTest:
    at = AppTest.from_file(APP, default_timeout=90)
    at.secrets["auth"] = AUTH
    at.secrets["sso"] = sso if sso is not None else SSO
    at.query_params.update({"as_of": "2026-11-21", "lang": lang})
    if user is not None:
        at.user.update({"is_logged_in": True, **user})
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def _texts(at: AppTest) -> str:
    return " ".join(e.value for kind in ("title", "markdown", "caption", "error") for e in getattr(at, kind))


def _labels(at: AppTest) -> list[str]:
    return [b.label for b in at.button]


@pytest.mark.parametrize(
    ("lang", "title", "buttons"),
    [("zh", "登录", ["登录", "通过单点登录"]), ("en", "Sign in", ["Sign in", "Sign in with single sign-on"])],
)
def test_nobody_signed_in_sees_only_the_sign_in_form_with_single_sign_on(lang, title, buttons):
    at = _app(lang=lang)
    assert at.title[0].value == title
    assert _labels(at) == buttons  # the password form's button, then single sign-on below it
    assert not at.metric  # no dashboard figure before signing in
    assert at.session_state["actor"] is None


@pytest.mark.parametrize("page", ["views/upload.py", "views/settings.py", "views/history.py", "views/overview.py"])
def test_no_page_file_is_registered_before_signing_in(page):
    # Only the sign-in form stands in under every page's address: no page's own file can run past it.
    at = _app()
    with pytest.raises(ValueError, match="Could not find a navigation page"):
        at.switch_page(page)


def test_without_the_oidc_client_a_clear_message_replaces_the_button(oidc_ready):
    import ui.sso

    oidc_ready.setattr(ui.sso, "ready", lambda: False)
    at = _app()
    assert "单点登录暂不可用" in at.error[0].value
    assert _labels(at) == ["登录"]  # the built-in accounts still sign in


def test_ready_checks_the_modules_st_login_imports(monkeypatch):
    import importlib.util

    import ui.sso

    monkeypatch.undo()  # the real check, not the fixture's stand-in

    monkeypatch.setattr(ui.sso, "OIDC_MODULES", ("authlib", "no_such_module_xyz"))
    assert not ui.sso.ready()
    monkeypatch.setattr(ui.sso, "OIDC_MODULES", ("authlib",))
    assert ui.sso.ready() is (importlib.util.find_spec("authlib") is not None)


def test_a_mapped_user_gets_the_dashboard_as_their_account(app_database):
    from service.roles import Actor
    from store.db import open_database
    from store.schema import accounts, audit_log

    at = _app({"sub": "u1", "email": "li@x.cn", "email_verified": True, "groups": ["zhangqiu-office"]})
    assert at.session_state["actor"] == Actor("li@x.cn", "editor", ("章丘区",), "localhost")
    assert f"当前用户：{md_escape('li@x.cn')}（编辑）" in [c.value for c in at.sidebar.caption]
    assert [m.label for m in at.metric][:2] == ["项目", "安置户数"]
    at.run()  # later runs keep the actor without signing in (and auditing) again
    engine = open_database(app_database)
    with engine.connect() as conn:
        made = select(accounts).where(accounts.c.created_by == "sso")  # besides the first administrator
        assert [(r.username, r.role, r.districts) for r in conn.execute(made)] == [("li@x.cn", "editor", ["章丘区"])]
        signed = select(audit_log).where(audit_log.c.action == "sign_in")
        assert [(r.account, r.outcome) for r in conn.execute(signed)] == [("li@x.cn", "ok")]


@pytest.mark.parametrize(
    "sso",
    [
        SSO,  # not named by the mapping, and no default role
        {"roles": {"superuser": ["li@x.cn"]}},  # a wrong mapping refuses everyone
    ],
)
def test_an_unmapped_user_is_refused_with_a_way_out(sso):
    at = _app({"sub": "u2", "email": "li@x.cn"}, sso=sso)
    assert f"账号 {md_escape('li@x.cn')} 未获授权使用本看板" in at.error[0].value
    assert _labels(at) == ["登录", "退出登录"]  # a built-in account, or sign out of the provider to switch
    assert not at.metric and at.session_state["actor"] is None


@pytest.mark.parametrize("email", ["__li__@x.cn", "+li_x_@x.cn"])
def test_the_providers_text_is_never_markdown_when_signed_in(email):
    viewer_for_all = {**SSO, "default_role": "viewer"}
    at = _app({"sub": "u3", "email": email}, sso=viewer_for_all)
    assert f"当前用户：{md_escape(email)}（查看者）" in [c.value for c in at.sidebar.caption]


@pytest.mark.parametrize("email", ["[li](http://evil.example)@x.cn", "**li**_x`@x.cn", "__li__@x.cn"])
def test_the_providers_text_is_never_markdown_when_refused(email):
    refused = _app({"sub": "u4", "email": email})
    assert f"账号 {md_escape(email)} 未获授权" in refused.error[0].value


def test_without_auth_settings_single_sign_on_is_not_offered():
    at = AppTest.from_file(APP, default_timeout=90)
    at.query_params["as_of"] = "2026-11-21"
    at.run()
    assert not at.exception
    assert at.title[0].value == "登录" and "通过单点登录" not in _labels(at)


EDITOR_CLAIMS = {"sub": "u1", "email": "li@x.cn", "email_verified": True, "groups": ["zhangqiu-office"]}
NO_EMAIL = {"sub": "AbC:7/x", "email": None, "groups": ["zhangqiu-office"]}  # named by the subject's hash


def _admin_changes(change: str, claims: dict, app_database) -> None:
    """What an administrator does to the single sign-on account on the accounts page."""
    from service import accounts as A
    from service.roles import VIEWER, Actor
    from service.sso import subject
    from store.db import open_database

    db, boss, name = open_database(app_database), Actor("admin", "admin"), subject(claims)
    if change == "role":
        A.update_account(db, boss, name, VIEWER)
    elif change in ("disable", "lock"):
        {"disable": A.set_disabled, "lock": A.set_locked}[change](db, boss, name, True)


@pytest.mark.parametrize("claims", [EDITOR_CLAIMS, NO_EMAIL])
def test_a_role_change_of_a_single_sign_on_account_applies_at_the_next_click(app_database, claims):
    from service.sso import subject

    at = _app(claims)
    assert at.session_state["actor"].role == "editor"
    _admin_changes("role", claims, app_database)
    at.run()
    assert at.session_state["actor"].role == "viewer" and at.metric
    assert f"当前用户：{md_escape(subject(claims))}（查看者）" in [c.value for c in at.sidebar.caption]
    with pytest.raises(ValueError, match="Could not find a navigation page"):
        at.switch_page("views/upload.py")  # an editor's page is gone with the role


@pytest.mark.parametrize(
    ("change", "notice"), [("disable", "已被停用或锁定"), ("lock", "已被停用或锁定"), ("idle", "已超过 30 分钟未操作")]
)
def test_an_ended_single_sign_on_session_stays_ended(app_database, change, notice):
    import time

    from ui import signin

    at = _app(NO_EMAIL)
    assert at.metric
    _admin_changes(change, NO_EMAIL, app_database)
    if change == "idle":
        at.session_state[signin.LAST_SEEN] = time.time() - 31 * 60
    at.run()
    assert at.title[0].value == "登录" and notice in at.warning[0].value and not at.metric
    at.run()  # the next click: the provider's cookie alone does not sign the session in again
    assert at.session_state["actor"] is None and not at.metric
    assert _labels(at) == ["登录", "通过单点登录"]  # signing in again is a deliberate step
