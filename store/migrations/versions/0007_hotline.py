"""12345 hotline tickets and the user's assignments of tickets to projects.

Revision ID: 0007
Revises: 0005 (the lead re-chains this onto 0006 when the supervision tasks' migration is merged)
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Create ``hotline_tickets`` and ``hotline_assignments``."""
    op.create_table(
        "hotline_tickets",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("ticket_no", sa.String(64), nullable=False, unique=True),
        sa.Column("received", sa.DateTime, nullable=False),
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("district", sa.Text, nullable=True),
        sa.Column("replied", sa.Boolean, nullable=False),
        sa.Column("replied_at", sa.DateTime, nullable=True),
        sa.Column("satisfaction", sa.String(16), nullable=True),
        sa.Column("project_district", sa.Text, nullable=True),
        sa.Column("project_name", sa.Text, nullable=True),
        sa.Column("match", sa.String(16), nullable=False),
        sa.Column("uploaded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("uploaded_by", sa.String(100), nullable=False),
        sa.Column("filename", sa.String(255), nullable=False),
    )
    op.create_index("ix_hotline_tickets_received", "hotline_tickets", ["received"])
    op.create_table(
        "hotline_assignments",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("kind", sa.String(8), nullable=False),
        sa.Column("key", sa.Text, nullable=False),
        sa.Column("project_district", sa.Text, nullable=True),
        sa.Column("project_name", sa.Text, nullable=False),
        sa.Column("assigned_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("assigned_by", sa.String(100), nullable=False),
    )


def downgrade() -> None:
    """Drop both tables."""
    op.drop_table("hotline_assignments")
    op.drop_index("ix_hotline_tickets_received", "hotline_tickets")
    op.drop_table("hotline_tickets")
