"""``python -m briefing build``: the briefing as JSON from a workbook or the database, and exit 2 with a clear
message when the source cannot be read."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from briefing.cli import main
from loaders import load_workbook
from store import versions as V

ROOT = Path(__file__).resolve().parent.parent
ZHANGQIU = ROOT / "data" / "sample_zhangqiu_2021.xlsx"


def slides(briefing: dict) -> list[dict]:
    return [slide for section in briefing["sections"] for slide in section["slides"]]


def test_json_for_the_zhangqiu_list_through_python_m(tmp_path):
    out = tmp_path / "briefing.json"
    done = subprocess.run(
        [sys.executable, "-m", "briefing", "build", str(ZHANGQIU), "--as-of", "2021-05-01", "--lang", "en"]
        + ["--format", "json", "--out", str(out)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert done.returncode == 0, done.stderr
    briefing = json.loads(out.read_text("utf-8"))
    assert briefing["as_of"] == "2021-05-01" and briefing["lang"] == "en" and briefing["region"] == "Zhangqiu District"
    assert [s["key"] for s in briefing["sections"]] == [
        "title",
        "headline",
        "changes",
        "red",
        "yellow",
        "tasks",
        "districts",
        "timeline",
    ]
    figures = {h["key"]: h["value"] for h in briefing["sections"][1]["slides"][0]["blocks"][0]["items"]}
    assert figures["households"] == "7,253" and figures["overdue"] == "5" and figures["year"] == "0 / 15"
    red = [s for s in slides(briefing) if s["status"] == "overdue"]
    assert len(red) == 5 and all(s["notes"] for s in red)
    assert str(out) in done.stdout


def test_districts_and_sections_from_the_command_line(tmp_path):
    out = tmp_path / "b.json"
    args = ["build", str(ZHANGQIU), "--as-of", "2021-05-01", "--districts", "章丘区", "--sections", "red,headline"]
    assert main([*args, "--format", "json", "--out", str(out)]) == 0
    briefing = json.loads(out.read_text("utf-8"))
    assert briefing["districts"] == ["章丘区"]
    assert [s["key"] for s in briefing["sections"]] == ["title", "headline", "red"]


@pytest.mark.parametrize(
    ("source", "lang", "message"),
    [
        ("missing.xlsx", "zh", "找不到文件：missing.xlsx"),
        ("missing.xlsx", "en", "File not found: missing.xlsx"),
        ("version:99", "en", "The database has no version 99."),
        ("version:x", "zh", "无法识别的数据来源：version:x"),
        ("published", "zh", "数据库中还没有已发布的版本。"),
        ("GARBAGE", "en", "Cannot read garbage.xlsx"),
        ("GARBAGE", "zh", "无法读取文件 garbage.xlsx"),
        ("HUGE", "zh", "文件 huge.xlsx 过大（25.0 MB），上限为 20 MB。"),  # was read into memory whole
        ("HUGE", "en", "The file huge.xlsx is too large (25.0 MB); the limit is 20 MB."),
    ],
)
def test_an_unreadable_source_exits_2_with_a_message(tmp_path, capsys, source, lang, message):
    if source == "HUGE":
        huge = tmp_path / "huge.xlsx"
        with huge.open("wb") as handle:
            handle.truncate(25 * 1048576)  # sparse
        source = str(huge)
    if source == "GARBAGE":
        garbage = tmp_path / "garbage.xlsx"
        garbage.write_bytes(b"PK\x03\x04 this is not a workbook" * 20)
        source = str(garbage)
    out = tmp_path / "b.json"
    code = main(["build", source, "--as-of", "2021-05-01", "--lang", lang, "--format", "json", "--out", str(out)])
    assert code == 2 and not out.exists()
    assert message in capsys.readouterr().err


@pytest.mark.parametrize("command", ["build", "push"])
@pytest.mark.parametrize(
    ("as_of", "message"), [("0001-01-01", "from 1990 to 2100"), ("9999-12-31", "from 1990 to 2100")]
)
def test_an_as_of_date_beyond_the_data_years_is_a_usage_error(tmp_path, capsys, command, as_of, message):
    """Year 1 ended build in an OverflowError traceback, year 9999 in OutOfBoundsDatetime."""
    out = ["--format", "json", "--out", str(tmp_path / "b.json")] if command == "build" else ["--channel", "x"]
    with pytest.raises(SystemExit) as exited:
        main([command, *(["published"] if command == "build" else []), "--as-of", as_of, *out])
    err = capsys.readouterr().err
    assert exited.value.code == 2 and message in err and "Traceback" not in err
    assert f"日期须在 1990 至 2100 年之间：{as_of}" in err  # said in both languages: --lang is not read yet
    assert not (tmp_path / "b.json").exists()


def test_published_and_version_n_read_the_database(engine, db_url, monkeypatch, tmp_path):
    monkeypatch.setenv("DATABASE_URL", db_url)
    result = load_workbook(ZHANGQIU)
    for day in ("2021-04-20T02:00:00", "2021-04-30T08:05:00"):
        at = dt.datetime.fromisoformat(day).replace(tzinfo=dt.UTC)
        V.publish(
            engine,
            result.projects,
            content=day.encode(),
            filename="周报.xlsx",
            uploader="测试",
            at=at,
            stage_dates=result.stage_dates,
        )
    out = tmp_path / "b.json"
    assert main(["build", "published", "--as-of", "2021-05-01", "--format", "json", "--out", str(out)]) == 0
    current = json.loads(out.read_text("utf-8"))
    assert current["version"].startswith("第 2 版") and "2021年4月30日 16:05" in current["version"]
    changes = [s for s in slides(current) if s["key"] == "changes"][0]
    assert changes["subtitle"] == "第 1 版 → 第 2 版"
    assert main(["build", "version:1", "--as-of", "2021-05-01", "--format", "json", "--out", str(out)]) == 0
    first = json.loads(out.read_text("utf-8"))
    assert first["version"].startswith("第 1 版")
    assert [s for s in slides(first) if s["key"] == "changes"][0]["blocks"][0]["text"].startswith("第 1 版是第一个")


def test_a_format_whose_renderer_is_missing_exits_2(tmp_path, capsys, monkeypatch):
    monkeypatch.setitem(sys.modules, "briefing.pptx", None)  # as before the decks renderer is merged
    out = tmp_path / "b.pptx"
    code = main(
        ["build", str(ZHANGQIU), "--as-of", "2021-05-01", "--lang", "en", "--format", "pptx", "--out", str(out)]
    )
    assert code == 2 and "cannot write pptx" in capsys.readouterr().err and not out.exists()


@pytest.mark.parametrize(("fmt", "lang", "message"), [("pdf", "zh", "fonts-noto-cjk"), ("pdf", "en", "fonts-noto-cjk")])
def test_a_missing_cjk_font_exits_2_with_what_to_install(tmp_path, capsys, monkeypatch, fmt, lang, message):
    import briefing.pdf

    monkeypatch.setattr(briefing.pdf, "_fc_match", lambda style: None)
    monkeypatch.setattr(briefing.pdf, "_known_path", lambda style: None)
    monkeypatch.delenv("BRIEFING_CJK_FONT", raising=False)
    out = tmp_path / f"b.{fmt}"
    code = main(["build", str(ZHANGQIU), "--as-of", "2021-05-01", "--lang", lang, "--format", fmt, "--out", str(out)])
    err = capsys.readouterr().err
    assert code == 2 and message in err and "Traceback" not in err and not out.exists()


@pytest.mark.parametrize(("lang", "message"), [("zh", "无法写入"), ("en", "Cannot write")])
def test_an_unwritable_output_exits_2_with_a_message(tmp_path, capsys, lang, message):
    out = tmp_path / "no such folder" / "b.json"
    code = main(
        ["build", str(ZHANGQIU), "--as-of", "2021-05-01", "--lang", lang, "--format", "json", "--out", str(out)]
    )
    assert code == 2 and message in capsys.readouterr().err


# --- push: the summary to a group chat (issue 13) -------------------------------------------------------------

from webhook_server import *  # noqa: E402,F403 (the fake robot fixture)

PUSH = ["push", "--source", str(ZHANGQIU), "--as-of", "2021-05-01"]


def test_push_dry_run_prints_the_message_and_its_size_and_sends_nothing(robot, monkeypatch, capsys):
    monkeypatch.setenv("RESETTLE_PUBLIC_URL", "https://dash.example.gov.cn")
    assert main([*PUSH, "--channel", "wx", "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert "### 章丘区安置房交付周报 · 截至2021年5月1日" in out and "**逾期项目（5个）**" in out
    assert "(https://dash.example.gov.cn/present?lang=zh&as_of=2021-05-01)" in out
    assert re.search(r"（试运行，未发送）企业微信消息 \d+ 字节，上限 4096 字节", out)
    assert robot.received == []


def test_push_sends_as_the_system_account_and_is_audited(robot, monkeypatch, capsys):
    from store.audit import AuditFilter, audit_rows
    from store.db import open_database

    assert main([*PUSH, "--channel", "weekly", "--lang", "en"]) == 0
    assert len(robot.received) == 1 and robot.refused == []
    assert "Overdue projects (5)" in robot.received[0]["markdown"]["text"]
    assert "no link back" in capsys.readouterr().err  # public_url not set
    rows = audit_rows(open_database(), AuditFilter(actions=("send_notice",)))
    assert list(zip(rows["account"], rows["outcome"], rows["target"])) == [("system", "ok", "weekly")]


def test_push_that_keeps_failing_exits_3_with_the_reason(robot, monkeypatch, capsys):
    monkeypatch.setenv("RESETTLE_NOTICE_ATTEMPTS", "2")
    monkeypatch.setenv("RESETTLE_NOTICE_BACKOFF_S", "0.01")
    robot.script[:] = [503, 503]
    assert main([*PUSH, "--channel", "wx"]) == 3
    assert "已尝试 2 次，最后一次：HTTP 503" in capsys.readouterr().err and len(robot.received) == 2


def test_push_to_an_unknown_channel_exits_2_without_traceback(tmp_path):
    done = subprocess.run(
        [sys.executable, "-m", "briefing", "push", "--channel", "nowhere", "--lang", "en", "--dry-run"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'x.db'}"},
    )
    assert done.returncode == 2 and "No notice channel “nowhere” is configured" in done.stderr
    assert "Traceback" not in done.stderr


def test_push_with_assignees_sends_each_their_missed_steps_with_a_mention(robot, monkeypatch, tmp_path, capsys):
    """The tasks section as issue 13's tasks part builds it (hand-made here: the builder may not have it yet)."""
    import briefing.cli as cli
    from briefing import blocks as B

    (tmp_path / "secrets.toml").write_text(
        (tmp_path / "secrets.toml").read_text("utf-8") + '[notices.mobiles]\n"张三" = "13800001111"\n', "utf-8"
    )
    columns = tuple(B.Column(k, k) for k in ("title", "project", "unit", "assignee", "step", "due"))
    rows = [
        ("清运渣土", "月官", "区住建局", "张三", "回复", "2021年4月28日"),
        ("补签协议", "白泉", "街道", "李四", "办结", "4月30日"),
    ]
    table = B.Table("tasks_missed", columns, tuple(tuple(B.Cell(v, v) for v in row) for row in rows))
    tasks = B.Section("tasks", "督办事项", (B.Slide("tasks", "督办事项", (table,)),))
    real = cli.build_briefing

    def with_tasks(*args):  # the built briefing with this tasks section in place of any the builder made
        built = real(*args)
        return dataclasses.replace(built, sections=(*(s for s in built.sections if s.key != "tasks"), tasks))

    monkeypatch.setattr(cli, "build_briefing", with_tasks)
    assert main([*PUSH, "--channel", "weekly", "--assignees"]) == 0
    assert len(robot.received) == 3 and robot.refused == []
    summary, zhang, li = (body["markdown"]["text"] for body in robot.received)
    assert "**1-3-7 督办逾期环节（2项）**" in summary and "清运渣土" in summary and "补签协议" in summary
    assert "清运渣土" in zhang and "补签协议" not in zhang and "@13800001111" in zhang
    assert robot.received[1]["at"] == {"atMobiles": ["13800001111"], "isAtAll": False}
    assert "补签协议" in li and "at" not in robot.received[2]
    from store.audit import AuditFilter, audit_rows
    from store.db import open_database

    trail = audit_rows(open_database(), AuditFilter(actions=("send_notice",)), limit=None).iloc[::-1]
    assert [(d["what"], d.get("about", "")) for d in trail["detail"]] == [
        ("summary", ""),
        ("assignee", "张三"),
        ("assignee", "李四"),
    ]


