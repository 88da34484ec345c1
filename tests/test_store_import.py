"""``python -m store import``: files checked as on the upload page, published oldest first through the service,
as the named account or the system account, at the recorded time; a bad file stops the run with the report."""

from __future__ import annotations

import datetime as dt
import os
import random
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import write_xlsx

from bench.make_workbook import HEADER, project_row
from commands.store_import import main, name_date
from service import accounts
from service import actions as S
from service.audit import FAILED, OK, REFUSED
from service.roles import EDITOR, PUBLISH, UPLOAD, VIEWER
from store import versions as V
from store.audit import AuditFilter, audit_rows

ROOT = Path(__file__).resolve().parent.parent
BAD = ROOT / "tests" / "fixtures" / "bad_values.xlsx"  # errors: the loader CLI's test exits 1 on it
NOON_SHANGHAI = dt.time(4, 0)  # 12:00 in the default time zone, in UTC


PROGRESS = HEADER.index("完成比例")


def workbook(folder: Path, name: str, projects: int = 5, seed: int = 1, week: int = 0) -> Path:
    """A small weekly workbook as a district sends it (title row, header, rows): ``seed`` makes its projects,
    ``week`` moves their progress on (another week of the same register)."""
    rng = random.Random(seed)
    rows = [project_row(i, rng) for i in range(1, projects + 1)]
    for row in rows:
        row[PROGRESS] = min(100, row[PROGRESS] + week)
    rows = [["安置房项目进度台账"], HEADER, *rows]
    return write_xlsx(folder / name, rows, sheet="项目台账")


@pytest.fixture
def db(engine, db_url, monkeypatch):
    """The command's database (``DATABASE_URL`` as the app reads it) and an editor and a viewer account."""
    monkeypatch.setenv("DATABASE_URL", db_url)
    accounts.create_account(engine, S.SYSTEM, "editor_li", EDITOR)
    accounts.create_account(engine, S.SYSTEM, "viewer_wang", VIEWER)
    accounts.create_account(engine, S.SYSTEM, "editor_zhao", EDITOR, districts=["历城区"])
    return engine


def run(*args: object) -> int:
    return main(["import", *map(str, args)])


def published(engine) -> list[tuple[int, str, str, dt.datetime]]:
    """(id, file, uploader, publication time in UTC) of every version, oldest first."""
    rows = [(v.id, v.filename, v.uploader, v.created_at) for v in V.list_versions(engine)]
    return sorted((i, f, u, at if at.tzinfo else at.replace(tzinfo=dt.UTC)) for i, f, u, at in rows)


def trail(engine) -> list[tuple[str, str, str, str]]:
    """(account, action, outcome, target) of the audit trail, oldest first."""
    frame = audit_rows(engine, AuditFilter(actions=(UPLOAD, PUBLISH)), limit=None).iloc[::-1]
    return list(frame[["account", "action", "outcome", "target"]].itertuples(index=False, name=None))


def noon(day: str) -> dt.datetime:
    return dt.datetime.combine(dt.date.fromisoformat(day), NOON_SHANGHAI, dt.UTC)


@pytest.mark.parametrize(
    ("text", "day"),
    [
        ("周报_2026-03-31.xlsx", "2026-03-31"),
        ("2026年3月9日台账.xlsx", "2026-03-09"),
        ("ledger20260105.xlsx", "2026-01-05"),
        ("2026.1.5.xlsx", "2026-01-05"),
        ("ledger_20261399.xlsx", None),  # not a real date
        ("项目台账.xlsx", None),
        ("123456789.xlsx", None),  # nine digits are no date
    ],
)
def test_the_date_in_a_file_name(text, day):
    assert name_date(Path(text)) == (dt.date.fromisoformat(day) if day else None)


def test_files_are_published_oldest_first_at_noon_of_their_dates(db, tmp_path, capsys):
    later = workbook(tmp_path, "台账_2026-01-12.xlsx", week=1)
    earlier = workbook(tmp_path, "台账_2026-01-05.xlsx", week=0)
    assert run(later, earlier) == 0
    assert published(db) == [
        (1, earlier.name, accounts.SYSTEM, noon("2026-01-05")),
        (2, later.name, accounts.SYSTEM, noon("2026-01-12")),
    ]
    out = capsys.readouterr().out
    assert "已发布 台账_2026-01-05.xlsx：第 1 版，发布时间 2026年1月5日 12:00，5 个项目" in out
    assert trail(db) == [
        (accounts.SYSTEM, UPLOAD, OK, earlier.name),
        (accounts.SYSTEM, UPLOAD, OK, later.name),
        (accounts.SYSTEM, PUBLISH, OK, "version 1"),
        (accounts.SYSTEM, PUBLISH, OK, "version 2"),
    ]
    details = audit_rows(db, AuditFilter(actions=(PUBLISH,)), limit=None)["detail"].tolist()
    assert {d["published_at"] for d in details} == {noon("2026-01-05").isoformat(), noon("2026-01-12").isoformat()}
    assert set(audit_rows(db, AuditFilter(actions=(UPLOAD, PUBLISH)), limit=None)["address"]) == {"command line"}


