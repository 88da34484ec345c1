"""Notices to the group chat: the message built from a briefing (figures, red projects, missed 1-3-7 steps,
links, size limits, hostile text), and sending it to a fake DingTalk / WeCom robot on loopback (signature,
format, retries with backoff, rate limit, audit trail without secrets)."""

from __future__ import annotations

import dataclasses
import datetime as dt
import logging
import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from webhook_server import *  # noqa: F403 (the fake robot fixture)
from webhook_server import BAD_SIGN, SECRET, TOKEN

from briefing import blocks as B
from briefing.notice import TASKS, TASKS_MISSED, assignee_notice, assignees, links, safe_base, summary
from housing.notices import DINGTALK, PLATFORMS, WECOM, Part, body, fitted, measure, neutral
from service import notices as N
from service.audit import FAILED, OK, REFUSED
from service.roles import ADMIN, EDITOR, Actor, Refused
from store.audit import AuditFilter, audit_rows

BASE = "https://dash.example.gov.cn"
MARKUP = set("*_[]#><`|~!\\@&")
REASON = "已逾期：计划交付日期2021年3月31日已过去31天，主体施工尚未完成"


def headline() -> B.Section:
    items = (
        B.Headline("projects", "项目", "56个"),
        B.Headline("households", "安置户数", "7,253"),
        B.Headline("area", "总建筑面积（万㎡）", "123.45"),
        B.Headline("overdue", "已逾期", "5", status="overdue"),
        B.Headline("at_risk", "有风险", "9", status="at_risk"),
    )
    return B.Section(B.HEADLINE, "总体情况", (B.Slide("headline", "总体情况", (B.Headlines(items),)),))


def red(names: list[str], reasons: list[str] | None = None) -> B.Section:
    slides = tuple(
        B.Slide(
            f"red-{i}",
            name,
            (B.Facts((("户数", "120"),)), B.Reasons(((reasons or [REASON])[i % len(reasons or [REASON])], "其他原因"))),
            subtitle="章丘区 · 埠村街道",
            status="overdue",
        )
        for i, name in enumerate(names)
    )
    return B.Section(B.RED, "逾期项目", slides or (B.Slide("red-none", "逾期项目", (B.Note("没有逾期项目"),)),))


MISSED_COLUMNS = ("title", "project", "unit", "assignee", "step", "due")


def tasks(rows: list[tuple[str, ...]]) -> B.Section:
    """The tasks section as issue 13's tasks part draws it: a ``tasks_missed`` table among others."""
    columns = tuple(B.Column(k, k) for k in MISSED_COLUMNS)
    table = B.Table(TASKS_MISSED, columns, tuple(tuple(B.Cell(v, v) for v in row) for row in rows))
    other = B.Table("tasks_new", columns, ())
    return B.Section(TASKS, "督办事项", (B.Slide("tasks", "督办事项", (other, table)),))


def briefing(red_names=(), missed=(), lang="zh", region="济南市", reasons=None, with_tasks=True) -> B.Briefing:
    sections = [headline(), red(list(red_names), reasons)]
    if with_tasks:
        sections.append(tasks(list(missed)))
    return B.Briefing(lang, dt.date(2021, 5, 1), region, "调度会", "第 12 版", "页脚", sections=tuple(sections))


def missed_row(i: int, assignee: str = "张三") -> tuple[str, ...]:
    return (f"督办事项{i}", f"安置区{i}号地块", "区住建局", assignee, "回复", "2021年4月28日")


def link_targets(text: str) -> list[str]:
    return re.findall(r"\]\(([^)]*)\)", text)


# --- the message --------------------------------------------------------------------------------------------


def test_summary_has_figures_red_projects_with_first_reason_missed_steps_and_links():
    notice = summary(briefing(["埠村安置区", "明水安置区"], [missed_row(1)]), DINGTALK, BASE)
    text = notice.text
    assert notice.title == "济南市安置房交付周报 · 截至2021年5月1日"
    assert "- 安置户数：**7,253**" in text and "- 已逾期：**5**" in text and "总建筑面积" not in text
    assert "**逾期项目（2个）**" in text and f"- **埠村安置区** · 章丘区 · 埠村街道：{REASON}" in text
    assert "其他原因" not in text  # the first reason only
    assert "- **督办事项1** · 安置区1号地块 · 区住建局 · 张三 · 回复（期限2021年4月28日）" in text
    assert link_targets(text) == [f"{BASE}/?lang=zh&as_of=2021-05-01", f"{BASE}/present?lang=zh&as_of=2021-05-01"]
    assert notice.hidden == (("**逾期项目（2个）**", 0), ("**1-3-7 督办逾期环节（1项）**", 0))