def test_push_with_the_database_down_exits_2_with_a_message(robot, monkeypatch, capsys):
    monkeypatch.setenv("DATABASE_URL", "postgresql+psycopg://nobody:x@127.0.0.1:9/none?connect_timeout=2")
    assert main(["push", "--channel", "wx", "--lang", "en"]) == 2
    assert "The database cannot be reached (OperationalError)" in capsys.readouterr().err


@pytest.mark.parametrize("source", ["published", "version:1"])
@pytest.mark.parametrize(
    "url", ["postgresql+psycopg://nobody:x@127.0.0.1:9/none?connect_timeout=2", "foo://x", "not a url"]
)
def test_build_with_the_database_out_of_reach_exits_2_with_a_message(monkeypatch, capsys, tmp_path, source, url):
    """It ended in an OperationalError / NoSuchModuleError / ArgumentError traceback."""
    monkeypatch.setenv("DATABASE_URL", url)
    out = tmp_path / "b.json"
    assert main(["build", source, "--as-of", "2026-11-21", "--lang", "en", "--format", "json", "--out", str(out)]) == 2
    assert "The database cannot be reached (" in capsys.readouterr().err
    assert not out.exists()


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("command", ["build", "push"])
def test_a_district_the_data_does_not_have_is_refused(tmp_path, capsys, monkeypatch, command, lang):
    """A typo in --districts briefed "no project in the chosen districts", and a scheduled push sent it to the
    group every week as if nothing were overdue."""
    monkeypatch.setenv("RESETTLE_CHANNEL_WEEKLY_URL", "http://127.0.0.1:9/robot")
    out = tmp_path / "b.json"
    tail = ["--format", "json", "--out", str(out)] if command == "build" else ["--channel", "weekly", "--dry-run"]
    source = [str(ZHANGQIU)] if command == "build" else ["--source", str(ZHANGQIU)]
    args = [command, *source, "--as-of", "2021-05-01", "--lang", lang, "--districts", "章丘区,历城区x", *tail]
    assert main(args) == 2
    captured = capsys.readouterr()
    said = {"zh": "数据中没有以下区县：历城区x。可选：章丘区。", "en": "The data has no district 历城区x."}[lang]
    assert said in captured.err and captured.out == "" and not out.exists()
