"""What a briefing is built from, assembled without Streamlit: one published version or one workbook at one date.

The computations the dashboard pages need too (the evidence a version is judged with, each project's first
known date, the first published deadlines, the week's comparison version) are plain functions here; the
pages' cache wrappers (``ui/data.py``) call them, keyed on the version id, so the page and the command line
run the same code. ``load_data`` is the command line's entry: ``published``, ``version:N`` or a workbook path.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

import pandas as pd
from sqlalchemy import Engine

from briefing.build import BriefingData
from housing.changes import project_key
from housing.clock import date_at, zone
from housing.datasets import sample_by_file
from housing.hotline import surge_counts, with_hotline
from housing.register import empty_stage_dates
from housing.rules import Evidence, classify, effective_thresholds
from housing.settings import get_setting
from store import history as H
from store import hotline as HL
from store import tasks as T
from store import versions as V
from store.db import open_database
from store.settings_log import RULE_THRESHOLDS, load_setting

PUBLISHED = "published"
VERSION_PREFIX = "version:"

# A workbook reader: (file bytes, file name) -> (projects, stage dates, readable). The command line passes
# the sandboxed loader (``briefing.cli.read_workbook``); this package never imports the loaders itself.
Reader = Callable[[bytes, str], tuple[pd.DataFrame, pd.DataFrame, bool]]


class SourceError(Exception):
    """The source cannot be read: ``key`` and ``params`` name the catalogue text saying why."""

    def __init__(self, key: str, **params: object) -> None:
        super().__init__(key)
        self.key, self.params = key, params


# --- computations shared with the pages --------------------------------------------------------------------


def earliest_stage_dates(stage_dates: pd.DataFrame) -> pd.Series:
    """Each project's earliest planned or actual stage date, by project key (projects with none left out)."""
    dates = stage_dates.assign(_first=stage_dates[["planned", "actual"]].min(axis=1)).dropna(subset=["_first"])
    if dates.empty:
        return pd.Series(dtype="datetime64[ns]", name="first_known")
    first = dates.groupby(["district", "name"], dropna=False, sort=False)["_first"].min().reset_index()
    return pd.Series(
        pd.to_datetime(first["_first"]).to_numpy(), index=project_key(first).to_numpy(), name="first_known"
    )


def seen_days(seen: pd.Series, tz: str) -> pd.Series:
    """First-appearance instants (``store.history.first_seen``, UTC) as the local days they were published."""
    if not len(seen):  # an empty version: an aware empty series cannot be cast to plain dates
        return pd.Series(dtype="datetime64[ns]", name="first_known")
    local = pd.to_datetime(seen.dt.tz_convert(zone(tz)).dt.date)
    return pd.Series(local.to_numpy(), index=seen.index, name="first_known")


def first_known(stage_dates: pd.DataFrame, seen: pd.Series | None = None) -> pd.Series:
    """The earliest date known for each project, by project key, to start its timeline bar when the register
    gives no start date: its earliest stage date, else (published data) the day it first appeared."""
    stages = earliest_stage_dates(stage_dates)
    return stages if seen is None else stages.combine_first(seen).rename("first_known")


def sample_baselines(projects: pd.DataFrame) -> pd.Series:
    """A workbook's baselines: it has one version, so each deadline is its own first published one."""
    return pd.Series(projects["deadline"].to_numpy(), index=project_key(projects).to_numpy(), name="baseline")


def version_evidence(engine: Engine, version: V.Version, stage_dates: pd.DataFrame, previous) -> Evidence:
    """What a published version is judged with: its stage dates, the version before it (``previous``: its
    projects, or ``None``) for slips, and when each row last changed (staleness)."""
    return Evidence(stage_dates=stage_dates, previous=previous, unchanged_since=H.unchanged_since(engine, version))


def thresholds_in(engine: Engine | None) -> dict[str, dict[str, float]]:
    """The rule thresholds in force: those saved on the settings page (when there is a database) over the
    documented defaults."""
    return effective_thresholds(load_setting(engine, RULE_THRESHOLDS) if engine is not None else None)


def published_day(version: V.Version) -> dt.date:
    """The day a version was published, in the zone version times are shown in (how it stood then)."""
    return date_at(version.created_at)


# --- assembling BriefingData ----------------------------------------------------------------------------------


def regions(filename: str = "") -> dict[str, str]:
    """The area the data covers in both languages: a bundled sample's, else the configured region."""
    sample = sample_by_file(Path(filename).name) if filename else None
    if sample is not None:
        return {"zh": sample.region("zh"), "en": sample.region("en")}
    return {"zh": str(get_setting("region_zh")), "en": str(get_setting("region_en"))}


def target_for(filename: str, year: int) -> int:
    """The year's published target in projects: a bundled sample's, else the ``annual_target_projects``
    setting (0: those due in the year)."""
    sample = sample_by_file(Path(filename).name) if filename else None
    return sample.target_for(year) if sample is not None else int(get_setting("annual_target_projects"))


