"""The database tables, declared once with SQLAlchemy Core (the migrations create exactly these).

A version is immutable: its rows, its file and its issues are written once, in the transaction that
publishes it. The single-row ``current_version`` table is the pointer the dashboard follows.
"""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Column,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
    false,
)

from housing.register import COUNT, DATE, STORED, TEXT

metadata = MetaData()
# The SQL type of each kind of register field (areas and amounts are floats: m², yuan).
_SQL_TYPES = {TEXT: Text, COUNT: Integer, DATE: Date}
_NARROW = {"stage_id": String(32)}  # a stage id is a short code

files = Table(
    "files",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("sha256", String(64), nullable=False, index=True),
    Column("size", Integer, nullable=False),
    Column("content", LargeBinary, nullable=False),
)

versions = Table(
    "versions",
    metadata,
    # Assigned as max + 1 under the pointer lock, so numbers have no gaps even when a publish fails.
    Column("id", Integer, primary_key=True, autoincrement=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("uploader", String(100), nullable=False),
    Column("filename", String(255), nullable=False),
    Column("file_id", Integer, ForeignKey("files.id"), nullable=False),
    Column("sha256", String(64), nullable=False, index=True),
    Column("comment", Text, nullable=False, default=""),
    Column("source", String(16), nullable=False),  # upload | rollback | sample
    # Holds the bundled sample's rows (the seeded sample, or a rollback to it): banners and exports say so.
    Column("sample", Boolean, nullable=False, default=False, server_default=false()),
    Column("parent_id", Integer, nullable=True),  # the version that was current when this one was published
    Column("restored_from", Integer, nullable=True),  # for a rollback: the version whose rows it republished
    Column("projects", Integer, nullable=False),
    Column("households", Integer, nullable=False),
    Column("floor_area_m2", Float, nullable=False),
    Column("issues", JSON, nullable=False),
    Column("summary", JSON, nullable=False),
)

# One column per stored register field (``housing.register``), between the keys and the row's location.
project_rows = Table(
    "project_rows",
    metadata,
    Column("version_id", Integer, ForeignKey("versions.id"), primary_key=True),
    Column("position", Integer, primary_key=True, autoincrement=False),
    *(Column(f.name, _NARROW.get(f.name, _SQL_TYPES.get(f.kind, Float)), nullable=not f.required) for f in STORED),
    Column("sheet", Text),
    Column("row", Integer),
)

current_version = Table(
    "current_version",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=False),
    Column("version_id", Integer, ForeignKey("versions.id"), nullable=True),
    Column("updated_at", DateTime(timezone=True), nullable=True),
    CheckConstraint("id = 1", name="ck_current_version_single_row"),
)

stage_dates = Table(
    "stage_dates",
    metadata,
    Column("version_id", Integer, ForeignKey("versions.id"), primary_key=True),
    Column("position", Integer, primary_key=True, autoincrement=False),
    Column("name", Text, nullable=False),
    Column("district", Text),
    Column("stage_id", String(32), nullable=False),
    Column("planned", Date),
    Column("actual", Date),
    Column("sheet", Text),
    Column("row", Integer),
)

# Settings changed in the app (rule thresholds): appended, never updated, so who changed what stays known.
settings_log = Table(
    "settings_log",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("key", String(64), nullable=False, index=True),
    Column("value", JSON, nullable=False),
    Column("changed_at", DateTime(timezone=True), nullable=False),
    Column("changed_by", String(100), nullable=False),
)

# Columns of project_rows that carry a project field (the rest locate the row in its version).
PROJECT_FIELDS: tuple[str, ...] = tuple(
    c.name for c in project_rows.columns if c.name not in ("version_id", "position")
)
DATE_FIELDS: tuple[str, ...] = tuple(f.name for f in STORED if f.kind == DATE)
STAGE_DATE_FIELDS: tuple[str, ...] = tuple(
    c.name for c in stage_dates.columns if c.name not in ("version_id", "position")
)