def test_english_summary_and_no_tasks_section_before_the_tasks_part():
    notice = summary(briefing(["Site A"], lang="en", with_tasks=False), WECOM, BASE)
    assert "**Overdue projects (1)**" in notice.text and "Missed 1-3-7" not in notice.text
    assert "[Open the dashboard](https://dash.example.gov.cn/?lang=en&as_of=2021-05-01)" in notice.text


def test_nothing_red_and_nothing_missed_say_so():
    text = summary(briefing([], []), WECOM, BASE).text
    assert "**逾期项目（0个）**\n无" in text and "**1-3-7 督办逾期环节（0项）**\n无" in text


@pytest.mark.parametrize(
    ("kind", "reds", "missed"),
    [(WECOM, 200, 0), (WECOM, 3, 300), (WECOM, 150, 150), (DINGTALK, 400, 400)],
)
def test_long_lists_end_with_and_n_more_and_the_link_within_the_limit(kind, reds, missed):
    notice = summary(
        briefing([f"安置区{i:03d}号地块" for i in range(reds)], [missed_row(i) for i in range(missed)]), kind, BASE
    )
    assert measure(kind, notice.text) <= PLATFORMS[kind].max_bytes
    hidden = dict(notice.hidden)
    assert sum(hidden.values()) > 0
    for count in hidden.values():
        if count:
            assert f"还有 {count} 项未列出，详见看板" in notice.text
    shown_red = re.findall(r"^- \*\*安置区(\d{3})号地块\*\*", notice.text, re.M)
    assert shown_red == [f"{i:03d}" for i in range(len(shown_red))]  # the first ones, in order, none cut
    assert notice.text.rstrip().endswith(f"({BASE}/present?lang=zh&as_of=2021-05-01)")


def test_fitted_never_cuts_an_item_and_fails_when_even_the_fixed_lines_do_not_fit():
    text, hidden = fitted(["标题"], [Part("列表", ("甲" * 30, "乙" * 100))], ["链接"], 200, lambda n: f"还有{n}项")
    assert text == "\n".join(["标题", "", "列表", "甲" * 30, "还有1项", "", "链接"]) and hidden == {"列表": 1}
    text, hidden = fitted(["标题"], [Part("列表", ("甲" * 100, "乙"))], ["链接"], 200, lambda n: f"还有{n}项")
    assert "甲" not in text and "乙" not in text and hidden == {"列表": 2}  # whole items only, in order
    with pytest.raises(ValueError):
        fitted(["标题" * 100], [Part("列表", ("乙",))], [], 50, str)


@pytest.mark.parametrize(
    ("hostile", "absent"),
    [
        ("[点我](http://evil.example)", "](http://evil"),
        ("**粗体** # 标题", "**粗体**"),
        ("<font color=red>假</font>", "<font"),
        ("<@all> @13800001111", "<@"),
        ("第一行\n### 注入的标题", "\n### 注入"),
        ("www.evil.example", "www."),
        ("`code` | 表格 | ~~删~~", "`"),
    ],
)
def test_hostile_names_cannot_add_markup_links_or_mentions(hostile, absent):
    text = summary(briefing([hostile], [(hostile, hostile, hostile, hostile, hostile, hostile)]), WECOM, BASE).text
    assert absent not in text
    assert len(link_targets(text)) == 2 and all(t.startswith(BASE) for t in link_targets(text))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(min_size=0, max_size=400))
def test_neutral_text_holds_no_markup_line_break_or_link(text):
    out = neutral(text)
    assert not (set(out) & MARKUP) and "\n" not in out and "\r" not in out
    assert "://" not in out and "www." not in out.lower()


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    names=st.lists(st.text(min_size=1, max_size=300), min_size=0, max_size=60),
    reasons=st.lists(st.text(min_size=1, max_size=600), min_size=1, max_size=5),
    kind=st.sampled_from([DINGTALK, WECOM]),
)
def test_any_hostile_briefing_fits_and_links_only_to_the_dashboard(names, reasons, kind):
    rows = [(n, n, n, n, n, n) for n in names]
    notice = summary(briefing(names, rows, reasons=reasons), kind, BASE)
    assert measure(kind, notice.text) <= PLATFORMS[kind].max_bytes
    assert not N.too_big(PLATFORMS[kind], N.payload(kind, notice.title, notice.text))
    targets = link_targets(notice.text)
    assert len(targets) == 2 and all(t.startswith(BASE + "/") for t in targets)
    assert notice.text.count("](") == 2


