"""Published versions: publish (one transaction), list, read back, compare inputs, roll back.

A version is never edited or deleted. Publishing writes the file, the version row, its project rows and
the current-version pointer in one transaction, so readers see either the old version or the new one.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import enum
import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field

import pandas as pd
from sqlalchemy import Connection, Engine, func, insert, select, update

from housing.issues import Issue
from housing.register import check_projects, empty_projects, empty_stage_dates
from housing.scope import merge_districts
from store.db import writing
from store.schema import (
    DATE_FIELDS,
    PROJECT_FIELDS,
    STAGE_DATE_FIELDS,
    current_version,
    files,
    project_rows,
    stage_dates,
    versions,
)

UPLOAD, ROLLBACK, SAMPLE = "upload", "rollback", "sample"
_ISSUE_FIELDS = {f.name for f in dataclasses.fields(Issue)}


class _Unchecked(enum.Enum):
    ANY = "any"


ANY_VERSION = _Unchecked.ANY
"""``expected`` for a publish nobody previewed (command line, imports, benchmarks): lands on whatever is current."""
Expected = int | None | _Unchecked  # the version a write was previewed against, or ANY_VERSION


class VersionMoved(Exception):
    """Another version became current after the user's preview; nothing was published.

    ``version``, ``uploader`` and ``published_at`` (UTC) describe the version current now; ``expected`` is
    the one the preview compared against.
    """

    def __init__(self, expected: int | None, version: int, uploader: str, published_at: dt.datetime) -> None:
        super().__init__(f"version {version} was published by {uploader} after the preview against {expected}")
        self.expected, self.version, self.uploader, self.published_at = expected, version, uploader, published_at


@dataclass(frozen=True)
class Version:
    """One published version, without its rows (see ``version_projects``)."""

    id: int
    created_at: dt.datetime  # UTC
    uploader: str
    filename: str
    sha256: str
    comment: str
    source: str
    parent_id: int | None
    restored_from: int | None
    projects: int
    households: int
    floor_area_m2: float
    issues: list[Issue] = field(default_factory=list)
    summary: dict = field(default_factory=dict)
    sample: bool = False  # holds the bundled sample's rows (the seeded sample, or a rollback to it)

    @property
    def warnings(self) -> list[Issue]:
        """The warnings the file had when it was published (a version never has errors)."""
        return [i for i in self.issues if i.severity == "warning"]


def sha256(content: bytes) -> str:
    """The file's SHA-256, hex."""
    return hashlib.sha256(content).hexdigest()


def issue_to_json(issue: Issue) -> dict:
    """An issue as stored: code, location, value and parameters (messages are rendered when shown)."""
    return {k: v for k, v in dataclasses.asdict(issue).items() if v not in (None, "", {})}


def issue_from_json(data: dict) -> Issue:
    """The stored form back as an ``Issue`` (fields this code no longer knows are dropped)."""
    return Issue(**{k: v for k, v in data.items() if k in _ISSUE_FIELDS})


def _summary(projects: pd.DataFrame, issues: list[Issue]) -> dict:
    """The short summary kept with each version."""
    return {
        "projects": len(projects),
        "households": int(projects["households"].sum()),
        "floor_area_m2": round(float(projects["floor_area_m2"].sum()), 2),
        "handed_over": int(projects["handed_over"].notna().sum()),
        "districts": int(projects["district"].nunique()),
        "warnings": sum(i.severity == "warning" for i in issues),
    }


STAGE_DATES = ("planned", "actual")


def _records(frame: pd.DataFrame, fields: tuple[str, ...], dates: tuple[str, ...], version_id: int) -> list[dict]:
    """Rows as plain Python values for an executemany insert (dates as ``datetime.date``, NA as ``None``)."""
    frame = frame.reindex(columns=list(fields))
    columns: dict[str, list] = {}
    for name in fields:
        series = frame[name]
        if name in dates:
            series = pd.to_datetime(series).dt.date
        columns[name] = series.astype(object).where(series.notna(), None).tolist()
    rows = [dict(zip(fields, values)) for values in zip(*columns.values())]
    for position, row in enumerate(rows):
        row["version_id"], row["position"] = version_id, position
    return rows


