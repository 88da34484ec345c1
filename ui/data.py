"""Cached data access for pages: everything derived from data is keyed on its version id.

Published versions never change, so a version's projects are cached under (database, version number);
bundled samples under their file's SHA-256.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

import pandas as pd
import streamlit as st
from sqlalchemy import Engine

from housing.changes import project_key
from housing.clock import date_at, zone
from housing.datasets import SAMPLES, file_version
from housing.rules import Evidence, classify, effective_thresholds
from housing.scope import merge_districts
from housing.settings import get_setting
from housing.weekly import Weekly, weekly_changes
from loaders import LoadResult, load_workbook
from loaders.load import empty_projects
from loaders.sandbox import run_limited
from loaders.template import build_template
from service import actions as S
from store import history as H
from store import versions as V
from store.db import database_url, open_database
from store.settings_log import RULE_THRESHOLDS, load_setting
from ui.context import Source, View

SEED_UPLOADER = S.SYSTEM_ACCOUNT
_checked_seed: set[str] = set()  # databases this process has already seeded or found published


@st.cache_data(show_spinner=False, max_entries=16)
def _load_sample(dataset_id: str, version: str) -> LoadResult:
    # ``version`` is only the cache key: a changed file gets a new SHA-256 and is read again.
    return load_workbook(SAMPLES[dataset_id].path)


def load_sample(dataset_id: str) -> LoadResult:
    """The bundled sample's projects and load issues, read once per file version."""
    return _load_sample(dataset_id, file_version(SAMPLES[dataset_id].path))


def engine() -> Engine:
    """The configured database, migrated; on first start the configured sample becomes version 1.

    The emptiness check runs once per database and process: versions are never deleted, so a database
    that had one never needs seeding again (and every page run would otherwise pay a query for it).
    """
    url = database_url()
    db = open_database(url)
    if url in _checked_seed:
        return db
    seed = str(get_setting("seed_sample"))
    if seed in SAMPLES and V.current_version_id(db) is None:
        result = load_sample(seed)
        content = SAMPLES[seed].path.read_bytes()
        S.seed_sample(db, result.projects, content, SAMPLES[seed].file, result.issues, result.stage_dates)
    _checked_seed.add(url)  # after seeding, so a session starting meanwhile checks again
    return db


@st.cache_data(show_spinner=False, max_entries=32)
def _version_projects(url: str, version_id: int) -> pd.DataFrame:
    return V.version_projects(open_database(url), version_id)


def version_projects(version_id: int) -> pd.DataFrame:
    """A published version's projects (cached: a version never changes)."""
    return _version_projects(database_url(), version_id)


@st.cache_data(show_spinner=False, max_entries=32)
def _version_stage_dates(url: str, version_id: int) -> pd.DataFrame:
    return V.version_stage_dates(open_database(url), version_id)


def version_result(version: V.Version) -> LoadResult:
    """A published version as the loader's result: projects, stage dates and the warnings kept with it."""
    stages = _version_stage_dates(database_url(), version.id)
    return LoadResult(version.filename, version_projects(version.id), list(version.issues), stage_dates=stages)


def scoped_upload(result: LoadResult, current: V.Version | None, scope: list[str] | None) -> LoadResult:
    """What publishing the upload gives, for the preview: the file itself, or (``scope``: the districts it
    replaces) the current version with those districts' projects and stage dates taken from the file.

    Publishing does the same merge again inside its write transaction (``store.versions.publish``), onto the
    version current then, so a district published meanwhile is kept."""
    if current is None or not scope:
        return result
    base = version_result(current)
    projects = merge_districts(base.projects, result.projects, scope)
    stages = merge_districts(base.stage_dates, result.stage_dates, scope)
    return replace(result, projects=projects, stage_dates=stages)


@st.cache_data(show_spinner=False, max_entries=32)
def _baselines(url: str, version_id: int) -> pd.Series:
    return H.baseline_deadlines(open_database(url), version_id)


def baselines(source: Source, projects: pd.DataFrame) -> pd.Series:
    """Each project's first published deadline by project key (a sample has one version: its deadlines)."""
    if source.version is None:
        return pd.Series(projects["deadline"].to_numpy(), index=project_key(projects).to_numpy(), name="baseline")
    return _baselines(database_url(), source.version.id)


def earliest_stage_dates(stage_dates: pd.DataFrame) -> pd.Series:
    """Each project's earliest planned or actual stage date, by project key (projects with none left out)."""
    dates = stage_dates.assign(_first=stage_dates[["planned", "actual"]].min(axis=1)).dropna(subset=["_first"])
    if dates.empty:
        return pd.Series(dtype="datetime64[ns]", name="first_known")
    first = dates.groupby(["district", "name"], dropna=False, sort=False)["_first"].min().reset_index()
    return pd.Series(
        pd.to_datetime(first["_first"]).to_numpy(), index=project_key(first).to_numpy(), name="first_known"
    )