@pytest.mark.parametrize(
    ("url", "kept"),
    [
        ("https://dash.example.gov.cn/", "https://dash.example.gov.cn"),
        ("http://10.0.0.5:8501", "http://10.0.0.5:8501"),
        ("", ""),
        ("javascript:alert(1)", ""),
        ("https://x.cn/a)(b", ""),
        ("dash.example.gov.cn", ""),
    ],
)
def test_public_url_is_used_only_when_it_is_a_plain_http_address(url, kept):
    assert safe_base(url) == kept
    assert bool(links(url, dt.date(2021, 5, 1), "zh")) == bool(kept)


def test_assignee_notice_lists_only_their_missed_steps_and_mentions_them_on_dingtalk():
    b = briefing([], [missed_row(1, "张三"), missed_row(2, "李四"), missed_row(3, "张三")])
    assert assignees(b) == ["张三", "李四"]
    notice = assignee_notice(b, DINGTALK, "张三", BASE, "13800001111")
    assert notice is not None and notice.mentions == ("13800001111",) and "@13800001111" in notice.text
    assert "督办事项1" in notice.text and "督办事项3" in notice.text and "督办事项2" not in notice.text
    wecom = assignee_notice(b, WECOM, "张三", BASE, "13800001111")
    assert wecom is not None and wecom.mentions == () and "@1380" not in wecom.text
    assert assignee_notice(b, WECOM, "王五", BASE) is None
    assert assignee_notice(b, DINGTALK, "张三", BASE, "1380<@all>").mentions == ()  # type: ignore[union-attr]


# --- sending -------------------------------------------------------------------------------------------------


ADMIN_ACTOR = Actor("管理员", ADMIN)
FAST = N.Retry(attempts=4, backoff_s=0.01, max_wait_s=0.0)


def trail(engine) -> list[tuple[str, str, str, dict]]:
    frame = audit_rows(engine, AuditFilter(actions=("send_notice",)), limit=None).iloc[::-1]
    return list(zip(frame["account"], frame["outcome"], frame["target"], frame["detail"], strict=True))


def test_channels_come_from_secrets_and_environment(robot):
    assert N.channel_names() == ["WEEKLY", "wx"]
    weekly, wx = N.channel("weekly"), N.channel("wx")
    assert (weekly.kind, wx.kind) == (DINGTALK, WECOM) and weekly.secret == SECRET
    assert SECRET not in repr(weekly) and TOKEN not in repr(weekly)
    with pytest.raises(N.NoticeError) as missing:
        N.channel("nope")
    assert missing.value.key == "nt_err_channel"


def test_signature_matches_dingtalk_documented_example():
    # HMAC-SHA256 over "timestamp\nsecret", base64, URL-encoded: checked against an independent computation.
    import base64
    import hashlib
    import hmac
    from urllib.parse import unquote_plus

    sign = N.dingtalk_sign("SECabc", 1_700_000_000_000)
    expected = base64.b64encode(hmac.new(b"SECabc", b"1700000000000\nSECabc", hashlib.sha256).digest()).decode()
    assert unquote_plus(sign) == expected and "+" not in sign and "/" not in sign


@pytest.mark.parametrize("name", ["weekly", "wx"])
def test_a_summary_is_delivered_in_the_platform_format_and_audited(robot, engine, name):
    notice = summary(briefing(["埠村安置区"], [missed_row(1)]), N.channel(name).kind, BASE)
    sent = N.send_notice(engine, ADMIN_ACTOR, name, notice.title, notice.text, retry=FAST)
    assert sent.attempts == 1 and robot.refused == [] and len(robot.received) == 1
    body = robot.received[0]
    assert body["msgtype"] == "markdown"
    assert (body["markdown"].get("text") or body["markdown"].get("content")) == notice.text
    [(account, outcome, target, detail)] = trail(engine)
    assert (account, outcome, target) == ("管理员", OK, name)
    assert detail["bytes"] == measure(N.channel(name).kind, notice.text) and detail["kind"] == N.channel(name).kind


@pytest.mark.parametrize(
    ("script", "attempts"),
    [([503], 2), ([429, 500], 3), ([130101], 2), ([130101, 130101, 502], 4)],
)
def test_network_and_too_fast_answers_are_retried_with_doubling_backoff(robot, engine, script, attempts):
    robot.script[:] = script
    pauses: list[float] = []
    sent = N.send_notice(engine, ADMIN_ACTOR, "weekly", "标题", "正文", retry=FAST, sleep=pauses.append)
    assert sent.attempts == attempts and len(robot.received) == attempts
    assert pauses == [0.01 * 2**i for i in range(attempts - 1)]


