"""Supervision tasks (督办事项): raising them and recording their steps, checked and audited like every write.

As in ``service.actions``: each call checks the acting account, does the work and writes its audit row in
one transaction; a refusal or failure is recorded in a transaction of its own and raised (``Refused``,
``Invalid``). Who may do what:

- raise a task (``RAISE_TASK``): editors and administrators; a district-limited editor only for a project in
  their districts (a task without a district needs an account limited to no district);
- record a task's next step (``ADVANCE_TASK``): its assignee, whatever their role; editors and administrators
  for any task within their districts.

Steps are recorded in order (acknowledged, replied, done), each once; "done" needs a note of what was done.
A second submit of the same new task within a minute returns the first one (a double click raises one task).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping

from sqlalchemy import Connection, Engine

from housing.clock import date_at, now_utc
from housing.settings import get_setting
from housing.tasks import CLOCKED, SOURCES, STEPS, clean_text, next_step, step_states, task_problems
from service.actions import Invalid, _audited
from service.roles import ADVANCE_TASK, RAISE_TASK, Actor, Refused
from store import tasks as T

AGAIN_WITHIN = dt.timedelta(minutes=1)  # the same task submitted again this soon is a double click
SHEET_TARGET = "task sheet"  # the audit row's target for an import


class InvalidRows(Invalid):
    """Rows of a task sheet that cannot be tasks: ``problems`` holds (row position, catalogue key) pairs."""

    def __init__(self, problems: list[tuple[int, str]]) -> None:
        super().__init__("tk_sheet_invalid")
        self.problems = problems


def task_target(task_id: int) -> str:
    """The audit trail's target for one task."""
    return f"task {task_id}"


def _instant(at: dt.datetime | None) -> dt.datetime:
    """``at`` as an aware UTC instant (a naive one is read as UTC); now when ``None``."""
    if at is None:
        return now_utc()
    return (at if at.tzinfo else at.replace(tzinfo=dt.UTC)).astimezone(dt.UTC)


def _fields(title, unit, assignee, project, district, source) -> dict:
    """The fields of a new task as stored (texts cleaned; a blank project or district is none)."""
    return {
        "title": clean_text(title),
        "unit": clean_text(unit),
        "assignee": clean_text(assignee),
        "project": clean_text(project) or None,
        "district": clean_text(district) or None,
        "source": source,
    }


def may_raise_for(actor: Actor, district: str | None) -> bool:
    """Whether ``actor`` may raise a task for a project in ``district`` (the role aside)."""
    return not actor.districts or (district is not None and actor.covers([district]))


def may_advance(actor: Actor, task: Mapping) -> bool:
    """Whether ``actor`` may record ``task``'s next step: its assignee, or an editor or administrator whose
    districts include the task's (a task without a district: only one limited to no district)."""
    if actor.username == task.get("assignee"):
        return True
    return actor.may(ADVANCE_TASK) and may_raise_for(actor, task.get("district"))


def _detail(fields: Mapping) -> dict:
    """What the trail keeps of a new task (its own words, never a secret)."""
    return {k: fields[k] for k in ("title", "unit", "assignee", "project", "district", "source") if fields.get(k)}


def _check_rows(conn: Connection, actor: Actor, rows: list[dict], sheet: bool = False) -> None:
    """Refuse (``Refused``) rows outside the actor's districts, then reject rows that are no tasks: ``Invalid``
    naming the first problem of a single task, ``InvalidRows`` naming all of a ``sheet``'s."""
    outside = sorted({str(r["district"] or "—") for r in rows if not may_raise_for(actor, r["district"])})
    if outside:
        raise Refused(RAISE_TASK, "tk_refused_district", districts=list(actor.districts), outside=outside)
    people = T.assignable_in(conn)
    problems = [(i, key) for i, row in enumerate(rows) for key in task_problems(row, people)]
    if problems:
        raise InvalidRows(problems) if sheet else Invalid(problems[0][1])


