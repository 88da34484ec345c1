"""Versions in the database: publish, read back, roll back, interrupted and concurrent publishes.

Every test runs on SQLite, and on PostgreSQL too when TEST_DATABASE_URL is set (.ci/run sets it).
"""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
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


# --- concurrent publishes from several district offices (expected version, scope, double clicks) ---------


@pytest.fixture
def sample(engine):
    """The bundled 56-project portfolio (six districts) published as version 1; -> its load result."""
    result = load_workbook(SAMPLE)
    V.publish(
        engine,
        result.projects,
        content=SAMPLE.read_bytes(),
        filename=SAMPLE.name,
        uploader="系统",
        stage_dates=result.stage_dates,
    )
    return result


def district_file(result, district: str, extra: int = 1) -> dict:
    """A district office's weekly workbook: its own rows with ``extra`` more households each, as ``publish``
    keyword arguments (``projects``, ``stage_dates``, ``content``, ``scope``)."""
    rows = result.projects[result.projects["district"] == district]
    rows = rows.assign(households=rows["households"] + extra).reset_index(drop=True)
    stages = result.stage_dates[result.stage_dates["district"] == district].reset_index(drop=True)
    content = f"{district} +{extra}".encode()
    return {"projects": rows, "stage_dates": stages, "content": content, "scope": [district]}


def publish_file(engine, file: dict, uploader: str = "张三", **kw) -> V.Version:
    fields = {k: v for k, v in file.items() if k != "projects"}
    return V.publish(engine, file["projects"], filename="区县周报.xlsx", uploader=uploader, **fields, **kw)


def rows_of(frame: pd.DataFrame, districts) -> pd.DataFrame:
    return frame[frame["district"].isin(districts)].reset_index(drop=True)


def race(engine, files: list[dict], **kw) -> tuple[list, list[BaseException], float]:
    """Publish ``files`` from one thread each, released together by a barrier; -> results, errors, seconds."""
    barrier = threading.Barrier(len(files))
    results: list = [None] * len(files)
    errors: list[BaseException] = []

    def worker(n: int) -> None:
        try:
            barrier.wait()
            results[n] = publish_file(engine, files[n], uploader=f"区县{n}", **kw)
        except BaseException as exc:  # noqa: BLE001 - reported by the caller
            errors.append(exc)

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(len(files))]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results, errors, time.perf_counter() - started


def test_two_districts_publishing_at_once_both_land(engine, db_url, sample):
    files = [district_file(sample, "章丘区", extra=1), district_file(sample, "历城区", extra=2)]
    results, errors, seconds = race(engine, files, expected=1)
    print(f"\n{db_url.split(':')[0]}: two scoped publishes racing took {seconds * 1000:.0f} ms")
    assert not errors
    assert sorted(v.id for v in results) == [2, 3]
    final = V.current(engine)
    assert final.id == 3 and final.projects == 56 and final.households == 67_650 + 11 * 1 + 12 * 2
    rows, stages = V.version_projects(engine, 3), V.version_stage_dates(engine, 3)
    for file in files:  # each office's rows exactly as it sent them, stage dates included
        pd.testing.assert_frame_equal(rows_of(rows, file["scope"]), file["projects"][rows.columns])
        pd.testing.assert_frame_equal(rows_of(stages, file["scope"]), file["stage_dates"][stages.columns])
    others = set(sample.projects["district"]) - {"章丘区", "历城区"}
    pd.testing.assert_frame_equal(rows_of(rows, others), rows_of(sample.projects, others)[rows.columns])
    pd.testing.assert_frame_equal(rows_of(stages, others), rows_of(sample.stage_dates, others)[stages.columns])
    assert [v.parent_id for v in V.list_versions(engine)] == [2, 1, None]  # the second merged onto the first


def touch_stage_dates(result, district: str) -> dict:
    """A file for ``district`` whose projects are unchanged and whose stage dates moved by one day."""
    file = district_file(result, district, extra=0)
    stages = file["stage_dates"].assign(planned=file["stage_dates"]["planned"] + pd.Timedelta(days=1))
    return {**file, "stage_dates": stages, "content": f"{district} dates".encode()}


