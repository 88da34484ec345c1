"""Cached data access for pages: everything derived from data is keyed on its version id.

Published versions never change, so a version's projects are cached under (database, version number);
bundled samples under their file's SHA-256.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from dataclasses import replace

import pandas as pd
import plotly.graph_objects as go
import streamlit as st
from sqlalchemy import Engine

from briefing import source as S
from briefing.blocks import Briefing
from briefing.build import BriefingData, build_briefing, weekly_between
from housing.changes import Changes, diff_projects, project_key
from housing.datasets import SAMPLES, file_version
from housing.hotline import surge_counts, with_hotline
from housing.i18n import LANGS, t
from housing.rules import Evidence, classify
from housing.scope import merge_districts
from housing.settings import get_setting
from housing.weekly import Weekly
from loaders import LoadResult, load_workbook
from loaders.load import empty_projects
from loaders.sandbox import run_limited
from loaders.template import build_template
from service import accounts, actions
from store import history as H
from store import hotline as HL
from store import versions as V
from store.db import database_url, open_database
from store.tasks import tasks_frame, tasks_stamp
from ui.context import Source, View

SEED_UPLOADER = actions.SYSTEM_ACCOUNT
SYSTEM_ACCOUNT = accounts.SYSTEM  # what the app does by itself: the first admin, `python -m store import`


def uploader_label(uploader: str, lang: str) -> str:
    """Who published a version, for people: the system's seeding of the sample in the reader's language
    (it is recorded under one Chinese name), anyone else by their account name."""
    names = {SEED_UPLOADER: "seed_uploader", SYSTEM_ACCOUNT: "ac_system"}  # the command line's imports: "系统"
    return t(names[uploader], lang) if uploader in names else uploader


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
        actions.seed_sample(db, result.projects, content, SAMPLES[seed].file, result.issues, result.stage_dates)
    _checked_seed.add(url)  # after seeding, so a session starting meanwhile checks again
    return db


def shared(frame: pd.DataFrame) -> pd.DataFrame:
    """A cached frame handed to one page run: a shallow copy, so a column the run adds or a value it sets stays
    in its own copy (pandas copies on write) while the data is not copied, nor pickled as ``st.cache_data``
    would (unpickling a judged 10,000-project register, reasons and all, took most of a second every run)."""
    return frame.copy(deep=False)


@st.cache_resource(show_spinner=False, max_entries=32)
def _version_projects_kept(url: str, version_id: int) -> pd.DataFrame:
    return V.version_projects(open_database(url), version_id)


def _version_projects(url: str, version_id: int) -> pd.DataFrame:
    return shared(_version_projects_kept(url, version_id))


def version_projects(version_id: int) -> pd.DataFrame:
    """A published version's projects (cached: a version never changes)."""
    return _version_projects(database_url(), version_id)


@st.cache_resource(show_spinner=False, max_entries=8)
def _version_changes(url: str, old_id: int, new_id: int) -> Changes:
    return diff_projects(_version_projects(url, old_id), _version_projects(url, new_id))


def version_changes(old_id: int, new_id: int) -> Changes:
    """What changed from version ``old_id`` to ``new_id`` (the history's comparison), compared once per pair and
    process: versions never change. Kept, not pickled; its frames are read, never written to, by the pages."""
    return _version_changes(database_url(), old_id, new_id)


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
        return S.sample_baselines(projects)
    return _baselines(database_url(), source.version.id)


@st.cache_data(show_spinner=False, max_entries=16)
def _first_seen(url: str, version_id: int, tz: str) -> pd.Series:
    # the day it was published, where the users are (as version times are shown), as a plain date
    return S.seen_days(H.first_seen(open_database(url), version_id), tz)


def first_known_dates(source: Source, result: LoadResult) -> pd.Series:
    """The earliest date known for each project, by project key, to start its timeline bar when the register
    gives no start date: its earliest stage date, else (published data) the day it first appeared."""
    if source.version is None:
        return S.first_known(result.stage_dates)
    seen = _first_seen(database_url(), source.version.id, str(get_setting("timezone")))
    return S.first_known(result.stage_dates, seen)


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
    return S.thresholds_in(engine())


