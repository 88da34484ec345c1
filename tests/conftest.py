"""Shared test helpers: the repository on ``sys.path`` and a builder for small test workbooks.

Workbooks are built in code with openpyxl into ``tmp_path``; the committed files under ``tests/fixtures``
and ``data/`` are read as they are.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable, Sequence
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))  # `loaders` and `housing` import from the repository root


def write_xlsx(
    path: Path,
    rows: Iterable[Sequence] = (),
    sheet: str = "项目",
    merges: Iterable[str] = (),
    cells: dict[str, object] | None = None,
    sheets: Sequence[tuple[str, Iterable[Sequence], Iterable[str]]] | None = None,
    hidden: Iterable[str] = (),
) -> Path:
    """Write an xlsx: ``rows`` appended from A1 (``None`` is an empty cell), then ``merges`` ("C3:C5") and
    single ``cells`` ({"XFD1048576": "x"}). ``sheets`` gives several (title, rows, merges) instead; titles
    in ``hidden`` become hidden sheets."""
    from openpyxl import Workbook

    book = Workbook()
    book.remove(book.active)
    for title, sheet_rows, sheet_merges in sheets or [(sheet, rows, merges)]:
        ws = book.create_sheet(title)
        for row in sheet_rows:
            ws.append(list(row))
        for rng in sheet_merges:
            ws.merge_cells(rng)
        if title in hidden:
            ws.sheet_state = "hidden"
    for ref, value in (cells or {}).items():
        book.worksheets[0][ref] = value
    book.save(path)
    return path


@pytest.fixture
def make_xlsx(tmp_path):
    """``make_xlsx(rows, sheet="项目", merges=(), name="book.xlsx", **kw)`` -> the path of a new xlsx."""

    def build(rows: Iterable[Sequence] = (), sheet: str = "项目", merges: Iterable[str] = (), name="book.xlsx", **kw):
        return write_xlsx(tmp_path / name, rows, sheet, merges, **kw)

    return build


@pytest.fixture
def load_rows(make_xlsx):
    """Build an xlsx from rows (same arguments as ``make_xlsx``) and load it: -> ``LoadResult``."""
    from loaders import load_workbook

    def load(rows: Iterable[Sequence] = (), sheet: str = "项目", merges: Iterable[str] = (), overrides=None, **kw):
        return load_workbook(make_xlsx(rows, sheet, merges, **kw), overrides)

    return load


@pytest.fixture(autouse=True)
def app_database(tmp_path, monkeypatch) -> str:
    """Every test gets its own empty SQLite database for the app (never data/resettle.db)."""
    url = f"sqlite:///{tmp_path / 'app.db'}"
    monkeypatch.setenv("DATABASE_URL", url)
    return url


def _reset_postgres(url: str) -> None:
    """Empty the test database (it is created for the tests by .ci/postgres.sh)."""
    from sqlalchemy import create_engine, text

    engine = create_engine(url)
    with engine.begin() as conn:
        conn.execute(text("DROP SCHEMA public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))
    engine.dispose()


BACKENDS = ["sqlite", "postgresql"]


@pytest.fixture(params=BACKENDS)
def db_url(request, tmp_path) -> str:
    """A fresh, empty database URL: SQLite in ``tmp_path`` always; PostgreSQL when TEST_DATABASE_URL is set."""
    import os

    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'test.db'}"
    url = os.environ.get("TEST_DATABASE_URL")
    if not url:
        if os.environ.get("CI") == "true":
            pytest.fail("TEST_DATABASE_URL must be set in CI (.ci/run starts PostgreSQL and sets it)")
        pytest.skip("TEST_DATABASE_URL is not set (.ci/run sets it)")
    _reset_postgres(url)
    return url


@pytest.fixture
def engine(db_url):
    """A migrated engine on a fresh database (see ``db_url``)."""
    from store.db import make_engine, migrate

    engine = make_engine(db_url)
    migrate(engine)
    yield engine
    engine.dispose()


@pytest.fixture
def project_table():
    """``project_table([{"name": ..., "households": ...}, ...])`` -> a frame with the loader's columns and types."""
    import pandas as pd

    from loaders.load import empty_projects

    def build(rows: list[dict]) -> pd.DataFrame:
        template = empty_projects()
        frame = pd.DataFrame([{c: row.get(c) for c in template.columns} for row in rows], columns=template.columns)
        for name in ("start", "deadline", "handed_over"):
            frame[name] = pd.to_datetime(frame[name])
        frame["sheet"] = frame["sheet"].fillna("项目")
        frame["row"] = range(2, len(frame) + 2)
        return frame.astype(template.dtypes.to_dict())

    return build