WHOLE, MINE, OTHER = "whole register", "my district", "another district"


@pytest.mark.parametrize(
    ("mine_scope", "meanwhile", "refused"),
    [
        (WHOLE, OTHER, True),  # a whole-register preview is stale after any publish
        (WHOLE, MINE, True),
        (MINE, MINE, True),  # someone changed the rows this file replaces: the preview no longer holds
        (MINE, "my district's stage dates", True),
        (MINE, OTHER, False),  # another district landed: merged onto, nothing the user saw has changed
    ],
)
def test_a_stale_expected_version_is_refused_unless_only_other_districts_moved(
    engine, sample, mine_scope, meanwhile, refused
):
    other_district = "章丘区" if meanwhile != OTHER else "历城区"
    if meanwhile.endswith("stage dates"):
        publish_file(engine, touch_stage_dates(sample, other_district), uploader="李四")
    else:
        publish_file(engine, district_file(sample, other_district, extra=5), uploader="李四")
    mine = district_file(sample, "章丘区", extra=1)
    if mine_scope == WHOLE:
        mine = {**mine, "scope": None}
    if not refused:
        assert publish_file(engine, mine, expected=1).parent_id == 2
        return
    with pytest.raises(V.VersionMoved) as moved:
        publish_file(engine, mine, expected=1)
    assert (moved.value.expected, moved.value.version, moved.value.uploader) == (1, 2, "李四")
    assert moved.value.published_at == V.get_version(engine, 2).created_at
    assert V.current_version_id(engine) == 2 and [v.id for v in V.list_versions(engine)] == [2, 1]


def test_a_preview_of_an_empty_database_is_stale_once_something_is_published(engine, project_table):
    publish_rows(engine, project_table, [{"name": "白泉"}])
    with pytest.raises(V.VersionMoved) as moved:
        publish_rows(engine, project_table, [{"name": "月官"}], expected=None)
    assert moved.value.version == 1 and moved.value.uploader == "张三"


@pytest.mark.parametrize("scoped", [False, True])
def test_a_double_click_publishes_one_version(engine, sample, scoped):
    file = district_file(sample, "章丘区")
    file = file if scoped else {**file, "scope": None}
    first = publish_file(engine, file, expected=1)
    second = publish_file(engine, file, expected=1)
    assert first == second and first.id == 2 and V.current_version_id(engine) == 2
    results, errors, _ = race(engine, [file, file], expected=1)  # two tabs at the same moment, too
    assert not errors and {v.id for v in results} == {2} and len(V.list_versions(engine)) == 2


def test_a_double_click_after_another_district_landed_still_publishes_once(engine, sample):
    publish_file(engine, district_file(sample, "历城区"), uploader="李四", expected=1)
    file = district_file(sample, "章丘区")
    first, second = publish_file(engine, file, expected=1), publish_file(engine, file, expected=1)
    assert first.id == second.id == 3 and V.current_version_id(engine) == 3


def test_the_same_file_republished_with_another_scope_is_a_new_version(engine, sample):
    file = district_file(sample, "章丘区")
    publish_file(engine, file, expected=1)
    again = publish_file(engine, {**file, "scope": None}, expected=2)  # now as the whole register
    assert again.id == 3 and again.projects == 11


STARTER = """
import pathlib, sys, time
sys.path.insert(0, {root!r})
from ui.data import engine  # the app's own first-start path: migrate, then seed the sample if empty

pathlib.Path(sys.argv[1]).touch()  # ready: every import done
go = pathlib.Path(sys.argv[2])
while not go.exists():
    time.sleep(0.005)
engine()
"""