@st.cache_data(show_spinner=False, max_entries=16)
def _evidence(url: str, version_id: int) -> Evidence:
    db = open_database(url)
    previous = H.previous_id(db, version_id)
    return S.version_evidence(
        db,
        V.get_version(db, version_id),
        _version_stage_dates(url, version_id),
        version_projects(previous) if previous else None,
    )


@st.cache_data(show_spinner=False, max_entries=4)
def _hotline_tickets(url: str, stamp: tuple) -> pd.DataFrame:
    # ``stamp`` (ticket count, latest upload, assignments) is only the cache key: new tickets change it
    return HL.tickets(open_database(url))


def hotline_stamp() -> tuple:
    """What changes whenever the stored 12345 tickets or their assignments do (one small query per run)."""
    return HL.stamp(engine())


def hotline_tickets() -> pd.DataFrame:
    """Every stored 12345 ticket with its project (cached until an upload or an assignment changes them)."""
    return _hotline_tickets(database_url(), hotline_stamp())


def hotline_counts(as_of: dt.date) -> pd.DataFrame | None:
    """The surge rule's figures per project as of ``as_of`` (``None``: no hotline data, the rule stays silent)."""
    tickets = hotline_tickets()
    return None if tickets.empty else surge_counts(tickets, as_of)


@st.cache_resource(show_spinner=False, max_entries=16)
def _judged_kept(url: str, version_id: int, as_of: dt.date, thresholds: dict, hotline: tuple) -> pd.DataFrame:
    # ``hotline`` (the tickets' stamp) is part of the key: an upload of calls can change a project's status
    projects = with_hotline(_version_projects(url, version_id), hotline_counts(as_of))
    return classify(projects, as_of, thresholds, _evidence(url, version_id))


def _judged(url: str, version_id: int, as_of: dt.date, thresholds: dict, hotline: tuple) -> pd.DataFrame:
    return shared(_judged_kept(url, version_id, as_of, thresholds, hotline))


def judged(source: Source, result: LoadResult, as_of: dt.date, thresholds: dict) -> pd.DataFrame:
    """The data classified as of ``as_of`` with every rule the evidence allows: stage dates, and for a
    published version the previous version (slips) and when each row last changed (staleness).

    A published version's result is cached on its version id, date and thresholds, so reruns of any page
    (typing a comment on the upload page) do not judge 100,000 projects again.
    """
    if source.version is None:
        projects = with_hotline(result.projects, hotline_counts(as_of))
        return classify(projects, as_of, thresholds, Evidence(stage_dates=result.stage_dates))
    return _judged(database_url(), source.version.id, as_of, thresholds, hotline_stamp())


def judged_version(version_id: int, thresholds: dict) -> pd.DataFrame:
    """A published version classified as of the day it was published (how it stood then)."""
    url = database_url()
    as_of = S.published_day(V.get_version(open_database(url), version_id))  # how it stood then
    return _judged(url, version_id, as_of, thresholds, hotline_stamp())


@st.cache_data(show_spinner=False, max_entries=32)
def _weekly(
    url: str, compare_id: int, version_id: int, as_of: dt.date, thresholds: dict, districts: tuple, hotline: tuple
) -> Weekly:
    current = _judged(url, version_id, as_of, thresholds, hotline)
    return weekly_between(judged_version(compare_id, thresholds), current, as_of, districts)


def weekly_for(view: View, compare_id: int) -> Weekly:
    """The changes from version ``compare_id`` (as it stood when published) to the view, same districts.

    Cached on both version ids, the date, the thresholds and the districts: a filter change or another page
    does not compare 10,000 projects again."""
    version = view.source.version
    if version is None:
        return weekly_between(judged_version(compare_id, view.thresholds), view.classified, view.as_of, view.districts)
    stamp = hotline_stamp()  # the calls can change a status, so they are part of the key
    return _weekly(database_url(), compare_id, version.id, view.as_of, view.thresholds, tuple(view.districts), stamp)


