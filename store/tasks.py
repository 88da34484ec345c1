"""Supervision tasks (督办事项) in the database: raised once, then each step of the 1-3-7 clock recorded once.

Writes take the caller's connection (``*_in``) so the service's audit row commits with them. A step is
recorded only while it is empty (``advance_in`` never overwrites a time stamp, so a double click cannot move
a step's time). What the steps mean and when they are late is ``housing.tasks``.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
from sqlalchemy import Connection, Engine, func, insert, select, update

from housing.tasks import CLOCKED, COLUMNS, TIME_COLUMNS
from store.schema import accounts, tasks

NOTED: frozenset[str] = frozenset({"replied", "done"})  # steps that carry a note (the reply, what was done)
WRITABLE: frozenset[str] = frozenset(COLUMNS) - {"id"}


class StepTaken(Exception):
    """The step was recorded already (another click or another user got there first), or the task is gone."""


def tasks_frame(engine: Engine, districts: tuple[str, ...] = ()) -> pd.DataFrame:
    """Every task (``housing.tasks.COLUMNS``, then ``assignee_name``: the assignee's display name, else the
    username), oldest first, times as UTC; ``districts``: only theirs (empty: all)."""
    shown = func.coalesce(func.nullif(accounts.c.display_name, ""), tasks.c.assignee).label("assignee_name")
    query = (
        select(*[tasks.c[name] for name in COLUMNS], shown)
        .select_from(tasks.outerjoin(accounts, accounts.c.username == tasks.c.assignee))
        .order_by(tasks.c.raised_at, tasks.c.id)
    )
    if districts:
        query = query.where(tasks.c.district.in_(districts))
    with engine.connect() as conn:
        frame = pd.DataFrame(conn.execute(query).all(), columns=[*COLUMNS, "assignee_name"])
    for name in TIME_COLUMNS:  # SQLite gives naive datetimes, stored as UTC
        frame[name] = pd.to_datetime(frame[name], utc=True)
    return frame.astype({"id": "int64"})


def task_in(conn: Connection, task_id: int) -> dict | None:
    """One task as a dictionary of ``COLUMNS`` (times aware, UTC), or ``None`` when there is no such task."""
    row = conn.execute(select(*[tasks.c[name] for name in COLUMNS]).where(tasks.c.id == task_id)).mappings().first()
    if row is None:
        return None
    found = dict(row)
    for name in TIME_COLUMNS:
        value = found[name]
        if isinstance(value, dt.datetime) and value.tzinfo is None:
            found[name] = value.replace(tzinfo=dt.UTC)
    return found


def insert_task_in(conn: Connection, **fields) -> int:
    """Insert a task with ``fields`` (names of ``COLUMNS``; at least title, unit, assignee, raised_by,
    raised_at, source) inside the caller's transaction; returns its id."""
    unknown = set(fields) - WRITABLE
    if unknown:
        raise TypeError(f"not a task column: {sorted(unknown)}")
    return int(conn.execute(insert(tasks).values(**fields).returning(tasks.c.id)).scalar_one())


def advance_in(conn: Connection, task_id: int, step: str, by: str, at: dt.datetime, note: str = "") -> None:
    """Record ``step`` (acknowledged / replied / done) of task ``task_id`` at ``at`` by ``by``, with ``note``
    for a reply or what was done. ``StepTaken`` when that step is recorded already (nothing is changed)."""
    if step not in CLOCKED:
        raise ValueError(f"not a step with a time: {step!r}")
    values: dict = {f"{step}_at": at, f"{step}_by": by}
    if step in NOTED:
        values[f"{step}_note"] = note
    column = tasks.c[f"{step}_at"]
    done = conn.execute(update(tasks).where(tasks.c.id == task_id, column.is_(None)).values(**values))
    if done.rowcount != 1:
        raise StepTaken(task_id, step)


def recent_task_in(conn: Connection, fields: dict, since: dt.datetime) -> int | None:
    """The id of a task raised at or after ``since`` by the same account with the same title, unit, assignee
    and project (a double submit of the same form), or ``None``."""
    same = [tasks.c[name].is_(None) if fields.get(name) is None else tasks.c[name] == fields[name] for name in _SAME]
    query = select(tasks.c.id).where(*same, tasks.c.raised_at >= since).order_by(tasks.c.id).limit(1)
    return conn.scalar(query)


_SAME = ("title", "unit", "assignee", "project", "district", "raised_by")


def assignable_in(conn: Connection) -> set[str]:
    """The usernames a task may be given to: every account that is not disabled."""
    return set(conn.scalars(select(accounts.c.username).where(accounts.c.disabled.is_(False))))


def assignable(engine: Engine) -> pd.DataFrame:
    """The accounts a task may be given to (username, display_name, role, districts), by username."""
    c = accounts.c
    query = select(c.username, c.display_name, c.role, c.districts).where(c.disabled.is_(False)).order_by(c.username)
    with engine.connect() as conn:
        return pd.DataFrame(conn.execute(query).all(), columns=["username", "display_name", "role", "districts"])


def tasks_stamp(engine: Engine) -> tuple:
    """What changes whenever a task is raised or a step recorded (a cache key for pages and briefings)."""
    c = tasks.c
    query = select(func.count(), func.max(c.id), *(func.max(c[f"{step}_at"]) for step in CLOCKED))
    with engine.connect() as conn:
        row = conn.execute(query).one()
    return tuple(str(value) for value in row)