def test_app_processes_starting_together_migrate_and_seed_once(db_url, tmp_path):
    count = 4
    script = STARTER.format(root=str(ROOT))
    env = {**os.environ, "DATABASE_URL": db_url}
    go = tmp_path / "go"
    ready = [tmp_path / f"ready{n}" for n in range(count)]
    procs = [
        subprocess.Popen([sys.executable, "-c", script, str(r), str(go)], env=env, stderr=subprocess.PIPE)
        for r in ready
    ]
    deadline = time.monotonic() + 120
    while not all(r.exists() for r in ready) and time.monotonic() < deadline:
        time.sleep(0.05)
    go.touch()  # all at once, on a database that has no tables yet
    stderr = [p.communicate(timeout=120)[1].decode() for p in procs]
    assert [p.returncode for p in procs] == [0] * count, stderr
    from store.db import head_revision, make_engine, schema_revision

    engine = make_engine(db_url)
    try:
        assert schema_revision(engine) == head_revision()
        listed = V.list_versions(engine)
        assert [(v.id, v.source) for v in listed] == [(1, "sample")] and V.current_version_id(engine) == 1
    finally:
        engine.dispose()


# --- sample data: marked on every version holding it, never merged into a real one ---------------------------


def seed_sample(engine, result) -> V.Version:
    """The bundled portfolio seeded as the app's first start does (``publish_if_empty``)."""
    return V.publish_if_empty(
        engine,
        result.projects,
        content=SAMPLE.read_bytes(),
        filename=SAMPLE.name,
        issues=[],
        uploader="系统 (示例数据)",
        stage_dates=result.stage_dates,
    )


def test_versions_record_whether_they_hold_sample_data(engine):
    result = load_workbook(SAMPLE)
    seeded = seed_sample(engine, result)
    real = publish_file(engine, {**district_file(result, "章丘区"), "scope": None}, expected=1)
    back_to_sample, back_to_real = V.rollback(engine, 1, "李四"), V.rollback(engine, 2, "李四")
    marks = [(v.id, v.source, v.sample) for v in (seeded, real, back_to_sample, back_to_real)]
    assert marks == [(1, "sample", True), (2, "upload", False), (3, "rollback", True), (4, "rollback", False)]
    assert [v.sample for v in V.list_versions(engine)] == [False, True, False, True]  # read back, too


@pytest.mark.parametrize("expected", [1, V.ANY_VERSION])
def test_a_district_file_over_the_sample_replaces_the_whole_register(engine, expected):
    result = load_workbook(SAMPLE)
    seed_sample(engine, result)
    file = district_file(result, "章丘区", extra=1)
    version = publish_file(engine, file, expected=expected)  # asked to replace just 章丘区
    assert (version.id, version.sample, version.projects) == (2, False, len(file["projects"]))
    assert "scope" not in version.summary
    rows = V.version_projects(engine, 2)
    pd.testing.assert_frame_equal(rows, file["projects"][rows.columns])  # no sample row survived
    assert set(V.version_stage_dates(engine, 2)["district"]) == {"章丘区"}
    if expected == 1:
        assert publish_file(engine, file, expected=1).id == 2  # a double click still publishes once


def test_a_district_file_previewed_against_the_sample_is_refused_once_a_real_version_landed(engine):
    result = load_workbook(SAMPLE)
    seed_sample(engine, result)
    publish_file(engine, {**district_file(result, "历城区"), "scope": None}, uploader="李四", expected=1)
    with pytest.raises(V.VersionMoved) as moved:  # the preview said "replaces the sample": no longer true
        publish_file(engine, district_file(result, "章丘区"), expected=1)
    assert moved.value.version == 2 and moved.value.uploader == "李四"


def test_a_district_file_over_a_rollback_to_the_sample_replaces_the_whole_register(engine):
    result = load_workbook(SAMPLE)
    seed_sample(engine, result)
    publish_file(engine, {**district_file(result, "历城区"), "scope": None}, expected=1)
    V.rollback(engine, 1, "李四")  # the sample is current again
    version = publish_file(engine, district_file(result, "章丘区"), expected=3)
    assert set(V.version_projects(engine, version.id)["district"]) == {"章丘区"} and not version.sample
