"""The register's one declaration and what derives from it: ``housing.register``."""

from __future__ import annotations

import ast
from pathlib import Path

import pandas as pd
import pytest

from housing import changes
from housing.register import (
    COMPARED,
    FIELDS,
    PROJECT_COLUMNS,
    STORED,
    RegisterMismatch,
    check_projects,
    empty_projects,
    project_dtypes,
)
from loaders.table import project_frame
from store.history import WATCHED
from store.schema import DATE_FIELDS, PROJECT_FIELDS, project_rows

ROOT = Path(__file__).resolve().parents[1]


def test_store_columns_are_the_registers():
    assert list(PROJECT_FIELDS) == PROJECT_COLUMNS
    assert set(DATE_FIELDS) == {f.name for f in STORED if f.kind == "date"}
    assert not project_rows.c["name"].nullable  # the one required field
    assert all(project_rows.c[f.name].nullable for f in STORED if not f.required)


def test_loader_table_and_empty_frame_have_the_registers_dtypes():
    assert {c: str(t) for c, t in empty_projects().dtypes.items()} == project_dtypes()
    parsed = {"name": ["甲"], "households": [3.0], "investment_planned": [1.5e8], "completion_actual": [None]}
    frame = project_frame("项目", [4], parsed)
    assert check_projects(frame) is frame
    assert frame.loc[0, "investment_planned"] == 1.5e8 and frame.loc[0, "row"] == 5


def test_diff_fields_and_history_derive_from_the_register():
    assert tuple(f.name for f in COMPARED) == changes.FIELDS
    assert set(changes.FIELD_LABELS) == set(changes.FIELDS)
    assert {"flats", "investment_planned", "completion_actual", "leader"} <= set(changes.FIELDS)
    assert set(WATCHED) == set(changes.FIELDS) - {"street"}


@pytest.mark.parametrize(
    ("spoil", "message"),
    [
        (lambda f: f.drop(columns="leader"), "missing ['leader']"),
        (lambda f: f.assign(extra=1), "unexpected ['extra']"),
        (lambda f: f.astype({"households": "float64"}), "households"),
        (lambda f: f.astype({"deadline": "object"}), "deadline"),
    ],
)
def test_check_projects_refuses_a_frame_that_differs(spoil, message):
    with pytest.raises(RegisterMismatch, match=message.replace("[", r"\[").replace("]", r"\]")):
        check_projects(spoil(empty_projects()))


def test_every_label_is_in_the_catalogue():
    from housing.i18n import CATALOGUE

    assert all(f.label in CATALOGUE for f in FIELDS)


def _imports(package: str) -> set[tuple[str, str]]:
    """(file, module) for every module a package's files import, at any level of the file."""
    found = set()
    for path in (ROOT / package).rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module:
                found.add((path.name, node.module))
            elif isinstance(node, ast.Import):
                found |= {(path.name, a.name) for a in node.names}
    return found


def _runtime_imports(package: str) -> set[tuple[str, str]]:
    """As ``_imports``, without those under ``if TYPE_CHECKING:`` (types only, never run)."""
    out = set()
    for path in (ROOT / package).rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        guarded = {
            id(n)
            for node in ast.walk(tree)
            if isinstance(node, ast.If) and getattr(node.test, "id", "") == "TYPE_CHECKING"
            for n in ast.walk(node)
        }
        for node in ast.walk(tree):
            if id(node) in guarded:
                continue
            if isinstance(node, ast.ImportFrom) and node.module:
                out.add((path.name, node.module))
            elif isinstance(node, ast.Import):
                out |= {(path.name, alias.name) for alias in node.names}
    return out


# Layers only look down: loaders -> domain (housing) -> storage -> service -> UI helpers -> pages.
# ``commands`` (command-line entry points) sits above every layer: no layer imports it.
FORBIDDEN = {
    "housing": {"loaders", "store", "service", "ui", "views", "streamlit", "briefing", "commands"},
    "store": {"loaders", "service", "ui", "views", "streamlit", "briefing", "commands"},
    "service": {"loaders", "ui", "views", "streamlit", "commands"},
    "briefing": {"ui", "views", "streamlit", "commands"},
    "commands": {"ui", "views", "streamlit"},  # it reads with the loader and writes through the service
    # files are read without the store: the task sheet is given the projects and accounts to match
    "loaders": {"store", "service", "ui", "views", "streamlit", "briefing", "commands"},
}
# Modules of a package allowed to reach a layer its other modules may not: the command line is an entry point
# (it reads workbooks through the loader's sandbox, and the scheduled push sends through the service);
# ``store/__main__.py`` (``python -m store``) only hands over to ``commands``.
ENTRY_POINTS = {"briefing": {"cli.py": {"loaders", "service"}}, "store": {"__main__.py": {"commands"}}}