def raise_task(
    actor: Actor,
    *,
    title: str,
    unit: str,
    assignee: str,
    project: str | None = None,
    district: str | None = None,
    source: str = "page",
    at: dt.datetime | None = None,
    engine: Engine,
) -> int:
    """Raise a task given to ``assignee`` (a username) for ``unit``, about ``project`` in ``district`` (optional),
    as ``actor`` at ``at`` (default now); returns its id. ``Invalid`` names what is wrong with the fields."""
    fields = _fields(title, unit, assignee, project, district, source)
    when = _instant(at)

    def work(conn: Connection) -> tuple[int, str, dict]:
        _check_rows(conn, actor, [fields])
        found = T.recent_task_in(conn, {**fields, "raised_by": actor.username}, when - AGAIN_WITHIN)
        if found is not None:
            return found, task_target(found), {**_detail(fields), "again": True}
        task_id = T.insert_task_in(conn, **fields, raised_by=actor.username, raised_at=when)
        return task_id, task_target(task_id), _detail(fields)

    return _audited(engine, actor, RAISE_TASK, fields["title"][:200] or "task", work)


def advance_task(
    actor: Actor, task_id: int, step: str, note: str = "", at: dt.datetime | None = None, *, engine: Engine
) -> None:
    """Record ``step`` (acknowledged / replied / done) of task ``task_id`` at ``at`` (default now) as ``actor``,
    with ``note`` (the reply; what was done: required for "done"). The audit row says whether it was on time.

    ``Refused`` for an account that is neither the assignee nor an editor or administrator of the task's
    district; ``Invalid`` for an unknown task or step, a step out of order or recorded already, a missing or
    too long note, or a time before the previous step's.
    """
    when, text = _instant(at), clean_text(note)
    target = task_target(task_id)

    def work(conn: Connection) -> tuple[None, str, dict]:
        task = T.task_in(conn, task_id)
        if task is None:
            raise Invalid("tk_unknown_task")
        if not may_advance(actor, task):
            raise Refused(ADVANCE_TASK, "tk_refused_advance", assignee=task["assignee"])
        if step not in CLOCKED:
            raise Invalid("tk_bad_step")
        if task[f"{step}_at"] is not None:
            raise Invalid("tk_step_recorded")
        if step != next_step(task):
            raise Invalid("tk_step_order")
        if step == "done" and not text:
            raise Invalid("tk_note_missing")
        if len(text) > int(get_setting("max_text_chars")):
            raise Invalid("tk_long_note")
        previous = task[f"{STEPS[STEPS.index(step) - 1]}_at"]
        if when < previous:
            raise Invalid("tk_early")
        try:
            T.advance_in(conn, task_id, step, actor.username, when, text)
        except T.StepTaken:
            raise Invalid("tk_step_recorded") from None
        state = step_states({**task, f"{step}_at": when}, date_at(when))[step]
        return None, target, {"step": step, "state": state}

    _audited(engine, actor, ADVANCE_TASK, target, work, by_role=False)


def import_tasks(actor: Actor, rows: Iterable[Mapping], engine: Engine) -> list[int]:
    """Raise every task of a checked task sheet in one transaction (all or none), as ``actor``; returns their
    ids in the rows' order. A row has title, unit, assignee and optionally project, district and raised_at
    (an aware datetime; default now). ``InvalidRows`` lists every row that cannot be a task."""
    when = now_utc()
    given = list(rows)
    table = [
        {
            **_fields(r.get("title"), r.get("unit"), r.get("assignee"), r.get("project"), r.get("district"), "sheet"),
            "raised_at": _instant(r.get("raised_at") or when),
        }
        for r in given
    ]

    def work(conn: Connection) -> tuple[list[int], str, dict]:
        if not table:
            raise Invalid("tk_sheet_empty")
        _check_rows(conn, actor, table, sheet=True)
        ids = [T.insert_task_in(conn, **row, raised_by=actor.username) for row in table]
        return ids, SHEET_TARGET, {"tasks": len(ids), "first": ids[0], "last": ids[-1]}

    return _audited(engine, actor, RAISE_TASK, SHEET_TARGET, work)


__all__ = ["SOURCES", "InvalidRows", "advance_task", "import_tasks", "may_advance", "may_raise_for", "raise_task"]
