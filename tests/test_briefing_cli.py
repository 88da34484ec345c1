"""``python -m briefing build``: the briefing as JSON from a workbook or the database, and exit 2 with a clear
message when the source cannot be read."""

from __future__ import annotations

import datetime as dt
import json
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
    ],
)
def test_an_unreadable_source_exits_2_with_a_message(tmp_path, capsys, source, lang, message):
    if source == "GARBAGE":
        garbage = tmp_path / "garbage.xlsx"
        garbage.write_bytes(b"PK\x03\x04 this is not a workbook" * 20)
        source = str(garbage)
    out = tmp_path / "b.json"
    code = main(["build", source, "--as-of", "2021-05-01", "--lang", lang, "--format", "json", "--out", str(out)])
    assert code == 2 and not out.exists()
    assert message in capsys.readouterr().err


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
