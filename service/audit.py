"""The audit trail: one row per sign-in, upload attempt, publish, rollback, export, settings or account change.

Rows are written with the connection of the change they record, so both commit or neither does; the
trail is append-only (this module offers no update or delete, and no page does either).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

from sqlalchemy import Connection, insert

from store.schema import audit_log

OK, REFUSED, FAILED = "ok", "refused", "failed"
# Audited events beyond the permission-checked actions of ``service.roles``.
SIGN_IN, SIGN_OUT, CHANGE_PASSWORD = "sign_in", "sign_out", "change_password"


def record(
    conn: Connection,
    account: str,
    action: str,
    outcome: str = OK,
    target: str = "",
    detail: Mapping[str, object] | None = None,
    address: str = "",
) -> None:
    """Append one audit row inside ``conn``'s transaction (``detail`` must be JSON-able and hold no secret)."""
    conn.execute(
        insert(audit_log).values(
            at=dt.datetime.now(dt.UTC),
            account=account[:100],
            action=action,
            outcome=outcome,
            target=target,
            detail=dict(detail or {}),
            address=address[:64],
        )
    )
