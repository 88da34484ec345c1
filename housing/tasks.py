"""Supervision tasks (督办事项) and the "1-3-7" clock: acknowledged in 1, replied in 3, done in 7 working days.

A task is raised, then acknowledged (签收, 一天马上就办), replied to (回复, 三天必有回音) and done (办结, 七天落地生根),
each step time-stamped. Every limit counts working days after the day the task was raised (``housing.workdays``:
China's official calendar with its make-up working days), or calendar days when ``task_calendar_days`` is 1;
the limits themselves are the settings ``task_ack_days``, ``task_reply_days`` and ``task_done_days``.

A step's state on a given day ("as of"):

- ``kept``: recorded on or before its deadline (the deadline day itself still counts);
- ``missed``: recorded, but after its deadline;
- ``due``: not recorded yet, and the deadline has not passed (the deadline day included);
- ``late_open``: not recorded, and the deadline has passed.

A step records on the day of its time stamp in the ``timezone`` setting (the districts' day, not UTC's).
Pure domain: no store, no Streamlit. Everything runs column by column over a table of tasks.
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from collections.abc import Collection, Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

from housing.clock import today, zone
from housing.settings import get_setting
from housing.workdays import add_working_days, add_working_days_many

STEPS: tuple[str, ...] = ("raised", "acknowledged", "replied", "done")
CLOCKED: tuple[str, ...] = STEPS[1:]  # the steps with a deadline
LIMIT_SETTINGS: dict[str, str] = {
    "acknowledged": "task_ack_days",
    "replied": "task_reply_days",
    "done": "task_done_days",
}
CALENDAR_SETTING = "task_calendar_days"
KEPT, MISSED, DUE, LATE_OPEN = "kept", "missed", "due", "late_open"
STATES: tuple[str, ...] = (KEPT, MISSED, DUE, LATE_OPEN)
NOT_ON_TIME: frozenset[str] = frozenset({MISSED, LATE_OPEN})  # shown in red
SOURCES: tuple[str, ...] = ("page", "briefing", "sheet")  # where a task was raised
# Unicode categories of characters a text never shows: controls, formats (bidi overrides, zero-width), lone
# surrogates. Private-use and not-yet-assigned code points stay: rare characters of names live there.
UNSEEN = frozenset({"Cc", "Cf", "Cs"})
MONTH, UNIT = "month", "unit"  # what ``compliance`` groups by

# The columns of a table of tasks (``store.tasks.tasks_frame``); times are aware datetimes (UTC).
COLUMNS: tuple[str, ...] = (
    "id",
    "title",
    "project",
    "district",
    "unit",
    "assignee",
    "raised_by",
    "raised_at",
    "acknowledged_at",
    "acknowledged_by",
    "replied_at",
    "replied_by",
    "replied_note",
    "done_at",
    "done_by",
    "done_note",
    "source",
)
TIME_COLUMNS: tuple[str, ...] = tuple(f"{step}_at" for step in STEPS)


def limits(settings: Mapping | None = None) -> dict[str, int]:
    """Each clocked step's limit in days (the settings, or ``settings`` overriding them)."""
    return {step: int(get_setting(key, dict(settings or {}))) for step, key in LIMIT_SETTINGS.items()}


def calendar_days(settings: Mapping | None = None) -> bool:
    """Whether the limits count calendar days (``task_calendar_days`` = 1) instead of working days."""
    return bool(int(get_setting(CALENDAR_SETTING, dict(settings or {}))))


def deadlines(raised_on: dt.date, settings: Mapping | None = None) -> dict[str, dt.date]:
    """The last day each clocked step may be recorded on and still be on time, for a task raised on ``raised_on``."""
    calendar = calendar_days(settings)
    return {step: add_working_days(raised_on, n, calendar) for step, n in limits(settings).items()}


def local_days(times: pd.Series, tz: str | None = None) -> pd.Series:
    """The day (midnight, naive ``datetime64``) each time stamp falls on in ``tz`` (default: the ``timezone``
    setting); naive time stamps are read as UTC (SQLite returns them so). Missing stays missing."""
    stamped = pd.to_datetime(times, utc=True)
    return stamped.dt.tz_convert(zone(tz)).dt.tz_localize(None).dt.normalize().astype("datetime64[ns]")


def _frame(tasks: pd.DataFrame) -> pd.DataFrame:
    """``tasks`` with every time column present (a missing one as all-missing)."""
    missing = {c: pd.Series(pd.NaT, index=tasks.index) for c in TIME_COLUMNS if c not in tasks}
    return tasks.assign(**missing) if missing else tasks


