"""Versions in the database: publish, read back, roll back, interrupted and concurrent publishes.

Every test runs on SQLite, and on PostgreSQL too when TEST_DATABASE_URL is set (.ci/run sets it).
"""

from __future__ import annotations

import subprocess
import sys
import threading
from pathlib import Path

import pandas as pd
import pytest
from sqlalchemy import func, select, text

from loaders import load_workbook
from loaders.issues import Issue
from store import versions as V
from store.schema import files, project_rows, versions

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "data" / "sample_portfolio.xlsx"


def publish_rows(engine, table, rows, **kw):
    content = kw.pop("content", repr(rows).encode())
    return V.publish(engine, table(rows), content=content, filename="周报.xlsx", uploader="张三", **kw)


def test_empty_database_has_no_current_version(engine):
    assert V.current(engine) is None
    assert V.list_versions(engine) == []


def test_publish_round_trips_the_sample_exactly(engine):
    result = load_workbook(SAMPLE)
    content = SAMPLE.read_bytes()
    version = V.publish(
        engine,
        result.projects,
        content=content,
        filename=SAMPLE.name,
        uploader="张三",
        issues=result.issues,
        stage_dates=result.stage_dates,
    )
    assert (version.id, version.projects, version.households) == (1, 56, 67_650)
    assert version.floor_area_m2 == pytest.approx(9_599_520)
    assert version.sha256 == V.sha256(content) and version.source == "upload" and version.parent_id is None
    assert [i.code for i in version.warnings] == ["month_only"]
    assert version.warnings[0].message("en") == result.warnings[0].message("en")
    back = V.version_projects(engine, 1)
    pd.testing.assert_frame_equal(back, result.projects[back.columns])
    assert V.version_file(engine, 1) == (SAMPLE.name, content)
    stages = V.version_stage_dates(engine, 1)
    assert len(stages) == len(result.stage_dates) > 0
    pd.testing.assert_frame_equal(stages, result.stage_dates)


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("households", None),
        ("floor_area_m2", 0.01),
        ("deadline", "2021-03-31"),
        ("handed_over", None),
        ("street", "明水街道"),
        ("progress", 65.5),
        ("notes", "注：含 12 户商业"),
    ],
)
def test_each_field_round_trips(engine, project_table, field, value):
    rows = [{"name": "西琅沟", "district": "章丘区", "households": 656, field: value}]
    publish_rows(engine, project_table, rows)
    back = V.version_projects(engine, 1)
    expected = project_table(rows)
    pd.testing.assert_frame_equal(back, expected[back.columns])


def test_versions_are_numbered_in_order_and_listed_newest_first(engine, project_table):
    for n in range(3):
        publish_rows(engine, project_table, [{"name": f"项目{n}", "households": n}], comment=f"第{n}周")
    listed = V.list_versions(engine)
    assert [v.id for v in listed] == [3, 2, 1]
    assert [v.parent_id for v in listed] == [2, 1, None]
    assert listed[0].comment == "第2周" and listed[0].uploader == "张三"
    assert V.current_version_id(engine) == 3


def test_same_file_is_recognised_by_its_sha256(engine, project_table):
    version = publish_rows(engine, project_table, [{"name": "白泉"}], content=b"same bytes")
    assert V.current(engine).sha256 == V.sha256(b"same bytes") == version.sha256


def test_rollback_republishes_old_rows_as_a_new_version(engine, project_table):
    publish_rows(engine, project_table, [{"name": "白泉", "households": 1555}], content=b"week 1")
    publish_rows(engine, project_table, [{"name": "白泉", "households": 9999}], content=b"week 2")
    restored = V.rollback(engine, 1, "李四", "第二周数据有误")
    assert (restored.id, restored.source, restored.restored_from, restored.parent_id) == (3, "rollback", 1, 2)
    assert restored.uploader == "李四" and restored.comment == "第二周数据有误"
    assert V.version_projects(engine, 3)["households"].tolist() == [1555]
    assert V.version_file(engine, 3)[1] == b"week 1"
    assert V.version_stage_dates(engine, 3).empty
    assert [v.id for v in V.list_versions(engine)] == [3, 2, 1]  # history stays complete
    with engine.connect() as conn:
        assert conn.scalar(select(func.count()).select_from(files)) == 2  # the file is not copied


