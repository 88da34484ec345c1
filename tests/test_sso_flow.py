"""Single sign-on end to end against a local OIDC provider on loopback (tests/oidc_provider.py).

Without a browser: an Authlib client goes through the provider (authorize, code + PKCE for tokens, the ID
token verified against the JWKS) and the verified claims sign in through ``service.sso.account_for``.
In Debian's chromium: the app started with a temporary secrets file (``--secrets.files``) asks every page's
address to sign in first (the built-in form, single sign-on offered below it); the whole round trip
(st.login -> provider -> /oauth2callback -> the dashboard as the mapped account -> st.logout -> a refused
user) also needs ``httpx``, which Streamlit's Authlib integration imports.
"""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
from pathlib import Path

import pytest
import requests
from authlib.common.security import generate_token
from authlib.integrations.requests_client import OAuth2Session
from joserfc import jwk, jwt
from oidc_provider import CLIENT_ID, CLIENT_SECRET, Provider
from sqlalchemy import select

from service.roles import Actor
from service.sso import account_for, load_mapping
from store.schema import accounts, audit_log

ROOT = Path(__file__).resolve().parents[1]
MAPPING = {"roles": {"editor": ["group:zhangqiu-office"]}, "districts": {"group:zhangqiu-office": ["章丘区"]}}
EDITOR = {"sub": "u-1", "email": "li@zhangqiu.gov.cn", "email_verified": True, "name": "李四",
          "groups": ["zhangqiu-office"]}  # fmt: skip
STRANGER = {"sub": "u-2", "email": "zhao@example.com", "email_verified": True, "name": "赵六"}


@pytest.fixture
def provider():
    with Provider() as running:
        running.user = dict(EDITOR)
        yield running


def _client(redirect_uri: str = "http://127.0.0.1:1/oauth2callback") -> OAuth2Session:
    return OAuth2Session(CLIENT_ID, CLIENT_SECRET, scope="openid email profile", redirect_uri=redirect_uri,
                         code_challenge_method="S256")  # fmt: skip


def _authorize(provider: Provider, client: OAuth2Session, verifier: str, nonce: str) -> str:
    """The authorize step as a browser follows it: the provider's redirect back, with the code."""
    meta = requests.get(f"{provider.url}/.well-known/openid-configuration", timeout=10).json()
    uri, _state = client.create_authorization_url(meta["authorization_endpoint"], nonce=nonce, code_verifier=verifier)
    response = requests.get(uri, allow_redirects=False, timeout=10)
    assert response.status_code == 302
    return response.headers["Location"]


def _verified_claims(provider: Provider, id_token: str, nonce: str) -> dict:
    keys = jwk.KeySet.import_key_set(requests.get(f"{provider.url}/jwks", timeout=10).json())
    claims = jwt.decode(id_token, keys).claims
    jwt.JWTClaimsRegistry(iss={"essential": True, "value": provider.url}, aud={"essential": True, "value": CLIENT_ID},
                          nonce={"essential": True, "value": nonce}).validate(claims)  # fmt: skip
    return claims


def test_the_provider_signs_in_a_mapped_editor(provider, engine):
    client, verifier, nonce = _client(), generate_token(48), generate_token(16)
    back = _authorize(provider, client, verifier, nonce)
    token = client.fetch_token(f"{provider.url}/token", authorization_response=back, code_verifier=verifier)
    claims = _verified_claims(provider, token["id_token"], nonce)
    actor = account_for(engine, claims, load_mapping(MAPPING), "127.0.0.1")
    assert actor == Actor("li@zhangqiu.gov.cn", "editor", ("章丘区",), "127.0.0.1")
    with engine.connect() as conn:
        assert conn.execute(select(accounts.c.display_name, accounts.c.password_hash)).one() == ("李四", None)
        assert conn.execute(select(audit_log.c.outcome, audit_log.c.address)).one() == ("ok", "127.0.0.1")


@pytest.mark.parametrize("tamper", ["replayed code", "wrong verifier", "wrong secret"])
def test_the_provider_refuses_a_bad_exchange(provider, tamper):
    client, verifier = _client(), generate_token(48)
    back = _authorize(provider, client, verifier, generate_token(16))
    if tamper == "replayed code":
        client.fetch_token(f"{provider.url}/token", authorization_response=back, code_verifier=verifier)
    elif tamper == "wrong verifier":
        verifier = generate_token(48)
    else:
        client = OAuth2Session(CLIENT_ID, "not-the-secret", redirect_uri=client.redirect_uri)
    with pytest.raises(Exception, match="invalid_grant"):
        client.fetch_token(f"{provider.url}/token", authorization_response=back, code_verifier=verifier)


# --- in the browser --------------------------------------------------------------------------------------


