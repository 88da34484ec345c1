"""Every write the app makes, in one place: check the acting account, do the work, audit it, one transaction.

Pages and ``ui/`` call these and nothing else writes (``tests/test_actions.py`` walks their code). Each
action checks ``actor.may(...)``; a refusal raises ``Refused`` after recording it (in a transaction of its
own: the refused work wrote nothing). The work and its "ok" audit row share one transaction, so a publish
that fails leaves neither a version nor a row saying it succeeded; the failure is recorded on its own.
The uploader, publisher or author stored with a change is always ``actor.username``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, TypeVar

import pandas as pd
from sqlalchemy import Connection, Engine

from housing.rules import effective_thresholds
from housing.scope import Removal, file_districts, removal
from service.audit import FAILED, OK, REFUSED, record
from service.roles import (
    ADMIN,
    EXPORT,
    PUBLISH,
    READ_AUDIT,
    ROLLBACK,
    SAVE_MAPPING,
    SAVE_SETTINGS,
    UPLOAD,
    Actor,
    Refused,
)
from store import audit as A
from store import versions as V
from store.db import writing
from store.mappings import remember_mapping_in
from store.settings_log import RULE_THRESHOLDS, save_setting_in

if TYPE_CHECKING:  # only its shape is used: the service does not import the loader
    from loaders import LoadResult

T = TypeVar("T")
SYSTEM_ACCOUNT = "系统 (示例数据)"  # who seeds the bundled sample on first start, in the history and the trail
SYSTEM = Actor(SYSTEM_ACCOUNT, ADMIN)


class NeedsConfirmation(Exception):
    """The write removes projects and the user has not confirmed it; nothing was written.

    ``removal``: what it would remove, against what was current inside the transaction.
    """

    def __init__(self, action: str, found: Removal) -> None:
        super().__init__(action)
        self.action, self.removal = action, found


class Invalid(Exception):
    """The values given cannot be stored; ``key`` names a catalogue text saying why."""

    def __init__(self, key: str) -> None:
        super().__init__(key)
        self.key = key


@dataclass(frozen=True)
class Published:
    """A publish or rollback's version, and whether this call made it (``False``: a double click found
    the version its first click made)."""

    version: V.Version
    new: bool


# --- the one pattern every action follows -----------------------------------------------------------------


def _note(engine: Engine, actor: Actor, action: str, outcome: str, target: str, detail: Mapping) -> None:
    """An audit row in a transaction of its own (a refusal or failure: the work itself wrote nothing)."""
    with writing(engine) as conn:
        record(conn, actor.username, action, outcome, target, detail, actor.address)


def _refuse(engine: Engine, actor: Actor, refused: Refused, target: str) -> Refused:
    """Record the refusal; returns it to raise."""
    detail = {"reason": refused.key, "role": actor.role, **{k: _plain(v) for k, v in refused.params.items()}}
    _note(engine, actor, refused.action, REFUSED, target, detail)
    return refused


def _plain(value: object) -> object:
    """A refusal's parameter as JSON can hold it (tuples and sets as lists)."""
    return sorted(value) if isinstance(value, (set, frozenset, tuple, list)) else value


def _failure(error: Exception) -> dict:
    """What the trail says of a failed write: the kind of failure and the figures it carries (no traceback)."""
    detail: dict = {"error": type(error).__name__}
    if isinstance(error, V.VersionMoved):
        detail.update(expected=error.expected, current=error.version)
    elif isinstance(error, NeedsConfirmation):
        detail.update(projects=len(error.removal.projects), households=error.removal.households)
    elif isinstance(error, Invalid):
        detail.update(reason=error.key)
    return detail


Work = Callable[[Connection], tuple[T, str, dict]]


def _audited(engine: Engine, actor: Actor, action: str, target: str, work: Work[T], by_role: bool = True) -> T:
    """Check ``actor`` may do ``action``, then run ``work`` and its audit row in one write transaction.

    ``work(conn)`` returns (its value, the audit row's target, its detail). Refusals (here or raised by the
    work) and failures are recorded in a transaction of their own and raised again. ``by_role=False``: the
    work checks the permission itself (a task's assignee may advance it whatever their role).
    """
    if by_role and not actor.may(action):
        raise _refuse(engine, actor, Refused(action), target)
    try:
        with writing(engine) as conn:
            value, target, detail = work(conn)
            record(conn, actor.username, action, OK, target, detail, actor.address)
    except Refused as refused:
        raise _refuse(engine, actor, refused, target) from None
    except Exception as error:
        _note(engine, actor, action, FAILED, target, _failure(error))
        raise
    return value