def test_a_bad_file_stops_the_run_with_the_report_and_publishes_nothing(db, tmp_path, capsys):
    good = workbook(tmp_path, "台账_2026-01-05.xlsx")
    bad = tmp_path / "台账_2026-01-12.xlsx"
    bad.write_bytes(BAD.read_bytes())
    assert run(good, bad, "--lang", "en") == 1
    err = capsys.readouterr().err
    assert published(db) == []
    assert "台账_2026-01-12.xlsx: " in err and " errors, " in err  # the counts, then the page's columns
    assert "Severity" in err or "Message" in err, err
    assert "Import stopped" in err and "Traceback" not in err
    assert trail(db)[-1] == (accounts.SYSTEM, UPLOAD, FAILED, bad.name)


@pytest.mark.parametrize(
    ("names", "extra", "code", "message"),
    [
        (["a_2026-01-05.xlsx", "b_2026-01-12.xlsx"], ["--at", "2026-01-01"], 2, "--at 只能用于单个文件"),
        (["a_2026-01-05.xlsx", "b.xlsx"], [], 2, "以下文件名中没有日期：b.xlsx"),
        (["a_2099-01-05.xlsx"], [], 2, "晚于今天"),
        (["a.xlsx"], ["--at", "2099-01-01"], 2, "晚于今天"),
        (["a.xlsx"], ["--by", "nobody"], 1, "没有名为“nobody”的账号"),
        (["a.xlsx"], ["--by", "viewer_wang"], 1, "账号“viewer_wang”不能上传或发布"),
        (["a.xlsx"], ["--at", "not-a-date"], 2, "不是日期（应为 YYYY-MM-DD）：not-a-date / not a date"),
        # Year 1 published without a word, and every page then failed (OverflowError on its history).
        (["a.xlsx"], ["--at", "0001-01-01"], 2, "a.xlsx 的日期 1年1月1日 早于 1990 年"),
        (["a.xlsx"], ["--at", "1989-12-31"], 2, "早于 1990 年"),
        (["a_0001-01-01.xlsx", "b_2026-01-12.xlsx"], [], 2, "a_0001-01-01.xlsx 的日期 1年1月1日 早于 1990 年"),
        (["a.xlsx"], ["--by", "editor_zhao"], 1, "您的账号只能发布以下区县的数据：历城区"),  # a limited editor
    ],
)
def test_refused_runs_publish_nothing(db, tmp_path, capsys, names, extra, code, message):
    files = [workbook(tmp_path, name, week=n) for n, name in enumerate(names)]
    assert run(*files, *extra) == code
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err
    assert published(db) == []


def test_the_first_allowed_year_publishes(db, tmp_path):
    assert run(workbook(tmp_path, "a.xlsx"), "--at", "1990-01-01") == 0
    assert published(db) == [(1, "a.xlsx", accounts.SYSTEM, noon("1990-01-01"))]


@pytest.mark.parametrize(
    ("make", "reason"),
    [
        (lambda folder: folder / "missing.xlsx", "No such file or directory"),
        (lambda folder: folder, "Is a directory"),
        (lambda folder: Path("/dev/zero"), "not a regular file"),  # read in full: a MemoryError traceback
        (lambda folder: (os.mkfifo(folder / "pipe.xlsx"), folder / "pipe.xlsx")[1], "not a regular file"),  # hung
    ],
)
def test_what_is_not_a_readable_file_stops_the_run_at_once(db, tmp_path, capsys, make, reason):
    started = time.monotonic()
    assert run(make(tmp_path)) == 1
    err = capsys.readouterr().err
    assert f"无法读取该文件（{reason}）" in err and "Traceback" not in err
    assert time.monotonic() - started < 30
    assert published(db) == []