@st.cache_data(show_spinner=False, max_entries=16)
def _first_seen(url: str, version_id: int, tz: str) -> pd.Series:
    seen = H.first_seen(open_database(url), version_id)
    # the day it was published, where the users are (as version times are shown), as a plain date
    local = pd.to_datetime(seen.dt.tz_convert(zone(tz)).dt.date) if len(seen) else seen.astype("datetime64[ns]")
    return pd.Series(local.to_numpy(), index=seen.index, name="first_known")


def first_known_dates(source: Source, result: LoadResult) -> pd.Series:
    """The earliest date known for each project, by project key, to start its timeline bar when the register
    gives no start date: its earliest stage date, else (published data) the day it first appeared."""
    stages = earliest_stage_dates(result.stage_dates)
    if source.version is None:
        return stages
    seen = _first_seen(database_url(), source.version.id, str(get_setting("timezone")))
    return stages.combine_first(seen).rename("first_known")


@st.cache_data(show_spinner=False, max_entries=64)
def _project_history(url: str, version_id: int, district: str | None, name: str) -> pd.DataFrame:
    return H.project_history(open_database(url), district, name, upto=version_id)


def project_history(source: Source, district: str | None, name: str) -> pd.DataFrame:
    """One project across the published versions up to the one in view (empty for a sample)."""
    if source.version is None:
        return H.project_history_frame()
    return _project_history(database_url(), source.version.id, district, name)


def load_source(dataset: str, version_id: int | None) -> tuple[Source, LoadResult]:
    """The chosen data: a bundled sample, or a published version (``None``: the current one)."""
    if dataset in SAMPLES:
        return Source(sample=SAMPLES[dataset]), load_sample(dataset)
    db = engine()
    current_id = V.current_version_id(db)
    wanted = version_id or current_id
    try:
        version = V.get_version(db, wanted) if wanted else None
    except KeyError:  # a link to a version this database does not have: show the current one
        version = V.get_version(db, current_id) if current_id else None
    if version is None:
        return Source(current_id=None), LoadResult("", empty_projects())
    return Source(version=version, current_id=current_id), version_result(version)


@st.cache_data(show_spinner=False, max_entries=8)
def _template(url: str, lang: str, version_id: int | None) -> bytes:
    projects = version_projects(version_id) if version_id else empty_projects()
    districts = sorted(projects["district"].dropna().unique())
    streets = {d: sorted(projects.loc[projects["district"] == d, "street"].dropna().unique()) for d in districts}
    # The districts and streets are text from uploaded files: built under the same limits as reading one.
    return run_limited(build_template, lang, districts, streets)


def template_bytes(lang: str, version_id: int | None) -> bytes:
    """The empty template in ``lang``, its drop-downs listing the districts and streets of ``version_id``."""
    return _template(database_url(), lang, version_id)


def rule_thresholds() -> dict[str, dict[str, float]]:
    """The rule thresholds in force: those saved on the settings page over the documented defaults.

    Read on every run (one small query), so a change applies at once for everyone.
    """
    return effective_thresholds(load_setting(engine(), RULE_THRESHOLDS))


@st.cache_data(show_spinner=False, max_entries=16)
def _evidence(url: str, version_id: int) -> Evidence:
    db = open_database(url)
    version = V.get_version(db, version_id)
    previous = H.previous_id(db, version_id)
    return Evidence(
        stage_dates=_version_stage_dates(url, version_id),
        previous=version_projects(previous) if previous else None,
        unchanged_since=H.unchanged_since(db, version),
    )


@st.cache_data(show_spinner=False, max_entries=16)
def _judged(url: str, version_id: int, as_of: dt.date, thresholds: dict) -> pd.DataFrame:
    return classify(version_projects(version_id), as_of, thresholds, _evidence(url, version_id))


def judged(source: Source, result: LoadResult, as_of: dt.date, thresholds: dict) -> pd.DataFrame:
    """The data classified as of ``as_of`` with every rule the evidence allows: stage dates, and for a
    published version the previous version (slips) and when each row last changed (staleness).

    A published version's result is cached on its version id, date and thresholds, so reruns of any page
    (typing a comment on the upload page) do not judge 100,000 projects again.
    """
    if source.version is None:
        return classify(result.projects, as_of, thresholds, Evidence(stage_dates=result.stage_dates))
    return _judged(database_url(), source.version.id, as_of, thresholds)


def judged_version(version_id: int, thresholds: dict) -> pd.DataFrame:
    """A published version classified as of the day it was published (how it stood then)."""
    url = database_url()
    version = V.get_version(open_database(url), version_id)
    as_of = date_at(version.created_at)  # the publication day in the zone the version times are shown in
    return _judged(url, version_id, as_of, thresholds)


def weekly_for(view: View, compare_id: int) -> Weekly:
    """The changes from version ``compare_id`` (as it stood when published) to the view, same districts."""
    old = judged_version(compare_id, view.thresholds)
    new = view.classified
    if view.districts:
        old, new = old[old["district"].isin(view.districts)], new[new["district"].isin(view.districts)]
    return weekly_changes(old, new, view.as_of)
