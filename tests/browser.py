"""The app served by ``streamlit run`` and driven in Debian's headless Chromium, shared by the browser tests.

The server starts on a fresh database with a known first-administrator password (``ADMIN``/``ADMIN_PASSWORD``);
``sign_in`` fills the sign-in form. Every ``page.goto`` opens a new Streamlit session, so a test signs in after
each one (``open_signed_in``); the link's page opens once signed in. Skipped with a visible reason where no
chromium is installed, except under ``CI=true``, where a missing browser is a failure (``.ci/run`` installs it).
Set ``SCREENSHOT_DIR`` to keep screenshots, and ``BROWSER_TEST_PORTS`` (e.g. ``8611-8619``) to serve on a
port of that range instead of any free one.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
ADMIN, ADMIN_PASSWORD = "admin", "browser test admin password"
# What ``from browser import *`` brings: the fixtures (a test module names them only as arguments).
__all__ = ["browser", "database", "page", "server"]


def require_chromium() -> str:
    """The chromium executable, or skip (fail under CI) with the reason."""
    if CHROMIUM:
        return CHROMIUM
    if os.environ.get("CI") == "true":
        pytest.fail("chromium is not installed, and browser tests must run in CI (apt-get install chromium)")
    pytest.skip("chromium is not installed (apt-get install chromium fonts-noto-cjk to run browser tests)")


def _bindable(port: int) -> bool:
    with socket.socket() as sock:
        try:
            sock.bind(("127.0.0.1", port))
        except OSError:
            return False
        return True


def free_port() -> int:
    """A free port: in ``BROWSER_TEST_PORTS`` ("first-last") when set, else any the system gives."""
    wanted = os.environ.get("BROWSER_TEST_PORTS", "")
    if wanted:
        first, last = (int(p) for p in wanted.split("-"))
        return next(p for p in range(first, last + 1) if _bindable(p))
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait_healthy(url: str, process: subprocess.Popen, seconds: float = 90) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"streamlit exited with {process.returncode}")
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.5)
    raise TimeoutError("streamlit did not become healthy")


@pytest.fixture(scope="module")
def database(tmp_path_factory) -> str:
    """The served app's own database (never the developer's data/resettle.db)."""
    return f"sqlite:///{tmp_path_factory.mktemp('browser') / 'app.db'}"


@pytest.fixture(scope="module")
def server(database):
    """The app on loopback, on ``database``, its first administrator's password ``ADMIN_PASSWORD``."""
    port = free_port()
    command = [sys.executable, "-m", "streamlit", "run", "app.py", "--server.port", str(port)]
    command += ["--server.address", "127.0.0.1", "--server.headless", "true"]
    env = {**os.environ, "DATABASE_URL": database, "DASHBOARD_ADMIN_PASSWORD": ADMIN_PASSWORD}
    env.pop("DASHBOARD_ANONYMOUS_VIEWING", None)
    process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_healthy(url, process)
        yield url
    finally:
        process.terminate()
        process.wait(timeout=20)


@pytest.fixture(scope="module")
def browser():
    """Headless Debian Chromium through Playwright."""
    executable = require_chromium()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        yield launched
        launched.close()


@pytest.fixture
def page(browser):
    """A fresh tab (its own cookies and storage) in a Chinese-language browser."""
    context = browser.new_context(viewport={"width": 1440, "height": 1000}, locale="zh-CN")
    yield context.new_page()
    context.close()


def shot(page, name: str) -> None:
    """Keep a full-page screenshot under ``SCREENSHOT_DIR`` when it is set."""
    folder = os.environ.get("SCREENSHOT_DIR")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(folder) / f"{name}.png"), full_page=True)


def fill_sign_in(page, user: str, password: str) -> None:
    """Type into the sign-in form (in either language) and press its button."""
    page.wait_for_selector("[data-testid='stForm']", timeout=90_000)
    page.get_by_label("用户名").or_(page.get_by_label("Username")).fill(user)
    page.get_by_label("密码", exact=True).or_(page.get_by_label("Password", exact=True)).fill(password)
    page.get_by_role("button", name="登录").or_(page.get_by_role("button", name="Sign in")).click()


def sign_in(page, user: str = ADMIN, password: str = ADMIN_PASSWORD) -> None:
    """Sign in on the form shown and wait until the app is there: its sidebar account box, or (presentation
    mode, whose sidebar is hidden) the slide counter."""
    fill_sign_in(page, user, password)
    signed_in = page.get_by_role("button", name="退出登录").or_(page.get_by_role("button", name="Sign out"))
    presenting = page.locator(".pr-counter:visible, .st-key-pr_phone:visible")
    signed_in.or_(presenting).first.wait_for(timeout=60_000)


def open_signed_in(page, url: str, user: str = ADMIN, password: str = ADMIN_PASSWORD) -> None:
    """Open ``url`` in a new session and sign in; the link's page opens."""
    page.goto(url)
    sign_in(page, user, password)
