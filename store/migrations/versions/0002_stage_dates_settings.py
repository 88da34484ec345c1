"""Per-stage planned and actual dates of each version, and the settings log (rule thresholds).

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-21
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Add ``stage_dates`` (one row per project and stage, per version) and ``settings_log``."""
    op.create_table(
        "stage_dates",
        sa.Column("version_id", sa.Integer, sa.ForeignKey("versions.id"), primary_key=True),
        sa.Column("position", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("name", sa.Text, nullable=False),
        sa.Column("district", sa.Text),
        sa.Column("stage_id", sa.String(32), nullable=False),
        sa.Column("planned", sa.Date),
        sa.Column("actual", sa.Date),
        sa.Column("sheet", sa.Text),
        sa.Column("row", sa.Integer),
    )
    op.create_table(
        "settings_log",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("key", sa.String(64), nullable=False),
        sa.Column("value", sa.JSON, nullable=False),
        sa.Column("changed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("changed_by", sa.String(100), nullable=False),
    )
    op.create_index("ix_settings_log_key", "settings_log", ["key"])


def downgrade() -> None:
    """Drop the two tables."""
    op.drop_table("settings_log")
    op.drop_table("stage_dates")
