"""Opening the database: the configured URL, the SQLite settings, and migrations matching the tables."""

from __future__ import annotations

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import text

from store import db
from store.schema import metadata


def test_url_from_environment_then_secrets_then_sqlite_default(monkeypatch, tmp_path):
    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.setattr(db, "SECRETS", tmp_path / "secrets.toml")
    assert db.database_url() == f"sqlite:///{db.DEFAULT_SQLITE}"
    (tmp_path / "secrets.toml").write_text('DATABASE_URL = "postgresql+psycopg://u:p@h/d"\n')
    assert db.database_url() == "postgresql+psycopg://u:p@h/d"
    monkeypatch.setenv("DATABASE_URL", "sqlite:///elsewhere.db")
    assert db.database_url() == "sqlite:///elsewhere.db"


def test_migrations_bring_an_empty_database_to_head(engine):
    assert db.schema_revision(engine) == db.head_revision()


def test_migrated_schema_matches_the_declared_tables(engine):
    with engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), metadata)
    assert diff == []


def test_migrating_twice_is_harmless(engine):
    db.migrate(engine)
    assert db.schema_revision(engine) == db.head_revision()


def test_sqlite_runs_in_wal_mode_with_a_busy_timeout(tmp_path):
    engine = db.open_database(f"sqlite:///{tmp_path / 'x' / 'new.db'}")  # creates the folder too
    with engine.connect() as conn:
        assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert conn.execute(text("PRAGMA busy_timeout")).scalar() == db.BUSY_TIMEOUT_S * 1000
        assert conn.execute(text("PRAGMA foreign_keys")).scalar() == 1


def test_open_database_migrates_once_and_reuses_the_engine(tmp_path):
    url = f"sqlite:///{tmp_path / 'once.db'}"
    assert db.open_database(url) is db.open_database(url)


def test_sqlite_writes_begin_immediate_and_reads_do_not(tmp_path):
    from sqlalchemy import event

    engine = db.make_engine(f"sqlite:///{tmp_path / 'begin.db'}")
    seen: list[str] = []
    event.listen(engine, "before_cursor_execute", lambda *args: seen.append(args[2]))
    with db.writing(engine) as conn:
        conn.execute(text("CREATE TABLE t (x INTEGER)"))
    with engine.connect() as conn:
        conn.execute(text("SELECT 1")).scalar()
    assert [s for s in seen if s.startswith("BEGIN")] == ["BEGIN IMMEDIATE", "BEGIN"]


def test_upgrading_marks_the_versions_that_hold_sample_rows(db_url):
    """A database at 0002 with a seeded sample, an upload, rollbacks and a district file merged onto the
    sample: after the upgrade exactly the versions holding sample rows are marked."""
    import datetime as dt

    from alembic import command
    from sqlalchemy import column, insert, select, table

    from store.schema import files, versions

    engine = db.make_engine(db_url)
    with db.writing(engine) as conn:
        command.upgrade(db._alembic_config(conn), "0002")
    history = [  # id, source, parent, restored_from, scope -> holds sample rows
        (1, "sample", None, None, None, True),
        (2, "upload", 1, None, ["章丘区"], True),  # merged onto the sample: its other districts are the sample's
        (3, "upload", 2, None, None, False),
        (4, "rollback", 3, 2, None, True),
        (5, "rollback", 4, 3, None, False),
        (6, "upload", 5, None, ["历城区"], False),
    ]
    now = dt.datetime(2026, 12, 1, tzinfo=dt.UTC)
    # The table as it was at 0002 (the declared one has ``sample``, whose default an insert would send).
    at_0002 = table("versions", *[column(c.name, c.type) for c in versions.columns if c.name != "sample"])
    with engine.begin() as conn:
        conn.execute(insert(files).values(id=1, sha256="0" * 64, size=1, content=b"x"))
        for version_id, source, parent, restored, scope, _ in history:
            summary = {"scope": scope} if scope else {}
            values = dict(uploader="张三", filename="f.xlsx", file_id=1, sha256="0" * 64, comment="", source=source)
            values |= dict(projects=0, households=0, floor_area_m2=0.0, issues=[], summary=summary)
            row = dict(id=version_id, created_at=now, parent_id=parent, restored_from=restored, **values)
            conn.execute(insert(at_0002).values(**row))
    db.migrate(engine)
    with engine.connect() as conn:
        marked = dict(conn.execute(select(versions.c.id, versions.c.sample)).all())
    assert marked == {row[0]: row[5] for row in history}


@pytest.mark.parametrize("held", ["BEGIN IMMEDIATE", "BEGIN EXCLUSIVE"])
def test_a_new_connection_waits_to_switch_to_wal_while_another_process_writes(tmp_path, held):
    """Several app processes starting on a new SQLite file: one migrates (holding the write lock) while another
    connects. Switching to WAL then answered "database is locked" at once, whatever the busy timeout."""
    import sqlite3
    import threading

    from store.db import make_engine

    path = tmp_path / "new.db"
    writer = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    writer.execute("CREATE TABLE t (x)")
    writer.execute(held)
    threading.Timer(0.5, lambda: writer.execute("COMMIT")).start()
    engine = make_engine(f"sqlite:///{path}")
    try:
        with engine.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
    finally:
        engine.dispose()
        writer.close()