def hotline_counts(engine: Engine, as_of: dt.date) -> pd.DataFrame | None:
    """Each project's 12345 calls in the 7 days to ``as_of`` and its weekly average of the 4 weeks before
    (``housing.hotline.surge_counts``); ``None`` when no ticket was ever stored (the surge rule stays silent)."""
    tickets = HL.tickets(engine)
    return None if tickets.empty else surge_counts(tickets, as_of)


def judge_version(engine: Engine, version_id: int, as_of: dt.date, thresholds: dict) -> pd.DataFrame:
    """A published version's projects judged as of ``as_of`` with all the evidence there is (the hotline's
    call counts as of that day too)."""
    version = V.get_version(engine, version_id)
    previous_id = H.previous_id(engine, version_id)
    previous = V.version_projects(engine, previous_id) if previous_id else None
    stages = V.version_stage_dates(engine, version_id)
    evidence = version_evidence(engine, version, stages, previous)
    projects = with_hotline(V.version_projects(engine, version_id), hotline_counts(engine, as_of))
    return classify(projects, as_of, thresholds, evidence)


def version_data(engine: Engine, version: V.Version, as_of: dt.date, thresholds: dict | None = None) -> BriefingData:
    """``BriefingData`` for a published version: judged projects, the version a week before (judged as of
    its own day), first published deadlines, first known dates and the supervision tasks."""
    thresholds = thresholds if thresholds is not None else thresholds_in(engine)
    stages = V.version_stage_dates(engine, version.id)
    compare_id = H.week_before(engine, version)
    previous = None
    if compare_id is not None:
        previous = judge_version(engine, compare_id, published_day(V.get_version(engine, compare_id)), thresholds)
    tz = str(get_setting("timezone"))
    return BriefingData(
        as_of=as_of,
        projects=judge_version(engine, version.id, as_of, thresholds),
        stage_dates=stages,
        regions=regions(),  # published data covers the configured region, as the pages say
        target_projects=target_for("", as_of.year),
        version=version,
        previous=previous,
        compare_id=compare_id,
        baselines=H.baseline_deadlines(engine, version.id),
        first_known=first_known(stages, seen_days(H.first_seen(engine, version.id), tz)),
        timezone=tz,
        sample=version.sample,
        tasks=T.tasks_frame(engine),
    )


def workbook_data(
    filename: str, projects: pd.DataFrame, stage_dates: pd.DataFrame, as_of: dt.date, thresholds: dict
) -> BriefingData:
    """``BriefingData`` for one workbook's projects: judged with its own stage dates, no earlier version."""
    stage_dates = stage_dates if stage_dates is not None else empty_stage_dates()
    classified = classify(projects, as_of, thresholds, Evidence(stage_dates=stage_dates))
    return BriefingData(
        as_of=as_of,
        projects=classified,
        stage_dates=stage_dates,
        regions=regions(filename),
        target_projects=target_for(filename, as_of.year),
        filename=Path(filename).name,
        baselines=sample_baselines(classified),
        first_known=first_known(stage_dates),
        timezone=str(get_setting("timezone")),
        sample=sample_by_file(Path(filename).name) is not None,
    )


def _version_id(source: str, engine: Engine) -> int:
    """The version ``published`` or ``version:N`` names; ``SourceError`` when there is none."""
    if source == PUBLISHED:
        current = V.current_version_id(engine)
        if current is None:
            raise SourceError("bf_err_nothing_published")
        return current
    number = source.removeprefix(VERSION_PREFIX).strip()
    if not (number.isascii() and number.isdigit() and len(number) <= 9):
        raise SourceError("bf_err_bad_version", source=source)
    return int(number)


def load_data(
    source: str,
    as_of: dt.date,
    engine: Engine | None = None,
    thresholds: dict | None = None,
    reader: Reader | None = None,
) -> BriefingData:
    """``BriefingData`` for SOURCE: ``published`` (the current version of ``engine``, default the configured
    database), ``version:N``, or a workbook path (read by ``reader``, default the sandboxed loader).

    Raises ``SourceError`` when the source cannot be read or the version does not exist.
    """
    if source == PUBLISHED or source.startswith(VERSION_PREFIX):
        db = engine or open_database()
        wanted = _version_id(source, db)
        try:
            version = V.get_version(db, wanted)
        except KeyError:
            raise SourceError("bf_err_no_version", version=wanted) from None
        return version_data(db, version, as_of, thresholds)
    return _workbook(Path(source), as_of, thresholds, reader)


def _workbook(path: Path, as_of: dt.date, thresholds: dict | None, reader: Reader | None) -> BriefingData:
    if not path.is_file():
        raise SourceError("bf_err_no_file", file=str(path))
    limit_mb = get_setting("max_upload_mb")
    size = path.stat().st_size
    if size > limit_mb * 1048576:  # refused from its size, as an upload is: never read into memory whole
        raise SourceError("bf_err_too_large", file=path.name, size_mb=f"{size / 1048576:.1f}", limit_mb=limit_mb)
    if reader is None:  # the loaders are a layer below; only the command line module imports them
        from briefing.cli import read_workbook

        reader = read_workbook
    projects, stages, readable = reader(path.read_bytes(), path.name)
    if not readable:
        raise SourceError("bf_err_unreadable", file=path.name)
    return workbook_data(path.name, projects, stages, as_of, thresholds or thresholds_in(None))