# --- publishing ---------------------------------------------------------------------------------------------


def district_refusal(actor: Actor, projects: pd.DataFrame, scope: list[str] | None) -> Refused | None:
    """Why a district-limited editor may not publish this (``None``: they may): they publish only their own
    districts' rows, as a district update (never the whole register)."""
    if not actor.districts:
        return None
    named = file_districts(projects)
    if not named or not actor.covers(named):
        outside = sorted({str(d) for d in projects["district"].fillna("—")} - set(actor.districts))
        return Refused(PUBLISH, "sv_refused_rows", districts=list(actor.districts), outside=outside)
    if not scope or not actor.covers(scope):
        return Refused(PUBLISH, "sv_refused_scope", districts=list(actor.districts))
    return None


def _publish_check(actor: Actor, confirmed: bool) -> V.Check:
    """What is checked inside the publish transaction, against the version current then: a limited editor
    replaces only their districts (over the sample a file becomes the whole register, which they may not
    publish), and a large removal needs the user's confirmation (replacing the sample is no loss)."""

    def check(pending: V.Pending) -> None:
        # The file's rows were checked before; the scope is checked again as the store settled it.
        if actor.districts and not (pending.scope and actor.covers(pending.scope)):
            raise Refused(PUBLISH, "sv_refused_scope", districts=list(actor.districts))
        if confirmed or pending.current is None or pending.current_sample:
            return
        found = removal(pending.current_projects, pending.projects)
        if found.large:
            raise NeedsConfirmation(PUBLISH, found)

    return check


def publish(
    engine: Engine,
    actor: Actor,
    result: LoadResult,
    content: bytes,
    filename: str,
    comment: str = "",
    scope: list[str] | None = None,
    expected: int | None | V.Expected = V.ANY_VERSION,
    confirmed: bool = False,
) -> Published:
    """Publish a checked upload as ``actor`` (the version's uploader): see ``store.versions.publish`` for
    ``scope`` and ``expected``. The same file on the same preview again returns the version already made.

    Refused (``Refused``) without the publish permission, or for a district-limited editor outside their
    districts; ``NeedsConfirmation`` when it removes more than a tenth of the projects or households and
    ``confirmed`` is false; ``VersionMoved`` as the store raises it. Each of these is audited.
    """
    refused = district_refusal(actor, result.projects, scope) if actor.may(PUBLISH) else None
    if refused is not None:  # before any work: the page offers them no such choice, so this is a direct call
        raise _refuse(engine, actor, refused, filename)

    def work(conn: Connection) -> tuple[tuple[int, bool], str, dict]:
        version_id, new = V.publish_in(
            conn,
            result.projects,
            content=content,
            filename=filename,
            uploader=actor.username,
            comment=comment,
            issues=result.issues,
            stage_dates=result.stage_dates,
            scope=scope,
            expected=expected,
            check=_publish_check(actor, confirmed),
        )
        detail = {"file": filename[:255], "sha256": V.sha256(content), "scope": list(scope or []), "new": new}
        return (version_id, new), f"version {version_id}", detail

    version_id, new = _audited(engine, actor, PUBLISH, filename, work)
    return Published(V.get_version(engine, version_id), new)


def rollback(
    engine: Engine,
    actor: Actor,
    version_id: int,
    comment: str = "",
    expected: int | None | V.Expected = V.ANY_VERSION,
    confirmed: bool = False,
) -> Published:
    """Publish version ``version_id``'s rows again as a new version, as ``actor``.

    A rollback always needs ``confirmed`` (the page names what it removes and brings back), else
    ``NeedsConfirmation`` (with what it would remove). ``expected``: the version current when the user
    confirmed; a second click returns the rollback the first one made. District-limited editors may not
    roll back (a rollback replaces every district).
    """
    if actor.may(ROLLBACK) and actor.districts:
        raise _refuse(engine, actor, Refused(ROLLBACK, "sv_refused_rollback_districts"), f"version {version_id}")

    def work(conn: Connection) -> tuple[tuple[int, bool], str, dict]:
        if not confirmed:
            now = V.version_rows_in(conn, V.current_version_id_in(conn))[0]
            raise NeedsConfirmation(ROLLBACK, removal(now, V.version_rows_in(conn, version_id)[0]))
        new_id, new = V.rollback_in(conn, version_id, actor.username, comment, expected)
        return (new_id, new), f"version {new_id}", {"restored": version_id, "new": new}

    new_id, new = _audited(engine, actor, ROLLBACK, f"version {version_id}", work)
    return Published(V.get_version(engine, new_id), new)