def task_states(
    tasks: pd.DataFrame, as_of: dt.date, settings: Mapping | None = None, tz: str | None = None
) -> pd.DataFrame:
    """Each task's clock as of ``as_of``, aligned with ``tasks``' index.

    Columns: ``raised_on``; per clocked step ``<step>_due`` (its deadline) and ``<step>_state`` (one of
    ``STATES``); ``next_step`` (the first step not recorded, ``None`` when done); ``open`` (not done yet);
    ``late`` (a step missed or late); ``judged`` (its outcome is known: done, its last deadline passed,
    or a step already not on time); ``on_time`` (all three steps kept).
    """
    frame = _frame(tasks)
    raised = local_days(frame["raised_at"], tz)
    day = np.datetime64(as_of, "ns")
    calendar = calendar_days(settings)
    out = pd.DataFrame({"raised_on": raised}, index=frame.index)
    late = pd.Series(False, index=frame.index)
    kept_all = pd.Series(True, index=frame.index)
    for step, n in limits(settings).items():
        due = add_working_days_many(raised, n, calendar)
        on = local_days(frame[f"{step}_at"], tz)
        recorded = on.notna().to_numpy()
        in_time = (on <= due).to_numpy()
        passed = (due < day).to_numpy()
        state = np.select([recorded & in_time, recorded, passed], [KEPT, MISSED, LATE_OPEN], default=DUE)
        out[f"{step}_due"] = due
        out[f"{step}_state"] = state
        late |= np.isin(state, list(NOT_ON_TIME))
        kept_all &= state == KEPT
    stamped = pd.DataFrame({step: frame[f"{step}_at"].notna() for step in CLOCKED})
    following = [next((step for step in CLOCKED if not row[step]), None) for row in stamped.to_dict("records")]
    out["next_step"] = pd.Series(following, index=frame.index, dtype=object)
    out["open"] = out["next_step"].notna()
    out["late"] = late
    out["on_time"] = kept_all
    out["judged"] = ~out["open"] | (out["done_due"] < day) | late
    return out


def step_states(task_row: Mapping | pd.Series, as_of: dt.date, settings: Mapping | None = None) -> dict[str, str]:
    """Each clocked step's state (``kept`` / ``missed`` / ``due`` / ``late_open``) of one task as of ``as_of``."""
    row = dict(task_row)
    frame = pd.DataFrame([{c: row.get(c) for c in TIME_COLUMNS}])
    states = task_states(frame, as_of, settings).iloc[0]
    return {step: str(states[f"{step}_state"]) for step in CLOCKED}


def compliance(
    tasks: pd.DataFrame, by: str, as_of: dt.date | None = None, settings: Mapping | None = None
) -> pd.DataFrame:
    """The 1-3-7 compliance rate by ``by`` (``"month"`` the task was raised in, as ``"2025-02"``, or ``"unit"``).

    Columns: ``by``, ``tasks`` (raised), ``judged`` (outcome known, see ``task_states``), ``on_time`` (all
    three steps kept), ``late`` (a step missed or late), ``open``, and ``rate`` = on_time / judged (missing
    when nothing is judged yet: an empty month has no rate, not 0%). Sorted by ``by``.
    """
    if by not in (MONTH, UNIT):
        raise ValueError(f"compliance is by {MONTH!r} or {UNIT!r}, not {by!r}")
    columns = [by, "tasks", "judged", "on_time", "late", "open", "rate"]
    if tasks.empty:
        return pd.DataFrame({c: pd.Series(dtype=object if c == by else "float64") for c in columns})
    states = task_states(tasks, as_of or today(), settings)
    key = states["raised_on"].dt.strftime("%Y-%m") if by == MONTH else tasks["unit"].astype(object).fillna("")
    table = pd.DataFrame(
        {
            by: key.to_numpy(object),
            "tasks": 1,
            "judged": states["judged"].astype(int),
            "on_time": (states["judged"] & states["on_time"]).astype(int),
            "late": states["late"].astype(int),
            "open": states["open"].astype(int),
        }
    )
    grouped = table.groupby(by, sort=True).sum().reset_index()
    grouped["rate"] = (grouped["on_time"] / grouped["judged"].where(grouped["judged"] > 0)).astype("float64")
    return grouped[columns]


def next_step(task: Mapping) -> str | None:
    """The first clocked step of ``task`` not recorded yet (``None``: done)."""
    return next((step for step in CLOCKED if _blank(task.get(f"{step}_at"))), None)


def _blank(value: object) -> bool:
    """Whether a field holds nothing (``None``, NaN, NaT or blank text)."""
    if isinstance(value, str):
        return not value.strip()
    return (
        value is None or value is pd.NaT or value is pd.NA or (isinstance(value, float) and value != value)
    )  # NaN is not itself


