"""Staying signed in on a device: a random token in a browser cookie stands for one account on one device for
a number of days (setting ``remember_days``), so a leader who reloads the page or opens a link from the group
chat is not asked for the password again.

Only the token's SHA-256 is stored; the token itself exists in the browser's cookie and, once, in the answer
of ``remember``. A token is refused when it is unknown, expired or revoked, or its account is gone, disabled
or locked; it is revoked at sign-out on that device, and every token of an account is revoked when its
password changes or is reset, or the account is disabled or locked. Every use and refusal is an audit row
(a sign-in by ``device``), written in the same transaction as the change it records.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import secrets
from collections.abc import Mapping

from sqlalchemy import Connection, Engine, insert, select, update

from service import audit
from service.roles import Actor
from store.db import writing
from store.schema import accounts, device_sessions

COOKIE = "resettle_device"  # the browser cookie's name
REMEMBER = "remember_device"  # the audited action of choosing to stay signed in
DEVICE = "device"  # ``detail["method"]`` of a sign-in by a remembered device
_TOKEN = re.compile(r"[A-Za-z0-9_-]{43}")  # secrets.token_urlsafe(32): anything else is not ours
GONE, REVOKED, EXPIRED, DISABLED, LOCKED = "gone", "revoked", "expired", "disabled", "locked"


def _now() -> dt.datetime:
    """The time now, in UTC (tests move it to check expiry)."""
    return dt.datetime.now(dt.UTC)


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode("ascii")).hexdigest()


def _aware(value: dt.datetime | None) -> dt.datetime | None:
    return None if value is None else _when(value)


def _when(value: dt.datetime) -> dt.datetime:
    # SQLite gives back naive times (stored in UTC); PostgreSQL aware ones
    return value.replace(tzinfo=dt.UTC) if value.tzinfo is None else value


def remember(engine: Engine, actor: Actor, days: float) -> str:
    """A new token that signs ``actor`` in on this device for ``days``; the caller puts it in the cookie."""
    token = secrets.token_urlsafe(32)
    now = _now()
    with writing(engine) as conn:
        values = {"token_hash": _digest(token), "username": actor.username, "created_at": now}
        values |= {"expires_at": now + dt.timedelta(days=days), "address": actor.address[:64]}
        conn.execute(insert(device_sessions).values(**values))
        audit.record(
            conn,
            actor.username,
            REMEMBER,
            target=f"account {actor.username}",
            detail={"days": days},
            address=actor.address,
        )
    return token


def resume(engine: Engine, token: str, address: str = "") -> Actor | None:
    """The account a device's token signs in, acting from ``address``; ``None`` when the token is not (or no
    longer) good. A token we never issued is ignored without an audit row (there is nobody to name)."""
    if not isinstance(token, str) or not _TOKEN.fullmatch(token):
        return None
    with writing(engine) as conn:
        row = (
            conn.execute(
                select(device_sessions).where(device_sessions.c.token_hash == _digest(token)).with_for_update()
            )
            .mappings()
            .first()
        )
        if row is None:
            return None
        account = conn.execute(select(accounts).where(accounts.c.username == row["username"])).mappings().first()
        reason = _refusal(row, account, _now())
        detail = {"method": DEVICE} | ({"reason": reason} if reason else {})
        outcome = audit.FAILED if reason else audit.OK
        audit.record(
            conn,
            row["username"],
            audit.SIGN_IN,
            outcome,
            target=f"account {row['username']}",
            detail=detail,
            address=address,
        )
        if reason or account is None:
            return None
        conn.execute(update(device_sessions).where(device_sessions.c.id == row["id"]).values(last_used_at=_now()))
        conn.execute(update(accounts).where(accounts.c.id == account["id"]).values(last_sign_in=_now()))
        return Actor(account["username"], account["role"], tuple(account["districts"] or ()), address)


def _refusal(row: Mapping, account: Mapping | None, now: dt.datetime) -> str:
    """Why a known token does not sign in, or ``""`` when it does."""
    locked_until = _aware(account["locked_until"]) if account is not None else None
    checks = (
        (account is None, GONE),
        (row["revoked_at"] is not None, REVOKED),
        (_when(row["expires_at"]) <= now, EXPIRED),
        (account is not None and bool(account["disabled"]), DISABLED),
        (locked_until is not None and locked_until > now, LOCKED),
    )
    return next((reason for failed, reason in checks if failed), "")


def forget(conn: Connection, username: str, token: str | None = None, keep: str | None = None) -> int:
    """Revoke one device's token (``token``) or every token of ``username`` but ``keep`` (the device making
    the change), inside the caller's transaction (the change that calls for it is audited there); how many
    were revoked."""
    query = update(device_sessions).where(
        device_sessions.c.username == username, device_sessions.c.revoked_at.is_(None)
    )
    if token is not None:
        query = query.where(device_sessions.c.token_hash == _digest(token))
    if keep is not None:
        query = query.where(device_sessions.c.token_hash != _digest(keep))
    return conn.execute(query.values(revoked_at=_now())).rowcount