def seed_sample(
    engine: Engine, projects: pd.DataFrame, content: bytes, filename: str, issues: list, stage_dates: pd.DataFrame
) -> V.Version | None:
    """First start: publish the bundled sample as version 1 if nothing is published yet, as the system
    account (audited as such); ``None`` when a version existed (another process seeded it)."""
    with writing(engine) as conn:
        version_id = V.publish_if_empty_in(
            conn,
            projects,
            content=content,
            filename=filename,
            issues=issues,
            uploader=SYSTEM_ACCOUNT,
            stage_dates=stage_dates,
        )
        if version_id is not None:
            record(conn, SYSTEM_ACCOUNT, PUBLISH, OK, f"version {version_id}", {"file": filename, "source": "sample"})
    return V.get_version(engine, version_id) if version_id is not None else None


# --- settings and mappings ------------------------------------------------------------------------------------


def save_thresholds(engine: Engine, actor: Actor, values: dict[str, dict[str, float]]) -> None:
    """Store new rule thresholds with ``actor`` as who changed them. ``Invalid("ad_inconsistent")`` when a
    rule's values are inconsistent (a red band not beyond its yellow one)."""

    def work(conn: Connection) -> tuple[None, str, dict]:
        checked = effective_thresholds(values)  # falls back to a rule's defaults where its values are inconsistent
        if any(checked[rule] != given for rule, given in values.items()):
            raise Invalid("ad_inconsistent")
        save_setting_in(conn, RULE_THRESHOLDS, values, actor.username)
        return None, RULE_THRESHOLDS, {"values": values}

    _audited(engine, actor, SAVE_SETTINGS, RULE_THRESHOLDS, work)


def remember_mapping(engine: Engine, actor: Actor, headers: Iterable[str], mapping: Mapping[str, str | None]) -> None:
    """Remember the column mapping chosen for this layout of headers, with ``actor`` as who chose it."""
    names = list(headers)

    def work(conn: Connection) -> tuple[None, str, dict]:
        remember_mapping_in(conn, names, mapping, actor.username)
        return None, "column mapping", {"columns": len(names), "mapped": {str(k): v for k, v in mapping.items()}}

    _audited(engine, actor, SAVE_MAPPING, "column mapping", work)


# --- what is only recorded -------------------------------------------------------------------------------------


def record_upload(
    engine: Engine, actor: Actor, filename: str, digest: str, outcome: str, counts: Mapping[str, int]
) -> None:
    """Record one upload attempt and its validation outcome (``OK``: publishable, ``FAILED``: unreadable or
    with errors) with its figures; refused (and recorded) for an account that may not upload."""
    if not actor.may(UPLOAD):
        raise _refuse(engine, actor, Refused(UPLOAD), filename)
    _note(engine, actor, UPLOAD, outcome, filename, {"sha256": digest, **{k: int(v) for k, v in counts.items()}})


def record_export(engine: Engine, actor: Actor, what: str, filters: Mapping[str, object]) -> None:
    """Record a download of data (``what``: which table or file) with the filters it was made with."""
    detail = {"filters": {str(k): _plain(v) for k, v in filters.items()}}
    _audited(engine, actor, EXPORT, what, lambda conn: (None, what, detail))


def read_audit(engine: Engine, actor: Actor, wanted: A.AuditFilter, offset: int = 0, limit: int | None = 50):
    """One page of the audit trail (newest first) and the number of matching rows; admins only (a refused
    look is recorded, a permitted one is not: reading changes nothing)."""
    if not actor.may(READ_AUDIT):
        raise _refuse(engine, actor, Refused(READ_AUDIT), "audit trail")
    return A.audit_rows(engine, wanted, offset, limit), A.count_audit(engine, wanted)