def test_only_entry_points_reach_past_their_layer():
    reaching = {
        (f, m.split(".")[0])
        for f, m in _runtime_imports("briefing")
        if m.split(".")[0] in {"loaders", "service"} and m.split(".")[0] not in ENTRY_POINTS["briefing"].get(f, set())
    }
    assert reaching == set()


@pytest.mark.parametrize("package", sorted(FORBIDDEN))
def test_layers_only_import_downwards(package):
    imports = _runtime_imports(package)
    allowed = lambda f, m: m.split(".")[0] in ENTRY_POINTS.get(package, {}).get(f, set())  # noqa: E731
    assert [(f, m) for f, m in imports if m.split(".")[0] in FORBIDDEN[package] and not allowed(f, m)] == []


def test_entry_points_only_hand_over():
    """``store/__main__.py`` imports nothing but ``sys`` and what it is exempt for (its logic lives there)."""
    for name, exempt in ENTRY_POINTS["store"].items():
        imports = {m.split(".")[0] for f, m in _runtime_imports("store") if f == name}
        assert imports <= exempt | {"sys"}


def test_no_import_cycle_among_changes_rollup_rules_status():
    graph = {
        name: {
            m.split(".")[1] for f, m in _runtime_imports("housing") if f == f"{name}.py" and m.startswith("housing.")
        }
        for name in ("changes", "rollup", "rules", "status", "statuses")
    }

    def reaches(start: str, target: str, seen: frozenset = frozenset()) -> bool:
        return any(
            n == target or (n in graph and n not in seen and reaches(n, target, seen | {n})) for n in graph[start]
        )

    assert [name for name in graph if reaches(name, name)] == []


def test_frames_read_from_storage_are_checked(tmp_path):
    from sqlalchemy import create_engine

    from store import db
    from store.versions import ANY_VERSION, publish, version_projects

    engine = create_engine(f"sqlite:///{tmp_path / 'r.db'}")
    db.migrate(engine)
    frame = project_frame("项目", [2], {"name": ["甲"], "flats": [12.0], "leader": ["张三"], "investment_done": [5e7]})
    version = publish(engine, frame, content=b"x", filename="a.xlsx", uploader="tester", expected=ANY_VERSION)
    back = version_projects(engine, version.id)
    assert check_projects(back) is back
    assert back.loc[0, "flats"] == 12 and back.loc[0, "leader"] == "张三" and back.loc[0, "investment_done"] == 5e7
    pd.testing.assert_frame_equal(back, frame[frame["name"].notna()].reset_index(drop=True))


def test_migrations_keep_the_rows_of_a_0002_database(tmp_path):
    from alembic import command
    from sqlalchemy import create_engine, inspect, text

    from store import db

    engine = db.make_engine(f"sqlite:///{tmp_path / 'old.db'}")
    with db.writing(engine) as conn:
        command.upgrade(db._alembic_config(conn), "0002")
    with engine.begin() as conn:
        conn.execute(text("INSERT INTO files (id, sha256, size, content) VALUES (1, 'x', 1, x'00')"))
        conn.execute(
            text(
                "INSERT INTO versions (id, created_at, uploader, filename, file_id, sha256, comment, source, projects,"
                " households, floor_area_m2, issues, summary) VALUES (1, '2026-11-01 00:00:00', 'u', 'a.xlsx', 1, 'x',"
                " '', 'upload', 1, 5, 1.0, '[]', '{}')"
            )
        )
        conn.execute(
            text(
                "INSERT INTO project_rows (version_id, position, name, households, sheet, row)"
                " VALUES (1, 0, '甲', 5, 'S', 3)"
            )
        )
    db.migrate(engine)
    columns = {c["name"] for c in inspect(create_engine(engine.url)).get_columns("project_rows")}
    assert {"flats", "investment_planned", "investment_done", "completion_planned", "leader"} <= columns
    from store.versions import version_projects

    back = version_projects(engine, 1)
    assert back.loc[0, "name"] == "甲" and back.loc[0, "households"] == 5 and back["leader"].isna().all()