def _insert_rows(conn: Connection, projects: pd.DataFrame, version_id: int, stages: pd.DataFrame | None) -> None:
    """The version's project rows and, when the workbook had them, its per-stage dates."""
    records = _records(projects, PROJECT_FIELDS, DATE_FIELDS, version_id)
    if records:
        conn.execute(insert(project_rows), records)
    if stages is not None and len(stages):
        conn.execute(insert(stage_dates), _records(stages, STAGE_DATE_FIELDS, STAGE_DATES, version_id))


def _lock_pointer(conn: Connection) -> int | None:
    """Lock the pointer row (PostgreSQL: FOR UPDATE; SQLite holds the write lock already) and read it."""
    query = select(current_version.c.version_id).where(current_version.c.id == 1).with_for_update()
    return conn.execute(query).scalar_one()


def _publish_in(conn: Connection, projects: pd.DataFrame, meta: dict, file_id: int | None, content: bytes) -> int:
    """Inside one write transaction: file, version row, project rows, then the pointer.

    ``meta`` holds the version row's fields, plus ``stage_dates`` (a frame or ``None``) and ``at``.
    """
    meta = dict(meta)
    stages, now = meta.pop("stage_dates", None), meta.pop("at", None) or dt.datetime.now(dt.UTC)
    parent = _lock_pointer(conn)
    version_id = (conn.scalar(select(func.max(versions.c.id))) or 0) + 1
    if file_id is None:
        file_id = conn.execute(
            insert(files).values(sha256=meta["sha256"], size=len(content), content=content).returning(files.c.id)
        ).scalar_one()
    conn.execute(insert(versions).values(id=version_id, created_at=now, file_id=file_id, parent_id=parent, **meta))
    _insert_rows(conn, projects, version_id, stages)
    conn.execute(update(current_version).where(current_version.c.id == 1).values(version_id=version_id, updated_at=now))
    return version_id


def _meta(projects: pd.DataFrame, issues: list[Issue], **fields) -> dict:
    summary = _summary(projects, issues)
    return {
        **fields,
        "projects": summary["projects"],
        "households": summary["households"],
        "floor_area_m2": summary["floor_area_m2"],
        "issues": [issue_to_json(i) for i in issues],
        "summary": summary,
    }


@dataclass(frozen=True)
class Pending:
    """What a publish is about to write, as its ``check`` sees it inside the write transaction."""

    current: int | None  # the version current now (``None``: nothing published yet)
    current_sample: bool  # it holds the bundled sample's rows
    current_projects: pd.DataFrame
    projects: pd.DataFrame  # what the new version would hold (after a district merge)
    scope: list[str]  # the districts it replaces (empty: the whole register)


Check = Callable[[Pending], None]
"""Called inside a publish's transaction before anything is written; raising aborts the publish. The
service layer checks district limits and confirmations this way, against what is current then."""


