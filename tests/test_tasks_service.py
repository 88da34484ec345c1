"""Raising and advancing supervision tasks: who may, what is refused or rejected, and the audit rows written
in the same transaction as the change (SQLite, and PostgreSQL when TEST_DATABASE_URL is set)."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import insert

from service import tasks as S
from service.actions import Invalid
from service.audit import FAILED, OK, REFUSED
from service.roles import ADMIN, ADVANCE_TASK, EDITOR, RAISE_TASK, VIEWER, Actor, Refused
from store import tasks as T
from store.audit import AuditFilter, audit_rows
from store.db import writing
from store.schema import accounts

RAISED = dt.datetime(2025, 1, 24, 2, 0, tzinfo=dt.UTC)  # Friday 10:00 in Beijing, before the Spring Festival
ADMIN_LI = Actor("admin.li", ADMIN, (), "10.0.0.7")
EDITOR_LC = Actor("editor.lc", EDITOR, ("历城区",))  # limited to 历城区
EDITOR_ALL = Actor("editor.all", EDITOR)
WANG = Actor("wang.wu", VIEWER)  # the assignee: a viewer
ZHAO = Actor("zhao.liu", VIEWER)


@pytest.fixture
def db(engine):
    """The migrated engine with the accounts tasks are given to (zhao.liu is disabled later in one test)."""
    with writing(engine) as conn:
        for who in (ADMIN_LI, EDITOR_LC, EDITOR_ALL, WANG, ZHAO):
            conn.execute(
                insert(accounts).values(
                    username=who.username,
                    display_name=who.username,
                    role=who.role,
                    districts=list(who.districts),
                    created_at=RAISED,
                    created_by="system",
                )
            )
    return engine


def trail(engine) -> list[tuple]:
    """The audit trail, oldest first: (account, action, outcome, target, detail)."""
    frame = audit_rows(engine, AuditFilter(), limit=None).iloc[::-1]
    return list(zip(frame["account"], frame["action"], frame["outcome"], frame["target"], frame["detail"]))


def new_task(engine, actor=EDITOR_LC, **fields) -> int:
    given = {"title": "主体结构滞后 请说明原因", "unit": "区住建局", "assignee": "wang.wu"}
    given |= {"project": "大辛村安置区", "district": "历城区", "at": RAISED} | fields
    return S.raise_task(actor, engine=engine, **given)


def test_raise_and_advance_audited(db):
    task = new_task(db)
    S.advance_task(WANG, task, "acknowledged", at=RAISED + dt.timedelta(hours=2), engine=db)
    S.advance_task(WANG, task, "replied", "已约谈施工单位", at=dt.datetime(2025, 2, 6, 3, tzinfo=dt.UTC), engine=db)
    S.advance_task(EDITOR_LC, task, "done", "已增加班组", at=dt.datetime(2025, 2, 11, 3, tzinfo=dt.UTC), engine=db)
    frame = T.tasks_frame(db)
    row = frame.iloc[0]
    assert (row["raised_by"], row["acknowledged_by"], row["replied_by"], row["done_by"]) == (
        "editor.lc",
        "wang.wu",
        "wang.wu",
        "editor.lc",
    )
    assert (row["replied_note"], row["done_note"], row["source"]) == ("已约谈施工单位", "已增加班组", "page")
    target = f"task {task}"
    assert trail(db) == [
        (
            "editor.lc",
            RAISE_TASK,
            OK,
            target,
            {
                "title": "主体结构滞后 请说明原因",
                "unit": "区住建局",
                "assignee": "wang.wu",
                "project": "大辛村安置区",
                "district": "历城区",
                "source": "page",
            },
        ),
        # acknowledged 01-24 (kept); replied 02-06 after its deadline 02-05 (missed); done 02-11 after 02-10
        ("wang.wu", ADVANCE_TASK, OK, target, {"step": "acknowledged", "state": "kept"}),
        ("wang.wu", ADVANCE_TASK, OK, target, {"step": "replied", "state": "missed"}),
        ("editor.lc", ADVANCE_TASK, OK, target, {"step": "done", "state": "missed"}),
    ]


def test_a_double_click_raises_one_task(db):
    first = new_task(db)
    assert new_task(db, at=RAISED + dt.timedelta(seconds=20)) == first
    assert new_task(db, at=RAISED + dt.timedelta(minutes=5)) != first  # the same words later: a new task
    assert len(T.tasks_frame(db)) == 2
    assert trail(db)[1][4]["again"] is True


# (actor, fields, refusal key) — refused, audited, nothing written
RAISE_REFUSALS = [
    (WANG, {}, "sv_refused"),  # a viewer
    (EDITOR_LC, {"district": "槐荫区"}, "tk_refused_district"),
    (EDITOR_LC, {"district": None, "project": None}, "tk_refused_district"),  # a task without a district
]


@pytest.mark.parametrize(("actor", "fields", "key"), RAISE_REFUSALS)
def test_raise_refused(db, actor, fields, key):
    with pytest.raises(Refused) as refused:
        new_task(db, actor, **fields)
    assert refused.value.key == key and refused.value.action == RAISE_TASK
    assert T.tasks_frame(db).empty
    (entry,) = trail(db)
    assert entry[:4] == (actor.username, RAISE_TASK, REFUSED, "主体结构滞后 请说明原因")
    assert entry[4]["reason"] == key


# (fields, catalogue key) — rejected, the failure audited, nothing written
RAISE_INVALID = [
    ({"title": "  \n "}, "tk_bad_title"),
    ({"title": "长" * 1001}, "tk_long_title"),
    ({"unit": ""}, "tk_bad_unit"),
    ({"assignee": "nobody"}, "tk_bad_assignee"),
    ({"source": "email"}, "tk_bad_source"),
]


@pytest.mark.parametrize(("fields", "key"), RAISE_INVALID)
def test_raise_invalid(db, fields, key):
    with pytest.raises(Invalid) as invalid:
        new_task(db, EDITOR_ALL, **fields)
    assert invalid.value.key == key and T.tasks_frame(db).empty
    assert [(e[1], e[2], e[4]) for e in trail(db)] == [(RAISE_TASK, FAILED, {"error": "Invalid", "reason": key})]


def test_a_disabled_account_cannot_be_given_a_task(db):
    with writing(db) as conn:
        conn.execute(accounts.update().where(accounts.c.username == "zhao.liu").values(disabled=True))
    with pytest.raises(Invalid, match="tk_bad_assignee"):
        new_task(db, assignee="zhao.liu")


# Who may record a step of a task in 历城区 given to wang.wu: (actor, allowed?)
ADVANCERS = [
    (WANG, True),  # the assignee, though a viewer
    (ZHAO, False),  # another viewer
    (EDITOR_LC, True),  # an editor of the district
    (Actor("editor.hy", EDITOR, ("槐荫区",)), False),  # an editor of another district
    (EDITOR_ALL, True),
    (ADMIN_LI, True),
]


@pytest.mark.parametrize(("actor", "allowed"), ADVANCERS)
def test_who_may_advance(db, actor, allowed):
    task = new_task(db)
    if allowed:
        S.advance_task(actor, task, "acknowledged", engine=db)
        assert T.tasks_frame(db).iloc[0]["acknowledged_by"] == actor.username
        assert trail(db)[-1][:3] == (actor.username, ADVANCE_TASK, OK)
    else:
        with pytest.raises(Refused) as refused:
            S.advance_task(actor, task, "acknowledged", engine=db)
        assert refused.value.key == "tk_refused_advance"
        assert T.tasks_frame(db)["acknowledged_at"].isna().all()
        last = trail(db)[-1]
        assert last[:4] == (actor.username, ADVANCE_TASK, REFUSED, f"task {task}")
        assert last[4]["assignee"] == "wang.wu"


def test_a_task_without_district_is_advanced_by_its_assignee_or_an_unlimited_account(db):
    task = new_task(db, EDITOR_ALL, district=None, project=None)
    with pytest.raises(Refused):
        S.advance_task(EDITOR_LC, task, "acknowledged", engine=db)
    S.advance_task(EDITOR_ALL, task, "acknowledged", engine=db)


# (steps recorded before, step, note, catalogue key)
ADVANCE_INVALID = [
    ((), "replied", "", "tk_step_order"),
    ((), "done", "好了", "tk_step_order"),
    (("acknowledged",), "acknowledged", "", "tk_step_recorded"),
    (("acknowledged", "replied"), "done", "  ", "tk_note_missing"),
    (("acknowledged", "replied"), "done", "长" * 1001, "tk_long_note"),
    ((), "raised", "", "tk_bad_step"),
    ((), "closed", "", "tk_bad_step"),
]


@pytest.mark.parametrize(("before", "step", "note", "key"), ADVANCE_INVALID)
def test_advance_invalid(db, before, step, note, key):
    task = new_task(db)
    for done in before:
        S.advance_task(WANG, task, done, "说明", engine=db)
    with pytest.raises(Invalid) as invalid:
        S.advance_task(WANG, task, step, note, engine=db)
    assert invalid.value.key == key
    assert trail(db)[-1][1:3] == (ADVANCE_TASK, FAILED)


def test_unknown_task_and_a_time_before_the_raise(db):
    with pytest.raises(Invalid, match="tk_unknown_task"):
        S.advance_task(ADMIN_LI, 404, "acknowledged", engine=db)
    task = new_task(db)
    with pytest.raises(Invalid, match="tk_early"):
        S.advance_task(WANG, task, "acknowledged", at=RAISED - dt.timedelta(minutes=1), engine=db)


def test_an_audit_row_that_cannot_be_written_takes_the_task_with_it(db, monkeypatch):
    import service.actions as actions

    def broken(*args, **kwargs):
        raise OSError("audit table unavailable")

    monkeypatch.setattr(actions, "record", broken)
    with pytest.raises(OSError):
        new_task(db)
    assert T.tasks_frame(db).empty


def test_import_all_or_nothing(db):
    rows = [
        {"title": "一号 进度滞后", "unit": "区住建局", "assignee": "wang.wu", "project": "一号", "district": "历城区"},
        {"title": "二号 回迁延期", "unit": "街道办", "assignee": "zhao.liu", "district": "历城区"},
    ]
    ids = S.import_tasks(EDITOR_LC, rows, engine=db)
    frame = T.tasks_frame(db)
    assert frame["id"].tolist() == ids and set(frame["source"]) == {"sheet"}
    assert trail(db)[-1][1:] == (RAISE_TASK, OK, "task sheet", {"tasks": 2, "first": ids[0], "last": ids[1]})
    bad = [*rows, {"title": "", "unit": "x", "assignee": "nobody", "district": "历城区"}]
    with pytest.raises(S.InvalidRows) as invalid:
        S.import_tasks(EDITOR_LC, bad, engine=db)
    assert invalid.value.problems == [(2, "tk_bad_title"), (2, "tk_bad_assignee")]
    with pytest.raises(Refused):
        S.import_tasks(EDITOR_LC, [{**rows[0], "district": "槐荫区"}], engine=db)
    with pytest.raises(Invalid, match="tk_sheet_empty"):
        S.import_tasks(EDITOR_LC, [], engine=db)
    assert len(T.tasks_frame(db)) == 2


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("复工\x00说明", "复工说明"),  # PostgreSQL refused the write: DataError, the page's "unexpected error"
        ("复工\u202e明说", "复工明说"),  # a bidi override reordered what the table shows
        ("复工\x1b[31m", "复工[31m"),
        ("复工\u200b \n 说明", "复工 说明"),
        ("\U000f0001姓名", "\U000f0001姓名"),  # private use: a rare character of a name stays
    ],
)
def test_unseen_characters_never_reach_the_store(db, typed, stored):
    task = new_task(db, title=typed, unit=f"区住建局{typed}")
    S.advance_task(WANG, task, "acknowledged", at=RAISED + dt.timedelta(hours=1), engine=db)
    S.advance_task(WANG, task, "replied", f"已回复{typed}", at=RAISED + dt.timedelta(hours=2), engine=db)
    row = T.tasks_frame(db).set_index("id").loc[task]
    assert (row["title"], row["unit"], row["replied_note"]) == (stored, f"区住建局{stored}", f"已回复{stored}")
