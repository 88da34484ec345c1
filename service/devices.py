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
import re
import secrets
from collections.abc import Mapping

from sqlalchemy import Engine, insert, select, update

from service import accounts as A
from service import audit
from service.roles import Actor
from store.db import writing
from store.devices import digest
from store.schema import accounts, device_sessions

COOKIE = "resettle_device"  # the browser cookie's name
REMEMBER = "remember_device"  # the audited action of choosing to stay signed in
DEVICE = "device"  # ``detail["method"]`` of a sign-in by a remembered device
_TOKEN = re.compile(r"[A-Za-z0-9_-]{43}")  # secrets.token_urlsafe(32): anything else is not ours
GONE, REVOKED, EXPIRED, DISABLED, LOCKED = "gone", "revoked", "expired", "disabled", "locked"


def _now() -> dt.datetime:
    """The time now, in UTC (tests move it to check expiry)."""
    return dt.datetime.now(dt.UTC)


def remember(engine: Engine, actor: Actor, days: float) -> str:
    """A new token that signs ``actor`` in on this device for ``days``; the caller puts it in the cookie."""
    token = secrets.token_urlsafe(32)
    now = _now()
    with writing(engine) as conn:
        values = {"token_hash": digest(token), "username": actor.username, "created_at": now}
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
        row = conn.execute(_by_token(token).with_for_update()).mappings().first()
        if row is None:
            return None
        found = conn.execute(select(accounts).where(accounts.c.username == row["username"])).mappings().first()
        account = A.row_account(found) if found else None
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
        conn.execute(update(accounts).where(accounts.c.username == account.username).values(last_sign_in=_now()))
        return account.actor(address)


def still_good(engine: Engine, token: str) -> bool:
    """Whether a token that already signed a session in still stands: not revoked (a sign-out or a password
    change elsewhere, a reset, a disable, a lock) and not expired. Read only, no audit row: asked when such a
    session has been idle longer than a session may be, which it outlives only while its token stands."""
    with engine.connect() as conn:
        found = conn.execute(_by_token(token)).mappings().first()
    return found is not None and not _token_refusal(found, _now())


def _by_token(token: str):
    return select(device_sessions).where(device_sessions.c.token_hash == digest(token))


def _refusal(row: Mapping, account: A.Account | None, now: dt.datetime) -> str:
    """Why a known token does not sign in, or ``""`` when it does (a locked account: as ``Account.locked``)."""
    if account is None:
        return GONE
    return _token_refusal(row, now) or (DISABLED if account.disabled else LOCKED if account.locked(now) else "")


def _token_refusal(row: Mapping, now: dt.datetime) -> str:
    """Why a known token no longer stands, whatever its account (revoked, expired), or ``""``."""
    if row["revoked_at"] is not None:
        return REVOKED
    expires = A.aware(row["expires_at"])  # never missing (NOT NULL); SQLite gives it back without its zone
    return EXPIRED if expires is None or expires <= now else ""
