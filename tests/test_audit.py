"""Reading the audit trail (``store.audit``): filters, newest first, pages. SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import update

from service.audit import FAILED, OK, REFUSED, record
from store.audit import AuditFilter, audit_rows, audit_values, count_audit
from store.db import writing
from store.schema import audit_log

DAY = dt.datetime(2026, 11, 20, tzinfo=dt.UTC)
# (account, action, outcome, hours after DAY): written in this order, ids 1..6.
ROWS = [
    ("张三", "upload", OK, 1),
    ("张三", "publish", OK, 2),
    ("李四", "publish", REFUSED, 3),
    ("admin", "save_settings", OK, 26),
    ("张三", "publish", FAILED, 27),
    ("admin", "export", OK, 50),
]


@pytest.fixture
def trail(engine):
    with writing(engine) as conn:
        for n, (account, action, outcome, hours) in enumerate(ROWS, start=1):
            record(conn, account, action, outcome, f"t{n}", {"n": n}, "10.0.0.1")
            at = DAY + dt.timedelta(hours=hours)
            conn.execute(update(audit_log).where(audit_log.c.id == n).values(at=at))
    return engine


@pytest.mark.parametrize(
    ("wanted", "targets"),
    [
        (AuditFilter(), ["t6", "t5", "t4", "t3", "t2", "t1"]),  # newest first
        (AuditFilter(account="张三"), ["t5", "t2", "t1"]),
        (AuditFilter(actions=("publish",)), ["t5", "t3", "t2"]),
        (AuditFilter(outcomes=(REFUSED, FAILED)), ["t5", "t3"]),
        (AuditFilter(account="张三", actions=("publish",), outcomes=(OK,)), ["t2"]),
        (AuditFilter(since=DAY + dt.timedelta(days=1)), ["t6", "t5", "t4"]),
        (AuditFilter(before=DAY + dt.timedelta(days=1)), ["t3", "t2", "t1"]),
        (AuditFilter(since=DAY + dt.timedelta(days=1), before=DAY + dt.timedelta(days=2)), ["t5", "t4"]),
        (AuditFilter(account="nobody"), []),
    ],
)
def test_filters(trail, wanted, targets):
    assert audit_rows(trail, wanted, limit=None)["target"].tolist() == targets
    assert count_audit(trail, wanted) == len(targets)


def test_pages_and_values(trail):
    pages = [audit_rows(trail, AuditFilter(), offset, 4)["target"].tolist() for offset in (0, 4)]
    assert pages == [["t6", "t5", "t4", "t3"], ["t2", "t1"]]
    row = audit_rows(trail, AuditFilter(), 0, 1).iloc[0]
    assert row["at"] == DAY + dt.timedelta(hours=50) and row["detail"] == {"n": 6} and row["address"] == "10.0.0.1"
    assert set(audit_values(trail, "account")) == {"admin", "张三", "李四"}
    assert audit_values(trail, "action") == ["export", "publish", "save_settings", "upload"]
