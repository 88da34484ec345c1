"""Opening the database: which URL, how SQLite is set up for concurrent writers, and the migrations.

The URL comes from ``DATABASE_URL``, then ``DATABASE_URL`` in ``.streamlit/secrets.toml``, then a SQLite
file under ``data/`` (created on first start). SQLite runs in WAL mode (readers never wait for a writer)
with a busy timeout, and write transactions start with ``BEGIN IMMEDIATE`` so two publishes queue for the
write lock instead of failing half-way with "database is locked".
"""

from __future__ import annotations

import os
import sqlite3
import threading
import time
import tomllib
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Engine, create_engine, event, text

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_SQLITE = ROOT / "data" / "resettle.db"
SECRETS = ROOT / ".streamlit" / "secrets.toml"
BUSY_TIMEOUT_S = 60  # a publish of 100,000 rows holds the write lock for a few seconds
WRITE = "resettle_write"  # execution option marking a connection whose transactions write

_engines: dict[str, Engine] = {}
_lock = threading.Lock()


def secret(name: str) -> str:
    """A secret from the environment, else from the gitignored ``.streamlit/secrets.toml``; empty if unset."""
    value = os.environ.get(name, "").strip()
    if not value and SECRETS.is_file():
        value = str(tomllib.loads(SECRETS.read_text("utf-8")).get(name, "")).strip()
    return value


def database_url() -> str:
    """The configured database: environment, then secrets.toml, then the bundled SQLite file."""
    return secret("DATABASE_URL") or f"sqlite:///{DEFAULT_SQLITE}"


def _sqlite_setup(engine: Engine) -> None:
    """WAL, busy timeout, foreign keys; and BEGIN IMMEDIATE for writers, plain BEGIN for readers."""

    @event.listens_for(engine, "connect")
    def _connect(dbapi_connection, _record) -> None:
        # Let SQLAlchemy's "begin" event below issue BEGIN itself (pysqlite would defer it to the first write).
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_S * 1000}")
        _wal(cursor)
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA synchronous=NORMAL")  # safe in WAL mode: a crash loses no committed version
        cursor.close()

    @event.listens_for(engine, "begin")
    def _begin(conn: Connection) -> None:
        conn.exec_driver_sql("BEGIN IMMEDIATE" if conn.get_execution_options().get(WRITE) else "BEGIN")


def _wal(cursor) -> None:
    """Put the database in WAL mode (it stays so: later connections find it set). Switching needs the file to
    itself, and SQLite answers "database is locked" at once, busy timeout or not, while another process holds
    it (several app processes starting on a new file, one of them migrating): so wait and try again."""
    deadline = time.monotonic() + BUSY_TIMEOUT_S
    while True:
        try:
            if cursor.execute("PRAGMA journal_mode").fetchone()[0].lower() != "wal":
                cursor.execute("PRAGMA journal_mode=WAL")
            return
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) or time.monotonic() > deadline:
                raise
            time.sleep(0.05)


def make_engine(url: str) -> Engine:
    """A new engine for ``url``, with the SQLite settings above when it is SQLite."""
    if url.startswith("sqlite"):
        path = url.split("///", 1)[-1]
        if path and path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"timeout": BUSY_TIMEOUT_S, "check_same_thread": False})
        _sqlite_setup(engine)
        return engine
    return create_engine(url, pool_pre_ping=True)


def _alembic_config(connection: Connection) -> Config:
    config = Config()
    config.set_main_option("script_location", str(ROOT / "store" / "migrations"))
    config.attributes["connection"] = connection
    return config


# Key of the PostgreSQL advisory lock serialising migrations ("resettle" in ASCII, a fixed 63-bit number).
MIGRATION_LOCK = int.from_bytes(b"resettle", "big")


def migrate(engine: Engine) -> None:
    """Upgrade the schema to the newest migration (creates it on an empty database).

    Safe when several app processes start at once: they migrate one after the other, and the later ones
    find the schema at head. SQLite serialises them by ``BEGIN IMMEDIATE``; PostgreSQL by an advisory lock
    held until the migration transaction ends (without it two processes both CREATE the tables and one fails).
    """
    with writing(engine) as conn:
        if conn.dialect.name == "postgresql":
            conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": MIGRATION_LOCK})
        command.upgrade(_alembic_config(conn), "head")


def schema_revision(engine: Engine) -> str | None:
    """The migration the database is at (``None`` before the first)."""
    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def head_revision() -> str | None:
    """The newest migration in the code."""
    config = Config()
    config.set_main_option("script_location", str(ROOT / "store" / "migrations"))
    return ScriptDirectory.from_config(config).get_current_head()


def open_database(url: str | None = None) -> Engine:
    """The engine for ``url`` (default: the configured one), migrated once per process."""
    url = url or database_url()
    with _lock:
        if url not in _engines:
            engine = make_engine(url)
            migrate(engine)
            _engines[url] = engine
        return _engines[url]


@contextmanager
def writing(engine: Engine) -> Iterator[Connection]:
    """A connection in one write transaction: committed when the block ends, rolled back if it raises."""
    with engine.connect() as conn:
        conn.execution_options(**{WRITE: True})
        with conn.begin():
            yield conn
