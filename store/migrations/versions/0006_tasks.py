"""Supervision tasks (督办事项) with the steps of their 1-3-7 clock.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Create ``tasks``."""
    op.create_table(
        "tasks",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("title", sa.Text, nullable=False),
        sa.Column("project", sa.Text, nullable=True),
        sa.Column("district", sa.Text, nullable=True),
        sa.Column("unit", sa.Text, nullable=False),
        sa.Column("assignee", sa.String(100), nullable=False),
        sa.Column("raised_by", sa.String(100), nullable=False),
        sa.Column("raised_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("acknowledged_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("acknowledged_by", sa.String(100), nullable=True),
        sa.Column("replied_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("replied_by", sa.String(100), nullable=True),
        sa.Column("replied_note", sa.Text, nullable=False, server_default=""),
        sa.Column("done_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("done_by", sa.String(100), nullable=True),
        sa.Column("done_note", sa.Text, nullable=False, server_default=""),
        sa.Column("source", sa.String(16), nullable=False),
    )
    for column in ("assignee", "raised_at"):
        op.create_index(f"ix_tasks_{column}", "tasks", [column])


def downgrade() -> None:
    """Drop ``tasks``."""
    op.drop_table("tasks")