def test_a_file_over_the_upload_limit_is_refused_before_it_is_read(db, tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("RESETTLE_MAX_UPLOAD_MB", "1")
    big = tmp_path / "big_2026-01-05.csv"
    with big.open("wb") as handle:
        handle.truncate(3 * 1048576)  # sparse: three megabytes of nothing
    assert run(big) == 1
    assert "文件过大（3.0 MB），上限为 1 MB" in capsys.readouterr().err
    assert published(db) == []


@pytest.mark.parametrize("zone", ["Mars/Base", "../../etc/passwd"])
def test_a_time_zone_setting_that_names_none_publishes_in_the_default_zone(db, tmp_path, monkeypatch, capsys, zone):
    """It ended the command in ZoneInfoNotFoundError / ValueError tracebacks."""
    monkeypatch.setenv("RESETTLE_TIMEZONE", zone)
    assert run(workbook(tmp_path, "a.xlsx"), "--at", "2025-12-01") == 0
    assert published(db) == [(1, "a.xlsx", accounts.SYSTEM, noon("2025-12-01"))]
    assert "发布时间 2025年12月1日 12:00" in capsys.readouterr().out


def test_a_viewer_is_refused_and_the_refusal_is_audited(db, tmp_path):
    run(workbook(tmp_path, "a.xlsx"), "--by", "viewer_wang")
    assert trail(db) == [("viewer_wang", UPLOAD, REFUSED, "a.xlsx")]


def test_at_records_the_publication_time_and_by_the_publisher(db, tmp_path):
    assert run(workbook(tmp_path, "a.xlsx"), "--at", "2025-12-01", "--by", "Editor_Li") == 0
    assert published(db) == [(1, "a.xlsx", "editor_li", noon("2025-12-01"))]
    assert trail(db) == [("editor_li", UPLOAD, OK, "a.xlsx"), ("editor_li", PUBLISH, OK, "version 1")]


def test_a_file_without_a_date_is_published_now(db, tmp_path):
    before = dt.datetime.now(dt.UTC)
    assert run(workbook(tmp_path, "a.xlsx")) == 0
    assert before <= published(db)[0][3] <= dt.datetime.now(dt.UTC)


@pytest.mark.parametrize(
    ("second", "code", "message"),
    [
        (["b.xlsx", "--at", "2025-12-01"], 1, "早于当前第 1 版的发布时间"),  # history only moves forward
        (["b.xlsx", "--at", "2026-02-01"], 0, "第 2 版"),
        (["a.xlsx", "--at", "2026-02-01"], 1, "与当前的第 1 版完全相同"),  # the upload page's same-file check
    ],
)
def test_a_later_import_continues_the_history(db, tmp_path, capsys, second, code, message):
    assert run(workbook(tmp_path, "a.xlsx"), "--at", "2026-01-05") == 0
    name, *extra = second
    path = tmp_path / name if (tmp_path / name).exists() else workbook(tmp_path, name, week=1)
    assert run(path, *extra) == code
    captured = capsys.readouterr()
    assert message in (captured.out + captured.err)
    assert len(published(db)) == (2 if code == 0 else 1)


@pytest.mark.parametrize(("confirm", "code", "versions"), [([], 1, 0), (["--confirm-removal"], 0, 2)])
def test_a_file_removing_much_needs_confirming_before_anything_is_published(
    db, tmp_path, capsys, confirm, code, versions
):
    first = workbook(tmp_path, "a_2026-01-05.xlsx", projects=10)
    fewer = workbook(tmp_path, "b_2026-01-12.xlsx", projects=5)  # the same first five projects, five gone
    assert run(first, fewer, *confirm) == code
    assert len(published(db)) == versions
    if code:
        assert "b_2026-01-12.xlsx 将移除当前版本中的 5 个项目" in capsys.readouterr().err


def test_the_same_file_twice_in_one_run_stops_it(db, tmp_path, capsys):
    first = workbook(tmp_path, "a_2026-01-05.xlsx")
    (tmp_path / "b_2026-01-12.xlsx").write_bytes(first.read_bytes())
    assert run(first, tmp_path / "b_2026-01-12.xlsx") == 1
    assert "与本次导入的 a_2026-01-05.xlsx 完全相同" in capsys.readouterr().err
    assert published(db) == []


def test_help_names_every_option(capsys):
    assert main(["import", "--help"]) == 0
    out = capsys.readouterr().out
    assert all(option in out for option in ("--at", "--by", "--lang", "--confirm-removal", "FILE"))


def test_python_m_store_import_as_a_process(tmp_path, app_database):
    path = workbook(tmp_path, "台账_2026-01-05.xlsx", projects=3)
    done = subprocess.run(
        [sys.executable, "-m", "store", "import", str(path), "--lang", "en"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert done.returncode == 0, done.stderr
    assert "Published 台账_2026-01-05.xlsx: version 1, published 2026-01-05 12:00, 3 projects" in done.stdout
    usage = subprocess.run([sys.executable, "-m", "store", "import"], cwd=ROOT, capture_output=True, text=True)
    assert usage.returncode == 2 and "Traceback" not in usage.stderr