def briefing_data(view: View) -> BriefingData:
    """What the briefing is built from, for the view's data and date: the same cached pieces the pages use
    (judged projects, the version a week before as it stood then, first deadlines, first known dates)."""
    source, result = view.source, view.result
    version = source.version
    compare_id = H.week_before(engine(), version) if version is not None else None
    filename = version.filename if version is not None and version.sample else ""
    return BriefingData(
        as_of=view.as_of,
        projects=view.classified,
        stage_dates=result.stage_dates,
        regions={lang: source.region(lang) for lang in LANGS},
        target_projects=source.target_for(view.as_of.year),
        version=version,
        filename=source.sample.file if source.sample else filename,
        previous=judged_version(compare_id, view.thresholds) if compare_id is not None else None,
        compare_id=compare_id,
        baselines=baselines(source, view.classified),
        first_known=first_known_dates(source, result),
        timezone=str(get_setting("timezone")),
        sample=source.sample is not None or (version is not None and version.sample),
        tasks=tasks_frame(engine()) if version is not None else None,  # tasks live beside published data
    )


@st.cache_data(show_spinner=False, max_entries=16)
def _briefing(key: tuple, _view: View, districts: tuple[str, ...], sections: tuple[str, ...], lang: str) -> Briefing:
    # ``key`` (database, version or sample file, as-of date, thresholds) names the data; the view is not hashed
    return build_briefing(briefing_data(_view), lang, districts, sections)


def data_key(view: View) -> tuple:
    """What decides the view's judged projects: database, version id (or the sample file's version), as-of date,
    thresholds and the 12345 calls (their stamp) — a cache key that never hashes a DataFrame."""
    source = view.source
    named = f"v{source.version.id}" if source.version else file_version(source.sample.path) if source.sample else ""
    thresholds = json.dumps(view.thresholds, sort_keys=True)
    return (database_url(), named, source.current_id, view.as_of, thresholds, hotline_stamp())


def briefing_for(view: View, districts: tuple[str, ...], sections: tuple[str, ...]) -> Briefing:
    """The meeting briefing for the view's data, date and language, narrowed to ``districts`` with the chosen
    ``sections``; cached on the version id (or the sample's file version), never on a DataFrame."""
    tasks = tasks_stamp(engine()) if view.source.version else ()  # a task raised or advanced changes the briefing
    return _briefing((*data_key(view), tasks), view, tuple(districts), tuple(sections), view.lang)


def briefing_key(view: View, districts: tuple[str, ...], sections: tuple[str, ...]) -> tuple:
    """What ``briefing_for`` builds its briefing from, as one key (for what is derived from that briefing: the
    projector's slides laid out, ``ui.slides.kept_deck``)."""
    tasks = tasks_stamp(engine()) if view.source.version else ()
    return (*data_key(view), tasks, tuple(districts), tuple(sections), view.lang)


@st.cache_resource(show_spinner=False, max_entries=16)
def _keys_kept(key: tuple, _projects: pd.DataFrame) -> pd.Series:
    # ``key`` (``data_key``) names the data; the frame is not hashed
    return project_key(_projects)


def project_keys(view: View) -> pd.Series:
    """``project_key`` of every project in the view's data (indexed like ``view.classified``), computed once per
    data version: one project's page looks up its baseline without normalising 50,000 names every run."""
    return _keys_kept(data_key(view), view.classified)


@st.cache_data(show_spinner=False, max_entries=32)
def _figure(_build: Callable[[], go.Figure | dict], key: tuple) -> dict:
    # ``key`` names what the figure shows; ``_build`` (not hashed) draws it once for that key
    figure = _build()
    return figure if isinstance(figure, dict) else figure.to_dict()  # a briefing chart is a dict already


def view_figure(view: View, name: str, build: Callable[[], go.Figure | dict], *parts: object) -> dict:
    """A page's chart drawn once per data version, date, filters, language and ``parts`` (e.g. the timeline's
    own pickers), then reused: building a 10,000-project figure each rerun costs more than the rest of a page."""
    key = (*data_key(view), view.districts, view.statuses, view.lang, name, *parts)
    return _figure(build, key)
