"""The briefing's downloads on the served app, in Debian's headless Chromium: a click on the overview's and on the
presentation's buttons downloads, under its name, the very bytes ``python -m briefing build`` writes from the
same database (the file is made on the server's own thread, after the page's run, as in production).

The served app and the browser are those of tests/browser.py (skipped with a reason without chromium).
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from browser import *  # noqa: F403  (the served app, headless Chromium)
from browser import ADMIN, ADMIN_PASSWORD, fill_sign_in, open_signed_in, shot

pytestmark = pytest.mark.browser
ROOT = Path(__file__).resolve().parent.parent
AS_OF = "2026-11-21"


@pytest.fixture
def downloading(browser):
    """A fresh tab that accepts downloads, in a Chinese-language browser."""
    context = browser.new_context(viewport={"width": 1440, "height": 1000}, locale="zh-CN", accept_downloads=True)
    yield context.new_page()
    context.close()


def click_download(page, label: str, tmp_path: Path) -> tuple[str, bytes]:
    """Press the download button ``label``; the file's suggested name and bytes."""
    with page.expect_download(timeout=180_000) as started:
        page.get_by_role("button", name=label).first.click()
    download = started.value
    path = tmp_path / download.suggested_filename
    download.save_as(path)
    return download.suggested_filename, path.read_bytes()


def cli(database: str, tmp_path: Path, fmt: str, *args: str) -> bytes:
    """What ``python -m briefing build published`` writes from the served app's database."""
    out = tmp_path / f"cli.{fmt}"
    env = {**os.environ, "DATABASE_URL": database}
    command = [sys.executable, "-m", "briefing", "build", "published", "--as-of", AS_OF, "--format", fmt]
    done = subprocess.run(
        [*command, *args, "--out", str(out)], cwd=ROOT, env=env, capture_output=True, text=True, timeout=240
    )
    assert done.returncode == 0, done.stderr
    return out.read_bytes()


def test_the_overviews_deck_is_the_command_lines(server, database, downloading, tmp_path):
    open_signed_in(downloading, f"{server}/?as_of={AS_OF}")
    name, data = click_download(downloading, "下载 PPT", tmp_path)
    shot(downloading, "overview_downloads")
    assert name == "调度会_2026-11-21.pptx"
    assert data == cli(database, tmp_path, "pptx")


def test_the_presentations_pdf_is_the_command_lines(server, database, downloading, tmp_path):
    downloading.goto(f"{server}/present?as_of={AS_OF}&lang=en&districts=历城区&sections=headline,red")
    fill_sign_in(downloading, ADMIN, ADMIN_PASSWORD)  # the slide opens (no sidebar here, so no sign-out button)
    downloading.get_by_role("button", name="Settings").click(timeout=90_000)
    name, data = click_download(downloading, "Download PDF", tmp_path)
    assert name == "briefing_2026-11-21.pdf"
    assert data == cli(database, tmp_path, "pdf", "--lang", "en", "--districts", "历城区", "--sections", "headline,red")
