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
def database(tmp_path_factory) -> str:
    """The served app's own database (never the developer's data/resettle.db)."""
    return f"sqlite:///{tmp_path_factory.mktemp('browser') / 'app.db'}"


@pytest.fixture(scope="module")
def server(database):
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
    env = {**os.environ, "DATABASE_URL": database}
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


def _upload(page, server: str, path: Path) -> None:
    page.goto(f"{server}/uploads?as_of=2026-11-21")
    page.wait_for_selector("[data-testid='stFileUploader']", timeout=90_000)
    page.locator("[data-testid='stFileUploader'] input[type=file]").set_input_files(str(path))
    page.get_by_text("校验结果").wait_for(timeout=60_000)


def _publish_and_open_the_overview(page, households: str) -> None:
    """Publish (as the signed-in account), follow the link to the overview and wait until it shows ``households``."""
    page.get_by_role("button", name="发布", exact=True).click()
    page.get_by_text("已发布第").wait_for(timeout=60_000)
    page.get_by_text("查看总览").click()
    page.wait_for_selector("[data-testid='stMetric']", timeout=60_000)
    page.wait_for_function(f"() => document.body.innerText.includes('{households}')", timeout=30_000)


# The upload page is for signed-in editors (service.roles); nobody signs in until the accounts branch (issue 9)
# adds the sign-in form, whose browser tests then sign in first and drive these again.
NEEDS_SIGN_IN = pytest.mark.skip(
    reason="the upload page needs a signed-in editor: sign-in comes with the accounts branch"
)


@NEEDS_SIGN_IN
def test_the_first_upload_replaces_the_sample_and_a_later_district_file_only_its_district(
    server, page, database, tmp_path
):
    """Over the seeded sample a 章丘区 file is the whole register: the overview shows exactly its households.
    Over that real version, a 历城区 file replaces only 历城区 (the default), keeping 章丘区."""
    from conftest import write_xlsx

    from store import versions as V
    from store.db import open_database

    header = ["项目名称", "所属区县", "街道", "安置户数", "总建筑面积（万平方米）", "计划交付日期", "形象进度"]
    zhangqiu = [
        ["安置房项目台账（第47周）"],
        header,
        ["西琅沟", "章丘区", "明水街道", 656, 21.26, "2027-03-31", "主体封顶"],
        ["白泉", "章丘区", "白云湖街道", 1555, 52.06, "2027-04-30", "配套工程"],
        ["合计", None, None, 2211, 73.32, None, None],
    ]
    _upload(page, server, write_xlsx(tmp_path / "第47周.xlsx", zhangqiu))
    page.get_by_text("本文件将替换整个台账").wait_for(timeout=30_000)
    page.get_by_text("发布前预览").wait_for(timeout=30_000)
    assert page.get_by_text("发布范围").count() == 0  # no scope question over the sample
    _publish_and_open_the_overview(page, "2,211")
    _shot(page, "first_upload_over_sample_zh")
    households = page.locator("[data-testid='stMetric']").filter(has_text="安置户数")
    assert "2,211" in households.inner_text()  # exactly the file's households: nothing of the sample's 67,650
    assert page.get_by_text("内置示例数据").count() == 0  # and no sample banner any more
    version = V.current(open_database(database))
    assert (version.households, version.projects, version.sample) == (2211, 2, False)

    licheng = [header, ["唐冶", "历城区", "唐冶街道", 1200, 30.0, "2027-06-30", "主体施工"]]
    _upload(page, server, write_xlsx(tmp_path / "历城区第47周.xlsx", licheng))
    page.get_by_text("只更新本文件中的区县：历城区").wait_for(timeout=30_000)  # a real register: asked, 历城区 only
    _publish_and_open_the_overview(page, "3,411")
    assert "3,411" in page.locator("[data-testid='stMetric']").filter(has_text="安置户数").inner_text()
    assert V.current(open_database(database)).summary["scope"] == ["历城区"]


@NEEDS_SIGN_IN
def test_upload_with_errors_shows_the_problems_and_publishes_nothing(server, page, database, tmp_path):
    from conftest import write_xlsx

    from store import versions as V
    from store.db import open_database

    before = V.current_version_id(open_database(database))
    rows = [
        ["项目名称", "所属区县", "安置户数", "计划交付日期"],
        ["西琅沟", "章丘区", "六百", "2027-03-31"],
        ["白泉", "章丘区", 1555, "2027-02-30"],
    ]
    _upload(page, server, write_xlsx(tmp_path / "有错误.xlsx", rows))
    page.get_by_text("修正后才能发布").wait_for(timeout=30_000)
    page.wait_for_selector("[data-testid='stDataFrame']", timeout=30_000)  # the problem table
    assert page.get_by_role("button", name="发布", exact=True).count() == 0
    _shot(page, "upload_errors_zh")
    assert V.current_version_id(open_database(database)) == before


@NEEDS_SIGN_IN
def test_a_file_that_kills_a_parser_is_refused_and_the_server_goes_on(server, page, database, tmp_path):
    """A far cell that slips past the pattern guard makes calamine ask for a 512 GB grid and abort: in the
    worker process, which the server survives; the page names the sheet and its size, nothing is published."""
    sys.path.insert(0, str(ROOT / "tests" / "fixtures" / "hostile"))
    from build_hostile import far_cell_single_quotes

    from store import versions as V
    from store.db import open_database

    _open(page, f"{server}/?as_of=2026-11-21")  # a first visit publishes the sample on a fresh database
    before = V.current(open_database(database))
    path = tmp_path / "第48周.xlsx"
    path.write_bytes(far_cell_single_quotes())
    _upload(page, server, path)
    page.get_by_text("工作表“项目”有 1048576 行，上限为 200000 行").wait_for(timeout=60_000)
    page.get_by_text("未发布任何内容，当前数据保持不变").wait_for(timeout=10_000)
    assert page.get_by_role("button", name="发布", exact=True).count() == 0
    _shot(page, "upload_hostile_zh")
    _open(page, f"{server}/?as_of=2026-11-21")  # the same server answers, with the data it had
    households = page.locator("[data-testid='stMetric']").filter(has_text="安置户数")
    assert f"{before.households:,}" in households.inner_text()
    assert V.current(open_database(database)).sha256 == before.sha256
