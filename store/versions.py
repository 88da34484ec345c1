"""Published versions: publish (one transaction), list, read back, compare inputs, roll back.

A version is never edited or deleted. Publishing writes the file, the version row, its project rows and
the current-version pointer in one transaction, so readers see either the old version or the new one.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
from dataclasses import dataclass, field

import pandas as pd
from sqlalchemy import Connection, Engine, func, insert, select, update

from loaders.issues import Issue
from loaders.load import empty_projects, empty_stage_dates
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
) -> Version:
    """Publish a validated project table (and its stage dates) as the new current version; returns it.

    The caller has checked there are no errors (the upload page does); warnings are kept with the version.
    ``at`` is the publication time (default now; importing past weekly workbooks sets it). ``scope``: the
    districts the file replaced when it updated only those (``housing.scope``), kept in the summary.
    """
    issues = list(issues or [])
    meta = _meta(
        projects,
        issues,
        uploader=uploader.strip()[:100],
        filename=filename[:255],
        sha256=sha256(content),
        comment=comment.strip(),
        source=source,
    )
    meta.update(stage_dates=stage_dates, at=at)
    if scope:
        meta["summary"]["scope"] = list(scope)
    with writing(engine) as conn:
        version_id = _publish_in(conn, projects, meta, None, content)
    return get_version(engine, version_id)


def publish_if_empty(
    engine: Engine, projects: pd.DataFrame, *, content: bytes, filename: str, issues, uploader: str, stage_dates=None
):
    """Publish the first version only if nothing is published yet (first start on the bundled sample).

    The emptiness check runs inside the write transaction, so two sessions starting at once seed once.
    """
    meta = _meta(
        projects, list(issues), uploader=uploader, filename=filename, sha256=sha256(content), comment="", source=SAMPLE
    )
    meta["stage_dates"] = stage_dates
    with writing(engine) as conn:
        if conn.scalar(select(func.count()).select_from(versions)):
            return None
        version_id = _publish_in(conn, projects, meta, None, content)
    return get_version(engine, version_id)


def rollback(engine: Engine, version_id: int, uploader: str, comment: str = "") -> Version:
    """Publish an old version's rows and file again as a new version (history stays complete)."""
    old = get_version(engine, version_id)
    projects = version_projects(engine, version_id)
    meta = _meta(
        projects,
        old.issues,
        uploader=uploader.strip()[:100],
        filename=old.filename,
        sha256=old.sha256,
        comment=comment.strip(),
        source=ROLLBACK,
        restored_from=version_id,
    )
    meta["stage_dates"] = version_stage_dates(engine, version_id)
    with writing(engine) as conn:
        file_id = conn.execute(select(versions.c.file_id).where(versions.c.id == version_id)).scalar_one()
        new_id = _publish_in(conn, projects, meta, file_id, b"")
    return get_version(engine, new_id)


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
    )


_VERSION_COLUMNS = [c for c in versions.columns if c.name != "file_id"]


def get_version(engine: Engine, version_id: int) -> Version:
    """One version by number; ``KeyError`` when there is no such version."""
    with engine.connect() as conn:
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
    query = select(*[table.c[n] for n in fields]).where(table.c.version_id == version_id)
    with engine.connect() as conn:
        rows = conn.execute(query.order_by(table.c.position)).all()
    frame = pd.DataFrame.from_records(rows, columns=list(fields))
    for name in dates:
        frame[name] = pd.to_datetime(frame[name])
    dtypes = {c: t for c, t in template.dtypes.items() if c in frame}
    return frame.astype(dtypes)[[c for c in template.columns if c in frame]]


def version_projects(engine: Engine, version_id: int) -> pd.DataFrame:
    """A version's project table, with the loader's column types."""
    return _read(engine, project_rows, PROJECT_FIELDS, DATE_FIELDS, version_id, empty_projects())


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
