"""Storing 12345 hotline tickets and the user's assignments (tables in ``store.schema``).

Writes take the caller's connection (``*_in``), so the service commits them with their audit row.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

import pandas as pd
from sqlalchemy import Connection, Engine, bindparam, func, insert, select, update

from housing import hotline as H
from store.schema import hotline_assignments, hotline_tickets

CHUNK = 500  # ticket numbers per IN list (SQLite allows 999 parameters, PostgreSQL far more)
_FIELDS = tuple(H.TICKET_DTYPES)[:-2] + tuple(H.MATCH_DTYPES)  # sheet and row locate a row in a file only


@dataclass(frozen=True)
class Saved:
    """What a save did: tickets new to the store and tickets already there (updated in place)."""

    new: int
    updated: int


def _chunks(values: list, size: int = CHUNK) -> Iterable[list]:
    for start in range(0, len(values), size):
        yield values[start : start + size]


def existing_in(conn: Connection, numbers: list[str]) -> dict[str, tuple[str | None, str | None]]:
    """The stored tickets among ``numbers``: ticket number → (project district, project name)."""
    c = hotline_tickets.c
    found: dict[str, tuple[str | None, str | None]] = {}
    for part in _chunks(numbers):
        query = select(c.ticket_no, c.project_district, c.project_name).where(c.ticket_no.in_(part))
        found.update({n: (d, p) for n, d, p in conn.execute(query).all()})
    return found


def _plain(value):
    """A frame cell as the database takes it (``None`` for every kind of missing, datetimes as Python's)."""
    if value is None or value is pd.NA or value is pd.NaT or (isinstance(value, float) and value != value):
        return None
    if isinstance(value, pd.Timestamp):
        return value.to_pydatetime()
    return value


def save_tickets_in(conn: Connection, tickets: pd.DataFrame, uploader: str, filename: str) -> Saved:
    """Insert the tickets new to the store and update those already there (ticket number unique), with their
    matches (``project_district``, ``project_name``, ``match`` columns of ``tickets``)."""
    rows = [
        {name: _plain(v) for name, v in zip(_FIELDS, values, strict=True)}
        for values in tickets[list(_FIELDS)].itertuples(index=False, name=None)
    ]
    for row in rows:
        row["text"] = row["text"] or ""
        row["replied"] = bool(row["replied"])
    known = existing_in(conn, [r["ticket_no"] for r in rows])
    now = dt.datetime.now(dt.UTC)
    stamp = {"uploaded_at": now, "uploaded_by": uploader[:100], "filename": filename[:255]}
    new = [{**r, **stamp} for r in rows if r["ticket_no"] not in known]
    old = [{**r, "number": r["ticket_no"]} for r in rows if r["ticket_no"] in known]
    if new:
        conn.execute(insert(hotline_tickets), new)
    if old:
        c = hotline_tickets.c
        changed: dict[str, object] = {name: bindparam(name) for name in _FIELDS if name != "ticket_no"}
        conn.execute(update(hotline_tickets).where(c.ticket_no == bindparam("number")).values(**changed), old)
    return Saved(len(new), len(old))


def assign_in(conn: Connection, numbers: list[str], district: str | None, name: str) -> int:
    """Set the project of the tickets ``numbers`` (marked ``assigned``); returns how many were changed."""
    c = hotline_tickets.c
    total = 0
    for part in _chunks(numbers):
        statement = update(hotline_tickets).where(c.ticket_no.in_(part))
        total += conn.execute(statement.values(project_district=district, project_name=name, match=H.ASSIGNED)).rowcount
    return total


def remember_in(conn: Connection, kind: str, keys: list[str], district: str | None, name: str, by: str) -> None:
    """Append assignments (``kind`` ``ticket`` or ``text``) of ``keys`` to the project district + name."""
    now = dt.datetime.now(dt.UTC)
    rows = [
        {"kind": kind, "key": k, "project_district": district, "project_name": name}
        | {"assigned_at": now, "assigned_by": by[:100]}
        for k in dict.fromkeys(keys)
    ]
    if rows:
        conn.execute(insert(hotline_assignments), rows)


def assignments_in(conn: Connection) -> pd.DataFrame:
    """Every remembered assignment, oldest first: ``kind``, ``key``, ``district``, ``name``."""
    c = hotline_assignments.c
    query = select(c.kind, c.key, c.project_district, c.project_name).order_by(c.id)
    return pd.DataFrame(conn.execute(query).all(), columns=["kind", "key", "district", "name"])


def assignments(engine: Engine) -> pd.DataFrame:
    """``assignments_in`` on a connection of its own."""
    with engine.connect() as conn:
        return assignments_in(conn)


def tickets(engine: Engine) -> pd.DataFrame:
    """Every stored ticket with its match, oldest received first (``TICKET_DTYPES`` without sheet and row,
    plus ``MATCH_DTYPES``)."""
    c = hotline_tickets.c
    query = select(*(c[name] for name in _FIELDS)).order_by(c.received, c.id)
    with engine.connect() as conn:
        frame = pd.DataFrame(conn.execute(query).all(), columns=list(_FIELDS))
    types = {**H.TICKET_DTYPES, **H.MATCH_DTYPES}
    return frame.astype({name: types[name] for name in _FIELDS})


def stamp(engine: Engine) -> tuple[int, str]:
    """What changes whenever tickets do (their count and latest upload time): a cache key for pages."""
    c = hotline_tickets.c
    with engine.connect() as conn:
        count, latest = conn.execute(select(func.count(), func.max(c.uploaded_at))).one()
        assigned = conn.scalar(select(func.count()).select_from(hotline_assignments))
    return int(count), f"{latest}|{assigned}"
