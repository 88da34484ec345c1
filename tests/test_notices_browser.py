"""The send-now section in the real browser: the preview of the weekly summary on the settings page, sent to a
fake robot on loopback. Screenshots in both languages go to ``SCREENSHOT_DIR`` when it is set."""

from __future__ import annotations

import pytest
from browser import *  # noqa: F403 - the fixtures: the served app, headless Chromium
from browser import open_signed_in, shot
from webhook_server import SECRET, TOKEN, Robot, start

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module", autouse=True)
def robot_channel():
    """A fake DingTalk robot, configured in the environment before the app is served (module fixtures that
    are autouse start first)."""
    fake = Robot()
    server, base = start(fake)
    env = pytest.MonkeyPatch()
    env.setenv("RESETTLE_CHANNEL_WEEKLY_URL", f"{base}/robot/send?access_token={TOKEN}")
    env.setenv("RESETTLE_CHANNEL_WEEKLY_SECRET", SECRET)
    env.setenv("RESETTLE_PUBLIC_URL", "https://dash.example.gov.cn")
    yield fake
    env.undo()
    server.shutdown()
    server.server_close()


@pytest.mark.parametrize(
    ("lang", "button", "done"), [("zh", "立即发送", "已发送到“WEEKLY”"), ("en", "Send now", "Sent to “WEEKLY”")]
)
def test_send_now_from_the_settings_page(server, page, robot_channel, lang, button, done):
    before = len(robot_channel.received)
    open_signed_in(page, f"{server}/admin?lang={lang}&as_of=2021-05-01")
    send = page.get_by_role("button", name=button)
    send.scroll_into_view_if_needed(timeout=90_000)
    preview = page.locator("[data-testid='stCode']").first
    assert "https://dash.example.gov.cn/present?lang=" in preview.inner_text()
    shot(page, f"notices_settings_{lang}")
    send.click()
    page.get_by_text(done).wait_for(timeout=60_000)
    assert len(robot_channel.received) == before + 1 and robot_channel.refused == []
