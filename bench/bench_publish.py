"""Time publishing a 100,000-project version against pandas ``to_sql`` of the same table, same database.

    .venv/bin/python bench/bench_publish.py                          # SQLite in a temporary directory
    .venv/bin/python bench/bench_publish.py --url "$TEST_DATABASE_URL"   # and PostgreSQL (a scratch schema)
    .venv/bin/python bench/bench_publish.py --projects 20000 --repeat 3

The table is the loader's canonical table of the loader benchmark's rows (``bench_changes.old_version``),
with a 6.4 MB file standing in for the workbook (the size of the 100,000-row benchmark workbook).

In the same process, on the same database, best of ``--repeat``:
- ``store.versions.publish``: one transaction that stores the file and its SHA-256, the version row, every
  project row and moves the current-version pointer (each run publishes a new version);
- baseline ``projects.to_sql(..., if_exists="replace")``: pandas writing the same rows into a plain table;
- reading back: ``store.versions.version_projects`` (typed like the loader's table) against
  ``pandas.read_sql_table`` of the baseline table.

On PostgreSQL everything happens in a schema ``bench_publish`` made for the run and dropped after it.
Exit code 0 when publishing takes at most ``TARGET_SECONDS`` on every database and reads back every row.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import sys
import tempfile
from importlib.metadata import version
from pathlib import Path

import pandas as pd
from sqlalchemy import create_engine, text
from sqlalchemy.engine import Engine, make_url

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from bench_changes import old_version  # noqa: E402
from bench_loader import best_of  # noqa: E402

from store.db import make_engine, migrate  # noqa: E402
from store.versions import publish, version_projects  # noqa: E402

TARGET_SECONDS = 5.0
FILE_BYTES = 6_400_000
SCHEMA = "bench_publish"


def reset_scratch(url: str, *, create: bool) -> None:
    """Drop the scratch schema, and make it again, empty, when ``create``."""
    engine = create_engine(url)
    with engine.begin() as conn:
        conn.execute(text(f"DROP SCHEMA IF EXISTS {SCHEMA} CASCADE"))
        if create:
            conn.execute(text(f"CREATE SCHEMA {SCHEMA}"))
    engine.dispose()


def scratch_url(url: str) -> str:
    """PostgreSQL: the same database with ``search_path`` set to the scratch schema (made here, empty)."""
    reset_scratch(url, create=True)
    return make_url(url).update_query_dict({"options": f"-csearch_path={SCHEMA}"}).render_as_string(False)


def run(engine: Engine, projects: pd.DataFrame, content: bytes, repeat: int) -> dict[str, float | int]:
    """Best times of publish / to_sql / reading back on one migrated database, and the rows read back."""
    published: list[int] = []

    def ours() -> None:
        published.append(publish(engine, projects, content=content, filename="bench.xlsx", uploader="bench").id)

    mine, _ = best_of(repeat, ours)
    base, _ = best_of(repeat, lambda: projects.to_sql("baseline", engine, if_exists="replace", index=False))
    back, rows = best_of(repeat, lambda: version_projects(engine, published[-1]))
    plain, _ = best_of(repeat, lambda: pd.read_sql_table("baseline", engine))
    return {"publish": mine, "to_sql": base, "read": back, "read_sql": plain, "rows": len(rows)}


def report(name: str, figures: dict, projects: int) -> bool:
    """Print one database's figures and ratios; True when the target is met and every row came back."""
    print(f"{name}:")
    print(f"  publish (file + version + rows + pointer, one transaction): {figures['publish']:.2f} s")
    print(f"  baseline DataFrame.to_sql(if_exists='replace'):              {figures['to_sql']:.2f} s")
    print(f"  ratio publish / to_sql: {figures['publish'] / figures['to_sql']:.2f}")
    print(f"  read back version_projects: {figures['read']:.2f} s, pandas.read_sql_table: {figures['read_sql']:.2f} s")
    print(f"  ratio version_projects / read_sql_table: {figures['read'] / figures['read_sql']:.2f}")
    complete = figures["rows"] == projects
    passed = figures["publish"] <= TARGET_SECONDS
    print(f"  rows read back: {figures['rows']:,} [{'all' if complete else 'NOT all'}]")
    print(f"  target: publish <= {TARGET_SECONDS:.1f} s: {'PASS' if passed else 'MISS'}")
    return passed and complete


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--projects", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--url", action="append", default=[], help="also a PostgreSQL URL (a scratch schema)")
    args = parser.parse_args()

    projects = old_version(args.projects)
    content = os.urandom(FILE_BYTES)
    print(f"{dt.date.today()}, {platform.machine()}, Python {platform.python_version()}, pandas {version('pandas')}")
    print(f"SQLAlchemy {version('SQLAlchemy')}; {len(projects):,} projects, best of {args.repeat}")
    ok = True
    with tempfile.TemporaryDirectory() as tmp:
        engine = make_engine(f"sqlite:///{tmp}/bench.db")
        migrate(engine)
        ok &= report("SQLite (WAL)", run(engine, projects, content, args.repeat), len(projects))
        engine.dispose()
    for url in args.url:
        engine = make_engine(scratch_url(url))
        try:
            migrate(engine)
            ok &= report(
                f"{make_url(url).get_backend_name()}", run(engine, projects, content, args.repeat), len(projects)
            )
        finally:
            engine.dispose()
            reset_scratch(url, create=False)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
