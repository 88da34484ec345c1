"""How far projects have come: the stage funnel, one project's stage plan against its actual dates, and
each project's deadline against its first published one (its baseline).

Pure functions from the loader's tables (``loaders.load.LoadResult.projects`` after ``classify``, and
``stage_dates``: name, district, stage_id, planned, actual) to small frames the pages and charts read.
Projects and stage dates are matched as the warning rules match them (``housing.rules``): by district + name,
normalised (``housing.changes.project_key``); where two projects share both, the stage dates go to the first.

Funnel counting rules (``stage_funnel``). A project has reached a milestone (主体封顶 ``topped_out``,
联合验收 ``acceptance``, 交房入住 ``handover``) when any of these holds:

1. its current stage (``stage_id``, from the 形象进度 text) is at or past the milestone;
2. the stage sheet gives an actual date (on or before ``as_of`` when given) for the milestone or any later stage;
3. for handover: it is handed over by the as-of date (status ``done``).

Reaching a later milestone counts as having reached the earlier ones (a handed-over project whose stage text
is blank has topped out too), so the funnel never widens.

Stage plan (``stage_plan``). A stage's bar runs from the previous stage's date to its own (planned bars from
planned dates, actual bars from actual dates): the stage sheet records when each stage was *completed*, so
the work of a stage lies between its predecessor's completion and its own. The first stage of the sheet has
no predecessor and is a milestone: its bar starts and ends on its own date (charts draw it as a point).
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from housing.changes import KEY_SEP, project_key
from housing.register import UNNAMED
from housing.stages import STAGE_IDS, is_at_or_past, stage_index
from housing.status import DONE

MILESTONES: tuple[str, ...] = ("topped_out", "acceptance", "handover")
TOTAL = "total"  # the funnel's first row: every project in view
MEASURES: tuple[str, ...] = ("projects", "households", "floor_area_m2")
FUNNEL_COLUMNS = ["step", "projects", "households", "floor_area_m2"]
PLAN_COLUMNS = [
    "stage_id",
    "planned_start",
    "planned_end",
    "actual_start",
    "actual_end",
    "done",
    "running",
    "slip_days",
]


# --- matching stage dates to projects ------------------------------------------------------------------------


def _pair_keys(frame: pd.DataFrame) -> pd.Series:
    """District + name, normalised, without the occurrence number ``project_key`` gives a repeated pair."""
    keys = project_key(frame[["district", "name"]]).to_numpy(object)
    return pd.Series([KEY_SEP.join(k.split(KEY_SEP, 2)[:2]) for k in keys], index=frame.index, dtype=object)


def _stage_ids(frame: pd.DataFrame) -> pd.Series:
    """The ``stage_id`` column, or an all-missing one for a table without it (stage not known)."""
    return frame["stage_id"] if "stage_id" in frame else pd.Series(None, index=frame.index, dtype=object)


def _as_timestamp(day) -> pd.Timestamp | None:
    """A date (or ``None``) as a midnight Timestamp, comparable with the tables' datetime64 columns."""
    return None if day is None else pd.Timestamp(day).normalize()


# --- the funnel ----------------------------------------------------------------------------------------------


def furthest_stage(
    classified: pd.DataFrame, stage_dates: pd.DataFrame | None = None, as_of: dt.date | None = None
) -> pd.Series:
    """Each project's furthest stage position reached (see the module doc), −1 when nothing tells."""
    here = _stage_ids(classified).map(lambda s: stage_index(s) if isinstance(s, str) else None)
    furthest = pd.to_numeric(here, errors="coerce").fillna(-1).to_numpy("int64")
    if stage_dates is not None and len(stage_dates) and len(classified):
        done = stage_dates["actual"].notna()
        if as_of is not None:
            done &= stage_dates["actual"] <= _as_timestamp(as_of)
        dated = stage_dates[done]
        positions = dated["stage_id"].map(lambda s: stage_index(s) if isinstance(s, str) else None)
        by_pair = pd.Series(pd.to_numeric(positions, errors="coerce").to_numpy(), index=_pair_keys(dated).to_numpy())
        best = by_pair.groupby(level=0).max()
        # A pair's dates belong to its first project only: its full key equals the pair key.
        from_dates = best.reindex(project_key(classified).to_numpy(object)).fillna(-1).to_numpy("int64")
        furthest = np.maximum(furthest, from_dates)
    handed = (classified["status"] == DONE).fillna(False).to_numpy(bool)
    furthest = np.where(handed, STAGE_IDS.index("handover"), furthest)
    return pd.Series(furthest, index=classified.index, name="furthest")