def test_wecom_too_fast_code_is_retried(robot, engine):
    robot.script[:] = [45009]
    assert N.send_notice(engine, ADMIN_ACTOR, "wx", "标题", "正文", retry=FAST, sleep=lambda s: None).attempts == 2


def test_a_failure_after_every_retry_is_reported_and_audited_without_secrets(robot, engine, caplog):
    robot.script[:] = [500] * 10
    caplog.set_level(logging.DEBUG)
    with pytest.raises(N.NoticeError) as failed:
        N.send_notice(engine, ADMIN_ACTOR, "weekly", "标题", "正文", retry=FAST, sleep=lambda s: None)
    assert failed.value.key == "nt_err_send" and failed.value.params["attempts"] == 4
    assert failed.value.params["error"] == "HTTP 500" and len(robot.received) == 4
    [(_, outcome, target, detail)] = trail(engine)
    assert (outcome, target, detail["attempts"], detail["error"]) == (FAILED, "weekly", 4, "HTTP 500")
    everything = repr(audit_rows(engine, AuditFilter(), limit=None).to_dict("records")) + caplog.text
    assert SECRET not in everything and TOKEN not in everything and "sign=" not in everything
    assert "POST http://127.0.0.1" in caplog.text  # httpx still logs the request, without its query


def test_a_refused_signature_is_not_retried(robot, engine, monkeypatch):
    monkeypatch.setenv("RESETTLE_CHANNEL_WEEKLY_SECRET", "SECwrong")
    with pytest.raises(N.NoticeError) as failed:
        N.send_notice(engine, ADMIN_ACTOR, "weekly", "标题", "正文", retry=FAST, sleep=lambda s: None)
    assert failed.value.params["error"] == f"errcode {BAD_SIGN}" and len(robot.received) == 1
    assert "SECwrong" not in repr(trail(engine))


def test_an_unreachable_robot_fails_after_retries(engine, monkeypatch):
    monkeypatch.setenv("RESETTLE_CHANNEL_DOWN_URL", "http://127.0.0.1:9/robot/send?access_token=x")
    with pytest.raises(N.NoticeError) as failed:
        N.send_notice(engine, ADMIN_ACTOR, "down", "t", "x", retry=N.Retry(2, 0.01), sleep=lambda s: None)
    assert failed.value.params["error"] == "ConnectError"


@pytest.mark.parametrize(
    ("name", "text", "limit"),
    [("wx", "字" * 1366, 4096), ("weekly", "字" * 6700, 20_000), ("weekly", '"' * 10_000, 20_000)],
)
def test_a_message_over_the_limit_is_not_sent(robot, engine, name, text, limit):
    with pytest.raises(N.NoticeError) as failed:
        N.send_notice(engine, ADMIN_ACTOR, name, "t", text, retry=FAST)
    assert failed.value.key == "nt_err_size" and failed.value.params["limit"] == limit and robot.received == []
    assert failed.value.params["bytes"] > limit and trail(engine)[0][1] == FAILED


def test_quotes_and_line_breaks_count_as_they_travel_on_dingtalk():
    assert measure(DINGTALK, 'a"b\nc') == len(body({"x": 'a"b\nc'})) - len('{"x":""}') == 7
    assert measure(WECOM, 'a"b\nc') == 5


def test_a_message_just_within_the_body_limit_is_delivered(robot, engine):
    title, overhead = "t", len(body(N.payload(DINGTALK, "t", "")))
    text = "x" * (20_000 - overhead)
    assert len(body(N.payload(DINGTALK, title, text))) == 20_000
    N.send_notice(engine, ADMIN_ACTOR, "weekly", title, text, retry=FAST)
    assert robot.refused == [] and len(robot.received) == 1


def test_rate_limit_counts_the_trail_across_processes(robot, engine):
    for i in range(PLATFORMS[WECOM].per_minute):
        N.send_notice(engine, ADMIN_ACTOR, "wx", "t", f"第{i}条", retry=FAST)
    assert len(robot.received) == 20
    with pytest.raises(N.NoticeError) as limited:  # no wait allowed: refused without a request
        N.send_notice(engine, ADMIN_ACTOR, "wx", "t", "第21条", retry=FAST)
    assert limited.value.key == "nt_err_rate" and 0 < limited.value.params["seconds"] <= 60
    assert len(robot.received) == 20
    pauses: list[float] = []
    patient = N.Retry(attempts=1, backoff_s=0.01, max_wait_s=65)
    N.send_notice(engine, ADMIN_ACTOR, "wx", "t", "第21条", retry=patient, sleep=pauses.append)
    assert len(pauses) == 1 and 0 < pauses[0] <= 60 and len(robot.received) == 21
    # Another channel has its own budget.
    N.send_notice(engine, ADMIN_ACTOR, "weekly", "t", "x", retry=FAST)


