"""AppTest of the "send now" section of the settings page: the preview as it will be sent, the send through the
service to a fake robot on loopback, the failure said in the user's language, and nothing without a channel."""

from __future__ import annotations

from app_pages import open_page
from webhook_server import *  # noqa: F403 (the fake robot fixture)

from housing.notices import measure
from service.roles import ADMIN, Actor
from store.audit import AuditFilter, audit_rows
from store.db import open_database

WANG = Actor("王主任", ADMIN, (), "10.1.2.3")


def test_preview_then_send_now_reaches_the_robot_and_the_trail(robot, monkeypatch, app_database):
    monkeypatch.setenv("RESETTLE_PUBLIC_URL", "https://dash.example.gov.cn")
    at = open_page("views/settings.py", WANG, as_of="2021-05-01")
    assert at.selectbox(key="nt_channel").options == ["WEEKLY", "wx"]
    at.selectbox(key="nt_channel").select("wx").run()
    preview = at.code[0].value
    assert preview.startswith("### 济南市安置房交付周报 · 截至2021年5月1日") and "**逾期项目（" in preview
    assert f"企业微信，{measure('wecom', preview):,} / 4,096 字节" in " ".join(c.value for c in at.caption)
    at.button(key="nt_send").click().run()
    assert not at.exception and len(robot.received) == 1
    assert robot.received[0]["markdown"]["content"] == preview
    assert at.success[0].value.startswith("已发送到“wx”")
    rows = audit_rows(open_database(app_database), AuditFilter(actions=("send_notice",)))
    assert list(zip(rows["account"], rows["outcome"], rows["target"])) == [("王主任", "ok", "wx")]


def test_a_failed_send_is_said_in_english(robot, monkeypatch):
    monkeypatch.setenv("RESETTLE_NOTICE_ATTEMPTS", "2")
    monkeypatch.setenv("RESETTLE_NOTICE_BACKOFF_S", "0.01")
    robot.script[:] = [500, 500]
    at = open_page("views/settings.py", WANG, lang="en")
    at.button(key="nt_send").click().run()
    assert not at.exception and len(robot.received) == 2
    assert (
        at.error[0].value == "Sending to “WEEKLY” failed (2 attempts, the last: HTTP 500); recorded in the audit trail."
    )


def test_without_a_channel_the_section_says_how_to_configure_one(monkeypatch, tmp_path):
    monkeypatch.setattr("store.db.SECRETS", tmp_path / "none.toml")
    at = open_page("views/settings.py", WANG)
    assert any("尚未配置通知渠道" in i.value for i in at.info)
    assert not [b for b in at.button if b.key == "nt_send"]


def test_a_channel_named_with_markup_in_the_configuration_shows_as_written(monkeypatch, tmp_path):
    """Configuration is input too: a channel's name and kind from secrets.toml reached alerts as Markdown."""
    from hostile import live_markup

    secrets = tmp_path / "secrets.toml"
    secrets.write_text(
        '[notices.channels."[群](http://evil.example/c)"]\nkind = "![k](http://evil.example/k.png)"\n'
        'url = "https://oapi.dingtalk.com/robot/send?access_token=x"\n',
        "utf-8",
    )
    monkeypatch.setattr("store.db.SECRETS", secrets)
    at = open_page("views/settings.py", WANG)
    (said,) = [e.value for e in at.error]
    from ui.escape import md_escape

    assert md_escape("[群](http://evil.example/c)") in said and live_markup(said) == []
