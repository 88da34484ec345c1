"""Versions: files, versions, their project rows, and the current-version pointer.

Revision ID: 0001
Revises:
Create Date: 2026-11-21
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Create the version tables and the pointer row (empty: nothing published yet)."""
    op.create_table(
        "files",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("size", sa.Integer, nullable=False),
        sa.Column("content", sa.LargeBinary, nullable=False),
    )
    op.create_index("ix_files_sha256", "files", ["sha256"])
    op.create_table(
        "versions",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("uploader", sa.String(100), nullable=False),
        sa.Column("filename", sa.String(255), nullable=False),
        sa.Column("file_id", sa.Integer, sa.ForeignKey("files.id"), nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("comment", sa.Text, nullable=False),
        sa.Column("source", sa.String(16), nullable=False),
        sa.Column("parent_id", sa.Integer, nullable=True),
        sa.Column("restored_from", sa.Integer, nullable=True),
        sa.Column("projects", sa.Integer, nullable=False),
        sa.Column("households", sa.Integer, nullable=False),
        sa.Column("floor_area_m2", sa.Float, nullable=False),
        sa.Column("issues", sa.JSON, nullable=False),
        sa.Column("summary", sa.JSON, nullable=False),
    )
    op.create_index("ix_versions_sha256", "versions", ["sha256"])
    op.create_table(
        "project_rows",
        sa.Column("version_id", sa.Integer, sa.ForeignKey("versions.id"), primary_key=True),
        sa.Column("position", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("name", sa.Text, nullable=False),
        sa.Column("district", sa.Text),
        sa.Column("street", sa.Text),
        sa.Column("households", sa.Integer),
        sa.Column("floor_area_m2", sa.Float),
        sa.Column("start", sa.Date),
        sa.Column("deadline", sa.Date),
        sa.Column("handed_over", sa.Date),
        sa.Column("stage", sa.Text),
        sa.Column("stage_id", sa.String(32)),
        sa.Column("progress", sa.Float),
        sa.Column("unit", sa.Text),
        sa.Column("notes", sa.Text),
        sa.Column("sheet", sa.Text),
        sa.Column("row", sa.Integer),
    )
    pointer = op.create_table(
        "current_version",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("version_id", sa.Integer, sa.ForeignKey("versions.id"), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint("id = 1", name="ck_current_version_single_row"),
    )
    # The pointer row exists from the start so a publish can always lock it (SELECT ... FOR UPDATE).
    op.bulk_insert(pointer, [{"id": 1, "version_id": None, "updated_at": None}])


def downgrade() -> None:
    """Drop everything this revision created."""
    for table in ("current_version", "project_rows", "versions", "files"):
        op.drop_table(table)
