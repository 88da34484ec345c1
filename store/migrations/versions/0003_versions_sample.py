"""Whether a version holds the bundled sample data: ``versions.sample``.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def sample_ids(rows: list[tuple[int, str, int | None, int | None, dict | None]]) -> set[int]:
    """The versions holding sample rows, from (id, source, parent_id, restored_from, summary) in id order.

    The seeded sample itself; a rollback restoring one of them; an upload that replaced only some districts
    of one of them (its other districts' rows are the sample's). A referenced version always has a smaller
    id, so one pass in id order sees it first.
    """
    found: set[int] = set()
    for version_id, source, parent_id, restored_from, summary in rows:
        scoped = bool((summary or {}).get("scope"))
        if (
            source == "sample"
            or (source == "rollback" and restored_from in found)
            or (source == "upload" and scoped and parent_id in found)
        ):
            found.add(version_id)
    return found


def upgrade() -> None:
    """Add the column (false for every version) and mark the versions that hold sample rows."""
    op.add_column("versions", sa.Column("sample", sa.Boolean, nullable=False, server_default=sa.false()))
    versions = sa.table(
        "versions",
        sa.column("id", sa.Integer),
        sa.column("source", sa.String),
        sa.column("parent_id", sa.Integer),
        sa.column("restored_from", sa.Integer),
        sa.column("summary", sa.JSON),
        sa.column("sample", sa.Boolean),
    )
    conn = op.get_bind()
    query = sa.select(
        versions.c.id, versions.c.source, versions.c.parent_id, versions.c.restored_from, versions.c.summary
    )
    found = sample_ids([tuple(r) for r in conn.execute(query.order_by(versions.c.id))])
    if found:
        conn.execute(sa.update(versions).where(versions.c.id.in_(sorted(found))).values(sample=True))


def downgrade() -> None:
    """Drop the column."""
    with op.batch_alter_table("versions") as batch:
        batch.drop_column("sample")
