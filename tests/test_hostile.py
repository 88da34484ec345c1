"""The hostile corpus (tests/fixtures/hostile/build_hostile.py): every file gets its clear message, fast and
small, in a fresh process, from the loader, the command line and the upload page; nothing is published."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from app_pages import open_page

ROOT = Path(__file__).resolve().parents[1]
HOSTILE = ROOT / "tests" / "fixtures" / "hostile"
sys.path.insert(0, str(HOSTILE))
from build_hostile import CASES  # noqa: E402

MAX_SECONDS, MAX_MB = 10, 500
EXPECTED = {name: codes for name, _build, codes in CASES}


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("hostile")
    paths = {}
    for name, build, _codes in CASES:
        paths[name] = folder / name
        paths[name].write_bytes(build())
    return paths


def _fresh(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, *args], capture_output=True, text=True, timeout=120, cwd=ROOT)


@pytest.mark.parametrize("name", list(EXPECTED))
def test_each_hostile_file_gets_its_message_within_10_s_and_500_mb(corpus, name):
    done = _fresh(str(HOSTILE / "probe.py"), str(corpus[name]))
    assert done.returncode == 0, done.stderr[-2000:]
    report = json.loads(done.stdout.strip().splitlines()[-1])
    if EXPECTED[name] == {"loaded"}:
        assert report["readable"] and not report["errors"] and report["projects"] > 0, report
        assert report["names"][0] in ("西琅沟", "西琅溝"), report  # decoded as the words in the file
    else:
        assert set(report["codes"]) & EXPECTED[name], report
        assert report["message"] and "Traceback" not in report["message"]
    assert report["seconds"] < MAX_SECONDS, report
    assert report["parent_mb"] < MAX_MB and report["worker_mb"] < MAX_MB, report


@pytest.mark.parametrize("name", list(EXPECTED))
def test_the_command_line_answers_every_hostile_file_with_one_json_object(corpus, name):
    done = _fresh("-m", "loaders", "summary", str(corpus[name]), "--json", "--lang", "en")
    assert done.returncode in (0, 1, 2), done.stderr
    assert "Traceback" not in done.stderr
    summary = json.loads(done.stdout)
    if EXPECTED[name] == {"loaded"}:
        assert done.returncode == 0 and summary["projects"] > 0
    else:
        assert {i["code"] for i in summary["issues"]} & EXPECTED[name]


def test_the_upload_page_refuses_every_hostile_file_and_the_current_version_stays(corpus, app_database):
    from store import versions as V
    from store.db import open_database

    at = open_page("views/upload.py", as_of="2026-11-21")
    before = V.current(open_database(app_database))
    for name, path in corpus.items():
        at.file_uploader[0].upload(name, path.read_bytes()).run()
        assert not at.exception, (name, [e.value for e in at.exception])
        shown = " ".join(e.value for e in [*at.error, *at.warning])
        if EXPECTED[name] & {"formula_no_value", "control_chars", "loaded"} or EXPECTED[name] == {"stray_cells"}:
            continue  # files that load (with warnings): publishing them is allowed
        assert shown, name
        assert not [b for b in at.button if b.label == "发布"], name
    after = V.current(open_database(app_database))
    assert (after.id, after.sha256) == (before.id, before.sha256)


@pytest.mark.parametrize(
    ("name", "lang", "expected"),
    [
        (
            "zip_bomb.xlsx",
            "zh",
            "无法读取此文件：工作簿解压后过大（400 MB），上限为 300 MB。未发布任何内容，当前数据保持不变。",
        ),
        ("encrypted.xlsx", "en", "This file cannot be read: The file is password-protected: remove the password"),
        ("renamed_xlsb.xlsx", "zh", "这是 Excel 二进制工作簿（.xlsb），请在 Excel 中“另存为” .xlsx 格式后再上传"),
    ],
)
def test_the_upload_page_says_why_a_file_cannot_be_read(corpus, app_database, name, lang, expected):
    at = open_page("views/upload.py", as_of="2026-11-21", lang=lang)
    at.file_uploader[0].upload(name, corpus[name].read_bytes()).run()
    assert not at.exception
    assert expected in at.error[0].value.replace("\\", "")  # the reason is escaped Markdown: it may quote the file