def test_wait_is_zero_once_the_oldest_send_is_a_minute_old(robot, engine):
    for _ in range(20):
        N.send_notice(engine, ADMIN_ACTOR, "wx", "t", "x", retry=FAST)
    later = dt.datetime.now(dt.UTC) + dt.timedelta(seconds=61)
    assert N.wait_needed(engine, N.channel("wx"), later) == 0.0
    assert N.wait_needed(engine, N.channel("wx")) > 0


def test_only_administrators_and_the_scheduler_may_send(robot, engine):
    with pytest.raises(Refused):
        N.send_notice(engine, Actor("编辑", EDITOR), "wx", "t", "x", retry=FAST)
    assert robot.received == [] and trail(engine)[0][:3] == ("编辑", REFUSED, "wx")
    N.send_notice(engine, N.SCHEDULER, "wx", "t", "x", retry=FAST)
    assert trail(engine)[-1][:2] == ("system", OK)


def test_a_malformed_address_fails_at_once_with_a_message(engine, monkeypatch):
    monkeypatch.setenv("RESETTLE_CHANNEL_BAD_URL", "http://[::1")
    with pytest.raises(N.NoticeError) as failed:
        N.send_notice(engine, ADMIN_ACTOR, "bad", "t", "x", retry=FAST, sleep=lambda s: None)
    assert failed.value.params["attempts"] == 1 and failed.value.key == "nt_err_send"


def test_no_project_says_so_and_a_task_without_project_shows_no_placeholder():
    empty = B.Section(B.HEADLINE, "总体情况", (B.Slide("headline", "总体情况", (B.Note("没有项目", "warning"),)),))
    b = briefing([], [("协调供暖", "—", "区住建局", "张三", "签收", "2021年4月21日")])
    b = dataclasses.replace(b, sections=(empty, *b.sections[1:]))
    text = summary(b, WECOM, BASE).text
    assert "\n没有项目\n" in text and "- **协调供暖** · 区住建局 · 张三 · 签收（期限2021年4月21日）" in text


def _answering(chunks, pause: float = 0.0):
    """A client whose robot answers 200 with ``chunks``, ``pause`` seconds before each."""
    import time

    import httpx

    def stream():
        for chunk in chunks:
            time.sleep(pause)
            yield chunk

    return httpx.Client(transport=httpx.MockTransport(lambda request: httpx.Response(200, content=stream())))


@pytest.mark.parametrize(
    ("chunks", "pause", "error"),
    [
        # a byte every 0.2 s: each read within its timeout, the answer never done (the send hung for ever)
        ([b'{"errcode": 0, "x": "'] + [b"x"] * 40 + [b'"}'], 0.2, "ReadTimeout"),
        ([b'{"errcode": 0, "x": "' + b"x" * 100_000 + b'"}'], 0.0, "answer"),  # not a robot's answer
        ([b"<html>not json</html>"], 0.0, "answer"),
    ],
)
def test_an_answer_that_never_ends_or_is_not_the_robots_fails_in_bounded_time(
    engine, monkeypatch, chunks, pause, error
):
    import time

    monkeypatch.setattr(N, "TIMEOUT_S", 1.0)
    monkeypatch.setenv("RESETTLE_CHANNEL_SLOW_URL", "http://127.0.0.1:9/robot/send?access_token=x")
    started = time.monotonic()
    with pytest.raises(N.NoticeError) as failed:
        N.send_notice(engine, ADMIN_ACTOR, "slow", "t", "x", retry=N.Retry(1, 0.01), client=_answering(chunks, pause))
    assert failed.value.params["error"] == error and time.monotonic() - started < 4


def test_a_plain_answer_is_still_understood(engine, monkeypatch):
    monkeypatch.setenv("RESETTLE_CHANNEL_SLOW_URL", "http://127.0.0.1:9/robot/send?access_token=x")
    sent = N.send_notice(engine, ADMIN_ACTOR, "slow", "t", "x", retry=FAST, client=_answering([b'{"errcode":0}']))
    assert sent.attempts == 1
