"""Every write of the 12345 hotline: storing an export's tickets and assigning unmatched tickets to projects.

Both need the ``upload_hotline`` permission (editors and administrators) and write their audit row in the
same transaction (``service.actions._audited``). A district-limited editor stores only tickets of their
districts (by the matched project's district, else the export's own district column) and assigns only to
projects of their districts; a ticket already stored under another district's project is not theirs to change.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
from sqlalchemy import Connection, Engine

from housing import hotline as H
from service.actions import _audited, _refuse
from service.roles import UPLOAD_HOTLINE, Actor, Refused
from store import hotline as T


@dataclass(frozen=True)
class Stored:
    """What an upload stored: new tickets, tickets updated (already stored from an earlier export), and how
    many of the file's tickets are matched to a project (automatically or by a remembered assignment)."""

    new: int
    updated: int
    matched: int
    unmatched: int


def matched(conn_or_engine, tickets: pd.DataFrame, projects: pd.DataFrame) -> pd.DataFrame:
    """The tickets with their project: the automatic match with the remembered assignments over it."""
    remembered = (
        T.assignments_in(conn_or_engine) if isinstance(conn_or_engine, Connection) else T.assignments(conn_or_engine)
    )
    found = H.apply_assignments(tickets, H.match_tickets(tickets, projects), remembered)
    return pd.concat([tickets, found.astype(H.MATCH_DTYPES)], axis=1)


def _districts_of(frame: pd.DataFrame) -> set[str]:
    """The districts a set of tickets belongs to: the matched project's, else the export's own column."""
    own = frame["project_district"].fillna(frame[H.DISTRICT]) if H.DISTRICT in frame else frame["project_district"]
    return {str(d) for d in own.dropna().unique()}


def store_export(
    engine: Engine, actor: Actor, tickets: pd.DataFrame, projects: pd.DataFrame, filename: str, digest: str
) -> Stored:
    """Store an export's checked tickets, matched to ``projects`` (the current register) inside the write
    transaction with the assignments remembered then. A ticket number already stored is updated, never
    counted twice. Refused (and audited) without the permission, or for a limited editor when a ticket
    belongs to a district outside theirs."""

    def work(conn: Connection) -> tuple[Stored, str, dict]:
        found = matched(conn, tickets, projects)
        if actor.districts:
            stored = T.existing_in(conn, found[H.TICKET].astype(str).tolist())
            theirs = {str(d) for d, _ in stored.values() if d is not None}
            outside = sorted((_districts_of(found) | theirs) - set(actor.districts))
            if outside:
                raise Refused(UPLOAD_HOTLINE, "hl_refused_districts", districts=list(actor.districts), outside=outside)
        saved = T.save_tickets_in(conn, found, actor.username, filename)
        hits = int(found["project_name"].notna().sum())
        result = Stored(saved.new, saved.updated, hits, len(found) - hits)
        detail = {
            "file": filename[:255],
            "sha256": digest,
            "tickets_new": result.new,
            "tickets_updated": result.updated,
        }
        return result, filename[:255], {**detail, "matched": result.matched, "unmatched": result.unmatched}

    return _audited(engine, actor, UPLOAD_HOTLINE, filename[:255], work)


def assign(
    engine: Engine, actor: Actor, numbers: list[str], text: str, district: str | None, name: str, remember: bool = True
) -> int:
    """Assign the tickets ``numbers`` to the project ``district`` + ``name``; with ``remember``, tickets with
    the same ``text`` in later uploads go to it too. Returns how many tickets changed."""
    target = f"{district or '—'} {name}"
    if actor.may(UPLOAD_HOTLINE) and actor.districts and district not in actor.districts:
        refused = Refused(UPLOAD_HOTLINE, "hl_refused_districts", districts=list(actor.districts), outside=[district])
        raise _refuse(engine, actor, refused, target)

    def work(conn: Connection) -> tuple[int, str, dict]:
        if actor.districts:
            stored = T.existing_in(conn, numbers)
            outside = sorted({str(d) for d, _ in stored.values() if d is not None} - set(actor.districts))
            if outside:
                raise Refused(UPLOAD_HOTLINE, "hl_refused_districts", districts=list(actor.districts), outside=outside)
        changed = T.assign_in(conn, numbers, district, name)
        T.remember_in(conn, "ticket", numbers, district, name, actor.username)
        key = H.normal(text)
        if remember and key:
            T.remember_in(conn, "text", [key], district, name, actor.username)
        detail = {"tickets": numbers[:50], "text": text[:200], "remembered": bool(remember)}
        return changed, target, detail

    return _audited(engine, actor, UPLOAD_HOTLINE, target, work)
