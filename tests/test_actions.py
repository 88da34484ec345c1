"""The service layer: every (role, action) pair allowed or refused, audit rows in the same transaction,
district-limited editors, confirmations, idempotent double submits; and no page or ``ui`` module writes.

Runs on SQLite, and on PostgreSQL too when TEST_DATABASE_URL is set (the ``engine`` fixture).
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from sqlalchemy import func, select

from loaders import LoadResult
from service import actions as S
from service.audit import FAILED, OK, REFUSED
from service.roles import (
    ACTIONS,
    ADMIN,
    ADVANCE_TASK,
    EDITOR,
    EXPORT,
    MANAGE_ACCOUNTS,
    PUBLISH,
    RAISE_TASK,
    READ_AUDIT,
    ROLES,
    ROLLBACK,
    SAVE_MAPPING,
    SAVE_SETTINGS,
    UPLOAD,
    VIEW,
    VIEWER,
    Actor,
    Refused,
)
from store import versions as V
from store.audit import AuditFilter, audit_rows
from store.mappings import remembered_mapping
from store.schema import settings_log, versions
from store.settings_log import RULE_THRESHOLDS, load_setting

ROOT = Path(__file__).resolve().parents[1]
DISTRICTS = {"甲区": ["一号", "二号"], "乙区": ["三号", "四号"]}


def rows(households: int = 100, only: str | None = None) -> list[dict]:
    """The register: two districts of two projects, ``households`` each (``only``: one district's rows)."""
    return [
        {"name": name, "district": district, "households": households, "floor_area_m2": 1000.0}
        for district, names in DISTRICTS.items()
        if only in (None, district)
        for name in names
    ]


@pytest.fixture
def world(engine, project_table):
    """Two published versions (by 王五), the second current; ``world.file(...)`` builds an upload."""

    class World:
        db = engine

        @staticmethod
        def file(households: int = 200, only: str | None = None, names: list[str] | None = None) -> LoadResult:
            table = rows(households, only)
            if names is not None:
                table = [r for r in table if r["name"] in names]
            return LoadResult("w.xlsx", project_table(table))

    for households in (100, 150):
        V.publish(
            engine, project_table(rows(households)), content=f"{households}".encode(), filename="x", uploader="王五"
        )
    return World


def actor(role: str, districts: tuple[str, ...] = ()) -> Actor:
    return Actor(f"{role}_li", role, districts, "10.0.0.7")


def written(engine) -> tuple[int, int]:
    """How many versions and settings rows there are: what a refused action must leave as it was."""
    with engine.connect() as conn:
        return conn.scalar(select(func.count()).select_from(versions)), conn.scalar(
            select(func.count()).select_from(settings_log)
        )


def trail(engine):
    """The audit trail, oldest first, as (account, action, outcome, target) plus the detail column."""
    frame = audit_rows(engine, AuditFilter(), limit=None).iloc[::-1]
    return list(zip(frame["account"], frame["action"], frame["outcome"], frame["target"])), list(frame["detail"])


# Each action the service performs, called as the test's actor would call it; returns what a check reads.
CALLS = {
    PUBLISH: lambda w, a: S.publish(w.db, a, w.file(), b"week 3", "第3周.xlsx", expected=2),
    ROLLBACK: lambda w, a: S.rollback(w.db, a, 1, "有误", expected=2, confirmed=True),
    SAVE_SETTINGS: lambda w, a: S.save_thresholds(w.db, a, {"stale": {"weeks": 6}}),
    SAVE_MAPPING: lambda w, a: S.remember_mapping(w.db, a, ["名称", "户"], {"户": "households"}),
    UPLOAD: lambda w, a: S.record_upload(w.db, a, "第3周.xlsx", "ab" * 32, OK, {"errors": 0, "projects": 4}),
    EXPORT: lambda w, a: S.record_export(w.db, a, "audit.xlsx", {"account": "王五"}),
    READ_AUDIT: lambda w, a: S.read_audit(w.db, a, AuditFilter()),
}
# What each role may do, written out (not derived from PERMISSIONS, so a wrong permission fails here).
ALLOWED = {
    VIEWER: {EXPORT},
    EDITOR: {EXPORT, UPLOAD, PUBLISH, ROLLBACK, SAVE_MAPPING},
    ADMIN: {EXPORT, UPLOAD, PUBLISH, ROLLBACK, SAVE_MAPPING, SAVE_SETTINGS, READ_AUDIT},
}
# Actions without a write here: viewing changes nothing; accounts are managed by ``service.accounts``, tasks
# by ``service.tasks`` (tests/test_tasks_service.py, where the assignee may advance a task whatever their role).
NOT_HERE = {VIEW, MANAGE_ACCOUNTS, RAISE_TASK, ADVANCE_TASK}
# What an allowed action changed: (versions added, settings rows added) and the trail's target.
EFFECTS = {
    PUBLISH: ((1, 0), "version 3"),
    ROLLBACK: ((1, 0), "version 3"),
    SAVE_SETTINGS: ((0, 1), RULE_THRESHOLDS),
    SAVE_MAPPING: ((0, 1), "column mapping"),
    UPLOAD: ((0, 0), "第3周.xlsx"),
    EXPORT: ((0, 0), "audit.xlsx"),
    READ_AUDIT: ((0, 0), None),  # reading changes nothing and is not recorded
}


def test_every_action_is_covered():
    assert set(CALLS) | NOT_HERE == set(ACTIONS) and set(ALLOWED) == set(ROLES)


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("action", sorted(CALLS))
def test_each_role_may_do_exactly_its_actions(world, role, action):
    who, before = actor(role), written(world.db)
    if action in ALLOWED[role]:
        CALLS[action](world, who)
        (versions_added, settings_added), target = EFFECTS[action]
        after = written(world.db)
        assert (after[0] - before[0], after[1] - before[1]) == (versions_added, settings_added)
        expected = [] if target is None else [(who.username, action, OK, target)]
    else:
        with pytest.raises(Refused) as refused:
            CALLS[action](world, who)
        assert refused.value.action == action and refused.value.key == "sv_refused"
        assert written(world.db) == before  # nothing written
        expected = [(who.username, action, REFUSED, refused_target(action))]
    assert trail(world.db)[0] == expected
    assert audit_rows(world.db, AuditFilter(), limit=None)["address"].tolist() == ["10.0.0.7"] * len(expected)


def refused_target(action: str) -> str:
    return {PUBLISH: "第3周.xlsx", ROLLBACK: "version 1", SAVE_SETTINGS: RULE_THRESHOLDS}.get(
        action, EFFECTS[action][1] or "audit trail"
    )


def test_the_author_is_the_acting_account(world):
    editor, admin = actor(EDITOR), actor(ADMIN)
    published = S.publish(world.db, editor, world.file(), b"week 3", "第3周.xlsx", "第3周", expected=2)
    assert (published.version.uploader, published.version.comment, published.new) == ("editor_li", "第3周", True)
    rolled = S.rollback(world.db, editor, 1, expected=3, confirmed=True)
    assert (rolled.version.uploader, rolled.version.restored_from) == ("editor_li", 1)
    S.save_thresholds(world.db, admin, {"stale": {"weeks": 6}})
    assert load_setting(world.db, RULE_THRESHOLDS) == {"stale": {"weeks": 6}}
    S.remember_mapping(world.db, editor, ["名称", "户"], {"户": "households"})
    assert remembered_mapping(world.db, ["户", "名称"]) == {"户": "households"}
    entries, details = trail(world.db)
    assert entries == [
        ("editor_li", PUBLISH, OK, "version 3"),
        ("editor_li", ROLLBACK, OK, "version 4"),
        ("admin_li", SAVE_SETTINGS, OK, RULE_THRESHOLDS),
        ("editor_li", SAVE_MAPPING, OK, "column mapping"),
    ]
    assert details[0]["file"] == "第3周.xlsx" and details[0]["sha256"] == V.sha256(b"week 3")
    assert details[1] == {"restored": 1, "new": True}


# --- the work and its audit row: one transaction ------------------------------------------------------------


def test_a_publish_that_fails_leaves_no_version_and_no_ok_row(world, monkeypatch):
    def broken(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(V, "_insert_rows", broken)  # fails after the version row was inserted
    before = written(world.db)
    with pytest.raises(OSError):
        S.publish(world.db, actor(EDITOR), world.file(), b"week 3", "第3周.xlsx", expected=2)
    assert written(world.db) == before and V.current_version_id(world.db) == 2
    entries, details = trail(world.db)
    assert entries == [("editor_li", PUBLISH, FAILED, "第3周.xlsx")] and details == [{"error": "OSError"}]


def test_an_audit_row_that_cannot_be_written_takes_the_version_with_it(world, monkeypatch):
    def broken(*args, **kwargs):
        raise OSError("audit table unavailable")

    monkeypatch.setattr(S, "record", broken)
    before = written(world.db)
    with pytest.raises(OSError):
        S.publish(world.db, actor(EDITOR), world.file(), b"week 3", "第3周.xlsx", expected=2)
    with pytest.raises(OSError):
        S.save_thresholds(world.db, actor(ADMIN), {"stale": {"weeks": 6}})
    assert written(world.db) == before and V.current_version_id(world.db) == 2


def test_inconsistent_thresholds_are_refused_and_recorded_as_failed(world):
    with pytest.raises(S.Invalid) as invalid:
        S.save_thresholds(world.db, actor(ADMIN), {"behind_schedule": {"yellow_points": 40, "red_points": 30}})
    assert invalid.value.key == "ad_inconsistent" and load_setting(world.db, RULE_THRESHOLDS) is None
    assert trail(world.db) == (
        [("admin_li", SAVE_SETTINGS, FAILED, RULE_THRESHOLDS)],
        [{"error": "Invalid", "reason": "ad_inconsistent"}],
    )


# --- district-limited editors -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("only", "scope", "reason"),
    [
        ("甲区", ["甲区"], None),  # its own district, as a district update
        ("甲区", None, "sv_refused_scope"),  # its own rows as the whole register would drop 乙区
        (None, ["甲区"], "sv_refused_rows"),  # the file has 乙区 rows too
        ("乙区", ["乙区"], "sv_refused_rows"),  # another district altogether
        ("甲区", ["甲区", "乙区"], "sv_refused_scope"),  # a scope beyond its districts
    ],
)
def test_a_district_limited_editor_publishes_only_its_districts(world, only, scope, reason):
    limited, before = actor(EDITOR, ("甲区",)), written(world.db)
    call = lambda: S.publish(world.db, limited, world.file(300, only), b"jia", "甲区.xlsx", scope=scope, expected=2)  # noqa: E731
    if reason is None:
        version = call().version
        merged = V.version_projects(world.db, version.id)
        assert merged.groupby("district")["households"].sum().to_dict() == {"甲区": 600, "乙区": 300}
        assert trail(world.db)[0] == [("editor_li", PUBLISH, OK, f"version {version.id}")]
        return
    with pytest.raises(Refused) as refused:
        call()
    assert refused.value.key == reason and written(world.db) == before
    entries, details = trail(world.db)
    assert entries == [("editor_li", PUBLISH, REFUSED, "甲区.xlsx")] and details[0]["reason"] == reason
    assert details[0]["districts"] == ["甲区"]


def test_a_district_limited_editor_cannot_replace_the_sample_nor_roll_back(engine, project_table):
    seeded = S.seed_sample(engine, project_table(rows()), b"sample", "sample.xlsx", [], None)
    assert seeded is not None and seeded.uploader == S.SYSTEM_ACCOUNT
    limited = actor(EDITOR, ("甲区",))
    upload = LoadResult("w.xlsx", project_table(rows(300, "甲区")))
    with pytest.raises(Refused) as refused:  # over the sample a district's file is the whole register
        S.publish(engine, limited, upload, b"jia", "甲区.xlsx", scope=["甲区"], expected=1)
    assert refused.value.key == "sv_refused_scope" and V.current_version_id(engine) == 1
    with pytest.raises(Refused) as refused:
        S.rollback(engine, limited, 1, confirmed=True)
    assert refused.value.key == "sv_refused_rollback_districts"
    assert trail(engine)[0] == [
        (S.SYSTEM_ACCOUNT, PUBLISH, OK, "version 1"),
        ("editor_li", PUBLISH, REFUSED, "甲区.xlsx"),
        ("editor_li", ROLLBACK, REFUSED, "version 1"),
    ]
    assert S.seed_sample(engine, project_table(rows()), b"sample", "sample.xlsx", [], None) is None
    assert len(trail(engine)[0]) == 3  # a second start seeds nothing and records nothing


# --- confirmations and double submits -----------------------------------------------------------------------


def test_a_large_removal_needs_the_confirmation(world):
    editor = actor(EDITOR)
    small = world.file(names=["一号"])  # three of four projects would go
    with pytest.raises(S.NeedsConfirmation) as needed:
        S.publish(world.db, editor, small, b"one", "一号.xlsx", expected=2)
    assert needed.value.removal.projects["name"].tolist() == ["二号", "三号", "四号"]
    assert needed.value.removal.households == 450 and V.current_version_id(world.db) == 2
    published = S.publish(world.db, editor, small, b"one", "一号.xlsx", expected=2, confirmed=True)
    assert published.version.projects == 1
    assert [e[2] for e in trail(world.db)[0]] == [FAILED, OK]
    assert trail(world.db)[1][0] == {"error": "NeedsConfirmation", "projects": 3, "households": 450}


def test_a_rollback_needs_the_confirmation_naming_what_goes(world, project_table):
    editor = actor(EDITOR)
    V.publish(
        world.db,
        project_table(rows(150) + [{"name": "五号", "district": "乙区", "households": 80}]),
        content=b"5",
        filename="x",
        uploader="王五",
    )
    with pytest.raises(S.NeedsConfirmation) as needed:
        S.rollback(world.db, editor, 2, expected=3)
    assert needed.value.removal.projects["name"].tolist() == ["五号"] and needed.value.removal.households == 80
    assert V.current_version_id(world.db) == 3


def test_publishing_the_same_preview_twice_makes_one_version(world):
    editor = actor(EDITOR)
    first = S.publish(world.db, editor, world.file(), b"week 3", "第3周.xlsx", expected=2)
    second = S.publish(world.db, editor, world.file(), b"week 3", "第3周.xlsx", expected=2)
    assert (first.version.id, first.new, second.version.id, second.new) == (3, True, 3, False)
    assert [v.id for v in V.list_versions(world.db)] == [3, 2, 1]
    entries, details = trail(world.db)
    assert [e[3] for e in entries] == ["version 3", "version 3"] and [d["new"] for d in details] == [True, False]


def test_rolling_back_twice_on_the_same_confirmation_makes_one_version(world):
    editor = actor(EDITOR)
    first = S.rollback(world.db, editor, 1, expected=2, confirmed=True)
    second = S.rollback(world.db, editor, 1, expected=2, confirmed=True)
    assert (first.version.id, first.new, second.version.id, second.new) == (3, True, 3, False)
    with pytest.raises(V.VersionMoved):  # a different rollback on the stale confirmation is refused
        S.rollback(world.db, editor, 2, expected=2, confirmed=True)
    assert [v.id for v in V.list_versions(world.db)] == [3, 2, 1]
    assert [e[2] for e in trail(world.db)[0]] == [OK, OK, FAILED]


# --- only the service writes ---------------------------------------------------------------------------------

# Store functions that write, and SQL statements: a page or ui module calling one bypasses the service.
STORE_WRITES = {
    "publish",
    "publish_in",
    "publish_if_empty",
    "publish_if_empty_in",
    "rollback",
    "rollback_in",
    "save_setting",
    "save_setting_in",
    "remember_mapping",
    "remember_mapping_in",
    "writing",
    "record",
    "migrate",
}
SQL_WRITES = {"insert", "update", "delete", "execute", "exec_driver_sql", "executemany", "begin", "commit"}
WRITERS = ("store", "sqlalchemy", "service.audit")  # modules whose writes only the service may call


def _bindings(tree: ast.Module) -> tuple[dict[str, str], set[str]]:
    """Names imported from a writing module (local name -> original name) and aliases of those modules."""
    names, modules = {}, set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and (node.module or "").startswith(WRITERS):
            for alias in node.names:
                is_module = (node.module or "") == "store"  # from store import versions as V
                (
                    modules.add(alias.asname or alias.name)
                    if is_module
                    else names.__setitem__(alias.asname or alias.name, alias.name)
                )
        elif isinstance(node, ast.Import):
            modules |= {a.asname or a.name for a in node.names if a.name.startswith(WRITERS)}
    return names, modules


def _dotted(node: ast.expr) -> str:
    """``store.versions`` for the expression ``store.versions`` (empty for anything but names and attributes)."""
    if isinstance(node, ast.Name):
        return node.id
    return f"{_dotted(node.value)}.{node.attr}" if isinstance(node, ast.Attribute) else ""


def store_writes(source: str) -> list[str]:
    """The store or SQL writes ``source`` calls (``V.publish(...)``, ``save_setting(...)``, ``conn.execute``)."""
    tree = ast.parse(source)
    names, modules = _bindings(tree)
    found = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        if isinstance(func, ast.Name) and names.get(func.id) in STORE_WRITES | SQL_WRITES:
            found.append(func.id)
        elif isinstance(func, ast.Attribute) and func.attr in SQL_WRITES - {"update"}:
            found.append(func.attr)  # conn.execute(...) on any connection, however it was obtained
        elif isinstance(func, ast.Attribute) and _dotted(func.value) in modules:
            found += [func.attr] if func.attr in STORE_WRITES | SQL_WRITES else []
    return found


@pytest.mark.parametrize(
    ("source", "found"),
    [
        ("from store import versions as V\nV.publish(db, p)", ["publish"]),
        ("import store.versions\nstore.versions.rollback(db, 1, 'x')", ["rollback"]),
        ("from store.settings_log import save_setting as keep\nkeep(db, 'k', 1, 'x')", ["keep"]),
        ("from store.mappings import remember_mapping\nremember_mapping(db, [], {}, 'x')", ["remember_mapping"]),
        ("from store.db import writing\nwith writing(db) as c: pass", ["writing"]),
        ("from sqlalchemy import insert\ninsert(t)", ["insert"]),
        ("with db.connect() as c:\n    c.execute(q)", ["execute"]),
        ("from service.audit import record\nrecord(c, 'a', 'b')", ["record"]),
        ("from service import actions\nactions.publish(db, a, r, b'', 'f')", []),  # the service: allowed
        ("from store import versions as V\nV.version_projects(db, 1)", []),  # reading: allowed
        ("st.session_state.update(x=1)", []),  # a dict's update is no SQL
    ],
)
def test_the_write_finder_finds_writes(source, found):
    assert store_writes(source) == found


@pytest.mark.parametrize(
    "path",
    sorted((ROOT / "views").glob("*.py")) + sorted((ROOT / "ui").glob("*.py")) + [ROOT / "app.py"],
    ids=lambda p: f"{p.parent.name}/{p.name}",
)
def test_no_page_or_ui_module_writes_but_through_the_service(path):
    assert store_writes(path.read_text(encoding="utf-8")) == []