def _secrets(folder: Path, app_url: str, provider: Provider) -> Path:
    path = folder / "secrets.toml"
    path.write_text(
        f"""[auth]
redirect_uri = "{app_url}/oauth2callback"
cookie_secret = "{generate_token(48)}"
client_id = "{CLIENT_ID}"
client_secret = "{CLIENT_SECRET}"
server_metadata_url = "{provider.url}/.well-known/openid-configuration"

[sso.roles]
editor = ["group:zhangqiu-office"]

[sso.districts]
"group:zhangqiu-office" = ["章丘区"]
""",
        "utf-8",
    )
    return path


@pytest.fixture
def sso_app(provider, tmp_path):
    """The app served with single sign-on configured against ``provider`` -> (url, database url)."""
    from browser import _wait_healthy, free_port, require_chromium

    require_chromium()
    port = free_port()
    url, database = f"http://127.0.0.1:{port}", f"sqlite:///{tmp_path / 'sso.db'}"
    command = [sys.executable, "-m", "streamlit", "run", "app.py", "--server.port", str(port),
               "--server.address", "127.0.0.1", "--server.headless", "true",
               "--secrets.files", str(_secrets(tmp_path, url, provider))]  # fmt: skip
    env = {**os.environ, "DATABASE_URL": database}
    process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        _wait_healthy(url, process)
        yield url, database
    finally:
        process.terminate()
        process.wait(timeout=20)


@pytest.fixture
def page(sso_app):
    from browser import CHROMIUM, CHROMIUM_ARGS
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser.new_context(viewport={"width": 1440, "height": 1000}, locale="zh-CN").new_page()
        browser.close()


HTTPX = importlib.util.find_spec("httpx") is not None


async def _headings(app_url: str, page: str) -> list[str]:
    """The headings a new session's first run of ``page`` draws (Streamlit's own protocol, as a browser)."""
    from streamlit.proto.BackMsg_pb2 import BackMsg
    from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
    from websockets.asyncio.client import connect

    request, headings = BackMsg(), []
    request.rerun_script.page_name = page
    async with connect(f"{app_url.replace('http', 'ws')}/_stcore/stream", subprotocols=["streamlit"]) as ws:
        await ws.send(request.SerializeToString())
        while True:
            message = ForwardMsg()
            message.ParseFromString(await ws.recv())
            if message.WhichOneof("type") == "script_finished":
                return headings
            if message.delta.new_element.WhichOneof("type") == "heading":
                headings.append(message.delta.new_element.heading.body)


@pytest.mark.browser
@pytest.mark.parametrize("page", ["", "uploads", "admin", "versions", "weekly"])
def test_every_page_asks_to_sign_in_first(sso_app, page):
    import asyncio

    assert asyncio.run(_headings(sso_app[0], page)) == ["登录"]


@pytest.mark.browser
@pytest.mark.parametrize("page", ["upload", "settings", "history"])
def test_a_page_file_name_asks_to_sign_in_first_on_a_fresh_server(sso_app, page):
    import asyncio

    assert asyncio.run(_headings(sso_app[0], page)) == ["登录"]


needs_httpx = pytest.mark.skipif(
    not HTTPX,
    reason="httpx is not installed: Streamlit's st.login (Authlib's Starlette client) imports it "
    "(pip install 'streamlit[auth]' brings Authlib and httpx)",
)


def _wait_for_text(page, text: str) -> None:
    """Wait until the page shows ``text`` (provider text is escaped: a word joiner follows each ``@``)."""
    shows = "(text) => document.body.innerText.replaceAll('\\u2060', '').includes(text)"
    page.wait_for_function(shows, arg=text, timeout=90_000)


@pytest.mark.browser
@needs_httpx
def test_single_sign_on_round_trip(sso_app, page, provider):
    url, database = sso_app
    page.goto(f"{url}/?as_of=2026-11-21")
    page.get_by_role("button", name="通过单点登录").click()
    _wait_for_text(page, "当前用户：li@zhangqiu.gov.cn（编辑）")  # back from the provider, mapped
    page.wait_for_selector("[data-testid='stMetric']", timeout=90_000)
    assert {"/authorize", "/token", "/jwks"} <= set(provider.requests)
    from store.db import open_database

    with open_database(database).connect() as conn:
        made = select(accounts.c.username, accounts.c.role, accounts.c.districts).where(accounts.c.created_by == "sso")
        assert conn.execute(made).all() == [("li@zhangqiu.gov.cn", "editor", ["章丘区"])]  # besides the first admin
    page.get_by_role("button", name="退出登录").click()  # st.logout: the cookie goes, the sign-in form is back
    page.get_by_role("button", name="通过单点登录").wait_for(timeout=60_000)

    provider.user = dict(STRANGER)  # someone the mapping does not name
    page.get_by_role("button", name="通过单点登录").click()
    _wait_for_text(page, "账号 zhao@example.com 未获授权使用本看板")
    assert page.locator("[data-testid='stMetric']").count() == 0
    assert page.get_by_role("button", name="通过单点登录").count() == 0  # it would only sign them in again
    page.get_by_role("button", name="退出登录").click()  # the way out: another provider account
    page.get_by_role("button", name="通过单点登录").wait_for(timeout=60_000)