def reached(
    classified: pd.DataFrame, stage_dates: pd.DataFrame | None = None, as_of: dt.date | None = None
) -> pd.DataFrame:
    """One boolean column per milestone: whether each project has reached it (rules: module doc)."""
    furthest = furthest_stage(classified, stage_dates, as_of)
    return pd.DataFrame({m: furthest >= STAGE_IDS.index(m) for m in MILESTONES}, index=classified.index)


def _totals(projects: pd.DataFrame) -> tuple[int, int, float]:
    """Projects, households and floor area (m²) of a set of projects (missing figures count as 0)."""
    households = int(pd.to_numeric(projects["households"], errors="coerce").fillna(0).sum())
    area = float(pd.to_numeric(projects["floor_area_m2"], errors="coerce").fillna(0).sum())
    return len(projects), households, area


def stage_funnel(
    classified: pd.DataFrame, stage_dates: pd.DataFrame | None = None, as_of: dt.date | None = None
) -> pd.DataFrame:
    """Projects, households and floor area (m²) that have reached each milestone, after a ``total`` row.

    Rows (``step``): ``total`` (every project given), then ``MILESTONES`` in order; counting rules in the module
    doc. ``as_of`` ignores actual stage dates after it (viewing an earlier date); ``None`` counts them all.
    """
    hit = reached(classified, stage_dates, as_of)
    rows = [(TOTAL, *_totals(classified))]
    rows += [(m, *_totals(classified[hit[m].to_numpy(bool)])) for m in MILESTONES]
    return pd.DataFrame(rows, columns=FUNNEL_COLUMNS)


def stage_counts(classified: pd.DataFrame) -> pd.DataFrame:
    """Projects, households and floor area (m²) at each current stage, in stage order.

    One row per stage (``stage_id``), zero where no project is at it, plus a last row with a missing
    ``stage_id`` for projects whose stage is not known, when there are any.
    """
    ids = _stage_ids(classified)
    known = ids.where(ids.isin(STAGE_IDS))
    rows: list[tuple[str | None, int, int, float]]
    rows = [(s, *_totals(classified[(known == s).fillna(False).to_numpy(bool)])) for s in STAGE_IDS]
    unknown = classified[known.isna().to_numpy(bool)]
    if len(unknown):
        rows.append((None, *_totals(unknown)))
    return pd.DataFrame(rows, columns=["stage_id", "projects", "households", "floor_area_m2"])


# --- one project's stage plan --------------------------------------------------------------------------------


def project_stage_dates(stage_dates: pd.DataFrame, name: str, district: str | None) -> pd.DataFrame:
    """The stage-date rows of one project (matched by normalised district + name), one per known stage, in order.

    A stage repeated in the sheet keeps its first row.
    """
    if stage_dates is None or stage_dates.empty:
        return stage_dates.iloc[0:0] if stage_dates is not None else pd.DataFrame(columns=["stage_id"])
    wanted = _pair_keys(pd.DataFrame({"district": [district], "name": [name]})).iloc[0]
    rows = stage_dates[(_pair_keys(stage_dates) == wanted).to_numpy(bool) & stage_dates["stage_id"].isin(STAGE_IDS)]
    rows = rows.drop_duplicates("stage_id", keep="first")
    order = rows["stage_id"].map(stage_index).astype("int64")
    return rows.iloc[np.argsort(order.to_numpy(), kind="stable")].reset_index(drop=True)