def test_a_failed_publish_changes_nothing(engine, project_table, monkeypatch):
    publish_rows(engine, project_table, [{"name": "白泉"}])

    def fail(conn, projects, version_id, stages):
        raise RuntimeError("disk full")

    monkeypatch.setattr(V, "_insert_rows", fail)
    with pytest.raises(RuntimeError):
        publish_rows(engine, project_table, [{"name": "月官"}])
    assert V.current_version_id(engine) == 1
    with engine.connect() as conn:
        assert conn.scalar(select(func.count()).select_from(versions)) == 1
        assert conn.scalar(select(func.count()).select_from(files)) == 1
        assert conn.scalar(select(func.count()).select_from(project_rows)) == 1


def test_publish_if_empty_seeds_only_once(engine, project_table):
    table = project_table([{"name": "示例"}])
    first = V.publish_if_empty(engine, table, content=b"x", filename="s.xlsx", issues=[], uploader="系统")
    second = V.publish_if_empty(engine, table, content=b"x", filename="s.xlsx", issues=[], uploader="系统")
    assert first.id == 1 and first.source == "sample" and second is None


def test_issues_keep_their_location_and_parameters(engine, project_table):
    issue = Issue("month_only", "项目", 30, "计划交付日期", "2028年6月", {"date": "2028-06-30"})
    version = publish_rows(engine, project_table, [{"name": "白泉"}], issues=[issue])
    assert V.get_version(engine, version.id).issues == [issue]


KILLER = """
import os, signal, sys
sys.path.insert(0, {root!r})
from store import versions as V
from store.db import make_engine
from loaders import load_workbook

engine = make_engine({url!r})
projects = load_workbook({sample!r}).projects
insert_rows = V._insert_rows

def insert_then_die(conn, frame, version_id, stages):
    insert_rows(conn, frame, version_id, stages)  # the rows are written, the pointer not yet moved
    os.kill(os.getpid(), signal.SIGKILL)

V._insert_rows = insert_then_die
V.publish(engine, projects, content=b"new week", filename="new.xlsx", uploader="x")
"""


def test_a_publish_killed_midway_leaves_the_previous_version_current(engine, db_url, project_table):
    publish_rows(engine, project_table, [{"name": "白泉", "households": 1555}])
    engine.dispose()  # the killed process must not find our connection holding anything
    script = KILLER.format(root=str(ROOT), url=db_url, sample=str(SAMPLE))
    proc = subprocess.run([sys.executable, "-c", script], capture_output=True, timeout=120)
    assert proc.returncode == -9, proc.stderr.decode()
    assert V.current_version_id(engine) == 1
    assert [v.id for v in V.list_versions(engine)] == [1]
    assert V.version_projects(engine, 1)["households"].tolist() == [1555]
    if db_url.startswith("sqlite"):
        with engine.connect() as conn:
            assert conn.execute(text("PRAGMA integrity_check")).scalar() == "ok"
    assert publish_rows(engine, project_table, [{"name": "月官"}]).id == 2  # and it keeps working


def test_ten_concurrent_publishes_give_ten_versions_each_with_its_own_rows(engine, project_table):
    tables = {
        n: project_table([{"name": f"项目{n}-{k}", "households": n * 100 + k} for k in range(50)]) for n in range(10)
    }
    barrier = threading.Barrier(len(tables))
    published: dict[int, int] = {}
    errors: list[BaseException] = []

    def worker(n: int) -> None:
        try:
            barrier.wait()
            version = V.publish(engine, tables[n], content=f"file {n}".encode(), filename=f"{n}.xlsx", uploader="x")
            published[n] = version.id
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=worker, args=(n,)) for n in tables]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    assert sorted(published.values()) == list(range(1, 11))
    for n, version_id in published.items():
        back = V.version_projects(engine, version_id)
        assert back["households"].tolist() == tables[n]["households"].tolist()
        assert V.version_file(engine, version_id) == (f"{n}.xlsx", f"file {n}".encode())
    assert V.current_version_id(engine) == max(published.values())
    parents = sorted(v.parent_id or 0 for v in V.list_versions(engine))
    assert parents == list(range(0, 10))  # one after the other: each saw the one before as current
