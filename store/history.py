"""Questions across versions: the previous week's version, a project's history, first deadlines, staleness."""

from __future__ import annotations

import datetime as dt

import pandas as pd
from sqlalchemy import Engine, and_, func, select

from housing.changes import project_key
from housing.register import COMPARED
from store.schema import project_rows, versions
from store.versions import Version

# The fields whose change makes a row "updated" (locations and computed ids are not news).
# The compared fields of the register but the street: a subdistrict renamed or corrected is not news.
WATCHED = tuple(f.name for f in COMPARED if f.name != "street")


def previous_id(engine: Engine, version_id: int) -> int | None:
    """The version published just before ``version_id``."""
    with engine.connect() as conn:
        return conn.scalar(select(func.max(versions.c.id)).where(versions.c.id < version_id))


def week_before(engine: Engine, version: Version, days: int = 7) -> int | None:
    """The newest version at least ``days`` older than ``version``; else the one just before it."""
    cutoff = version.created_at - dt.timedelta(days=days)
    query = select(func.max(versions.c.id)).where(and_(versions.c.id < version.id, versions.c.created_at <= cutoff))
    with engine.connect() as conn:
        found = conn.scalar(query)
    return found if found is not None else previous_id(engine, version.id)


def _rows(engine: Engine, where, columns: list[str]) -> pd.DataFrame:
    """Project rows across versions, with each version's time, oldest version first."""
    query = (
        select(project_rows.c.version_id, versions.c.created_at, *[project_rows.c[c] for c in columns])
        .join(versions, versions.c.id == project_rows.c.version_id)
        .where(where)
        .order_by(project_rows.c.version_id, project_rows.c.position)
    )
    with engine.connect() as conn:
        frame = pd.DataFrame(conn.execute(query).all(), columns=["version_id", "created_at", *columns])
    frame["created_at"] = pd.to_datetime(frame["created_at"], utc=True)
    return frame


HISTORY_COLUMNS = ["households", "deadline", "handed_over", "stage", "stage_id", "progress"]


def project_history_frame() -> pd.DataFrame:
    """An empty project history, with its columns."""
    return pd.DataFrame(columns=["version_id", "created_at", *HISTORY_COLUMNS])


def project_history(engine: Engine, district: str | None, name: str, upto: int | None = None) -> pd.DataFrame:
    """One project in every version up to ``upto``: deadline, stage, households, progress, handover."""
    same_district = project_rows.c.district.is_(None) if district is None else project_rows.c.district == district
    where = and_(project_rows.c.name == name, same_district)
    if upto is not None:
        where = and_(where, project_rows.c.version_id <= upto)
    frame = _rows(engine, where, HISTORY_COLUMNS)
    for column in ("deadline", "handed_over"):
        frame[column] = pd.to_datetime(frame[column])
    return frame


def _keys(frame: pd.DataFrame) -> pd.Series:
    """Project keys computed within each version (a repeated name is numbered per table, as in a diff)."""
    if frame.empty:
        return pd.Series(dtype="string", index=frame.index)
    keys = [project_key(group) for _, group in frame.groupby("version_id", sort=False)]
    return pd.concat(keys).reindex(frame.index)


def baseline_deadlines(engine: Engine, upto: int) -> pd.Series:
    """Each project's first published deadline (its baseline), by project key, over versions up to ``upto``."""
    where = and_(project_rows.c.version_id <= upto, project_rows.c.deadline.is_not(None))
    frame = _rows(engine, where, ["name", "district", "deadline"]).astype({"name": "string", "district": "string"})
    frame["key"] = _keys(frame)
    first = frame.drop_duplicates("key", keep="first")
    return pd.Series(pd.to_datetime(first["deadline"]).to_numpy(), index=first["key"].to_numpy(), name="baseline")


def first_seen(engine: Engine, upto: int) -> pd.Series:
    """When each project first appeared in the register (its first version's time, UTC), by project key,
    over versions up to ``upto``: the earliest date known for a project whose start date was never given."""
    where = project_rows.c.version_id <= upto
    frame = _rows(engine, where, ["name", "district"]).astype({"name": "string", "district": "string"})
    frame["key"] = _keys(frame)
    first = frame.drop_duplicates("key", keep="first")
    return pd.Series(first["created_at"].array, index=first["key"].to_numpy(), name="first_seen")


def unchanged_since(engine: Engine, version: Version, lookback_days: int = 120) -> pd.Series:
    """For each project of ``version``, when its watched fields last changed (by project key).

    Versions older than ``lookback_days`` are not read: a row unchanged for that long is stale under any
    sensible threshold, and the answer is then that window's oldest version.
    """
    start = version.created_at - dt.timedelta(days=lookback_days)
    where = and_(project_rows.c.version_id <= version.id, versions.c.created_at >= start)
    frame = _rows(engine, where, ["name", "district", *WATCHED]).astype({"name": "string", "district": "string"})
    if frame.empty:
        return pd.Series(dtype="datetime64[ns, UTC]", name="unchanged_since")
    frame["key"] = _keys(frame)
    frame["print"] = pd.util.hash_pandas_object(frame[list(WATCHED)].astype("string"), index=False)
    return _since(frame, version.id).rename("unchanged_since")


def _since(frame: pd.DataFrame, newest: int) -> pd.Series:
    """Per key: the time of the oldest version in the unbroken run of identical rows ending at ``newest``.

    The run breaks at the first version where the row differs or where the project is missing.
    """
    rank = {v: i for i, v in enumerate(sorted(frame["version_id"].unique(), reverse=True))}
    frame = frame.sort_values("version_id", ascending=False, kind="stable")
    latest = frame[frame["version_id"] == newest].set_index("key")["print"]
    frame = frame[frame["key"].isin(latest.index)]
    same = frame["print"].to_numpy() == latest.reindex(frame["key"]).to_numpy()
    consecutive = frame.groupby("key").cumcount().to_numpy() == frame["version_id"].map(rank).to_numpy()
    unbroken = pd.Series(same & consecutive, index=frame.index).groupby(frame["key"]).cummin().astype(bool)
    return frame[unbroken].groupby("key")["created_at"].min()
