"""Reading the audit trail: filtered, newest first, a page at a time. Read-only by design.

Rows are appended by ``service.audit.record`` in the transaction of the change they record; nothing here
(or anywhere in the app) updates or deletes them.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pandas as pd
from sqlalchemy import Engine, Select, func, select

from store.schema import audit_log

COLUMNS: tuple[str, ...] = ("id", "at", "account", "action", "outcome", "target", "detail", "address")


@dataclass(frozen=True)
class AuditFilter:
    """Which rows to show: one account, some actions and outcomes (empty: all), a time range in UTC
    (``since`` inclusive, ``before`` exclusive; ``None``: open)."""

    account: str | None = None
    actions: tuple[str, ...] = ()
    outcomes: tuple[str, ...] = ()
    since: dt.datetime | None = None
    before: dt.datetime | None = None


def _where(query: Select, wanted: AuditFilter) -> Select:
    """``query`` limited to the rows ``wanted`` names."""
    c = audit_log.c
    if wanted.account is not None:
        query = query.where(c.account == wanted.account)
    if wanted.actions:
        query = query.where(c.action.in_(wanted.actions))
    if wanted.outcomes:
        query = query.where(c.outcome.in_(wanted.outcomes))
    if wanted.since is not None:
        query = query.where(c.at >= wanted.since)
    if wanted.before is not None:
        query = query.where(c.at < wanted.before)
    return query


def count_audit(engine: Engine, wanted: AuditFilter) -> int:
    """How many rows match."""
    with engine.connect() as conn:
        return int(conn.scalar(_where(select(func.count()).select_from(audit_log), wanted)) or 0)


def audit_rows(engine: Engine, wanted: AuditFilter, offset: int = 0, limit: int | None = 50) -> pd.DataFrame:
    """Matching rows, newest first (``at`` in UTC), from ``offset``; at most ``limit`` (``None``: all)."""
    query = _where(select(*[audit_log.c[n] for n in COLUMNS]), wanted)
    query = query.order_by(audit_log.c.at.desc(), audit_log.c.id.desc()).offset(max(offset, 0)).limit(limit)
    with engine.connect() as conn:
        frame = pd.DataFrame(conn.execute(query).all(), columns=list(COLUMNS))
    frame["at"] = pd.to_datetime(frame["at"], utc=True)  # SQLite gives naive datetimes, stored as UTC
    return frame


def audit_values(engine: Engine, column: str) -> list[str]:
    """Every value of ``column`` (``account`` or ``action``) in the trail, sorted: what a filter offers."""
    query = select(audit_log.c[column]).distinct().order_by(audit_log.c[column])
    with engine.connect() as conn:
        return list(conn.scalars(query))
