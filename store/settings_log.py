"""Settings changed in the app (the at-risk rule thresholds), kept with the data as an append-only log.

The newest entry for a key is its value; older entries stay so who changed what, and when, is known.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
from sqlalchemy import Connection, Engine, insert, select

from store.db import writing
from store.schema import settings_log

RULE_THRESHOLDS = "rule_thresholds"


def load_setting(engine: Engine, key: str):
    """The newest stored value for ``key``, or ``None`` when it was never saved."""
    query = select(settings_log.c.value).where(settings_log.c.key == key).order_by(settings_log.c.id.desc()).limit(1)
    with engine.connect() as conn:
        return conn.scalar(query)


def save_setting(engine: Engine, key: str, value, changed_by: str) -> None:
    """Store a new value for ``key`` (JSON-serialisable), with who changed it and when."""
    with writing(engine) as conn:
        save_setting_in(conn, key, value, changed_by)


def save_setting_in(conn: Connection, key: str, value, changed_by: str) -> None:
    """``save_setting`` inside the caller's write transaction (so an audit row commits with it)."""
    row = {"key": key, "value": value, "changed_at": dt.datetime.now(dt.UTC), "changed_by": changed_by.strip()[:100]}
    conn.execute(insert(settings_log).values(**row))


def setting_log(engine: Engine, key: str) -> pd.DataFrame:
    """Every stored value of ``key``, newest first: changed_at (UTC), changed_by, value."""
    query = (
        select(settings_log.c.changed_at, settings_log.c.changed_by, settings_log.c.value)
        .where(settings_log.c.key == key)
        .order_by(settings_log.c.id.desc())
    )
    with engine.connect() as conn:
        frame = pd.DataFrame(conn.execute(query).all(), columns=["changed_at", "changed_by", "value"])
    frame["changed_at"] = pd.to_datetime(frame["changed_at"], utc=True)
    return frame
