"""The ``device_sessions`` table (``service.devices``): a token is known by its SHA-256, never stored itself."""

from __future__ import annotations

import datetime as dt
import hashlib

from sqlalchemy import Connection, update

from store.schema import device_sessions


def digest(token: str) -> str:
    """The SHA-256 (hex) a token is stored and looked up by."""
    return hashlib.sha256(token.encode("ascii")).hexdigest()


def revoke(conn: Connection, username: str, token: str | None = None, keep: str | None = None) -> int:
    """Revoke one device's token (``token``) or every token of ``username`` but ``keep`` (the device making
    the change), inside the caller's transaction (the change that calls for it is audited there); how many
    were revoked."""
    query = update(device_sessions).where(
        device_sessions.c.username == username, device_sessions.c.revoked_at.is_(None)
    )
    if token is not None:
        query = query.where(device_sessions.c.token_hash == digest(token))
    if keep is not None:
        query = query.where(device_sessions.c.token_hash != digest(keep))
    return conn.execute(query.values(revoked_at=dt.datetime.now(dt.UTC))).rowcount
