"""The real thing: the app served by ``streamlit run``, driven in Debian's headless Chromium.

Skipped with a visible reason where no chromium is installed, except under ``CI=true``, where a missing
browser is a failure (``.ci/run`` installs it). Set ``SCREENSHOT_DIR`` to keep screenshots.
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
pytestmark = pytest.mark.browser


def _require_chromium() -> str:
    if CHROMIUM:
        return CHROMIUM
    if os.environ.get("CI") == "true":
        pytest.fail("chromium is not installed, and browser tests must run in CI (apt-get install chromium)")
    pytest.skip("chromium is not installed (apt-get install chromium fonts-noto-cjk to run browser tests)")


def _free_port() -> int:
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
def server():
    port = _free_port()
    command = [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        "app.py",
        "--server.port",
        str(port),
        "--server.address",
        "127.0.0.1",
        "--server.headless",
        "true",
    ]
    process = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_healthy(url, process)
        yield url
    finally:
        process.terminate()
        process.wait(timeout=20)


@pytest.fixture(scope="module")
def browser():
    executable = _require_chromium()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        yield launched
        launched.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1440, "height": 1000}, locale="zh-CN")
    yield context.new_page()
    context.close()


def _shot(page, name: str) -> None:
    folder = os.environ.get("SCREENSHOT_DIR")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(folder) / f"{name}.png"), full_page=True)


def _open(page, url: str) -> None:
    page.goto(url)
    page.wait_for_selector("[data-testid='stMetric']", timeout=90_000)


def test_overview_shows_household_total(server, page):
    _open(page, f"{server}/?as_of=2026-11-21")
    households = page.locator("[data-testid='stMetric']").filter(has_text="安置户数")
    assert "67,650" in households.inner_text()
    assert page.locator("h1").first.inner_text() == "济南市安置房交付情况"
    page.wait_for_selector(".js-plotly-plot", timeout=30_000)
    _shot(page, "overview_zh")


def test_language_switch_in_the_browser(server, page):
    _open(page, f"{server}/?as_of=2026-11-21")
    page.get_by_text("English", exact=True).click()
    page.wait_for_function(
        "document.querySelector('h1') && document.querySelector('h1').innerText.includes('Jinan')", timeout=30_000
    )
    assert "lang=en" in page.url
    assert "67,650" in page.locator("[data-testid='stMetric']").filter(has_text="Households").inner_text()
    _shot(page, "overview_en")
    page.reload()  # the language is kept in the URL
    page.wait_for_selector("[data-testid='stMetric']", timeout=90_000)
    assert "Jinan" in page.locator("h1").first.inner_text()
