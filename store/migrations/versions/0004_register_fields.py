"""The register's new fields: flats, investment planned and completed, completion planned and actual, leader.

All optional (forms that lack them load as before), so older versions keep empty values.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

# Written out rather than imported from housing.register: a migration stays what it was when it ran.
NEW_COLUMNS = (
    ("flats", sa.Integer),
    ("investment_planned", sa.Float),
    ("investment_done", sa.Float),
    ("completion_planned", sa.Date),
    ("completion_actual", sa.Date),
    ("leader", sa.Text),
)


def upgrade() -> None:
    """Add the new columns to ``project_rows``, all nullable."""
    with op.batch_alter_table("project_rows") as batch:
        for name, kind in NEW_COLUMNS:
            batch.add_column(sa.Column(name, kind, nullable=True))


def downgrade() -> None:
    """Drop the columns again."""
    with op.batch_alter_table("project_rows") as batch:
        for name, _ in reversed(NEW_COLUMNS):
            batch.drop_column(name)