def clean_text(value: object) -> str:
    """A typed or imported text as stored: characters nobody sees (``UNSEEN``: controls, bidi overrides,
    zero-width characters) removed, runs of white space (line breaks too) made one space, trimmed. A NUL
    typed into a task's form failed the write on PostgreSQL; a bidi override reordered what the table shows."""
    if _blank(value):
        return ""
    text = str(value)
    if not text.isprintable():  # NUL (PostgreSQL refuses it), ESC, bidi overrides, zero-width characters
        text = "".join(c if c.isspace() or unicodedata.category(c) not in UNSEEN else "" for c in text)
    return " ".join(text.split())


def task_problems(fields: Mapping, assignees: Collection[str], max_chars: int | None = None) -> list[str]:
    """What keeps ``fields`` (title, unit, assignee, source, project, district) from being a task, as catalogue
    keys (empty: none). ``assignees``: the accounts a task may be given to; ``max_chars``: the longest text
    (default: the ``max_text_chars`` setting)."""
    longest = int(max_chars if max_chars is not None else get_setting("max_text_chars"))
    problems = []
    for name in ("title", "unit"):
        text = clean_text(fields.get(name))
        if not text:
            problems.append(f"tk_bad_{name}")
        elif len(text) > longest:
            problems.append(f"tk_long_{name}")
    if any(len(clean_text(fields.get(name))) > longest for name in ("project", "district")):
        problems.append("tk_long_project")
    if clean_text(fields.get("assignee")) not in assignees:
        problems.append("tk_bad_assignee")
    if fields.get("source", SOURCES[0]) not in SOURCES:
        problems.append("tk_bad_source")
    return problems


def tasks_as_of(tasks: pd.DataFrame, as_of: dt.date, tz: str | None = None) -> pd.DataFrame:
    """The tasks as they stood at the end of ``as_of``: those raised later left out, steps recorded later
    blanked (with their author and note), so a briefing for a past date shows what was known then."""
    frame = _frame(tasks)
    end = pd.Timestamp(as_of)
    kept = frame[(local_days(frame["raised_at"], tz) <= end).to_numpy()].copy()
    for step in CLOCKED:
        later = (local_days(kept[f"{step}_at"], tz) > end).to_numpy()
        if later.any():
            kept.loc[later, f"{step}_at"] = pd.NaT
            for extra in (f"{step}_by", f"{step}_note"):
                if extra in kept:
                    kept.loc[later, extra] = "" if extra.endswith("_note") else None
    return kept


@dataclass(frozen=True)
class TaskWeek:
    """The tasks' week up to ``as_of`` (the days after ``since``), as the briefing reports it.

    ``new``: raised in the week, oldest first; ``done``: done in the week, in order (with ``done_on`` and
    ``on_time``); ``missed``:
    one row per step not on time that the meeting should hear of — every step still open past its deadline,
    and every step recorded late whose deadline fell in the week — with ``task`` (index label), ``step``,
    ``state`` and ``due``, longest overdue first; ``open``: tasks not done; ``judged`` / ``on_time``: over
    every task so far (the 1-3-7 compliance rate is on_time / judged).
    """

    since: dt.date
    as_of: dt.date
    new: pd.DataFrame
    done: pd.DataFrame
    missed: pd.DataFrame
    open: int
    judged: int
    on_time: int


def task_week(
    tasks: pd.DataFrame, as_of: dt.date, days: int = 7, settings: Mapping | None = None, tz: str | None = None
) -> TaskWeek:
    """The week of ``days`` days ending with ``as_of``, from ``tasks`` as they stood then (``tasks_as_of``)."""
    since = as_of - dt.timedelta(days=days)
    now = tasks_as_of(tasks, as_of, tz)
    states = task_states(now, as_of, settings, tz)
    start, end = pd.Timestamp(since), pd.Timestamp(as_of)
    in_week = (states["raised_on"] > start) & (states["raised_on"] <= end)
    done_on = local_days(now["done_at"], tz) if len(now) else pd.Series(dtype="datetime64[ns]")
    finished = (done_on > start) & (done_on <= end)
    done = now[finished.to_numpy()].assign(done_on=done_on[finished], on_time=states.loc[finished, "on_time"])
    rows = []
    for step in CLOCKED:
        state, due = states[f"{step}_state"], states[f"{step}_due"]
        listed = (state == LATE_OPEN) | ((state == MISSED) & (due > start) & (due <= end))
        rows.append(
            pd.DataFrame({"task": states.index[listed], "step": step, "state": state[listed], "due": due[listed]})
        )
    missed = pd.concat(rows, ignore_index=True).sort_values(["due", "task"], kind="stable", ignore_index=True)
    return TaskWeek(
        since=since,
        as_of=as_of,
        new=now[in_week.to_numpy()].sort_values("raised_at", kind="stable"),
        done=done.sort_values("done_at", kind="stable"),
        missed=missed,
        open=int(states["open"].sum()),
        judged=int(states["judged"].sum()),
        on_time=int((states["judged"] & states["on_time"]).sum()),
    )