def publish(
    engine: Engine,
    projects: pd.DataFrame,
    *,
    content: bytes,
    filename: str,
    uploader: str,
    comment: str = "",
    issues: list[Issue] | None = None,
    source: str = UPLOAD,
    stage_dates: pd.DataFrame | None = None,
    at: dt.datetime | None = None,
    scope: list[str] | None = None,
    expected: int | None | _Unchecked = ANY_VERSION,
) -> Version:
    """Publish a validated project table (and its stage dates) as the new current version; returns it.

    The caller has checked there are no errors (the upload page does); warnings are kept with the version.
    ``at`` is the publication time (default now; importing past weekly workbooks sets it).

    ``scope``: the districts the file replaces when it updates only those (``housing.scope``). The new
    version is then the version current *inside the write transaction* with those districts taken from
    ``projects`` and ``stage_dates``, so two district offices publishing at once both land.

    ``expected``: the version the user previewed against (``None``: an empty database); ``ANY_VERSION``
    skips the checks. Raises ``VersionMoved`` when what the preview showed no longer holds: for a whole
    register, any other version published since; for a scoped publish, a change to the file's own
    districts (another district's version landing meanwhile is merged onto, not refused). Publishing the
    same file with the same scope again after the preview (a double click, a second tab) returns the
    version the first click made instead of a copy of it.
    """
    with writing(engine) as conn:
        version_id, _ = publish_in(
            conn,
            projects,
            content=content,
            filename=filename,
            uploader=uploader,
            comment=comment,
            issues=issues,
            source=source,
            stage_dates=stage_dates,
            at=at,
            scope=scope,
            expected=expected,
        )
    return get_version(engine, version_id)


def publish_in(
    conn: Connection,
    projects: pd.DataFrame,
    *,
    content: bytes,
    filename: str,
    uploader: str,
    comment: str = "",
    issues: list[Issue] | None = None,
    source: str = UPLOAD,
    stage_dates: pd.DataFrame | None = None,
    at: dt.datetime | None = None,
    scope: list[str] | None = None,
    expected: int | None | _Unchecked = ANY_VERSION,
    check: Check | None = None,
) -> tuple[int, bool]:
    """``publish`` inside the caller's write transaction (``store.db.writing``), so the caller can add rows
    of its own (the audit trail) that commit with the version or not at all.

    Returns the version's number and whether this call made it (``False``: the same file on the same
    preview was published already, see ``publish``). ``check`` runs before anything is written.
    """
    incoming = _Incoming(
        projects=projects,
        stage_dates=stage_dates if stage_dates is not None else empty_stage_dates(),
        issues=list(issues or []),
        scope=list(scope or []),
        fields={
            "uploader": uploader.strip()[:100],
            "filename": filename[:255],
            "sha256": sha256(content),
            "comment": comment.strip(),
            "source": source,
            "sample": source == SAMPLE,
        },
    )
    return _publish_checked(conn, incoming, content, expected, at, check)


@dataclass(frozen=True)
class _Incoming:
    """What a publish was given: the file's rows, its issues, the districts it replaces, the version fields."""

    projects: pd.DataFrame
    stage_dates: pd.DataFrame
    issues: list[Issue]
    scope: list[str]
    fields: dict


def _publish_checked(
    conn: Connection,
    incoming: _Incoming,
    content: bytes,
    expected: int | None | _Unchecked,
    at: dt.datetime | None,
    check: Check | None = None,
) -> tuple[int, bool]:
    """Inside the write transaction: lock the pointer, check it against ``expected``, merge, ``check``, write."""
    current = _lock_pointer(conn)
    checked = not isinstance(expected, _Unchecked)
    previewed = None if isinstance(expected, _Unchecked) else expected
    over_sample = _holds_sample(conn, current) or (checked and _holds_sample(conn, previewed))
    if incoming.scope and over_sample:
        # No sample row may survive into a real version: over the sample a district's file is the whole
        # register (the upload page asks no scope question then; this holds for every other caller too).
        # Previewed against the sample, it stays the whole register, so a version landing meanwhile refuses it
        # and a double click finds the version its first click made.
        incoming = dataclasses.replace(incoming, scope=[])
    if checked and current is not None and _already_published(conn, current, incoming, previewed):
        return current, False
    projects, stages = incoming.projects, incoming.stage_dates
    moved = checked and current != previewed
    base = None
    if incoming.scope:
        base = _version_rows(conn, current)
        if moved and not _districts_unchanged(conn, previewed, base, incoming.scope):
            raise _moved(conn, previewed, current)
        projects = merge_districts(base[0], projects, incoming.scope)
        stages = merge_districts(base[1], stages, incoming.scope)
    elif moved:
        raise _moved(conn, previewed, current)
    if check is not None:  # what the new version removes needs the current rows: read only when asked
        rows = (base if base is not None else _version_rows(conn, current))[0]
        check(Pending(current, _holds_sample(conn, current), rows, projects, incoming.scope))
    meta = _meta(projects, incoming.issues, **incoming.fields)
    if incoming.scope:
        meta["summary"]["scope"] = incoming.scope
    meta.update(stage_dates=stages, at=at)
    return _publish_in(conn, projects, meta, None, content), True