def stage_plan(
    stage_dates: pd.DataFrame, name: str, district: str | None, as_of: dt.date, stage_id: str | None = None
) -> pd.DataFrame:
    """One row per stage of one project, in sequence order: planned and actual bars, done, running, slip.

    Columns: ``stage_id``; ``planned_start``/``planned_end`` and ``actual_start``/``actual_end`` (bars run
    from the previous stage's date to the stage's own; the first stage, or one whose predecessor lacks that
    date, is a point at its own date; a stage not done has no ``actual_end`` but keeps ``actual_start``, where
    its work began); ``done`` (an actual date on or before ``as_of``, or the project's current ``stage_id`` at
    or past the stage); ``running`` (not done and the planned date has passed: the slip still grows);
    ``slip_days`` (Int64: actual − planned when done with both dates, negative when early; as_of − planned
    when running; missing otherwise). An actual date after ``as_of`` has not happened yet as of that day.
    """
    rows = project_stage_dates(stage_dates, name, district)
    today = pd.Timestamp(as_of).normalize()  # ``as_of`` is never None here
    planned = pd.to_datetime(rows["planned"]).reset_index(drop=True) if len(rows) else pd.Series(dtype="M8[ns]")
    actual = pd.to_datetime(rows["actual"]).reset_index(drop=True) if len(rows) else pd.Series(dtype="M8[ns]")
    actual = actual.where(actual <= today)
    ids = rows["stage_id"].astype(object).reset_index(drop=True) if len(rows) else pd.Series(dtype=object)
    by_stage = ids.map(lambda s: isinstance(stage_id, str) and is_at_or_past(stage_id, s)).astype(bool)
    done = actual.notna() | by_stage
    running = ~done & (planned < today)
    slip = (actual - planned).dt.days.where(actual.notna())
    slip = slip.where(~running, (today - planned).dt.days)
    plan = pd.DataFrame(
        {
            "stage_id": ids,
            "planned_start": planned.shift(1).fillna(planned),
            "planned_end": planned,
            "actual_start": actual.shift(1).fillna(actual),
            "actual_end": actual,
            "done": done.to_numpy(bool),
            "running": running.to_numpy(bool),
            "slip_days": slip.round().astype("Int64").array if len(ids) else pd.array([], dtype="Int64"),
        }
    )
    return plan[PLAN_COLUMNS]


# --- deadlines against their baseline ------------------------------------------------------------------------


def baseline_frame(classified: pd.DataFrame, baselines: pd.Series, keys: pd.Series | None = None) -> pd.DataFrame:
    """Per project: its baseline (first published) deadline, its current deadline, and the slip in days.

    ``baselines`` is indexed by ``project_key`` (``ui.data.baselines``); keys are computed on ``classified`` as
    given, so pass the whole table and narrow the result (its index is ``classified``'s), or pass the rows
    wanted with their ``keys`` (``project_key`` of the whole table, narrowed the same way: one project's detail
    needs one row). ``slip_days`` (Int64) is current − baseline: positive when the deadline moved later,
    missing when either is missing.
    """
    by_key = (project_key(classified) if keys is None else keys).to_numpy(object)
    baseline = pd.to_datetime(pd.Series(baselines).reindex(by_key).to_numpy())
    frame = classified[["name", "district", "households", "status", "deadline", "handed_over"]].copy()
    frame.insert(4, "baseline", baseline)
    frame["slip_days"] = (frame["deadline"] - frame["baseline"]).dt.days.astype("Int64").array
    return frame


def deadline_history(history: pd.DataFrame) -> pd.DataFrame:
    """A project's history across versions (``ui.data.project_history``), with ``deadline_change`` added:
    days the deadline moved since the version before (Int64; missing for the first version or a missing date)."""
    frame = history.sort_values("version_id", kind="stable").reset_index(drop=True)
    deadlines = pd.to_datetime(frame["deadline"])
    frame["deadline_change"] = (deadlines - deadlines.shift(1)).dt.days.astype("Int64").array
    return frame


# --- deadlines against their baseline at scale: how many projects moved how far, per district --------------------