def _already_published(conn: Connection, current: int, incoming: _Incoming, expected: int | None) -> bool:
    """Whether the current version is this very file with this scope, published after the preview.

    Then publishing again would only add a copy of it: a second click on the same preview, or a colleague
    publishing the identical file at the same moment.
    """
    if current <= (expected or 0):
        return False
    query = select(versions.c.sha256, versions.c.summary).where(versions.c.id == current)
    row = conn.execute(query).one()
    same_scope = sorted(row.summary.get("scope") or []) == sorted(incoming.scope)
    return row.sha256 == incoming.fields["sha256"] and same_scope


def _holds_sample(conn: Connection, version_id: int | None) -> bool:
    """Whether the version holds the bundled sample's rows (``False`` for ``None``: nothing published)."""
    if version_id is None:
        return False
    return bool(conn.scalar(select(versions.c.sample).where(versions.c.id == version_id)))


def version_rows_in(conn: Connection, version_id: int | None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """A version's projects and stage dates read on ``conn`` (inside a transaction: what it sees); empty
    frames for ``None``."""
    return _version_rows(conn, version_id)


def current_version_id_in(conn: Connection) -> int | None:
    """``current_version_id`` on an open connection."""
    return conn.scalar(select(current_version.c.version_id).where(current_version.c.id == 1))


def _version_rows(
    conn: Connection, version_id: int | None, districts: list[str] | None = None
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """A version's projects and stage dates read on ``conn`` (empty frames for ``None``: nothing published);
    only those of ``districts`` when given."""
    if version_id is None:
        return empty_projects(), empty_stage_dates()
    return (
        check_projects(
            _read_in(conn, project_rows, PROJECT_FIELDS, DATE_FIELDS, version_id, empty_projects(), districts)
        ),
        _read_in(conn, stage_dates, STAGE_DATE_FIELDS, STAGE_DATES, version_id, empty_stage_dates(), districts),
    )


def _districts_unchanged(
    conn: Connection, seen: int | None, now: tuple[pd.DataFrame, pd.DataFrame], districts: list[str]
) -> bool:
    """Whether ``districts`` have the same projects and stage dates in ``now`` (the current version's rows)
    as in version ``seen``: then the preview the user read is still true for the rows the file replaces."""
    before = _version_rows(conn, seen, districts)  # just those districts: half the read of a whole version
    return all(_rows_of(b, districts).equals(_rows_of(n, districts)) for b, n in zip(before, now))


def _rows_of(frame: pd.DataFrame, districts: list[str]) -> pd.DataFrame:
    return frame[frame["district"].isin(districts)].reset_index(drop=True)


def _moved(conn: Connection, expected: int | None, current: int | None) -> VersionMoved:
    """The refusal naming the version current now, who published it and when."""
    assert current is not None, "the pointer only ever moves to a newer version, never back to none"
    row = conn.execute(select(versions.c.uploader, versions.c.created_at).where(versions.c.id == current)).one()
    published_at = row.created_at if row.created_at.tzinfo else row.created_at.replace(tzinfo=dt.UTC)
    return VersionMoved(expected, current, row.uploader, published_at)


def publish_if_empty(
    engine: Engine, projects: pd.DataFrame, *, content: bytes, filename: str, issues, uploader: str, stage_dates=None
):
    """Publish the first version only if nothing is published yet (first start on the bundled sample);
    returns it, or ``None`` when a version existed."""
    with writing(engine) as conn:
        version_id = publish_if_empty_in(
            conn,
            projects,
            content=content,
            filename=filename,
            issues=issues,
            uploader=uploader,
            stage_dates=stage_dates,
        )
    return get_version(engine, version_id) if version_id is not None else None


def publish_if_empty_in(
    conn: Connection,
    projects: pd.DataFrame,
    *,
    content: bytes,
    filename: str,
    issues,
    uploader: str,
    stage_dates=None,
) -> int | None:
    """``publish_if_empty`` inside the caller's write transaction: the new version's number, or ``None``.

    The pointer is locked before the emptiness check, so of several processes starting at once the first
    seeds and the others, once it commits, find the version (PostgreSQL READ COMMITTED would otherwise let
    them all count zero before queueing on the lock).
    """
    meta = _meta(
        projects,
        list(issues),
        uploader=uploader,
        filename=filename,
        sha256=sha256(content),
        comment="",
        source=SAMPLE,
        sample=True,
    )
    meta["stage_dates"] = stage_dates
    _lock_pointer(conn)
    if conn.scalar(select(func.count()).select_from(versions)):
        return None
    return _publish_in(conn, projects, meta, None, content)


def rollback(engine: Engine, version_id: int, uploader: str, comment: str = "") -> Version:
    """Publish an old version's rows and file again as a new version (history stays complete)."""
    with writing(engine) as conn:
        new_id, _ = rollback_in(conn, version_id, uploader, comment)
    return get_version(engine, new_id)


def rollback_in(
    conn: Connection,
    version_id: int,
    uploader: str,
    comment: str = "",
    expected: int | None | _Unchecked = ANY_VERSION,
) -> tuple[int, bool]:
    """``rollback`` inside the caller's write transaction (``KeyError``: no such version).

    ``expected``: the version current when the user asked for it. If another became current since, a
    rollback to the same version made after it (a double click) is returned as it is, with ``False``;
    anything else raises ``VersionMoved``. Otherwise returns the new version's number and ``True``.
    """
    current = _lock_pointer(conn)
    if not isinstance(expected, _Unchecked) and current != expected:
        if current is not None and current > (expected or 0) and _restores(conn, current, version_id):
            return current, False
        raise _moved(conn, expected, current)
    return _rollback_write(conn, version_id, uploader, comment), True


def _restores(conn: Connection, version_id: int, restored: int) -> bool:
    """Whether ``version_id`` is a rollback to ``restored``."""
    query = select(versions.c.source, versions.c.restored_from).where(versions.c.id == version_id)
    row = conn.execute(query).one()
    return row.source == ROLLBACK and row.restored_from == restored


def _rollback_write(conn: Connection, version_id: int, uploader: str, comment: str) -> int:
    """The old version's rows, stage dates and file again as a new version (read on ``conn``)."""
    old = get_version_in(conn, version_id)
    projects, stages = _version_rows(conn, version_id)
    meta = _meta(
        projects,
        old.issues,
        uploader=uploader.strip()[:100],
        filename=old.filename,
        sha256=old.sha256,
        comment=comment.strip(),
        source=ROLLBACK,
        restored_from=version_id,
        sample=old.sample,  # restoring the sample brings its rows back, and its marking with them
    )
    meta["stage_dates"] = stages
    file_id = conn.execute(select(versions.c.file_id).where(versions.c.id == version_id)).scalar_one()
    return _publish_in(conn, projects, meta, file_id, b"")


def _version(row) -> Version:
    created = row.created_at if row.created_at.tzinfo else row.created_at.replace(tzinfo=dt.UTC)
    return Version(
        id=row.id,
        created_at=created,
        uploader=row.uploader,
        filename=row.filename,
        sha256=row.sha256,
        comment=row.comment,
        source=row.source,
        parent_id=row.parent_id,
        restored_from=row.restored_from,
        projects=row.projects,
        households=row.households,
        floor_area_m2=row.floor_area_m2,
        issues=[issue_from_json(i) for i in row.issues],
        summary=dict(row.summary),
        sample=bool(row.sample),
    )


_VERSION_COLUMNS = [c for c in versions.columns if c.name != "file_id"]


def get_version(engine: Engine, version_id: int) -> Version:
    """One version by number; ``KeyError`` when there is no such version."""
    with engine.connect() as conn:
        return get_version_in(conn, version_id)


def get_version_in(conn: Connection, version_id: int) -> Version:
    """``get_version`` on an open connection (inside a transaction: what it sees)."""
    row = conn.execute(select(*_VERSION_COLUMNS).where(versions.c.id == version_id)).one_or_none()
    if row is None:
        raise KeyError(version_id)
    return _version(row)


def list_versions(engine: Engine) -> list[Version]:
    """Every version, newest first."""
    with engine.connect() as conn:
        rows = conn.execute(select(*_VERSION_COLUMNS).order_by(versions.c.id.desc())).all()
    return [_version(r) for r in rows]


def current_version_id(engine: Engine) -> int | None:
    """The number of the version the dashboard shows (``None`` before the first publish)."""
    with engine.connect() as conn:
        return conn.scalar(select(current_version.c.version_id).where(current_version.c.id == 1))


def current(engine: Engine) -> Version | None:
    """The current version, or ``None`` before the first publish."""
    version_id = current_version_id(engine)
    return get_version(engine, version_id) if version_id is not None else None


def _read(engine: Engine, table, fields: tuple[str, ...], dates: tuple[str, ...], version_id: int, template):
    """A version's rows of ``table`` in their order, typed like the loader's ``template`` frame.

    The read-side twin of ``_records``: template columns the table lacks are left out.
    """
    with engine.connect() as conn:
        return _read_in(conn, table, fields, dates, version_id, template)


def _read_in(
    conn: Connection,
    table,
    fields: tuple[str, ...],
    dates: tuple[str, ...],
    version_id: int,
    template,
    districts: list[str] | None = None,
):
    """``_read`` on an open connection (inside a write transaction: what it has locked and sees); only the
    rows of ``districts`` when given."""
    query = select(*[table.c[n] for n in fields]).where(table.c.version_id == version_id)
    if districts is not None:
        query = query.where(table.c.district.in_(districts))
    rows = conn.execute(query.order_by(table.c.position)).all()
    frame = pd.DataFrame.from_records(rows, columns=list(fields))
    for name in dates:
        frame[name] = pd.to_datetime(frame[name])
    dtypes = {c: t for c, t in template.dtypes.items() if c in frame}
    return frame.astype(dtypes)[[c for c in template.columns if c in frame]]


def version_projects(engine: Engine, version_id: int) -> pd.DataFrame:
    """A version's project table, with the loader's column types."""
    return check_projects(_read(engine, project_rows, PROJECT_FIELDS, DATE_FIELDS, version_id, empty_projects()))


def version_file(engine: Engine, version_id: int) -> tuple[str, bytes]:
    """The original file of a version: its name and bytes."""
    query = (
        select(versions.c.filename, files.c.content)
        .join(files, files.c.id == versions.c.file_id)
        .where(versions.c.id == version_id)
    )
    with engine.connect() as conn:
        row = conn.execute(query).one_or_none()
    if row is None:
        raise KeyError(version_id)
    return row.filename, bytes(row.content)


def version_stage_dates(engine: Engine, version_id: int) -> pd.DataFrame:
    """A version's per-stage planned and actual dates, with the loader's column types."""
    return _read(engine, stage_dates, STAGE_DATE_FIELDS, STAGE_DATES, version_id, empty_stage_dates())