# The slip bands of ``slip_summary``, earliest first: each band's key and the days it covers (``lo`` < days ≤ ``hi``
# for the later bands). ``earlier``: the deadline moved earlier; ``unchanged``: it is the baseline; ``unknown``:
# either date is missing (a project added since the first version has its own deadline as baseline, so this is
# a project without a deadline).
SLIP_BANDS: tuple[tuple[str, float, float], ...] = (
    ("earlier", float("-inf"), -1),
    ("unchanged", -1, 0),
    ("later_30", 0, 30),
    ("later_90", 30, 90),
    ("later_180", 90, 180),
    ("later_more", 180, float("inf")),
)
UNKNOWN_BAND = "unknown"
SLIP_BAND_KEYS: tuple[str, ...] = (*(key for key, _, _ in SLIP_BANDS), UNKNOWN_BAND)
LATER_BANDS: tuple[str, ...] = ("later_30", "later_90", "later_180", "later_more")


def slip_band(slip_days: pd.Series) -> pd.Series:
    """Each project's band (``SLIP_BANDS``) from its slip in days (``baseline_frame``'s ``slip_days``):
    ``later_30`` for 1–30 days later, ``later_90`` for 31–90, ``later_180`` for 91–180, ``later_more`` beyond,
    ``unchanged`` for 0, ``earlier`` for any move earlier, ``unknown`` where the slip is missing."""
    days = pd.to_numeric(slip_days, errors="coerce").astype("Float64").to_numpy(dtype=float, na_value=np.nan)
    bands = np.full(len(days), UNKNOWN_BAND, dtype=object)
    for key, lo, hi in SLIP_BANDS:
        bands[(days > lo) & (days <= hi)] = key
    return pd.Series(bands, index=slip_days.index, name="band")


def slip_summary(frame: pd.DataFrame, column: str) -> pd.DataFrame:
    """Per ``column`` value (district or street; missing as ``UNNAMED``) of a ``baseline_frame`` (with
    ``column``): projects and households in each slip band (columns ``projects_<band>``, ``households_<band>``),
    the totals ``projects`` / ``households``, ``slipped`` (projects later than their baseline) and
    ``slipped_households``, and ``max_slip`` (the largest slip in days, 0 when none moved later). One row per value,
    most slipped projects first, then by name (a blank one last)."""
    places = frame[column].fillna(UNNAMED).astype(str).to_numpy(object)
    households = pd.to_numeric(frame["households"], errors="coerce").fillna(0).astype("int64").to_numpy()
    counted = pd.DataFrame({"place": places, "band": slip_band(frame["slip_days"]).to_numpy(), "hh": households})
    bands = list(SLIP_BAND_KEYS)
    projects = pd.crosstab(counted["place"], counted["band"]).reindex(columns=bands, fill_value=0)
    homes = counted.pivot_table(index="place", columns="band", values="hh", aggfunc="sum", fill_value=0)
    homes = homes.reindex(index=projects.index, columns=bands, fill_value=0)
    later = [b for b in bands if b in LATER_BANDS]
    out = pd.concat([projects.add_prefix("projects_"), homes.add_prefix("households_")], axis=1).astype("int64")
    out["projects"] = projects.to_numpy().sum(axis=1)
    out["households"] = homes.to_numpy().sum(axis=1)
    out["slipped"] = projects[later].to_numpy().sum(axis=1)
    out["slipped_households"] = homes[later].to_numpy().sum(axis=1)
    slips = pd.to_numeric(frame["slip_days"], errors="coerce").astype("Float64").clip(lower=0).fillna(0)
    out["max_slip"] = slips.groupby(places).max().reindex(out.index).fillna(0).astype("int64")
    out = out.rename_axis(index=column, columns=None).reset_index()
    out["_blank"] = out[column] == UNNAMED  # a place the workbook left blank after the named ones it ties with
    ordered = out.sort_values(["slipped", "_blank", column], ascending=[False, True, True], kind="stable")
    return ordered.drop(columns="_blank").reset_index(drop=True)
